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
