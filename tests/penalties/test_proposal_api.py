"""POST /api/v1/penalties/proposals and the scoped case endpoints."""

from __future__ import annotations

import json

import pytest

from tests.factories import county_bureau, make_user
from tests.penalties.factories import World

pytestmark = pytest.mark.django_db
URL = "/api/v1/penalties/proposals"


@pytest.fixture
def w():
    return World()


def _post(client, body):
    return client.post(URL, data=json.dumps(body), content_type="application/json")


def test_proposal_returns_tier_band_reasoning_and_row(w, login):
    client = login(w.officer)
    r = _post(client, {"violation_code": "MEM2024-26", "circumstances": ["first_offence", "corrected_in_time"]})
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["tier"], body["amount_min"], body["amount_max"]) == ("lenient", 0, 30000)
    assert "从轻阶次" in body["reasoning"] and "有1人次" in body["reasoning"]
    assert body["benchmark_row"]["violation_code"] == "MEM2024-26"
    assert body["benchmark_row"]["conditions"] == "有1人次"
    assert body["fallback"] is False


def test_proposal_fallback_for_an_overdue_stage(w, login):
    r = _post(login(w.officer), {"violation_code": "MEM2024-26", "circumstances": ["repeat"], "stage": "overdue"})
    body = r.json()
    assert (body["tier"], body["amount_min"], body["amount_max"], body["fallback"]) == ("severe", 160000, 200000, True)
    assert body["other_measures"] == "责令停产停业整顿"


def test_historical_version_by_date(w, login):
    client = login(w.officer)
    r = _post(client, {"violation_code": "SX2021-97-4", "circumstances": [], "on": "2023-05-01"})
    assert r.status_code == 200 and r.json()["amount_min"] == 30000
    r = _post(client, {"violation_code": "SX2021-97-4", "circumstances": []})
    assert r.status_code == 400 and "不在有效期内" in r.json()["detail"]


@pytest.mark.parametrize(("body", "phrase"), [
    ({"violation_code": "NOPE-9", "circumstances": []}, "没有违法行为代码"),
    ({"violation_code": "MEM2024-26", "circumstances": ["first_offence", "repeat"]}, "情节相互矛盾"),
    ({"violation_code": "MEM2024-26", "circumstances": ["lucky"]}, "未知的情节代码"),
    ({"violation_code": "MEM2024-26", "stage": "sometime"}, "阶段无效"),
    # the stage is a fact: at the 责令限期改正 stage nobody has refused to correct yet
    ({"violation_code": "MEM2024-26", "stage": "order", "circumstances": ["refused_correction"]}, "与处罚阶段矛盾"),
    ({"violation_code": "MEM2024-26", "stage": "refused", "circumstances": ["corrected_in_time"]}, "与处罚阶段矛盾"),
    ({"circumstances": []}, "请求参数有误"),
])
def test_bad_requests_answer_400_with_a_clear_message(w, login, body, phrase):
    r = _post(login(w.officer), body)
    assert r.status_code == 400
    assert phrase in r.json()["detail"]


def test_enterprise_users_cannot_use_the_engine(w, login):
    r = _post(login(w.company_user), {"violation_code": "MEM2024-26"})
    assert r.status_code == 403


def test_case_endpoints_are_scoped(w, login, django_assert_max_num_queries):
    case = w.notified_case()
    for _ in range(3):
        w.open_case()
    client = login(w.officer)
    client.get("/api/v1/penalties/cases")
    with django_assert_max_num_queries(8):
        r = client.get("/api/v1/penalties/cases?limit=2")
    assert r.status_code == 200 and len(r.json()["items"]) == 2 and r.json()["next_offset"] == 2
    r = client.get(f"/api/v1/penalties/cases/{case.pk}")
    assert r.json()["reasoning"].startswith("一、")
    linyi = make_user("api_linyi", roles=["inspector"], organisation=county_bureau("140821"), enforcement_id="1")
    assert login(linyi).get(f"/api/v1/penalties/cases/{case.pk}").status_code == 404
    assert login(linyi).get("/api/v1/penalties/cases").json()["items"] == []
    mine = login(w.company_user).get("/api/v1/penalties/cases").json()["items"]
    assert {c["id"] for c in mine} >= {case.pk}
