from __future__ import annotations

import pytest

from bureau.kernel import calendar
from bureau.kernel.rules import forget_cached_rules


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path):
    """Uploaded and generated files go to a per-test folder; the calendar and rule caches start empty."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"
    calendar.invalidate()
    forget_cached_rules()
    yield
    calendar.invalidate()
    forget_cached_rules()


@pytest.fixture
def city_admin(db):
    from tests.factories import city_bureau, make_user

    return make_user("t_admin", roles=["sysadmin"], organisation=city_bureau())


@pytest.fixture
def login(client):
    """Sign a user in on the test client and return the client."""
    def _login(user):
        client.force_login(user, backend="bureau.accounts.backends.LockoutModelBackend")
        return client
    return _login
