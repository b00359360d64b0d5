"""Processes of proactive service: expert checkups (III.1), chemical-park remediation items (III.3), first-use
process demonstrations (III.4), observation sign-ups (III.5) and course enrolments (III.7).

Guards are preconditions on facts, `(record, actor) -> Chinese refusal or None`; the first line of each docstring
names the precondition in the authority matrix."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from bureau.accounts.roles import DEPARTMENT, ENTERPRISE, EXPERT, INSPECTOR, LEADER, SECTION_HEAD
from bureau.assistance.models import STAFF
from bureau.kernel.workflow import T, Workflow

__all__ = ["STAFF", "checkup_workflow", "enrolment_workflow", "first_use_workflow", "observation_workflow",
           "park_item_workflow"]


def assigned_expert(checkup: Any, actor: Any) -> str | None:
    """本次体检指派的专家"""
    # measure III.1: the experts the bureau assigned (after the conflict-of-interest check) do the checkup
    if actor is None or not checkup.assignments.filter(expert__user=actor).exists():
        return "只有指派给本次体检的专家可以办理"
    return None


checkup_workflow = Workflow(
    name="checkups",
    model="assistance.Checkup",
    states={"requested": "待指派专家", "assigned": "已指派专家", "submitted": "已提交体检报告",
            "settled": "已结算（政府买单）", "cancelled": "已取消"},
    transitions=[
        T("assign", "指派专家", "requested", "assigned", STAFF),
        # the bureau chooses the team leader among the assigned experts (the leader holds the checkup's specialty)
        T("choose_leader", "确定组长", "assigned", "assigned", STAFF),
        # the findings recorded on site (photos included) before the result is submitted: the state stays
        T("record_finding", "记录发现的问题", "assigned", "assigned", {EXPERT}, assigned_expert),
        T("submit", "提交体检结果", "assigned", "submitted", {EXPERT}, assigned_expert),
        T("settle", "登记费用、办结", "submitted", "settled", STAFF),
        T("cancel", "取消", ("requested", "assigned"), "cancelled", {*STAFF, ENTERPRISE}),
    ],
)

first_use_workflow = Workflow(
    name="first_use",
    model="assistance.FirstUseProcess",
    states={"draft": "企业填报", "submitted": "已提交市局", "forwarded": "已报送省厅", "passed": "论证通过",
            "failed": "论证未通过"},
    transitions=[
        T("submit", "提交市局", "draft", "submitted", {ENTERPRISE}),
        T("forward", "报送省厅", "submitted", "forwarded", {SECTION_HEAD, LEADER}),
        T("return", "退回补充", "submitted", "draft", {SECTION_HEAD, LEADER, INSPECTOR}),
        T("pass", "论证通过", "forwarded", "passed", {DEPARTMENT, SECTION_HEAD, LEADER}),
        T("fail", "论证未通过", "forwarded", "failed", {DEPARTMENT, SECTION_HEAD, LEADER}),
    ],
)

# -- chemical-park remediation items (III.3) -------------------------------------------------------------------
# A progress report below 100 % keeps the item in progress, 100 % completes it; a completed item takes no more
# reports. The report's own facts (percent not below the last one, date not in the future) are checked by
# services.park_progress_add before the transition.

park_item_workflow = Workflow(
    name="park_items",
    model="assistance.ParkRemediationItem",
    state_field="status",
    states={"open": "未开始", "in_progress": "推进中", "done": "已完成"},
    transitions=[
        T("progress", "填报进展", ("open", "in_progress"), "in_progress", STAFF),
        T("complete", "填报完成", ("open", "in_progress"), "done", STAFF),
    ],
)


# -- observation visits (III.5) --------------------------------------------------------------------------------


def visit_held(signup: Any, actor: Any) -> str | None:
    """观摩已举行（出勤在观摩之日起登记）"""
    # measure III.5: who took part is a fact of the visit, known on the visit day at the earliest
    visit_on = signup.batch.visit_on
    if timezone.localdate() < visit_on:
        return f"观摩定于 {visit_on:%Y-%m-%d} 举行，观摩前不能登记出勤"
    return None


observation_workflow = Workflow(
    name="observation_signups",
    model="assistance.ObservationSignup",
    state_field="status",
    states={"signed_up": "已报名", "attended": "已参加", "absent": "缺席"},
    transitions=[
        T("attend", "登记参加", ("signed_up", "absent"), "attended", STAFF, visit_held),
        T("absent", "登记缺席", ("signed_up", "attended"), "absent", STAFF, visit_held),
    ],
)


# -- work-injury prevention courses (III.7) --------------------------------------------------------------------


def course_started(enrolment: Any, actor: Any) -> str | None:
    """培训班已开班（出勤在开班之日起登记）"""
    # measure III.7: attendance is a fact of the course, known on its first day at the earliest
    starts_on = enrolment.course.starts_on
    if timezone.localdate() < starts_on:
        return f"培训班于 {starts_on:%Y-%m-%d} 开班，开班前不能登记出勤"
    return None


def course_ended(enrolment: Any, actor: Any) -> str | None:
    """培训班已结业（结业证明在结业之日起出具）"""
    # measure III.7: the certificate states that the trainee completed the course, so not before its last day
    ends_on = enrolment.course.ends_on
    if timezone.localdate() < ends_on:
        return f"培训班于 {ends_on:%Y-%m-%d} 结业，结业前不能出具结业证明"
    return None


enrolment_workflow = Workflow(
    name="course_enrolments",
    model="assistance.Enrolment",
    state_field="status",
    states={"enrolled": "已报名", "attended": "已出勤", "absent": "缺勤", "certified": "已出具结业证明"},
    transitions=[
        T("attend", "登记出勤", ("enrolled", "absent"), "attended", STAFF, course_started),
        T("absent", "登记缺勤", ("enrolled", "attended"), "absent", STAFF, course_started),
        # only an attended trainee is certified (the state), and only once the course is over (the guard)
        T("certify", "出具结业证明", "attended", "certified", STAFF, course_ended),
    ],
)
