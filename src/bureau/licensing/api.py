"""Licensing endpoints: every step of the UI, scoped exactly like it (another county's id answers 404), so the
provincial platform or a mobile client can drive an application end to end."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Form, Query, Router, Schema

from bureau.accounts.http import AuthenticatedRequest
from bureau.enterprises.models import Enterprise
from bureau.kernel.errors import Conflict, DomainError, NotFound
from bureau.kernel.net import client_ip
from bureau.kernel.prepared import PreparedValues
from bureau.kernel.schemas import Day, Id, InputSchema, Limit, Natural, Offset, Text
from bureau.kernel.validation import parse_int
from bureau.licensing import eligibility, form_fields, intake, joint_check, queries, services, special_paths, tolerance
from bureau.licensing.models import Application, ApplicationDraft, Commitment, Opinion, PermitItem
from bureau.licensing.workflow import WORKFLOW

router = Router(tags=["行政审批"])
public = Router(tags=["行政审批（公开）"])


class MaterialOut(Schema):
    id: int
    name: str
    requirement: str
    shared_from: str
    form: str = Field("", description="材料形式")
    copies: int = Field(1, description="份数")


class StepOut(Schema):
    name: str = Field(description="环节")
    actor: str = Field(description="办理人员")
    limit: str = Field(description="时限")
    note: str = Field(description="说明")


class GuideOut(Schema):
    """一次性告知: the elements of the 办事指南 beside limits and materials (行政许可法 第三十条)."""

    accepting_body: str = Field(description="受理机构")
    location: str = Field(description="办理地点与窗口")
    phone: str = Field(description="咨询电话")
    office_hours: str = Field(description="办公时间")
    delivery: str = Field(description="结果送达方式")
    steps: list[StepOut] = Field(description="办理流程（按顺序）")
    blank_form_url: str = Field(description="空白表格（PDF）")
    sample_form_url: str = Field(description="样表（PDF）")
    guide_url: str = Field(description="办事指南页面")


class FieldOut(Schema):
    key: str
    label: str
    kind: str
    required: bool
    source: str
    choices: list[str]
    max_length: int


class ItemOut(Schema):
    code: str
    name: str
    category: str
    kind: str
    level: str
    legal_basis: str
    statutory_days: int
    promised_days: int
    fees: str
    needs_site_verification: bool
    needs_expert_review: bool
    tolerance_allowed: bool
    notification_commitment_allowed: bool
    parallel_departments: list[str]
    materials: list[MaterialOut]
    fields: list[FieldOut]
    guide: GuideOut

    @staticmethod
    def from_model(i: PermitItem) -> ItemOut:
        return ItemOut(code=i.code, name=i.name, category=i.category, kind=i.kind, level=i.level,
                       legal_basis=i.legal_basis, statutory_days=i.statutory_days, promised_days=i.promised_days,
                       fees=i.fees, needs_site_verification=i.needs_site_verification,
                       needs_expert_review=i.needs_expert_review, tolerance_allowed=i.tolerance_allowed,
                       notification_commitment_allowed=i.notification_commitment_allowed,
                       parallel_departments=i.department_codes,
                       materials=[MaterialOut(id=m.pk, name=m.name, requirement=m.requirement,
                                              shared_from=m.shared_from, form=m.form, copies=m.copies)
                                  for m in i.materials.all()],
                       guide=GuideOut(
                           accepting_body=i.accepting_body, location=i.location, phone=i.phone,
                           office_hours=i.office_hours, delivery=i.delivery,
                           steps=[StepOut(name=s.name, actor=s.actor, limit=s.limit, note=s.note)
                                  for s in i.steps.all()],
                           blank_form_url=reverse("licensing:guide_form", args=[i.code, "blank"]),
                           sample_form_url=reverse("licensing:guide_form", args=[i.code, "sample"]),
                           guide_url=reverse("licensing:guide_item", args=[i.code])),
                       fields=[FieldOut(key=f.key, label=f.label, kind=f.kind, required=f.required, source=f.source,
                                        choices=list(f.choices), max_length=f.max_length)
                               for f in form_fields.specs_of(i)])


class ApplicationRow(Schema):
    id: int
    number: str
    item_code: str
    item_name: str
    enterprise_name: str
    region_code: str
    state: str
    state_label: str
    submitted_on: dt.date
    due_on: dt.date | None
    due_provisional: bool
    decision_due: dt.date | None
    tolerated: bool

    @staticmethod
    def from_model(a: Application) -> ApplicationRow:
        return ApplicationRow(id=a.pk, number=a.number, item_code=a.item.code, item_name=a.item.name,
                              enterprise_name=a.enterprise.name, region_code=a.region_id, state=a.state,
                              state_label=a.state_label, submitted_on=a.submitted_on, due_on=a.due_on,
                              due_provisional=a.due_provisional, decision_due=a.decision_due, tolerated=a.tolerated)


# ApplicationRow's fields (but state_label) and the columns they are read from in a list
ROW_VALUES = {"id": "pk", "number": "number", "item_code": "item__code", "item_name": "item__name",
              "enterprise_name": "enterprise__name", "region_code": "region_id", "state": "state",
              "submitted_on": "submitted_on", "due_on": "due_on", "due_provisional": "due_provisional",
              "decision_due": "decision_due", "tolerated": "tolerated"}


class EventOut(Schema):
    at: dt.datetime
    actor: str
    action: str
    label: str
    from_state: str
    to_state: str
    note: str


class OpinionOut(Schema):
    id: int
    organisation: str
    role: str
    due_on: dt.date
    conclusion: str
    text: str


class CommitmentOut(Schema):
    id: int
    version: int
    origin: str
    found_in: str
    problems: str
    report_text: str
    verification_note: str
    status: str
    missing: str
    latest_deadline: dt.date
    deadline: dt.date | None
    preventive_measures: str
    rectification_plan: str


class DocumentOut(Schema):
    id: int
    kind: str
    title: str
    number: str
    sha256: str
    url: str


class ApplicationOut(ApplicationRow):
    version: int
    intake_due: dt.date | None
    accepted_on: dt.date | None
    deemed_accepted: bool
    statutory_due: dt.date | None
    extension_days: int
    extension_reason: str
    fast_track: str
    fast_track_reason: str
    site_required: bool
    expert_required: bool
    decision: str
    decided_on: dt.date | None
    certificate_number: str | None
    materials: list[dict[str, Any]]
    opinions: list[OpinionOut]
    commitment: CommitmentOut | None
    commitments: list[CommitmentOut]
    documents: list[DocumentOut]
    timeline: list[EventOut]
    actions: list[str]
    form_data: dict[str, str]
    verification: list[dict[str, Any]]
    proxy_clerk: str | None
    proxy_agent: str


def _detail(request: AuthenticatedRequest, app: Application) -> ApplicationOut:
    row = ApplicationRow.from_model(app).dict()
    rows = [CommitmentOut(id=c.pk, version=c.version, origin=c.origin, found_in=c.found_in, problems=c.problems,
                          report_text=c.report_text, verification_note=c.verification_note, status=c.status,
                          missing=c.missing_text, latest_deadline=c.latest_deadline, deadline=c.deadline,
                          preventive_measures=c.preventive_measures, rectification_plan=c.rectification_plan)
            for c in Commitment.objects.filter(application=app).order_by("pk")]
    return ApplicationOut(
        **row, version=app.version, intake_due=app.intake_due, accepted_on=app.accepted_on,
        deemed_accepted=app.deemed_accepted, statutory_due=app.statutory_due, extension_days=app.extension_days,
        extension_reason=app.extension_reason, fast_track=app.fast_track, fast_track_reason=app.fast_track_reason,
        site_required=app.site_required, expert_required=app.expert_required, decision=app.decision,
        decided_on=app.decided_on, certificate_number=app.certificate.number if app.certificate else None,
        materials=[{"material_id": m.material_id, "name": m.material.name, "status": m.status,
                    "sha256": m.attachment.sha256 if m.attachment else None, "shared_data": m.shared_data or None}
                   for m in app.materials.select_related("material", "attachment")],
        opinions=[OpinionOut(id=o.pk, organisation=o.organisation.name, role=o.role, due_on=o.due_on,
                             conclusion=o.conclusion, text=o.text)
                  for o in app.opinions.select_related("organisation")],
        commitment=rows[0] if rows else None, commitments=rows,
        documents=[DocumentOut(id=d.pk, kind=d.kind, title=d.title, number=d.number, sha256=d.sha256,
                               url=f"/documents/{d.pk}/") for d in app.documents()],
        timeline=[EventOut(at=h.at, actor=h.actor_name, action=h.action, label=h.action_label,
                           from_state=h.from_state, to_state=h.to_state, note=h.note) for h in app.history()],
        actions=[] if request.user.enterprise_id else [t.action for t in WORKFLOW.available(app, request.user)
                                                       if t.action != "deem_accept"],
        form_data=dict(intake.form_rows(app)), verification=app.verification,
        proxy_clerk=app.proxy_clerk.display_name if app.proxy_clerk else None, proxy_agent=app.proxy_agent,
    )


def _get(request: AuthenticatedRequest, application_id: int) -> Application:
    try:
        return queries.get_application_for(request.user, application_id)
    except Http404 as exc:
        raise NotFound("申请不存在或不在您的管辖范围内") from exc


def _files(request: AuthenticatedRequest) -> dict[int, Any]:
    files = {}
    for key, upload in request.FILES.items():
        if key == intake.AUTHORISATION:
            continue
        if not key.startswith("material_") or not key.removeprefix("material_").isdigit():
            raise DomainError(f"上传字段「{key[:40]}」无效，应为 material_<材料编号>")
        files[parse_int(key.removeprefix("material_"), field=key, label="材料编号", minimum=1)] = upload
    return files


@public.get("/items", response=list[ItemOut], auth=None, summary="行政许可事项目录（办事指南）")
def item_list(request: HttpRequest) -> list[ItemOut]:
    return [ItemOut.from_model(i) for i in queries.active_items()]


@public.get("/items/{code}", response=ItemOut, auth=None, summary="事项办事指南")
def item_detail(request: HttpRequest, code: str) -> ItemOut:
    item = queries.active_items().filter(code=code).first()
    if item is None:
        raise NotFound("事项不存在")
    return ItemOut.from_model(item)


class ProgressOut(Schema):
    number: str
    item_name: str
    state_label: str
    submitted_on: dt.date
    decision_due: dt.date | None
    steps: list[str]


@public.get("/progress", response=ProgressOut, auth=None, summary="办件进度查询（办件编号＋查询码，限频）")
def progress(request: HttpRequest, number: str, code: str) -> ProgressOut:
    app = services.progress_lookup(number, code, client_ip(request))
    if app is None:
        raise NotFound("未查询到办件，请核对办件编号和查询码")
    return ProgressOut(number=app.number, item_name=app.item.name, state_label=app.state_label,
                       submitted_on=app.submitted_on, decision_due=app.decision_due,
                       steps=[h["action_label"] for h in services.public_progress_steps(app)])


class ListFilter(InputSchema):
    view: str = "auto"  # auto | queue | mine | approvals | all
    state: str | None = None
    limit: Limit = 50
    offset: Offset = 0


class ApplicationPage(Schema):
    items: list[ApplicationRow]
    next_offset: int | None


_QUEUE_PAGES = PreparedValues()


@router.get("/applications", response=ApplicationPage, summary="办件列表（按数据权限；queue=待办按剩余时限排序）")
def application_list(request: AuthenticatedRequest, filters: Query[ListFilter], response: HttpResponse
                     ) -> HttpResponse:
    user = request.user
    params = {"state": filters.state} if filters.state else {}
    view = filters.view
    if view == "auto":
        view = "mine" if user.enterprise_id else "queue" if user.has_role("licensing_officer", "clerk") else "all"
    if view == "mine":
        if not user.enterprise_id:
            raise DomainError("只有企业用户有“我的申请”")
        qs = queries.enterprise_applications(user, params)
    elif view == "queue":
        qs = None  # built below only when its compiled query is not kept yet
    elif view == "approvals":
        qs = queries.leader_approvals(user)
    else:
        qs = queries.all_applications(user, params)
    limit, offset = filters.limit, filters.offset
    key = queries.officer_queue_key(user, params) if view == "queue" else None
    if qs is None:
        qs = queries.officer_queue(user, params) if key is None else None
    if key is not None:  # the queue's page query compiled once per scope, filters and page (issue 18)
        rows = _QUEUE_PAGES.rows(lambda: queries.officer_queue(user, params).values(*ROW_VALUES.values())[
            offset: offset + limit + 1], key=(key, offset, limit))
    else:
        assert qs is not None
        rows = list(qs.values(*ROW_VALUES.values())[offset: offset + limit + 1])
    response.content = page_json(rows[:limit], offset + limit if len(rows) > limit else None)
    return response


def page_json(rows: list[dict[str, Any]], next_offset: int | None) -> str:
    """The JSON of an ApplicationPage from plain values of the database, already of the declared types (issue 18):
    the bytes ninja writes for `ApplicationPage.model_construct(…)` (fields in the schema's order, dates as ISO
    text, `ensure_ascii=False` as api.main's renderer) without 50 model instances, their dump and the encoder's
    `default` for 150 dates. The operation keeps `response=ApplicationPage` for the schema; a test compares."""
    items = []
    for r in rows:
        submitted, due, decision = r["submitted_on"], r["due_on"], r["decision_due"]
        items.append({"id": r["pk"], "number": r["number"], "item_code": r["item__code"], "item_name": r["item__name"],
                      "enterprise_name": r["enterprise__name"], "region_code": r["region_id"], "state": r["state"],
                      "state_label": WORKFLOW.state_label(r["state"]),
                      "submitted_on": submitted.isoformat() if submitted is not None else None,
                      "due_on": due.isoformat() if due is not None else None,
                      "due_provisional": r["due_provisional"],
                      "decision_due": decision.isoformat() if decision is not None else None,
                      "tolerated": r["tolerated"]})
    return json.dumps({"items": items, "next_offset": next_offset}, ensure_ascii=False)


@router.get("/applications/{application_id}", response=ApplicationOut, summary="办件详情（含材料、意见、文书、办理过程）")
def application_detail(request: AuthenticatedRequest, application_id: Id) -> ApplicationOut:
    return _detail(request, _get(request, application_id))


class SubmitForm(InputSchema):
    item_code: str
    idempotency_key: str = ""
    form: Text = Field("", description="申请书各字段的值，JSON 对象（字段代码 → 值，见事项的 fields）")
    scope_text: Text = ""
    description: Text = ""
    partial_renovation: bool = False
    merged_review: bool = False
    claimed_name: str | None = None
    claimed_uscc: str | None = None
    enterprise_uscc: str = Field("", description="窗口代办：委托企业的统一社会信用代码（并上传 authorisation 授权委托书）")
    proxy_agent: str = Field("", description="窗口代办：企业经办人（委托人）姓名")
    save_as_draft: bool = Field(False, description="只保存草稿（不计时、不进入待办），稍后提交")
    draft_id: Id | None = Field(None, description="提交或更新的草稿编号")


def _form(raw: str) -> dict[str, Any]:
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise DomainError("form 应为 JSON 对象（字段代码 → 值）", field="form")
    return {str(k): "" if v is None else str(v) for k, v in value.items()}


def _proxy_target(request: AuthenticatedRequest, uscc: str) -> Enterprise | None:
    if not uscc.strip():
        return None
    enterprise = Enterprise.objects.restrict(request.user).filter(uscc=uscc.strip().upper()).first()
    if enterprise is None:
        raise NotFound("企业不存在或不在您的管辖范围内")
    return enterprise


class DraftOut(Schema):
    id: int
    item_code: str
    item_name: str
    enterprise_name: str
    form: dict[str, str]
    updated_at: dt.datetime


def _draft_out(d: ApplicationDraft) -> DraftOut:
    return DraftOut(id=d.pk, item_code=d.item.code, item_name=d.item.name, enterprise_name=d.enterprise.name,
                    form=d.form_data, updated_at=d.updated_at)


@router.post("/applications", response={201: ApplicationOut, 200: DraftOut},
             summary="提交申请或保存草稿（multipart：材料字段 material_<材料编号>，窗口代办另附 authorisation；同一幂等键只创建一件；"
                     "同一事项已有在办申请时 409）")
def application_submit(request: AuthenticatedRequest, data: Form[SubmitForm]) -> tuple[int, Any]:
    item = PermitItem.objects.filter(code=data.item_code, is_active=True).prefetch_related("form_fields").first()
    if item is None:
        raise DomainError("事项不存在或暂停受理", field="item_code")
    draft = intake.draft_for(request.user, data.draft_id) if data.draft_id else None
    common: dict[str, Any] = {
        "actor": request.user, "item": item, "files": _files(request), "form": _form(data.form),
        "description": data.description, "enterprise": _proxy_target(request, data.enterprise_uscc),
        "authorisation": request.FILES.get(intake.AUTHORISATION), "proxy_agent": data.proxy_agent}
    if data.save_as_draft:
        if data.scope_text and "scope" not in common["form"]:
            common["form"]["scope"] = data.scope_text
        return 200, _draft_out(intake.draft_save(**common, draft=draft))
    claimed = {"name": data.claimed_name, "uscc": data.claimed_uscc}
    app = intake.application_submit(**common, scope_text=data.scope_text, partial_renovation=data.partial_renovation,
                                    merged_review=data.merged_review,
                                    claimed={k: v for k, v in claimed.items() if v is not None},
                                    idempotency_key=data.idempotency_key, draft=draft)
    return 201, _detail(request, queries.get_application_for(request.user, app.pk))


@router.get("/applications/drafts", response=list[DraftOut], summary="我的申请草稿（窗口人员：辖区内的代办草稿）")
def draft_list(request: AuthenticatedRequest) -> list[DraftOut]:
    return [_draft_out(d) for d in queries.drafts(request.user)]


class EligibilityOut(Schema):
    code: str
    name: str
    eligible: bool
    reason: str


@router.get("/items/eligibility", response=list[EligibilityOut], summary="本企业可以申请哪些事项（不适用的说明原因）")
def item_eligibility(request: AuthenticatedRequest) -> list[EligibilityOut]:
    enterprise = request.user.enterprise
    if enterprise is None:
        raise DomainError("只有企业用户可以查询本企业适用的事项")
    return [EligibilityOut(code=i.code, name=i.name, eligible=reason is None, reason=reason or "")
            for i, reason in eligibility.catalogue_for(enterprise, queries.active_items())]


class ActionIn(InputSchema):
    version: Natural | None = None
    note: Text = ""


class RejectIn(ActionIn):
    other_agency: str = ""


class CorrectionIn(ActionIn):
    material_ids: list[Id] = Field(default_factory=list, max_length=200)


class ProposalIn(ActionIn):
    proposal: str


def _act(request: AuthenticatedRequest, application_id: Id, version: int | None,
         call: Callable[[Application], Any]) -> ApplicationOut:
    app = _get(request, application_id)
    if version is not None:
        app.version = version
    call(app)
    return _detail(request, _get(request, application_id))


def _simple(path: str, summary: str, service: Callable[..., Any], arg: str = "note") -> None:
    def endpoint(request: AuthenticatedRequest, application_id: Id, payload: ActionIn) -> ApplicationOut:
        return _act(request, application_id, payload.version,
                    lambda a: service(actor=request.user, application=a, **{arg: payload.note}))

    endpoint.__name__ = f"application_{path.replace('-', '_').replace('/', '_')}"
    router.post(f"/applications/{{application_id}}/{path}", response=ApplicationOut, summary=summary)(endpoint)


_simple("accept", "受理", services.application_accept)
_simple("accept-tolerated", "容缺受理（措施I.3）", services.application_accept_tolerated)
_simple("decide-instant", "即办件当场办结（措施I.2）", services.application_decide_instant)
_simple("site-verification", "现场核查结论", services.application_site_verify, "result")
_simple("expert-review/start", "启动专家评审（暂停计时，第45条）", services.application_expert_start, "reason")
_simple("expert-review/finish", "专家评审结束（恢复计时）", services.application_expert_finish, "result")
_simple("extension/request", "申请延长期限（理由告知申请人）", services.application_request_extension, "reason")
_simple("extension/approve", "负责人批准延期10个工作日（第42条）", services.application_approve_extension)
_simple("extension/deny", "负责人不批准延期", services.application_deny_extension)
_simple("return", "退回审查", services.application_return)
_simple("grant", "准予许可并发证", services.application_grant)
_simple("refuse", "不予许可", services.application_refuse, "reason")
_simple("withdraw", "企业撤回申请", services.application_withdraw)
_simple("joint-check/conclude", "联合检查结论：已签名的检查记录作为现场核查结果（措施I.6）",
        joint_check.joint_check_conclude)
_simple("file", "专项评价予以备案（措施I.7）", special_paths.application_file)
_simple("decline-filing", "专项评价不予备案（理由）", special_paths.application_decline_filing, "reason")


@router.post("/applications/{application_id}/reject", response=ApplicationOut, summary="不予受理（理由与救济途径）")
def application_reject(request: AuthenticatedRequest, application_id: Id, payload: RejectIn) -> ApplicationOut:
    return _act(request, application_id, payload.version, lambda a: services.application_reject(
        actor=request.user, application=a, reasons=payload.note, other_agency=payload.other_agency))


@router.post("/applications/{application_id}/request-correction", response=ApplicationOut,
             summary="一次性告知补正")
def application_request_correction(request: AuthenticatedRequest, application_id: Id, payload: CorrectionIn
                                   ) -> ApplicationOut:
    return _act(request, application_id, payload.version, lambda a: services.application_request_correction(
        actor=request.user, application=a, material_ids=payload.material_ids, note=payload.note))


@router.post("/applications/{application_id}/propose", response=ApplicationOut, summary="提出审查意见（拟准予/拟不予）")
def application_propose(request: AuthenticatedRequest, application_id: Id, payload: ProposalIn) -> ApplicationOut:
    return _act(request, application_id, payload.version, lambda a: services.application_propose(
        actor=request.user, application=a, proposal=payload.proposal, reason=payload.note))


@router.post("/applications/{application_id}/resubmit", response=ApplicationOut,
             summary="企业补正后重新提交（multipart：material_<材料编号>）")
def application_resubmit(request: AuthenticatedRequest, application_id: Id) -> ApplicationOut:
    return _act(request, application_id, None, lambda a: services.application_resubmit(
        actor=request.user, application=a, files=_files(request)))


class OpinionIn(InputSchema):
    conclusion: str
    text: Text


@router.post("/applications/{application_id}/opinions/{opinion_id}", response=ApplicationOut,
             summary="并联审查单位提出意见（措施I.5）")
def opinion_give(request: AuthenticatedRequest, application_id: Id, opinion_id: Id, payload: OpinionIn) -> ApplicationOut:
    app = _get(request, application_id)
    row = Opinion.objects.select_related("organisation", "application").filter(pk=opinion_id, application=app).first()
    if row is None:
        raise NotFound("意见记录不存在")
    services.opinion_give(actor=request.user, opinion=row, conclusion=payload.conclusion, text=payload.text)
    return _detail(request, _get(request, application_id))


class SignIn(InputSchema):
    deadline: Day
    preventive_measures: Text
    rectification_plan: Text


def _commitment(request: AuthenticatedRequest, application_id: Id) -> Commitment:
    app = _get(request, application_id)
    row = Commitment.objects.restrict(request.user).select_related(
        "application", "application__item", "application__enterprise").filter(application=app).first()
    if row is None:
        raise NotFound("该申请没有容缺承诺")
    return row


@router.post("/applications/{application_id}/commitment/sign", response=ApplicationOut,
             summary="企业在线签署容缺承诺书")
def commitment_sign(request: AuthenticatedRequest, application_id: Id, payload: SignIn) -> ApplicationOut:
    services.commitment_sign(actor=request.user, commitment=_commitment(request, application_id),
                             deadline=payload.deadline, preventive_measures=payload.preventive_measures,
                             rectification_plan=payload.rectification_plan)
    return _detail(request, _get(request, application_id))


@router.post("/applications/{application_id}/commitment/fulfil", response=ApplicationOut,
             summary="企业补交容缺材料（multipart：material_<材料编号>）")
def commitment_fulfil(request: AuthenticatedRequest, application_id: Id) -> ApplicationOut:
    services.commitment_fulfil(actor=request.user, commitment=_commitment(request, application_id),
                               files=_files(request))
    return _detail(request, _get(request, application_id))


class ToleranceIn(ActionIn):
    found_in: str = Field("", description="发现问题的环节：site（现场核查）或 expert（专家评审）")


@router.post("/applications/{application_id}/tolerate-findings", response=ApplicationOut,
             summary="审查发现可限期整改的问题，接受整改承诺（措施I.3；note 逐项列明问题和整改要求）")
def application_tolerate_findings(request: AuthenticatedRequest, application_id: Id, payload: ToleranceIn
                                  ) -> ApplicationOut:
    return _act(request, application_id, payload.version, lambda a: tolerance.review_tolerance_open(
        actor=request.user, application=a, found_in=payload.found_in, problems=payload.note))


class JointCheckIn(ActionIn):
    officers: list[Id] = Field(default_factory=list, max_length=20,
                               description="检查组成员（本单位持证执法人员的编号，见 joint-check/officers）")


class OfficerOut(Schema):
    id: int
    name: str


@router.get("/applications/{application_id}/joint-check/officers", response=list[OfficerOut],
            summary="可选的联合检查组成员（本单位持证执法人员）")
def joint_check_officers(request: AuthenticatedRequest, application_id: Id) -> list[OfficerOut]:
    _get(request, application_id)
    return [OfficerOut(id=o.pk, name=o.display_name) for o in joint_check.candidate_officers(request.user)]


@router.post("/applications/{application_id}/joint-check/open", response=ApplicationOut,
             summary="安排联合检查（竣工验收监督与首次许可现场核查合并，措施I.6）")
def application_joint_check_open(request: AuthenticatedRequest, application_id: Id, payload: JointCheckIn
                                 ) -> ApplicationOut:
    return _act(request, application_id, payload.version, lambda a: joint_check.joint_check_open(
        actor=request.user, application=a, officers=joint_check.chosen_officers(request.user, payload.officers),
        note=payload.note))


def _commitment_by_id(request: AuthenticatedRequest, application_id: Id, commitment_id: Id,
                      version: int | None) -> Commitment:
    app = _get(request, application_id)
    row = Commitment.objects.restrict(request.user).select_related(
        "application", "application__item", "application__enterprise").filter(pk=commitment_id,
                                                                              application=app).first()
    if row is None:
        raise NotFound("承诺不存在")
    if version is not None and version != row.version:
        raise Conflict("该事项已被他人处理或状态已变化，请刷新后重试")
    return row


class ReportForm(InputSchema):
    text: Text = ""
    version: Natural | None = None


@router.post("/applications/{application_id}/commitments/{commitment_id}/report", response=ApplicationOut,
             summary="企业报告整改完成（multipart：text 说明，evidence 证明文件可多个；等待核验，措施I.3）")
def commitment_report(request: AuthenticatedRequest, application_id: Id, commitment_id: Id,
                      data: Form[ReportForm]) -> ApplicationOut:
    row = _commitment_by_id(request, application_id, commitment_id, data.version)
    tolerance.commitment_report(actor=request.user, commitment=row, text=data.text,
                                files=request.FILES.getlist("evidence"))
    return _detail(request, _get(request, application_id))


def _verify(passed: bool, path: str, summary: str) -> None:
    def endpoint(request: AuthenticatedRequest, application_id: Id, commitment_id: Id, payload: ActionIn
                 ) -> ApplicationOut:
        row = _commitment_by_id(request, application_id, commitment_id, payload.version)
        tolerance.commitment_verify(actor=request.user, commitment=row, passed=passed, note=payload.note)
        return _detail(request, _get(request, application_id))

    endpoint.__name__ = f"commitment_{path.replace('-', '_')}"
    router.post(f"/applications/{{application_id}}/commitments/{{commitment_id}}/{path}", response=ApplicationOut,
                summary=summary)(endpoint)


_verify(True, "verify", "核验承诺履行：通过（措施I.3）")
_verify(False, "send-back", "核验承诺履行：不通过，退回企业（note 写明理由和整改要求）")


routers = [("v1/licensing", router, "applications"), ("v1/licensing/public", public, None)]
