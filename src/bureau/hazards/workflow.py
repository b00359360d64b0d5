"""The hazard loop (domain §5): 排查 → 登记 → 评估/定级 → 整改 → 验收/复查 → 销号, the enterprise's request for a
longer deadline (延期申请: requested → approved / refused), and listed supervision (挂牌督办, measure III.6):
listed → recheck requested → removed (or back to listed when verification fails).

Who verifies follows who found the hazard (its `source`): the enterprise verifies and closes its own
self-inspection hazards (general ones; major ones go to the bureau or experts); a hazard found by the bureau
(inspection, patrol, petition) or by an expert (checkup) is verified and closed by the bureau — a checkup hazard also
by an expert who took part in that checkup — and the enterprise asks for it (request_acceptance)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from bureau.accounts.roles import ENTERPRISE, EXPERT, INSPECTOR, LEADER, SECTION_HEAD
from bureau.hazards.rules import may_list
from bureau.kernel.workflow import SYSTEM, T, Workflow

STAFF = {INSPECTOR, SECTION_HEAD, LEADER}
BUREAU_DECIDERS = {SECTION_HEAD, LEADER}
SELF_INSPECTION = "self_inspection"


def is_bureau(actor: Any) -> bool:
    """A bureau officer (inspector, section head, leader), not an enterprise's account."""
    return actor is not None and not getattr(actor, "enterprise_id", None) and bool(actor.role_codes & STAFF)


def took_part_in_checkup(hazard: Any, actor: Any) -> bool:
    """The actor is an expert assigned to the checkup that found this hazard."""
    from bureau.hazards.models import Hazard, _checkup_expert_q

    if hazard.source != "checkup" or actor is None or EXPERT not in actor.role_codes:
        return False
    return Hazard.objects.filter(pk=hazard.pk).filter(_checkup_expert_q(actor)).exists()


def _finder(hazard: Any) -> str:
    return "专家体检" if hazard.source == "checkup" else hazard.get_source_display()


# ---------------------------------------------------------------------------------------------------------------
# Guards of the hazard loop: (hazard, actor) -> refusal or None; the docstring's first line names the precondition.


def _major_accepted_by_outsider(hazard: Any, actor: Any) -> str | None:
    """重大隐患由监管部门或专家验收"""
    # 安全生产事故隐患排查治理暂行规定 第18条: a major hazard's rectification is verified by the supervising
    # authority (or experts it engages), not by the enterprise alone.
    if hazard.grade == "major" and actor is not None and not (actor.role_codes & (STAFF | {EXPERT})):
        return "重大隐患须由监管部门或专家验收，企业不能自行验收"
    return None


def _verified_by_bureau_or_checkup_expert(hazard: Any, actor: Any) -> str | None:
    """监管部门或专家发现的隐患由监管部门验收（体检隐患也可由参与该次体检的专家验收），企业只能申请验收"""
    # 安全生产法 第65条 and 安全生产违法行为行政处罚办法 (整改复查): a hazard the authority ordered rectified is
    # rechecked by that authority; 安全生产事故隐患排查治理暂行规定 第18条: verification is not the enterprise's own.
    if actor is None or hazard.source == SELF_INSPECTION or is_bureau(actor):
        return None
    if took_part_in_checkup(hazard, actor):
        return None
    who = "监管部门或参与该次体检的专家" if hazard.source == "checkup" else "监管部门"
    return f"该隐患由{_finder(hazard)}发现，须由{who}验收；企业可申请验收，不能自行验收"


def _closed_by_bureau(hazard: Any, actor: Any) -> str | None:
    """监管部门或专家发现的隐患由监管部门销号"""
    # 安全生产事故隐患排查治理暂行规定 第18条; 安全生产法 第65条 (the authority that ordered the rectification)
    if actor is None or hazard.source == SELF_INSPECTION or is_bureau(actor):
        return None
    return f"该隐患由{_finder(hazard)}发现，须由监管部门销号"


