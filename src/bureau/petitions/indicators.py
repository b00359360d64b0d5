"""Rule-of-law indicators of the petition loop (II.1): petitions answered on time, and petitioners' satisfaction."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from bureau.feedback.queries import satisfaction
from bureau.kernel.registry import Indicator, IndicatorQuery
from bureau.petitions.models import Petition

AREA = "诉求办理"


def _window(query: IndicatorQuery) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (dt.datetime.combine(query.start, dt.time.min, tzinfo=tz),
            dt.datetime.combine(query.end, dt.time.max, tzinfo=tz))


def _regions(qs, query: IndicatorQuery):  # type: ignore[no-untyped-def]
    if query.region:
        qs = qs.filter(region_id=query.region)
    if query.regions is not None:
        qs = qs.filter(region_id__in=sorted(query.regions))
    return qs


def petition_indicators(query: IndicatorQuery) -> list[Indicator]:
    start, end = _window(query)
    replied = _regions(Petition.objects.filter(replied_at__gte=start, replied_at__lte=end), query)
    counts = replied.aggregate(total=Count("id"), on_time=Count("id", filter=Q(replied_on_time=True)))
    total, on_time = counts["total"], counts["on_time"]
    received = _regions(Petition.objects.filter(received_at__gte=start, received_at__lte=end), query).count()

    share, satisfied, rated = satisfaction(query.start, query.end, service_type="petitions.petition",
                                           region=query.region, regions=query.regions)
    return [
        Indicator("petitions.received", "受理诉求数", AREA, float(received) if received else None, "件",
                  note="期间内受理的12345、局长信箱和窗口诉求"),
        Indicator("petitions.on_time_rate", "诉求按时答复率", AREA,
                  round(on_time * 100.0 / total, 1) if total else None, "%", numerator=on_time,
                  denominator=total, note="期间内答复的诉求中，在办理时限内答复的比例"),
        Indicator("petitions.satisfaction", "诉求人满意率", AREA, share, "%", numerator=satisfied,
                  denominator=rated, note="基本满意及以上的评价占比（申诉成立的评价不计）"),
    ]
