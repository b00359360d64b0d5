"""找回密码 by an SMS code: the same answer whether or not the account exists, the password policy holds, every
other session ends, and the second factor is still asked at the next sign-in (a reset never bypasses it)."""

from __future__ import annotations

import pyotp
import pytest

from bureau.accounts import recovery, services
from bureau.accounts.models import SmsCode
from bureau.kernel.errors import DomainError
from bureau.kernel.models import AuditEntry, Notification, OutboundMessage
from tests.factories import EnterpriseFactory, city_bureau, make_user

pytestmark = pytest.mark.django_db
PHONE = "13935905678"
NEW = "Neue#Passwort2026"


def _code(client, username: str, phone: str) -> tuple[object, str]:
    response = client.post("/accounts/password/reset/", {"username": username, "phone": phone, "send": "1"})
    return response, response.context["echo"]


def test_an_unknown_name_or_a_wrong_phone_gets_the_same_answer_and_no_sms(client, django_capture_on_commit_callbacks):
    make_user("qiye_reset", roles=["enterprise"], enterprise=EnterpriseFactory(), phone=PHONE)
    answers = []
    with django_capture_on_commit_callbacks(execute=True):
        for username, phone in (("qiye_reset", PHONE), ("nobody_here", "13935900000"), ("qiye_reset", "13935900001")):
            response = client.post("/accounts/password/reset/", {"username": username, "phone": phone, "send": "1"})
            answers.append((response.status_code, response.context["sent"]))
    assert len(set(answers)) == 1 and answers[0][0] == 200
    assert OutboundMessage.objects.filter(channel="sms").count() == 1  # only the real account's phone got one
    assert SmsCode.objects.count() == 3  # every request waits the same resend time


def test_the_reset_sets_a_new_password_ends_other_sessions_and_tells_the_user(client, django_capture_on_commit_callbacks):
    user = make_user("qiye_reset2", roles=["enterprise"], enterprise=EnterpriseFactory(), phone=PHONE)
    other_device = type(client)()
    other_device.force_login(user, backend="bureau.accounts.backends.LockoutModelBackend")
    assert other_device.get("/accounts/profile/").status_code == 200
    _, code = _code(client, "qiye_reset2", PHONE)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"username": "qiye_reset2", "phone": PHONE, "code": code,
                                                             "password": NEW, "password2": NEW, "reset": "1"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    user.refresh_from_db()
    assert user.check_password(NEW) and user.password_changed_at is not None
    assert other_device.get("/accounts/profile/")["Location"].startswith("/accounts/login/")  # signed out there
    assert "_auth_user_id" not in client.session  # and nobody is signed in by the reset
    assert AuditEntry.objects.filter(action="accounts.password_reset", object_id=str(user.pk)).exists()
    assert Notification.objects.filter(recipient=user, title="密码已重置").exists()


def test_the_new_password_must_pass_the_policy_and_nothing_changes(client):
    user = make_user("qiye_reset3", roles=["enterprise"], enterprise=EnterpriseFactory(), phone=PHONE)
    _, code = _code(client, "qiye_reset3", PHONE)
    response = client.post("/accounts/password/reset/", {"username": "qiye_reset3", "phone": PHONE, "code": code,
                                                         "password": "short", "password2": "short", "reset": "1"})
    assert response.status_code == 200 and response.context["form"].errors["password"]
    user.refresh_from_db()
    assert not user.check_password("short")
    assert SmsCode.objects.get().used_at is None  # the code still works for a better password


def test_a_code_sent_to_my_phone_does_not_reset_another_account():
    make_user("mine", phone=PHONE)
    victim = make_user("victim", phone="13935901111")
    code = recovery.reset_request(username="mine", phone=PHONE, address="10.0.0.5")
    with pytest.raises(DomainError, match="验证码不正确"):
        recovery.reset_confirm(username="victim", phone=PHONE, code=code, password=NEW, password2=NEW)
    victim.refresh_from_db()
    assert not victim.check_password(NEW)


def test_after_a_reset_the_second_factor_is_still_asked(client):
    user = make_user("leader_reset", roles=["leader"], organisation=city_bureau(), phone=PHONE)
    services.totp_begin_enrolment(actor=user, second_factor_verified=False)
    user.refresh_from_db()
    services.totp_confirm(actor=user, code=pyotp.TOTP(user.totp_pending_secret).now(), second_factor_verified=False)
    code = recovery.reset_request(username="leader_reset", phone=PHONE, address="10.0.0.6")
    recovery.reset_confirm(username="leader_reset", phone=PHONE, code=code, password=NEW, password2=NEW)
    user.refresh_from_db()
    assert user.totp_enabled and user.totp_secret  # the factor is untouched
    response = client.post("/accounts/login/", {"username": "leader_reset", "password": NEW})
    assert response["Location"] == "/accounts/otp/"
    assert client.get("/accounts/profile/")["Location"].startswith("/accounts/otp")


def test_the_api_answers_the_same_and_resets(client):
    make_user("api_reset", phone=PHONE)
    unknown = client.post("/api/v1/accounts/password-reset/code", {"username": "ghost", "phone": "13935900009"},
                          content_type="application/json")
    known = client.post("/api/v1/accounts/password-reset/code", {"username": "api_reset", "phone": PHONE},
                        content_type="application/json")
    assert unknown.status_code == known.status_code == 200 and unknown.json() == known.json()
    bad = client.post("/api/v1/accounts/password-reset", {"username": "api_reset", "phone": PHONE, "code": "12",
                                                          "password": NEW, "password2": NEW},
                      content_type="application/json")
    assert bad.status_code == 400 and bad.json()["field"] == "code"


def test_the_login_page_offers_register_and_forgotten_password(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/password/reset/"' in page and "忘记密码" in page
    assert 'href="/enterprises/register/"' in page and "企业注册" in page
