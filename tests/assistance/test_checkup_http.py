"""Expert checkups (measure III.1): request, assignment without conflicts, findings on the expert's phone screen
flowing into the enterprise's hazard list, the government-paid cost recorded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from bureau.assistance import services
from bureau.assistance.models import Checkup, CheckupAssignment
from bureau.hazards.models import Hazard
from tests.assistance.factories import expert, today
from tests.factories import messages_of

pytestmark = pytest.mark.django_db


def _requested(w):
    return services.checkup_request(actor=w.owner, specialty="hazchem", topics="储罐区")


def test_enterprise_requests_and_a_second_open_request_is_refused(w, login):
    client = login(w.owner)
    r = client.post("/assistance/checkups/new/", {"specialty": "hazchem", "topics": "储罐区联锁"})
    c = Checkup.objects.get()
    assert r["Location"] == f"/assistance/checkups/{c.pk}/"
    assert (c.origin, c.state, c.enterprise) == ("request", "requested", w.enterprise)
    r = client.post("/assistance/checkups/new/", {"specialty": "hazchem"})
    assert "尚未完成的安全体检" in r.content.decode()
    assert Checkup.objects.count() == 1


def test_bureau_schedules_for_an_enterprise_in_its_jurisdiction_only(w):
    from bureau.kernel.errors import NotFound

    c = services.checkup_request(actor=w.inspector, enterprise=w.enterprise, specialty="fire", topics="")
    assert c.origin == "scheduled"
    with pytest.raises(NotFound):
        services.checkup_request(actor=w.other_inspector, enterprise=w.enterprise, specialty="fire", topics="x")


def test_assigning_an_expert_with_a_conflict_is_refused(w, login):
    c = _requested(w)
    clean, conflicted = expert("高专家"), expert("林专家", conflicts=(w.enterprise,))
    client = login(w.inspector)
    r = client.post(f"/assistance/checkups/{c.pk}/assign/", {"experts": [clean.pk, conflicted.pk],
                                                             "planned_on": today().isoformat()})
    assert r.status_code == 400 and "林专家与该企业存在利害关系" in r.content.decode()  # the form comes back
    c.refresh_from_db()
    assert c.state == "requested" and not CheckupAssignment.objects.exists()
    client.post(f"/assistance/checkups/{c.pk}/assign/", {"experts": [clean.pk], "planned_on": today().isoformat()})
    c.refresh_from_db()
    assert c.state == "assigned" and list(c.assignments.values_list("expert", flat=True)) == [clean.pk]


def test_unavailable_expert_is_refused(w):
    from bureau.kernel.errors import DomainError

    c = _requested(w)
    busy = expert("忙专家", unavailable_until=today() + dt.timedelta(days=30))
    with pytest.raises(DomainError, match="不可指派"):
        services.checkup_assign(actor=w.inspector, checkup=c, experts=[busy], planned_on=today())


def test_enterprise_cannot_assign(w, login):
    c = _requested(w)
    e = expert()
    r = login(w.owner).post(f"/assistance/checkups/{c.pk}/assign/", {"experts": [e.pk],
                                                                     "planned_on": today().isoformat()}, follow=True)
    assert "无权执行「指派专家」" in messages_of(r)  # the declared action's roles (the officers) answer


def test_expert_findings_become_hazards_and_cost_is_recorded(w, login):
    c = _requested(w)
    e = expert("高专家")
    services.checkup_assign(actor=w.inspector, checkup=c, experts=[e], planned_on=today())
    client = login(e.user)
    assert client.get("/assistance/checkups/").context["page"].rows == [c]
    page = client.get(f"/assistance/checkups/{c.pk}/")
    assert page.status_code == 200 and "assistance/checkup_expert.html" in [t.name for t in page.templates]
    client.post(f"/assistance/checkups/{c.pk}/findings/", {"title": "报警器未校验", "grade": "general",
                                                           "deadline": (today() + dt.timedelta(days=9)).isoformat()})
    r = client.post(f"/assistance/checkups/{c.pk}/findings/", {"title": "联锁旁路", "grade": "major"})
    assert r.status_code == 400 and "判定依据" in r.content.decode()  # the form comes back with the reason
    assert 'value="联锁旁路"' in r.content.decode()  # … and with what was typed
    client.post(f"/assistance/checkups/{c.pk}/findings/", {"title": "联锁旁路", "grade": "major",
                                                           "major_criterion": "化工重大隐患判定标准 第9条"})
    client.post(f"/assistance/checkups/{c.pk}/submit/", {"summary": "发现问题 2 项"})
    c.refresh_from_db()
    assert c.state == "submitted"
    hazards = Hazard.objects.filter(enterprise=w.enterprise, source="checkup").order_by("id")
    assert [(h.title, h.grade, h.source_id) for h in hazards] == [("报警器未校验", "general", str(c.pk)),
                                                                  ("联锁旁路", "major", str(c.pk))]
    assert c.documents().filter(kind="checkup_report").exists()
    r = client.post(f"/assistance/checkups/{c.pk}/findings/", {"title": "迟到的问题", "grade": "general"}, follow=True)
    assert "不能执行「记录发现的问题」" in messages_of(r)  # the declared action record_finding: only while assigned
    login(w.inspector).post(f"/assistance/checkups/{c.pk}/settle/", {f"days_{e.pk}": "2"})  # per expert
    c.refresh_from_db()
    assert c.state == "settled" and c.cost == Decimal("3000.00")  # 2 days × 1,500 元 (rule)


def test_an_expert_not_assigned_sees_nothing(w, login):
    c = _requested(w)
    assigned, other = expert("甲"), expert("乙")
    services.checkup_assign(actor=w.inspector, checkup=c, experts=[assigned], planned_on=today())
    client = login(other.user)
    assert client.get(f"/assistance/checkups/{c.pk}/").status_code == 404
    assert client.post(f"/assistance/checkups/{c.pk}/findings/", {"title": "x", "grade": "general"}).status_code == 404


def test_settle_refuses_nonsense_days(w):
    from bureau.kernel.errors import DomainError

    c = _requested(w)
    e = expert()
    services.checkup_assign(actor=w.inspector, checkup=c, experts=[e], planned_on=today())
    services.checkup_submit(actor=e.user, checkup=c, summary="无问题")
    with pytest.raises(DomainError, match="0—30"):
        services.checkup_settle(actor=w.inspector, checkup=c, expert_days=0)


def test_checkup_list_query_budget(w, login, django_assert_max_num_queries):
    _requested(w)
    client = login(w.inspector)
    with django_assert_max_num_queries(12):
        r = client.get("/assistance/checkups/")
    assert len(r.context["page"].rows) == 1


def test_expert_api_records_findings_only_on_assigned_checkups(w, login):
    c = _requested(w)
    assigned, other = expert("甲"), expert("乙")
    services.checkup_assign(actor=w.inspector, checkup=c, experts=[assigned], planned_on=today())
    client = login(assigned.user)
    assert [x["id"] for x in client.get("/api/v1/assistance/checkups").json()] == [c.pk]
    r = client.post(f"/api/v1/assistance/checkups/{c.pk}/findings", {"title": "梯子无防滑"},
                    content_type="application/json")
    assert r.status_code == 201
    r = login(other.user).post(f"/api/v1/assistance/checkups/{c.pk}/findings", {"title": "x"},
                               content_type="application/json")
    assert r.status_code == 404


def test_officer_schedules_a_checkup_by_credit_code(w, login):
    data = {"enterprise": w.enterprise.uscc, "specialty": "fire", "topics": "消防"}
    assert "不在您的管辖范围内" in login(w.other_inspector).post("/assistance/checkups/new/", data).content.decode()
    r = login(w.inspector).post("/assistance/checkups/new/", data)
    c = Checkup.objects.get()
    assert r.status_code == 302 and (c.origin, c.enterprise) == ("scheduled", w.enterprise)


def test_the_checkup_page_offers_exactly_the_declared_actions_of_the_user(w, login):
    """Rule: the checkup page's forms are the actions of the checkup workflow the user may take now (measure III.1):
    the officers assign and settle, only an expert assigned to this checkup records findings (`record_finding`,
    guarded by the assignment) and submits; a system administrator, who sees the whole city but takes none of
    these actions, gets no assignment form (the page used to offer it on a role test)."""
    from bureau.assistance.workflow import checkup_workflow
    from tests.factories import city_bureau, make_user

    c = _requested(w)
    admin = make_user(roles=["sysadmin"], organisation=city_bureau())
    assert "assign_form" not in login(admin).get(f"/assistance/checkups/{c.pk}/").context
    assert "assign_form" in login(w.inspector).get(f"/assistance/checkups/{c.pk}/").context
    assigned, bystander = expert("高专家"), expert("林专家")
    services.checkup_assign(actor=w.inspector, checkup=c, experts=[assigned], planned_on=today())
    assert {t.action for t in checkup_workflow.available(c, assigned.user)} == {"record_finding", "submit"}
    assert checkup_workflow.available(c, bystander.user) == []
    page = login(assigned.user).get(f"/assistance/checkups/{c.pk}/").context
    assert "finding_form" in page and "submit_form" in page
