"""Dual-prevention endpoints: scoped exactly like the UI (another county's id answers 404), every write through the
same service (and so the same declared action, guards, history and audit) as the pages.

Operations: the hazard list, report, detail and plan; the loop's steps (`/actions/{action}`; the enterprise asks for
acceptance with rectification evidence at `/acceptance-request`); rectification evidence (`/evidence`); the deadline
extension request (enterprise) and decision (bureau); listed supervision (progress, evidence, recheck request,
verification); the risk register and the jurisdiction overview."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import Http404
from django.urls import reverse
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile

from bureau.accounts.http import AuthenticatedRequest
from bureau.accounts.tokens import token_dataset
from bureau.enterprises.models import Enterprise
from bureau.hazards import alarm_api, queries, services
from bureau.hazards.models import (
    CheckItem,
    DeadlineExtension,
    Hazard,
    ListedSupervision,
    ListingEntry,
    RiskPoint,
    ScheduledCheck,
)
from bureau.hazards.workflow import extension_workflow, hazard_workflow, listing_workflow
from bureau.kernel.errors import DomainError, NotFound, PermissionDenied
from bureau.kernel.models import Attachment
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
    violation_code: str = ""
    checklist_item_id: int | None = None

    @staticmethod
    def of(h: Hazard) -> HazardOut:
        return HazardOut(id=h.pk, number=h.number, enterprise_id=h.enterprise_id, enterprise_name=h.enterprise.name,
                         region_code=h.region_id, source=h.source, source_label=h.get_source_display(), title=h.title,
                         location=h.location, grade=h.grade, major_criterion=h.major_criterion, found_on=h.found_on,
                         reported_at=h.reported_at, deadline=h.deadline, state=h.state,
                         state_label=hazard_workflow.state_label(h.state), overdue=h.is_overdue(),
                         responsible_person=h.responsible_person, measures=h.measures,
                         violation_code=h.violation_code, checklist_item_id=h.checklist_item_id)


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
    violation_code: str = Field("", description="对应违法行为代码（裁量基准中有效的代码；自查免罚据此比对）",
                                max_length=40)
    checklist_item_id: Id | None = Field(None, description="对应执法检查表的检查项（企业照单自查时填写）")


class PlanIn(InputSchema):
    measures: Text
    deadline: Day | None = Field(None, description="整改期限。企业对监管部门或专家发现的隐患不能更改已确定的期限"
                                                   "（不填即沿用；须延期的请提交延期申请）")
    responsible_person: str
    funds: Money | None = None
    contingency: Text = ""


class ActionIn(InputSchema):
    note: Text = ""


class ExtensionIn(InputSchema):
    proposed_deadline: Day = Field(..., description="申请延期至：晚于现整改期限、不早于今天，且不超过规则 "
                                                    "hazards.deadline_extension_max_days 规定的天数")
    reason: Text = Field(..., description="延期理由")


class DecisionIn(InputSchema):
    note: Text = Field(..., description="审批意见（准予或不予延期的理由）")


class ExtensionOut(Schema):
    id: int
    hazard_id: int
    hazard_number: str
    state: str
    state_label: str
    current_deadline: dt.date
    proposed_deadline: dt.date
    reason: str
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    decision_note: str

    @staticmethod
    def of(e: DeadlineExtension) -> ExtensionOut:
        return ExtensionOut(id=e.pk, hazard_id=e.hazard_id, hazard_number=e.hazard.number, state=e.state,
                            state_label=extension_workflow.state_label(e.state), current_deadline=e.current_deadline,
                            proposed_deadline=e.proposed_deadline, reason=e.reason, requested_at=e.requested_at,
                            decided_at=e.decided_at, decision_note=e.decision_note)


class EvidenceOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime
    download_url: str

    @staticmethod
    def of(a: Attachment) -> EvidenceOut:
        return EvidenceOut(id=a.pk, name=a.original_name, content_type=a.content_type_header, size=a.size,
                           sha256=a.sha256, uploaded_at=a.uploaded_at,
                           download_url=reverse("attachment_download", args=[a.pk]))


class ListingOut(Schema):
    id: int
    number: str
    hazard_id: int
    enterprise_id: int
    enterprise_name: str
    region_code: str
    state: str
    state_label: str
    listed_on: dt.date
    deadline: dt.date
    latest_percent: int | None
    recheck_requested_on: dt.date | None
    removal_due: dt.date | None
    removed_on: dt.date | None

    @staticmethod
    def of(x: ListedSupervision) -> ListingOut:
        return ListingOut(id=x.pk, number=x.number, hazard_id=x.hazard_id, enterprise_id=x.enterprise_id,
                          enterprise_name=x.enterprise.name, region_code=x.region_id, state=x.state,
                          state_label=listing_workflow.state_label(x.state), listed_on=x.listed_on,
                          deadline=x.deadline, latest_percent=x.latest_percent(),
                          recheck_requested_on=x.recheck_requested_on, removal_due=x.removal_due,
                          removed_on=x.removed_on)


class ListingEntryIn(InputSchema):
    kind: Literal["progress", "assistance"] = Field("progress", description="progress 整改进展；assistance 帮扶记录"
                                                                            "（仅监管部门）")
    text: Text
    percent: int | None = Field(None, ge=0, le=100, description="完成进度（%），不能低于上次填报的进度")
    on: Day | None = Field(None, description="日期：不晚于今天，不早于挂牌日期和上次进展日期；不填为今天")


class ListingEntryOut(Schema):
    id: int
    kind: str
    on: dt.date
    percent: int | None
    text: str
    actor_name: str

    @staticmethod
    def of(e: ListingEntry) -> ListingEntryOut:
        return ListingEntryOut(id=e.pk, kind=e.kind, on=e.on, percent=e.percent, text=e.text,
                               actor_name=e.actor_name)


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


def _hazard(request: AuthenticatedRequest, hazard_id: Id) -> Hazard:
    try:
        return queries.get_hazard_for(request.user, hazard_id)
    except Http404:
        raise NotFound("隐患不存在或不在您的管辖范围内") from None


@router.get("", response=HazardPage, summary="隐患清单（按数据权限过滤）")
def hazard_list(request: AuthenticatedRequest, filters: Query[HazardFilter]) -> HazardPage:
    limit, offset = filters.limit, filters.offset
    params = {k: v for k, v in filters.dict().items() if v is not None}
    rows = list(queries.hazard_list(request.user, params)[offset: offset + limit + 1])
    return HazardPage(items=[HazardOut.of(h) for h in rows[:limit]],
                      next_offset=offset + limit if len(rows) > limit else None)


@router.post("", response={201: HazardOut}, summary="登记隐患（企业自查或监管部门发现）")
def hazard_create(request: AuthenticatedRequest, payload: HazardIn) -> tuple[int, HazardOut]:
    user = request.user
    enterprise = user.enterprise
    if enterprise is not None:
        source = "self_inspection"
    else:
        enterprise = Enterprise.objects.restrict(user).filter(pk=payload.enterprise_id).first()
        if enterprise is None:
            raise NotFound("企业不存在或不在您的管辖范围内")
        if payload.source == "self_inspection":
            raise PermissionDenied("自查隐患只能由企业登记")
        if payload.source == "alarm":
            raise PermissionDenied("监测报警隐患线索由系统根据未及时消除的报警自动生成，不能手工登记")
        source = payload.source
    item = None
    if payload.checklist_item_id is not None:  # the inspection area's checklist, through the relation (no import)
        item = Hazard._meta.get_field("checklist_item").related_model._default_manager.filter(
            pk=payload.checklist_item_id).first()
        if item is None:
            raise NotFound("检查项不存在")
    hazard = services.hazard_report(actor=user, enterprise=enterprise, source=source, title=payload.title,
                                    found_on=payload.found_on, grade=payload.grade, description=payload.description,
                                    location=payload.location, major_criterion=payload.major_criterion,
                                    deadline=payload.deadline, violation_code=payload.violation_code,
                                    checklist_item=item)
    return 201, HazardOut.of(hazard)


@router.get("/overview", response=list[OverviewRow], summary="辖区隐患与风险总览")
def overview(request: AuthenticatedRequest) -> list[dict[str, Any]]:
    if request.user.enterprise_id:
        raise PermissionDenied("企业用户无权查看辖区总览")
    return queries.jurisdiction_overview(request.user)


@router.get("/risk-points", response=list[RiskPointOut], summary="风险分级管控清单")
@token_dataset("risk_points")
def risk_point_list(request: AuthenticatedRequest, level: str | None = None, limit: LongLimit = 100) -> list[RiskPointOut]:
    rows = queries.risk_points(request.user, {"level": level} if level else {})[:limit]
    return [RiskPointOut.of(p) for p in rows]


@router.post("/risk-points", response={201: RiskPointOut}, summary="登记风险点（自动分级）")
@token_dataset("risk_points")
def risk_point_create(request: AuthenticatedRequest, payload: RiskPointIn) -> tuple[int, RiskPointOut]:
    enterprise = request.user.enterprise
    if enterprise is None:
        raise PermissionDenied("风险点由企业登记")
    point = services.risk_point_save(actor=request.user, enterprise=enterprise, **payload.dict())
    return 201, RiskPointOut.of(point)


def _extension(request: AuthenticatedRequest, extension_id: Id) -> DeadlineExtension:
    extension = (DeadlineExtension.objects.restrict(request.user).select_related("hazard")
                 .filter(pk=extension_id).first())
    if extension is None:
        raise NotFound("延期申请不存在或不在您的管辖范围内")
    return extension


def _listing(request: AuthenticatedRequest, listing_id: Id) -> ListedSupervision:
    try:
        return queries.get_listing_for(request.user, listing_id)
    except Http404:
        raise NotFound("督办事项不存在或不在您的管辖范围内") from None


@router.get("/extensions", response=list[ExtensionOut], summary="整改延期申请（按数据权限过滤；state=requested 为待审批）")
def extension_list(request: AuthenticatedRequest, state: Literal["requested", "approved", "refused"] | None = None,
                   limit: Limit = 50, offset: Offset = 0) -> list[ExtensionOut]:
    qs = DeadlineExtension.objects.restrict(request.user).select_related("hazard")
    if state:
        qs = qs.filter(state=state)
    return [ExtensionOut.of(e) for e in qs.order_by("-requested_at", "-id")[offset: offset + limit]]


@router.post("/extensions/{extension_id}/actions/{action}", response=ExtensionOut,
             summary="监管部门审批延期申请：approve 准予延期（整改期限随之变更）/ refuse 不予延期",
             description="辖区监管部门（执法人员、科室负责人、分管负责人）审批，须填写审批意见；准予后隐患的整改期限改为"
                         "申请的日期，并记入隐患的办理过程，企业收到通知。")
def extension_decide(request: AuthenticatedRequest, extension_id: Id, action: Literal["approve", "refuse"],
                     payload: DecisionIn) -> ExtensionOut:
    extension = _extension(request, extension_id)
    services.extension_decide(actor=request.user, extension=extension, action=action, note=payload.note)
    return ExtensionOut.of(extension)


@router.get("/listings", response=list[ListingOut], summary="挂牌督办清单（按数据权限过滤）")
@token_dataset("listings")
def listing_list(request: AuthenticatedRequest, state: Literal["listed", "recheck_requested", "removed"] | None = None,
                 limit: Limit = 50, offset: Offset = 0) -> list[ListingOut]:
    rows = queries.listing_list(request.user, {"state": state} if state else {})[offset: offset + limit]
    return [ListingOut.of(x) for x in rows]


@router.get("/listings/{listing_id}", response=ListingOut, summary="挂牌督办详情")
@token_dataset("listings")
def listing_detail(request: AuthenticatedRequest, listing_id: Id) -> ListingOut:
    return ListingOut.of(_listing(request, listing_id))


@router.get("/listings/{listing_id}/entries", response=list[ListingEntryOut], summary="挂牌督办的整改进展与帮扶记录")
@token_dataset("listings")
def listing_entries(request: AuthenticatedRequest, listing_id: Id) -> list[ListingEntryOut]:
    return [ListingEntryOut.of(e) for e in _listing(request, listing_id).entries.all()]


@router.post("/listings/{listing_id}/entries", response={201: ListingEntryOut},
             summary="填报整改进展（企业或监管部门）或帮扶记录（监管部门）",
             description="完成进度不能低于上次填报的进度；日期不晚于今天、不早于挂牌日期和上次进展日期。")
@token_dataset("listings")
def listing_entry_create(request: AuthenticatedRequest, listing_id: Id, payload: ListingEntryIn) -> tuple[int, ListingEntryOut]:
    entry = services.listing_entry_add(actor=request.user, listing=_listing(request, listing_id), kind=payload.kind,
                                       text=payload.text, percent=payload.percent, on=payload.on)
    return 201, ListingEntryOut.of(entry)


@router.get("/listings/{listing_id}/evidence", response=list[EvidenceOut], summary="挂牌督办的整改佐证")
@token_dataset("listings")
def listing_evidence_list(request: AuthenticatedRequest, listing_id: Id) -> list[EvidenceOut]:
    return [EvidenceOut.of(a) for a in services.evidence_of(_listing(request, listing_id))]


@router.post("/listings/{listing_id}/evidence", response={201: list[EvidenceOut]},
             summary="上传挂牌督办的整改佐证（multipart，字段 files，可多个：JPG/PNG/PDF）",
             description="督办中的事项，企业或辖区监管部门上传；类型、大小和数量按规则 hazards.evidence_types、"
                         "hazards.evidence_max_mb、hazards.evidence_max_files 校验。")
@token_dataset("listings")
def listing_evidence_create(request: AuthenticatedRequest, listing_id: Id, files: File[list[UploadedFile]],
                            note: Form[str] = "") -> tuple[int, list[EvidenceOut]]:
    saved = services.listing_evidence_add(actor=request.user, listing=_listing(request, listing_id), files=files,
                                          note=note)
    return 201, [EvidenceOut.of(a) for a in saved]


@router.post("/listings/{listing_id}/recheck-request", response=ListingOut,
             summary="申请核查销号（multipart：note，可附整改佐证 files）",
             description="整改完成进度达到规则 hazards.listing_recheck_min_percent（默认 100%）方可申请；监管部门须在"
                         "规则 hazards.listing_removal_working_days 个工作日内核查销号。")
@token_dataset("listings")
def listing_recheck_request(request: AuthenticatedRequest, listing_id: Id, note: Form[str] = "",
                            files: File[list[UploadedFile] | None] = None) -> ListingOut:
    listing = _listing(request, listing_id)
    services.listing_request_recheck(actor=request.user, listing=listing, note=note, files=files or [])
    return ListingOut.of(listing)


@router.post("/listings/{listing_id}/actions/{action}", response=ListingOut,
             summary="督办核查：verify_fail 核查未通过（须写明原因）/ remove 核查通过、销号（科室负责人、分管负责人）")
@token_dataset("listings")
def listing_action(request: AuthenticatedRequest, listing_id: Id, action: Literal["verify_fail", "remove"],
                   payload: ActionIn) -> ListingOut:
    listing = _listing(request, listing_id)
    handler = services.listing_verify_fail if action == "verify_fail" else services.listing_remove
    handler(actor=request.user, listing=listing, note=payload.note)
    return ListingOut.of(listing)


# ---------------------------------------------------------------------------------------------------------------
# 排查清单, scheduled checks, check-ins, 风险告知卡 and the site map (data set risk_points)


class FrequencyOut(Schema):
    code: str
    label: str
    unit: str
    every: int
    grace_minutes: int
    source: str
    effective_from: dt.date


class CheckItemOut(Schema):
    id: int
    risk_point_id: int
    content: str
    standard: str
    frequency: str
    frequency_label: str
    post: str
    responsible_person: str
    active: bool

    @staticmethod
    def of(i: CheckItem) -> CheckItemOut:
        return CheckItemOut(id=i.pk, risk_point_id=i.risk_point_id, content=i.content, standard=i.standard,
                            frequency=i.frequency.code, frequency_label=i.frequency.label, post=i.post,
                            responsible_person=i.responsible_person, active=i.active)


class CheckItemIn(InputSchema):
    content: str = Field(..., max_length=200, description="排查内容")
    standard: str = Field("", max_length=300, description="排查标准/依据")
    frequency: str = Field(..., max_length=30, description="排查频次代码（见 /check-frequencies）")
    post: str = Field(..., max_length=60, description="排查岗位")
    responsible_person: str = Field(..., max_length=40, description="包保责任人")


class CheckOut(Schema):
    id: int
    item_id: int
    content: str
    risk_point_id: int
    risk_point_name: str
    level: str
    enterprise_id: int
    enterprise_name: str
    frequency_label: str
    post: str
    responsible_person: str
    window_start: dt.datetime
    due_at: dt.datetime
    missed_after: dt.datetime
    state: str
    state_label: str
    done_at: dt.datetime | None
    result: str
    note: str
    hazard_id: int | None
    photo_urls: list[str] = []

    @staticmethod
    def of(c: ScheduledCheck, photos: bool = False) -> CheckOut:
        urls = ([reverse("attachment_download", args=[a.pk]) for a in c.attachments().order_by("id")]
                if photos else [])
        return CheckOut(id=c.pk, item_id=c.item_id, content=c.item.content, risk_point_id=c.risk_point_id,
                        risk_point_name=c.risk_point.name, level=c.risk_point.level, enterprise_id=c.enterprise_id,
                        enterprise_name=c.enterprise.name, frequency_label=c.item.frequency.label, post=c.item.post,
                        responsible_person=c.item.responsible_person, window_start=c.window_start, due_at=c.due_at,
                        missed_after=c.missed_after, state=c.state, state_label=c.get_state_display(),
                        done_at=c.done_at, result=c.result, note=c.note, hazard_id=c.hazard_id, photo_urls=urls)


class CheckFilter(InputSchema):
    state: Literal["open", "scheduled", "done", "missed"] | None = None
    enterprise: Id | None = None
    risk_point: Id | None = None
    region: str | None = Field(None, max_length=12)
    since: Day | None = Field(None, description="排查时段结束不早于该日")
    until: Day | None = Field(None, description="排查时段结束不晚于该日")
    limit: Limit = 50
    offset: Offset = 0


class CheckPage(Schema):
    items: list[CheckOut]
    next_offset: int | None


class PlacementIn(InputSchema):
    x: float = Field(..., ge=0, le=1, description="横向位置：平面图宽度的比例（0 左 — 1 右）")
    y: float = Field(..., ge=0, le=1, description="纵向位置：平面图高度的比例（0 上 — 1 下）")


class MapPointOut(Schema):
    id: int
    name: str
    level: str
    level_label: str
    hazard_source: str
    x: float | None
    y: float | None


class SitePlanOut(Schema):
    title: str
    width: int
    height: int
    image_url: str


class SiteMapOut(Schema):
    enterprise_id: int
    plan: SitePlanOut | None
    points: list[MapPointOut]


def _risk_point(request: AuthenticatedRequest, risk_point_id: Id) -> RiskPoint:
    try:
        return queries.get_risk_point_for(request.user, risk_point_id)
    except Http404 as exc:
        raise NotFound("风险点不存在或不在您的管辖范围内") from exc


def _check_page(rows: list[ScheduledCheck], offset: int, limit: int) -> CheckPage:
    return CheckPage(items=[CheckOut.of(c) for c in rows[:limit]],
                     next_offset=offset + limit if len(rows) > limit else None)


@router.get("/check-frequencies", response=list[FrequencyOut], summary="排查频次（规则数据，含依据和施行日期）")
@token_dataset("risk_points")
def check_frequencies(request: AuthenticatedRequest) -> list[FrequencyOut]:
    return [FrequencyOut(code=f.code, label=f.label, unit=f.unit, every=f.every, grace_minutes=f.grace_minutes,
                         source=f.source, effective_from=f.effective_from) for f in queries.frequencies()]


@router.get("/risk-points/{risk_point_id}/check-items", response=list[CheckItemOut], summary="风险点的排查清单")
@token_dataset("risk_points")
def check_item_list(request: AuthenticatedRequest, risk_point_id: Id) -> list[CheckItemOut]:
    point = _risk_point(request, risk_point_id)
    return [CheckItemOut.of(i) for i in queries.check_items_of(request.user, point.pk, active_only=False)]


@router.post("/risk-points/{risk_point_id}/check-items", response={201: CheckItemOut},
             summary="企业为风险点添加排查清单项（按频次生成排查任务）")
@token_dataset("risk_points")
def check_item_create(request: AuthenticatedRequest, risk_point_id: Id, payload: CheckItemIn
                      ) -> tuple[int, CheckItemOut]:
    point = _risk_point(request, risk_point_id)
    frequency = queries.frequencies().filter(code=payload.frequency).first()
    if frequency is None:
        raise DomainError("排查频次无效", field="frequency")
    item = services.check_item_save(actor=request.user, risk_point=point, content=payload.content,
                                    standard=payload.standard, frequency=frequency, post=payload.post,
                                    responsible_person=payload.responsible_person)
    return 201, CheckItemOut.of(item)


@router.post("/check-items/{item_id}/deactivate", response=CheckItemOut, summary="停用排查清单项")
@token_dataset("risk_points")
def check_item_deactivate(request: AuthenticatedRequest, item_id: Id) -> CheckItemOut:
    try:
        item = queries.get_check_item_for(request.user, item_id)
    except Http404 as exc:
        raise NotFound("排查清单项不存在或不在您的管辖范围内") from exc
    return CheckItemOut.of(services.check_item_deactivate(actor=request.user, item=item))


@router.get("/checks", response=CheckPage, summary="排查任务（state=open 当前可打卡 / scheduled / done / missed）")
@token_dataset("risk_points")
def check_list(request: AuthenticatedRequest, filters: Query[CheckFilter]) -> CheckPage:
    params = filters.dict(exclude_none=True)
    rows = list(queries.checks(request.user, params)[filters.offset:filters.offset + filters.limit + 1])
    return _check_page(rows, filters.offset, filters.limit)


@router.get("/checks/missed", response=CheckPage, summary="漏检记录（企业看本企业，监管部门看辖区）")
@token_dataset("risk_points")
def check_missed(request: AuthenticatedRequest, filters: Query[CheckFilter]) -> CheckPage:
    params = filters.dict(exclude_none=True)
    rows = list(queries.missed_checks(request.user, params)[filters.offset:filters.offset + filters.limit + 1])
    return _check_page(rows, filters.offset, filters.limit)


def _check(request: AuthenticatedRequest, check_id: Id) -> ScheduledCheck:
    try:
        return queries.get_check_for(request.user, check_id)
    except Http404 as exc:
        raise NotFound("排查任务不存在或不在您的管辖范围内") from exc


@router.get("/checks/{check_id}", response=CheckOut, summary="排查任务详情（含打卡照片）")
@token_dataset("risk_points")
def check_detail(request: AuthenticatedRequest, check_id: Id) -> CheckOut:
    return CheckOut.of(_check(request, check_id), photos=True)


@router.post("/checks/{check_id}/check-in", response=CheckOut,
             summary="排查打卡（multipart：result=normal|abnormal，note，hazard_title，photos 现场照片可多张）",
             description="企业岗位人员在排查时段内（含宽限）打卡，至少 hazards.checkin_photo_min 张现场照片"
                         "（JPG/PNG，按内容校验）；结果为发现隐患时登记一项企业自查隐患。重复打卡或已漏检的返回 409。")
@token_dataset("risk_points")
def check_check_in(request: AuthenticatedRequest, check_id: Id, result: Form[str], note: Form[str] = "",
                   hazard_title: Form[str] = "", photos: File[list[UploadedFile] | None] = None) -> CheckOut:
    check = services.check_in(actor=request.user, check=_check(request, check_id), result=result, note=note,
                              hazard_title=hazard_title, photos=photos or [])
    return CheckOut.of(check, photos=True)


class NoticeCardOut(Schema):
    title: str
    url: str
    sha256: str
    created_at: dt.datetime


@router.get("/risk-points/{risk_point_id}/notice-card", response=NoticeCardOut,
            summary="风险告知卡（PDF 文书：下载地址与摘要；风险点或排查清单变化后重新生成）")
@token_dataset("risk_points")
def risk_notice_card(request: AuthenticatedRequest, risk_point_id: Id) -> NoticeCardOut:
    document = services.risk_notice_card(actor=request.user, risk_point=_risk_point(request, risk_point_id))
    return NoticeCardOut(title=document.title, url=reverse("document_download", args=[document.pk]),
                         sha256=document.sha256, created_at=document.created_at)


def _site_map(request: AuthenticatedRequest, enterprise_id: int) -> SiteMapOut:
    plan = queries.site_plan_for(request.user, enterprise_id)
    return SiteMapOut(
        enterprise_id=enterprise_id,
        plan=(SitePlanOut(title=plan.title, width=plan.width, height=plan.height,
                          image_url=reverse("attachment_download", args=[plan.image_id])) if plan else None),
        points=[MapPointOut(**p) for p in queries.site_map_points(request.user, enterprise_id)])


@router.get("/site-map", response=SiteMapOut, summary="风险四色分布图：平面图与风险点位置（企业不填 enterprise）")
@token_dataset("risk_points")
def site_map(request: AuthenticatedRequest, enterprise: Id | None = None) -> SiteMapOut:
    enterprise_id = enterprise or request.user.enterprise_id
    if enterprise_id is None:
        raise DomainError("请指定企业（enterprise）", field="enterprise")
    if not Enterprise.objects.restrict(request.user).filter(pk=enterprise_id).exists():
        raise NotFound("企业不存在或不在您的管辖范围内")
    return _site_map(request, enterprise_id)


@router.post("/site-map", response={201: SiteMapOut}, summary="企业上传厂区平面图（multipart：title，image PNG/JPG）")
@token_dataset("risk_points")
def site_plan_upload(request: AuthenticatedRequest, image: File[UploadedFile], title: Form[str] = "厂区平面布置图"
                     ) -> tuple[int, SiteMapOut]:
    enterprise = request.user.enterprise
    if enterprise is None:
        raise PermissionDenied("平面图由企业上传")
    services.site_plan_upload(actor=request.user, enterprise=enterprise, title=title, image=image)
    return 201, _site_map(request, enterprise.pk)


@router.put("/risk-points/{risk_point_id}/position", response=MapPointOut,
            summary="在平面图上标注风险点（x、y 为平面图宽、高的比例 0—1）")
@token_dataset("risk_points")
def risk_point_position(request: AuthenticatedRequest, risk_point_id: Id, payload: PlacementIn) -> MapPointOut:
    point = _risk_point(request, risk_point_id)
    placement = services.risk_point_place(actor=request.user, risk_point=point, x=payload.x, y=payload.y)
    return MapPointOut(id=point.pk, name=point.name, level=point.level, level_label=point.get_level_display(),
                       hazard_source=point.hazard_source, x=float(placement.x), y=float(placement.y))



@router.get("/{hazard_id}", response=HazardOut, summary="隐患详情")
def hazard_detail(request: AuthenticatedRequest, hazard_id: Id) -> HazardOut:
    return HazardOut.of(_hazard(request, hazard_id))


@router.post("/{hazard_id}/plan", response=HazardOut, summary="登记整改方案")
def hazard_plan(request: AuthenticatedRequest, hazard_id: Id, payload: PlanIn) -> HazardOut:
    hazard = _hazard(request, hazard_id)
    services.hazard_plan(actor=request.user, hazard=hazard, **payload.dict())
    return HazardOut.of(hazard)


@router.post("/{hazard_id}/actions/{action}", response=HazardOut,
             summary="申请验收 / 验收通过 / 验收不通过 / 销号（request_acceptance, accept, reject_acceptance, close）",
             description="监管部门或专家发现的隐患由监管部门验收、销号（体检隐患也可由参与该次体检的专家验收），企业只能"
                         "申请验收；企业自查的一般隐患由企业自行验收、销号，重大隐患由监管部门或专家验收。")
def hazard_action(request: AuthenticatedRequest, hazard_id: Id,
                  action: Literal["request_acceptance", "accept", "reject_acceptance", "close"],
                  payload: ActionIn) -> HazardOut:
    hazard = _hazard(request, hazard_id)
    services.hazard_transition(actor=request.user, hazard=hazard, action=action, note=payload.note)
    return HazardOut.of(hazard)


@router.post("/{hazard_id}/acceptance-request", response=HazardOut,
             summary="申请验收/复查，可附整改佐证（multipart：note，files 可多个 JPG/PNG/PDF）")
def hazard_acceptance_request(request: AuthenticatedRequest, hazard_id: Id, note: Form[str] = "",
                              files: File[list[UploadedFile] | None] = None) -> HazardOut:
    hazard = _hazard(request, hazard_id)
    services.hazard_transition(actor=request.user, hazard=hazard, action="request_acceptance", note=note,
                               files=files or [])
    return HazardOut.of(hazard)


@router.get("/{hazard_id}/evidence", response=list[EvidenceOut], summary="隐患的整改佐证（照片、证书、报告）")
def hazard_evidence_list(request: AuthenticatedRequest, hazard_id: Id) -> list[EvidenceOut]:
    return [EvidenceOut.of(a) for a in services.evidence_of(_hazard(request, hazard_id))]


@router.post("/{hazard_id}/evidence", response={201: list[EvidenceOut]},
             summary="上传整改佐证（multipart，字段 files，可多个：JPG/PNG/PDF）",
             description="整改中的隐患，企业或辖区监管部门上传；类型、大小和数量按规则 hazards.evidence_types、"
                         "hazards.evidence_max_mb、hazards.evidence_max_files 校验。")
def hazard_evidence_create(request: AuthenticatedRequest, hazard_id: Id, files: File[list[UploadedFile]],
                           note: Form[str] = "") -> tuple[int, list[EvidenceOut]]:
    saved = services.hazard_evidence_add(actor=request.user, hazard=_hazard(request, hazard_id), files=files,
                                         note=note)
    return 201, [EvidenceOut.of(a) for a in saved]


@router.get("/{hazard_id}/extensions", response=list[ExtensionOut], summary="隐患的整改延期申请")
def hazard_extensions(request: AuthenticatedRequest, hazard_id: Id) -> list[ExtensionOut]:
    hazard = _hazard(request, hazard_id)
    return [ExtensionOut.of(e) for e in DeadlineExtension.objects.restrict(request.user).filter(hazard=hazard)
            .select_related("hazard")]


@router.post("/{hazard_id}/extensions", response={201: ExtensionOut},
             summary="企业申请延长整改期限（监管部门或专家发现的隐患）",
             description="企业不能自行更改监管部门或专家确定的整改期限；确需延期的提出申请，写明理由和申请延至的日期"
                         "（晚于现期限、不早于今天、不超过规则 hazards.deadline_extension_max_days），由监管部门审批。"
                         "每项隐患同时只能有一份待审批的申请。")
def hazard_extension_create(request: AuthenticatedRequest, hazard_id: Id, payload: ExtensionIn) -> tuple[int, ExtensionOut]:
    extension = services.extension_request(actor=request.user, hazard=_hazard(request, hazard_id),
                                           proposed_deadline=payload.proposed_deadline, reason=payload.reason)
    return 201, ExtensionOut.of(extension)


routers = [("v1/hazards/alarms", alarm_api.router, "alarms"), ("v1/hazards", router, "hazards")]
