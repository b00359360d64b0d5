"""The application workflow as one declared table (行政许可法 第32、42、45条; measures I.1–I.7)."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.conf import settings
from django.utils import timezone

from bureau.accounts.roles import CLERK, ENTERPRISE, LEADER, LICENSING_OFFICER, SECTION_HEAD
from bureau.kernel.workflow import SYSTEM, T, Workflow

OFFICERS = {LICENSING_OFFICER, CLERK}
DECIDERS = {LEADER, SECTION_HEAD}
STAFF = frozenset(OFFICERS | DECIDERS)


def _instant_only(app: Any, actor: Any) -> str | None:
    if app.fast_track != "instant":
        return "只有无需现场核查和专家评审的即办件可以当场办结"
    return None


def _site_pending(app: Any, actor: Any) -> str | None:
    if not app.site_required:
        return "本件无需现场核查" + (f"（{app.fast_track_reason}）" if app.fast_track_reason else "")
    if app.site_done_on:
        return "现场核查已完成"
    return None


def _expert_needed(app: Any, actor: Any) -> str | None:
    if not app.expert_required:
        return "本事项无需专家评审"
    if app.expert_result:
        return "专家评审已完成"
    return None


def _no_extension_yet(app: Any, actor: Any) -> str | None:
    if app.extension_days:
        return "已延长过期限，不能再次延期（行政许可法第42条）"
    return None


def own_level(app: Any, actor: Any) -> str | None:
    """办理人员属于该事项的审批层级（市级事项由市局办理，县级事项由企业所在县级应急管理局办理）"""
    # 行政许可法 第22条: a licence is handled by the authority that holds the power (the item's level, data per item)
    if actor is None or getattr(actor, "is_superuser", False):
        return None  # scheduled jobs (逾期视为受理) and the platform's superuser
    org = actor.organisation
    if app.level == "city":
        if org is None or org.region_id != settings.CITY_REGION_CODE:
            return "该事项由市局办理，您无权办理"
    elif org is None or org.region_id != app.region_id:
        return "该事项由所在县级应急管理局办理，您无权办理"
    return None


def _site_done(app: Any, actor: Any) -> str | None:
    """现场核查已完成（事项需要时）"""
    # 行政许可法 第34条第3款: where the substance of the materials must be verified, two officers verify on site
    return "尚未完成现场核查" if app.site_required and not app.site_done_on else None


def _expert_done(app: Any, actor: Any) -> str | None:
    """专家评审已完成（事项需要时）"""
    # 行政许可法 第45条: an expert review the law requires comes before the decision (its time is not counted)
    return "尚未完成专家评审" if app.expert_required and not app.expert_result else None


def _opinions_complete(app: Any, actor: Any) -> str | None:
    """并联审查意见已齐全"""
    # measure I.5 (并联审批): the proposal waits for every party's opinion
    pending = [o.organisation.name for o in app.opinions.filter(given_at__isnull=True).select_related("organisation")]
    return "并联审查意见尚未齐全：" + "、".join(pending) if pending else None


def _commitment_signed(app: Any, actor: Any) -> str | None:
    """容缺受理或审查发现问题的，企业已签署承诺书"""
    # measure I.3 (容缺许可): the tolerated acceptance, and a problem accepted in review, bind the enterprise to its
    # signed commitment before the licence may be proposed
    if app.commitments.filter(status="unsigned").exists():
        return "容缺受理或审查发现问题的申请须企业先签署容缺承诺书"
    return None


def _review_problem_found(app: Any, actor: Any) -> str | None:
    """现场核查或专家评审已完成（在其中发现问题），尚无整改承诺"""
    # measure I.3: 审查中发现问题，采取整改和整改承诺相结合的方式 — the problem comes from the site check or the
    # expert review, and one commitment per application covers it
    if not (app.site_done_on or app.expert_result or app.joint_inspection_id):
        return "现场核查或专家评审完成后，才能就发现的问题接受整改承诺"
    if app.commitments.filter(origin="review").exists():
        return "已就审查发现的问题接受整改承诺"
    return None


def _joint_visit(app: Any, actor: Any) -> str | None:
    """本件的现场核查与竣工验收合并为联合检查"""
    # measure I.6: completion-acceptance supervision and the first-licence site check are one joint visit
    return None if app.fast_track == "joint_completion" else "本件不适用联合检查"


def _joint_not_opened(app: Any, actor: Any) -> str | None:
    """尚未安排联合检查"""
    return "已安排联合检查" if app.joint_inspection_id else None


def _joint_record_signed(app: Any, actor: Any) -> str | None:
    """联合检查已结束且检查记录已由检查组签名"""
    # 安全生产法 第66条: the inspection record is signed by the officers; measure I.6: its record is the site result
    inspection = app.joint_inspection
    if inspection is None:
        return "尚未安排联合检查"
    if inspection.state not in {"rectifying", "closed"}:
        return "联合检查尚未结束"
    if not inspection.signatures.filter(capacity="officer").exists():
        return "联合检查记录尚未由检查人员签名"
    return None


def _free_text_site_check(app: Any, actor: Any) -> str | None:
    """非联合检查的现场核查"""
    # measure I.6: where the visit is joint, its inspection record (not a note) is the site result
    return "本件为联合检查，核查结论以联合检查记录为准" if app.fast_track == "joint_completion" else None


def is_filing(app: Any, actor: Any) -> str | None:
    """专项评价备案事项"""
    # measure I.7: gas-station partial renovation without a grade change: 专项评价 instead of project review
    return None if app.item.outcome == "filing" else "本事项作出许可决定，不办理备案"


def _not_filing(app: Any, actor: Any) -> str | None:
    """作出许可决定的事项（非备案）"""
    # measure I.7: a special-evaluation filing ends in 备案, never in a project-review approval
    return "本件为专项评价备案，不作许可决定，请办理备案" if app.item.outcome == "filing" else None


def _officer(*transitions: Any) -> list[Any]:
    """Every officer's transition carries the level rule first (own_level), then its own preconditions."""
    return [dataclasses.replace(t, guards=(own_level, *t.guards)) if t.roles & STAFF else t for t in transitions]


