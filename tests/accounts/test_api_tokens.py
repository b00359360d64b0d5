"""API tokens are principals of their own (issue 13 item 3): each operation declares the scope it needs, a token
is limited to its scopes, regions and fields on every endpoint (deny by default), tokens of administrators and
leaders need an explicit scope, bearer calls skip CSRF while session calls keep it, and operators issue tokens
from scripts with `manage.py token_issue`."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from bureau.accounts.models import ApiToken
from bureau.accounts.services import api_token_issue
from bureau.accounts.tokens import PRIVILEGED, issue, required_scope
from bureau.kernel.errors import DomainError
from tests.factories import EnterpriseFactory, city_bureau, county_bureau, make_user

LATER = timezone.now() + dt.timedelta(days=30)


@pytest.fixture
def city_officer(db):
    return make_user("city_inspector", roles=["inspector", "licensing_officer"], organisation=city_bureau())


@pytest.fixture
def spread(db):
    """Enterprises in three counties."""
    return [EnterpriseFactory(region_id=code) for code in ("140802", "140802", "140821", "140822")]


def _bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_a_token_reads_only_its_regions_and_fields_on_the_ordinary_api(client, city_officer, spread):
    """A token granted enterprises:read for one county and two fields answers that county with those two fields,
    even though its owner sees the whole city (the hole: 200 enterprises in 10 counties with all fields)."""
    _t, raw = api_token_issue(actor=None, user=city_officer, name="盐湖-两字段", scopes=["enterprises:read"],
                              regions=["140802"], fields={"enterprises": ["uscc", "name"]})
    answer = client.get("/api/v1/enterprises?limit=100", **_bearer(raw))
    assert answer.status_code == 200
    items = answer.json()["items"]
    assert len(items) == 2
    assert all(set(row) == {"uscc", "name"} for row in items)
    other = spread[2]
    assert client.get(f"/api/v1/enterprises/{other.pk}", **_bearer(raw)).status_code == 404
    own = client.get(f"/api/v1/enterprises/{spread[0].pk}", **_bearer(raw)).json()
    assert set(own) == {"uscc", "name"}


@pytest.mark.parametrize("path", ["/api/v1/hazards", "/api/v1/penalties/cases", "/api/v1/certificates",
                                  "/api/v1/licensing/applications", "/api/v1/inspections",
                                  "/api/v1/assistance/checkups", "/api/v1/hazards/risk-points"])
def test_a_token_never_reads_a_data_set_outside_its_scopes(client, city_officer, path):
    """Deny by default: an enterprises:read token gets 403 on every other data set of the normal API."""
    _t, raw = api_token_issue(actor=None, user=city_officer, name="只读企业", scopes=["enterprises:read"])
    answer = client.get(path, **_bearer(raw))
    assert answer.status_code == 403 and answer.json()["code"] == "scope_denied"


def test_a_write_only_hotline_token_cannot_read_hazards(client, db):
    """The 12345 push token (petitions:hotline) reads nothing else (it read hazards city-wide)."""
    clerk = make_user(roles=["clerk"], organisation=city_bureau())
    _t, raw = api_token_issue(actor=None, user=clerk, name="12345平台", scopes=["petitions:hotline"])
    assert client.get("/api/v1/hazards", **_bearer(raw)).status_code == 403
    assert client.get("/api/v1/enterprises", **_bearer(raw)).status_code == 403


def test_a_read_scope_does_not_write(client, city_officer, spread):
    """hazards:read does not register a hazard; hazards:write does."""
    _t, read = api_token_issue(actor=None, user=city_officer, name="读", scopes=["hazards:read"])
    body = {"title": "消防通道堵塞", "found_on": timezone.localdate().isoformat(), "source": "inspection",
            "enterprise_id": spread[0].pk, "deadline": (timezone.localdate() + dt.timedelta(days=15)).isoformat()}
    refused = client.post("/api/v1/hazards", body, content_type="application/json", **_bearer(read))
    assert refused.status_code == 403


def test_bearer_writes_skip_csrf_and_session_writes_keep_it(db, spread):
    """A machine client writes with its token alone (it failed with "CSRF check Failed"); a browser session
    still needs the CSRF token."""
    inspector = make_user(roles=["inspector"], organisation=county_bureau("140802"))
    _t, raw = api_token_issue(actor=None, user=inspector, name="执法终端", scopes=["hazards:write", "hazards:read"])
    machine = Client(enforce_csrf_checks=True)
    body = {"title": "消防通道堵塞", "found_on": timezone.localdate().isoformat(), "source": "inspection",
            "enterprise_id": spread[0].pk, "deadline": (timezone.localdate() + dt.timedelta(days=15)).isoformat()}
    made = machine.post("/api/v1/hazards", body, content_type="application/json", **_bearer(raw))
    assert made.status_code == 201, made.content
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(inspector, backend="bureau.accounts.backends.LockoutModelBackend")
    assert browser.post("/api/v1/hazards", body, content_type="application/json").status_code in (401, 403)


def test_a_token_outside_the_owners_jurisdiction_sees_nothing(client, spread):
    """Regions only narrow: a county officer's token for another county answers nothing of either."""
    officer = make_user(roles=["inspector"], organisation=county_bureau("140802"))
    _t, raw = api_token_issue(actor=None, user=officer, name="越权区划", scopes=["enterprises:read"],
                              regions=["140821"])
    assert client.get("/api/v1/enterprises", **_bearer(raw)).json()["items"] == []


