"""Issue 18 item 4: PostgreSQL server-side prepared statements are on by default (a query run five times on a
connection is planned once), `DB_PREPARE_THRESHOLD=off` turns them off behind a pooler that cannot keep them, and a
wrong value stops the start with a message; what DATABASE_URL's query says (sslmode) is kept beside them."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from bureau.settings import postgres_options


def test_prepared_statements_are_on_by_default_and_off_on_request():
    assert postgres_options("5") == {"server_side_binding": True, "prepare_threshold": 5}
    assert postgres_options(" 1 ") == {"server_side_binding": True, "prepare_threshold": 1}
    assert postgres_options("off") == {} and postgres_options("OFF") == {}


def test_a_threshold_of_zero_is_refused_as_migrations_cannot_be_prepared():
    """psycopg prepares every statement at its first use with 0, and PostgreSQL cannot prepare a statement of several
    commands: Django's migrations send some (`ALTER TABLE … ; SET CONSTRAINTS … IMMEDIATE`, kernel 0004's trigger),
    so `migrate` failed ("cannot insert multiple commands into a prepared statement") — refused at the start."""
    with pytest.raises(ImproperlyConfigured, match="DB_PREPARE_THRESHOLD.*migrations"):
        postgres_options("0")


@pytest.mark.parametrize("value", ["", "five", "-1", "2.5", "none"])
def test_a_wrong_threshold_stops_the_start_naming_the_setting(value):
    with pytest.raises(ImproperlyConfigured, match="DB_PREPARE_THRESHOLD"):
        postgres_options(value)


@pytest.mark.django_db
def test_the_running_database_plans_a_repeated_query_once_on_postgresql():
    """On PostgreSQL (CI's second run, production) the sixth run of a query uses a statement prepared on the
    connection; on SQLite (the embedded default) the options do not apply at all."""
    options = settings.DATABASES["default"].get("OPTIONS", {})
    if connection.vendor != "postgresql":
        assert "server_side_binding" not in options and "prepare_threshold" not in options
        return
    assert options.get("server_side_binding") is True and options.get("prepare_threshold") == 5
    with connection.cursor() as cursor:
        for _ in range(6):
            cursor.execute("SELECT count(*) FROM django_content_type WHERE app_label = %s", ["kernel"])
            cursor.fetchone()
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                       ["%FROM django_content_type WHERE app_label = $1%"])
        assert cursor.fetchone()[0] == 1


@pytest.mark.django_db
def test_no_statement_is_prepared_while_migrations_run():
    """A migration may send the same statement of several commands more than once (ALTER TABLE …; SET CONSTRAINTS …),
    which PostgreSQL cannot prepare: `migrate` turns preparing off on its connection before the migrations and back on
    as the settings say after them (kernel/apps.py, on the signals `migrate` sends)."""
    from django.apps import apps
    from django.db.models.signals import post_migrate, pre_migrate

    from bureau.kernel.apps import migrations_done, migrations_unprepared

    kernel = apps.get_app_config("kernel")
    assert migrations_unprepared in pre_migrate._live_receivers(kernel)[0]
    assert migrations_done in post_migrate._live_receivers(kernel)[0]
    migrations_unprepared(sender=kernel, using="default")
    try:
        if connection.vendor == "postgresql":
            assert connection.connection.prepare_threshold is None
            with connection.cursor() as cursor:
                for _ in range(7):  # prepared by then, were preparing on: "cannot insert multiple commands"
                    cursor.execute("SELECT 1; SELECT 2")
    finally:
        migrations_done(sender=kernel, using="default")
    if connection.vendor == "postgresql":
        assert connection.connection.prepare_threshold == 5
