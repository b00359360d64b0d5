"""找回密码: a password reset proven by an SMS code to the phone recorded on the account.

- The answer never says whether an account exists or which phone it has: a name and phone that do not match get
  the same message, the same limits and the same resend wait as a real account, only no SMS leaves
  (GB/T 22239-2019 8.1.4.1; the sign-in pages follow the same rule, accounts/signin.py).
- The new password passes the password policy (AUTH_PASSWORD_VALIDATORS: length, character classes, common
  passwords, similarity to the account's names).
- Changing the password ends every other session of the account (Django's session hash is derived from the
  password) and the reset signs nobody in: the next sign-in asks the new password and then, for an account with a
  second factor, its code as always. The SMS proves the phone, not the authenticator, so a reset can never replace
  the second factor (accounts/signin.py, SecondFactorMiddleware).
- Audited; the user is told in the inbox and by SMS.
"""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bureau.accounts import sms_codes
from bureau.accounts.models import SmsCode, User
from bureau.kernel.audit import audit
from bureau.kernel.errors import DomainError
from bureau.kernel.identifiers import IdentifierError, validate_mobile
from bureau.kernel.notifications import notify
from bureau.kernel.rules import cached_rule


def sent_message() -> str:
    minutes = max(1, int(cached_rule("sms_code.ttl_seconds")) // 60)
    return f"如账号与手机号码相符，验证码已发送到该手机，{minutes}分钟内有效。"


def _phone(value: str) -> str:
    try:
        return validate_mobile(value)
    except IdentifierError as exc:
        raise DomainError(str(exc), field="phone") from None


def _account(username: str, phone: str) -> User | None:
    user = User.objects.filter(username=(username or "").strip()[:150], is_active=True).first()
    if user is None or not user.phone or user.phone.strip() != phone:
        return None
    return user


def reset_request(*, username: str, phone: str, address: str) -> str:
    """Send a reset code when the name and phone match an active account; the same answer either way. Returns the
    code for the demo echo (empty when nothing was sent)."""
    if not (username or "").strip():
        raise DomainError("请输入用户名", field="username")
    phone = _phone(phone)
    user = _account(username, phone)
    return sms_codes.code_send(phone=phone, purpose=SmsCode.Purpose.RESET, address=address, deliver=user is not None)


def reset_confirm(*, username: str, phone: str, code: str, password: str, password2: str) -> User:
    """Set the new password after the code is checked; raises DomainError with the field at fault."""
    phone = _phone(phone)
    sms_codes.code_verify(phone=phone, purpose=SmsCode.Purpose.RESET, code=code, consume=False)
    user = _account(username, phone)
    if user is None:  # a code sent for another account of this phone: answered like a wrong code
        raise DomainError("验证码不正确", field="code")
    if password != password2:
        raise DomainError("两次输入的新密码不一致", field="password2")
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError("；".join(exc.messages), field="password") from None
    with transaction.atomic():
        sms_codes.code_verify(phone=phone, purpose=SmsCode.Purpose.RESET, code=code, consume=True)
        user.set_password(password)
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "password_changed_at"])
        audit(user, "accounts.password_reset", user, summary="通过短信验证码重置密码")
        notify([user], "密码已重置", "您的账号密码已通过短信验证码重置，其他设备上的登录已失效。如非本人操作，"
               "请立即联系安全管理员。", url="/accounts/profile/", sms=True)
    return user
