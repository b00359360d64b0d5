"""SMS one-time codes: six digits, stored as a keyed digest, limited in life, tries and sends (rules `sms_code.*`).

- A code is sent to a phone for one purpose (registration, password reset); a new code for the same phone and
  purpose replaces the older ones. Resending waits `sms_code.resend_seconds`; sends are counted per phone and per
  address in the shared throttle store (`sms_code.phone_limit`, `sms_code.address_limit` per
  `sms_code.window_seconds`).
- Checking a code counts a try; after `sms_code.max_attempts` wrong tries the code is dead. A right code is used
  once.
- The code never reaches a log or the message table in clear (kernel.sms `secret`); the phone is kept as a blind
  index and masked (个人信息保护法 第五十一条).
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from bureau.accounts.models import SmsCode
from bureau.kernel import throttle
from bureau.kernel.crypto import blind_index
from bureau.kernel.errors import DomainError
from bureau.kernel.masking import mask_phone
from bureau.kernel.rules import cached_rule
from bureau.kernel.sms import send_sms

CODE_DIGITS = 6  # brief of issue 17: six digits (10^6 codes against at most sms_code.max_attempts tries)
TEXTS = {
    SmsCode.Purpose.REGISTER: "您正在注册{name}企业账号，验证码{code}，{minutes}分钟内有效。请勿告诉他人。",
    SmsCode.Purpose.RESET: "您正在找回{name}账号密码，验证码{code}，{minutes}分钟内有效。如非本人操作请忽略。",
}


def _digest(phone: str, purpose: str, code: str) -> str:
    key = (settings.SECRET_KEY + ":sms-code").encode()
    return hmac.new(key, f"{purpose}:{phone}:{code}".encode(), "sha256").hexdigest()


def send_keys(phone: str, address: str) -> list[throttle.Keyed]:
    window = "sms_code.window_seconds"
    return [(throttle.limit_policy("sms_phone", limit_rule="sms_code.phone_limit", window_rule=window),
             blind_index(phone)),
            (throttle.limit_policy("sms_address", limit_rule="sms_code.address_limit", window_rule=window),
             address or "unknown")]


def code_send(*, phone: str, purpose: str, address: str, deliver: bool = True) -> str:
    """Make a code for `phone` and send it (when `deliver`; a password reset for an unknown account makes none
    and sends nothing, but is limited and answered the same). Returns the code, for the demo echo only.
    Raises RateLimited (too many sends, or the resend wait)."""
    keys = send_keys(phone, address)
    throttle.check(keys, "获取验证码过于频繁，请{}后再试")
    index = blind_index(phone)
    wait = int(cached_rule("sms_code.resend_seconds"))
    last = SmsCode.objects.filter(phone_index=index, purpose=purpose).order_by("-created_at").first()
    now = timezone.now()
    if last is not None and (now - last.created_at).total_seconds() < wait:
        left = wait - int((now - last.created_at).total_seconds())
        raise throttle.RateLimited(left, f"验证码已发送，请{throttle.wait_text(left)}后再重新获取")
    throttle.fail(keys)  # every send counts against the phone and the address
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    ttl = int(cached_rule("sms_code.ttl_seconds"))
    with transaction.atomic():
        SmsCode.objects.filter(phone_index=index, purpose=purpose, used_at__isnull=True).update(used_at=now)
        SmsCode.objects.create(purpose=purpose, phone_index=index, phone_masked=mask_phone(phone),
                               code_hash=_digest(phone, purpose, code) if deliver else "",
                               expires_at=now + dt.timedelta(seconds=ttl))
    if deliver:
        text = TEXTS[SmsCode.Purpose(purpose)].format(name=settings.BUREAU_NAME, code=code, minutes=max(1, ttl // 60))
        transaction.on_commit(lambda: send_sms(phone, text, secret=code))
    return code if deliver else ""


def code_verify(*, phone: str, purpose: str, code: str, consume: bool = True) -> None:
    """Accept the latest live code of this phone and purpose, or raise DomainError (field "code"). A wrong code
    counts a try; the last allowed try kills it. `consume` marks it used (the step that acts on it)."""
    code = (code or "").strip()
    if len(code) != CODE_DIGITS or not code.isdigit():
        raise DomainError(f"请输入短信中的{CODE_DIGITS}位验证码", field="code")
    now = timezone.now()
    row = (SmsCode.objects.filter(phone_index=blind_index(phone), purpose=purpose, used_at__isnull=True,
                                  expires_at__gt=now).order_by("-created_at").first())
    limit = int(cached_rule("sms_code.max_attempts"))
    if row is None or row.attempts >= limit:
        raise DomainError("验证码已失效，请重新获取", field="code")
    if not row.code_hash or not hmac.compare_digest(row.code_hash, _digest(phone, purpose, code)):
        SmsCode.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
        left = limit - row.attempts - 1
        if left <= 0:
            SmsCode.objects.filter(pk=row.pk).update(used_at=now)
            raise DomainError("验证码错误次数过多，已失效，请重新获取", field="code")
        raise DomainError(f"验证码不正确，还可尝试{left}次", field="code")
    if consume:
        used = SmsCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now)
        if used != 1:
            raise DomainError("验证码已使用，请重新获取", field="code")


def demo_echo() -> bool:
    """Whether a page may show the code it sent: only where no SMS leaves the machine (the logging adapter) and
    not in production, so that the demo can be tried without a phone."""
    return (not settings.PRODUCTION and settings.SMS_BACKEND == "bureau.kernel.sms.LoggingSmsBackend"
            and settings.SMS_CODE_ECHO)
