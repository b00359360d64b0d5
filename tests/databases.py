"""The suite's database as a DATABASE_URL, for tests that start the platform or a command in another process."""

from __future__ import annotations

from urllib.parse import quote

from django.db import connection


def database_url(name: str | None = None) -> str:
    """DATABASE_URL of the test database (or of database `name` on the same PostgreSQL server)."""
    conf = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{name or conf['NAME']}"
    credentials = quote(conf["USER"] or "") + (f":{quote(conf['PASSWORD'])}" if conf["PASSWORD"] else "")
    return f"postgres://{credentials}@{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}/{name or conf['NAME']}"
