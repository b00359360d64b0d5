"""Every page that is not public asks for the second factor (finding: /portal/ staff screens opened with the password
alone because the whole prefix was exempt). Exemptions are declared per view (kernel/access.py)."""

from __future__ import annotations

import pyotp
import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from bureau.accounts import services
from bureau.kernel.access import is_public, is_second_factor_exempt
from tests.factories import city_bureau, make_user

pytestmark = pytest.mark.django_db

SAMPLE = {"int": "1", "slug": "x", "str": "x", "path": "x"}

# The pages anyone may open without signing in. Adding one here is a decision: it must show only public data.
EXPECTED_PUBLIC = {
    "accounts:login", "healthz", "metrics",  # metrics: local or token only (kernel/metrics.py)
    # the ways in for someone not signed in (issue 17): 找回密码, 统一身份认证 and its callback, 企业注册
    "accounts:password_reset", "accounts:oidc_login", "accounts:oidc_callback", "enterprises:register",
    "portal:home", "portal:laws", "portal:law_detail", "portal:faq", "portal:window_rate",
    "licensing:guide", "licensing:guide_form", "licensing:guide_item", "licensing:progress",
    "certificates:verify_form", "certificates:verify", "certificates:kiosk", "certificates:kiosk_code",
    "certificates:kiosk_list", "certificates:kiosk_print", "certificates:kiosk_done",
    "inspection:public_draws", "inspection:public_draw", "inspection:public_draw_verify", "inspection:public_draw_method",
    "inspection:public_plans", "inspection:public_plan",
    "hazards:public_listings", "petitions:mailbox", "petitions:lookup", "petitions:rate", "petitions:statistics",
    "portal:decisions", "portal:decision",
    "training:scores", "assistance:public_agencies", "assistance:public_agency",  # the agency registry (II.9)
}
EXPECTED_EXEMPT = {"accounts:logout", "accounts:otp_verify", "accounts:otp_enrol"}


def _patterns(patterns=None, prefix="", namespace=""):
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _patterns(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), f"{namespace}{p.name or ''}", p.callback


def _sample_path(route: str) -> str:
    import re

    if route.startswith("^"):  # the admin's regex routes are covered separately
        return ""
    return "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE.get(m.group(1) or "str", "1"), route)


def _site_views():
    for route, name, view in _patterns():
        if route.startswith(("admin/", "api/")) or "(?P<" in route:
            continue
        yield route, name, view


def test_public_and_exempt_views_are_exactly_the_declared_ones():
    public = {name for _, name, view in _site_views() if is_public(view)}
    exempt = {name for _, name, view in _site_views() if is_second_factor_exempt(view) and not is_public(view)}
    assert public == EXPECTED_PUBLIC
    assert exempt == EXPECTED_EXEMPT


def test_every_other_page_asks_for_the_second_factor(client):
    user = make_user("leader_2fa", roles=["leader", "sysadmin"], organisation=city_bureau(), is_staff=True)
    services.totp_begin_enrolment(actor=user, second_factor_verified=False)
    user.refresh_from_db()
    services.totp_confirm(actor=user, code=pyotp.TOTP(user.totp_pending_secret).now(), second_factor_verified=False)
    client.force_login(user, backend="bureau.accounts.backends.LockoutModelBackend")  # the password step only
    checked = []
    for route, name, view in _site_views():
        if is_second_factor_exempt(view):
            continue
        path = _sample_path(route)
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            assert response.status_code == 302 and response.url == "/accounts/otp/", f"{method.upper()} {path} ({name})"
        checked.append(name)
    assert len(checked) > 140  # the walk really covered the site
    # the staff screens named in the finding
    assert {"portal:tokens", "portal:calls", "portal:consultations", "feedback:ratings", "feedback:ratings_export"} <= set(checked)
    assert client.get("/admin/").url.startswith("/accounts/otp/")
    assert client.get("/api/v1/enterprises").status_code == 401  # a session API call needs the factor too
