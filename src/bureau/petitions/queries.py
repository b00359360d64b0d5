"""Scoped reads of petitions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from bureau.accounts.models import User
from bureau.feedback.models import RatingLevel
from bureau.kernel.models import Region
from bureau.kernel.registry import WorkItem
from bureau.petitions.models import Petition
from bureau.petitions.workflow import OPEN_STATES, PETITION


def petition_list(user: User, params: Any) -> QuerySet[Petition]:
    qs = Petition.objects.restrict(user).select_related("category", "assigned_org", "region")
    q = (params.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(number=q.upper()) | Q(title__contains=q) | Q(hotline_ref=q))
    state = params.get("state")
    if state == "open":
        qs = qs.filter(state__in=OPEN_STATES)
    elif state == "overdue":
        qs = qs.filter(state__in=OPEN_STATES, due_at__lt=timezone.now())
    elif state in PETITION.states:
        qs = qs.filter(state=state)
    if params.get("mine") == "1" and getattr(user, "organisation_id", None):
        qs = qs.filter(assigned_org_id=user.organisation_id)
    if params.get("channel"):
        qs = qs.filter(channel=params["channel"])
    if params.get("region"):
        qs = qs.filter(region_id=params["region"])
    return qs.order_by("-received_at", "-id")


def petition_search(user: User, term: str, limit: int) -> list[Petition]:
    """The petition picker's search (a case opened from a complaint): the petitions the user sees whose number,
    hotline reference, title or named unit matches, newest first."""
    qs = Petition.objects.restrict(user)
    if term:
        qs = qs.filter(Q(number__icontains=term) | Q(hotline_ref=term) | Q(title__contains=term)
                       | Q(enterprise_name__contains=term))
    return list(qs.order_by("-received_at", "-id")[:limit])


def get_petition_for(user: User, pk: int) -> Petition:
    petition = (Petition.objects.restrict(user).select_related("category", "assigned_org", "region",
                                                                 "merged_into", "routing_rule")
                .filter(pk=pk).first())
    if petition is None:
        raise Http404("诉求不存在")
    return petition


def workbench_items(user: User) -> Iterable[WorkItem]:
    """我的待办: tickets dispatched to the user's unit and still open; for dispatchers, tickets to dispatch."""
    org_id = getattr(user, "organisation_id", None)
    if not org_id or getattr(user, "enterprise_id", None):
        return []
    now = timezone.now()
    items = []
    rows = (Petition.objects.filter(assigned_org_id=org_id, state__in=["dispatched", "handling", "supervised",
                                                                        "reopened"])
            .order_by("due_at")[:20])
    for p in rows:
        overdue = p.due_at is not None and p.due_at < now
        items.append(WorkItem(title=f"诉求 {p.number} {p.title}", url=f"/petitions/{p.pk}/", area="诉求办理",
                              status=PETITION.state_label(p.state),
                              due_label=("已超期" if overdue else f"期限 {timezone.localtime(p.due_at):%m-%d %H:%M}")
                              if p.due_at else "", chip="overdue" if overdue else "running",
                              sort_key=p.due_at.isoformat() if p.due_at else ""))
    if user.has_role("clerk"):
        for p in Petition.objects.restrict(user).filter(state__in=["received", "returned", "closed"])[:20]:
            action = "回访" if p.state == "closed" else "派单"
            items.append(WorkItem(title=f"{action}：诉求 {p.number} {p.title}", url=f"/petitions/{p.pk}/",
                                  area="诉求办理", status=PETITION.state_label(p.state), chip="due",
                                  sort_key=p.received_at.isoformat()))
    return items


def hotline_ticket(user: Any, ref: str) -> Petition | None:
    """A 12345 ticket read back by the platform that pushed it (its account's tokens); any other ref: None (404)."""
    ref = (ref or "").strip()
    if not ref or len(ref) > 40 or not getattr(user, "pk", None):
        return None
    return (Petition.objects.only("hotline_ref", "number", "state", "due_at", "reply", "replied_at")
            .filter(hotline_ref=ref, hotline_client_id=user.pk).first())


STATS_MONTHS = 12


def public_statistics(today: dt.date | None = None) -> dict[str, Any]:
    """The public statistics page (measure III.9): per month and per county over the last 12 months, volume,
    on-time reply rate and satisfaction (基本满意 or better among rated tickets). Aggregates only (two GROUP BY
    queries over one year, bounded by the index on received_at): no ticket, name or phone ever leaves."""
    today = today or timezone.localdate()
    first = (today.replace(day=1) - dt.timedelta(days=31 * (STATS_MONTHS - 1))).replace(day=1)
    since = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    base = Petition.objects.filter(received_at__gte=since).exclude(state="merged")
    measures = {"volume": Count("id"), "replied": Count("id", filter=Q(replied_on_time__isnull=False)),
                "on_time": Count("id", filter=Q(replied_on_time=True)),
                "rated": Count("id", filter=Q(rating_level__isnull=False)),
                "satisfied": Count("id", filter=Q(rating_level__gte=RatingLevel.BASIC))}
    by_month: dict[str, Any] = {row["month"].strftime("%Y-%m") if hasattr(row["month"], "strftime") else str(row["month"])[:7]: row
                for row in base.annotate(month=TruncMonth("received_at")).values("month").annotate(**measures)}
    months = []
    cursor = first
    while cursor <= today:
        months.append(cursor.strftime("%Y-%m"))
        cursor = (cursor + dt.timedelta(days=32)).replace(day=1)
    counties = Region.objects.exclude(parent__isnull=True).order_by("sort", "code").values_list("code", "name")
    by_county: dict[str, Any] = {row["region_id"]: row for row in base.values("region_id").annotate(**measures)}

    def rates(row: dict[str, Any] | None) -> dict[str, Any]:
        row = row or {}
        return {"volume": row.get("volume", 0), "on_time": _pct(row.get("on_time", 0), row.get("replied", 0)),
                "satisfaction": _pct(row.get("satisfied", 0), row.get("rated", 0))}

    total = base.aggregate(**measures)
    return {"since": first, "months": [{"month": m, **rates(by_month.get(m))} for m in months],
            "counties": [{"code": c, "name": n, **rates(by_county.get(c))} for c, n in counties],
            "total": rates(total)}


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None
