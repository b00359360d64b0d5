"""Sign-in security (等保 2.0 level 3): lockout after repeated failures, TOTP second factor, idle timeout,
password complexity, bearer tokens for machine clients."""

from __future__ import annotations

import datetime as dt

import pyotp
import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bureau.accounts import services
from bureau.accounts.models import ApiCallLog
from bureau.kernel import throttle
from bureau.kernel.models import AuditEntry, ThrottleCounter
from tests.factories import PASSWORD, EnterpriseFactory, city_bureau, county_bureau, make_user

pytestmark = pytest.mark.django_db


def _post_login(client, username, password, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


@pytest.fixture
def clock(monkeypatch):
    """Move the throttle's clock instead of sleeping."""
    now = [1_900_000_000.0]
    monkeypatch.setattr(throttle, "clock", lambda: now[0])

    def advance(seconds: float) -> None:
        now[0] += seconds
    return advance


def _fail_until_blocked(client, username, clock, **extra):
    """Wrong passwords, waiting out each growing delay, until the 等保 lockout answers 429 with a long wait."""
    statuses = []
    for _ in range(12):
        response = _post_login(client, username, "wrong-password", **extra)
        statuses.append(response.status_code)
        if response.status_code == 429:
            wait = int(response["Retry-After"])
            if wait >= 600:
                return response, statuses
            clock(wait + 1)
    raise AssertionError(f"never locked: {statuses}")


def test_account_locks_after_repeated_failures_even_with_the_right_password(client, clock):
    """等保 2.0 8.1.4.1 a): after 5 failures from one address the account is locked there, right password or not."""
    make_user("officer", roles=["inspector"], organisation=county_bureau())
    response, _ = _fail_until_blocked(client, "officer", clock)
    assert "登录尝试过于频繁" in response.content.decode()
    assert AuditEntry.objects.filter(action="accounts.login_failed").count() == 5
    clock(60)
    refused = _post_login(client, "officer", PASSWORD)
    assert refused.status_code == 429 and "_auth_user_id" not in client.session
    clock(15 * 60)
    assert _post_login(client, "officer", PASSWORD).status_code == 302


def test_delays_grow_before_the_lock(client, clock):
    """Growing delays before the hard lock: after the 3rd failure 1 s, after the 4th 2 s, the 5th locks 15 min."""
    make_user("officer", roles=["inspector"], organisation=county_bureau())
    for _ in range(3):
        assert _post_login(client, "officer", "wrong").status_code == 200
    waiting = _post_login(client, "officer", "wrong")
    assert waiting.status_code == 429 and waiting["Retry-After"] == "1"
    assert _post_login(client, "officer", PASSWORD).status_code == 429  # waiting: not even checked
    clock(1.5)
    fourth = _post_login(client, "officer", "wrong")
    assert fourth.status_code == 200 and "2 秒" in fourth.content.decode()
    clock(1.5)
    assert _post_login(client, "officer", "wrong").status_code == 429
    clock(1)
    assert _post_login(client, "officer", "wrong").status_code == 200
    locked = _post_login(client, "officer", "wrong")
    assert locked.status_code == 429 and int(locked["Retry-After"]) == 900


def test_unknown_and_locked_accounts_get_the_same_answer(client, clock):
    """No account enumeration: an unknown name locks and answers exactly like a real account."""
    make_user("officer", roles=["inspector"], organisation=county_bureau())
    real, real_statuses = _fail_until_blocked(client, "officer", clock)
    ghost, ghost_statuses = _fail_until_blocked(client, "nobody-here", clock)
    assert real_statuses == ghost_statuses
    def message(r):
        return r.content.decode().split('class="msg msg-error">')[1].split("<")[0]
    assert message(real) == message(ghost)
    first_wrong_real = _post_login(client, "officer2-unknown", "x").content.decode()
    assert "用户名或密码错误" in first_wrong_real


def test_another_address_cannot_lock_the_owner_out(client, clock, settings):
    """Anyone can no longer lock any account: failures from an attacker's address do not lock the owner's."""
    settings.TRUSTED_PROXIES = ["127.0.0.1/32"]
    make_user("admin2", roles=["sysadmin"], organisation=city_bureau())
    _fail_until_blocked(client, "admin2", clock, HTTP_X_FORWARDED_FOR="203.0.113.9")
    owner = _post_login(client, "admin2", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert owner.status_code == 302


def test_a_distributed_guess_slows_the_account_but_not_the_owners_device(client, clock, settings):
    """Failures from many addresses make the account wait (growing delays); a browser that signed in to the
    account before (trusted-device cookie) is exempt from that account-wide wait."""
    settings.TRUSTED_PROXIES = ["127.0.0.1/32"]
    make_user("leader9", roles=["leader"], organisation=city_bureau())
    assert _post_login(client, "leader9", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 302
    device = client.cookies["bureau_device"].value
    client.post("/accounts/logout/")
    del client.cookies["bureau_device"]  # the stranger's browser
    for i in range(12):
        _post_login(client, "leader9", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
    stranger = _post_login(client, "leader9", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.200")
    assert stranger.status_code == 429
    client.cookies["bureau_device"] = device
    owner = _post_login(client, "leader9", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert owner.status_code == 302


def test_successful_login_resets_failures_and_is_audited(client, clock):
    make_user("officer", roles=["inspector"], organisation=county_bureau())
    for _ in range(3):
        _post_login(client, "officer", "wrong-password")
    assert ThrottleCounter.objects.filter(key__startswith="login_pair:officer@").get().count == 3
    clock(2)
    response = _post_login(client, "officer", PASSWORD)
    assert response.status_code == 302
    assert not ThrottleCounter.objects.filter(key__startswith="login_pair:officer@").exists()
    assert AuditEntry.objects.filter(action="accounts.login").exists()


def test_admin_login_page_goes_through_the_throttled_login(client):
    """The admin's own sign-in form would bypass the page's throttle answer and the second factor: it redirects."""
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_totp_is_required_after_the_password_once_enrolled(client):
    user = make_user("leader", roles=["leader"], organisation=city_bureau())
    services.totp_begin_enrolment(actor=user, second_factor_verified=False)
    user.refresh_from_db()
    services.totp_confirm(actor=user, code=pyotp.TOTP(user.totp_pending_secret).now(), second_factor_verified=False)
    user.refresh_from_db()
    user.totp_last_step = 0  # the code used to confirm may be used once more in this test's same 30 s
    user.save(update_fields=["totp_last_step"])
    assert _post_login(client, "leader", PASSWORD).url == "/accounts/otp/"
    assert client.get("/").url == "/accounts/otp/"  # nothing else until the second factor
    assert client.post("/accounts/otp/", {"code": "000000"}).status_code == 200
    response = client.post("/accounts/otp/", {"code": pyotp.TOTP(user.totp_secret).now()})
    assert response.status_code == 302 and client.get("/").status_code == 200


def test_wrong_code_does_not_enable_totp():
    user = make_user(roles=["leader"], organisation=city_bureau())
    services.totp_begin_enrolment(actor=user, second_factor_verified=False)
    user.refresh_from_db()
    now = pyotp.TOTP(user.totp_pending_secret).now()
    with pytest.raises(Exception, match="动态口令不正确"):
        services.totp_confirm(actor=user, code="123456" if now != "123456" else "654321", second_factor_verified=False)
    user.refresh_from_db()
    assert not user.totp_enabled and user.totp_secret == ""


@pytest.fixture
def wall_clock(monkeypatch):
    """Move the platform's clock (django.utils.timezone.now, which session expiry reads) instead of sleeping."""
    offset = [dt.timedelta()]
    real = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real() + offset[0])

    def advance(seconds: float) -> None:
        offset[0] += dt.timedelta(seconds=seconds)
    return advance


def _session_expiry(client) -> dt.datetime:
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value).expire_date


def test_sessions_expire_when_idle(client, wall_clock):
    """等保 2.0 8.1.4.1 d) (登录连接超时自动退出): a session unused for SESSION_IDLE_SECONDS (≤ 30 minutes) is signed
    out; one used within the limit goes on, and the limit counts again from its last use."""
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_SECONDS <= 30 * 60
    idle = settings.SESSION_IDLE_SECONDS
    client.force_login(make_user(roles=["inspector"], organisation=county_bureau()))
    assert client.get("/accounts/profile/").status_code == 200
    wall_clock(idle - 30)
    assert client.get("/accounts/profile/").status_code == 200
    wall_clock(idle - 30)
    assert client.get("/accounts/profile/").status_code == 200  # within the limit of the previous request
    wall_clock(idle + 1)
    response = client.get("/accounts/profile/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_idle_clock_is_saved_at_most_once_a_minute(client, wall_clock):
    """等保 2.0 8.1.4.1 d) with one session write a minute instead of one per page: requests within a minute of the
    last save write nothing, the first one after it moves the expiry to its own time plus the idle limit, so a
    session never outlives its last request by more than SESSION_IDLE_SECONDS."""
    client.force_login(make_user(roles=["inspector"], organisation=county_bureau()))
    client.get("/accounts/profile/")
    saved = _session_expiry(client)
    wall_clock(30)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/accounts/profile/").status_code == 200
    assert not [q for q in queries if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")]
    assert _session_expiry(client) == saved
    wall_clock(31)
    client.get("/accounts/profile/")
    refreshed = _session_expiry(client)
    assert refreshed > saved
    assert refreshed <= timezone.now() + dt.timedelta(seconds=settings.SESSION_IDLE_SECONDS)


def test_passwords_need_three_character_classes():
    with pytest.raises(ValidationError):
        validate_password("alllowercaseletters")
    validate_password("Mixed-Case-2026")


def test_passwords_are_hashed_with_argon2_in_production():
    assert "Argon2PasswordHasher" in [h for h in settings.PASSWORD_HASHERS if "Argon2" in h][0]


def test_bearer_token_authenticates_machine_clients_and_expired_tokens_are_refused(client):
    owner = make_user(roles=["department"], organisation=city_bureau())
    token, raw = services.api_token_issue(actor=owner, user=owner, name="测试令牌", scopes=["enterprises:read"])
    EnterpriseFactory()
    ok = client.get("/api/v1/enterprises", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert ok.status_code == 200
    token.revoked = True
    token.save()
    refused = client.get("/api/v1/enterprises", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert refused.status_code == 401 and "令牌" in refused.json()["detail"]
    assert token.token_hash != raw and raw not in str(ApiCallLog.objects.values_list())
