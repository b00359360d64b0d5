"""The penalty procedure (行政处罚法 2021, 第五章; 应急管理部令第18号): 立案 → 调查取证 → 审理 → 告知
(陈述申辩 / 听证) → 决定 → 送达 → 执行 → 结案. Exempt cases (措施二第8条, 行政处罚法第33条) leave 审理 with a
no-penalty decision instead of a notice."""

from __future__ import annotations

from typing import Any

from bureau.accounts.roles import ENTERPRISE, INSPECTOR, LEADER, LEGAL_REVIEWER, SECTION_HEAD
from bureau.kernel.workflow import T, Workflow
from bureau.penalties import rules
from bureau.penalties.facts import (
    discussion_of,
    evidence_problem,
    latest_legal_review,
    legal_review_reasons,
    legal_reviewer_problem,
)

REVIEWERS = {SECTION_HEAD, LEADER}
STAFF = {INSPECTOR, SECTION_HEAD, LEADER}


def holds_enforcement_id(case: Any, actor: Any) -> str | None:
    """承办人员持有执法证"""
    # 行政处罚法 第42条: 行政处罚应当由具有行政执法资格的执法人员实施
    if actor is None or (getattr(actor, "enforcement_id", "") or "").strip():
        return None
    return "执法人员须为持有执法证的执法人员"


def _has_proposal(case: Any, actor: Any) -> str | None:
    if not case.exemption and case.proposed_amount is None:
        return "请先提出裁量建议（违法行为、情节和拟罚款金额）或免罚意见"
    return evidence_problem(case)


def _is_penalty(case: Any, actor: Any) -> str | None:
    return "本案拟不予处罚，应作出不予行政处罚决定" if case.exemption else None


def _is_exempt(case: Any, actor: Any) -> str | None:
    if case.state == "deciding":  # after the notice only the leaders' collective discussion can decide no penalty
        discussion = discussion_of(case)
        if discussion is not None and discussion.conclusion == "no_penalty":
            return None
        return "集体讨论未决定不予处罚，不能作出不予行政处罚决定"
    return None if case.exemption else "本案未认定免罚情形，不能作出不予行政处罚决定"


def _hearing_held(case: Any, actor: Any) -> str | None:
    # 行政处罚法 第64条第（二）项: the hearing takes place at the time notified to the party
    from django.utils import timezone

    if case.hearing_at is None:
        return "尚未安排听证：须先发出听证通知书（行政处罚法第六十四条）"
    held_on = timezone.localtime(case.hearing_at).date()
    if timezone.localdate() < held_on:
        return f"听证定于{held_on:%Y-%m-%d}举行，听证举行前不能记录听证情况"
    return None


def _needs_execution(case: Any, actor: Any) -> str | None:
    return "不予处罚案件无需记录执行情况，可直接结案" if case.exemption else None


def _executed_or_exempt(case: Any, actor: Any) -> str | None:
    # 行政处罚法 第66、72条: a fine is executed (缴纳、分期/延期缴纳、申请人民法院强制执行) before the case closes;
    # a no-penalty decision has nothing to execute
    if case.state == "served" and not case.exemption:
        return "罚款案件须先记录执行情况"
    return None


def _voucher_open(case: Any, actor: Any) -> str | None:
    """罚款案件，且没有待核对的缴款凭证"""
    # 行政处罚法 第67条: the party pays at the bank or electronically and shows its payment to the authority
    if case.exemption or not case.decided_amount:
        return "本案没有需要缴纳的罚款"
    return rules.VOUCHER_PENDING_REFUSAL if case.voucher_at else None


def _voucher_pending(case: Any, actor: Any) -> str | None:
    """当事人已上传缴款凭证，尚未核对"""
    return None if case.voucher_at else "当事人尚未上传缴款凭证"


def _hearing_open(case: Any, actor: Any) -> str | None:
    from django.utils import timezone

    if not case.hearing_right:
        return "本案不属于听证范围（罚款未达听证标准，且未责令停产停业）"
    if case.hearing_due and timezone.localdate() > case.hearing_due:
        return f"听证申请期限已于{case.hearing_due:%Y-%m-%d}届满"
    return None


