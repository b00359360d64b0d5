"""States and transitions of annual plans, inspections and the service (送达) of enforcement documents (one declared
table each)."""

from __future__ import annotations

from typing import Any

from bureau.accounts.authority import may
from bureau.accounts.roles import ENTERPRISE, INSPECTOR, LEADER, SECTION_HEAD
from bureau.kernel.workflow import SYSTEM, T, Workflow

PLANNERS = {INSPECTOR, SECTION_HEAD, LEADER}


def _bureau_id(actor: Any) -> int | None:
    """The bureau the officer acts for (a section acts for its bureau), or None."""
    org = getattr(actor, "organisation", None)
    return org.bureau.pk if org is not None and not getattr(actor, "enterprise_id", None) else None


def plan_of_own_bureau(plan: Any, actor: Any) -> str | None:
    """本单位的计划"""
    # measure II.3: each bureau drafts, submits and approves its own annual plan (编制报批)
    if actor is None or _bureau_id(actor) == plan.organisation_id:
        return None
    return "只能提交或审批本单位的计划"


def leader_of_inspecting_bureau(inspection: Any, actor: Any) -> str | None:
    """检查单位的分管负责人"""
    # measure II.4: inspecting a protected enterprise or above the yearly cap needs the approval of the leader in
    # charge of the bureau that inspects (无事不扰)
    if actor is None or _bureau_id(actor) == inspection.organisation_id:
        return None
    return "只能由检查单位的分管负责人批准"


def inspection_of_own_bureau(inspection: Any, actor: Any) -> str | None:
    """本单位的检查"""
    # measure II.4: a bureau cancels only the inspections it arranged (a scheduled job acts for the bureau)
    if actor is None or _bureau_id(actor) == inspection.organisation_id:
        return None
    return "只能取消本单位的检查"


def in_the_team(inspection: Any, actor: Any) -> str | None:
    """本次检查的检查人员"""
    # 行政处罚法 第42条 / 安全生产法 第65条: the inspection is carried out by the officers assigned to it (at least
    # two, with enforcement IDs); another officer does not check in, record, finish or recheck it
    if actor is None or not inspection.officers.filter(pk=actor.pk).exists():
        return "您不是本次检查的检查人员"
    return None

plan_workflow = Workflow(
    name="inspection.plan",
    model="inspection.AnnualPlan",
    states={"draft": "编制中", "submitted": "待审批", "approved": "已批准并公开"},
    transitions=[
        T("submit", "提交审批", "draft", "submitted", PLANNERS, plan_of_own_bureau),
        T("approve", "批准并公开", "submitted", "approved", {LEADER}, plan_of_own_bureau),  # measure II.3: 编制报批
        T("reject", "退回修改", "submitted", "draft", {LEADER}, plan_of_own_bureau),
    ],
)

inspection_workflow = Workflow(
    name="inspection",
    model="inspection.Inspection",
    states={
        "pending_approval": "待分管负责人批准",
        "assigned": "待检查",
        "on_site": "现场检查中",
        "rectifying": "整改中",
        "closed": "已办结",
        "cancelled": "已取消",
    },
    transitions=[
        T("approve", "批准检查", "pending_approval", "assigned", {LEADER}, leader_of_inspecting_bureau),
        T("refuse", "不予批准", "pending_approval", "cancelled", {LEADER}, leader_of_inspecting_bureau),
        T("check_in", "扫码入企", "assigned", "on_site", {INSPECTOR}, in_the_team),
        # recording a checklist item keeps the state: the service checks this step and audits each item (the
        # timeline shows the check-in and the end of the inspection, not every item)
        T("record", "记录检查项", "on_site", "on_site", {INSPECTOR}, in_the_team),
        T("finish", "结束检查（责令整改）", "on_site", "rectifying", {INSPECTOR}, in_the_team),
        T("finish_clean", "结束检查（未发现问题）", "on_site", "closed", {INSPECTOR}, in_the_team),
        T("recheck_pass", "复查合格", "rectifying", "closed", {INSPECTOR}, in_the_team),
        T("recheck_fail", "复查不合格", "rectifying", "rectifying", {INSPECTOR}, in_the_team),
        T("cancel", "取消检查", ("assigned", "pending_approval"), "cancelled", {SECTION_HEAD, LEADER, "system"},
          inspection_of_own_bureau),
    ],
)


def _consented(service: Any, actor: Any) -> str | None:
    """受送达企业已签署电子送达确认书"""
    # 行政处罚法 第61条第2款: electronic service only when the party agreed and signed a confirmation (确认书);
    # 民事诉讼法 第90条: 经受送达人同意
    from bureau.inspection.models import ServiceConsent

    if not ServiceConsent.objects.filter(enterprise_id=service.enterprise_id).exists():
        return "贵单位尚未签署电子送达确认书：请先签署确认书，同意通过本平台接收执法文书，再签收"
    return None


service_workflow = Workflow(
    name="inspection.service",
    model="inspection.DocumentService",
    states={"pending": "待签收", "acknowledged": "已签收（电子送达）", "served_otherwise": "已以其他方式送达"},
    transitions=[
        T("acknowledge", "签收", "pending", "acknowledged", {ENTERPRISE}, _consented),
        T("serve_otherwise", "登记其他方式送达", "pending", "served_otherwise", {INSPECTOR}),
    ],
)


def handled_through_plan(record: Any, actor: Any) -> str | None:
    """维护本局巡查计划的执法人员"""
    # measure II.7: a patrol's lead is handled by the bureau whose patrol plan found it (the record belongs to the
    # plan; its maintainers are the plan's `change` roles in its region). A scheduled job acts for the bureau.
    return None if actor is None else may(actor, record.plan, "change")


# measure II.7: an online patrol's finding is a lead (待处置线索) that becomes a site inspection or a case
lead_workflow = Workflow(
    name="inspection.patrol_lead",
    model="inspection.PatrolRecord",
    state_field="lead_state",
    states={"none": "无问题", "open": "待处置线索", "inspection": "已转现场检查", "case": "已转立案",
            "closed": "已核销"},
    transitions=[
        T("to_inspection", "线索转现场检查", "open", "inspection", PLANNERS, handled_through_plan),
        T("to_case", "线索转立案", "open", "case", {*PLANNERS, SYSTEM}, handled_through_plan),
    ],
)


def of_responsible_bureau(handover: Any, actor: Any) -> str | None:
    """负责监管的单位"""
    # 安全生产法 第62条 (分类分级监督管理) / measure I.6: the level responsible for the enterprise takes over the
    # supervision; another bureau reads the task but does not handle it
    if actor is None or _bureau_id(actor) == handover.organisation_id:
        return None
    return "该任务已移交其他监管单位，您无权办理"


# measures I.3, I.6: the licensing area hands an enterprise over to supervision; the responsible bureau receives it
handover_workflow = Workflow(
    name="inspection.handover",
    model="inspection.SupervisionHandover",
    states={"open": "待接收", "received": "已接收（纳入监管）", "closed": "已办结"},
    transitions=[
        T("receive", "接收任务", "open", "received", PLANNERS, of_responsible_bureau),
        T("close", "办结（登记监管结果）", "received", "closed", PLANNERS, of_responsible_bureau),
    ],
)
