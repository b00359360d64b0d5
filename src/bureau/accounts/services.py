"""Account use cases: sign-in bookkeeping, second factor, password change, API tokens."""

from __future__ import annotations

import secrets
from typing import Any

import pyotp
from django.db import transaction
from django.utils import timezone

from bureau.accounts.models import ApiToken, User
from bureau.kernel.audit import audit
from bureau.kernel.errors import DomainError


def totp_begin_enrolment(*, actor: User) -> str:
    """Create (but not yet enable) a TOTP secret; returns the provisioning URI for the authenticator app."""
    with transaction.atomic():
        secret = pyotp.random_base32()
        actor.totp_secret = secret
        actor.totp_enabled = False
        actor.save(update_fields=["totp_secret", "totp_enabled"])
        audit(actor, "accounts.totp_begin", actor, summary="开始绑定动态口令")
    return pyotp.TOTP(secret).provisioning_uri(name=actor.username, issuer_name="运城应急政务平台")


def totp_confirm(*, actor: User, code: str) -> None:
    if not actor.totp_secret:
        raise DomainError("请先生成动态口令密钥")
    if not pyotp.TOTP(actor.totp_secret).verify((code or "").strip(), valid_window=1):
        raise DomainError("动态口令不正确，请核对手机上的6位数字", field="code")
    with transaction.atomic():
        actor.totp_enabled = True
        actor.save(update_fields=["totp_enabled"])
        audit(actor, "accounts.totp_enabled", actor, summary="已启用动态口令双因素认证")


def totp_check(*, user: User, code: str) -> bool:
    ok = bool(user.totp_secret) and pyotp.TOTP(user.totp_secret).verify((code or "").strip(), valid_window=1)
    audit(user, "accounts.totp_check", user, result="成功" if ok else "失败", summary="动态口令校验")
    return ok


def password_changed(*, actor: User) -> None:
    with transaction.atomic():
        User.objects.filter(pk=actor.pk).update(password_changed_at=timezone.now())
        audit(actor, "accounts.password_changed", actor, summary="修改密码")


def api_token_issue(*, actor: Any, user: User, name: str, scopes: list[str], regions: list[str] | None = None,
                    expires_at: Any = None, fields: dict[str, list[str]] | None = None) -> tuple[ApiToken, str]:
    """Issue a token; the raw value is returned once and never stored."""
    raw = "bt_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            name=name, user=user, prefix=raw[3:11], token_hash=ApiToken.hash(raw), scopes=scopes,
            regions=regions or [], expires_at=expires_at, fields=fields or {},
        )
        audit(actor, "accounts.api_token_issue", token, summary=f"签发接口令牌：{name}", data={"scopes": scopes})
    return token, raw
