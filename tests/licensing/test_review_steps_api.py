"""The review-stage steps through the API, scoped and validated like the UI: 容缺 found in review with the
enterprise's report and the officer's verification (measure I.3), the joint check (measure I.6) and the filing
decision of a 专项评价备案 item (measure I.7). Another county's application answers 404, bad input 400 with a
Chinese message and nothing changed, a token without `applications:write` 403."""

from __future__ import annotations

import datetime as dt

import pytest

from bureau.accounts.services import api_token_issue
from bureau.licensing import services as s
from bureau.licensing.models import Commitment
from tests.factories import EnterpriseFactory, make_user
from tests.inspection.conftest import short_checklist
from tests.licensing.conftest import application_submit, files_for, pdf

pytestmark = pytest.mark.django_db
API = "/api/v1/licensing/applications"
JSON = "application/json"


def _bearer(user, *scopes):
    _token, raw = api_token_issue(actor=None, user=user, name="省平台", scopes=list(scopes))
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_api_review_tolerance_report_and_verification(world, login, client):
    """措施I.3: 审查发现可限期整改的问题，出具整改承诺后可先行许可；承诺履行由审批人员核验（通过或退回并说明理由）."""
    item = world.items["hazchem_operation"]
    app = application_submit(actor=world.qiye, item=item, files=files_for(item))
    s.application_accept(actor=world.officer, application=app)
    s.application_site_verify(actor=world.officer, application=app, result="储存区防火间距不足")
    url = f"{API}/{app.pk}/tolerate-findings"
    body = {"found_in": "site", "note": "1. 储存区防火间距不足，须增设防火墙"}
    assert login(world.county_officer).post(url, body, content_type=JSON).status_code == 404
    r = client.post(url, body, content_type=JSON, **_bearer(world.officer, "applications:read"))
    assert r.status_code == 403
    r = client.post(url, {**body, "found_in": ""}, content_type=JSON, **_bearer(world.officer, "applications:write"))
    assert r.status_code == 400 and "请选择发现问题的环节" in r.json()["detail"]
    assert not Commitment.objects.filter(application=app).exists()
    r = client.post(url, body, content_type=JSON, **_bearer(world.officer, "applications:write"))
    assert r.status_code == 200, r.content
    (row,) = [c for c in r.json()["commitments"] if c["origin"] == "review"]
    assert row["status"] == "unsigned" and row["found_in"] == "site"
    c = Commitment.objects.get(pk=row["id"])
    s.commitment_sign(actor=world.qiye, commitment=c, deadline=s.today() + dt.timedelta(days=5),
                      preventive_measures="减量储存", rectification_plan="增设防火墙")
    enterprise = login(world.qiye)
    report = f"{API}/{app.pk}/commitments/{c.pk}/report"
    r = enterprise.post(report, {"text": "已增设防火墙"})
    assert r.status_code == 400 and "请上传整改完成的证明" in r.json()["detail"]
    r = enterprise.post(report, {"text": "已增设防火墙", "evidence": [pdf("p1.pdf"), pdf("p2.pdf")]})
    assert r.status_code == 200 and r.json()["commitments"][0]["status"] == "reported"
    assert login(world.qiye_other).post(report, {"text": "x"}).status_code == 404
    send_back = f"{API}/{app.pk}/commitments/{c.pk}/send-back"
    assert login(world.county_officer).post(send_back, {"note": "x"}, content_type=JSON).status_code == 404
    officer = login(world.officer)
    r = officer.post(send_back, {"note": ""}, content_type=JSON)
    assert r.status_code == 400 and "退回时请写明" in r.json()["detail"]
    r = officer.post(send_back, {"note": "防火墙高度不足", "version": 0}, content_type=JSON)
    assert r.status_code == 409
    r = officer.post(send_back, {"note": "防火墙高度不足"}, content_type=JSON)
    assert r.status_code == 200 and r.json()["commitments"][0]["status"] == "signed"
    assert r.json()["commitments"][0]["verification_note"] == "防火墙高度不足"
    c.refresh_from_db()
    s_report = login(world.qiye).post(report, {"text": "已加高", "evidence": pdf("p3.pdf"), "version": c.version})
    assert s_report.status_code == 200
    r = client.post(f"{API}/{app.pk}/commitments/{c.pk}/verify", {}, content_type=JSON,
                    **_bearer(world.officer, "applications:read"))
    assert r.status_code == 403
    r = login(world.officer).post(f"{API}/{app.pk}/commitments/{c.pk}/verify", {}, content_type=JSON)
    assert r.status_code == 200 and r.json()["commitments"][0]["status"] == "fulfilled"


