"""Account use cases: sign-in bookkeeping, second factor, password change, API tokens."""

from __future__ import annotations

import secrets
from typing import Any

import pyotp
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bureau.accounts import signin
from bureau.accounts.models import ApiToken, User
from bureau.accounts.roles import SECADMIN
from bureau.kernel.audit import audit
from bureau.kernel.errors import DomainError, PermissionDenied
from bureau.kernel.notifications import notify

TOTP_ISSUER = "运城应急政务平台"


def _totp(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret)


def _matching_step(secret: str, code: str, last_step: int) -> int | None:
    """The 30-second step the code belongs to (±1 step for clock drift), if it is newer than the last one used.

    RFC 6238 5.2: a verifier must not accept the same code twice."""
    code = (code or "").strip()
    if not secret or len(code) != 6 or not code.isdigit():
        return None
    totp = _totp(secret)
    now_step = int(timezone.now().timestamp()) // totp.interval
    for step in (now_step, now_step - 1, now_step + 1):
        if step > last_step and secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def totp_begin_enrolment(*, actor: User, second_factor_verified: bool) -> str:
    """Create a pending TOTP secret; returns the provisioning URI for the authenticator app.

    The enabled factor (if any) keeps working until the new one is confirmed. Replacing an enabled factor needs
    the second factor verified in this session (等保 2.0 8.1.4.1 d: the factor cannot be swapped with the password
    alone)."""
    if actor.totp_enabled and not second_factor_verified:
        raise PermissionDenied("更换动态口令前须先验证当前的动态口令")
    with transaction.atomic():
        secret = pyotp.random_base32()
        actor.totp_pending_secret = secret
        actor.save(update_fields=["totp_pending_secret"])
        audit(actor, "accounts.totp_begin", actor, summary="开始绑定动态口令" if not actor.totp_enabled else "开始更换动态口令")
    return _totp(secret).provisioning_uri(name=actor.username, issuer_name=TOTP_ISSUER)


def totp_confirm(*, actor: User, code: str, second_factor_verified: bool) -> None:
    """Prove the pending secret with a code from it; it becomes the user's factor. The user is told (inbox and
    SMS), so a change made by someone else does not go unnoticed."""
    if actor.totp_enabled and not second_factor_verified:
        raise PermissionDenied("更换动态口令前须先验证当前的动态口令")
    if not actor.totp_pending_secret:
        raise DomainError("请先生成动态口令密钥")
    signin.otp_check(actor.pk)
    step = _matching_step(actor.totp_pending_secret, code, 0)
    if step is None:
        signin.otp_failed(actor.pk)
        audit(actor, "accounts.totp_confirm_failed", actor, result="失败", summary="绑定动态口令时口令不正确")
        raise DomainError("动态口令不正确，请核对手机上的6位数字", field="code")
    replaced = actor.totp_enabled
    with transaction.atomic():
        actor.totp_secret = actor.totp_pending_secret
        actor.totp_pending_secret = ""
        actor.totp_enabled = True
        actor.totp_last_step = step
        actor.totp_changed_at = timezone.now()
        actor.save(update_fields=["totp_secret", "totp_pending_secret", "totp_enabled", "totp_last_step",
                                  "totp_changed_at"])
        audit(actor, "accounts.totp_replaced" if replaced else "accounts.totp_enabled", actor,
              summary="已更换动态口令" if replaced else "已启用动态口令双因素认证")
        _tell(actor, "动态口令已更换" if replaced else "已启用动态口令",
              "您的账号刚刚绑定了新的动态口令。如非本人操作，请立即联系安全管理员。")
    signin.otp_succeeded(actor.pk)


def totp_check(*, user: User, code: str) -> bool:
    """Check a sign-in code. Wrong codes are throttled like passwords (RateLimited once too many); a code is
    accepted once."""
    signin.otp_check(user.pk)
    step = _matching_step(user.totp_secret, code, user.totp_last_step) if user.totp_enabled else None
    if step is not None:
        updated = User.objects.filter(pk=user.pk, totp_last_step__lt=step).update(totp_last_step=step)
        if not updated:  # the same code used at the same moment by another request
            step = None
        else:
            user.totp_last_step = step
    ok = step is not None
    audit(user, "accounts.totp_check", user, result="成功" if ok else "失败", summary="动态口令校验")
    if ok:
        signin.otp_succeeded(user.pk)
    else:
        signin.otp_failed(user.pk)
    return ok


def totp_disable(*, actor: User, code: str, second_factor_verified: bool) -> None:
    """The user turns the factor off: needs the verified factor in this session and a current code; staff may not
    when the second factor is required (REQUIRE_STAFF_TOTP)."""
    if not actor.totp_enabled:
        raise DomainError("尚未启用动态口令")
    if settings.REQUIRE_STAFF_TOTP and actor.is_staff_member:
        raise PermissionDenied("机关工作人员必须使用动态口令，不能关闭；更换手机请使用“更换动态口令”")
    if not second_factor_verified:
        raise PermissionDenied("关闭动态口令前须先验证当前的动态口令")
    if not totp_check(user=actor, code=code):
        raise DomainError("动态口令不正确，请核对手机上的6位数字", field="code")
    with transaction.atomic():
        User.objects.filter(pk=actor.pk).update(totp_enabled=False, totp_secret="", totp_pending_secret="",
                                                totp_changed_at=timezone.now())
        actor.totp_enabled, actor.totp_secret, actor.totp_pending_secret = False, "", ""
        audit(actor, "accounts.totp_disabled", actor, summary="关闭动态口令")
        _tell(actor, "动态口令已关闭", "您的账号已关闭动态口令。如非本人操作，请立即联系安全管理员。")


def totp_reset(*, actor: User, user: User, reason: str) -> None:
    """A security administrator clears a user's factor (lost phone) after checking the person's identity; the user
    enrols again at the next sign-in (staff must). Audited with the reason; the user is told."""
    if not (actor.has_role(SECADMIN) or actor.is_superuser):
        raise PermissionDenied("只有安全管理员可以重置动态口令")
    if actor.pk == user.pk:
        raise PermissionDenied("不能重置自己的动态口令，请由另一位安全管理员办理")
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise DomainError("请填写重置原因（如何核实了本人身份）", field="reason")
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(totp_enabled=False, totp_secret="", totp_pending_secret="",
                                               totp_last_step=0, totp_changed_at=timezone.now())
        audit(actor, "accounts.totp_reset", user, summary=f"重置 {user.username} 的动态口令", data={"reason": reason[:200]})
        _tell(user, "动态口令已被重置", f"安全管理员重置了您账号的动态口令（原因：{reason[:60]}），请登录后重新绑定。"
              "如非本人申请，请立即联系安全管理员。")


def _tell(user: User, title: str, body: str) -> None:
    notify([user], title, body, url="/accounts/profile/", sms=True)


def password_changed(*, actor: User) -> None:
    with transaction.atomic():
        User.objects.filter(pk=actor.pk).update(password_changed_at=timezone.now())
        audit(actor, "accounts.password_changed", actor, summary="修改密码")


def api_token_issue(*, actor: User | None, user: User, name: str, scopes: list[str], regions: list[str] | None = None,
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
