"""Database sessions read with one prepared SQL text instead of an ORM query built on every request (issue 18).

Django's database backend reads a session with `Session.objects.get(session_key=…, expire_date__gt=now)`: the same
row and the same condition, but the ORM builds that query anew on each signed-in request (≈ 0.4 ms of Python, more
than the query itself). This store runs the SQL the ORM would run, written once; everything else (saving, creating,
deleting, expiry, the signed and compressed data) is Django's `db.SessionStore` unchanged. The default engine in
settings (SESSION_ENGINE); `django.contrib.sessions.backends.db` is the plain one.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Any:
        key = self.session_key
        if not key:
            self._session_key = None
            return None
        alias = router.db_for_read(Session)
        connection = connections[alias]
        table, quote = Session._meta.db_table, connection.ops.quote_name
        sql = (f"SELECT {quote('session_data')} FROM {quote(table)} "
               f"WHERE {quote('session_key')} = %s AND {quote('expire_date')} > %s")
        # the value the ORM would send for `expire_date__gt=timezone.now()` (UTC text on SQLite, aware on PostgreSQL)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(sql, [key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return Session(session_key=key, session_data=row[0])
