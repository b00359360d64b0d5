"""Scoped reads of dual prevention for views, exports, the API and other areas."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from bureau.accounts.models import User
from bureau.hazards.models import OPEN_STATES, Hazard, HazardSource, ListedSupervision, RiskPoint
from bureau.hazards.workflow import hazard_workflow
from bureau.kernel.validation import id_param


def self_inspection_hazards(enterprise_id: int, *, reported_before: dt.datetime) -> QuerySet[Hazard]:
    """Hazards the enterprise recorded itself before a moment (measure II.8: the exemption needs a
    self-inspection record made before the inspection, with rectification under way)."""
    return Hazard.objects.filter(enterprise_id=enterprise_id, source=HazardSource.SELF_INSPECTION,
                                 reported_at__lt=reported_before)


def hazard_list(user: User, params: Any, today: dt.date | None = None) -> QuerySet[Hazard]:
    today = today or dt.date.today()
    qs = Hazard.objects.restrict(user).select_related("enterprise", "region")
    q = (params.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(title__contains=q) | Q(number=q) | Q(enterprise__name__contains=q))
    for key in ("state", "grade", "source"):
        if params.get(key):
            qs = qs.filter(**{key: params[key]})
    if params.get("region"):
        qs = qs.filter(region_id=params["region"])
    enterprise = id_param(params, "enterprise", "企业")
    if enterprise:
        qs = qs.filter(enterprise_id=enterprise)
    if params.get("overdue") == "1":
        qs = qs.filter(state__in=OPEN_STATES, deadline__lt=today).order_by("deadline", "id")
        return qs
    return qs.order_by("-reported_at", "-id")


def overdue_hazards(user: User, today: dt.date | None = None) -> QuerySet[Hazard]:
    """The overdue scan: open hazards past their rectification deadline, oldest deadline first."""
    today = today or dt.date.today()
    return (Hazard.objects.restrict(user).filter(state__in=OPEN_STATES, deadline__lt=today)
            .select_related("enterprise", "region").order_by("deadline", "id"))


def get_hazard_for(user: User, pk: int) -> Hazard:
    hazard = Hazard.objects.restrict(user).select_related("enterprise", "region", "risk_point", "checklist_item").filter(
        pk=pk).first()
    if hazard is None:
        raise Http404("隐患不存在")
    return hazard


def risk_points(user: User, params: Any) -> QuerySet[RiskPoint]:
    qs = RiskPoint.objects.restrict(user).select_related("enterprise", "region")
    enterprise = id_param(params, "enterprise", "企业")
    if enterprise:
        qs = qs.filter(enterprise_id=enterprise)
    if params.get("level"):
        qs = qs.filter(level=params["level"])
    if params.get("region"):
        qs = qs.filter(region_id=params["region"])
    return qs.order_by("enterprise_id", "-score", "id")


def get_risk_point_for(user: User, pk: int) -> RiskPoint:
    point = RiskPoint.objects.restrict(user).select_related("enterprise").filter(pk=pk).first()
    if point is None:
        raise Http404("风险点不存在")
    return point


def risk_distribution(user: User, enterprise_id: int | None = None) -> dict[str, int]:
    """The four-colour overview: how many risk points of each colour."""
    qs = RiskPoint.objects.restrict(user)
    if enterprise_id:
        qs = qs.filter(enterprise_id=enterprise_id)
    counts = {"red": 0, "orange": 0, "yellow": 0, "blue": 0}
    for row in qs.values("level").annotate(n=Count("id")).order_by():
        counts[row["level"]] = row["n"]
    return counts


def jurisdiction_overview(user: User, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Per region: hazards by grade and state, overdue, and risk points by colour. Two grouped queries (indexed),
    never one query per region."""
    from bureau.kernel.models import Region

    today = today or dt.date.today()
    hazards = (Hazard.objects.restrict(user).values("region_id").order_by().annotate(
        total=Count("id"),
        open=Count("id", filter=Q(state__in=OPEN_STATES)),
        major_open=Count("id", filter=Q(grade="major") & ~Q(state="closed")),
        awaiting=Count("id", filter=Q(state="awaiting_acceptance")),
        closed=Count("id", filter=Q(state="closed")),
        overdue=Count("id", filter=Q(state__in=OPEN_STATES, deadline__lt=today)),
    ))
    risks = (RiskPoint.objects.restrict(user).values("region_id", "level").order_by().annotate(n=Count("id")))
    rows: dict[str, dict[str, Any]] = {}
    names = dict(Region.objects.values_list("code", "name"))

    def row(code: str) -> dict[str, Any]:
        return rows.setdefault(code, {"region": code, "name": names.get(code, code), "total": 0, "open": 0,
                                      "major_open": 0, "awaiting": 0, "closed": 0, "overdue": 0, "red": 0,
                                      "orange": 0, "yellow": 0, "blue": 0})

    for h in hazards:
        row(h["region_id"]).update({k: v for k, v in h.items() if k != "region_id"})
    for r in risks:
        row(r["region_id"])[r["level"]] = r["n"]
    return sorted(rows.values(), key=lambda r: r["region"])


def listing_list(user: User, params: Any) -> QuerySet[ListedSupervision]:
    qs = ListedSupervision.objects.restrict(user).select_related("hazard", "enterprise", "region")
    if params.get("state"):
        qs = qs.filter(state=params["state"])
    return qs.order_by("-listed_on", "-id")


def get_listing_for(user: User, pk: int) -> ListedSupervision:
    listing = (ListedSupervision.objects.restrict(user)
               .select_related("hazard", "enterprise", "region", "listed_by_org").filter(pk=pk).first())
    if listing is None:
        raise Http404("督办事项不存在")
    return listing


def hazards_found_by(record: Any) -> list[Hazard]:
    """The hazards another area's record opened (an inspection's findings), oldest first, each with its
    `state_label` for display."""
    rows = list(Hazard.objects.filter(source_type=f"{record._meta.app_label}.{record._meta.model_name}",
                                      source_id=str(record.pk)).order_by("id"))
    for hazard in rows:
        hazard.state_label = hazard_workflow.state_label(hazard.state)
    return rows