WORKFLOW = Workflow(
    name="licensing.application",
    model="licensing.Application",
    states={
        "submitted": "待受理",
        "correction": "待补正",
        "rejected": "不予受理",
        "review": "审查中",
        "expert_review": "专家评审（暂停计时）",
        "extension_requested": "延期待批",
        "pending_decision": "待决定",
        "granted": "准予许可",
        "refused": "不予许可",
        "filed": "已备案",
        "withdrawn": "已撤回",
    },
    transitions=_officer(
        T("accept", "受理", "submitted", "review", OFFICERS),
        T("accept_tolerated", "容缺受理", "submitted", "review", OFFICERS),
        T("reject", "不予受理", "submitted", "rejected", OFFICERS),
        T("request_correction", "一次性告知补正", "submitted", "correction", OFFICERS),
        T("deem_accept", "逾期视为受理", "submitted", "review", {SYSTEM}),
        T("decide_instant", "即办件当场办结", "submitted", "granted", OFFICERS, _instant_only),
        T("resubmit", "补正后重新提交", "correction", "submitted", {ENTERPRISE}),
        T("site_verify", "现场核查", "review", "review", OFFICERS, guards=(_site_pending, _free_text_site_check)),
        T("joint_check", "安排联合检查", "review", "review", OFFICERS, guards=(_joint_visit, _site_pending,
                                                                         _joint_not_opened)),
        T("joint_conclude", "采用联合检查记录作为核查结论", "review", "review", OFFICERS,
          guards=(_joint_visit, _site_pending, _joint_record_signed)),
        T("tolerate_findings", "审查发现问题，接受整改承诺（容缺）", "review", "review", OFFICERS,
          guards=(_review_problem_found,)),
        T("file", "予以备案", "review", "filed", OFFICERS,
          guards=(is_filing, _site_done, _expert_done, _commitment_signed)),
        T("decline_filing", "不予备案", "review", "refused", OFFICERS, is_filing),
        T("expert_start", "启动专家评审（暂停计时）", "review", "expert_review", OFFICERS, _expert_needed),
        T("expert_finish", "专家评审结束（恢复计时）", "expert_review", "review", OFFICERS),
        T("request_extension", "申请延长期限", "review", "extension_requested", OFFICERS, _no_extension_yet),
        T("approve_extension", "批准延期", "extension_requested", "review", DECIDERS),
        T("deny_extension", "不批准延期", "extension_requested", "review", DECIDERS),
        T("propose", "提出审查意见", "review", "pending_decision", OFFICERS,
          guards=(_not_filing, _site_done, _expert_done, _opinions_complete, _commitment_signed)),
        T("return", "退回审查", "pending_decision", "review", DECIDERS),
        T("grant", "准予许可", "pending_decision", "granted", DECIDERS),
        T("refuse", "不予许可", "pending_decision", "refused", DECIDERS),
        T("withdraw", "撤回申请", ("submitted", "correction", "review"), "withdrawn", {ENTERPRISE}),
    ),
)


