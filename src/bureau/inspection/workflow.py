"""States and transitions of annual plans, inspections and the service (送达) of enforcement documents (one declared
table each)."""

from __future__ import annotations

from typing import Any

from bureau.accounts.roles import ENTERPRISE, INSPECTOR, LEADER, SECTION_HEAD
from bureau.kernel.workflow import T, Workflow

PLANNERS = {INSPECTOR, SECTION_HEAD, LEADER}

plan_workflow = Workflow(
    name="inspection.plan",
    model="inspection.AnnualPlan",
    states={"draft": "编制中", "submitted": "待审批", "approved": "已批准并公开"},
    transitions=[
        T("submit", "提交审批", "draft", "submitted", PLANNERS),
        T("approve", "批准并公开", "submitted", "approved", {LEADER}),  # measure II.3: 编制报批
        T("reject", "退回修改", "submitted", "draft", {LEADER}),
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
        T("approve", "批准检查", "pending_approval", "assigned", {LEADER}),  # measure II.4: 无事不扰
        T("refuse", "不予批准", "pending_approval", "cancelled", {LEADER}),
        T("check_in", "扫码入企", "assigned", "on_site", {INSPECTOR}),
        T("finish", "结束检查（责令整改）", "on_site", "rectifying", {INSPECTOR}),
        T("finish_clean", "结束检查（未发现问题）", "on_site", "closed", {INSPECTOR}),
        T("recheck_pass", "复查合格", "rectifying", "closed", {INSPECTOR}),
        T("recheck_fail", "复查不合格", "rectifying", "rectifying", {INSPECTOR}),
        T("cancel", "取消检查", ("assigned", "pending_approval"), "cancelled", {SECTION_HEAD, LEADER, "system"}),
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
