"""Inspection endpoints. Draws are public records (双随机、一公开): `GET /api/v1/draws/{id}` needs no login and
returns everything needed to re-run the draw (docs/inspection.md), `GET /api/v1/draws/{id}/verify` re-runs it.
Announcing (`POST /api/v1/draws`) and drawing (`POST /api/v1/draws/{id}/attempts`) need `draws:write`.
Inspections are scoped like the UI."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from bureau.accounts.http import AuthenticatedRequest
from bureau.accounts.tokens import token_scope
from bureau.inspection import checklist_api, queries, services
from bureau.inspection.models import Checklist, Draw, DrawAttempt
from bureau.kernel.errors import DomainError, NotFound
from bureau.kernel.schemas import Id, InputSchema, Limit, Offset

draws = Router(tags=["双随机抽查（公开）"])
inspections = Router(tags=["执法检查"])


class DrawChecklistOut(Schema):
    """A published 检查事项: the checklist version the draw's tasks use."""

    id: int
    name: str
    version: str
    effective_from: dt.date
    industries: list[str]
    items: int


class AttemptOut(Schema):
    n: int
    at: dt.datetime
    actor: str
    outcome: str
    reason: str
    public_value: str
    public_source: dict
    seed: str
    selected: list[int]
    teams: dict[str, list[int]]
    late_conflicts: list[list[int]]
    unavailable: list[int]

    @staticmethod
    def from_model(a: DrawAttempt) -> AttemptOut:
        return AttemptOut(n=a.n, at=a.at, actor=a.actor.display_name if a.actor else "", outcome=a.outcome,
                          reason=a.reason, public_value=a.public_value, public_source=a.public_source, seed=a.seed,
                          selected=a.selected, teams=a.teams, late_conflicts=a.late_conflicts,
                          unavailable=a.unavailable)


class DrawOut(Schema):
    id: int
    number: str
    title: str
    organisation: str
    year: int
    state: str
    announced_at: dt.datetime | None
    draw_at: dt.datetime | None
    made_at: dt.datetime | None
    published_at: dt.datetime | None
    algorithm: str
    params_text: str
    params: dict
    commitment: str
    nonce: str | None = Field(description="抽取时揭示；之前为 null")
    beacon: dict
    public_value: str
    public_source: dict
    seed: str
    filters: dict
    sample_size: int
    team_size: int
    pool_size: int
    pool_digest: str
    pool: list[int]
    excluded: dict
    officer_pool: list[int]
    reserve_pool: list[int]
    conflicts: list[list[int]]
    team_handling: list[dict]
    selected: list[int]
    teams: dict[str, list[int]]
    attempts: list[AttemptOut]
    redo_of: int | None
    redo_reason: str
    superseded: bool
    checklists: list[DrawChecklistOut] = []

    @staticmethod
    def from_model(d: Draw) -> DrawOut:
        return DrawOut(id=d.pk, number=d.number, title=d.title, organisation=d.organisation.name, year=d.year,
                       state=d.state, announced_at=d.announced_at, draw_at=d.draw_at, made_at=d.made_at,
                       published_at=d.published_at, algorithm=d.algorithm, params_text=d.params_text,
                       params=json.loads(d.params_text) if d.params_text else {}, commitment=d.commitment,
                       nonce=d.revealed_nonce, beacon=d.beacon, public_value=d.public_value,
                       public_source=d.public_source, seed=d.seed, filters=d.filters, sample_size=d.sample_size,
                       team_size=d.team_size, pool_size=d.pool_size, pool_digest=d.pool_digest, pool=d.pool,
                       excluded=d.excluded, officer_pool=d.officer_pool, reserve_pool=d.reserve_pool,
                       conflicts=d.conflicts, team_handling=d.team_handling, selected=d.selected, teams=d.teams,
                       attempts=[AttemptOut.from_model(a) for a in d.attempts.select_related("actor").order_by("n")],
                       redo_of=d.redo_of_id, redo_reason=d.redo_reason, superseded=d.superseded,
                       checklists=[DrawChecklistOut(id=c.pk, name=c.name, version=c.version,
                                                    effective_from=c.effective_from, industries=c.industries,
                                                    items=len(c.items.all()))
                                   for c in queries.draw_checklists(d)])


class DrawSummary(Schema):
    id: int
    number: str
    title: str
    organisation: str
    state: str
    announced_at: dt.datetime | None
    draw_at: dt.datetime | None
    made_at: dt.datetime | None
    commitment: str
    pool_size: int
    sample_size: int
    superseded: bool


@draws.get("", response=list[DrawSummary], auth=None, summary="已公示的双随机抽查（最近 200 次，含已公告待抽取的）")
def draw_list(request: HttpRequest) -> list[DrawSummary]:
    return [DrawSummary(id=d.pk, number=d.number, title=d.title, organisation=d.organisation.name, state=d.state,
                        announced_at=d.announced_at, draw_at=d.draw_at, made_at=d.made_at, commitment=d.commitment,
                        pool_size=d.pool_size, sample_size=d.sample_size, superseded=d.superseded)
            for d in queries.public_draws()[:200]]