def _answered_or_due(case: Any, actor: Any) -> str | None:
    from django.utils import timezone

    if case.statement_at or case.statement_waived:
        return None
    if case.answer_due and timezone.localdate() <= case.answer_due:
        return f"陈述申辩期限（{case.answer_due:%Y-%m-%d}）未届满，当事人尚未提出意见"
    return None


def _statement_reviewed(case: Any, actor: Any) -> str | None:
    """当事人的陈述申辩已复核（或未提出）"""
    # 行政处罚法 第45条第1款: 对当事人提出的事实、理由和证据，应当进行复核
    return rules.STATEMENT_REVIEW_REFUSAL if case.statement_review_pending else None


def _statement_to_review(case: Any, actor: Any) -> str | None:
    """当事人已提出陈述申辩且尚未复核"""
    # 行政处罚法 第45条第1款
    if not (case.statement or "").strip():
        return "当事人未提出陈述申辩，无需复核"
    return "已复核当事人的陈述申辩" if case.statement_review else None


def _legal_reviewed(case: Any, actor: Any) -> str | None:
    """须法制审核的案件已经法制审核同意"""
    # 行政处罚法 第58条第1款: 未经法制审核或者审核未通过的，不得作出决定
    reasons = legal_review_reasons(case)
    if not reasons:
        return None
    review = latest_legal_review(case)
    if review is None:
        return f"本案须经法制审核（{'；'.join(reasons)}），未经法制审核不得作出决定（行政处罚法第五十八条）"
    if not review.passed:
        return (f"法制审核意见为「{review.get_opinion_display()}」，案件修改后须重新经法制审核通过，方可作出决定"
                "（行政处罚法第五十八条）")
    return None


def _legal_review_open(case: Any, actor: Any) -> str | None:
    """陈述申辩已复核，尚无法制审核同意意见"""
    # 行政处罚法 第58条: the review examines the proposal as it stands after the party's statement (第45条)
    if case.statement_review_pending:
        return rules.STATEMENT_REVIEW_REFUSAL
    review = latest_legal_review(case)
    if review is not None and review.passed:
        return f"本案已于{review.reviewed_on:%Y-%m-%d}经法制审核（同意）"
    return None


def _eligible_reviewer(case: Any, actor: Any) -> str | None:
    """审核人员为本机关法制审核人员，未参与本案调查，初次审核者具有法律职业资格"""
    # 行政处罚法 第58条第2款: 初次从事行政处罚决定法制审核的人员，应当通过国家统一法律职业资格考试取得法律职业资格
    return legal_reviewer_problem(case, actor)


def _acknowledged_electronically(case: Any, actor: Any) -> str | None:
    """当事人已在平台签收处理决定书（电子送达）"""
    # 行政处罚法 第61条第2款: electronic service, with the party's signed 电子送达确认书 (checked when it acknowledges)
    from django.contrib.contenttypes.models import ContentType

    from bureau.inspection.models import DocumentService
    from bureau.penalties.models import Case

    done = DocumentService.objects.filter(
        document__content_type=ContentType.objects.get_for_model(Case), document__object_id=case.pk,
        document__kind__in=Case.DECISION_KINDS, state="acknowledged").exists()
    return None if done else "当事人尚未在平台签收处理决定书"


