"""SMS one-time codes: six digits, stored as a digest, never logged in clear, limited in life, tries and sends by
rules (`sms_code.*`), per phone and per address."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.utils import timezone

from bureau.accounts import sms_codes
from bureau.accounts.models import SmsCode
from bureau.kernel.errors import DomainError
from bureau.kernel.models import OutboundMessage, RuleParameter
from bureau.kernel.rules import forget_cached_rules
from bureau.kernel.throttle import RateLimited

pytestmark = pytest.mark.django_db
PHONE = "13835901234"
REG = SmsCode.Purpose.REGISTER


def _set_rule(key: str, value: int) -> None:
    RuleParameter.objects.filter(key=key).update(value=value)
    forget_cached_rules()


def test_the_code_has_six_digits_and_is_kept_only_as_a_digest_and_never_logged(
        caplog, django_capture_on_commit_callbacks):
    with caplog.at_level(logging.INFO, logger="bureau.sms"), django_capture_on_commit_callbacks(execute=True):
        code = sms_codes.code_send(phone=PHONE, purpose=REG, address="10.0.0.1")
    assert len(code) == 6 and code.isdigit()
    row = SmsCode.objects.get()
    assert code not in row.code_hash and len(row.code_hash) == 64
    assert row.phone_masked == "138****1234" and PHONE not in row.phone_index
    message = OutboundMessage.objects.get(channel="sms")
    assert code not in message.body and "******" in message.body and message.to_masked == "138****1234"
    assert code not in caplog.text and PHONE not in caplog.text


def test_a_right_code_is_accepted_once():
    code = sms_codes.code_send(phone=PHONE, purpose=REG, address="10.0.0.1")
    sms_codes.code_verify(phone=PHONE, purpose=REG, code=code)
    with pytest.raises(DomainError, match="失效"):
        sms_codes.code_verify(phone=PHONE, purpose=REG, code=code)


def test_a_code_is_for_one_purpose():
    code = sms_codes.code_send(phone=PHONE, purpose=REG, address="10.0.0.1")
    with pytest.raises(DomainError):
        sms_codes.code_verify(phone=PHONE, purpose=SmsCode.Purpose.RESET, code=code)


def test_the_code_expires_after_the_rules_lifetime():
    code = sms_codes.code_send(phone=PHONE, purpose=REG, address="10.0.0.1")
    SmsCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(DomainError, match="失效"):
        sms_codes.code_verify(phone=PHONE, purpose=REG, code=code)


def test_the_code_dies_after_the_allowed_number_of_wrong_tries():
    _set_rule("sms_code.max_attempts", 3)
    code = sms_codes.code_send(phone=PHONE, purpose=REG, address="10.0.0.1")
    wrong = "000000" if code != "000000" else "111111"
    messages = []
    for _ in range(3):
        with pytest.raises(DomainError) as refused:
            sms_codes.code_verify(phone=PHONE, purpose=REG, code=wrong)
        messages.append(refused.value.message)
    assert messages[0] == "验证码不正确，还可尝试2次" and "已失效" in messages[-1]
    with pytest.raises(DomainError, match="失效"):
        sms_codes.code_verify(phone=PHONE, purpose=REG, code=code)  # even the right one now


def test_resending_waits_for_the_rules_cooldown(monkeypatch):
    sms_codes.code_send(phone=PHONE, purpose=REG, address="10.0.0.1")
    with pytest.raises(RateLimited) as refused:
        sms_codes.code_send(phone=PHONE, purpose=REG, address="10.0.0.1")
    assert 0 < refused.value.retry_after <= 60
    SmsCode.objects.update(created_at=timezone.now() - dt.timedelta(seconds=61))
    sms_codes.code_send(phone=PHONE, purpose=REG, address="10.0.0.1")  # after the wait: a new code
    assert SmsCode.objects.filter(used_at__isnull=True).count() == 1  # and the older one is dead


@pytest.mark.parametrize("limited", ["phone", "address"])
def test_sends_are_limited_per_phone_and_per_address(limited):
    _set_rule("sms_code.resend_seconds", 0)
    _set_rule("sms_code.phone_limit", 2)
    _set_rule("sms_code.address_limit", 3)
    phones = [PHONE] * 3 if limited == "phone" else ["13835900001", "13835900002", "13835900003", "13835900004"]
    addresses = ["10.0.0.1", "10.0.0.2", "10.0.0.3"] if limited == "phone" else ["10.0.0.9"] * 4
    sent = 0
    with pytest.raises(RateLimited, match="过于频繁"):
        for phone, address in zip(phones, addresses, strict=True):
            sms_codes.code_send(phone=phone, purpose=REG, address=address)
            sent += 1
    assert sent == (2 if limited == "phone" else 3)
