"""Training endpoints for other systems (keep the paths stable): exam plans, their registrations, results entered
by exam staff (refused with `exam_not_held` before the exam day), and 复审/延期换证 applications. Every list reads
`Model.objects.restrict(principal)`; tokens need the data set's scope (accounts.tokens)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.db.models import Q
from ninja import Router, Schema
from pydantic import Field

from bureau.accounts.authority import changes_kind
from bureau.accounts.http import AuthenticatedRequest
from bureau.accounts.tokens import token_dataset
from bureau.certificates.models import Certificate
from bureau.kernel.crypto import blind_index
from bureau.kernel.errors import NotFound
from bureau.kernel.schemas import Day, Id, InputSchema, Limit, Offset
from bureau.training import services
from bureau.training.models import ExamPlan, PlanStatus, Registration, ReviewApplication

router = Router(tags=["培训考试"])

Score = Annotated[Decimal, Field(ge=0, le=1000, max_digits=5, decimal_places=1, allow_inf_nan=False)]
Hours = Annotated[Decimal, Field(ge=0, le=1000, max_digits=5, decimal_places=1, allow_inf_nan=False)]


class PlanOut(Schema):
    id: int
    title: str
    job_type: str
    job_type_name: str
    region_code: str
    run_by: str
    provincial_notice_no: str
    exam_on: dt.date
    registration_closes: dt.date
    venue: str
    capacity: int
    registered_count: int
    status: str


@router.get("/plans", response=list[PlanOut], summary="考试计划列表")
def plan_list(request: AuthenticatedRequest, limit: Limit = 100, offset: Offset = 0) -> list[PlanOut]:
    rows = (ExamPlan.objects.restrict(request.user).select_related("job_type").order_by("-exam_date", "-id")
            [offset: offset + limit])
    return [PlanOut(id=p.pk, title=p.title, job_type=p.job_type.code, job_type_name=p.job_type.name,
                    region_code=p.region_id, run_by=p.run_by, provincial_notice_no=p.provincial_notice_no,
                    exam_on=p.exam_date, registration_closes=p.registration_closes, venue=p.venue,
                    capacity=p.capacity, registered_count=p.registered_count, status=p.status) for p in rows]


class RegistrationOut(Schema):
    id: int
    ticket_no: str
    name: str
    id_number_masked: str
    enterprise_name: str
    status: str
    transmission: str
    score: Decimal | None
    passed: bool | None
    certificate_number: str | None


def _plan(request: AuthenticatedRequest, plan_id: int) -> ExamPlan:
    plan = ExamPlan.objects.restrict(request.user).select_related("job_type").filter(pk=plan_id).first()
    if plan is None:
        raise NotFound("考试计划不存在")
    return plan


@router.get("/plans/{plan_id}/registrations", response=list[RegistrationOut], summary="考试计划的报名（按数据权限）")
@token_dataset("exam_registrations")
def registration_list(request: AuthenticatedRequest, plan_id: Id, limit: Limit = 200,
                      offset: Offset = 0) -> list[RegistrationOut]:
    plan = _plan(request, plan_id)
    staff = changes_kind(request.user, Registration)
    published = staff or plan.status == PlanStatus.FINISHED  # scores stay internal until 「发布成绩」
    rows = (Registration.objects.restrict(request.user).filter(plan=plan).select_related("certificate")
            .order_by("id")[offset: offset + limit])
    return [RegistrationOut(id=r.pk, ticket_no=r.ticket_no, name=r.name, id_number_masked=r.id_masked,
                            enterprise_name=r.enterprise_name, status=r.status, transmission=r.transmission,
                            score=r.score if published else None, passed=r.passed if published else None,
                            certificate_number=r.certificate.number if r.certificate_id and published else None)
            for r in rows]


class ResultIn(InputSchema):
    registration_id: Id
    score: Score


@router.post("/plans/{plan_id}/results", response=RegistrationOut, summary="录入成绩（考试管理人员；考试日前拒绝）",
             description="考试日期之前返回 400，code 为 exam_not_held；成绩在「发布成绩」后对考生和公众可见。")
@token_dataset("exam_registrations")
def result_create(request: AuthenticatedRequest, plan_id: Id, payload: ResultIn) -> RegistrationOut:
    plan = _plan(request, plan_id)
    reg = (Registration.objects.restrict(request.user).select_related("plan__job_type", "certificate")
           .filter(plan=plan, pk=payload.registration_id).first())
    if reg is None:
        raise NotFound("考生报名不存在或不在您的管辖范围内")
    done = services.result_record(actor=request.user, registration=reg, score=payload.score)
    return RegistrationOut(id=done.pk, ticket_no=done.ticket_no, name=done.name, id_number_masked=done.id_masked,
                           enterprise_name=done.enterprise_name, status=done.status, transmission=done.transmission,
                           score=done.score, passed=done.passed, certificate_number=None)


class ReviewApplicationOut(Schema):
    id: int
    certificate_number: str
    kind: str
    status: str
    training_hours: Decimal
    due_date: dt.date
    overdue_days: int
    decision_note: str
    created_at: dt.datetime

    @staticmethod
    def of(a: ReviewApplication) -> ReviewApplicationOut:
        from bureau.training.rules import overdue_days

        return ReviewApplicationOut(id=a.pk, certificate_number=a.certificate.number, kind=a.kind, status=a.status,
                                    training_hours=a.training_hours, due_date=a.due_date,
                                    overdue_days=overdue_days(a.due_date, a.created_at.date()),
                                    decision_note=a.decision_note, created_at=a.created_at)


@router.get("/review-applications", response=list[ReviewApplicationOut], summary="复审/延期换证申请（按数据权限）")
@token_dataset("review_applications")
def review_list(request: AuthenticatedRequest, status: str | None = None, limit: Limit = 100,
                offset: Offset = 0) -> list[ReviewApplicationOut]:
    rows = ReviewApplication.objects.restrict(request.user).select_related("certificate")
    if status:
        rows = rows.filter(status=status)
    return [ReviewApplicationOut.of(a) for a in rows.order_by("-created_at", "-id")[offset: offset + limit]]


class ReviewIn(InputSchema):
    certificate_id: Id
    kind: str = Field(max_length=20)
    training_hours: Hours
    training_provider: str = Field(max_length=120)
    training_finished_on: Day
    years_in_trade: int = Field(default=0, ge=0, le=60)
    clean_record: bool = False


@router.post("/review-applications", response={201: ReviewApplicationOut}, summary="持证人申请复审/延期换证")
@token_dataset("review_applications")
def review_create(request: AuthenticatedRequest, payload: ReviewIn) -> tuple[int, ReviewApplicationOut]:
    user = request.user
    mine = Q(holder_id_index=blind_index(user.id_number)) if user.id_number else Q(pk__in=[])
    cert = Certificate.objects.restrict(user).filter(mine, pk=payload.certificate_id).select_related("type").first()
    if cert is None:
        raise NotFound("证书不存在或不是您本人的证书")
    application = services.review_apply(actor=user, certificate=cert, kind=payload.kind,
                                        training_hours=payload.training_hours,
                                        training_provider=payload.training_provider,
                                        training_finished_on=payload.training_finished_on,
                                        years_in_trade=payload.years_in_trade, clean_record=payload.clean_record)
    return 201, ReviewApplicationOut.of(application)


class DecisionIn(InputSchema):
    approve: bool
    note: str = Field(default="", max_length=300)


@router.post("/review-applications/{application_id}/decision", response=ReviewApplicationOut,
             summary="审核复审/延期换证申请（证照管理人员）")
@token_dataset("review_applications")
def review_decision(request: AuthenticatedRequest, application_id: Id, payload: DecisionIn) -> ReviewApplicationOut:
    application = (ReviewApplication.objects.restrict(request.user).select_related("certificate")
                   .filter(pk=application_id).first())
    if application is None:
        raise NotFound("申请不存在或不在您的管辖范围内")
    done = services.review_decide(actor=request.user, application=application, approve=payload.approve,
                                  note=payload.note)
    return ReviewApplicationOut.of(done)


routers = [("v1/training", router, "exam_plans")]
