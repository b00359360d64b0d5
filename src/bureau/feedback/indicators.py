"""Satisfaction over every rated service (好差评), an indicator of measure II.1."""

from __future__ import annotations

from django.db.models import Count, Q

from bureau.feedback.models import BAD_LEVELS, Rating, RatingFollowUp
from bureau.feedback.queries import ratings_window
from bureau.feedback.rules import satisfaction_of
from bureau.kernel.registry import Indicator, IndicatorQuery

AREA = "政务服务评价"


def rating_indicators(query: IndicatorQuery) -> list[Indicator]:
    start, end = ratings_window(query.start, query.end)
    qs = Rating.objects.filter(excluded=False, created_at__gte=start, created_at__lte=end)
    if query.region:
        qs = qs.filter(region_id=query.region)
    if query.regions is not None:
        qs = qs.filter(region_id__in=sorted(query.regions))
    share, satisfied, total = satisfaction_of(qs)
    follow = RatingFollowUp.objects.filter(rating__in=qs.filter(level__in=BAD_LEVELS)).aggregate(
        total=Count("id"), done=Count("id", filter=Q(state="done")))
    return [
        Indicator("ratings.satisfaction", "政务服务满意率（好差评）", AREA, share, "%", numerator=satisfied,
                  denominator=total, note="基本满意及以上的评价占比，申诉成立的评价不计"),
        Indicator("ratings.bad_rectified", "差评整改率", AREA,
                  round(follow["done"] * 100.0 / follow["total"], 1) if follow["total"] else None, "%",
                  numerator=follow["done"], denominator=follow["total"], note="实名差评已整改回访的比例"),
    ]
