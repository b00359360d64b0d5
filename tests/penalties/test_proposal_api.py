"""POST /api/v1/penalties/proposals and the scoped case endpoints."""

from __future__ import annotations

import json

import pytest

from tests.factories import county_bureau, make_user
from tests.penalties.factories import World

pytestmark = pytest.mark.django_db
URL = "/api/v1/penalties/proposals"
VIOLATIONS = "/api/v1/penalties/violations"


@pytest.fixture
def w():
    return World()


def _post(client, body):
    return client.post(URL, data=json.dumps(body), content_type="application/json")


def test_proposal_returns_tier_band_reasoning_row_and_exemption(w, login):
    """The contract: violation_code, quantity (in the violation's unit), circumstances, stage, target, on → tier,
    tier_label, amount_min/max, reasoning, benchmark_row, exemption {possible, basis}."""
    client = login(w.officer)
    r = _post(client, {"violation_code": "AQSCF-97-7", "quantity": 1, "circumstances": ["corrected_in_time"],
                       "stage": "order", "target": "unit", "on": "2026-11-27"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["tier"], body["tier_label"], body["amount_min"], body["amount_max"]) == ("A", "阶次A", 0, 30000)
    assert "阶次A" in body["reasoning"] and "有1人次" in body["reasoning"]
    row = body["benchmark_row"]
    assert row["violation_code"] == "AQSCF-97-7" and "有1人次" in row["conditions"]
    assert (row["quantity_unit"], row["quantity_min"], row["quantity_max"], row["level"]) == ("persons", 1, 1, "national")
    assert body["exemption"] == {"possible": False, "basis": ""}
    assert body["fallback"] is False


def test_proposal_overdue_stage_selects_the_overdue_row(w, login):
    r = _post(login(w.officer), {"violation_code": "AQSCF-97-7", "quantity": 1, "stage": "overdue"})
    body = r.json()
    assert (body["tier"], body["amount_min"], body["amount_max"], body["fallback"]) == ("A", 100000, 130000, False)
    assert body["other_measures"] == "责令停产停业整顿"


def test_no_row_in_force_proposes_statutory_range_over_the_api(w, login):
    body = _post(login(w.officer), {"violation_code": "AQSCF-97-6", "circumstances": []}).json()
    assert (body["tier"], body["tier_label"], body["amount_min"], body["amount_max"], body["fallback"]) == (
        "statutory", "法定幅度", 0, 100000, True)
    assert "没有有效的裁量基准阶次" in body["reasoning"]


def test_art33_first_offence_exemption_option_over_the_api(w, login):
    body = _post(login(w.officer), {"violation_code": "AQSCF-97-5", "on": "2026-11-27",
                                    "circumstances": ["first_offence", "minor_harm", "corrected_in_time"]}).json()
    assert body["exemption"]["possible"] is True
    assert "第三十三条第一款" in body["exemption"]["basis"] and "可以不予行政处罚" in body["exemption"]["basis"]


def test_historical_version_by_date(w, login):
    client = login(w.officer)
    r = _post(client, {"violation_code": "AQSCF-97-4", "quantity": 25, "on": "2023-05-01"})
    assert r.status_code == 200 and (r.json()["tier"], r.json()["amount_min"]) == ("2", 30000)
    r = _post(client, {"violation_code": "AQSCF-97-4", "quantity": 25})  # the Shanxi rows lapsed on 2024-10-31
    assert (r.status_code == 400 and "不在有效期内" in r.json()["detail"]) or r.json()["tier"] == "statutory"


@pytest.mark.parametrize(("body", "phrase"), [
    ({"violation_code": "NOPE-9", "circumstances": []}, "没有违法行为代码"),
    ({"violation_code": "AQSCF-97-7", "quantity": 1, "circumstances": ["first_offence", "repeat"]}, "情节相互矛盾"),
    ({"violation_code": "AQSCF-97-7", "quantity": 1, "circumstances": ["lucky"]}, "未知的情节代码"),
    ({"violation_code": "AQSCF-97-7", "quantity": 1, "stage": "sometime"}, "阶段无效"),
    # the stage is a fact: at the 责令限期改正 stage nobody has refused to correct yet
    ({"violation_code": "AQSCF-97-7", "quantity": 1, "stage": "order", "circumstances": ["refused_correction"]},
     "与处罚阶段矛盾"),
    ({"violation_code": "AQSCF-97-7", "quantity": 1, "stage": "refused", "circumstances": ["corrected_in_time"]},
     "与处罚阶段矛盾"),
    # the tier is chosen by the facts: without the count, or a count no row names, nothing is proposed
    ({"violation_code": "AQSCF-97-7"}, "请填写违法数量（单位：人次）"),
    ({"violation_code": "AQSCF-97-7", "quantity": 0}, "违法数量应大于0"),
    ({"violation_code": "AQSCF-97-7", "quantity": -1}, "请求参数有误"),
    ({"violation_code": "AQSCF-97-7", "quantity": 1, "facts": ["造成生产安全事故"]}, "不是该违法行为裁量基准所列的情形"),
    ({"circumstances": []}, "请求参数有误"),
])
def test_bad_requests_answer_400_with_a_clear_message(w, login, body, phrase):
    r = _post(login(w.officer), body)
    assert r.status_code == 400
    assert phrase in r.json()["detail"]


def test_enterprise_users_cannot_use_the_engine(w, login):
    r = _post(login(w.company_user), {"violation_code": "AQSCF-97-7", "quantity": 1})
    assert r.status_code == 403


def test_violation_list_by_provision_text_and_date(w, login):
    """GET /violations: the violations in force on the date whose penalty provision or text matches, each with its
    tiers (conditions, quantity bounds, facts, amounts, source)."""
    client = login(w.officer)
    for provision in ("第九十七条第(七)项", "第九十七条第（七）项", "97条第(七)项"):
        found = client.get(VIOLATIONS, {"provision": provision, "on": "2026-11-27"}).json()
        assert "AQSCF-97-7" in [v["code"] for v in found], provision
    v = next(v for v in found if v["code"] == "AQSCF-97-7")
    assert v["quantity_unit"] == "persons" and v["quantity_unit_label"] == "人次"
    assert v["penalty_provision"] == "安全生产法第九十七条第(七)项" and "特种作业人员" in v["violation"]
    tiers = {(t["code"], t["stage"], t["target"]): t for t in v["tiers"]}
    a = tiers[("A", "order", "unit")]
    assert (a["quantity_min"], a["quantity_max"], a["amount_min"], a["amount_max"], a["level"]) == (
        1, 1, 0, 30000, "national") and "有1人次" in a["conditions"]
    assert "应急〔2024〕90号" in a["source"] and a["facts"] == []
    by_text = client.get(VIOLATIONS, {"q": "警示标志", "on": "2026-11-27"}).json()
    signs = next(v for v in by_text if v["code"] == "AQSCF-99-1")
    assert {t["code"] for t in signs["tiers"]} == {"statutory"}  # the Shanxi rows lapsed on 2024-10-31
    old = next(v for v in client.get(VIOLATIONS, {"q": "警示标志", "on": "2023-06-01"}).json()
               if v["code"] == "AQSCF-99-1")
    assert {t["code"] for t in old["tiers"]} >= {"1", "2", "3", "4", "5"} and old["quantity_unit"] == "places"
    assert client.get(VIOLATIONS, {"q": "没有这种违法行为"}).json() == []
    assert len(client.get(VIOLATIONS, {"limit": 2}).json()) == 2
    assert client.get(VIOLATIONS, {"limit": 1000}).status_code == 400  # capped


def test_violation_list_and_proposal_with_a_token(w):
    """Other systems call both with a token of scope cases:read (token_scope); a token without it is refused."""
    from django.test import Client

    from bureau.accounts.services import api_token_issue as issue

    _t, raw = issue(actor=None, user=w.officer, name="执法终端", scopes=["cases:read"])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get(VIOLATIONS, {"provision": "第九十七条"}).status_code == 200
    r = client.post(URL, data=json.dumps({"violation_code": "AQSCF-97-7", "quantity": 1}),
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["tier"] == "A"
    _t, other = issue(actor=None, user=w.officer, name="隐患终端", scopes=["hazards:read"])
    assert Client(HTTP_AUTHORIZATION=f"Bearer {other}").get(VIOLATIONS).status_code == 403


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