def test_api_joint_check_open_and_conclude(world, login, client):
    """措施I.6: 竣工验收监督与首次许可现场核查合并为一次联合检查 — the team is chosen among the bureau's certified
    officers; the conclusion waits for the signed inspection record."""
    checklist = short_checklist()
    checklist.industries = [*checklist.industries, "hazchem_use"]
    checklist.save()
    team = [make_user(f"t_ins{n}", roles=["inspector"], organisation=world.city, real_name=f"执法{n}",
                      enforcement_id=f"14080000{n}") for n in (1, 2)]
    plant = EnterpriseFactory(name="运城测试化工有限公司", region_id="140802", industry="hazchem_use")
    user = make_user("t_plant", roles=["enterprise"], enterprise=plant)
    item = world.items["hazchem_use"]
    app = application_submit(actor=user, item=item, files=files_for(item))
    s.application_accept(actor=world.officer, application=app)
    officer = login(world.officer)
    listed = officer.get(f"{API}/{app.pk}/joint-check/officers").json()
    assert {u.pk for u in team} <= {o["id"] for o in listed}
    url = f"{API}/{app.pk}/joint-check/open"
    body = {"officers": [u.pk for u in team], "note": "合并检查"}
    r = client.post(url, body, content_type=JSON, **_bearer(world.officer, "applications:read"))
    assert r.status_code == 403
    assert login(world.county_officer).post(url, body, content_type=JSON).status_code == 404
    officer = login(world.officer)
    r = officer.post(url, {"officers": [world.leader.pk, team[0].pk]}, content_type=JSON)
    assert r.status_code == 400 and "持证执法人员" in r.json()["detail"]
    r = officer.post(url, body, content_type=JSON)
    assert r.status_code == 200, r.content
    app.refresh_from_db()
    assert app.joint_inspection_id and app.state == r.json()["state"]
    r = officer.post(f"{API}/{app.pk}/joint-check/conclude", {}, content_type=JSON)
    assert r.status_code == 400 and "联合检查尚未结束" in r.json()["detail"]


def test_api_special_evaluation_filing_decision(world, login, client):
    """措施I.7: 加油站局部改造（等级不变）以专项评价代替建设项目安全审查 — ends in 予以备案 or 不予备案 (with reasons)."""
    station = EnterpriseFactory(name="运城测试加油站", region_id="140802", industry="gas_station")
    user = make_user("t_station", roles=["enterprise"], enterprise=station)
    item = world.items["gas_station_special_evaluation"]
    app = application_submit(actor=user, item=item, files=files_for(item), partial_renovation=True,
                             scope_text="更换两台加油机，等级不变")
    s.application_accept(actor=world.officer, application=app)
    assert login(world.county_officer).post(f"{API}/{app.pk}/file", {}, content_type=JSON).status_code == 404
    r = client.post(f"{API}/{app.pk}/file", {}, content_type=JSON, **_bearer(world.officer, "applications:read"))
    assert r.status_code == 403
    officer = login(world.officer)
    r = officer.post(f"{API}/{app.pk}/decline-filing", {"note": " "}, content_type=JSON)
    assert r.status_code == 400 and "请填写不予备案的理由" in r.json()["detail"]
    r = officer.post(f"{API}/{app.pk}/file", {"note": "报告齐全"}, content_type=JSON)
    assert r.status_code == 200 and r.json()["state"] == "filed"
    assert [d["kind"] for d in r.json()["documents"]] == ["acceptance_notice", "filing_notice"]
