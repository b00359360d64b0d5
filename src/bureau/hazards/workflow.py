"""The hazard loop (domain §5): 排查 → 登记 → 评估/定级 → 整改 → 验收/复查 → 销号, and listed supervision
(挂牌督办, measure III.6): listed → recheck requested → removed (or back to listed when verification fails)."""

from __future__ import annotations

from typing import Any

from bureau.accounts.roles import ENTERPRISE, EXPERT, INSPECTOR, LEADER, SECTION_HEAD
from bureau.kernel.workflow import SYSTEM, T, Workflow

STAFF = {INSPECTOR, SECTION_HEAD, LEADER}
BUREAU_DECIDERS = {SECTION_HEAD, LEADER}


def _major_accepted_by_outsider(hazard: Any, actor: Any) -> str | None:
    # 安全生产事故隐患排查治理暂行规定 第18条: a major hazard's rectification is verified by the supervising
    # authority (or experts it engages), not by the enterprise alone.
    if hazard.grade == "major" and actor is not None and not (actor.role_codes & (STAFF | {EXPERT})):
        return "重大隐患须由监管部门或专家验收，企业不能自行验收"
    return None


def _not_under_listing(hazard: Any, actor: Any) -> str | None:
    from bureau.hazards.models import ListedSupervision

    if ListedSupervision.objects.filter(hazard_id=hazard.pk).exclude(state="removed").exists():
        return "该隐患正在挂牌督办，须通过督办核查销号办理"
    return None


hazard_workflow = Workflow(
    name="hazards",
    model="hazards.Hazard",
    states={
        "reported": "已登记",
        "rectifying": "整改中",
        "awaiting_acceptance": "待验收",
        "accepted": "已验收",
        "closed": "已销号",
    },
    transitions=[
        T("plan", "制定整改方案", "reported", "rectifying", {ENTERPRISE, *STAFF}),
        T("request_acceptance", "申请验收/复查", "rectifying", "awaiting_acceptance", {ENTERPRISE, *STAFF}),
        T("reject_acceptance", "验收不通过", "awaiting_acceptance", "rectifying", {ENTERPRISE, *STAFF, EXPERT}),
        T("accept", "验收通过", "awaiting_acceptance", "accepted", {ENTERPRISE, *STAFF, EXPERT},
          guard=_major_accepted_by_outsider),
        T("close", "销号", "accepted", "closed", {ENTERPRISE, *STAFF, SYSTEM}, guard=_not_under_listing),
    ],
)

listing_workflow = Workflow(
    name="listings",
    model="hazards.ListedSupervision",
    states={
        "listed": "督办中",
        "recheck_requested": "待核查销号",
        "removed": "已销号",
    },
    transitions=[
        T("request_recheck", "申请核查销号", "listed", "recheck_requested", {ENTERPRISE, *STAFF}),
        T("verify_fail", "核查未通过", "recheck_requested", "listed", BUREAU_DECIDERS | {INSPECTOR}),
        T("remove", "核查通过、销号", "recheck_requested", "removed", BUREAU_DECIDERS),
    ],
)
