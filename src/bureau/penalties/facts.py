"""Facts of a penalty case read with the rules in force on its dates: the collective-discussion threshold and
reasons, the evidence check, the court-application window and the leaders' discussion. The workflow's guards, the
services, the documents and the pages share them (this module sits below all four, so none imports another to
reach them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from bureau.accounts.roles import INSPECTOR
from bureau.kernel.rules import rule
from bureau.penalties import rules
from bureau.penalties.models import Case, CollectiveDiscussion, LegalReview, PaymentAccount


def collective_threshold(target: str, on: dt.date) -> int:
    key = ("penalties.collective_threshold.unit" if target != rules.TARGET_PERSON
           else "penalties.collective_threshold.person")
    return int(rule(key, on))


def major_reasons(case: Case, amount: int | None = None) -> list[str]:
    """Why the case needs the leaders' collective discussion before the decision (行政处罚法 第57条第2款)."""
    if case.exemption:
        return []
    amount = amount if amount is not None else (case.decided_amount if case.decided_amount is not None
                                                else case.proposed_amount)
    return rules.major_case_reasons(amount=amount, threshold=collective_threshold(case.target, case.filed_on),
                                    other_measures=case.other_measures, hearing_held=bool(case.hearing_record),
                                    complex_flag=case.complex_case)


def legal_review_threshold(target: str, on: dt.date) -> int:
    key = ("penalties.legal_review_threshold.unit" if target != rules.TARGET_PERSON
           else "penalties.legal_review_threshold.person")
    return int(rule(key, on))


def legal_review_reasons(case: Case, amount: int | None = None) -> list[str]:
    """Why the decision needs 法制审核 first (行政处罚法 第58条第1款), read with the rules in force on the filing date;
    empty for an exemption proposed at 审理 (措施二第8条 / 第33条, not a penalty decision)."""
    if case.exemption and case.exemption != "collective":
        return []
    amount = amount if amount is not None else (case.decided_amount if case.decided_amount else case.proposed_amount)
    return rules.legal_review_reasons(
        amount=amount, threshold=legal_review_threshold(case.target, case.filed_on),
        measures=tuple(rule("penalties.legal_review.measures", case.filed_on)), other_measures=case.other_measures,
        hearing_held=bool(case.hearing_record), complex_flag=case.complex_case, major=major_reasons(case, amount))


def latest_legal_review(case: Case) -> LegalReview | None:
    """The case's last 法制审核 record, read afresh: it stands while the case has not been returned since."""
    return LegalReview.objects.filter(case_id=case.pk).select_related("reviewer").order_by("-id").first()


def legal_reviewer_problem(case: Case, actor: Any) -> str | None:
    """Why `actor` cannot review this case (行政处罚法 第58条第2款; not an investigator of the case; the deciding
    authority's own staff), or None."""
    if actor is None:
        return "法制审核须由法制审核人员进行"
    organisation = getattr(actor, "organisation", None)
    investigators = {case.lead_officer_id, case.second_officer_id,
                     *case.evidence.values_list("officers", flat=True)}
    return rules.legal_reviewer_problem(
        investigator=actor.pk in investigators,
        same_authority=organisation is not None and organisation.bureau.pk == case.organisation_id,
        qualification=actor.legal_qualification or "",
        reviewed_before=LegalReview.objects.filter(reviewer_id=actor.pk).exists())


def evidence_problem(case: Case) -> str | None:
    """At least two officers holding enforcement IDs on every evidence-taking record (行政处罚法 第42条)."""
    records = list(case.evidence.prefetch_related("officers"))
    if not records:
        return "尚无调查取证笔录"
    minimum = int(rule("penalties.min_officers"))
    for record in records:
        holders = [u for u in record.officers.all() if (u.enforcement_id or "").strip()]
        if len(holders) < minimum:
            return f"{record.get_kind_display()}（{record.recorded_on}）持证执法人员少于{minimum}人"
    return None


def court_window(case: Case) -> tuple[dt.date, dt.date] | None:
    """The application window of 申请人民法院强制执行: after the litigation period from service
    (`penalties.litigation_months`, 行政诉讼法 第46条), within `penalties.enforcement_application_months` (行政强制法
    第53条)."""
    if not case.served_on:
        return None
    return rules.court_window(served_on=case.served_on,
                              litigation_months=int(rule("penalties.litigation_months", case.served_on)),
                              application_months=int(rule("penalties.enforcement_application_months", case.served_on)))


def discussion_of(case: Case) -> CollectiveDiscussion | None:
    """The leaders' collective discussion of the case (行政处罚法 第57条第2款), read afresh."""
    return CollectiveDiscussion.objects.filter(case_id=case.pk).first()


def officer_problem(user: Any, label: str) -> str | None:
    """Why a person named on the case (the filing officer, the second officer) cannot act as its officer: an
    inspector holding an enforcement ID (行政处罚法 第42条: 执法人员不得少于两人，应当具有行政执法资格)."""
    if user is None or not user.has_role(INSPECTOR) or not (user.enforcement_id or "").strip():
        return f"{label}须为持有执法证的执法人员"
    return None


def payment_account_for(case: Case, on: dt.date | None = None) -> PaymentAccount | None:
    """The payment details in force for the deciding authority (data per organisation, admin-edited; 行政处罚法
    第67条: the party pays at the designated bank or electronically, never to the authority)."""
    on = on or timezone.localdate()
    return (PaymentAccount.objects.filter(organisation_id=case.organisation_id, effective_from__lte=on)
            .exclude(effective_until__lt=on).order_by("-effective_from", "-id").first())
