"""Exam registrations and plans on the process engine (issue 13): results only on or after the exam day, one
timeline, the candidate sees and cancels their own registrations, staff see their jurisdiction's, pages offer
only the allowed actions; training owns its rules (numbers are RuleParameter rows with sources)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from bureau.accounts.authority import matrix
from bureau.accounts.models import User
from bureau.kernel.errors import DomainError, NotFound
from bureau.kernel.models import AuditEntry, RuleParameter
from bureau.kernel.rules import DEFAULT_RULES
from bureau.training import rules, services
from bureau.training.models import ExamPlan, JobType, Registration
from bureau.training.workflow import registration_workflow
from tests.factories import city_bureau, county_bureau, make_user, valid_id_number

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


@pytest.fixture
def clerk(db):
    return make_user("exam_clerk2", roles=["licensing_officer"], organisation=city_bureau())


def _plan(clerk, *, exam_date=TODAY, capacity=5, region="140800"):
    return services.plan_create(actor=clerk, job_type=JobType.objects.get(code="elec_low"), exam_date=exam_date,
                                venue="考试中心", capacity=capacity, registration_closes=TODAY, region_id=region)


def _register(plan, *, actor=None, id_number=None, name="赵强", reviewer=None):
    """A registration that passed 资格初审 (by default the city's exam clerk approves it)."""
    reg = services.registration_create(actor=actor, plan=plan, name=name, id_number=id_number or valid_id_number(),
                                       phone="13812345678", education="junior")
    return services.registration_approve(actor=reviewer or User.objects.get(username="exam_clerk2"), registration=reg)


def _workbook(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["准考证号", "身份证号", "成绩"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_results_are_not_recorded_before_the_exam_date(clerk, login):
    """Rule: an exam result is recorded on or after the exam day, by single entry, by import and over HTTP alike."""
    plan = _plan(clerk, exam_date=TODAY + dt.timedelta(days=5))
    reg = _register(plan)
    with pytest.raises(DomainError, match="考试举行前不能录入成绩"):
        services.result_record(actor=clerk, registration=reg, score="90")
    count, errors = services.results_import(actor=clerk, plan=plan, data=_workbook([[reg.ticket_no, "", 90]]))
    assert count == 0 and "考试举行前不能录入成绩" in errors[0]["message"]
    client = login(clerk)
    page = client.get(f"/training/manage/{plan.pk}/").content.decode()
    assert f"/training/manage/{plan.pk}/result/{reg.pk}" not in page  # no entry form before the exam
    response = client.post(f"/training/manage/{plan.pk}/result/{reg.pk}", {"score": "90"}, follow=True)
    assert "考试举行前不能录入成绩" in response.content.decode()
    assert Registration.objects.get(pk=reg.pk).score is None
    ExamPlan.objects.filter(pk=plan.pk).update(exam_date=TODAY)
    reg = Registration.objects.select_related("plan__job_type").get(pk=reg.pk)
    assert f"/training/manage/{plan.pk}/result/{reg.pk}" in client.get(f"/training/manage/{plan.pk}/").content.decode()
    assert services.result_record(actor=clerk, registration=reg, score="90").passed is True


def test_results_are_not_published_before_the_exam_date(clerk, login):
    """Rule: a plan's results are published (the plan finished) on or after its exam day."""
    plan = _plan(clerk, exam_date=TODAY + dt.timedelta(days=5))
    with pytest.raises(DomainError, match="考试举行前不能发布成绩"):
        services.plan_finish(actor=clerk, plan=plan)
    assert "发布成绩并结束" not in login(clerk).get(f"/training/manage/{plan.pk}/").content.decode()
    ExamPlan.objects.filter(pk=plan.pk).update(exam_date=TODAY)
    plan = ExamPlan.objects.get(pk=plan.pk)
    services.plan_finish(actor=clerk, plan=plan)
    plan = ExamPlan.objects.get(pk=plan.pk)
    assert (plan.status, plan.version) == ("finished", 1)
    assert [h.action for h in plan.history().order_by("id")] == ["create", "finish"]
    outsider = make_user(roles=["licensing_officer"], organisation=county_bureau("140821"))
    other = _plan(clerk)
    with pytest.raises(DomainError, match="不在您的管辖范围内"):
        services.plan_finish(actor=outsider, plan=other)


def test_registration_status_changes_are_declared_actions_on_one_timeline(clerk):
    """Rule: cancelling, promotion from the waiting list and the result are declared actions: each writes the
    timeline and the audit trail and bumps the version (optimistic concurrency)."""
    plan = _plan(clerk, capacity=1)
    first, second = _register(plan), _register(plan)
    assert second.status == "waitlisted"
    services.registration_cancel(actor=clerk, registration=first)
    second = Registration.objects.select_related("plan__job_type").get(pk=second.pk)
    assert (second.status, second.version) == ("registered", 2)
    assert [(h.action, h.actor_name) for h in second.history().order_by("id")] == [
        ("register", "系统"), ("approve_waitlisted", "测试用户"), ("promote", "系统")]
    services.result_record(actor=clerk, registration=second, score="88")
    services.plan_finish(actor=clerk, plan=ExamPlan.objects.get(pk=plan.pk))
    assert [h.action for h in second.history().order_by("id")] == ["register", "approve_waitlisted", "promote",
                                                                   "record_result", "certificate"]
    assert AuditEntry.objects.filter(action="exam_registrations.record_result").count() == 1
    with pytest.raises(DomainError, match="不能重复录入"):
        services.result_record(actor=clerk, registration=Registration.objects.get(pk=second.pk), score="90")
    with pytest.raises(DomainError, match="已录入成绩的报名不能取消"):
        services.registration_cancel(actor=clerk, registration=Registration.objects.get(pk=second.pk))


def test_candidate_sees_own_registrations_and_staff_their_jurisdiction(clerk):
    """Rule (authority of exam_registrations): the candidate sees the registrations made with their account or
    for their ID number; staff see those of plans in their jurisdiction; nobody else sees any."""
    person = make_user(roles=["individual"], id_number=valid_id_number())
    plan = _plan(clerk)
    mine = _register(plan, actor=person, id_number=person.id_number)
    for_me = _register(_plan(clerk), id_number=person.id_number)  # registered at the window for this person
    stranger = _register(plan)
    assert set(Registration.objects.restrict(person)) == {mine, for_me}
    assert set(Registration.objects.restrict(clerk)) == {mine, for_me, stranger}
    county = make_user(roles=["licensing_officer"], organisation=county_bureau("140802"))
    assert not Registration.objects.restrict(county).exists()  # the plans are the city's
    county_plan = services.plan_create(actor=county, job_type=JobType.objects.get(code="weld"), exam_date=TODAY,
                                       venue="盐湖区考点", capacity=5, registration_closes=TODAY, region_id="140802")
    local = _register(county_plan, reviewer=county)
    assert list(Registration.objects.restrict(county)) == [local]
    assert not Registration.objects.restrict(make_user(roles=["individual"], id_number=valid_id_number())).exists()


def test_candidate_cancels_own_registration_but_not_anothers(clerk, login):
    """Rule: the candidate (or exam staff) cancels a registration; another person's registration is not found."""
    person = make_user(roles=["individual"], id_number=valid_id_number())
    other = make_user(roles=["individual"], id_number=valid_id_number())
    reg = _register(_plan(clerk), actor=person, id_number=person.id_number)
    with pytest.raises(NotFound):
        services.registration_cancel(actor=other, registration=reg)
    assert login(other).post(f"/training/registrations/{reg.pk}/cancel").status_code == 404
    assert login(other).get(f"/training/registrations/{reg.pk}/").status_code == 404
    client = login(person)
    page = client.get(f"/training/registrations/{reg.pk}/").content.decode()
    assert "办理过程" in page and "考试报名" in page and f"/training/registrations/{reg.pk}/cancel" in page
    assert f"/training/manage/{reg.plan_id}/result/" not in page  # results are the staff's action
    client.post(f"/training/registrations/{reg.pk}/cancel", {"next": "registration"})
    reg = Registration.objects.get(pk=reg.pk)
    assert reg.status == "cancelled"
    page = client.get(f"/training/registrations/{reg.pk}/").content.decode()
    assert "取消报名" in page and f"/training/registrations/{reg.pk}/cancel" not in page  # done: no button left


def test_training_owns_its_rules(clerk):
    """Rule (issue 13 item 6): the numbers of an exam (full marks, pass mark, make-up exams) are RuleParameter rows
    with sources, declared by training; the rules are training's own functions."""
    for key in ("training.full_marks", "training.pass_mark", "training.makeup_exams"):
        assert DEFAULT_RULES[key].source and RuleParameter.objects.filter(key=key).exists()
    assert rules.exam_passed.__module__ == rules.registration_outcome.__module__ == "bureau.training.rules"
    plan = _plan(clerk)
    reg = _register(plan)
    with pytest.raises(DomainError, match="0—100"):
        services.result_record(actor=clerk, registration=reg, score="120")
    RuleParameter.objects.create(key="training.full_marks", value=150, description="满分 150 分", source="测试",
                                 effective_from=TODAY)
    RuleParameter.objects.create(key="training.pass_mark", value=120, description="合格线", source="测试",
                                 effective_from=TODAY)
    done = services.result_record(actor=clerk, registration=reg, score="119")
    assert (done.score, done.passed) == (119, False)
    assert rules.failed_text(1) == "不合格，可按规定补考 1 次" and "重新参加培训" in rules.failed_text(0)


def test_declared_preconditions_appear_in_the_authority_matrix():
    """Rule: the authority matrix names the preconditions of the exam actions (from the guards' docstrings)."""
    rows = [r for r in matrix() if r.record == "考试报名" and r.decision == "allowed"]
    result = {r.conditions for r in rows if r.action == "record_result"}
    assert result == {"状态为报名成功；考试已举行（成绩在考试之日起录入）；尚未录入成绩"}
    assert {r.role for r in rows if r.action == "cancel"} >= {"individual", "clerk"}
    assert {r.role for r in rows if r.action == "promote"} == {"system"}
    assert registration_workflow.model == "training.Registration"


def test_exam_plans_are_managed_by_the_exam_staff_the_declaration_names(clerk, login):
    """Rule: who manages exam plans is declared once (ExamPlan.authority.change = the exam staff, the roles of the
    plan workflow's `finish`): an inspector of the same bureau neither creates a plan nor sees any to manage, and
    the management page answers 404 to them — the service and the pages ask the declaration."""
    from bureau.kernel.errors import PermissionDenied

    plan = _plan(clerk)
    inspector = make_user(roles=["inspector"], organisation=city_bureau())
    assert not ExamPlan.objects.restrict(inspector, "change").exists()
    assert ExamPlan.objects.restrict(clerk, "change").filter(pk=plan.pk).exists()
    with pytest.raises(PermissionDenied, match="无权维护考试计划"):
        _plan(inspector)
    assert login(inspector).get(f"/training/manage/{plan.pk}/").status_code == 404
