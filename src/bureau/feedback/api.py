"""Service ratings API (好差评, 国办发〔2019〕51号): the 差评原因 list, rating a completed service (with the reasons
of a bad rating) and the statistics per level and per reason."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from bureau.accounts.http import AuthenticatedRequest
from bureau.accounts.tokens import token_scope
from bureau.feedback import services
from bureau.feedback.models import Rating, RatingLevel
from bureau.feedback.queries import ratings_window, reason_counts
from bureau.feedback.rules import satisfaction_of
from bureau.kernel.errors import DomainError, NotFound, PermissionDenied
from bureau.kernel.registry import registry
from bureau.kernel.schemas import Day, InputSchema

router = Router(tags=["好差评"])
public = Router(tags=["好差评（公开）"])


class ReasonOut(Schema):
    code: str
    label: str


@public.get("/reasons", response=list[ReasonOut], auth=None, summary="差评原因（“不满意”“非常不满意”时选择）")
def reason_list(request: HttpRequest) -> list[ReasonOut]:
    return [ReasonOut(code=code, label=label) for code, label in services.bad_reasons().items()]


class RatingIn(InputSchema):
    service_type: str = Field(..., min_length=1, max_length=40, description="服务类型，如 licensing.application")
    service_id: str = Field(..., min_length=1, max_length=40, description="服务编号")
    level: int = Field(..., ge=1, le=5, description="5 非常满意 / 4 满意 / 3 基本满意 / 2 不满意 / 1 非常不满意")
    reasons: list[str] = Field(default_factory=list, max_length=20,
                               description="差评原因代码（见 /reasons）：不满意、非常不满意时必选，其他等级不填")
    comment: str = Field("", max_length=500, description="意见建议；不满意、非常不满意时必填，写明具体情况")


class RatingOut(Schema):
    id: int
    level: int
    level_label: str
    reasons: list[ReasonOut]
    comment: str
    followup: bool = Field(description="实名差评已转整改回访")


@router.post("/ratings", response={201: RatingOut}, summary="评价已办结的服务（好差评）")
@token_scope(None)  # a rating is the person's own: never a machine client's
def rating_create(request: AuthenticatedRequest, payload: RatingIn) -> tuple[int, RatingOut]:
    resolver = registry.rateable.get(payload.service_type)
    service = resolver(request.user, payload.service_id) if resolver else None
    if service is None:
        raise NotFound("服务不存在或不能由您评价")
    rating = services.rating_submit(
        actor=request.user, service_type=payload.service_type, service_id=payload.service_id,
        service_label=service.label, level=payload.level, comment=payload.comment, region_id=service.region_id,
        organisation=service.organisation, reasons=payload.reasons)
    return 201, RatingOut(id=rating.pk, level=rating.level, level_label=rating.get_level_display(),
                          reasons=[ReasonOut(code=r.code, label=r.label) for r in rating.reasons.all()],
                          comment=rating.comment, followup=hasattr(rating, "followup"))


class StatisticsFilter(InputSchema):
    start: Day | None = Field(None, description="起始日期（默认当年1月1日）")
    end: Day | None = Field(None, description="截止日期（默认今天）")


class ReasonCountOut(Schema):
    code: str
    label: str
    count: int


class StatisticsOut(Schema):
    start: dt.date
    end: dt.date
    total: int
    satisfaction: float | None = Field(description="满意率（基本满意及以上，%）；无评价时为空")
    levels: dict[str, int] = Field(description="各评价等级的条数")
    bad: int
    reasons: list[ReasonCountOut] = Field(description="各差评原因的差评条数（一条差评可选多个原因）")


@router.get("/statistics", response=StatisticsOut, summary="好差评统计：各等级条数、满意率、差评原因分布（按管辖范围）")
def statistics(request: AuthenticatedRequest, filters: Query[StatisticsFilter]) -> StatisticsOut:
    if not getattr(request.user, "is_staff_member", False):
        raise PermissionDenied("好差评统计仅供本局工作人员查看")
    today = timezone.localdate()
    start, end = filters.start or today.replace(month=1, day=1), filters.end or today
    if end < start:
        raise DomainError("截止日期不能早于起始日期", field="end")
    lo, hi = ratings_window(start, end)
    qs = Rating.objects.restrict(request.user).filter(created_at__gte=lo, created_at__lte=hi, excluded=False)
    share, _satisfied, total = satisfaction_of(qs)
    row = qs.aggregate(**{f"l{v}": Count("id", filter=Q(level=v)) for v in RatingLevel.values})
    levels = {RatingLevel(v).label: row[f"l{v}"] for v in sorted(RatingLevel.values, reverse=True)}
    return StatisticsOut(start=start, end=end, total=total, satisfaction=share, levels=levels,
                         bad=levels[RatingLevel.DISSATISFIED.label] + levels[RatingLevel.VERY_DISSATISFIED.label],
                         reasons=[ReasonCountOut(**r) for r in reason_counts(qs)])


routers = [("v1/feedback", router, "ratings"), ("v1/feedback/public", public, None)]
