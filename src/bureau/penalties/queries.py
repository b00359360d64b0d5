"""Scoped reads of penalty cases and the benchmark."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from bureau.kernel.documents import chinese_numeral
from bureau.penalties import publicity, rules
from bureau.penalties.models import BenchmarkRow, Case, DecisionPublication

LIST_DEFER = ("reasoning", "facts", "exemption_basis", "statement", "hearing_record", "review_opinion",
              "deviation_reason", "execution_note", "late_reason", "enterprise__legal_rep_id_number",
              "enterprise__contact_phone", "enterprise__business_scope")


def case_list(user: Any, params: Mapping[str, Any]) -> QuerySet[Case]:
    """Scoped list; long texts and the encrypted personal columns of the party are not loaded (no decryption per
    row)."""
    qs = Case.objects.restrict(user).select_related("enterprise", "region").defer(*LIST_DEFER)
    state = (params.get("state") or "").strip()
    if state:
        qs = qs.filter(state=state)
    q = (params.get("q") or "").strip()[:60]
    if q:
        # a case-number prefix (unique index) or an enterprise name (the register is small): never a scan of cases
        from bureau.enterprises.models import Enterprise

        firms = Enterprise.objects.filter(name__icontains=q).values("id")[:500]
        qs = qs.filter(Q(number__startswith=q) | Q(enterprise_id__in=firms))
    region = (params.get("region") or "").strip()
    if region:
        qs = qs.filter(region_id=region)
    if params.get("exempt") == "1":
        qs = qs.exclude(exemption="")
    if params.get("overdue") == "1":
        qs = qs.filter(decision_due__lt=timezone.localdate(),
                       state__in=("investigating", "reviewing", "notified", "hearing", "deciding"))
    return qs.order_by("-filed_on", "-id")


def get_case_for(user: Any, pk: int) -> Case:
    case = (Case.objects.restrict(user)
            .select_related("enterprise", "region", "organisation", "lead_officer", "second_officer", "hazard",
                            "exempt_hazard", "benchmark_row")
            .filter(pk=pk).first())
    if case is None:
        raise Http404("案件不存在")
    return case


def benchmark_list(on: dt.date | None, params: Mapping[str, Any]) -> QuerySet[BenchmarkRow]:
    qs = BenchmarkRow.objects.all()
    if on:
        qs = qs.in_force(on)
    q = (params.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(violation_code__icontains=q) | Q(violation__icontains=q))
    return qs.order_by("violation_code", "stage", "target", "tier", "line")


chinese_number = chinese_numeral  # 97 → 九十七 (kernel.documents: one implementation for pages and documents)


def provision_variants(text: str) -> list[str]:
    """The ways a provision is written: half- or full-width brackets, arabic or Chinese numbers (「97条」 finds
    「第九十七条」, 「第(七)项」 finds 「第（七）项」)."""
    text = text.strip()[:100]
    if not text:
        return []
    variants = {text}
    if any(ch.isdigit() for ch in text):
        variants.add(re.sub(r"\d{1,3}", lambda m: chinese_number(int(m.group())) if int(m.group()) else m.group(),
                            text))
    for v in list(variants):
        variants.add(v.replace("(", "（").replace(")", "）"))
        variants.add(v.replace("（", "(").replace("）", ")"))
    return sorted(variants)


@dataclass
class Violation:
    """A violation in force on a date with all its rows (阶次, statutory range, 首违不罚 entry)."""

    code: str
    violation: str
    legal_provision: str
    penalty_provision: str
    quantity_unit: str
    facts: list[str]
    rows: list[BenchmarkRow]


VIOLATION_CAP = 100


def violations(on: dt.date, *, provision: str = "", q: str = "", limit: int = 50,
               codes: list[str] | None = None) -> list[Violation]:
    """The violations in force on `on` whose penalty provision (`provision`) and text or code (`q`) match, at most
    `limit` (≤ VIOLATION_CAP), each with its rows in force: two queries (the codes, then their rows)."""
    rows = BenchmarkRow.objects.in_force(on)
    match = Q()
    for variant in provision_variants(provision):
        match |= Q(penalty_provision__icontains=variant)
    if provision.strip():
        rows = rows.filter(match)
    q = q.strip()[:100]
    if q:
        rows = rows.filter(Q(violation__icontains=q) | Q(violation_code__istartswith=q))
    if codes is not None:
        rows = rows.filter(violation_code__in=codes)
    found = list(rows.order_by("violation_code").values_list("violation_code", flat=True).distinct()
                 [:min(limit, VIOLATION_CAP)])
    grouped: dict[str, list[BenchmarkRow]] = {code: [] for code in found}
    for row in (BenchmarkRow.objects.in_force(on).filter(violation_code__in=found)
                .order_by("violation_code", "stage", "target", "tier_rank", "tier", "line")):
        grouped[row.violation_code].append(row)
    result = []
    for code, members in grouped.items():
        if not members:
            continue
        tiered = [r for r in members if r.tier not in (rules.EXEMPT, rules.STATUTORY)]
        main = (tiered or members)[0]
        units = Counter(r.quantity_unit for r in tiered if r.quantity_unit)
        facts = list(dict.fromkeys(f for r in tiered for f in (r.facts or ())))
        result.append(Violation(code=code, violation=main.violation, legal_provision=main.legal_provision,
                                penalty_provision=main.penalty_provision,
                                quantity_unit=units.most_common(1)[0][0] if units else "", facts=facts,
                                rows=members))
    return result


def violation_choices(on: dt.date, *, q: str = "", provision: str = "", keep: str = "") -> list[tuple[str, str]]:
    """Violations in force on `on` for the proposal form's picker (fine rows or statutory rows), narrowed by the
    search; the chosen code `keep` stays among them."""
    found = violations(on, q=q, provision=provision, limit=VIOLATION_CAP)
    if keep and keep not in {v.code for v in found}:
        found = violations(on, codes=[keep], limit=1) + found
    return [(v.code, f"{v.violation}（{v.penalty_provision}）") for v in found
            if any(r.tier != rules.EXEMPT for r in v.rows)]


def violation(on: dt.date, code: str) -> Violation | None:
    found = violations(on, codes=[code.strip()], limit=1) if code.strip() else []
    return found[0] if found else None


def first_offence_choices(on: dt.date) -> list[tuple[str, str]]:
    rows = BenchmarkRow.objects.in_force(on).values_list("violation_code", "violation").distinct()
    return sorted({(c, f"{c} {t}") for c, t in rows})


def violation_catalogue(on: dt.date) -> list[tuple[str, str]]:
    """Every violation of the benchmark in force on `on` (code, label): what a hazard may be recorded as, so that
    the self-inspection exemption (measure II.8) compares the hazard with the case's violation."""
    return first_offence_choices(on)


