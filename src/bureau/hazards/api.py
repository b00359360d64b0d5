"""Dual-prevention endpoints: scoped exactly like the UI (another county's id answers 404)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from bureau.accounts.tokens import token_dataset
from bureau.enterprises.models import Enterprise
from bureau.hazards import queries, services
from bureau.hazards.models import Hazard, RiskPoint
from bureau.hazards.workflow import hazard_workflow
from bureau.kernel.errors import NotFound, PermissionDenied
from bureau.kernel.schemas import Day, Id, InputSchema, Limit, LongLimit, Money, Offset, Text

router = Router(tags=["双重预防"])


class HazardOut(Schema):
    id: int
    number: str
    enterprise_id: int
    enterprise_name: str
    region_code: str
    source: str
    source_label: str
    title: str
    location: str
    grade: str
    major_criterion: str
    found_on: dt.date
    reported_at: dt.datetime
    deadline: dt.date | None
    state: str
    state_label: str
    overdue: bool
    responsible_person: str
    measures: str

    @staticmethod
    def of(h: Hazard) -> HazardOut:
        return HazardOut(id=h.pk, number=h.number, enterprise_id=h.enterprise_id, enterprise_name=h.enterprise.name,
                         region_code=h.region_id, source=h.source, source_label=h.get_source_display(), title=h.title,
                         location=h.location, grade=h.grade, major_criterion=h.major_criterion, found_on=h.found_on,
                         reported_at=h.reported_at, deadline=h.deadline, state=h.state,
                         state_label=hazard_workflow.state_label(h.state), overdue=h.is_overdue(),
                         responsible_person=h.responsible_person, measures=h.measures)


class HazardFilter(InputSchema):
    q: str | None = None
    state: str | None = None
    grade: str | None = None
    source: str | None = None
    region: str | None = None
    enterprise: Id | None = None
    overdue: str | None = None
    limit: Limit = 50
    offset: Offset = 0


class HazardPage(Schema):
    items: list[HazardOut]
    next_offset: int | None


class HazardIn(InputSchema):
    title: str
    found_on: Day = Field(..., description="发现日期：不晚于今天，不早于规则 kernel.earliest_event_date")
    grade: str = "general"
    source: str = "self_inspection"
    enterprise_id: Id | None = None
    description: Text = ""
    location: str = ""
    major_criterion: str = ""
    deadline: Day | None = None


class PlanIn(InputSchema):
    measures: Text
    deadline: Day
    responsible_person: str
    funds: Money | None = None
    contingency: Text = ""


class ActionIn(InputSchema):
    note: Text = ""


# L, E, C (or L, S) factors are small numbers from the method's scale (rules hazards.lec_factor_scale).
Factor = Annotated[Decimal, Field(ge=0, le=1000, max_digits=8, decimal_places=3, allow_inf_nan=False)]


class RiskPointIn(InputSchema):
    name: str
    hazard_source: str
    method: str
    factor_l: Factor
    factor_e: Factor | None = None
    factor_c: Factor
    controls: Text = ""


class RiskPointOut(Schema):
    id: int
    enterprise_id: int
    name: str
    hazard_source: str
    method: str
    score: Decimal
    level: str
    level_label: str

    @staticmethod
    def of(p: RiskPoint) -> RiskPointOut:
        return RiskPointOut(id=p.pk, enterprise_id=p.enterprise_id, name=p.name, hazard_source=p.hazard_source,
                            method=p.method, score=p.score, level=p.level, level_label=p.get_level_display())


class OverviewRow(Schema):
    region: str
    name: str
    total: int
    open: int
    overdue: int
    awaiting: int
    major_open: int
    closed: int
    red: int
    orange: int
    yellow: int
    blue: int


def _hazard(request: HttpRequest, hazard_id: Id) -> Hazard:
    try:
        return queries.get_hazard_for(request.user, hazard_id)
    except Http404:
        raise NotFound("隐患不存在或不在您的管辖范围内") from None


@router.get("", response=HazardPage, summary="隐患清单（按数据权限过滤）")
def hazard_list(request: HttpRequest, filters: Query[HazardFilter]) -> HazardPage:
    limit, offset = filters.limit, filters.offset
    params = {k: v for k, v in filters.dict().items() if v is not None}
    rows = list(queries.hazard_list(request.user, params)[offset: offset + limit + 1])
    return HazardPage(items=[HazardOut.of(h) for h in rows[:limit]],
                      next_offset=offset + limit if len(rows) > limit else None)


@router.post("", response={201: HazardOut}, summary="登记隐患（企业自查或监管部门发现）")
def hazard_create(request: HttpRequest, payload: HazardIn) -> tuple[int, HazardOut]:
    user = request.user
    if user.enterprise_id:
        enterprise = user.enterprise
        source = "self_inspection"
    else:
        enterprise = Enterprise.objects.restrict(user).filter(pk=payload.enterprise_id).first()
        if enterprise is None:
            raise NotFound("企业不存在或不在您的管辖范围内")
        if payload.source == "self_inspection":
            raise PermissionDenied("自查隐患只能由企业登记")
        source = payload.source
    hazard = services.hazard_report(actor=user, enterprise=enterprise, source=source, title=payload.title,
                                    found_on=payload.found_on, grade=payload.grade, description=payload.description,
                                    location=payload.location, major_criterion=payload.major_criterion,
                                    deadline=payload.deadline)
    return 201, HazardOut.of(hazard)


@router.get("/overview", response=list[OverviewRow], summary="辖区隐患与风险总览")
def overview(request: HttpRequest) -> list[dict[str, Any]]:
    if request.user.enterprise_id:
        raise PermissionDenied("企业用户无权查看辖区总览")
    return queries.jurisdiction_overview(request.user)


@router.get("/risk-points", response=list[RiskPointOut], summary="风险分级管控清单")
@token_dataset("risk_points")
def risk_point_list(request: HttpRequest, level: str | None = None, limit: LongLimit = 100) -> list[RiskPointOut]:
    rows = queries.risk_points(request.user, {"level": level} if level else {})[:limit]
    return [RiskPointOut.of(p) for p in rows]


@router.post("/risk-points", response={201: RiskPointOut}, summary="登记风险点（自动分级）")
@token_dataset("risk_points")
def risk_point_create(request: HttpRequest, payload: RiskPointIn) -> tuple[int, RiskPointOut]:
    if not request.user.enterprise_id:
        raise PermissionDenied("风险点由企业登记")
    point = services.risk_point_save(actor=request.user, enterprise=request.user.enterprise, **payload.dict())
    return 201, RiskPointOut.of(point)


@router.get("/{hazard_id}", response=HazardOut, summary="隐患详情")
def hazard_detail(request: HttpRequest, hazard_id: Id) -> HazardOut:
    return HazardOut.of(_hazard(request, hazard_id))


@router.post("/{hazard_id}/plan", response=HazardOut, summary="登记整改方案")
def hazard_plan(request: HttpRequest, hazard_id: Id, payload: PlanIn) -> HazardOut:
    hazard = _hazard(request, hazard_id)
    services.hazard_plan(actor=request.user, hazard=hazard, **payload.dict())
    return HazardOut.of(hazard)


@router.post("/{hazard_id}/actions/{action}", response=HazardOut,
             summary="申请验收 / 验收通过 / 验收不通过 / 销号（request_acceptance, accept, reject_acceptance, close）")
def hazard_action(request: HttpRequest, hazard_id: Id, action: str, payload: ActionIn) -> HazardOut:
    hazard = _hazard(request, hazard_id)
    services.hazard_transition(actor=request.user, hazard=hazard, action=action, note=payload.note)
    return HazardOut.of(hazard)


routers = [("v1/hazards", router, "hazards")]
