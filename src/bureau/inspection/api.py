"""Inspection endpoints. Draws are public records (双随机、一公开): `GET /api/v1/draws/{id}` needs no login and
returns everything needed to re-run the draw (docs/inspection.md). Inspections are scoped like the UI."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema

from bureau.inspection import queries
from bureau.inspection.models import Draw
from bureau.kernel.errors import NotFound
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


class DrawOut(Schema):
    id: int
    number: str
    title: str
    organisation: str
    year: int
    made_at: dt.datetime
    published_at: dt.datetime | None
    algorithm: str
    seed: str
    filters: dict
    sample_size: int
    team_size: int
    pool_size: int
    pool_digest: str
    pool: list[int]
    excluded: dict
    officer_pool: list[int]
    conflicts: list[list[int]]
    selected: list[int]
    teams: dict[str, list[int]]
    redo_of: int | None
    redo_reason: str
    superseded: bool
    checklists: list[DrawChecklistOut] = []

    @staticmethod
    def from_model(d: Draw) -> DrawOut:
        return DrawOut(id=d.pk, number=d.number, title=d.title, organisation=d.organisation.name, year=d.year,
                       made_at=d.made_at, published_at=d.published_at, algorithm=d.algorithm, seed=d.seed,
                       filters=d.filters, sample_size=d.sample_size, team_size=d.team_size, pool_size=d.pool_size,
                       pool_digest=d.pool_digest, pool=d.pool, excluded=d.excluded, officer_pool=d.officer_pool,
                       conflicts=d.conflicts, selected=d.selected, teams=d.teams, redo_of=d.redo_of_id,
                       redo_reason=d.redo_reason, superseded=d.superseded,
                       checklists=[DrawChecklistOut(id=c.pk, name=c.name, version=c.version,
                                                    effective_from=c.effective_from, industries=c.industries,
                                                    items=len(c.items.all()))
                                   for c in queries.draw_checklists(d)])


class DrawSummary(Schema):
    id: int
    number: str
    title: str
    organisation: str
    made_at: dt.datetime
    pool_size: int
    sample_size: int
    superseded: bool


@draws.get("", response=list[DrawSummary], auth=None, summary="已公示的双随机抽查（最近 200 次）")
def draw_list(request: HttpRequest) -> list[DrawSummary]:
    return [DrawSummary(id=d.pk, number=d.number, title=d.title, organisation=d.organisation.name, made_at=d.made_at,
                        pool_size=d.pool_size, sample_size=d.sample_size, superseded=d.superseded)
            for d in queries.public_draws()[:200]]


@draws.get("/{draw_id}", response=DrawOut, auth=None, summary="一次抽查的完整记录（可复核重现）")
def draw_detail(request: HttpRequest, draw_id: Id) -> DrawOut:
    draw = queries.public_draw(draw_id)
    if draw is None:
        raise NotFound("抽查记录不存在或尚未公示")
    return DrawOut.from_model(draw)


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


routers = [("v1/draws", draws, None), ("v1/inspections", inspections, "inspections")]
