"""Scoped reads of dual prevention for views, exports, the API and other areas."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from bureau.accounts.authority import restrict_key
from bureau.accounts.models import User
from bureau.hazards.models import (
    OPEN_STATES,
    CheckFrequency,
    CheckItem,
    CheckState,
    Hazard,
    HazardSource,
    ListedSupervision,
    RiskPoint,
    RiskPointPlacement,
    ScheduledCheck,
    SitePlan,
)
from bureau.hazards.workflow import hazard_workflow
from bureau.kernel.errors import DomainError
from bureau.kernel.prepared import PreparedRows, PreparedValues
from bureau.kernel.validation import check_day_range, id_param


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


def hazard_list_key(user: User, params: Any, today: dt.date) -> Any:
    """Everything `hazard_list(user, params, today)` puts into its SQL and parameters, as a hashable key (the list
    page's query is compiled once per key, kernel/paging.paginate_compiled); None when the user sees no hazard."""
    scope = restrict_key(Hazard, user)
    if scope is None:
        return None
    filters = tuple(params.get(key) or None for key in ("state", "grade", "source", "region"))
    overdue = params.get("overdue") == "1"
    return ("hazard_list", scope, (params.get("q") or "").strip(), filters, id_param(params, "enterprise", "企业"),
            today if overdue else None)


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
    def build() -> QuerySet[Any]:
        qs = RiskPoint.objects.restrict(user)
        if enterprise_id:
            qs = qs.filter(enterprise_id=enterprise_id)
        return qs.values("level").annotate(n=Count("id")).order_by()

    counts = {"red": 0, "orange": 0, "yellow": 0, "blue": 0}
    scope = restrict_key(RiskPoint, user)
    rows = [] if scope is None else _RISKS.rows(build, key=(scope, enterprise_id))  # compiled once (issue 18)
    for row in rows:
        counts[row["level"]] = row["n"]
    return counts


_RISKS = PreparedValues()
_PANEL_HAZARDS: PreparedRows[Hazard] = PreparedRows()


def enterprise_panel_hazards(user: User, enterprise_id: int) -> list[Hazard]:
    """`hazard_list(user, {"enterprise": enterprise_id})[:10]` (the enterprise page's panel), compiled once per scope
    and enterprise (issue 18)."""
    scope = restrict_key(Hazard, user)
    if scope is None:
        return []
    return _PANEL_HAZARDS.rows(lambda: hazard_list(user, {"enterprise": enterprise_id}).select_related(None)
                               .only(*_PANEL_FIELDS)[:10], key=(scope, enterprise_id))


# What the panel (hazards/_enterprise_panel.html) shows: the enterprise's and region's rows are not read for it (the
# enterprise's encrypted columns were decrypted for nothing)
_PANEL_FIELDS = ("id", "title", "grade", "source", "deadline", "state", "enterprise_id", "region_id")


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



# ---------------------------------------------------------------------------------------------------------------
# 排查清单, scheduled checks and the site map


def check_items_of(user: User, risk_point_id: int, *, active_only: bool = True) -> QuerySet[CheckItem]:
    qs = CheckItem.objects.restrict(user).filter(risk_point_id=risk_point_id).select_related("frequency")
    return (qs.filter(active=True) if active_only else qs).order_by("-active", "id")


def get_check_item_for(user: User, pk: int) -> CheckItem:
    item = CheckItem.objects.restrict(user).select_related("risk_point", "frequency").filter(pk=pk).first()
    if item is None:
        raise Http404("排查清单项不存在")
    return item


def frequencies(on: dt.date | None = None) -> QuerySet[CheckFrequency]:
    """The 排查频次 that may be chosen on `on` (active and in force)."""
    on = on or dt.date.today()
    return CheckFrequency.objects.filter(active=True, effective_from__lte=on).order_by("unit", "every", "code")


CHECK_STATES = ("open", "scheduled", "done", "missed")


def checks(user: User, params: Any, now: dt.datetime | None = None) -> QuerySet[ScheduledCheck]:
    """Scheduled checks in scope. `state`: open (checkable now), scheduled, done, missed; `enterprise`, `region`,
    `risk_point`; `since`/`until` (dates of the period end). Indexed: (region|enterprise, state, due_at)."""
    now = now or timezone.now()
    qs = ScheduledCheck.objects.restrict(user).select_related("item", "item__frequency", "risk_point", "enterprise",
                                                               "done_by")
    state = params.get("state") or ""
    if state == "open":
        qs = qs.filter(state=CheckState.SCHEDULED, window_start__lte=now, missed_after__gt=now)
    elif state in CheckState.values:
        qs = qs.filter(state=state)
    for key, field in (("enterprise", "enterprise_id"), ("risk_point", "risk_point_id")):
        value = id_param(params, key, "记录")
        if value:
            qs = qs.filter(**{field: value})
    if params.get("region"):
        qs = qs.filter(region_id=params["region"])
    for key, lookup, shift in (("since", "due_at__gte", 0), ("until", "due_at__lt", 1)):
        value = params.get(key)
        if value:
            try:
                day = check_day_range(dt.date.fromisoformat(str(value)), field=key, label="日期")
            except ValueError as exc:
                raise DomainError("日期格式应为 2026-12-06", field=key) from exc
            start = dt.datetime.combine(day + dt.timedelta(days=shift), dt.time.min)
            qs = qs.filter(**{lookup: timezone.make_aware(start)})
    if state == "missed":
        return qs.order_by("-due_at", "-id")
    return qs.order_by("due_at", "id")


def missed_checks(user: User, params: Any) -> QuerySet[ScheduledCheck]:
    """漏检: checks the sweep marked missed, newest first (the county sees its jurisdiction's)."""
    return checks(user, {**{k: params.get(k) for k in ("enterprise", "region", "since", "until", "risk_point")},
                         "state": "missed"})


def get_check_for(user: User, pk: int) -> ScheduledCheck:
    check = (ScheduledCheck.objects.restrict(user)
             .select_related("item", "item__frequency", "risk_point", "enterprise", "done_by", "hazard")
             .filter(pk=pk).first())
    if check is None:
        raise Http404("排查任务不存在")
    return check


def site_plan_for(user: User, enterprise_id: int) -> SitePlan | None:
    return SitePlan.objects.restrict(user).select_related("image", "enterprise").filter(
        enterprise_id=enterprise_id).first()


def site_map_points(user: User, enterprise_id: int) -> list[dict[str, Any]]:
    """Every risk point of the enterprise in scope with its colour and, when placed, its relative position."""
    placements = {p.risk_point_id: p for p in RiskPointPlacement.objects.filter(
        risk_point__enterprise_id=enterprise_id, risk_point__in=RiskPoint.objects.restrict(user))}
    rows = []
    for point in RiskPoint.objects.restrict(user).filter(enterprise_id=enterprise_id).order_by("-score", "id"):
        placed = placements.get(point.pk)
        rows.append({"id": point.pk, "name": point.name, "level": point.level,
                     "level_label": point.get_level_display(), "hazard_source": point.hazard_source,
                     "x": float(placed.x) if placed else None, "y": float(placed.y) if placed else None})
    return rows