def test_tokens_of_administrators_and_leaders_need_the_explicit_scope(client, db):
    """System, security and audit administrators and leaders: no token without `privileged`; a token issued
    before the rule (or before the owner became a leader) is refused."""
    leader = make_user(roles=["leader"], organisation=city_bureau())
    with pytest.raises(DomainError, match="以管理员或领导身份调用"):
        issue(actor=None, user=leader, name="领导", scopes=["enterprises:read"], expires_at=LATER)
    _t, raw = issue(actor=None, user=leader, name="领导", scopes=["enterprises:read", PRIVILEGED], expires_at=LATER)
    assert client.get("/api/v1/enterprises", **_bearer(raw)).status_code == 200
    _old, old_raw = api_token_issue(actor=None, user=leader, name="旧令牌", scopes=["enterprises:read"])
    assert client.get("/api/v1/enterprises", **_bearer(old_raw)).status_code == 401


def test_issuing_refuses_unknown_scopes_regions_and_fields(db, city_officer):
    """Every part of a token is checked on issue, with a Chinese message naming it."""
    with pytest.raises(DomainError, match="授权范围无效"):
        issue(actor=None, user=city_officer, name="x", scopes=["everything"], expires_at=LATER)
    with pytest.raises(DomainError, match="区划代码无效"):
        issue(actor=None, user=city_officer, name="x", scopes=["enterprises:read"], regions=["999999"],
              expires_at=LATER)
    with pytest.raises(DomainError, match="字段无效"):
        issue(actor=None, user=city_officer, name="x", scopes=["enterprises:read"],
              fields={"enterprises": ["password"]}, expires_at=LATER)
    assert not ApiToken.objects.exists()


def test_an_operation_without_a_declared_scope_refuses_tokens():
    """Deny by default: nothing declared, no scope (the operation answers 403 to every token)."""

    def undeclared(request):  # pragma: no cover - only inspected
        return None

    assert required_scope(undeclared, "GET") is None


def test_token_issue_command_prints_the_raw_token_alone_on_the_last_line(client, city_officer, spread):
    """Operators issue machine tokens from scripts: the raw token is the last line, and it works as issued."""
    out = io.StringIO()
    call_command("token_issue", "--user", city_officer.username, "--scopes", "enterprises:read",
                 "--regions", "140802", "--fields", "enterprises:uscc,name", "--days", "30", stdout=out)
    raw = out.getvalue().strip().splitlines()[-1]
    assert raw.startswith("bt_") and " " not in raw
    token = ApiToken.objects.get(token_hash=ApiToken.hash(raw))
    assert token.regions == ["140802"] and token.fields == {"enterprises": ["uscc", "name"]}
    assert token.expires_at.date() == (timezone.now() + dt.timedelta(days=30)).date()
    items = client.get("/api/v1/enterprises", **_bearer(raw)).json()["items"]
    assert len(items) == 2 and set(items[0]) == {"uscc", "name"}
    leader = make_user("boss", roles=["leader"], organisation=city_bureau())
    with pytest.raises(CommandError, match="以管理员或领导身份调用"):
        call_command("token_issue", "--user", leader.username, "--scopes", "enterprises:read", stdout=io.StringIO())
    with pytest.raises(CommandError, match="授权范围无效"):
        call_command("token_issue", "--user", city_officer.username, "--scopes", "nothing", stdout=io.StringIO())


def test_the_issuing_page_offers_every_data_set_to_read_or_act_and_refuses_a_leader_without_privilege(client, db):
    """The administrators' page lists each data set with its two scopes and the explicit `privileged`; issuing
    a leader's token without it is refused on the page with the reason, and nothing is issued."""
    admin = make_user("sec_admin", roles=["secadmin"], organisation=city_bureau())
    leader = make_user("a_leader", roles=["leader"], organisation=city_bureau())
    client.force_login(admin, backend="bureau.accounts.backends.LockoutModelBackend")
    page = client.get("/portal/sharing/tokens/").content.decode()
    for value in ("hazards:read", "hazards:write", "enterprises:read", PRIVILEGED):
        assert f'value="{value}"' in page
    answer = client.post("/portal/sharing/tokens/", {"name": "领导令牌", "user": leader.pk,
                                                      "scopes": ["enterprises:read"], "expires_on": "2099-12-31"})
    assert "以管理员或领导身份调用" in answer.content.decode()
    assert not ApiToken.objects.filter(user=leader).exists()


def test_the_audit_administrator_reads_the_call_log_but_does_not_issue_tokens(client, db):
    """三员分立: the audit administrator reads every token call; issuing and revoking stay with the system and
    security administrators."""
    auditor = make_user("an_auditor", roles=["auditor"], organisation=city_bureau())
    client.force_login(auditor, backend="bureau.accounts.backends.LockoutModelBackend")
    assert client.get("/portal/sharing/calls/").status_code == 200
    assert client.get("/portal/sharing/tokens/").status_code == 404
