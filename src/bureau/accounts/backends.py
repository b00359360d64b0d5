"""Password sign-in with throttling in the shared store (等保 2.0 8.1.4.1 a: 登录失败处理).

Every sign-in path (the login page, the admin's) goes through this backend, so none of them bypasses the limits.
A name that must wait is refused without checking the password and without counting.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.db.models.expressions import RawSQL
from django.http import HttpRequest

from bureau.accounts import signin
from bureau.accounts.models import Role, User
from bureau.kernel.audit import audit
from bureau.kernel.prepared import Prepared


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request: HttpRequest | None, username: str | None = None, password: str | None = None,
                     **kwargs: Any) -> User | None:
        if not username or password is None:
            return None
        if not signin.login_allowed(request, username):
            return None
        user = User.objects.filter(username=username).first()
        if user is None:
            User().set_password(password)  # same work as a real check, so timing does not reveal accounts
        elif user.check_password(password) and self.user_can_authenticate(user):
            signin.login_succeeded(request, username)
            return user
        wait = signin.login_failed(request, username)
        audit(user, "accounts.login_failed", user, result="失败",
              object_type="" if user else "accounts.user", object_id="" if user else username[:64],
              summary="登录失败" + ("（未知账号）" if user is None else "") + (f"，须等待 {wait} 秒" if wait else ""))
        return None

    def get_user(self, user_id: Any) -> User | None:
        """The signed-in user of a request with everything the top bar, the menu and the authority checks read, in
        one query: organisation and enterprise joined, the role codes aggregated by a subquery (issue 18: one load
        per request, not five)."""
        try:
            pk = User._meta.pk.get_prep_value(user_id)  # type: ignore[union-attr]
        except (ValueError, TypeError):
            return None
        found = _SIGNED_IN.all(pk)
        if not found:
            return None
        user = found[0]
        joined = getattr(user, "role_codes_joined", None) or ""
        user.__dict__["role_codes"] = frozenset(code for code in joined.split(",") if code)
        return user if self.user_can_authenticate(user) else None


# compiled once per process (kernel/prepared.py): the ORM's SQL of this query, sent again with each request's user id
_SIGNED_IN: Prepared[User] = Prepared(lambda pk: User._default_manager.select_related("organisation", "enterprise")
                                      .annotate(role_codes_joined=_role_codes_sql()).filter(pk=pk))


def _role_codes_sql() -> RawSQL:
    """The user's role codes as one comma-separated text (codes are identifiers: no commas)."""
    through = User.roles.through._meta.db_table
    aggregate = "string_agg(r.code, ',')" if connection.vendor == "postgresql" else "group_concat(r.code, ',')"
    return RawSQL(f"SELECT {aggregate} FROM {Role._meta.db_table} r JOIN {through} ur ON ur.role_id = r.id "
                  f"WHERE ur.user_id = {User._meta.db_table}.id", [])
