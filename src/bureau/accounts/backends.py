"""Password sign-in with throttling in the shared store (等保 2.0 8.1.4.1 a: 登录失败处理).

Every sign-in path (the login page, the admin's) goes through this backend, so none of them bypasses the limits.
A name that must wait is refused without checking the password and without counting.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from bureau.accounts import signin
from bureau.accounts.models import User
from bureau.kernel.audit import audit


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
        """The signed-in user of a request with everything the top bar, the menu and the authority checks read:
        organisation and enterprise joined, roles in one more query (issue 18: one load per request, not five)."""
        user = (User._default_manager.select_related("organisation", "enterprise").prefetch_related("roles")
                .filter(pk=user_id).first())
        return user if user is not None and self.user_can_authenticate(user) else None