case_workflow = Workflow(
    name="penalties",
    model="penalties.Case",
    states={
        "investigating": "调查取证",
        "reviewing": "审理",
        "notified": "已告知（陈述申辩期）",
        "hearing": "听证",
        "deciding": "待决定",
        "decided": "已决定",
        "served": "已送达（执行中）",
        "executed": "已执行",
        "closed": "已结案",
    },
    transitions=[
        T("submit_review", "提交审理", "investigating", "reviewing", {INSPECTOR}, _has_proposal),
        T("return", "退回补充调查", "reviewing", "investigating", REVIEWERS),
        T("notify", "审理通过并告知", "reviewing", "notified", REVIEWERS, _is_penalty),
        T("request_hearing", "申请听证", "notified", "hearing", {ENTERPRISE, INSPECTOR}, _hearing_open),
        T("record_hearing", "记录听证情况", "hearing", "deciding", {INSPECTOR}, _hearing_held),
        T("submit_decision", "呈批处理决定", "notified", "deciding", {INSPECTOR}, _answered_or_due,
          guards=(_statement_reviewed,)),
        # 行政处罚法 第58条: the 法制审核 of the cases its first paragraph lists, by a 法制审核人员 (第2款); 建议修改 or
        # 不同意 returns the case to its officers for correction
        T("legal_return", "法制审核退回修改", "deciding", "investigating", {LEGAL_REVIEWER},
          guards=(_legal_review_open, _eligible_reviewer)),
        T("decide", "作出处罚决定", "deciding", "decided", {LEADER}, guards=(_statement_reviewed, _legal_reviewed)),
        T("decide_no_penalty", "作出不予处罚决定", ("reviewing", "deciding"), "decided", {LEADER}, _is_exempt),
        T("serve", "送达", "decided", "served", {INSPECTOR}),
        T("acknowledge_service", "当事人签收决定书（电子送达）", "decided", "served", {ENTERPRISE},
          _acknowledged_electronically),
        T("execute", "记录执行情况", "served", "executed", {INSPECTOR}, _needs_execution),
        T("close", "结案", ("served", "executed"), "closed", REVIEWERS, _executed_or_exempt),
        # steps that add to the case file without changing its state: each has its own form on the case page
        # (STEPS), is checked with check_transition and written to the timeline and the audit trail by its service
        T("evidence", "制作调查取证笔录", "investigating", "investigating", {INSPECTOR}, holds_enforcement_id),
        T("propose", "提出裁量建议或免罚意见", "investigating", "investigating", {INSPECTOR}, holds_enforcement_id),
        T("statement", "陈述申辩", "notified", "notified", {ENTERPRISE, INSPECTOR}),  # 行政处罚法 第45条
        # 行政处罚法 第45条第1款: the authority reviews the statement (采纳 / 部分采纳 / 不采纳, with reasons)
        *(T("review_statement", "复核陈述申辩", state, state, STAFF, _statement_to_review)
          for state in ("notified", "hearing", "deciding")),
        T("legal_review", "法制审核", "deciding", "deciding", {LEGAL_REVIEWER},
          guards=(_legal_review_open, _eligible_reviewer)),  # 行政处罚法 第58条
        # 第57条第2款: the leaders' collective discussion decides (集体讨论决定), so the 法制审核 that 第58条 requires
        # 「在行政机关负责人作出行政处罚的决定之前」 comes first
        T("discuss", "记录集体讨论（科室负责人或分管负责人）", "deciding", "deciding", REVIEWERS,
          guards=(_legal_reviewed,)),
        T("schedule_hearing", "安排听证", "hearing", "hearing", STAFF),  # 行政处罚法 第64条
        T("remind", "发出履行催告书", "served", "served", STAFF),  # 行政强制法 第35、54条
        T("reminder_statement", "对催告书陈述申辩", "served", "served", {ENTERPRISE, INSPECTOR}),  # 行政强制法 第36条
        T("reminder_review", "复核催告陈述申辩", "served", "served", STAFF),  # 行政强制法 第36条
        # 行政处罚法 第67条: the party pays the fine at the bank or electronically (缴款码) and uploads its 缴款凭证; the
        # officer checks it and records the execution (execute) or returns it with the reason
        T("submit_voucher", "上传缴款凭证", "served", "served", {ENTERPRISE}, _voucher_open),
        T("return_voucher", "退回缴款凭证", "served", "served", {INSPECTOR}, _voucher_pending),
    ],
)

# the declared steps with their own form on the case page (not a button of the 办理 card)
STEPS = frozenset({"evidence", "propose", "statement", "discuss", "schedule_hearing", "remind", "reminder_statement",
                   "reminder_review", "review_statement", "legal_review", "legal_return", "submit_voucher",
                   "return_voucher"})

OPEN_STATES = ("investigating", "reviewing", "notified", "hearing", "deciding", "decided", "served", "executed")