def shared_decisions(regions: list[str] | None, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Penalty decisions offered to other departments through the data-sharing API (measure III.2).

    Only decided cases, newest first; the token's regions and the request's region narrow them.
    """
    from bureau.penalties.models import Case

    qs = Case.objects.filter(decided_on__isnull=False).select_related("enterprise", "benchmark_row")
    if regions is not None:
        qs = qs.filter(region_id__in=regions)
    if params.get("region"):
        qs = qs.filter(region_id=params["region"])
    if params.get("updated_since"):
        qs = qs.filter(decided_on__gte=params["updated_since"])
    offset = int(params.get("offset") or 0)
    limit = min(int(params.get("limit") or 100), 501)
    rows = []
    for case in qs.order_by("-decided_on", "-id")[offset: offset + limit]:
        penalty = (f"罚款 {case.decided_amount:,} 元" if case.decided_amount else "不予行政处罚") + (
            f"；{case.other_measures}" if case.other_measures else "")
        row = case.benchmark_row
        rows.append({
            "number": case.number, "enterprise_uscc": case.enterprise.uscc, "party_name": case.enterprise.name,
            "region_code": case.region_id, "decided_on": case.decided_on.isoformat() if case.decided_on else "",
            "violation": case.title,
            "penalty": penalty, "basis": getattr(row, "penalty_provision", "") if row else case.exemption_basis,
        })
    return rows



def public_decisions(params: Mapping[str, Any]) -> QuerySet[DecisionPublication]:
    """The decisions shown on the portal (行政执法公示): published ones, and withdrawn ones that had been published
    (the withdrawal and its reason are public, 行政处罚法 第48条第2款); newest publication first. Filters: q (party
    name or number), region, year."""
    qs = DecisionPublication.objects.filter(published_at__isnull=False,
                                            state__in=(publicity.PUBLISHED, publicity.WITHDRAWN))
    q = (params.get("q") or "").strip()[:60]
    if q:
        qs = qs.filter(Q(party_name__contains=q) | Q(number__startswith=q))
    region = (params.get("region") or "").strip()[:12]
    if region:
        qs = qs.filter(region_id=region)
    year = str(params.get("year") or "").strip()
    if year.isdigit() and 2000 <= int(year) <= 2100:  # a year out of range matches nothing (no server error)
        qs = qs.filter(decided_on__year=int(year))
    elif year:
        qs = qs.none()
    return qs.order_by("-published_at", "-id")


def public_decision(pk: int) -> DecisionPublication | None:
    return public_decisions({}).filter(pk=pk).first()
