"""统一身份认证: sign-in through OpenID Connect against a local provider started by the tests (discovery, JWKS,
authorize, token; real RS256 signatures): state, nonce and PKCE are checked, accounts are linked by `sub` or, for an
enterprise, by its USCC claim, staff are never created or matched by a claim, and the second factor is asked
unless the platform says it used more than a password."""

from __future__ import annotations

import urllib.parse
import urllib.request

import pyotp
import pytest

from bureau.accounts import oidc, services
from bureau.accounts.middleware import OTP_SESSION_KEY
from bureau.accounts.models import OidcLink, User
from bureau.kernel.models import AuditEntry
from tests.accounts.oidc_provider import Provider
from tests.factories import EnterpriseFactory, city_bureau, make_user

pytestmark = pytest.mark.django_db


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003
        return None


def _platform_redirect(url: str) -> str:
    """What the platform answers the browser at its authorisation endpoint: the Location back to us."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        opener.open(url, timeout=5)
    except urllib.error.HTTPError as exc:
        assert exc.code == 302
        return exc.headers["Location"]
    raise AssertionError("the provider did not redirect")


@pytest.fixture(scope="module")
def running_provider():
    with Provider() as p:
        yield p
    oidc._client.cache_clear()


@pytest.fixture
def provider(settings, running_provider):
    running_provider.reset()
    settings.OIDC_ISSUER = running_provider.issuer
    settings.OIDC_CLIENT_ID = running_provider.client_id
    settings.OIDC_CLIENT_SECRET = running_provider.client_secret
    return running_provider


def _sign_in(client, provider: Provider, claims: dict, *, start: str = "/accounts/oidc/login/"):
    provider.next_claims = claims
    response = client.post(start) if start.endswith("link/") else client.get(start)
    assert response.status_code == 302
    authorize = response["Location"]
    assert authorize.startswith(provider.issuer + "/authorize?")
    back = _platform_redirect(authorize)
    parts = urllib.parse.urlsplit(back)
    assert parts.path == "/accounts/oidc/callback/"
    return client.get(f"{parts.path}?{parts.query}"), authorize


def test_the_authorisation_request_carries_state_nonce_and_a_pkce_challenge(client, provider):
    response = client.get("/accounts/oidc/login/")
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(response["Location"]).query))
    assert query["response_type"] == "code" and query["client_id"] == provider.client_id
    assert len(query["state"]) >= 20 and len(query["nonce"]) >= 20
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert "openid" in query["scope"].split()


def test_a_linked_person_signs_in_and_the_token_request_proves_pkce(client, provider):
    staff = make_user("city_clerk", roles=["clerk"], organisation=city_bureau())
    OidcLink.objects.create(user=staff, issuer=provider.issuer, subject="staff-001")
    response, _ = _sign_in(client, provider, {"sub": "staff-001", "name": "张科员"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(staff.pk)
    assert provider.token_requests[-1]["code_verifier"]  # the verifier went to the token endpoint
    assert AuditEntry.objects.filter(action="accounts.login", object_id=str(staff.pk),
                                     summary__contains="统一身份认证").exists()


def test_an_unknown_staff_member_is_not_created_nor_signed_in(client, provider):
    before = User.objects.count()
    response, _ = _sign_in(client, provider, {"sub": "stranger", "name": "无名"})
    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session
    assert User.objects.count() == before
    page = client.get("/accounts/login/")
    assert "尚未与本平台账号绑定" in page.content.decode()


def test_an_enterprise_is_matched_by_its_uscc_claim_once_and_the_link_is_kept(client, provider):
    enterprise = EnterpriseFactory()
    account = make_user("qiye_a", roles=["enterprise"], enterprise=enterprise)
    response, _ = _sign_in(client, provider, {"sub": "legal-person-9", "uscc": enterprise.uscc})
    assert client.session["_auth_user_id"] == str(account.pk)
    link = OidcLink.objects.get(subject="legal-person-9")
    assert link.user == account and link.issuer == provider.issuer
    assert AuditEntry.objects.filter(action="accounts.oidc_linked", object_id=str(account.pk)).exists()


def test_a_uscc_claim_never_matches_staff_nor_an_enterprise_with_two_accounts(client, provider):
    enterprise = EnterpriseFactory()
    make_user("qiye_b1", roles=["enterprise"], enterprise=enterprise)
    make_user("qiye_b2", roles=["enterprise"], enterprise=enterprise)
    _sign_in(client, provider, {"sub": "legal-person-10", "uscc": enterprise.uscc})
    assert "_auth_user_id" not in client.session
    assert not OidcLink.objects.exists()


def test_a_bad_signature_a_wrong_nonce_or_another_audience_is_refused(client, provider):
    staff = make_user("city_clerk2", roles=["clerk"], organisation=city_bureau())
    OidcLink.objects.create(user=staff, issuer=provider.issuer, subject="staff-002")
    for tamper in ("signature", "nonce", "audience"):
        provider.tamper = tamper
        response, _ = _sign_in(client, provider, {"sub": "staff-002"})
        assert response["Location"] == "/accounts/login/", tamper
        assert "_auth_user_id" not in client.session, tamper


def test_a_replayed_or_forged_state_is_refused(client, provider):
    staff = make_user("city_clerk3", roles=["clerk"], organisation=city_bureau())
    OidcLink.objects.create(user=staff, issuer=provider.issuer, subject="staff-003")
    provider.next_claims = {"sub": "staff-003"}
    authorize = client.get("/accounts/oidc/login/")["Location"]
    back = urllib.parse.urlsplit(_platform_redirect(authorize))
    query = dict(urllib.parse.parse_qsl(back.query))
    forged = client.get(f"{back.path}?{urllib.parse.urlencode({**query, 'state': 'forged'})}")
    assert forged["Location"] == "/accounts/login/" and "_auth_user_id" not in client.session


def test_the_local_second_factor_is_asked_unless_the_platform_used_more_than_a_password(client, provider):
    user = make_user("leader_x", roles=["leader"], organisation=city_bureau())
    services.totp_begin_enrolment(actor=user, second_factor_verified=False)
    user.refresh_from_db()
    services.totp_confirm(actor=user, code=pyotp.TOTP(user.totp_pending_secret).now(), second_factor_verified=False)
    OidcLink.objects.create(user=user, issuer=provider.issuer, subject="leader-1")
    response, _ = _sign_in(client, provider, {"sub": "leader-1", "amr": ["pwd"]})
    assert response["Location"] == "/accounts/otp/"
    assert not client.session.get(OTP_SESSION_KEY)
    client.post("/accounts/logout/")
    response, _ = _sign_in(client, provider, {"sub": "leader-1", "amr": ["pwd", "sms"]})
    assert response["Location"] == "/" and client.session.get(OTP_SESSION_KEY) is True


def test_a_signed_in_user_binds_the_platform_account_from_account_security(client, provider, login):
    user = make_user("county_officer", roles=["inspector"], organisation=city_bureau())
    login(user)
    response, _ = _sign_in(client, provider, {"sub": "officer-77"}, start="/accounts/oidc/link/")
    assert response["Location"] == "/accounts/profile/"
    assert OidcLink.objects.get(subject="officer-77").user == user
    client.post("/accounts/logout/")
    _sign_in(client, provider, {"sub": "officer-77"})
    assert client.session["_auth_user_id"] == str(user.pk)


def test_without_an_issuer_the_platform_is_not_offered(client, settings):
    settings.OIDC_ISSUER = ""
    assert "统一身份认证登录" not in client.get("/accounts/login/").content.decode()
    assert client.get("/accounts/oidc/login/").status_code == 404
