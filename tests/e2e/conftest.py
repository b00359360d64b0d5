"""Browser journeys in Debian's Chromium through Playwright (never a downloaded browser).

Outside CI a missing Chromium skips these tests with a printed reason; in CI (CI=true) it fails them.

Journeys assert only with Playwright's waiting ``expect(...)``: a CI machine runs two suites on two cores, so the page
after a click may not have arrived yet (test_journey_style.py keeps it so).
"""

from __future__ import annotations

import os
import shutil

import pytest
from playwright.sync_api import expect

# Playwright's sync API runs an event loop in this thread; Django's guard against ORM calls from async code
# would trip on the fixtures that prepare data. Only the browser tests set this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# How long an expect(...) waits for the page to reach the asserted state. Playwright's 5 s is too short on a busy
# 2-core CI machine rendering a PDF document in the request; it is an upper bound, a passing assertion returns at once.
expect.set_options(timeout=20_000)


def _in_browser(item) -> bool:
    """A journey drives the browser's page (test_journey_style.py only reads the journeys' source)."""
    return "/e2e/" in str(item.fspath) and "page" in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(config, items):
    journeys = [item for item in items if _in_browser(item)]
    for item in journeys:
        item.add_marker(pytest.mark.browser)
        item.add_marker(pytest.mark.xdist_group("browser"))
    if journeys and not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            raise pytest.UsageError(f"CI 需要 Chromium：{CHROMIUM} 不存在（.ci/run 会安装 Debian 的 chromium 包）")
        skip = pytest.mark.skip(reason=f"未找到 Chromium（{CHROMIUM}），浏览器测试跳过；CI 中会失败而不是跳过")
        for item in journeys:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
    }


@pytest.fixture
def sign_in(page, live_server):
    """Sign a user in by handing the browser a fresh session cookie, dropping any previous user's cookies.

    The login form has its own journey (test_login_journey.py); the others start where the user is signed in,
    without two page loads per change of user. The page is left where it was: the caller goes where the user goes.
    """
    from django.conf import settings
    from django.test import Client

    from bureau.accounts.models import User

    def _sign_in(user):
        if isinstance(user, str):
            user = User.objects.get(username=user)
        client = Client()
        client.force_login(user, backend="bureau.accounts.backends.LockoutModelBackend")
        page.context.clear_cookies()
        page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                                   "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
        return page
    return _sign_in
