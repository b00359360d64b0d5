"""Processes of proactive service: expert checkups (III.1), chemical-park remediation items (III.3), first-use
process demonstrations (III.4), observation sign-ups (III.5) and course enrolments (III.7).

Guards are preconditions on facts, `(record, actor) -> Chinese refusal or None`; the first line of each docstring
names the precondition in the authority matrix."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from bureau.accounts.roles import DEPARTMENT, ENTERPRISE, EXPERT, INSPECTOR, LEADER, PARK_COMMITTEE, SECTION_HEAD
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

def materials_complete(item: Any, actor: Any) -> str | None:
    """论证材料齐全（论证报告、中试数据、反应安全风险评估报告）"""
    # measure III.4 with 国内首次使用化工工艺安全可靠性论证: the demonstration rests on these three materials
    have = set(item.attachments().values_list("purpose", flat=True))
    missing = [label for purpose, label in item.MATERIALS.items() if purpose not in have]
    if missing:
        return f"请先上传{'、'.join(missing)}"
    return None


def panel_formed(item: Any, actor: Any) -> str | None:
    """已组成论证专家组（含组长）"""
    # the province concludes on the opinion of an expert panel (国内首次使用化工工艺安全可靠性论证)
    if not item.panel.filter(is_leader=True).exists():
        return "请先组成论证专家组并确定组长"
    return None


first_use_workflow = Workflow(
    name="first_use",
    model="assistance.FirstUseProcess",
    states={"draft": "企业填报", "submitted": "已提交市局", "forwarded": "已报送省厅", "passed": "论证通过",
            "failed": "论证未通过"},
    transitions=[
        T("submit", "提交市局", "draft", "submitted", {ENTERPRISE}, materials_complete),
        T("forward", "报送省厅", "submitted", "forwarded", {SECTION_HEAD, LEADER}),
        T("return", "退回补充", "submitted", "draft", {SECTION_HEAD, LEADER, INSPECTOR}),
        # the panel is formed (or changed) while the request is with the province, before the conclusion
        T("panel", "组成论证专家组", "forwarded", "forwarded", {DEPARTMENT, SECTION_HEAD, LEADER}),
        T("pass", "论证通过", "forwarded", "passed", {DEPARTMENT, SECTION_HEAD, LEADER}, panel_formed),
        T("fail", "论证未通过", "forwarded", "failed", {DEPARTMENT, SECTION_HEAD, LEADER}, panel_formed),
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
        # the park's management committee reports its own park's items (visibility: PARK_COMMITTEE_GRANT)
        T("progress", "填报进展", ("open", "in_progress"), "in_progress", {*STAFF, PARK_COMMITTEE}),
        T("complete", "填报完成", ("open", "in_progress"), "done", {*STAFF, PARK_COMMITTEE}),
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
    """培训班最后一次课已结束（结业证明在最后一次课之日起出具）"""
    # measure III.7: the certificate states that the trainee completed the course, so not before its last session
    # (or its last day when no sessions are planned)
    course = enrolment.course
    last = course.sessions.order_by("-on").values_list("on", flat=True).first() or course.ends_on
    last = max(last, course.ends_on)
    if timezone.localdate() < last:
        return f"培训班最后一次课在 {last:%Y-%m-%d}，结业前不能出具结业证明"
    return None


def all_sessions_attended(enrolment: Any, actor: Any) -> str | None:
    """学员出勤全部课次、学时达到课程学时"""
    # measure III.7: 「完成全部课程」 is what the certificate states
    sessions = list(enrolment.course.sessions.all())
    if not sessions:
        return None  # a course without planned sessions: its attendance is the single record (登记出勤)
    rows = {a.session_id: a for a in enrolment.attendance.all()}
    missed = [s for s in sessions if not (rows.get(s.pk) and rows[s.pk].present)]
    if missed:
        return f"学员有 {len(missed)} 次课未出勤，未完成全部课程"
    hours = sum(a.hours for a in rows.values() if a.present)
    if hours < enrolment.course.hours:
        return f"出勤 {hours} 学时，未达到课程的 {enrolment.course.hours} 学时"
    return None


enrolment_workflow = Workflow(
    name="course_enrolments",
    model="assistance.Enrolment",
    state_field="status",
    states={"enrolled": "已报名", "attended": "已出勤", "absent": "缺勤", "certified": "已出具结业证明"},
    transitions=[
        # the co-organising human-resources bureau records attendance too (visibility: its own courses)
        T("attend", "登记出勤", ("enrolled", "absent", "attended"), "attended", {*STAFF, DEPARTMENT}, course_started),
        T("absent", "登记缺勤", ("enrolled", "attended", "absent"), "absent", {*STAFF, DEPARTMENT}, course_started),
        # only an attended trainee is certified (the state), once the last session is over, all sessions attended
        T("certify", "出具结业证明", "attended", "certified", {*STAFF, DEPARTMENT},
          guards=(course_ended, all_sessions_attended)),
    ],
)
