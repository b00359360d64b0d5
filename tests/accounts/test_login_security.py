"""Sign-in security (等保 2.0 level 3): lockout after repeated failures, TOTP second factor, idle timeout,
password complexity, bearer tokens for machine clients."""

from __future__ import annotations

import pyotp
import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from bureau.accounts import services
from bureau.accounts.models import ApiCallLog, User
from bureau.kernel.models import AuditEntry
from tests.factories import PASSWORD, EnterpriseFactory, city_bureau, county_bureau, make_user

pytestmark = pytest.mark.django_db


def _post_login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_account_locks_after_repeated_failures_even_with_the_right_password(client):
    make_user("officer", roles=["inspector"], organisation=county_bureau())
    for _ in range(settings.LOGIN_MAX_FAILURES):
        response = _post_login(client, "officer", "wrong-password")
        assert response.status_code == 200
    assert User.objects.get(username="officer").is_locked
    response = _post_login(client, "officer", PASSWORD)
    assert "账号已锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="accounts.login_failed").count() == settings.LOGIN_MAX_FAILURES


def test_successful_login_resets_failures_and_is_audited(client):
    make_user("officer", roles=["inspector"], organisation=county_bureau())
    _post_login(client, "officer", "wrong-password")
    response = _post_login(client, "officer", PASSWORD)
    assert response.status_code == 302
    assert User.objects.get(username="officer").failed_logins == 0
    assert AuditEntry.objects.filter(action="accounts.login").exists()


def test_totp_is_required_after_the_password_once_enrolled(client):
    user = make_user("leader", roles=["leader"], organisation=city_bureau())
    services.totp_begin_enrolment(actor=user)
    user.refresh_from_db()
    services.totp_confirm(actor=user, code=pyotp.TOTP(user.totp_secret).now())
    assert _post_login(client, "leader", PASSWORD).url == "/accounts/otp/"
    assert client.get("/").url == "/accounts/otp/"  # nothing else until the second factor
    assert client.post("/accounts/otp/", {"code": "000000"}).status_code == 200
    response = client.post("/accounts/otp/", {"code": pyotp.TOTP(user.totp_secret).now()})
    assert response.status_code == 302 and client.get("/").status_code == 200


def test_wrong_code_does_not_enable_totp():
    user = make_user(roles=["leader"], organisation=city_bureau())
    services.totp_begin_enrolment(actor=user)
    with pytest.raises(Exception, match="动态口令不正确"):
        services.totp_confirm(actor=user, code="123456" if pyotp.TOTP(user.totp_secret).now() != "123456" else "654321")
    user.refresh_from_db()
    assert not user.totp_enabled


def test_sessions_expire_when_idle():
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_SECONDS <= 30 * 60


def test_passwords_need_three_character_classes():
    with pytest.raises(ValidationError):
        validate_password("alllowercaseletters")
    validate_password("Mixed-Case-2026")


def test_passwords_are_hashed_with_argon2_in_production():
    assert "Argon2PasswordHasher" in [h for h in settings.PASSWORD_HASHERS if "Argon2" in h][0]


def test_bearer_token_authenticates_machine_clients_and_expired_tokens_are_refused(client):
    owner = make_user(roles=["department"], organisation=city_bureau())
    token, raw = services.api_token_issue(actor=owner, user=owner, name="测试令牌", scopes=["enterprises"])
    EnterpriseFactory()
    ok = client.get("/api/v1/enterprises", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert ok.status_code == 200
    token.revoked = True
    token.save()
    refused = client.get("/api/v1/enterprises", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert refused.status_code == 401 and "令牌" in refused.json()["detail"]
    assert token.token_hash != raw and raw not in str(ApiCallLog.objects.values_list())
