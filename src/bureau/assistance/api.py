"""Proactive-service endpoints: expert checkups (the expert's mobile client records findings here; the bureau assigns
the team by a recorded draw, rotation or by name, chooses the leader, records each expert's fee; the enterprise
rates the service), the expert pool, safety-evaluation agencies (reports with their file, random spot checks) and
the public registry of agencies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.db.models import Count, Exists, OuterRef
from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile

from bureau.accounts.http import AuthenticatedRequest
from bureau.accounts.roles import AGENCY
from bureau.accounts.scope import scope_for
from bureau.assistance import observation_api, services
from bureau.assistance.api_processes import routers as process_routers
from bureau.assistance.models import (
    AgencyReport,
    AgencyScope,
    AgencyStaff,
    AssessmentAgency,
    Checkup,
    CheckupFinding,
    Expert,
    RecordedDraw,
    ReportSpotCheck,
)
from bureau.assistance.workflow import checkup_workflow
from bureau.enterprises.models import Enterprise
from bureau.kernel.errors import DomainError, NotFound, PermissionDenied
from bureau.kernel.schemas import Day, Id, InputSchema, Text

# bounds of the numbers a caller sends (the services check the rules themselves: team size, 好差评 levels 1–5)
TeamSize = Annotated[int, Field(ge=1, le=20)]
Level = Annotated[int, Field(ge=1, le=5)]
SampleSize = Annotated[int, Field(ge=1, le=500)]
WorkingDays = Annotated[Decimal, Field(ge=0, le=60)]

router = Router(tags=["主动服务"])


class CheckupOut(Schema):
    id: int
    number: str
    enterprise_name: str
    region_code: str
    specialty: str
    state: str
    state_label: str
    planned_on: dt.date | None
    findings: int


class FindingIn(InputSchema):
    title: str
    location: str = ""
    grade: str = "general"
    major_criterion: str = ""
    suggestion: Text = ""
    deadline: Day | None = None


class FindingOut(Schema):
    id: int
    title: str
    grade: str


class PhotoOut(Schema):
    id: int
    name: str
    sha256: str
    size: int


def _out(c: Checkup) -> CheckupOut:
    return CheckupOut(id=c.pk, number=c.number, enterprise_name=c.enterprise.name, region_code=c.region_id,
                      specialty=c.specialty, state=c.state, state_label=checkup_workflow.state_label(c.state),
                      planned_on=c.planned_on,
                      findings=c.finding_count if hasattr(c, "finding_count") else c.findings.count())


def _checkup(request: AuthenticatedRequest, checkup_id: Id) -> Checkup:
    checkup = Checkup.objects.restrict(request.user).select_related("enterprise").filter(pk=checkup_id).first()
    if checkup is None:
        raise NotFound("体检不存在或无权查看")
    return checkup


@router.get("/checkups", response=list[CheckupOut], summary="安全体检（专家：指派给自己的；监管部门：辖区内）")
def checkup_list(request: AuthenticatedRequest, state: str | None = None) -> list[CheckupOut]:
    qs = (Checkup.objects.restrict(request.user).select_related("enterprise")
          .annotate(finding_count=Count("findings")).order_by("-requested_on", "-id"))
    if state:
        qs = qs.filter(state=state)
    return [_out(c) for c in qs[:100]]


@router.get("/checkups/{checkup_id}", response=CheckupOut, summary="安全体检详情")
def checkup_detail(request: AuthenticatedRequest, checkup_id: Id) -> CheckupOut:
    return _out(_checkup(request, checkup_id))


@router.post("/checkups/{checkup_id}/findings", response={201: FindingOut}, summary="专家记录体检发现的问题")
def finding_create(request: AuthenticatedRequest, checkup_id: Id, payload: FindingIn) -> tuple[int, FindingOut]:
    finding = services.finding_add(actor=request.user, checkup=_checkup(request, checkup_id), **payload.dict())
    return 201, FindingOut(id=finding.pk, title=finding.title, grade=finding.grade)


@router.post("/checkups/{checkup_id}/findings/{finding_id}/photos", response={201: list[PhotoOut]},
             summary="专家上传体检问题的现场照片（multipart，字段 photos，可多张）")
def finding_photos(request: AuthenticatedRequest, checkup_id: Id, finding_id: Id,
                   photos: File[list[UploadedFile]]) -> tuple[int, list[PhotoOut]]:
    checkup = _checkup(request, checkup_id)
    finding = CheckupFinding.objects.filter(pk=finding_id, checkup=checkup).first()
    if finding is None:
        raise NotFound("问题不存在")
    saved = services.finding_add_photos(actor=request.user, finding=finding, photos=photos)
    return 201, [PhotoOut(id=a.pk, name=a.original_name, sha256=a.sha256, size=a.size) for a in saved]


class AssignIn(InputSchema):
    """method: draw 随机抽取（服务器生成并记录随机种子）; rotation 轮换; manual 指定（expert_ids, leader_id）."""
    method: Literal["draw", "rotation", "manual"] = "draw"
    planned_on: Day
    size: TeamSize = 2
    expert_ids: list[Id] = []
    leader_id: Id | None = None


class TeamMemberOut(Schema):
    expert_id: int
    name: str
    specialties: list[str]
    is_leader: bool


class TeamOut(Schema):
    checkup_id: int
    state: str
    planned_on: dt.date | None
    team: list[TeamMemberOut]
    draw_id: int | None


def _team(checkup: Checkup, draw_id: int | None = None) -> TeamOut:
    checkup.refresh_from_db()
    rows = checkup.assignments.select_related("expert").order_by("-is_leader", "id")
    return TeamOut(checkup_id=checkup.pk, state=checkup.state, planned_on=checkup.planned_on, draw_id=draw_id,
                   team=[TeamMemberOut(expert_id=a.expert_id, name=a.expert.name, specialties=a.expert.specialty_codes,
                                       is_leader=a.is_leader) for a in rows])


@router.post("/checkups/{checkup_id}/assign", response=TeamOut,
             summary="指派专家组：随机抽取（记录种子）、轮换或指定；组长须具备体检所需专业")
def checkup_assign(request: AuthenticatedRequest, checkup_id: Id, payload: AssignIn) -> TeamOut:
    checkup = _checkup(request, checkup_id)
    if payload.method == "manual":
        experts = list(Expert.objects.restrict(request.user).filter(pk__in=payload.expert_ids))
        if len(experts) != len(set(payload.expert_ids)):
            raise NotFound("专家不存在")
        by_id = {e.pk: e for e in experts}
        leader = by_id.get(payload.leader_id) if payload.leader_id else None
        if payload.leader_id and leader is None:
            raise DomainError("组长须为本次指派的专家之一", field="leader_id")
        services.checkup_assign(actor=request.user, checkup=checkup, experts=[by_id[i] for i in payload.expert_ids],
                                planned_on=payload.planned_on, leader=leader)
        return _team(checkup)
    draw = services.checkup_draw_team(actor=request.user, checkup=checkup, planned_on=payload.planned_on,
                                      size=payload.size, method=payload.method)
    return _team(checkup, draw.pk)


class LeaderIn(InputSchema):
    expert_id: Id


@router.post("/checkups/{checkup_id}/leader", response=TeamOut, summary="确定组长（须为已指派、具备所需专业的专家）")
def checkup_leader(request: AuthenticatedRequest, checkup_id: Id, payload: LeaderIn) -> TeamOut:
    checkup = _checkup(request, checkup_id)
    expert = Expert.objects.filter(pk=payload.expert_id, assignments__checkup=checkup).first()
    if expert is None:
        raise DomainError("组长须为本次指派的专家之一", field="expert_id")
    services.checkup_choose_leader(actor=request.user, checkup=checkup, expert=expert)
    return _team(checkup)


class FeeIn(InputSchema):
    expert_id: Id
    days: WorkingDays


class SettleIn(InputSchema):
    fees: list[FeeIn]


class FeeOut(Schema):
    expert_id: int
    name: str
    days: Decimal
    rate: Decimal
    amount: Decimal
    basis: str


class SettleOut(Schema):
    checkup_id: int
    state: str
    cost: Decimal | None
    fees: list[FeeOut]


def _fees(checkup: Checkup) -> SettleOut:
    checkup.refresh_from_db()
    return SettleOut(checkup_id=checkup.pk, state=checkup.state, cost=checkup.cost, fees=[
        FeeOut(expert_id=f.expert_id, name=f.expert.name, days=f.days, rate=f.rate, amount=f.amount, basis=f.basis)
        for f in checkup.fees.select_related("expert")])


@router.post("/checkups/{checkup_id}/settle", response=SettleOut, summary="登记每位专家的工日和劳务费（政府承担）并办结")
def checkup_settle(request: AuthenticatedRequest, checkup_id: Id, payload: SettleIn) -> SettleOut:
    checkup = _checkup(request, checkup_id)
    services.checkup_settle(actor=request.user, checkup=checkup, days={f.expert_id: f.days for f in payload.fees})
    return _fees(checkup)


@router.get("/checkups/{checkup_id}/fees", response=SettleOut, summary="体检的专家劳务费")
def checkup_fees(request: AuthenticatedRequest, checkup_id: Id) -> SettleOut:
    return _fees(_checkup(request, checkup_id))


class RatingIn(InputSchema):
    level: Level
    comment: Text = ""


class RatingOut(Schema):
    checkup_id: int
    level: int
    level_label: str
    comment: str


@router.post("/checkups/{checkup_id}/rating", response={201: RatingOut},
             summary="企业评价体检服务（体检报告提交后，仅一次；level 1—5）")
def checkup_rate(request: AuthenticatedRequest, checkup_id: Id, payload: RatingIn) -> tuple[int, RatingOut]:
    checkup = _checkup(request, checkup_id)
    rating = services.checkup_rate(actor=request.user, checkup=checkup, level=payload.level, comment=payload.comment)
    return 201, RatingOut(checkup_id=checkup.pk, level=rating.level, level_label=rating.get_level_display(),
                          comment=rating.comment)


class DrawOut(Schema):
    id: int
    number: str
    kind: str
    algorithm: str
    seed: str
    pool: list[int]
    pool_digest: str
    criteria: dict
    sample_size: int
    selected: list[int]
    drawn_at: dt.datetime
    rerun_matches: bool


def _draw_out(draw: RecordedDraw) -> DrawOut:
    return DrawOut(id=draw.pk, number=draw.number, kind=draw.kind, algorithm=draw.algorithm, seed=draw.seed,
                   pool=draw.pool, pool_digest=draw.pool_digest, criteria=draw.criteria, sample_size=draw.sample_size,
                   selected=draw.selected, drawn_at=draw.drawn_at,
                   rerun_matches=services.draw_rerun(draw) == draw.selected)


@router.get("/checkups/{checkup_id}/draws", response=list[DrawOut], summary="体检的专家抽取记录（可按种子复核）")
def checkup_draws(request: AuthenticatedRequest, checkup_id: Id) -> list[DrawOut]:
    return [_draw_out(d) for d in _checkup(request, checkup_id).draws.all()]


# -- the expert pool -------------------------------------------------------------------------------------------

experts_router = Router(tags=["主动服务"])


class ExpertIn(InputSchema):
    name: str
    specialty: str
    secondary_specialties: list[str] = []
    qualification: str = ""
    employer: str = ""
    title: str = ""
    phone: str = ""
    term_starts_on: Day
    term_ends_on: Day
    available: bool = True
    unavailable_until: Day | None = None


class ConflictOut(Schema):
    enterprise_id: int
    enterprise_name: str
    kind: str
    reason: str
    declared_on: dt.date


class ExpertOut(Schema):
    id: int
    name: str
    specialty: str
    specialties: list[str]
    qualification: str
    employer: str
    title: str
    phone: str  # masked
    term_starts_on: dt.date | None
    term_ends_on: dt.date | None
    available: bool
    conflicts: list[ConflictOut]


def _expert_out(e: Expert) -> ExpertOut:
    return ExpertOut(id=e.pk, name=e.name, specialty=e.specialty, specialties=e.specialty_codes,
                     qualification=e.qualification, employer=e.employer, title=e.title, phone=e.phone_masked,
                     term_starts_on=e.term_starts_on, term_ends_on=e.term_ends_on, available=e.available,
                     conflicts=[ConflictOut(enterprise_id=c.enterprise_id, enterprise_name=c.enterprise.name,
                                            kind=c.kind, reason=c.reason, declared_on=c.declared_on)
                                for c in e.declared_conflicts.all()])


def _expert(request: AuthenticatedRequest, expert_id: int) -> Expert:
    expert = Expert.objects.restrict(request.user).prefetch_related("declared_conflicts__enterprise") \
        .filter(pk=expert_id).first()
    if expert is None:
        raise NotFound("专家不存在")
    return expert


@experts_router.get("", response=list[ExpertOut], summary="专家库（可按专业筛选；电话已脱敏）")
def expert_list(request: AuthenticatedRequest, specialty: str | None = None) -> list[ExpertOut]:
    rows = Expert.objects.restrict(request.user).prefetch_related("declared_conflicts__enterprise").order_by("id")
    return [_expert_out(e) for e in rows[:500] if not specialty or specialty in e.specialty_codes]


@experts_router.post("", response={201: ExpertOut}, summary="专家入库（专业、资格、聘期）")
def expert_create(request: AuthenticatedRequest, payload: ExpertIn) -> tuple[int, ExpertOut]:
    expert = services.expert_save(actor=request.user, **payload.dict())
    return 201, _expert_out(_expert(request, expert.pk))


@experts_router.put("/{expert_id}", response=ExpertOut, summary="修改专家信息（电话不填则保留）")
def expert_update(request: AuthenticatedRequest, expert_id: Id, payload: ExpertIn) -> ExpertOut:
    services.expert_save(actor=request.user, expert=_expert(request, expert_id), **payload.dict())
    return _expert_out(_expert(request, expert_id))


class ConflictIn(InputSchema):
    enterprise_uscc: str
    kind: str
    reason: str


@experts_router.post("/{expert_id}/conflicts", response={201: ExpertOut}, summary="登记专家与企业的利害关系（回避）")
def expert_conflict(request: AuthenticatedRequest, expert_id: Id, payload: ConflictIn) -> tuple[int, ExpertOut]:
    expert = _expert(request, expert_id)
    enterprise = Enterprise.objects.filter(uscc=payload.enterprise_uscc.strip().upper()).first()
    if enterprise is None:
        raise DomainError("没有该统一社会信用代码的企业", field="enterprise_uscc")
    services.expert_conflict_declare(actor=request.user, expert=expert, enterprise=enterprise, kind=payload.kind,
                                     reason=payload.reason)
    return 201, _expert_out(_expert(request, expert_id))


# -- safety-evaluation agencies (II.9) -------------------------------------------------------------------------

agencies_router = Router(tags=["主动服务"])


class ReportOut(Schema):
    id: int
    report_number: str
    title: str
    kind: str
    scope: str | None
    enterprise_name: str
    issued_on: dt.date
    file_sha256: str | None
    spot_checked: bool


def _report_out(r: AgencyReport, files: dict[int, object]) -> ReportOut:
    attachment = files.get(r.pk)
    return ReportOut(id=r.pk, report_number=r.report_number, title=r.title, kind=r.kind,
                     scope=r.scope.code if r.scope else None, enterprise_name=r.enterprise.name,
                     issued_on=r.issued_on, file_sha256=getattr(attachment, "sha256", None),
                     spot_checked=r.spot_checked if hasattr(r, "spot_checked") else r.spot_checks.exists())


@agencies_router.get("/reports", response=list[ReportOut], summary="评价报告（机构：本机构的；监管部门：辖区企业的）")
def report_list(request: AuthenticatedRequest) -> list[ReportOut]:
    checked = Exists(ReportSpotCheck.objects.filter(report=OuterRef("pk")))  # one query, not one per report
    rows = list(AgencyReport.objects.restrict(request.user).select_related("enterprise", "scope")
                .annotate(spot_checked=checked).order_by("-id")[:200])
    files = services.report_files(rows)
    return [_report_out(r, files) for r in rows]


class ReportIn(InputSchema):
    enterprise_uscc: str
    kind: str
    report_number: str
    title: str
    issued_on: Day
    conclusion: Text
    signer_ids: list[Id]
    scope: str | None = None


@agencies_router.post("/reports", response={201: ReportOut},
                      summary="机构报送评价报告（multipart：字段 + file，PDF/OFD；超出资质业务范围的不予接收）")
def report_create(request: AuthenticatedRequest, payload: Form[ReportIn],
                  file: File[UploadedFile]) -> tuple[int, ReportOut]:
    if AGENCY not in request.user.role_codes:
        raise PermissionDenied("只有安全评价机构可以报送评价报告")
    enterprise = Enterprise.objects.filter(uscc=payload.enterprise_uscc.strip().upper()).first()
    if enterprise is None:
        raise DomainError("没有该统一社会信用代码的企业", field="enterprise_uscc")
    scope = None
    if payload.scope:
        scope = AgencyScope.objects.filter(code=payload.scope).first()
        if scope is None:
            raise DomainError("业务范围无效", field="scope")
    signers = list(AgencyStaff.objects.filter(pk__in=payload.signer_ids,
                                              agency__organisation_id=request.user.organisation_id or 0))
    report = services.report_file(actor=request.user, enterprise=enterprise, kind=payload.kind,
                                  report_number=payload.report_number, title=payload.title, issued_on=payload.issued_on,
                                  conclusion=payload.conclusion, signers=signers, file=file, scope=scope)
    return 201, _report_out(report, services.report_files([report]))


class SpotDrawIn(InputSchema):
    sample_size: SampleSize
    issued_from: Day
    issued_to: Day


@agencies_router.post("/spot-check-draws", response={201: DrawOut},
                      summary="随机抽取待抽查的评价报告（服务器生成并记录随机种子，可复核）")
def spot_check_draw(request: AuthenticatedRequest, payload: SpotDrawIn) -> tuple[int, DrawOut]:
    return 201, _draw_out(services.spot_check_draw(actor=request.user, **payload.dict()))


@agencies_router.get("/spot-check-draws/{draw_id}", response=DrawOut, summary="一次报告抽取的记录（可按种子复核）")
def spot_check_draw_detail(request: AuthenticatedRequest, draw_id: Id) -> DrawOut:
    draw = scope_draws(request).filter(pk=draw_id, kind=RecordedDraw.Kind.SPOT_CHECK).first()
    if draw is None:
        raise NotFound("抽取记录不存在")
    return _draw_out(draw)


def scope_draws(request: AuthenticatedRequest):  # type: ignore[no-untyped-def]
    return scope_for(request.user).filter(RecordedDraw.objects.all(), region="region_id")


class SpotCheckIn(InputSchema):
    result: Literal["qualified", "minor", "serious"]
    findings: Text = ""
    draw_id: Id | None = None


class CreditOut(Schema):
    on: dt.date
    event: str
    points: int


@agencies_router.post("/reports/{report_id}/spot-check", response={201: CreditOut}, summary="记录报告抽查结果（计入机构信用）")
def report_spot_check(request: AuthenticatedRequest, report_id: Id, payload: SpotCheckIn) -> tuple[int, CreditOut]:
    report = AgencyReport.objects.restrict(request.user).select_related("agency").filter(pk=report_id).first()
    if report is None:
        raise NotFound("报告不存在")
    draw = None
    if payload.draw_id:
        draw = scope_draws(request).filter(pk=payload.draw_id, kind=RecordedDraw.Kind.SPOT_CHECK).first()
        if draw is None:
            raise NotFound("抽取记录不存在")
    record = services.spot_check(actor=request.user, report=report, result=payload.result, findings=payload.findings,
                                 draw=draw)
    return 201, CreditOut(on=record.on, event=record.event, points=record.points)


# -- the public registry (no login) ----------------------------------------------------------------------------

public_router = Router(tags=["主动服务（公开）"])


class PublicAgencyOut(Schema):
    id: int
    name: str
    uscc: str
    qualification_number: str
    qualification_valid_until: dt.date
    scopes: list[str]
    credit: int
    credit_events: list[CreditOut]


@public_router.get("/agencies", response=list[PublicAgencyOut], auth=None,
                   summary="安全评价机构名录与信用记录（公开：机构名称、资质证书编号、业务范围、有效期、信用事项）")
def public_agencies(request: HttpRequest) -> list[PublicAgencyOut]:
    agencies = list(AssessmentAgency.objects.filter(published=True).prefetch_related("scopes", "credit_records")
                    .order_by("name")[:500])
    credits = services.agency_credits(agencies)
    return [PublicAgencyOut(id=a.pk, name=a.name, uscc=a.uscc, qualification_number=a.qualification_number,
                            qualification_valid_until=a.qualification_valid_until,
                            scopes=[s.name for s in a.scopes.all()], credit=credits[a.pk],
                            credit_events=[CreditOut(on=r.on, event=r.event, points=r.points)
                                           for r in a.credit_records.all()])
            for a in agencies]


routers = [("v1/assistance/observations", observation_api.router, "observations"),
           ("v1/assistance", router, "checkups"), ("v1/assistance/experts", experts_router, "experts"),
           ("v1/assistance/agencies", agencies_router, "agency_reports"),
           ("v1/assistance/public", public_router, None), *process_routers]
