"""Reads of service ratings, for the area's pages and for other areas (a petition's ratings, the satisfaction
indicators, the workbench)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone

from bureau.accounts.models import User
from bureau.feedback.models import BadRatingReason, Rating, RatingFollowUp
from bureau.feedback.rules import satisfaction_of
from bureau.kernel.registry import WorkItem


def ratings_window(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The instants from the start of `start` to the end of `end` (both days included), in local time."""
    tz = timezone.get_current_timezone()
    return (dt.datetime.combine(start, dt.time.min, tzinfo=tz), dt.datetime.combine(end, dt.time.max, tzinfo=tz))


def ratings_of(service_type: str, service_id: Any) -> QuerySet[Rating]:
    """The ratings of one service, one per round (a reopened petition is rated again), oldest first."""
    return Rating.objects.filter(service_type=service_type, service_id=str(service_id)).order_by("round")


def satisfaction(start: dt.date, end: dt.date, *, service_type: str | None = None, region: str | None = None,
                 regions: Iterable[str] | None = None) -> tuple[float | None, int, int]:
    """满意率 of the ratings given from `start` to `end` (appeals upheld excluded), optionally of one kind of service
    and within a region or a set of regions: (share, satisfied, rated)."""
    lo, hi = ratings_window(start, end)
    qs = Rating.objects.filter(excluded=False, created_at__gte=lo, created_at__lte=hi)
    if service_type:
        qs = qs.filter(service_type=service_type)
    if region:
        qs = qs.filter(region_id=region)
    if regions is not None:
        qs = qs.filter(region_id__in=sorted(regions))
    return satisfaction_of(qs)


def followup_workbench(user: User) -> Iterable[WorkItem]:
    """我的待办: the open follow-ups of the user's unit."""
    if not getattr(user, "organisation_id", None) or getattr(user, "enterprise_id", None):
        return []
    today = timezone.localdate()
    rows = (RatingFollowUp.objects.restrict(user).filter(state="open", organisation_id=user.organisation_id)
            .select_related("rating").order_by("due_date")[:10])
    return [WorkItem(title=f"差评整改：{f.rating.service_label}", url=reverse("feedback:followup", args=[f.pk]),
                     area="好差评", status="待整改", due_label=f"期限 {f.due_date:%Y-%m-%d}",
                     chip="overdue" if f.due_date < today else "due", sort_key=f.due_date.isoformat())
            for f in rows]


def reason_counts(qs: QuerySet[Rating]) -> list[dict[str, Any]]:
    """How many of the ratings named each 差评原因 (one grouped count; a rating may name several): every reason in
    force, and a retired one while it still has ratings."""
    counts = dict(qs.filter(reasons__isnull=False).values_list("reasons__code").annotate(n=Count("id")))
    return [{"code": code, "label": label, "count": counts.get(code, 0)}
            for code, label, active in BadRatingReason.objects.order_by("sort", "id").values_list(
                "code", "label", "is_active") if active or counts.get(code)]
