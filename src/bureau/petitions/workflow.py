"""The petition loop as one table (domain §7: 受理 → 派单 → 办理 → 答复 → 督办 → 办结 → 回访 → 评价)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from bureau.accounts.roles import (
    CLERK,
    ENTERPRISE,
    INDIVIDUAL,
    INSPECTOR,
    LEADER,
    LICENSING_OFFICER,
    SECTION_HEAD,
    SYSADMIN,
)
from bureau.kernel.workflow import SYSTEM, T, Workflow
from bureau.petitions.rules import within_return_window as open_window

HANDLERS = {INSPECTOR, LICENSING_OFFICER, SECTION_HEAD, LEADER, CLERK}
DISPATCHERS = {CLERK, SECTION_HEAD, LEADER, SYSADMIN, SYSTEM}
SUPERVISORS = {LEADER, SECTION_HEAD, SYSTEM}
RATERS = {SYSTEM, CLERK, ENTERPRISE, INDIVIDUAL}

OPEN_STATES = ("received", "dispatched", "returned", "handling", "supervised", "reopened")


def assigned_to_actor(petition: Any, actor: Any) -> str | None:
    """派给本单位的诉求（或本局分管负责人）"""
    # domain §7: the unit the ticket is dispatched to handles it; a leader of that unit's bureau may act for it
    if actor is None:
        return None
    org = getattr(actor, "organisation", None)
    assigned = petition.assigned_org
    if org is None or assigned is None:
        return "该诉求未派给您所在的单位"
    if org.pk == assigned.pk or (LEADER in actor.role_codes and org.bureau.pk == assigned.bureau.pk):
        return None
    return "该诉求未派给您所在的单位"


def within_return_window(petition: Any, actor: Any) -> str | None:
    """派单后规定工作日内方可退回"""
    # domain §7: a wrongly dispatched ticket is returned within the window (rule petitions.return_window_working_days)
    if open_window(timezone.localdate(), petition.return_until):
        return None
    until = f"（截至 {petition.return_until:%Y-%m-%d}）" if petition.return_until else ""
    return f"已超过退回时限{until}，请签收办理"

PETITION = Workflow(
    name="petition",
    model="petitions.Petition",
    states={
        "received": "已受理",
        "dispatched": "已派单",
        "returned": "已退回",
        "handling": "办理中",
        "supervised": "督办中",
        "reopened": "重新办理",
        "replied": "已答复",
        "closed": "已办结",
        "visited": "已回访",
        "rated": "已评价",
        "merged": "已合并",
    },
    transitions=[
        T("dispatch", "派单", ("received", "returned"), "dispatched", DISPATCHERS),
        T("return", "退回（非本单位职责）", "dispatched", "returned", HANDLERS,
          guards=(assigned_to_actor, within_return_window)),
        T("accept", "签收办理", "dispatched", "handling", HANDLERS, assigned_to_actor),
        T("supervise", "督办", ("dispatched", "handling", "reopened"), "supervised", SUPERVISORS),
        T("reply", "答复", ("handling", "supervised", "reopened"), "replied", HANDLERS, assigned_to_actor),
        T("send_back", "退回重办", "replied", "handling", {CLERK, SECTION_HEAD, LEADER}),
        T("close", "办结", "replied", "closed", {CLERK, SECTION_HEAD, LEADER, SYSTEM}),
        T("visit", "回访", "closed", "visited", {CLERK, SECTION_HEAD, LEADER}),
        T("rate", "评价", ("closed", "visited"), "rated", RATERS),
        T("reopen", "不满意，重新办理", "rated", "reopened", {SYSTEM, CLERK, SECTION_HEAD, LEADER}),
        T("merge", "合并重复诉求", ("received", "dispatched", "returned", "handling"), "merged",
          {CLERK, SECTION_HEAD, LEADER}),
    ],
)
