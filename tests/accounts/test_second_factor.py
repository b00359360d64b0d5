"""The second factor cannot be replaced, removed or guessed with the password alone (等保 2.0 8.1.4.1 d)."""

from __future__ import annotations

import pyotp
import pytest

from bureau.accounts import services
from bureau.accounts.middleware import OTP_SESSION_KEY
from bureau.accounts.models import User
from bureau.kernel import throttle
from bureau.kernel.errors import PermissionDenied
from bureau.kernel.models import AuditEntry, Notification, OutboundMessage
from tests.factories import EnterpriseFactory, city_bureau, make_user

pytestmark = pytest.mark.django_db


def _enrolled(username: str = "leader", **kw) -> User:
    user = make_user(username, roles=["leader"], organisation=city_bureau(), **kw)
    services.totp_begin_enrolment(actor=user, second_factor_verified=False)
    user.refresh_from_db()
    services.totp_confirm(actor=user, code=pyotp.TOTP(user.totp_pending_secret).now(), second_factor_verified=False)
    user.refresh_from_db()
    return user


def _password_only(client, user):
    client.force_login(user, backend="bureau.accounts.backends.LockoutModelBackend")
    return client


def _fully(client, user):
    _password_only(client, user)
    session = client.session
    session[OTP_SESSION_KEY] = True
    session.save()
    return client


def _code_after(user: User, steps: int = 1) -> str:
    """A valid code of a later 30-second step than the last one used (codes are accepted once)."""
    totp = pyotp.TOTP(user.totp_secret)
    return totp.generate_otp(user.totp_last_step + steps)


def test_password_alone_cannot_re_enrol_the_authenticator(client):
    """Finding: with only the password anyone could re-enrol and overwrite the secret. Now the enrol page sends to
    the code form, and a POST changes nothing."""
    user = _enrolled()
    secret = user.totp_secret
    _password_only(client, user)
    assert client.get("/accounts/otp/enrol/").url == "/accounts/otp/"
    assert client.post("/accounts/otp/enrol/", {"begin": "1"}).url == "/accounts/otp/"
    user.refresh_from_db()
    assert user.totp_enabled and user.totp_secret == secret and user.totp_pending_secret == ""
    with pytest.raises(PermissionDenied):
        services.totp_begin_enrolment(actor=user, second_factor_verified=False)


def test_a_new_secret_stays_pending_until_proved_and_the_change_is_told(client, django_capture_on_commit_callbacks):
    user = _enrolled(phone="13912345678")
    old_secret = user.totp_secret
    _fully(client, user)
    client.post("/accounts/otp/enrol/", {"begin": "1"})
    user.refresh_from_db()
    assert user.totp_pending_secret and user.totp_secret == old_secret and user.totp_enabled  # old one still works
    new_code = pyotp.TOTP(user.totp_pending_secret).now()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/accounts/otp/enrol/", {"code": new_code}).status_code == 302
    user.refresh_from_db()
    assert user.totp_secret != old_secret and user.totp_pending_secret == ""
    assert AuditEntry.objects.filter(action="accounts.totp_replaced", object_id=str(user.pk)).exists()
    assert Notification.objects.filter(recipient=user, title="动态口令已更换").exists()
    assert OutboundMessage.objects.filter(channel="sms", body__contains="动态口令已更换").exists()


def test_wrong_codes_are_limited_like_passwords(client, monkeypatch):
    """Finding: 12 wrong codes in a row were accepted as attempts. Now 5 lock the factor for 15 minutes."""
    now = [1_900_000_000.0]
    monkeypatch.setattr(throttle, "clock", lambda: now[0])
    user = _enrolled()
    _password_only(client, user)
    statuses = []
    for _ in range(8):
        response = client.post("/accounts/otp/", {"code": "000000" if _code_after(user) != "000000" else "111111"})
        statuses.append(response.status_code)
        if response.status_code == 429:
            wait = int(response["Retry-After"])
            if wait >= 600:
                break
            now[0] += wait + 1
    assert statuses[-1] == 429 and statuses.count(200) == 5
    right = client.post("/accounts/otp/", {"code": _code_after(user)})
    assert right.status_code == 429 and not client.session.get(OTP_SESSION_KEY)
    now[0] += 901
    assert client.post("/accounts/otp/", {"code": _code_after(user)}).status_code == 302


def test_a_code_is_accepted_once(client):
    """RFC 6238 5.2: the same one-time code does not open a second session."""
    user = _enrolled()
    code = pyotp.TOTP(user.totp_secret).now()
    user.totp_last_step = 0
    user.save(update_fields=["totp_last_step"])
    assert services.totp_check(user=user, code=code)
    assert not services.totp_check(user=User.objects.get(pk=user.pk), code=code)


def test_disabling_needs_the_factor_and_a_current_code(client, settings):
    settings.REQUIRE_STAFF_TOTP = False
    user = _enrolled()
    _password_only(client, user)
    client.post("/accounts/otp/disable/", {"code": _code_after(user)})
    user.refresh_from_db()
    assert user.totp_enabled  # not verified in this session: the middleware sent it to the code form
    _fully(client, user)
    client.post("/accounts/otp/disable/", {"code": "123456" if _code_after(user) != "123456" else "654321"})
    user.refresh_from_db()
    assert user.totp_enabled
    client.post("/accounts/otp/disable/", {"code": _code_after(user)})
    user.refresh_from_db()
    assert not user.totp_enabled and user.totp_secret == ""
    assert AuditEntry.objects.filter(action="accounts.totp_disabled").exists()


def test_staff_may_not_disable_when_the_factor_is_required(client, settings):
    settings.REQUIRE_STAFF_TOTP = True
    user = _enrolled()
    with pytest.raises(PermissionDenied):
        services.totp_disable(actor=user, code=_code_after(user), second_factor_verified=True)


def test_required_staff_factor_sends_staff_to_enrol_but_not_enterprises(client, settings):
    """With REQUIRE_STAFF_TOTP (on in production) staff must enrol before any page; enterprise users are not staff."""
    settings.REQUIRE_STAFF_TOTP = True
    staff = make_user("inspector7", roles=["inspector"], organisation=city_bureau())
    _password_only(client, staff)
    assert client.get("/").url == "/accounts/otp/enrol/"
    assert client.get("/accounts/otp/enrol/").status_code == 200
    firm_user = make_user("firm7", roles=["enterprise"], enterprise=EnterpriseFactory())
    _password_only(client, firm_user)
    assert client.get("/").status_code == 200


def test_only_a_security_administrator_resets_someone_elses_factor():
    user = _enrolled()
    officer = make_user("officer8", roles=["inspector"], organisation=city_bureau())
    with pytest.raises(PermissionDenied):
        services.totp_reset(actor=officer, user=user, reason="本人手机丢失，已当面核验身份证")
    secadmin = make_user("sec8", roles=["secadmin"], organisation=city_bureau())
    services.totp_reset(actor=secadmin, user=user, reason="本人手机丢失，已当面核验身份证")
    user.refresh_from_db()
    assert not user.totp_enabled and user.totp_secret == ""
    entry = AuditEntry.objects.get(action="accounts.totp_reset")
    assert entry.actor_id == secadmin.pk and "核验" in entry.data["reason"]
    assert Notification.objects.filter(recipient=user, title="动态口令已被重置").exists()


def test_admin_cannot_tick_the_factor_on_or_off(client):
    """The admin form shows the factor read-only: it changes only through the audited actions."""
    from bureau.accounts.admin import UserAdmin

    assert "totp_enabled" in UserAdmin.readonly_fields
