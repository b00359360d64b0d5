"""Penalties API: the discretion engine (measure II.6) and scoped case reads."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from pydantic import BaseModel
from pydantic import Field as PydField

from bureau.accounts.authority import changes_kind
from bureau.accounts.http import AuthenticatedRequest
from bureau.accounts.tokens import token_scope
from bureau.kernel.errors import NotFound, PermissionDenied
from bureau.kernel.schemas import Day, Id, InputSchema, Limit, Offset, Text
from bureau.penalties import queries, rules, services, workbook_api
from bureau.penalties.models import Case

router = Router(tags=["行政处罚"])


Quantity = Annotated[Decimal, PydField(ge=0, le=Decimal("999999999999.99"), max_digits=14, decimal_places=2,
                                       allow_inf_nan=False)]


class ProposalIn(InputSchema):
    violation_code: str = Field(..., min_length=1, max_length=40, description="违法行为代码（见 /violations）")
    quantity: Quantity | None = Field(None, description="违法数量，单位为该违法行为的 quantity_unit（人次、处、项、%、元、日）")
    facts: list[Annotated[str, PydField(max_length=200)]] = Field(
        default_factory=list, max_length=20, description="查明的情形（取自该违法行为各阶次的 facts）")
    circumstances: list[str] = Field(default_factory=list, max_length=50, description="情节代码，见 /circumstances")
    stage: str = Field(rules.STAGE_ORDER, description="order 责令限期改正阶段 / overdue 逾期未改正 / refused 拒不改正")
    target: str = Field(rules.TARGET_UNIT, description="unit 单位 / person 直接责任人员")
    on: Day | None = Field(None, description="适用日期（立案日期），默认今天")


class BenchmarkRowOut(Schema):
    id: int
    violation_code: str
    violation: str
    legal_provision: str
    penalty_provision: str
    tier: str
    tier_label: str = ""
    grade_label: str
    conditions: str
    stage: str = ""
    target: str = ""
    level: str = ""
    item: str = ""
    quantity_unit: str = Field("", description="persons 人次 / places 处 / items 项 / percent % / yuan 元 / days 日")
    quantity_min: float | None = None
    quantity_max: float | None = None
    min_inclusive: bool = True
    max_inclusive: bool = True
    facts: list[str] = Field(default_factory=list)
    amount_min: int | None
    amount_max: int | None
    statutory_min: int | None
    statutory_max: int | None
    other_measures: str = ""
    source: str
    effective_from: dt.date | None

    @staticmethod
    def from_band(b: rules.Band) -> BenchmarkRowOut:
        return BenchmarkRowOut(id=b.row_id, violation_code=b.violation_code, violation=b.violation,
                               legal_provision=b.legal_provision, penalty_provision=b.penalty_provision, tier=b.tier,
                               tier_label=rules.tier_label(b.tier), grade_label=b.grade_label, conditions=b.conditions,
                               stage=b.stage, target=b.target, level=b.level, item=b.item,
                               quantity_unit=b.quantity_unit, quantity_min=_float(b.quantity_min),
                               quantity_max=_float(b.quantity_max), min_inclusive=b.min_inclusive,
                               max_inclusive=b.max_inclusive, facts=list(b.facts), amount_min=b.amount_min,
                               amount_max=b.amount_max, statutory_min=b.statutory_min, statutory_max=b.statutory_max,
                               other_measures=b.other_measures, source=b.source, effective_from=b.effective_from)


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


class ExemptionOut(Schema):
    possible: bool = Field(..., description="所录事实符合行政处罚法第三十三条不予处罚（或可以不予处罚）的条件")
    basis: str = Field(..., description="依据（不自动决定：由承办人提出免罚意见）")


class ProposalOut(Schema):
    tier: str = Field(..., description="基准的阶次代码（A、B、C / 1、2、3），或 statutory（无有效基准阶次，法定幅度）")
    tier_label: str
    amount_min: int
    amount_max: int
    other_measures: str
    reasoning: str
    fallback: bool = Field(..., description="立案之日没有有效的基准阶次，幅度为法定幅度")
    circumstances: list[str]
    benchmark_row: BenchmarkRowOut
    exemption: ExemptionOut
    notes: list[str] = Field(default_factory=list, description="从轻或者减轻、不予处罚等提示")


class TierOut(BaseModel):  # plain pydantic: a list of hundreds is validated without ninja's per-field getter
    code: str = Field(..., description="阶次代码：A、B、C / 1、2、3；statutory 法定幅度；exempt 不予处罚（首违不罚清单）")
    label: str
    stage: str
    stage_label: str
    target: str
    target_label: str
    level: str = Field(..., description="national 国家 / province 省 / city 市（下级优先）")
    item: str
    conditions: str
    quantity_min: float | None
    quantity_max: float | None
    min_inclusive: bool
    max_inclusive: bool
    facts: list[str]
    amount_min: int | None
    amount_max: int | None
    statutory_min: int | None
    statutory_max: int | None
    other_measures: str
    source: str
    effective_from: dt.date
    effective_to: dt.date | None


class ViolationOut(BaseModel):
    code: str
    violation: str
    legal_provision: str
    penalty_provision: str
    quantity_unit: str = Field(..., description="persons 人次 / places 处 / items 项 / percent % / yuan 元 / days 日；"
                                                "空 = 阶次不按数量确定")
    quantity_unit_label: str
    facts: list[str] = Field(..., description="各阶次所列情形的并集（裁量建议的 facts 取自此）")
    tiers: list[TierOut]


class ViolationFilter(InputSchema):
    provision: str | None = Field(None, max_length=100, description="处罚依据中的文字，如「第九十七条」「97条」")
    q: str | None = Field(None, max_length=100, description="违法行为的文字或代码")
    on: Day | None = Field(None, description="在此日期有效（默认今天）")
    limit: int = Field(50, ge=1, le=100, description="最多返回的违法行为数")


@router.get("/violations", response=list[ViolationOut], summary="违法行为及其阶次（某日有效，按处罚依据或文字查找）")
@token_scope("cases:read")  # the benchmark is published (行政处罚法 第34条); reading it changes nothing
def violation_list(request: HttpRequest, filters: Query[ViolationFilter]) -> list[dict[str, Any]]:
    found = queries.violations(filters.on or timezone.localdate(), provision=filters.provision or "",
                               q=filters.q or "", limit=filters.limit)
    # plain dicts: the response schema validates them once (building Schema objects first doubled the work)
    return [{
        "code": v.code, "violation": v.violation, "legal_provision": v.legal_provision,
        "penalty_provision": v.penalty_provision, "quantity_unit": v.quantity_unit,
        "quantity_unit_label": rules.QUANTITY_UNITS.get(v.quantity_unit, ""), "facts": v.facts,
        "tiers": [{
            "code": r.tier, "label": r.tier_label, "stage": r.stage, "stage_label": rules.STAGE_LABELS.get(r.stage, ""),
            "target": r.target, "target_label": rules.TARGET_LABELS.get(r.target, ""), "level": r.level,
            "item": r.item, "conditions": r.conditions, "quantity_min": _float(r.quantity_min),
            "quantity_max": _float(r.quantity_max), "min_inclusive": r.min_inclusive,
            "max_inclusive": r.max_inclusive, "facts": list(r.facts or ()), "amount_min": r.amount_min,
            "amount_max": r.amount_max, "statutory_min": r.statutory_min, "statutory_max": r.statutory_max,
            "other_measures": r.other_measures, "source": r.source, "effective_from": r.effective_from,
            "effective_to": r.effective_to} for r in v.rows]} for v in found]


@router.post("/proposals", response=ProposalOut, summary="裁量建议：违法事实（数量、阶段、情形）+ 情节 → 阶次、罚款幅度和说理")
@token_scope("cases:read")  # a computation from the benchmark: it changes nothing
def proposal_create(request: HttpRequest, payload: ProposalIn) -> ProposalOut:
    if not changes_kind(request.user, Case):  # the engine is for those who keep penalty cases (Case.authority)
        raise PermissionDenied("仅执法机关工作人员可以使用裁量引擎")
    p = services.proposal_compute(violation_code=payload.violation_code, circumstances=payload.circumstances,
                                  stage=payload.stage, target=payload.target, on=payload.on,
                                  quantity=payload.quantity, facts=payload.facts)
    return ProposalOut(tier=p.tier, tier_label=p.tier_label, amount_min=p.amount_min, amount_max=p.amount_max,
                       other_measures=p.other_measures, reasoning=p.reasoning, fallback=p.fallback,
                       circumstances=p.circumstances, benchmark_row=BenchmarkRowOut.from_band(p.benchmark_row),
                       exemption=ExemptionOut(possible=p.exemption.possible, basis=p.exemption.basis), notes=p.notes)


class CircumstanceOut(Schema):
    code: str
    label: str
    kind: str
    statutory: bool = Field(False, description="行政处罚法第三十二条规定应当从轻或者减轻的情形")
    computed: bool = Field(False, description="初次违法、一年内再犯：办案时由系统根据当事人的案件记录认定")


@router.get("/circumstances", response=list[CircumstanceOut], summary="情节代码")
@token_scope("cases:read")
def circumstance_list(request: HttpRequest) -> list[CircumstanceOut]:
    return [CircumstanceOut(code=k, label=v, kind="mitigating" if k in rules.MITIGATING else "aggravating",
                            statutory=k in rules.STATUTORY_MITIGATING, computed=k in rules.HISTORY)
            for k, v in rules.CIRCUMSTANCES.items()]


class CaseOut(Schema):
    id: int
    number: str
    enterprise_id: int
    enterprise_name: str
    region_code: str
    title: str
    state: str
    state_label: str
    source: str
    filed_on: dt.date
    decision_due: dt.date
    tier: str
    proposed_amount: int | None
    decided_amount: int | None
    exemption: str
    answer_due: dt.date | None

    @staticmethod
    def from_model(c: Case) -> CaseOut:
        return CaseOut(id=c.pk, number=c.number, enterprise_id=c.enterprise_id, enterprise_name=c.enterprise.name,
                       region_code=c.region_id, title=c.title, state=c.state, state_label=c.state_label,
                       source=c.source, filed_on=c.filed_on, decision_due=c.decision_due, tier=c.tier,
                       proposed_amount=c.proposed_amount, decided_amount=c.decided_amount, exemption=c.exemption,
                       answer_due=c.answer_due)


class DiscussionOut(Schema):
    held_on: dt.date
    place: str
    host_name: str
    participant_names: list[str]
    summary: str
    conclusion: str = Field(..., description="agree 同意拟处罚意见 / change 变更罚款金额 / no_penalty 不予行政处罚")
    conclusion_text: str
    amount: int | None
    reason: str


class LegalReviewOut(Schema):
    reviewed_on: dt.date
    reviewer_name: str
    qualification: str = Field("", description="法律职业资格证书编号（行政处罚法第58条第2款）")
    opinion: str = Field(..., description="agree 同意 / modify 建议修改 / disagree 不同意")
    opinion_label: str
    text: str
    reasons: list[str]


class CaseDetailOut(CaseOut):
    reasoning: str
    exemption_basis: str
    decided_on: dt.date | None
    served_on: dt.date | None
    payment_due: dt.date | None = Field(None, description="罚款缴纳期限（送达之日起，规则参数 penalties.payment_days）")
    payment_overdue: bool = Field(False, description="已送达未执行且超过缴纳期限")
    execution_method: str = Field("", description="voluntary 自觉缴纳 / instalment 分期缴纳 / deferred 延期缴纳 / "
                                                  "court 申请人民法院强制执行 / corrected 责令改正已履行")
    execution_method_label: str = ""
    paid_amount: int | None = None
    paid_on: dt.date | None = None
    payment_voucher: str = ""
    execution_note: str = ""
    closed_on: dt.date | None = None
    complex_case: bool = Field(False, description="承办人认定情节复杂")
    collective_required: bool = Field(False, description="重大或情节复杂案件，须负责人集体讨论决定（第57条第2款）")
    collective_reasons: list[str] = Field(default_factory=list, description="须集体讨论的理由（仅执法机关可见）")
    collective_discussion: DiscussionOut | None = Field(None, description="集体讨论记录（仅执法机关可见）")
    legal_review_required: bool = Field(False, description="作出决定前须经法制审核（行政处罚法第58条；仅执法机关可见）")
    legal_review_reasons: list[str] = Field(default_factory=list, description="须法制审核的情形（仅执法机关可见）")
    legal_reviews: list[LegalReviewOut] = Field(default_factory=list, description="法制审核记录（仅执法机关可见）")
    statement: str = Field("", description="当事人的陈述申辩（行政处罚法第45条）")
    statement_waived: bool = False
    statement_review: str = Field("", description="复核结果：adopted 采纳 / partly 部分采纳 / rejected 不采纳；空 = 未复核")
    statement_review_label: str = ""
    statement_review_reason: str = ""
    statement_reviewed_at: dt.datetime | None = None
    statement_amount_before: int | None = Field(None, description="采纳陈述申辩变更拟罚款前的金额（元）")
    hearing_at: dt.datetime | None = Field(None, description="听证时间（听证通知书）")
    hearing_place: str = ""
    hearing_host_name: str = ""
    hearing_clerk_name: str = ""
    hearing_notified_on: dt.date | None = None
    reminder_on: dt.date | None = Field(None, description="履行催告书送达日期（行政强制法第35、54条）")
    reminder_surcharge: int | None = Field(None, description="催告时计算的加处罚款（元）")
    court_application_from: dt.date | None = Field(
        None, description="最早可申请人民法院强制执行的日期：催告书送达十日后（行政强制法第54条），且起诉期限届满后"
                          "（送达日期 + penalties.litigation_months，行政诉讼法第46条）")
    court_application_until: dt.date | None = Field(
        None, description="申请人民法院强制执行的最后日期：起诉期限届满之日起三个月内（行政强制法第53条）")
    reminder_statement: str = Field("", description="当事人对履行催告书的陈述申辩（行政强制法第36条）")
    reminder_statement_at: dt.datetime | None = None
    reminder_statement_due: dt.date | None = Field(None, description="对催告书陈述申辩的期限（催告日 + 十日）")
    reminder_review: str = Field("", description="复核意见：accepted 采纳 / rejected 不采纳；空 = 未复核")
    reminder_review_label: str = ""
    reminder_review_reason: str = ""
    reminder_reviewed_at: dt.datetime | None = None
    reminder_review_pending: bool = Field(False, description="陈述申辩待复核（复核前不能申请强制执行）")
    court_name: str = Field("", description="受理强制执行申请的人民法院")
    court_applied_on: dt.date | None = Field(None, description="申请人民法院强制执行的日期")


class CaseFilter(InputSchema):
    state: str | None = None
    q: str | None = None
    limit: Limit = 50
    offset: Offset = 0


class CasePage(Schema):
    items: list[CaseOut]
    next_offset: int | None


@router.get("/cases", response=CasePage, summary="案件列表（按数据权限过滤）")
def case_list(request: HttpRequest, filters: Query[CaseFilter]) -> CasePage:
    limit, offset = filters.limit, filters.offset
    params = {k: v for k, v in filters.dict().items() if v is not None}
    rows = list(queries.case_list(request.user, params)[offset: offset + limit + 1])
    return CasePage(items=[CaseOut.from_model(c) for c in rows[:limit]],
                    next_offset=offset + limit if len(rows) > limit else None)


@router.get("/cases/{case_id}", response=CaseDetailOut, summary="案件详情（含说理）")
def case_detail(request: HttpRequest, case_id: Id) -> CaseDetailOut:
    try:
        c = queries.get_case_for(request.user, case_id)
    except Http404:
        raise NotFound("案件不存在或不在您的管辖范围内") from None
    base = CaseOut.from_model(c).dict()
    shown = not getattr(request.user, "enterprise_id", None) or c.state in ("notified", "hearing", "deciding",
                                                                              "decided", "served", "executed",
                                                                              "closed")
    staff = not getattr(request.user, "enterprise_id", None)
    extra: dict = {}
    if staff:
        from bureau.penalties.models import CollectiveDiscussion

        reasons = services.major_reasons(c)
        d = CollectiveDiscussion.objects.filter(case=c).select_related("host").prefetch_related("participants").first()
        extra.update(complex_case=c.complex_case, collective_required=bool(reasons), collective_reasons=reasons,
                     collective_discussion=DiscussionOut(
                         held_on=d.held_on, place=d.place, host_name=d.host.display_name,
                         participant_names=[u.display_name for u in d.participants.all()], summary=d.summary,
                         conclusion=d.conclusion, conclusion_text=d.conclusion_text, amount=d.amount,
                         reason=d.reason) if d else None)
        legal = services.legal_review_reasons(c)
        extra.update(legal_review_required=bool(legal), legal_review_reasons=legal, legal_reviews=[
            LegalReviewOut(reviewed_on=r.reviewed_on, reviewer_name=r.reviewer.display_name,
                           qualification=r.qualification, opinion=r.opinion, opinion_label=r.get_opinion_display(),
                           text=r.text, reasons=list(r.reasons)) for r in services.legal_review_history(c)])
    extra.update(statement=c.statement, statement_waived=c.statement_waived, statement_review=c.statement_review,
                 statement_review_label=c.get_statement_review_display() if c.statement_review else "",
                 statement_review_reason=c.statement_review_reason, statement_reviewed_at=c.statement_reviewed_at,
                 statement_amount_before=c.statement_amount_before)
    if c.reminder_on:
        from bureau.kernel.rules import rule

        window = services.court_window(c)
        extra.update(court_application_from=services.court_application_from(c, window),
                     court_application_until=window[1] if window else None,
                     reminder_statement_due=rules.reminder_statement_due(
                         c.reminder_on, int(rule("penalties.enforcement_notice_days", c.reminder_on))))
    extra.update(reminder_statement=c.reminder_statement, reminder_statement_at=c.reminder_statement_at,
                 reminder_review=c.reminder_review, reminder_review_label=c.get_reminder_review_display()
                 if c.reminder_review else "", reminder_review_reason=c.reminder_review_reason,
                 reminder_reviewed_at=c.reminder_reviewed_at, reminder_review_pending=c.reminder_review_pending,
                 court_name=c.court_name, court_applied_on=c.court_applied_on)
    extra.update(hearing_at=c.hearing_at, hearing_place=c.hearing_place,
                 hearing_host_name=c.hearing_host.display_name if c.hearing_host else "",
                 hearing_clerk_name=c.hearing_clerk.display_name if c.hearing_clerk else "",
                 hearing_notified_on=c.hearing_notified_on, reminder_on=c.reminder_on,
                 reminder_surcharge=c.reminder_surcharge)
    return CaseDetailOut(**base, **extra, reasoning=c.reasoning if shown else "",
                         exemption_basis=c.exemption_basis if shown else "", decided_on=c.decided_on,
                         served_on=c.served_on, payment_due=c.payment_due, payment_overdue=c.payment_overdue,
                         execution_method=c.execution_method, execution_method_label=c.get_execution_method_display()
                         if c.execution_method else "", paid_amount=c.paid_amount, paid_on=c.paid_on,
                         payment_voucher=c.payment_voucher, execution_note=c.execution_note, closed_on=c.closed_on)


# --- paying the fine (行政处罚法 第67条): the payment details, the party's 缴款凭证, the officer's confirmation -------------
class PaymentOut(Schema):
    amount: int = Field(description="应缴罚款（元）")
    due: dt.date | None = Field(None, description="缴款期限（送达之日起 penalties.payment_days 日，行政处罚法第67条第3款）")
    code: str = Field("", description="缴款码（送达时生成，含校验位）")
    configured: bool = Field(description="作出决定的机关已配置缴款账户")
    payee: str = Field("", description="收款单位（执收单位）")
    collector_code: str = Field("", description="执收单位编码")
    bank: str = ""
    account_number: str = ""
    channels: str = Field("", description="缴款渠道")
    voucher_state: str = Field("", description="none 未上传 / pending 待核对 / returned 已退回 / confirmed 已核对（已执行）")
    voucher_amount: int | None = None
    voucher_paid_on: dt.date | None = None
    voucher_number: str = ""
    voucher_returned: str = Field("", description="退回理由")
    voucher_url: str = Field("", description="缴款凭证文件下载地址")


def _payment_out(c: Case) -> PaymentOut:
    details = services.payment_details(c)
    if details is None:
        raise NotFound("本案没有需要缴纳的罚款")
    voucher = services.payment_voucher(c)
    state = ("pending" if c.voucher_at and c.state == "served" else "confirmed" if c.voucher_at
             else "returned" if c.voucher_returned else "none")
    return PaymentOut(amount=details["amount"], due=details["due"], code=details["code"],
                      configured=details["configured"], payee=details["payee"],
                      collector_code=details["collector_code"], bank=details["bank"],
                      account_number=details["account_number"], channels=details["channels"], voucher_state=state,
                      voucher_amount=c.voucher_amount, voucher_paid_on=c.voucher_paid_on,
                      voucher_number=c.voucher_number, voucher_returned=c.voucher_returned,
                      voucher_url=f"/attachments/{voucher.pk}/download" if voucher else "")


def _case(request: HttpRequest, case_id: int) -> Case:
    try:
        return queries.get_case_for(request.user, case_id)
    except Http404:
        raise NotFound("案件不存在或不在您的管辖范围内") from None


@router.get("/cases/{case_id}/payment", response=PaymentOut, summary="缴款信息：金额、期限、收款单位、缴款码和缴款凭证状态")
def payment_get(request: HttpRequest, case_id: Id) -> PaymentOut:
    return _payment_out(_case(request, case_id))


@router.post("/cases/{case_id}/voucher", response=PaymentOut,
             summary="当事人上传缴款凭证（multipart：amount、paid_on、number、file）",
             description="已送达的罚款案件，当事人企业上传；文件类型和大小按规则 penalties.voucher_types、"
                         "penalties.voucher_max_mb 校验；金额不超过决定罚款，日期不早于送达、不晚于今天。")
def voucher_submit(request: AuthenticatedRequest, case_id: Id, amount: Form[int], paid_on: Form[Day], number: Form[str],
                   file: File[UploadedFile]) -> PaymentOut:
    case = _case(request, case_id)
    services.case_submit_voucher(actor=request.user, case=case, amount=amount, paid_on=paid_on, number=number,
                                 upload=file)
    return _payment_out(case)


class VoucherReturnIn(InputSchema):
    reason: Text = Field(..., min_length=1, max_length=500, description="退回理由")


@router.post("/cases/{case_id}/voucher/return", response=PaymentOut, summary="执法人员退回缴款凭证（写明理由）")
def voucher_return(request: AuthenticatedRequest, case_id: Id, payload: VoucherReturnIn) -> PaymentOut:
    case = _case(request, case_id)
    services.case_return_voucher(actor=request.user, case=case, reason=payload.reason)
    return _payment_out(case)


class PaymentConfirmIn(InputSchema):
    note: str = Field("", max_length=200, description="核对说明")


@router.post("/cases/{case_id}/payment/confirm", response=PaymentOut,
             summary="执法人员核对缴款凭证无误，确认缴款并记录执行情况（自觉缴纳）")
def payment_confirm(request: AuthenticatedRequest, case_id: Id, payload: PaymentConfirmIn) -> PaymentOut:
    case = _case(request, case_id)
    services.case_confirm_payment(actor=request.user, case=case, note=payload.note)
    case.refresh_from_db()
    return _payment_out(case)


routers = [("v1/penalties", router, "cases"), ("v1/penalties", workbook_api.router, "benchmark")]