def _not_under_listing(hazard: Any, actor: Any) -> str | None:
    """未被挂牌督办（挂牌的隐患随督办核查销号）"""
    from bureau.hazards.models import ListedSupervision

    if ListedSupervision.objects.filter(hazard_id=hazard.pk).exclude(state="removed").exists():
        return "该隐患正在挂牌督办，须通过督办核查销号办理"
    return None


def _deadline_set_by_others(hazard: Any, actor: Any) -> str | None:
    """隐患由监管部门或专家发现（企业自查隐患的整改期限由企业自行确定）"""
    # The enterprise sets the deadline of what it found itself (安全生产事故隐患排查治理暂行规定 第15条: 治理的时限 is
    # part of its own plan); a deadline ordered by the authority or set in an expert checkup is extended only on
    # request (安全生产违法行为行政处罚办法: written request, written answer).
    if hazard.source == SELF_INSPECTION:
        return "企业自查发现的隐患，整改期限由企业在整改方案中自行确定，无需申请延期"
    return None


def _has_deadline(hazard: Any, actor: Any) -> str | None:
    """已确定整改期限"""
    if hazard.deadline is None:
        return "该隐患尚未确定整改期限，无需申请延期"
    return None


def _listing_sets_the_deadline(hazard: Any, actor: Any) -> str | None:
    """未被挂牌督办（挂牌隐患的整改期限以督办通知书为准）"""
    from bureau.hazards.models import ListedSupervision

    if ListedSupervision.objects.filter(hazard_id=hazard.pk).exclude(state="removed").exists():
        return "该隐患正在挂牌督办，整改期限以督办通知书为准，请与督办机关联系"
    return None


def _no_open_extension(hazard: Any, actor: Any) -> str | None:
    """没有待审批的延期申请"""
    from bureau.hazards.models import DeadlineExtension

    if DeadlineExtension.objects.filter(hazard_id=hazard.pk, state="requested").exists():
        return "该隐患已有待审批的延期申请，请等待监管部门答复"
    return None


def _major_hazard(hazard: Any, actor: Any) -> str | None:
    """隐患为重大隐患（一般隐患由企业自行整改）"""
    # 营商环境30条 三.6 (measure III.6): the bureau lists *major* hazards under supervision (hazards.rules.may_list)
    return may_list(hazard.grade)


def _not_listed_yet(hazard: Any, actor: Any) -> str | None:
    """尚未挂牌督办"""
    from bureau.hazards.models import ListedSupervision

    if ListedSupervision.objects.filter(hazard_id=hazard.pk).exists():
        return "该隐患已挂牌督办"
    return None


EXTENSION_REQUEST_GUARDS = (_deadline_set_by_others, _has_deadline, _listing_sets_the_deadline, _no_open_extension)
VERIFY_GUARDS = (_verified_by_bureau_or_checkup_expert,)

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
        # The request leaves the state as it is; the bureau's answer is an action on the request (below).
        T("request_extension", "申请延期", "reported", "reported", {ENTERPRISE}, guards=EXTENSION_REQUEST_GUARDS),
        T("request_extension", "申请延期", "rectifying", "rectifying", {ENTERPRISE},
          guards=EXTENSION_REQUEST_GUARDS),
        T("request_acceptance", "申请验收/复查", "rectifying", "awaiting_acceptance", {ENTERPRISE, *STAFF}),
        T("reject_acceptance", "验收不通过", "awaiting_acceptance", "rectifying", {ENTERPRISE, *STAFF, EXPERT},
          guards=VERIFY_GUARDS),
        T("accept", "验收通过", "awaiting_acceptance", "accepted", {ENTERPRISE, *STAFF, EXPERT},
          guards=(_major_accepted_by_outsider, *VERIFY_GUARDS)),
        T("close", "销号", "accepted", "closed", {ENTERPRISE, *STAFF, SYSTEM},
          guards=(_closed_by_bureau, _not_under_listing)),
        # 挂牌督办 (measure III.6) by the bureau's section head or leader, while the hazard is still open; the
        # hazard's state stays (the listing is its own record, listing_workflow below), its deadline becomes the
        # listing's.
        *(T("list", "挂牌督办", state, state, BUREAU_DECIDERS, guards=(_major_hazard, _not_listed_yet))
          for state in ("reported", "rectifying", "awaiting_acceptance")),
    ],
)


