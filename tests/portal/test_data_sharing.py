"""Data sharing (III.2): scopes (a token never sees another scope's data), regions and fields narrow the answer,
expired/revoked tokens refused, every call logged and visible to administrators; the business-licence adapter."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from bureau.accounts import tokens
from bureau.accounts.models import ApiCallLog, ApiToken, OrganisationKind
from bureau.accounts.services import api_token_issue
from bureau.certificates.models import Certificate, CertificateType
from bureau.kernel.errors import DomainError
from bureau.portal import licences, sharing
from tests.factories import EnterpriseFactory, OrganisationFactory, make_user, valid_uscc


@pytest.fixture
def dept(db):
    org = OrganisationFactory(code="YC-D-SJ", name="运城市市场监督管理局", kind=OrganisationKind.DEPARTMENT,
                              region_id=None)
    return make_user("sj_dept", roles=["department"], organisation=org)


@pytest.fixture
def data(db):
    yanhu = EnterpriseFactory(name="盐湖甲化工有限公司", region_id="140802")
    linyi = EnterpriseFactory(name="临猗乙烟花有限公司", region_id="140821")
    ctype = CertificateType.objects.create(code="hazchem_operation", name="危险化学品经营许可证", holder_kind="enterprise",
                                           validity_months=36, source="危险化学品经营许可证管理办法 第19条",
                                           effective_from=dt.date(2015, 7, 1))
    cert = Certificate.objects.create(number="晋运危化经字〔2026〕000001号", type=ctype, enterprise=yanhu,
                                      region_id="140802", holder_name=yanhu.name, issuing_authority="运城市应急管理局",
                                      issued_on=dt.date(2026, 1, 5), valid_from=dt.date(2026, 1, 5),
                                      valid_until=dt.date(2029, 1, 4))
    return {"yanhu": yanhu, "linyi": linyi, "cert": cert}


def get(client, raw, path, **params):
    return client.get(path, params, HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.mark.django_db
def test_token_sees_only_its_scope(client, dept, data):
    _t, raw = api_token_issue(actor=None, user=dept, name="市场监管-企业", scopes=["enterprises:read"])
    r = get(client, raw, "/api/v1/sharing/enterprises")
    assert r.status_code == 200 and {i["name"] for i in r.json()["items"]} == {"盐湖甲化工有限公司", "临猗乙烟花有限公司"}
    r = get(client, raw, "/api/v1/sharing/certificates")
    assert r.status_code == 403 and "未获授权" in r.json()["detail"]
    assert get(client, raw, f"/api/v1/sharing/certificates/{data['cert'].number}").status_code == 403
    assert get(client, raw, "/api/v1/sharing/decisions").status_code == 403
    # the department user's own scope on the register stays empty (nothing leaks through other endpoints)
    r = get(client, raw, "/api/v1/enterprises")
    assert r.status_code == 200 and r.json()["items"] == []


@pytest.mark.django_db
def test_regions_and_fields_narrow_the_answer(client, dept, data):
    _t, raw = api_token_issue(actor=None, user=dept, name="盐湖", scopes=["enterprises:read", "certificates:read"],
                              regions=["140802"], fields={"enterprises": ["uscc", "name"]})
    items = get(client, raw, "/api/v1/sharing/enterprises").json()["items"]
    assert items == [{"uscc": data["yanhu"].uscc, "name": "盐湖甲化工有限公司"}]
    assert get(client, raw, f"/api/v1/sharing/enterprises/{data['linyi'].uscc}").status_code == 404
    assert get(client, raw, f"/api/v1/sharing/enterprises/{data['yanhu'].uscc}").json()["name"] == "盐湖甲化工有限公司"
    cert = get(client, raw, f"/api/v1/sharing/certificates/{data['cert'].number}").json()
    assert cert["status"] == "有效" and cert["enterprise_uscc"] == data["yanhu"].uscc
    _t, linyi_raw = api_token_issue(actor=None, user=dept, name="临猗", scopes=["certificates:read"],
                                    regions=["140821"])
    assert get(client, linyi_raw, "/api/v1/sharing/certificates").json()["items"] == []


@pytest.mark.django_db
def test_county_owner_cannot_widen_with_regions(client, data, world):
    _t, raw = api_token_issue(actor=None, user=world.yanhu_officer, name="县局", scopes=["enterprises:read"],
                              regions=["140821"])
    assert get(client, raw, "/api/v1/sharing/enterprises").json()["items"] == []


@pytest.mark.django_db
def test_expired_revoked_and_session_refused(client, dept, data, login):
    _t, expired = api_token_issue(actor=None, user=dept, name="过期", scopes=["enterprises:read"],
                                  expires_at=timezone.now() - dt.timedelta(minutes=1))
    r = get(client, expired, "/api/v1/sharing/enterprises")
    assert r.status_code == 401 and "过期" in r.json()["detail"]
    token, raw = api_token_issue(actor=None, user=dept, name="吊销", scopes=["enterprises:read"])
    tokens.revoke(actor=make_user("sa", roles=["secadmin"]), token=token)
    assert get(client, raw, "/api/v1/sharing/enterprises").status_code == 401
    assert login(dept).get("/api/v1/sharing/enterprises").status_code == 401  # tokens only


@pytest.mark.django_db
def test_every_call_is_logged_with_outcome(client, dept, data):
    token, raw = api_token_issue(actor=None, user=dept, name="日志", scopes=["enterprises:read"])
    get(client, raw, "/api/v1/sharing/enterprises")
    get(client, raw, "/api/v1/sharing/certificates")
    unregistered = valid_uscc()  # a well-formed code no enterprise of the register holds
    get(client, raw, f"/api/v1/sharing/enterprises/{unregistered}")
    rows = list(ApiCallLog.objects.filter(token=token).order_by("id").values_list("path", "status"))
    assert [s for _, s in rows] == [200, 403, 404]
    assert rows[0][0].startswith("/api/v1/sharing/enterprises")


@pytest.mark.django_db
def test_middleware_logs_other_endpoints_and_refused_tokens(client, dept, data):
    token, raw = api_token_issue(actor=None, user=dept, name="中间件", scopes=["enterprises:read"])
    from django.conf import settings

    middleware = [*settings.MIDDLEWARE, "bureau.portal.middleware.ApiCallLogMiddleware"]
    with override_settings(MIDDLEWARE=middleware):
        get(client, raw, "/api/v1/enterprises")
        get(client, raw, "/api/v1/sharing/enterprises")  # logged once, by the endpoint
        ApiToken.objects.filter(pk=token.pk).update(revoked=True)
        get(client, raw, "/api/v1/sharing/enterprises")
    assert list(ApiCallLog.objects.filter(token=token).order_by("id").values_list("status", flat=True)) == [200, 200, 401]


@pytest.mark.django_db
def test_decisions_without_provider_say_so(client, dept, monkeypatch):
    monkeypatch.setattr(sharing, "_providers", {})
    _t, raw = api_token_issue(actor=None, user=dept, name="处罚", scopes=["decisions:read"])
    body = get(client, raw, "/api/v1/sharing/decisions").json()
    assert body["available"] is False and body["items"] == []
    sharing.register_shared_dataset("decisions", lambda regions, params: [
        {"number": "运应急罚〔2026〕1号", "region_code": "140802", "party_name": "甲公司", "secret": "x"}])
    try:
        body = get(client, raw, "/api/v1/sharing/decisions").json()
        assert body["available"] is True and body["items"][0]["number"] == "运应急罚〔2026〕1号"
        assert "secret" not in body["items"][0]
    finally:
        sharing._providers.pop("decisions", None)


@pytest.mark.django_db
def test_token_admin_screens(client, dept, login, world):
    admin = make_user("sys", roles=["sysadmin"], organisation=world.city)
    assert login(world.clerk).get("/portal/sharing/tokens/").status_code == 404
    client = login(admin)
    r = client.post("/portal/sharing/tokens/", {"name": "市场监管-证照", "user": dept.pk, "scopes": ["certificates:read"],
                                               "regions": ["140802"], "expires_on": "2099-12-31",
                                               "fields_certificates": ["number", "status"]})
    raw = r.context["raw"]
    token = ApiToken.objects.get(name="市场监管-证照")
    assert raw.startswith("bt_") and token.token_hash == ApiToken.hash(raw) and token.regions == ["140802"]
    assert token.fields == {"certificates": ["number", "status"]}
    r = client.post("/portal/sharing/tokens/", {"name": "无范围", "user": dept.pk, "expires_on": "2099-12-31"})
    assert r.context["raw"] is None and not ApiToken.objects.filter(name="无范围").exists()
    r = client.post("/portal/sharing/tokens/", {"name": "已过期", "user": dept.pk, "scopes": ["certificates:read"],
                                               "expires_on": "2020-01-01"})
    assert "晚于今天" in r.content.decode()
    client.post(f"/portal/sharing/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked
    get(client, raw, "/api/v1/sharing/certificates")
    assert client.get("/portal/sharing/calls/").status_code == 200


def test_licence_adapter_file_default_and_bad_code():
    found = licences.licence_lookup("91140802MA0KYC0017")
    assert found is not None and found.name == "运城市河东化工贸易有限公司"
    assert licences.enterprise_prefill("91140802MA0KYC0017")["legal_representative"] == "李建国"
    assert licences.licence_lookup("91350100M000100Y43") is None
    with pytest.raises(DomainError):
        licences.licence_lookup("91140802MA0KYC0018")


@pytest.mark.django_db
def test_licence_endpoint_for_staff(client, login, world):
    r = login(world.clerk).get("/api/v1/business-licences/91140802MA0KYC0017")
    assert r.status_code == 200 and r.json()["prefill"]["name"] == "运城市河东化工贸易有限公司"
    client.logout()
    assert client.get("/api/v1/business-licences/91140802MA0KYC0017").status_code == 401
