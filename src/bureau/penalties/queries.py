"""Scoped reads of penalty cases and the benchmark."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from bureau.penalties.models import BenchmarkRow, Case


def case_list(user: Any, params: Mapping[str, Any]) -> QuerySet[Case]:
    qs = Case.objects.visible_to(user).select_related("enterprise", "region", "lead_officer")
    state = (params.get("state") or "").strip()
    if state:
        qs = qs.filter(state=state)
    q = (params.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(enterprise__name__icontains=q) | Q(title__icontains=q))
    region = (params.get("region") or "").strip()
    if region:
        qs = qs.filter(region_id=region)
    if params.get("exempt") == "1":
        qs = qs.exclude(exemption="")
    if params.get("overdue") == "1":
        qs = qs.filter(decision_due__lt=timezone.localdate()).exclude(state__in=("decided", "served", "closed"))
    return qs.order_by("-filed_on", "-id")


def get_case_for(user: Any, pk: int) -> Case:
    case = (Case.objects.visible_to(user)
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


def violation_choices(on: dt.date) -> list[tuple[str, str]]:
    """Violation codes in force on `on`, for the proposal form (fine rows or statutory rows)."""
    rows = (BenchmarkRow.objects.in_force(on).exclude(tier="exempt").values_list("violation_code", "violation")
            .distinct().order_by("violation_code"))
    return [(code, f"{code} {text}") for code, text in rows]


def first_offence_choices(on: dt.date) -> list[tuple[str, str]]:
    rows = BenchmarkRow.objects.in_force(on).values_list("violation_code", "violation").distinct()
    return sorted({(c, f"{c} {t}") for c, t in rows})