# ---------------------------------------------------------------------------------------------------------------
# The bureau's answer to an extension request: (extension, actor) guards.


def _hazard_still_open(extension: Any, actor: Any) -> str | None:
    """隐患仍在整改（已登记或整改中）"""
    if extension.hazard.state not in ("reported", "rectifying"):
        return "该隐患已申请验收或已办结，延期申请无需准予，请作不予延期处理"
    return None


def _deadline_unchanged(extension: Any, actor: Any) -> str | None:
    """整改期限自申请以来未被改动"""
    if extension.hazard.deadline != extension.current_deadline:
        return "该隐患的整改期限在申请后已有变化，请作不予延期处理并由企业重新申请"
    return None


def _proposed_not_past(extension: Any, actor: Any) -> str | None:
    """申请延期至的日期未过"""
    if extension.proposed_deadline < timezone.localdate():
        return "申请延期至的日期已过，不能准予，请作不予延期处理"
    return None


extension_workflow = Workflow(
    name="hazard_extensions",
    model="hazards.DeadlineExtension",
    states={"requested": "待审批", "approved": "已准予延期", "refused": "不予延期"},
    transitions=[
        # 安全生产违法行为行政处罚办法: the authority answers a written extension request in writing.
        T("approve", "准予延期", "requested", "approved", STAFF,
          guards=(_hazard_still_open, _deadline_unchanged, _proposed_not_past)),
        T("refuse", "不予延期", "requested", "refused", STAFF),
    ],
)


# ---------------------------------------------------------------------------------------------------------------
# Listed supervision


def _hazard_has_plan(listing: Any, actor: Any) -> str | None:
    """隐患已登记整改方案"""
    # 安全生产事故隐患排查治理暂行规定 第15条: a major hazard is treated under a plan (治理方案); its verification
    # (第18条) follows the treatment, so a listing is not rechecked before the hazard has its plan.
    if listing.hazard.state == "reported":
        return "请先在隐患中登记整改方案，再申请核查销号"
    return None


def _progress_reaches_threshold(listing: Any, actor: Any) -> str | None:
    """整改完成进度达到规定比例（规则参数，默认 100%）"""
    # 安全生产事故隐患排查治理暂行规定 第18条: verification follows the end of the treatment (治理工作结束后);
    # local 挂牌督办 practice: the recheck is asked for when the rectification is complete.
    from bureau.kernel.rules import rule

    need = int(rule("hazards.listing_recheck_min_percent"))
    latest = listing.latest_percent()
    if latest is None or latest < need:
        now = "尚未填报完成进度" if latest is None else f"当前 {latest}%"
        return f"整改完成进度达到 {need}% 方可申请核查销号（{now}），请先填报整改进展"
    return None


listing_workflow = Workflow(
    name="listings",
    model="hazards.ListedSupervision",
    states={
        "listed": "督办中",
        "recheck_requested": "待核查销号",
        "removed": "已销号",
    },
    transitions=[
        T("request_recheck", "申请核查销号", "listed", "recheck_requested", {ENTERPRISE, *STAFF},
          guards=(_hazard_has_plan, _progress_reaches_threshold)),
        T("verify_fail", "核查未通过", "recheck_requested", "listed", BUREAU_DECIDERS | {INSPECTOR}),
        T("remove", "核查通过、销号", "recheck_requested", "removed", BUREAU_DECIDERS),
    ],
)
