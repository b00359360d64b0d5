"""Observation-visit endpoints (measure III.5): the batches, an enterprise's sign-up, the attendance the bureau
records from the visit day, and the year's coverage of the producers of the jurisdiction (staff)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from bureau.accounts.http import AuthenticatedRequest
from bureau.assistance import services
from bureau.assistance.models import STAFF, ObservationBatch, ObservationSignup
from bureau.assistance.observation_coverage import STATUS_LABELS, observation_coverage
from bureau.assistance.workflow import observation_workflow
from bureau.kernel.errors import DomainError, NotFound, PermissionDenied
from bureau.kernel.schemas import Id, InputSchema

router = Router(tags=["主动服务"])


class BatchOut(Schema):
    id: int
    year: int
    title: str
    pilot_name: str
    visit_on: dt.date
    mode: str
    capacity: int
    signed_up: int
    signup_closes_on: dt.date


@router.get("", response=list[BatchOut], summary="双重预防观摩批次（公开发布；最近 50 批）")
def batch_list(request: AuthenticatedRequest) -> list[BatchOut]:
    rows = (ObservationBatch.objects.restrict(request.user).select_related("pilot").annotate(n=Count("signups"))
            .order_by("-year", "visit_on")[:50])
    return [BatchOut(id=b.pk, year=b.year, title=b.title, pilot_name=b.pilot.name, visit_on=b.visit_on, mode=b.mode,
                     capacity=b.capacity, signed_up=b.n, signup_closes_on=b.signup_closes_on) for b in rows]


class SignupIn(InputSchema):
    attendees: str = Field(..., max_length=200, description="参加人员")


class SignupOut(Schema):
    id: int
    batch_id: int
    enterprise_id: int
    enterprise_name: str
    attendees: str
    status: str
    status_label: str


def _signup_out(s: ObservationSignup) -> SignupOut:
    return SignupOut(id=s.pk, batch_id=s.batch_id, enterprise_id=s.enterprise_id, enterprise_name=s.enterprise.name,
                     attendees=s.attendees, status=s.status, status_label=observation_workflow.state_label(s.status))


@router.post("/{batch_id}/signups", response={201: SignupOut},
             summary="企业报名观摩（仅危化生产企业；名额、报名截止校验）")
def signup_create(request: AuthenticatedRequest, batch_id: Id, payload: SignupIn) -> tuple[int, SignupOut]:
    batch = ObservationBatch.objects.restrict(request.user).filter(pk=batch_id).first()
    if batch is None:
        raise NotFound("观摩批次不存在")
    return 201, _signup_out(services.observation_signup(actor=request.user, batch=batch, attendees=payload.attendees))


class ObservationAttendanceIn(InputSchema):
    attended: bool


@router.post("/signups/{signup_id}/attendance", response=SignupOut,
             summary="登记出勤（监管部门；观摩之日起）")
def signup_attendance(request: AuthenticatedRequest, signup_id: Id, payload: ObservationAttendanceIn) -> SignupOut:
    signup = (ObservationSignup.objects.restrict(request.user).select_related("enterprise", "batch")
              .filter(pk=signup_id).first())
    if signup is None:
        raise NotFound("观摩报名不存在")
    return _signup_out(services.observation_attendance(actor=request.user, signup=signup, attended=payload.attended))


class CoverageRowOut(Schema):
    enterprise_id: int
    enterprise_name: str
    region_code: str
    status: str
    status_label: str
    visited_on: dt.date | None
    batch_title: str


class CoverageOut(Schema):
    year: int
    total: int
    covered: int
    percent: float | None
    summary: dict[str, int]
    items: list[CoverageRowOut]


class CoverageFilter(InputSchema):
    year: int | None = Field(None, ge=2000, le=2200, description="年度（默认本年）")
    status: str | None = Field(None, description="attended / pilot / signed_up / absent / none")


@router.get("/coverage", response=CoverageOut,
            summary="观摩年度覆盖情况（监管部门：辖区内每家危化生产企业本年度是否已参加观摩）")
def coverage(request: AuthenticatedRequest, filters: Query[CoverageFilter]) -> CoverageOut:
    if not (request.user.role_codes & STAFF) or request.user.enterprise_id:
        raise PermissionDenied("只有监管部门可以查看观摩覆盖情况")
    if filters.status and filters.status not in STATUS_LABELS:
        raise DomainError("情况应为 attended、pilot、signed_up、absent 或 none", field="status")
    c = observation_coverage(request.user, filters.year or timezone.localdate().year, filters.status)
    return CoverageOut(year=c.year, total=c.total, covered=c.covered, percent=c.percent, summary=c.summary,
                       items=[CoverageRowOut(enterprise_id=r.enterprise_id, enterprise_name=r.name,
                                             region_code=r.region_id, status=r.status, status_label=r.status_label,
                                             visited_on=r.visited_on, batch_title=r.batch_title)
                              for r in c.rows[:2000]])
