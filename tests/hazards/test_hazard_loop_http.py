"""The hazard loop over HTTP (measures II.8, III.5): report → plan → progress → acceptance → removal, every
refusal, scope (another county answers 404) and the list's query budget."""

from __future__ import annotations

import datetime as dt

import pytest

from bureau.hazards.models import Hazard
from bureau.hazards.queries import self_inspection_hazards
from bureau.kernel.models import AuditEntry
from tests.hazards.factories import hazard, today

pytestmark = pytest.mark.django_db


def _msgs(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_enterprise_records_a_self_inspection_hazard_with_time_and_source(w, login):
    client = login(w.owner)
    r = client.post("/hazards/new/", {"title": "配电室门未关闭", "found_on": today().isoformat(), "grade": "general"})
    h = Hazard.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/hazards/{h.pk}/"
    assert h.source == "self_inspection" and h.reported_at is not None and h.reported_by == w.owner
    assert list(self_inspection_hazards(w.enterprise.pk, reported_before=h.reported_at + dt.timedelta(seconds=1))) == [h]


def test_major_hazard_without_criterion_is_refused_and_nothing_saved(w, login):
    r = login(w.owner).post("/hazards/new/", {"title": "x", "found_on": today().isoformat(), "grade": "major"})
    assert r.status_code == 200 and "判定依据" in r.content.decode()
    assert not Hazard.objects.exists()


def test_full_loop_plan_progress_acceptance_and_removal(w, login):
    h = hazard(w)
    client = login(w.owner)
    r = client.post(f"/hazards/{h.pk}/plan/", {"measures": "清理", "deadline": (today() + dt.timedelta(days=5)).isoformat(),
                                               "responsible_person": "李丽", "funds": "500"}, follow=True)
    assert "已登记整改方案" in " ".join(_msgs(r))
    client.post(f"/hazards/{h.pk}/act/progress/", {"note": "已清理一半"})
    client.post(f"/hazards/{h.pk}/act/request_acceptance/", {"note": ""})
    client.post(f"/hazards/{h.pk}/act/accept/", {"note": "合格"})
    client.post(f"/hazards/{h.pk}/act/close/", {"note": ""})
    h.refresh_from_db()
    assert h.state == "closed" and h.accepted_at and h.closed_at and h.funds == 500
    actions = [x.action for x in h.history()]
    assert actions == ["report", "plan", "progress", "request_acceptance", "accept", "close"]
    assert AuditEntry.objects.filter(action="hazards.close").exists()


def test_plan_without_measures_or_with_past_deadline_is_refused(w, login):
    h = hazard(w)
    client = login(w.owner)
    r = client.post(f"/hazards/{h.pk}/plan/", {"measures": "", "deadline": today().isoformat(),
                                               "responsible_person": "李"}, follow=True)
    assert "请填写整改措施" in " ".join(_msgs(r))
    r = client.post(f"/hazards/{h.pk}/plan/", {"measures": "m", "deadline": "2020-01-01", "responsible_person": "李"},
                    follow=True)
    assert "整改期限不能早于今天" in " ".join(_msgs(r))
    h.refresh_from_db()
    assert h.state == "reported" and h.measures == ""


def test_closing_without_acceptance_is_refused(w, login):
    h = hazard(w, step="rectifying")
    r = login(w.owner).post(f"/hazards/{h.pk}/act/close/", {}, follow=True)
    assert "不能执行「销号」" in " ".join(_msgs(r))
    h.refresh_from_db()
    assert h.state == "rectifying" and h.closed_at is None


def test_rejecting_acceptance_needs_a_reason_and_returns_to_rectifying(w, login):
    h = hazard(w, step="awaiting_acceptance")
    client = login(w.inspector)
    r = client.post(f"/hazards/{h.pk}/act/reject_acceptance/", {"note": ""}, follow=True)
    assert "须写明原因" in " ".join(_msgs(r))
    client.post(f"/hazards/{h.pk}/act/reject_acceptance/", {"note": "通道仍堆放物品"})
    h.refresh_from_db()
    assert h.state == "rectifying"


def test_enterprise_cannot_accept_its_own_major_hazard(w, login):
    h = hazard(w, step="awaiting_acceptance", grade="major")
    r = login(w.owner).post(f"/hazards/{h.pk}/act/accept/", {}, follow=True)
    assert "不能自行验收" in " ".join(_msgs(r))
    h.refresh_from_db()
    assert h.state == "awaiting_acceptance"


def test_another_county_gets_404_on_detail_and_actions(w, login):
    h = hazard(w)
    client = login(w.other_inspector)
    assert client.get(f"/hazards/{h.pk}/").status_code == 404
    assert client.post(f"/hazards/{h.pk}/act/close/", {}).status_code == 404
    assert client.get("/hazards/").context["page"].rows == []


def test_other_enterprise_sees_nothing(w, login):
    from tests.factories import EnterpriseFactory, make_user

    other = make_user(roles=["enterprise"], enterprise=EnterpriseFactory(region_id="140802"))
    h = hazard(w)
    assert login(other).get(f"/hazards/{h.pk}/").status_code == 404


def test_inspection_contract_report_with_source_record_and_recheck_actions(w):
    """The inspection area reports with source="inspection" and a source record, then applies the workflow
    actions request_acceptance / accept / reject_acceptance for rechecks."""
    from bureau.hazards.services import hazard_plan, hazard_report, hazard_transition

    record = w.enterprise  # any model instance stands for the inspection record
    h = hazard_report(actor=w.inspector, enterprise=w.enterprise, source="inspection", title="灭火器失效",
                      found_on=today(), grade="general", deadline=today() + dt.timedelta(days=7),
                      legal_basis="安全生产法 第三十六条", source_record=record)
    assert (h.source_type, h.source_id) == ("enterprises.enterprise", str(record.pk))
    hazard_plan(actor=w.owner, hazard=h, measures="更换", deadline=h.deadline, responsible_person="李")
    for action in ("request_acceptance", "reject_acceptance", "request_acceptance", "accept"):
        hazard_transition(actor=w.inspector, hazard=h, action=action, note="复查")
    assert h.state == "accepted"


def test_list_query_budget(w, login, django_assert_max_num_queries):
    for _ in range(5):
        hazard(w, step="rectifying")
    client = login(w.inspector)
    with django_assert_max_num_queries(15):
        r = client.get("/hazards/")
    assert len(r.context["page"].rows) == 5
    with django_assert_max_num_queries(15):
        client.get("/hazards/?overdue=1")


def test_export_is_scoped(w, login):
    hazard(w)
    r = login(w.inspector).get("/hazards/export.xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")


def test_officer_reports_a_patrol_hazard_by_credit_code_in_jurisdiction_only(w, login):
    data = {"enterprise": w.enterprise.uscc, "source": "patrol", "title": "视频巡查发现动火无监护",
            "found_on": today().isoformat(), "grade": "general"}
    r = login(w.other_inspector).post("/hazards/new/", data)
    assert r.status_code == 200 and "管辖范围内没有" in r.content.decode()
    r = login(w.inspector).post("/hazards/new/", data)
    h = Hazard.objects.get()
    assert r.status_code == 302 and (h.source, h.enterprise) == ("patrol", w.enterprise)
