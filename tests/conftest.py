from __future__ import annotations

import os
from importlib import import_module

import pytest
from django.conf import settings
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from bureau.kernel import calendar, sms
from bureau.kernel.rules import forget_cached_rules

AUDIT_MIGRATION = import_module("bureau.kernel.migrations.0004_throttle_heartbeat_keyed_audit")


def _on_sqlite() -> bool:
    return not os.environ.get("DATABASE_URL", "").startswith("postgres")


def pytest_configure(config):
    """On SQLite the test database is built from the models (no migration replay: 18 s per worker). On PostgreSQL —
    the production engine — the first worker's database is built by applying every migration, so CI still proves
    they run and the whole suite passes on a migrated schema; the other workers build theirs from the models (the
    same schema: `makemigrations --check` is a test), which saves each of them the replay."""
    if not _on_sqlite():
        _delete_instead_of_truncate()
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    if os.environ.get("BUREAU_TEST_MIGRATE"):
        return
    if _on_sqlite() or worker != "gw0":
        config.option.nomigrations = True


def _delete_instead_of_truncate() -> None:
    """Between the tests that commit (browser journeys, the platform, backup and restore) Django empties the test
    database with one TRUNCATE of every table: on PostgreSQL 0.6 s each on an idle machine (a new file per table and
    index) and several seconds under CI's load. Deleting the few rows those tests leave, with foreign keys and
    triggers switched off for the transaction (`session_replication_role`, a superuser's setting: CI's database user
    is one), empties the same tables in ≈ 0.04 s. Sequences are not reset, as Django's flush does not reset them
    unless asked (then its own TRUNCATE … RESTART IDENTITY runs)."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or not tables:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if not cursor.fetchone()[0]:
                return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return ["SET LOCAL session_replication_role = replica",
                *[f"DELETE FROM {self.quote_name(table)}" for table in tables]]

    DatabaseOperations.sql_flush = sql_flush


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    """A database built from the models records every migration as applied, as `migrate` would (the backup,
    restore and upgrade checks read django_migrations)."""
    if request.config.getvalue("nomigrations"):
        settings.MIGRATION_MODULES = {}  # the migrations exist again for the tests that run them (upgrade checks)
        with django_db_blocker.unblock():
            for alias in connections:
                recorder = MigrationRecorder(connections[alias])
                recorder.ensure_schema()
                for app_label, name in MigrationLoader(connections[alias]).graph.nodes:
                    recorder.record_applied(app_label, name)
                if connections[alias].vendor == "postgresql":
                    # what a migration adds beyond the models: the audit trail's append-only trigger (kernel 0004)
                    with connections[alias].cursor() as cursor:
                        cursor.execute(AUDIT_MIGRATION.APPEND_ONLY)
    with django_db_blocker.unblock():
        _load_shipped_reference_data()


def _load_shipped_reference_data() -> None:
    """The reference data a bureau's database holds — the licensing catalogue, the 差评原因 and the discretion benchmark (statutory
    ranges, 应急〔2024〕90号 rows, the demo set) — is loaded once per test database instead of once per test (0.13 s
    and 0.4 s each; the benchmark alone was 27 % of the penalty tests' time). Tests run inside a transaction that
    rolls back, so none can change it for another; a test that flushes the database (transaction=True) leaves it
    empty and the areas' factories load what they need again."""
    from bureau.feedback.models import BadRatingReason
    from bureau.feedback.reference import seed_reasons
    from bureau.licensing.reference import seed_items
    from bureau.penalties.demo import load_benchmark
    from bureau.penalties.models import BenchmarkRow

    seed_items()
    seed_reasons(BadRatingReason)  # the 差评原因 list (migration feedback 0002)
    if not BenchmarkRow.objects.exists():
        load_benchmark()


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


@pytest.fixture
def sms_outbox(monkeypatch) -> list[tuple[str, str]]:
    """The texts handed to the SMS gateway, one-time codes included (the platform keeps only a redacted copy): the
    configured backend still sends and records each message; this only lets a test read what the phone received."""
    sent: list[tuple[str, str]] = []
    real = sms.get_backend

    class Recording:
        def send(self, phone: str, text: str, key: str = "", secret: str = "") -> str:
            sent.append((phone, text))
            return real().send(phone, text, key=key, secret=secret)

    monkeypatch.setattr(sms, "get_backend", Recording)
    return sent