# ---------------------------------------------------------------- 容缺承诺 (measure I.3)

def _tolerated_left(commitment: Any) -> int:
    if commitment.origin == "review":
        return 0  # a review commitment is about rectification, not about materials
    return int(commitment.application.materials.filter(status="tolerated").count())


def _materials_outstanding(commitment: Any, actor: Any) -> str | None:
    """尚有容缺材料待补交"""
    if not _tolerated_left(commitment):
        return "容缺材料已全部补交"
    return None


def _materials_supplied(commitment: Any, actor: Any) -> str | None:
    """容缺材料已全部补交"""
    # measure I.3: a commitment is kept when every tolerated secondary material is in
    left = _tolerated_left(commitment)
    if left:
        return f"尚有 {left} 项容缺材料未补交，承诺尚未履行"
    return None


def _deadline_passed(commitment: Any, actor: Any) -> str | None:
    """承诺补交期限已过"""
    # the day the sweep runs for (`as_of`), otherwise today
    day = getattr(commitment, "as_of", None) or timezone.localdate()
    if commitment.deadline is None or commitment.deadline >= day:
        return "承诺补交期限未过"
    return None


def _deadline_running(commitment: Any, actor: Any) -> str | None:
    """承诺期限未过"""
    return "承诺期限已过" if _deadline_passed(commitment, actor) is None else None


def _verifier_level(commitment: Any, actor: Any) -> str | None:
    """核验人员属于该事项的审批层级"""
    # 行政许可法 第22条 / measure I.3: the authority that granted first verifies that the commitment was kept
    return own_level(commitment.application, actor)


COMMITMENT = Workflow(
    name="licensing.commitment",
    model="licensing.Commitment",
    state_field="status",
    states={"unsigned": "待签署", "signed": "履行中", "reported": "待核验", "fulfilled": "已履行（已核验）",
            "overdue": "逾期未履行（已督办）"},
    transitions=[
        T("sign", "签署容缺承诺书", "unsigned", "signed", {ENTERPRISE}),
        T("supplement", "补交容缺材料", "signed", "signed", {ENTERPRISE}, _materials_outstanding),
        T("supplement", "补交容缺材料", "overdue", "overdue", {ENTERPRISE}, _materials_outstanding),
        # measure I.3: the enterprise reports; fulfilment is the officer's verification, not the upload
        T("fulfil", "报告承诺已履行，提请核验", ("signed", "overdue"), "reported", {ENTERPRISE}, _materials_supplied),
        T("verify", "核验通过，承诺已履行", "reported", "fulfilled", STAFF, _verifier_level),
        T("send_back", "核验未通过，退回整改", "reported", "signed", STAFF, guards=(_verifier_level, _deadline_running)),
        T("send_back", "核验未通过，退回整改", "reported", "overdue", STAFF, guards=(_verifier_level, _deadline_passed)),
        T("escalate", "容缺承诺逾期未履行，已督办", "signed", "overdue", {SYSTEM}, _deadline_passed),
    ],
)
