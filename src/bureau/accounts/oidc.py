"""Sign-in through the province's unified identity platform (统一身份认证) with OpenID Connect.

The client is Authlib's (a maintained OAuth 2.0 / OIDC library, pinned in requirements/base.txt): the
authorisation code flow with `state`, `nonce` and PKCE (S256), the ID token's RS256 signature checked against
the platform's JWKS, and `iss`, `aud`, `exp` and `nonce` validated. The issuer, client id and secret are settings
(OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET; docs/deployment.md); the platform's metadata is read from
`{issuer}/.well-known/openid-configuration`.

Who the platform's person is here — never a new account:
1. an `OidcLink` (issuer + `sub`) made before: by the user after a full sign-in here (账号安全 → 绑定统一身份认证)
   or by a security administrator (admin → 统一身份认证绑定);
2. for an enterprise: the ID token's USCC claim (OIDC_USCC_CLAIM) names an enterprise of the register with
   exactly one active enterprise account → that account, and the link is recorded (audited). Staff are never
   matched by a claim.
Anything else is refused with a way forward (sign in with the password and bind, or register the enterprise).

The second factor: a sign-in whose `amr` claim (RFC 8176) names a method beyond the password (OIDC_MFA_AMR) is the
platform's two-factor authentication and counts as this platform's second factor (GB/T 22239-2019 8.1.4.1 d);
otherwise an account that enrolled a local authenticator is asked for its code as after a password.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from joserfc.errors import JoseError
from requests import RequestException

from bureau.accounts.models import OidcLink, User
from bureau.accounts.roles import ENTERPRISE
from bureau.kernel.audit import audit
from bureau.kernel.errors import DomainError

CLIENT_NAME = "province"
UNAVAILABLE = "统一身份认证平台暂时无法完成登录，请稍后再试或使用账号密码登录。"


def enabled() -> bool:
    return bool(settings.OIDC_ISSUER and settings.OIDC_CLIENT_ID)


@functools.lru_cache(maxsize=8)
def _client(issuer: str, client_id: str, client_secret: str, scopes: str) -> Any:
    """One Authlib client per configuration (its metadata and keys are fetched once per process)."""
    oauth = OAuth()
    return oauth.register(
        CLIENT_NAME, client_id=client_id, client_secret=client_secret,
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": scopes, "code_challenge_method": "S256", "default_timeout": 10},
    )


def client() -> Any:
    if not enabled():
        raise DomainError("未启用统一身份认证")
    return _client(settings.OIDC_ISSUER, settings.OIDC_CLIENT_ID, settings.OIDC_CLIENT_SECRET, settings.OIDC_SCOPES)


def authorize_redirect(request: HttpRequest, redirect_uri: str) -> HttpResponse:
    """Send the browser to the platform; state, nonce and the PKCE verifier wait in the session."""
    try:
        return client().authorize_redirect(request, redirect_uri)
    except (OAuthError, JoseError, RequestException, ValueError, KeyError) as exc:
        raise DomainError(UNAVAILABLE) from exc


@dataclass(frozen=True)
class Identity:
    issuer: str
    subject: str
    name: str
    uscc: str
    amr: tuple[str, ...]

    @property
    def multi_factor(self) -> bool:
        return bool(set(self.amr) & set(settings.OIDC_MFA_AMR))


def complete(request: HttpRequest) -> Identity:
    """Finish the code flow on the callback: the checked ID token's claims, or DomainError."""
    try:
        token = client().authorize_access_token(request)
    except OAuthError as exc:
        if exc.error == "access_denied":
            raise DomainError("已取消统一身份认证登录。") from exc
        raise DomainError(UNAVAILABLE) from exc
    except (JoseError, RequestException, ValueError, KeyError) as exc:
        raise DomainError(UNAVAILABLE) from exc
    claims = token.get("userinfo") or {}
    subject = str(claims.get("sub") or "")
    if not subject:
        raise DomainError(UNAVAILABLE)
    amr = claims.get("amr") or []
    # links are kept under the configured issuer (the token's `iss` was checked against the platform's metadata),
    # so that an administrator's pre-registered link and the sign-in name the platform the same way
    return Identity(issuer=settings.OIDC_ISSUER, subject=subject,
                    name=str(claims.get("name") or ""), uscc=str(claims.get(settings.OIDC_USCC_CLAIM) or "").upper(),
                    amr=tuple(str(a) for a in amr) if isinstance(amr, list) else ())


NOT_LINKED = ("该统一身份认证账号尚未与本平台账号绑定。请先用账号密码登录，在“账号安全”中绑定统一身份认证；"
              "企业尚未开通账号的，请先注册。")


def account_for(identity: Identity) -> User:
    """The account the platform's person signs in to (see the module docstring), or DomainError."""
    link = OidcLink.objects.select_related("user").filter(issuer=identity.issuer, subject=identity.subject).first()
    if link is not None:
        user = link.user
    elif identity.uscc:
        candidates = list(User.objects.filter(enterprise__uscc=identity.uscc, is_active=True,
                                              roles__code=ENTERPRISE).distinct()[:2])
        if len(candidates) != 1:
            raise DomainError(NOT_LINKED if not candidates else
                              "本企业有多个账号，请先用账号密码登录，在“账号安全”中绑定统一身份认证。")
        user = candidates[0]
        with transaction.atomic():
            link = OidcLink.objects.create(user=user, issuer=identity.issuer, subject=identity.subject)
            audit(user, "accounts.oidc_linked", user, summary="统一身份认证首次登录，按统一社会信用代码关联本企业账号")
    else:
        raise DomainError(NOT_LINKED)
    if not user.is_active:
        raise DomainError("该账号已停用或尚未审核通过，请联系主管部门。")
    OidcLink.objects.filter(pk=link.pk).update(last_login_at=timezone.now())
    return user


def link(*, actor: User, identity: Identity) -> OidcLink:
    """The signed-in user binds the platform's person to this account (after a full sign-in here)."""
    existing = OidcLink.objects.filter(issuer=identity.issuer, subject=identity.subject).first()
    if existing is not None and existing.user_id != actor.pk:
        raise DomainError("该统一身份认证账号已绑定本平台的其他账号，请联系安全管理员。")
    if existing is not None:
        return existing
    with transaction.atomic():
        created = OidcLink.objects.create(user=actor, issuer=identity.issuer, subject=identity.subject)
        audit(actor, "accounts.oidc_linked", actor, summary="绑定统一身份认证")
    return created


def unlink(*, actor: User) -> int:
    with transaction.atomic():
        count, _ = OidcLink.objects.filter(user=actor).delete()
        if count:
            audit(actor, "accounts.oidc_unlinked", actor, summary="解除统一身份认证绑定")
    return count
