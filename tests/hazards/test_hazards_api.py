"""The hazards API answers like the UI: scoped lists, 404 for another county, Chinese refusals."""

from __future__ import annotations

import pytest

from tests.hazards.factories import hazard, today

pytestmark = pytest.mark.django_db


def test_enterprise_reports_and_plans_over_the_api(w, login):
    client = login(w.owner)
    r = client.post("/api/v1/hazards", {"title": "消防通道堵塞", "found_on": today().isoformat()},
                    content_type="application/json")
    assert r.status_code == 201 and r.json()["source"] == "self_inspection"
    hid = r.json()["id"]
    r = client.post(f"/api/v1/hazards/{hid}/actions/close", {}, content_type="application/json")
    assert r.status_code == 400 and "销号" in r.json()["detail"]
    r = client.post(f"/api/v1/hazards/{hid}/plan", {"measures": "清理", "deadline": today().isoformat(),
                                                    "responsible_person": "李"}, content_type="application/json")
    assert r.json()["state"] == "rectifying"


def test_list_is_scoped_and_other_county_gets_404(w, login, django_assert_max_num_queries):
    h = hazard(w)
    client = login(w.inspector)
    with django_assert_max_num_queries(8):
        items = client.get("/api/v1/hazards").json()["items"]
    assert [i["id"] for i in items] == [h.pk]
    other = login(w.other_inspector)
    assert other.get("/api/v1/hazards").json()["items"] == []
    assert other.get(f"/api/v1/hazards/{h.pk}").status_code == 404


def test_risk_point_out_of_range_is_refused(w, login):
    r = login(w.owner).post("/api/v1/hazards/risk-points", {"name": "a", "hazard_source": "b", "method": "ls",
                                                             "factor_l": 7, "factor_c": 2},
                            content_type="application/json")
    assert r.status_code == 400 and "1—5" in r.json()["detail"]


def test_overview_for_officers_only(w, login):
    hazard(w)
    assert login(w.inspector).get("/api/v1/hazards/overview").json()[0]["total"] == 1
    assert login(w.owner).get("/api/v1/hazards/overview").status_code == 403


def test_overlong_texts_and_funds_are_refused_not_crashing(w, login):
    client = login(w.owner)
    r = client.post("/api/v1/hazards", {"title": "x", "found_on": today().isoformat(), "location": "部" * 121},
                    content_type="application/json")
    assert r.status_code == 400 and "部位不能超过 120 个字" in r.json()["detail"]
    h = hazard(w)
    r = client.post(f"/api/v1/hazards/{h.pk}/plan", {"measures": "m", "deadline": today().isoformat(),
                                                     "responsible_person": "李", "funds": "99999999999"},
                    content_type="application/json")
    assert r.status_code == 400 and "整改资金" in r.json()["detail"]
