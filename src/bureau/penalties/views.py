"""Thin HTML views of the penalties area: parse, call a service or query, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bureau.accounts.http import AuthenticatedRequest
from bureau.accounts.models import User
from bureau.accounts.roles import ENTERPRISE, INSPECTOR, LEADER, LEGAL_REVIEWER, SECTION_HEAD, SYSADMIN
from bureau.enterprises.queries import enterprise_options
from bureau.inspection import queries as inspection_queries
from bureau.inspection.models import PARTY_STATES
from bureau.inspection.queries import violation_codes_for_finding
from bureau.inspection.services import OTHER_METHODS, services_of
from bureau.kernel import staging
from bureau.kernel.access import acts_on, for_roles, reference_data
from bureau.kernel.errors import DomainError
from bureau.kernel.excel import xlsx_response
from bureau.kernel.paging import capped_count, paginate
from bureau.kernel.pickers import set_options
from bureau.kernel.validation import PATH_ID_DIGITS, parse_id
from bureau.kernel.workflow import refusal
from bureau.penalties import queries, rules, services, workbook
from bureau.penalties.forms import (
    SOURCE_KINDS,
    SOURCE_TYPES,
    CaseOpenForm,
    DiscussionForm,
    EvidenceForm,
    ExecutionForm,
    ExemptionForm,
    HearingScheduleForm,
    LegalReviewForm,
    ProposalForm,
    StatementReviewForm,
    VoucherForm,
    override_value,
)
from bureau.penalties.models import Case, CollectiveDiscussion
from bureau.penalties.workflow import STEPS, case_workflow
from bureau.petitions import queries as petition_queries

STAFF = (INSPECTOR, SECTION_HEAD, LEADER, SYSADMIN)


def _officers(user: Any) -> list[User]:
    org = user.organisation
    if org is None:
        return []
    bureau = org.bureau
    return list(User.objects.filter(roles__code=INSPECTOR, is_active=True, enterprise__isnull=True)
                .filter(Q(organisation=bureau) | Q(organisation__parent=bureau)).exclude(enforcement_id="")
                .select_related("organisation").distinct().order_by("username")[:200])


@login_required
@for_roles(*STAFF, LEGAL_REVIEWER, ENTERPRISE)
@acts_on("penalties.Case")
def case_list(request: AuthenticatedRequest) -> HttpResponse:
    qs = queries.case_list(request.user, request.GET)
    page = paginate(qs, request.GET)
    return render(request, "penalties/list.html", {
        "page": page, "total": capped_count(qs), "states": case_workflow.states.items(),
        "is_staff": not request.user.enterprise_id, "today": timezone.localdate(), "params": request.GET,
        "can_open": INSPECTOR in request.user.role_codes,  # the 立案 page is for inspectors (for_roles)
    })


@login_required
@for_roles(INSPECTOR)
@acts_on("penalties.Case", action="change")
def case_open(request: AuthenticatedRequest) -> HttpResponse:
    """立案: the party and the source record are picked by search (within the officer's jurisdiction), never typed as
    database ids; the chosen source is checked again here (another county's record is refused, not revealed)."""
    from bureau.hazards.models import Hazard

    hazard = None
    hazard_id = parse_id(request.GET.get("hazard") or request.POST.get("hazard"), field="hazard", label="隐患")
    if hazard_id:
        hazard = Hazard.objects.restrict(request.user).select_related("enterprise").filter(pk=hazard_id).first()
        if hazard is None:
            raise Http404
    initial = {"enterprise": hazard.enterprise_id, "hazard": hazard.pk} if hazard else _source_initial(request.GET)
    form = CaseOpenForm(request.POST or None, initial=initial, officers=_officers(request.user))
    if hazard is not None:  # the hazard is the source (its inspection, patrol or petition)
        del form.fields["source_kind"], form.fields["source_record"]
    chosen = request.POST.get("enterprise") or initial.get("enterprise")
    set_options(form.fields["enterprise"], enterprise_options(request.user, chosen))
    if "source_record" in form.fields:
        form.fields["source_record"].widget.choices = _source_options(
            request.user, request.POST.get("source_kind") or initial.get("source_kind", ""),
            request.POST.get("source_record") or initial.get("source_record", ""))
    if request.method == "POST" and form.is_valid():
        from bureau.enterprises.models import Enterprise

        data = form.cleaned_data
        if data.get("enterprise"):
            enterprise = Enterprise.objects.restrict(request.user).filter(pk=data["enterprise"]).first()
        elif hazard is not None and not data.get("enterprise_uscc"):
            enterprise = hazard.enterprise
        else:
            enterprise = Enterprise.objects.filter(uscc=data["enterprise_uscc"].strip().upper()).first()
        second = User.objects.filter(pk=data["second_officer"]).first()
        if enterprise is None:
            form.add_error("enterprise", "企业不存在或不在您的管辖范围内")
        else:
            try:
                source_type, source_id = _case_source(request.user, data.get("source"), enterprise)
                case = services.case_open(actor=request.user, enterprise=enterprise, hazard=hazard,
                                          second_officer=second, title=data["title"], facts=data["facts"],
                                          source_type=source_type, source_id=source_id)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, f"已立案：{case.number}")
                return redirect("penalties:detail", pk=case.pk)
    leads = (Hazard.objects.restrict(request.user).exclude(source="self_inspection").exclude(state="closed")
             .select_related("enterprise").order_by("-reported_at")[:30]) if hazard is None else []
    return render(request, "penalties/open.html", {"form": form, "hazard": hazard, "leads": leads})


def _source_initial(params: Any) -> dict[str, Any]:
    """The source named by a link (a patrol lead's page: ?source_kind=patrol&source_record=patrol:12&enterprise=3;
    older links ?source_type=inspection.patrolrecord&source_id=12)."""
    kind = params.get("source_kind", "")
    record = params.get("source_record", "")
    if not kind and params.get("source_type") in SOURCE_TYPES:
        kind = SOURCE_TYPES[params["source_type"]]
        record = f"{kind}:{params.get('source_id', '')}" if params.get("source_id") else ""
    initial: dict[str, Any] = {"source_kind": kind if kind in SOURCE_KINDS else "", "source_record": record}
    enterprise = str(params.get("enterprise", ""))
    if enterprise.isdigit() and len(enterprise) <= PATH_ID_DIGITS:  # a 64-bit id, else no initial value
        initial["enterprise"] = int(enterprise)
    return initial


def _source_records(user: Any, kind: str, limit: int) -> list[tuple[str, str]]:
    """(value "kind:id", label) of recent records of a kind the user may open a case from."""
    if kind == "inspection":
        return [(f"inspection:{i.pk}", _inspection_label(i))
                for i in inspection_queries.inspection_search(user, "", {"carried_out": "1"}, limit)]
    if kind == "patrol":
        return [(f"patrol:{r.pk}", _patrol_label(r))
                for r in inspection_queries.patrol_search(user, "", {"lead": "open"}, limit)]
    return [(f"petition:{p.pk}", _petition_label(p)) for p in petition_queries.petition_search(user, "", limit)]


def _inspection_label(i: Any) -> str:
    return f"{i.number} {i.enterprise.name}"


def _patrol_label(r: Any) -> str:
    return f"网上巡查 #{r.pk} {r.enterprise.name}（{r.patrolled_on:%Y-%m-%d}）"


def _petition_label(p: Any) -> str:
    return f"{p.number} {p.title}"


def _selected_source(user: Any, selected: str) -> tuple[str, str] | None:
    """(value, label) of the record a form or link names, when the user may see it."""
    kind, _, number = str(selected).rpartition(":")
    if kind not in SOURCE_KINDS or not number.isdigit() or len(number) > 18:
        return None
    try:
        if kind == "inspection":
            return selected, _inspection_label(inspection_queries.get_inspection_for(user, int(number)))
        if kind == "patrol":
            return selected, _patrol_label(inspection_queries.get_patrol_record_for(user, int(number)))
        return selected, _petition_label(petition_queries.get_petition_for(user, int(number)))
    except Http404:
        return None


def _source_options(user: Any, kind: str, selected: str) -> list[Any]:
    """The no-script fallback of the source picker: a few recent records of the chosen kind (or of each kind, in
    groups), with the selected one when the user may see it."""
    kinds = [kind] if kind in SOURCE_KINDS else list(SOURCE_KINDS)
    current = _selected_source(user, selected) if selected else None
    groups: list[Any] = [("", "请选择")]
    for k in kinds:
        rows = _source_records(user, k, limit=15 if len(kinds) == 1 else 8)
        if current and current[0].startswith(f"{k}:") and current not in rows:
            rows.insert(0, current)
        groups.append((SOURCE_KINDS[k][0], rows))
    return groups


def _case_source(user: Any, source: tuple[str, int] | None, enterprise: Any) -> tuple[str, str]:
    """(source_type, source_id) of the chosen record, checked: the officer sees it (else it is refused as absent),
    it belongs to the party, and it can be a case's source (an inspection carried out, an open patrol lead)."""
    if source is None:
        return "", ""
    kind, pk = source
    missing = DomainError("来源记录不存在或不在您的管辖范围内", field="source_record")
    try:
        if kind == "inspection":
            inspection = inspection_queries.get_inspection_for(user, pk)
            if inspection.enterprise_id != enterprise.pk:
                raise DomainError(f"所选检查 {inspection.number} 不是对该企业的检查", field="source_record")
            if inspection.state not in PARTY_STATES:
                raise DomainError(f"检查 {inspection.number} 尚未入企实施，不能作为立案来源", field="source_record")
        elif kind == "patrol":
            record = inspection_queries.get_patrol_record_for(user, pk)
            if record.enterprise_id != enterprise.pk:
                raise DomainError(f"网上巡查记录 #{record.pk} 不是对该企业的巡查", field="source_record")
            if record.lead_state != "open":
                raise DomainError(f"网上巡查记录 #{record.pk} 没有待处置的线索（{record.get_lead_state_display()}）",
                                  field="source_record")
        else:
            petition_queries.get_petition_for(user, pk)
    except Http404 as exc:
        raise missing from exc
    return SOURCE_KINDS[kind][1], str(pk)


def _detail_context(request: AuthenticatedRequest, case: Case, **extra: Any) -> dict[str, Any]:
    user = request.user
    staff = not user.enterprise_id  # the party sees the documents addressed to it (Case.ENTERPRISE_DOCUMENT_KINDS)
    available = [t.action for t in case_workflow.available(case, user)]
    steps = {a for a in available if a in STEPS}
    history = case_workflow.history(case)
    documents = list(case.documents())
    if not staff:
        documents = [d for d in documents if d.kind in Case.ENTERPRISE_DOCUMENT_KINDS]
    ctx: dict[str, Any] = {
        "case": case, "history": history, "documents": documents, "is_staff": staff,
        "services": services_of(documents, user), "methods": OTHER_METHODS, "is_party": not staff,
        "is_enterprise": bool(user.enterprise_id), "today": timezone.localdate(),
        "actions": [a for a in available if a not in STEPS], "steps": steps,
        "circumstance_labels": [rules.CIRCUMSTANCES.get(c, c) for c in case.circumstances],
        "overdue": case.state not in ("decided", "served", "executed", "closed")
        and timezone.localdate() > case.decision_due,
        "answer_overdue": bool(case.answer_due and timezone.localdate() > case.answer_due),
        "payment_days": (case.payment_due - case.served_on).days if case.payment_due and case.served_on else None,
    }
    if "execute" in ctx["actions"]:
        reported = bool(case.voucher_at)  # the party's reported payment fills the form in
        ctx["execution_form"] = extra.pop("execution_form", None) or ExecutionForm(initial={
            "method": rules.EXEC_VOLUNTARY, "amount": case.voucher_amount if reported else case.decided_amount,
            "paid_on": case.voucher_paid_on if reported else timezone.localdate(),
            "voucher": case.voucher_number if reported else ""})
    ctx["payment"] = services.payment_details(case)
    ctx["voucher"] = services.payment_voucher(case) if ctx["payment"] else None
    if "submit_voucher" in steps:
        ctx["voucher_form"] = extra.pop("voucher_form", None) or VoucherForm(initial={
            "amount": case.decided_amount, "paid_on": timezone.localdate()})
    ctx["hearing_at"] = timezone.localtime(case.hearing_at) if case.hearing_at else None
    if case.reminder_on:
        from bureau.kernel.rules import rule

        window = services.court_window(case)
        ctx["court_from"] = services.court_application_from(case, window)
        ctx["court_until"] = window[1] if window else None
        ctx["reminder_statement_due"] = rules.reminder_statement_due(
            case.reminder_on, int(rule("penalties.enforcement_notice_days", case.reminder_on)))
        ctx["reminder_statement_open"] = (case.state == "served" and not case.reminder_statement_at
                                          and timezone.localdate() <= ctx["reminder_statement_due"])
        ctx["review_decisions"] = list(rules.REVIEW_DECISIONS.items())
        ctx["can_review"] = case.reminder_review_pending and "reminder_review" in steps
    if staff:
        ctx["major_reasons"] = services.major_reasons(case)
        ctx["legal_reasons"] = services.legal_review_reasons(case)
        ctx["legal_reviews"] = services.legal_review_history(case)
        ctx["legal_passed"] = bool(ctx["legal_reviews"]) and ctx["legal_reviews"][-1].passed
        if "legal_review" in steps or "legal_return" in steps:
            ctx["legal_form"] = extra.pop("legal_form", None) or LegalReviewForm(
                initial={"reviewed_on": timezone.localdate()})
        elif LEGAL_REVIEWER in user.role_codes and case.state == "deciding" and not ctx["legal_passed"]:
            # why this reviewer may not review (第58条第2款, not an investigator, another authority) or not yet
            ctx["legal_refusal"] = refusal(case_workflow, case, "legal_review", user)
        if "review_statement" in steps:
            ctx["statement_review_form"] = extra.pop("statement_review_form", None) or StatementReviewForm()
        ctx["discussion"] = (CollectiveDiscussion.objects.filter(case=case).select_related("host")
                             .prefetch_related("participants").first())
        if ctx["discussion"] is None and not case.exemption and "discuss" in steps:
            ctx["discussion_form"] = extra.pop("discussion_form", None) or _discussion_form(case)
        if "schedule_hearing" in steps:
            ctx["hearing_form"] = extra.pop("hearing_form", None) or _hearing_form(case)
        ctx["can_remind"] = case.payment_overdue and not case.reminder_on and "remind" in steps
        if ctx["can_remind"] and case.payment_due is not None:  # payment_overdue implies a payment deadline
            from bureau.kernel.rules import rule

            ctx["surcharge_days"], ctx["surcharge"] = rules.late_surcharge(
                fine=case.decided_amount or 0, payment_due=case.payment_due, on=timezone.localdate(),
                daily_pct=int(rule("penalties.late_surcharge_pct")))
    if staff:
        ctx["evidence"] = list(case.evidence.prefetch_related("officers"))
        if "evidence" in steps or "propose" in steps:
            officers = _officers(user)
            ctx["evidence_form"] = extra.pop("evidence_form", None) or EvidenceForm(
                officers=officers, initial={"recorded_on": timezone.localdate(),
                                            "officers": [str(case.lead_officer_id), str(case.second_officer_id)]})
            ctx["proposal_form"] = extra.pop("proposal_form", None) or _proposal_form(case)
            matching, others = services.self_inspection_candidates(case)
            ctx["exemption_form"] = extra.pop("exemption_form", None) or ExemptionForm(
                hazards=others, matching=matching, violations=queries.first_offence_choices(case.filed_on),
                initial={"violation_code": case.violation_code or (case.hazard.violation_code if case.hazard else "")})
    ctx.update(extra)
    return ctx


def proposed_violation(case: Any, violations: list[tuple[str, str]]) -> str:
    """The violation the proposal form starts from: the case's own, or for a case opened from an inspection finding
    the first benchmark violation in force that the finding's checklist item can prove
    (inspection.queries.violation_codes_for_finding)."""
    if case.violation_code:
        return str(case.violation_code)
    offered = {code for code, _ in violations}
    return next((c for c in violation_codes_for_finding(case.hazard_id) if c in offered), "")


def _discussion_form(case: Case, data: Any = None) -> DiscussionForm:
    candidates = services.discussion_candidates(case)
    return DiscussionForm(data, leaders=[u for u in candidates if u.has_role(LEADER)], candidates=candidates,
                          initial={"held_on": timezone.localdate(), "conclusion": rules.CONCLUSION_AGREE})


def _hearing_form(case: Case, data: Any = None) -> HearingScheduleForm:
    import datetime as dt

    from bureau.kernel.rules import rule

    staff = services.hearing_staff(case)
    earliest = timezone.localdate() + dt.timedelta(days=int(rule("penalties.hearing_notice_days")))
    initial = {"hearing_on": earliest, "hearing_time": dt.time(9, 30), "place": f"{case.organisation.name}听证室"}
    if case.hearing_at:
        at = timezone.localtime(case.hearing_at)
        initial = {"hearing_on": at.date(), "hearing_time": at.time(), "place": case.hearing_place,
                   "host": case.hearing_host_id, "clerk": case.hearing_clerk_id}
    return HearingScheduleForm(data, staff=staff, initial=initial,
                               investigators=(case.lead_officer_id, case.second_officer_id))


def _form_action(request: AuthenticatedRequest, case: Case, form: Any, form_key: str, call: Any, success: str,
                 fallback_error: str) -> HttpResponse:
    """A step's form on the case page: on success a message and back to the case; a form error or the service's
    refusal goes next to its field, the page is shown again with the answer (400/409) and nothing is saved."""
    status, error = 400, fallback_error
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            status, error = exc.status, exc.message
            case = queries.get_case_for(request.user, case.pk)  # as stored: the refusal changed nothing
        else:
            messages.success(request, success)
            return redirect("penalties:detail", pk=case.pk)
    else:
        error = next(iter(e for errors in form.errors.values() for e in errors), error)
    return render(request, "penalties/detail.html",
                  _detail_context(request, case, **{form_key: form}, action_error=error), status=status)


@login_required
@require_POST
@for_roles(*STAFF)
@acts_on("penalties.Case", action="action")
def discussion(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """集体讨论记录: the form's errors and the service's refusals next to their field; nothing saved on refusal."""
    case = queries.get_case_for(request.user, pk)
    form = _discussion_form(case, request.POST)

    def record(data: dict[str, Any]) -> None:
        people = {u.pk: u for u in services.discussion_candidates(case)}
        services.discussion_record(actor=request.user, case=case, held_on=data["held_on"], place=data["place"],
                                   host=people.get(int(data["host"])),
                                   participants=[people[int(x)] for x in data["participants"]],
                                   summary=data["summary"], conclusion=data["conclusion"],
                                   amount=data["amount"], reason=data["reason"])

    return _form_action(request, case, form, "discussion_form", record, "已记录集体讨论",
                        "请更正集体讨论记录中的错误")


@login_required
@require_POST
@for_roles(*STAFF)
@acts_on("penalties.Case", action="action")
def hearing_schedule(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """安排听证 and the 听证通知书; refusals next to their field, nothing saved."""
    import datetime as dt

    case = queries.get_case_for(request.user, pk)
    form = _hearing_form(case, request.POST)

    def schedule(data: dict[str, Any]) -> None:
        people = {u.pk: u for u in services.hearing_staff(case)}
        services.hearing_schedule(actor=request.user, case=case,
                                  hearing_at=dt.datetime.combine(data["hearing_on"], data["hearing_time"]),
                                  place=data["place"], host=people.get(int(data["host"])),
                                  clerk=people.get(int(data["clerk"])))

    return _form_action(request, case, form, "hearing_form", schedule, "已安排听证并发出听证通知书",
                        "请更正听证安排中的错误")


@login_required
@require_POST
@for_roles(INSPECTOR, SECTION_HEAD, LEADER)
@acts_on("penalties.Case", action="action")
def statement_review(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """复核陈述申辩 (行政处罚法 第45条): refusals next to their field, nothing saved."""
    case = queries.get_case_for(request.user, pk)
    form = StatementReviewForm(request.POST)

    def review(data: dict[str, Any]) -> None:
        services.statement_review_record(actor=request.user, case=case, outcome=data["outcome"],
                                         reason=data["reason"], amount=data["amount"])

    return _form_action(request, case, form, "statement_review_form", review, "已记录陈述申辩复核意见",
                        "请更正复核意见中的错误")


@login_required
@require_POST
@for_roles(LEGAL_REVIEWER)
@acts_on("penalties.Case", action="action")
def legal_review(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """法制审核 (行政处罚法 第58条): refusals next to their field, nothing saved; 建议修改/不同意 returns the case."""
    case = queries.get_case_for(request.user, pk)
    form = LegalReviewForm(request.POST)

    def review(data: dict[str, Any]) -> None:
        services.legal_review_record(actor=request.user, case=case, opinion=data["opinion"], text=data["text"],
                                     reviewed_on=data["reviewed_on"])

    opinion = request.POST.get("lr-opinion", "")
    done = "已记录法制审核意见" + ("" if opinion == rules.LEGAL_AGREE else "，案件已退回承办人修改")
    return _form_action(request, case, form, "legal_form", review, done, "请更正法制审核意见中的错误")


@login_required
@acts_on("penalties.Case")
def case_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = queries.get_case_for(request.user, pk)
    return render(request, "penalties/detail.html", _detail_context(request, case))


@login_required
@require_POST
@acts_on("penalties.Case", action="action")
def evidence_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = queries.get_case_for(request.user, pk)
    form = EvidenceForm(request.POST, officers=_officers(request.user))
    if form.is_valid():
        data = form.cleaned_data
        officers = list(User.objects.filter(pk__in=[int(x) for x in data["officers"]]))
        try:
            services.evidence_add(actor=request.user, case=case, kind=data["kind"], recorded_on=data["recorded_on"],
                                  place=data["place"], content=data["content"], officers=officers)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "已保存调查取证笔录")
            return redirect("penalties:detail", pk=case.pk)
    return render(request, "penalties/detail.html", _detail_context(request, case, evidence_form=form), status=400)


def _choice(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _proposal_form(case: Case, data: Any = None, *, bind: bool = True) -> ProposalForm:
    """The propose step's form: the violation picker (narrowed by the search), the quantity in the chosen
    violation's unit, its named facts as checkboxes, the computed 初次违法 / 一年内再犯."""
    source = data if data is not None else {}
    code = (source.get("violation_code") or case.violation_code or "").strip()
    search = (source.get("violation_search") or "").strip()
    choices = queries.violation_choices(case.filed_on, q=search, keep=code) if search else \
        queries.violation_choices(case.filed_on, keep=code)
    if search and not [c for c in choices if c[0] != code]:  # the search names a provision, not a text
        choices = queries.violation_choices(case.filed_on, provision=search, keep=code)
    if not code and data is None:  # a case opened from an inspection finding starts from what its item proves
        code = proposed_violation(case, choices)
    violation = queries.violation(case.filed_on, code) if code else None
    history = None
    try:
        history = services.offence_history(case, violation_code=code)
    except DomainError:
        history = None
    initial = {"violation_code": code, "circumstances": [c for c in case.circumstances
                                                                         if c not in rules.HISTORY],
               "stage": case.stage or rules.STAGE_ORDER, "target": case.target or rules.TARGET_UNIT,
               "amount": case.proposed_amount, "complex_case": case.complex_case, "quantity": case.quantity,
               "facts": case.named_facts, "override_reason": case.history_override_reason,
               "first_offence_override": _choice(case.first_offence_override),
               "repeat_override": _choice(case.repeat_override)}
    if data is not None and not bind:  # the picker's search: the officer's entries shown again, not validated
        initial.update({k: (data.getlist(k) if k in ("facts", "circumstances") else data.get(k))
                        for k in ProposalForm.base_fields if k in data})
        data = None
    return ProposalForm(data, initial=initial, violations=choices, violation=violation, history=history)


@login_required
@require_POST
@acts_on("penalties.Case", action="action")
def proposal(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The propose step: 查找 narrows the picker, 试算 shows the computed proposal (tier, band, reasoning, the
    不予处罚 option) before anything is saved, 保存 records it."""
    case = queries.get_case_for(request.user, pk)
    if "find" in request.POST:  # the picker's search without JavaScript: the narrowed list, nothing computed
        form = _proposal_form(case, request.POST, bind=False)
        return render(request, "penalties/detail.html", _detail_context(request, case, proposal_form=form))
    form = _proposal_form(case, request.POST)
    preview = None
    if form.is_valid():
        data = form.cleaned_data
        overrides = dict(first_offence_override=override_value(data["first_offence_override"]),
                         repeat_override=override_value(data["repeat_override"]),
                         override_reason=data["override_reason"])
        try:
            if "preview" in request.POST or data["amount"] is None:
                history = services.offence_history(case, violation_code=data["violation_code"],
                                                   override_first=overrides["first_offence_override"],
                                                   override_repeat=overrides["repeat_override"],
                                                   reason=overrides["override_reason"])
                preview = services.proposal_compute(violation_code=data["violation_code"],
                                                    circumstances=data["circumstances"], stage=data["stage"],
                                                    target=data["target"], on=case.filed_on,
                                                    party=case.enterprise.name, quantity=data["quantity"],
                                                    facts=data["facts"], history=history,
                                                    industry=case.enterprise.industry)
                if data["amount"] is None and "preview" not in request.POST:
                    form.add_error("amount", "请填写拟罚款金额")
            else:
                services.case_propose(actor=request.user, case=case, violation_code=data["violation_code"],
                                      circumstances=data["circumstances"], amount=data["amount"],
                                      stage=data["stage"], target=data["target"],
                                      deviation_reason=data["deviation_reason"],
                                      complex_case=data["complex_case"], quantity=data["quantity"],
                                      facts=data["facts"], **overrides)
                messages.success(request, "已保存裁量建议")
                return redirect("penalties:detail", pk=case.pk)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    status = 200 if preview is not None and not form.errors else 400
    return render(request, "penalties/detail.html",
                  _detail_context(request, case, proposal_form=form, preview=preview), status=status)


@login_required
@require_POST
@acts_on("penalties.Case", action="action")
def exemption(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    from bureau.hazards.models import Hazard

    case = queries.get_case_for(request.user, pk)
    matching, others = services.self_inspection_candidates(case, request.POST.get("ex-violation_code") or "")
    form = ExemptionForm(request.POST, hazards=others, matching=matching,
                         violations=queries.first_offence_choices(case.filed_on))
    if form.is_valid():
        data = form.cleaned_data
        hazard = Hazard.objects.restrict(request.user).filter(pk=data["hazard"]).first() if data["hazard"] else None
        try:
            services.case_propose_exemption(actor=request.user, case=case, kind=data["kind"], hazard=hazard,
                                            violation_code=data["violation_code"] or "",
                                            circumstances=data["circumstances"], link_reason=data["link_reason"],
                                            first_offence_override=override_value(data["first_offence_override"]),
                                            override_reason=data["override_reason"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "已提出免罚意见")
            return redirect("penalties:detail", pk=case.pk)
    return render(request, "penalties/detail.html", _detail_context(request, case, exemption_form=form), status=400)


def _int_or_none(value: str | None) -> int | None:
    value = (value or "").replace(",", "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise DomainError("金额应为整数（元）", field="amount") from None


@login_required
@require_POST
@acts_on("penalties.Case", action="action")
def case_act(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    case = queries.get_case_for(request.user, pk)
    p = request.POST
    user = request.user
    handlers = {
        "submit_review": lambda: services.case_transition(actor=user, case=case, action="submit_review"),
        "return": lambda: services.case_transition(actor=user, case=case, action="return", note=p.get("note", "")),
        "notify": lambda: services.case_notify(actor=user, case=case, opinion=p.get("note", "")),
        "statement": lambda: services.statement_submit(actor=user, case=case, text=p.get("text", ""),
                                                       waive=p.get("waive") == "1"),
        "request_hearing": lambda: services.hearing_request(actor=user, case=case, note=p.get("note", "")),
        "record_hearing": lambda: services.hearing_record_save(actor=user, case=case, record=p.get("record", "")),
        "submit_decision": lambda: services.case_submit_decision(actor=user, case=case),
        "decide": lambda: services.case_decide(actor=user, case=case, amount=_int_or_none(p.get("amount")),
                                               deviation_reason=p.get("deviation_reason", ""),
                                               late_reason=p.get("late_reason", "")),
        "decide_no_penalty": lambda: services.case_decide_no_penalty(actor=user, case=case),
        "serve": lambda: services.case_serve(actor=user, case=case, method=p.get("method", "")),
        "close": lambda: services.case_close(actor=user, case=case, note=p.get("note", "")),
        "remind": lambda: services.reminder_issue(actor=user, case=case),
        "reminder_statement": lambda: services.reminder_statement_submit(actor=user, case=case,
                                                                         text=p.get("text", "")),
        "reminder_review": lambda: services.reminder_review_record(actor=user, case=case,
                                                                   decision=p.get("decision", ""),
                                                                   reason=p.get("reason", "")),
    }
    if action == "execute":
        return _execute(request, case)
    if action == "submit_voucher":
        return _submit_voucher(request, case)
    if action == "confirm_payment":  # the 记录执行情况 step, with the party's reported payment
        handlers["confirm_payment"] = lambda: services.case_confirm_payment(actor=user, case=case,
                                                                             note=p.get("note", ""))
    handlers["return_voucher"] = lambda: services.case_return_voucher(actor=user, case=case,
                                                                      reason=p.get("reason", ""))
    handler = handlers.get(action)
    if handler is None:
        raise Http404
    try:
        handler()
    except DomainError as exc:
        messages.error(request, exc.message)
        return render(request, "penalties/detail.html", _detail_context(request, case, action_error=exc.message),
                      status=exc.status)
    messages.success(request, "已办理")
    return redirect("penalties:detail", pk=case.pk)


def _submit_voucher(request: AuthenticatedRequest, case: Case) -> HttpResponse:
    """上传缴款凭证 by the party: errors next to their field; a refusal changes nothing (one transaction, the case
    read again) and keeps the chosen file if it passed its own check (kernel/staging.py), a bad file is named."""
    form = VoucherForm(request.POST, request.FILES)
    try:
        with staging.claiming(request) as files:  # the file chosen now, else the one kept from a refusal
            form = VoucherForm(request.POST, files)
            if not form.is_valid():
                raise DomainError("")  # the form's own messages; the file is kept
            data = form.cleaned_data
            services.case_submit_voucher(actor=request.user, case=case, amount=data["amount"],
                                         paid_on=data["paid_on"], number=data["number"], upload=data["file"])
    except DomainError as exc:
        staged = staging.refused_file_form(request, form, exc, "file", services.check_voucher_file)
        error = exc.message or next(iter(e for errors in form.errors.values() for e in errors), "请更正缴款凭证中的错误")
        case = queries.get_case_for(request.user, case.pk)  # as stored: the refusal changed nothing
        return render(request, "penalties/detail.html",
                      _detail_context(request, case, voucher_form=form, action_error=error, staged=staged),
                      status=exc.status)
    messages.success(request, "缴款凭证已上传，等待执法人员核对")
    return redirect("penalties:detail", pk=case.pk)


def _execute(request: AuthenticatedRequest, case: Case) -> HttpResponse:
    """记录执行情况: the form's errors and the service's refusals next to their field; nothing saved on refusal."""
    form = ExecutionForm(request.POST)

    def execute(data: dict[str, Any]) -> None:
        services.case_execute(actor=request.user, case=case, method=data["method"], amount=data["amount"],
                              paid_on=data["paid_on"], voucher=data["voucher"], note=data["note"],
                              court_name=data["court_name"], applied_on=data["applied_on"])

    return _form_action(request, case, form, "execution_form", execute, "已记录执行情况", "请更正执行情况中的错误")


@login_required
@for_roles(*STAFF, LEGAL_REVIEWER)  # the 法制审核 checks 裁量适当 against the benchmark (行政处罚法 第58条)
@reference_data
def benchmark(request: AuthenticatedRequest) -> HttpResponse:
    on = timezone.localdate() if request.GET.get("all") != "1" else None
    qs = queries.benchmark_list(on, request.GET)
    page = paginate(qs, request.GET, size=100)
    can_import = workbook.may_import(request.user)
    return render(request, "penalties/benchmark.html", {"page": page, "on": on, "can_import": can_import,
                                                        "params": request.GET})


@login_required
@for_roles(*STAFF)
@reference_data
def benchmark_template(request: AuthenticatedRequest) -> HttpResponseBase:
    labels = {v: k for k, v in services.HEADER_LABELS.items()}
    example = ["示例版本", "《示例基准》", "", "2026-01-01", "", "DEMO-1", "示例违法行为", "安全生产法第X条",
               "安全生产法第Y条", 0, 100000, "责令限期改正阶段", "生产经营单位", "从轻", "第1档", "有1处", 0, 30000, "", ""]
    return xlsx_response("裁量基准导入模板.xlsx", [labels[c] for c in services.COLUMNS], [example], sheet="裁量基准")
