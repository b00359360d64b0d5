"""The hazards API offers the enterprise's side through the same services as the pages (issue 13): deadline
extension request and decision, acceptance request with evidence, evidence upload, listing progress and recheck —
with the same rules, Chinese refusals, and 404 for another county."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bureau.hazards import services
from bureau.hazards.models import DeadlineExtension
from tests.hazards.factories import bureau_hazard, checkup_hazard, pdf, png, today

pytestmark = pytest.mark.django_db


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def _day(days: int) -> str:
    return (today() + dt.timedelta(days=days)).isoformat()


def test_api_enterprise_cannot_change_a_bureau_deadline_but_asks_for_an_extension(w, login):
    """Rule: the plan keeps the bureau's deadline (a changed one is 400); the extension request is 201, the decision
    by the county changes the deadline; the enterprise cannot decide; another county gets 404."""
    h = bureau_hazard(w, days=20)
    owner = login(w.owner)
    r = _post(owner, f"/api/v1/hazards/{h.pk}/plan", {"measures": "更换", "deadline": _day(200),
                                                      "responsible_person": "李丽"})
    assert r.status_code == 400 and "不能由企业自行更改" in r.json()["detail"] and r.json()["field"] == "deadline"
    r = _post(owner, f"/api/v1/hazards/{h.pk}/plan", {"measures": "更换", "responsible_person": "李丽"})
    assert r.status_code == 200 and r.json()["deadline"] == _day(20) and r.json()["state"] == "rectifying"
    r = _post(owner, f"/api/v1/hazards/{h.pk}/extensions", {"proposed_deadline": _day(5), "reason": "x"})
    assert r.status_code == 400 and "应晚于现整改期限" in r.json()["detail"]
    r = _post(owner, f"/api/v1/hazards/{h.pk}/extensions", {"proposed_deadline": _day(45), "reason": "配件缺货"})
    assert r.status_code == 201 and r.json()["state"] == "requested"
    ext_id = r.json()["id"]
    r = _post(owner, f"/api/v1/hazards/{h.pk}/extensions", {"proposed_deadline": _day(46), "reason": "再申请"})
    assert r.status_code == 400 and "已有待审批" in r.json()["detail"]
    r = _post(owner, f"/api/v1/hazards/extensions/{ext_id}/actions/approve", {"note": "同意"})
    assert r.status_code == 403
    other = login(w.other_inspector)
    assert _post(other, f"/api/v1/hazards/extensions/{ext_id}/actions/approve", {"note": "同意"}).status_code == 404
    assert other.get(f"/api/v1/hazards/{h.pk}/extensions").status_code == 404
    inspector = login(w.inspector)
    assert [e["id"] for e in inspector.get("/api/v1/hazards/extensions?state=requested").json()] == [ext_id]
    r = _post(inspector, f"/api/v1/hazards/extensions/{ext_id}/actions/approve", {"note": "情况属实，同意延期"})
    assert r.status_code == 200 and r.json()["state"] == "approved"
    assert inspector.get(f"/api/v1/hazards/{h.pk}").json()["deadline"] == _day(45)


def test_api_refused_extension_keeps_the_deadline(w, login):
    """Rule: a refusal needs reasons and leaves the deadline."""
    h = bureau_hazard(w, days=20)
    extension = services.extension_request(actor=w.owner, hazard=h, proposed_deadline=today() + dt.timedelta(days=30),
                                           reason="人手不足")
    client = login(w.head)
    assert _post(client, f"/api/v1/hazards/extensions/{extension.pk}/actions/refuse", {}).status_code == 400
    r = _post(client, f"/api/v1/hazards/extensions/{extension.pk}/actions/refuse", {"note": "理由不充分"})
    assert r.status_code == 200 and r.json()["state"] == "refused"
    assert client.get(f"/api/v1/hazards/{h.pk}").json()["deadline"] == _day(20)
    assert DeadlineExtension.objects.get().decision_note == "理由不充分"


def test_api_acceptance_request_with_evidence_and_the_enterprise_cannot_accept_a_checkup_hazard(w, login):
    """Rule: the enterprise asks for acceptance with evidence (multipart); accepting a checkup hazard is refused to
    it (400 with the reason); the evidence is listed with download links for the county, 404 for another county."""
    h, expert = checkup_hazard(w)
    services.hazard_plan(actor=w.owner, hazard=h, measures="校验", deadline=None, responsible_person="李丽")
    owner = login(w.owner)
    r = owner.post(f"/api/v1/hazards/{h.pk}/acceptance-request", {"note": "已校验", "files": [png(), pdf()]})
    assert r.status_code == 200 and r.json()["state"] == "awaiting_acceptance"
    r = _post(owner, f"/api/v1/hazards/{h.pk}/actions/accept", {"note": "自行验收"})
    assert r.status_code == 400 and "须由监管部门或参与该次体检的专家验收" in r.json()["detail"]
    inspector = login(w.inspector)
    evidence = inspector.get(f"/api/v1/hazards/{h.pk}/evidence").json()
    assert [e["name"] for e in evidence] == ["after.png", "检测报告.pdf"]
    assert inspector.get(evidence[1]["download_url"]).status_code == 200
    other = login(w.other_inspector)
    assert other.get(f"/api/v1/hazards/{h.pk}/evidence").status_code == 404
    assert other.get(evidence[1]["download_url"]).status_code == 404
    r = _post(login(expert.user), f"/api/v1/hazards/{h.pk}/actions/accept", {"note": "复核合格"})
    assert r.status_code == 200 and r.json()["state"] == "accepted"
    r = _post(login(w.owner), f"/api/v1/hazards/{h.pk}/actions/close", {})
    assert r.status_code == 400 and "须由监管部门销号" in r.json()["detail"]


def test_api_evidence_upload_checks_type_and_state(w, login):
    """Rule: evidence uploads (multipart `files`) while rectifying, checked by content; other counties get 404."""
    h = bureau_hazard(w, step="rectifying")
    owner = login(w.owner)
    r = owner.post(f"/api/v1/hazards/{h.pk}/evidence", {"files": [png("合格证.png")], "note": "合格证"})
    assert r.status_code == 201 and r.json()[0]["name"] == "合格证.png" and r.json()[0]["content_type"] == "image/png"
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = owner.post(f"/api/v1/hazards/{h.pk}/evidence", {"files": [SimpleUploadedFile("x.pdf", b"not a pdf")]})
    assert r.status_code == 400 and "内容与扩展名不符" in r.json()["detail"]
    assert login(w.other_inspector).post(f"/api/v1/hazards/{h.pk}/evidence",
                                         {"files": [png()]}).status_code == 404


def test_api_listing_progress_cannot_go_down_and_recheck_needs_the_threshold(w, login):
    """Rule: the listings API refuses a lower progress and a recheck below rule listing_recheck_min_percent."""
    h = bureau_hazard(w, step="rectifying", grade="major")
    listing = services.listing_create(actor=w.head, hazard=h, reason="难", deadline=today() + dt.timedelta(days=60))
    owner = login(w.owner)
    r = _post(owner, f"/api/v1/hazards/listings/{listing.pk}/entries", {"text": "设备到货", "percent": 50})
    assert r.status_code == 201 and r.json()["percent"] == 50
    r = _post(owner, f"/api/v1/hazards/listings/{listing.pk}/entries", {"text": "返工", "percent": 30})
    assert r.status_code == 400 and "不能低于上次填报的 50%" in r.json()["detail"]
    r = _post(owner, f"/api/v1/hazards/listings/{listing.pk}/entries",
              {"text": "x", "percent": 60, "on": (listing.listed_on - dt.timedelta(days=1)).isoformat()})
    assert r.status_code == 400 and "不能早于挂牌日期" in r.json()["detail"]
    r = owner.post(f"/api/v1/hazards/listings/{listing.pk}/recheck-request", {"note": "申请"})
    assert r.status_code == 400 and "100%" in r.json()["detail"]
    _post(owner, f"/api/v1/hazards/listings/{listing.pk}/entries", {"text": "完成", "percent": 100})
    r = owner.post(f"/api/v1/hazards/listings/{listing.pk}/recheck-request", {"note": "申请", "files": [pdf()]})
    assert r.status_code == 200 and r.json()["state"] == "recheck_requested" and r.json()["latest_percent"] == 100
    assert [e["name"] for e in owner.get(f"/api/v1/hazards/listings/{listing.pk}/evidence").json()] == ["检测报告.pdf"]
    assert login(w.other_inspector).get(f"/api/v1/hazards/listings/{listing.pk}").status_code == 404
    r = _post(login(w.head), f"/api/v1/hazards/listings/{listing.pk}/actions/remove", {"note": "核查合格"})
    assert r.status_code == 200 and r.json()["state"] == "removed"