def _public(draw_id: int) -> Draw:
    draw = queries.public_draw(draw_id)
    if draw is None:
        raise NotFound("抽查记录不存在或尚未公示")
    return draw


@draws.get("/{draw_id}", response=DrawOut, auth=None, summary="一次抽查的完整记录（可复核重现）")
def draw_detail(request: HttpRequest, draw_id: Id) -> DrawOut:
    return DrawOut.from_model(_public(draw_id))


class CheckOut(Schema):
    label: str
    ok: bool
    detail: str


class VerifyOut(Schema):
    matches: bool
    checks: list[CheckOut]


@draws.get("/{draw_id}/verify", response=VerifyOut, auth=None,
           summary="复核：按公布的数据重新计算承诺值、公共随机数、种子、抽中企业和检查组，并与公示比对")
def draw_verify(request: HttpRequest, draw_id: Id) -> VerifyOut:
    checks = services.draw_checks(_public(draw_id))
    return VerifyOut(matches=all(c.ok for c in checks),
                     checks=[CheckOut(label=c.label, ok=c.ok, detail=c.detail) for c in checks])


class DrawAnnounceIn(InputSchema):
    """No seed: the seed of a draw exists only at the draw, from the committed nonce and the public value (an unknown
    field such as `seed` is refused)."""

    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, Field(min_length=1, max_length=120)]
    officer_ids: Annotated[list[Id], Field(min_length=1, max_length=500)]
    industry: Annotated[str, Field(max_length=30)] = ""
    region: Annotated[str, Field(max_length=12)] = ""
    risk: Annotated[str, Field(max_length=10)] = ""
    size: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    ratio_percent: Annotated[float, Field(gt=0, le=100)] | None = None
    checklist_id: Id | None = None
    draw_at: dt.datetime | None = Field(None, description="抽取时间（须晚于现在）；缺省为公告后 inspection.draw_lead_minutes 分钟")
    redo_of: Id | None = Field(None, description="重新公告取代的抽查")
    redo_reason: Annotated[str, Field(max_length=300)] = ""


@draws.post("", response={201: DrawOut}, summary="公告一次双随机抽查（承诺）：企业池、参数、抽取时间和承诺值立即公示")
@token_scope("draws:write")
def draw_announce(request: AuthenticatedRequest, payload: DrawAnnounceIn) -> tuple[int, DrawOut]:
    checklist = None
    if payload.checklist_id:
        checklist = Checklist.objects.filter(pk=payload.checklist_id, is_active=True).first()
        if checklist is None:
            raise DomainError("检查表不存在或已停用", field="checklist_id")
    redo_of = queries.get_draw_for(request.user, payload.redo_of) if payload.redo_of else None
    draw = services.draw_announce(
        actor=request.user, title=payload.title, officer_ids=payload.officer_ids,
        filters={"industry": payload.industry, "region": payload.region, "risk": payload.risk},
        size=payload.size, ratio_percent=payload.ratio_percent, checklist=checklist, draw_at=payload.draw_at,
        redo_of=redo_of, redo_reason=payload.redo_reason)
    return 201, DrawOut.from_model(draw)


@draws.post("/{draw_id}/attempts", response=AttemptOut,
            summary="抽取（揭示）：记录一次抽取尝试；被拒绝的尝试同样记录并公示（outcome = refused，reason 说明原因）")
@token_scope("draws:write")
def draw_attempt(request: AuthenticatedRequest, draw_id: Id) -> AttemptOut:
    draw = queries.get_draw_for(request.user, draw_id)
    return AttemptOut.from_model(services.draw_attempt(actor=request.user, draw=draw))


class InspectionOut(Schema):
    id: int
    number: str
    enterprise_id: int
    enterprise_name: str
    region_code: str
    kind: str
    state: str
    year: int
    draw_id: int | None
    checked_in_at: dt.datetime | None
    finished_at: dt.datetime | None
    rectification_deadline: dt.date | None


class InspectionFilter(InputSchema):
    state: str | None = None
    kind: str | None = None
    limit: Limit = 50
    offset: Offset = 0


class InspectionPage(Schema):
    items: list[InspectionOut]
    next_offset: int | None


@inspections.get("", response=InspectionPage, summary="执法检查（按数据权限过滤）")
def inspection_list(request: HttpRequest, filters: Query[InspectionFilter]) -> InspectionPage:
    limit, offset = filters.limit, filters.offset
    params = {k: v for k, v in filters.dict().items() if v is not None}
    rows = list(queries.inspection_list(request.user, params)[offset: offset + limit + 1])
    return InspectionPage(items=[InspectionOut(
        id=i.pk, number=i.number, enterprise_id=i.enterprise_id, enterprise_name=i.enterprise.name,
        region_code=i.region_id, kind=i.kind, state=i.state, year=i.year, draw_id=i.draw_id,
        checked_in_at=i.checked_in_at, finished_at=i.finished_at, rectification_deadline=i.rectification_deadline)
        for i in rows[:limit]], next_offset=offset + limit if len(rows) > limit else None)


routers = [("v1/draws", draws, None), ("v1/inspections", inspections, "inspections"),
           ("v1/checklists", checklist_api.router, None)]
