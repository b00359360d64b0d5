"""Thin HTML views: parse, call a service or a scoped query, render. The inspection screens work at 390 px."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from bureau.accounts.authority import changes_kind
from bureau.accounts.http import AuthenticatedRequest
from bureau.accounts.models import Organisation, User
from bureau.accounts.roles import ENTERPRISE, INSPECTOR, LEADER, SECTION_HEAD, SYSADMIN
from bureau.enterprises.models import Enterprise, Industry, SubSector, SupervisionAssignment
from bureau.enterprises.queries import enterprise_options, get_enterprise_for
from bureau.hazards.queries import hazards_found_by
from bureau.inspection import checklists, queries, services
from bureau.inspection.forms import (
    ChecklistImportForm,
    ConflictForm,
    DrawForm,
    ExceptionalForm,
    PatrolPlanForm,
    PatrolRecordForm,
    PlanEntryForm,
    PlanForm,
    RedoForm,
)
from bureau.inspection.models import (
    Checklist,
    ChecklistItem,
    ConflictOfInterest,
    Inspection,
    InspectionKind,
    InspectionResult,
    PatrolPlan,
    PlanEntry,
    ResultOutcome,
    SupervisionHandover,
)
from bureau.inspection.workflow import handover_workflow, inspection_workflow, lead_workflow, plan_workflow
from bureau.kernel import staging
from bureau.kernel.access import acts_on, for_roles, own_account, public_view, reference_data
from bureau.kernel.attachments import attachments_by_owner
from bureau.kernel.errors import DomainError
from bureau.kernel.excel import xlsx_response
from bureau.kernel.models import Attachment
from bureau.kernel.net import client_ip
from bureau.kernel.paging import paginate
from bureau.kernel.pickers import MAX_RESULTS, search_response, search_term, set_options
from bureau.kernel.rules import rule
from bureau.kernel.validation import parse_id, parse_int

STAFF = (INSPECTOR, SECTION_HEAD, LEADER)


def _bureau(request: AuthenticatedRequest) -> Organisation:
    """The bureau the officer acts for (its officers, its plans); an account without one has none: 404."""
    try:
        return services.bureau_of(request.user)
    except DomainError as exc:
        raise Http404 from exc


def _run(request: AuthenticatedRequest, action: Callable[[], Any], ok: str) -> bool:
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, ok)
    return True


def _form_error(form: Any, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _officers(request: AuthenticatedRequest) -> list[User]:
    return services.bureau_officers(_bureau(request))


def _chosen(request: AuthenticatedRequest, ids: list[str]) -> list[User]:
    allowed = {o.pk: o for o in _officers(request)}
    chosen = [parse_id(i, field="officers", label="执法人员") for i in ids]
    return [allowed[i] for i in chosen if i in allowed]


# ---- inspections --------------------------------------------------------------------------------------------------

@login_required
@for_roles(*STAFF)
@acts_on("inspection.Inspection")
def inspection_list(request: AuthenticatedRequest) -> HttpResponse:
    qs = queries.inspection_list(request.user, request.GET)
    return render(request, "inspection/inspection_list.html", {
        "page": paginate(qs, request.GET), "states": inspection_workflow.states.items(),
        "kinds": InspectionKind.choices, "params": request.GET})


@dataclass
class ChecklistRow:
    """A checklist item on the inspection page with its recorded result and the result's photos."""

    item: ChecklistItem
    result: InspectionResult | None
    photos: list[Attachment] = field(default_factory=list)


@dataclass
class EntryRow:
    """A plan entry on the plan page with the number of inspections already opened for it."""

    entry: PlanEntry
    opened: int


@login_required
@for_roles(*STAFF, ENTERPRISE)
@acts_on("inspection.Inspection")
def inspection_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    if request.user.enterprise_id:
        return _party_detail(request, pk)
    return _staff_detail(request, queries.get_inspection_for(request.user, pk))


def _staff_detail(request: AuthenticatedRequest, inspection: Inspection, *, status: int = 200, **extra: Any
                  ) -> HttpResponse:
    """The officers' inspection page; after a refused item (status 400) with its photos kept (`staged`, for the
    item `staged_item`) and what was chosen and typed (`posted`)."""
    team = list(inspection.officers.all())
    in_team = any(o.pk == request.user.pk for o in team)
    results = {r.item_id: r for r in inspection.results.all()}
    photos = attachments_by_owner(results.values())
    items = []
    for item in inspection.items():
        result = results.get(item.pk)
        items.append(ChecklistRow(item, result, photos.get(result.pk, []) if result else []))
    hazards = hazards_found_by(inspection)
    return render(request, "inspection/inspection_detail.html", {
        "i": inspection, "team": team, "in_team": in_team, "items": items, "hazards": hazards,
        "recorded": len(results), "outcomes": ResultOutcome.choices,
        "actions": {t.action for t in inspection_workflow.available(inspection, request.user)},
        "history": inspection_workflow.history(inspection), "documents": inspection.documents(),
        "services": services.services_of(inspection.documents(), request.user), "methods": services.OTHER_METHODS,
        "today": dt.date.today(),
        "default_deadline": dt.date.today() + dt.timedelta(days=15),
        "max_days": rule("inspection.rectification_max_days"),
        "signatures": list(inspection.signatures.all()),
        "signed": inspection.signatures.filter(user=request.user).exists(), **extra,
    }, status=status)


# ---- the inspected enterprise's side: its inspections, the documents served on it, 签收 -------------------------

PARTY_TIMELINE = frozenset({"check_in", "finish", "finish_clean", "recheck_pass", "recheck_fail",
                            "service_acknowledged", "service_recorded"})


@login_required
@for_roles(ENTERPRISE)
@acts_on("inspection.Inspection")
def my_inspections(request: AuthenticatedRequest) -> HttpResponse:
    """我的检查记录: the inspections of the user's enterprise that took place, with what waits for its 签收."""
    page = paginate(queries.party_inspections(request.user), request.GET)
    pending = queries.pending_services(request.user)
    return render(request, "inspection/mine.html", {
        "page": page, "pending": pending, "consent": services.consent_of(request.user.enterprise_id)})


def _party_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    inspection = queries.get_inspection_for(request.user, pk)
    findings = list(inspection.results.filter(outcome=ResultOutcome.FINDING).select_related("item", "hazard")
                    .order_by("item__seq"))
    documents = [d for d in inspection.documents() if d.kind in Inspection.ENTERPRISE_DOCUMENT_KINDS]
    history = [h for h in inspection_workflow.history(inspection) if h.action in PARTY_TIMELINE]
    return render(request, "inspection/party_detail.html", {
        "i": inspection, "team": list(inspection.officers.all()), "findings": findings,
        "checked": inspection.results.count(), "documents": documents, "history": history,
        "services": services.services_of(documents, request.user),
        "consent": services.consent_of(request.user.enterprise_id),
        "signatures": list(inspection.signatures.all()),
        "signed": inspection.signatures.filter(user=request.user).exists()})


@login_required
@require_POST
@acts_on("inspection.DocumentService", action="action")
def service_act(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    """签收 (the enterprise) or 登记其他方式送达 (an officer) of one served document; back to the owning record."""
    service = queries.get_service_for(request.user, pk)
    back = services.service_owner_url(service) or reverse("inspection:mine")
    if action == "acknowledge":
        already = service.state == "acknowledged"
        if _run(request, lambda: services.service_acknowledge(actor=request.user, service=service,
                                                               ip=client_ip(request)),
                f"已签收《{service.document.title}》"):
            if already:
                messages.info(request, f"该文书已于 {timezone.localtime(service.acknowledged_at):%Y-%m-%d %H:%M} "
                                       "签收，无需重复签收")
    elif action == "serve":
        served_on = None
        if request.POST.get("served_on"):
            try:
                served_on = dt.date.fromisoformat(request.POST["served_on"])
            except ValueError:
                messages.error(request, "送达日期格式不正确")
                return redirect(back)
        _run(request, lambda: services.service_serve_otherwise(actor=request.user, service=service,
                                                               method=request.POST.get("method", ""),
                                                               served_on=served_on), "已登记送达")
    else:
        raise Http404
    return redirect(back)


@login_required
@for_roles(ENTERPRISE)
@own_account
def service_consent(request: AuthenticatedRequest) -> HttpResponse:
    """电子送达确认书: read it, sign it once (行政处罚法 第61条第2款); afterwards the signed confirmation."""
    consent = services.consent_of(request.user.enterprise_id)
    if request.method == "POST" and consent is None:
        if _run(request, lambda: services.service_consent_record(actor=request.user, ip=client_ip(request),
                                                                  agreed=request.POST.get("agreed") == "1"),
                "已签署电子送达确认书，现在可以在平台签收执法文书"):
            back = request.POST.get("next", "")
            if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
                return redirect(back)
            return redirect("inspection:service_consent")
    return render(request, "inspection/service_consent.html", {
        "consent": consent, "text": consent.text if consent else services.CONSENT_TEXT,
        "address": services.CONSENT_ADDRESS, "document": queries.consent_document(consent),
        "next": request.GET.get("next", "")})


@login_required
@require_POST
@for_roles(*STAFF)
@acts_on("inspection.Inspection", action="action")
def inspection_action(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    inspection = queries.get_inspection_for(request.user, pk)
    user, post = request.user, request.POST
    if action == "approve":
        _run(request, lambda: services.inspection_approve(actor=user, inspection=inspection,
                                                          reason=post.get("reason", "")), "已批准检查")
    elif action == "refuse":
        _run(request, lambda: services.inspection_refuse(actor=user, inspection=inspection,
                                                         reason=post.get("reason", "")), "已不予批准")
    elif action == "checkin":
        _run(request, lambda: services.inspection_check_in(actor=user, inspection=inspection, method="manual"),
             "已登记入企，开始现场检查")
    elif action == "record":
        item = next((i for i in inspection.items() if str(i.pk) == post.get("item")), None)
        if item is None:
            messages.error(request, "检查项不存在")
        else:
            try:
                # the photos taken now plus those kept from a refused save of this item (kernel/staging.py)
                with staging.claiming(request) as files:
                    services.inspection_record_item(
                        actor=user, inspection=inspection, item=item, outcome=post.get("outcome", ""),
                        note=post.get("note", ""), photos=files.getlist("photos"))
            except DomainError as exc:
                staged, file_errors = staging.keep_after_refusal(
                    request, lambda _field, photo: services.check_result_photo(photo), fields=lambda f: f == "photos")
                for message in dict.fromkeys([exc.message, *file_errors]):  # each once
                    messages.error(request, f"第 {item.seq} 项未保存：{message}")
                return _staff_detail(request, queries.get_inspection_for(user, pk), status=exc.status, staged=staged,
                                     staged_item=item.pk, posted={"outcome": post.get("outcome", ""),
                                                                  "note": post.get("note", "")})
            messages.success(request, f"已记录第 {item.seq} 项")
        return redirect(reverse("inspection:inspection", args=[pk]) + f"#item-{post.get('item', '')}")
    elif action == "record_rest":
        _run(request, lambda: services.inspection_record_rest_compliant(actor=user, inspection=inspection),
             "其余检查项已全部记录为符合")
        return redirect(reverse("inspection:inspection", args=[pk]) + "#checklist")
    elif action == "finish":
        deadline = None
        if post.get("deadline"):
            try:
                deadline = dt.date.fromisoformat(post["deadline"])
            except ValueError:
                messages.error(request, "整改期限日期格式不正确")
                return redirect("inspection:inspection", pk=pk)
        _run(request, lambda: services.inspection_finish(actor=user, inspection=inspection,
                                                         summary=post.get("summary", ""), deadline=deadline),
             "检查已结束，文书已生成")
    elif action == "recheck":
        passed = {parse_int(k.split("_", 1)[1], field=k, label="隐患", minimum=1): v == "1" for k, v in post.items()
                  if k.startswith("hazard_")}
        _run(request, lambda: services.inspection_recheck(actor=user, inspection=inspection, passed=passed,
                                                          opinion=post.get("opinion", "")),
             "复查已完成，整改复查意见书已生成")
    elif action == "cancel":
        _run(request, lambda: services.inspection_cancel(actor=user, inspection=inspection,
                                                         reason=post.get("reason", "")), "检查已取消")
    else:
        raise Http404
    return redirect("inspection:inspection", pk=pk)


@login_required
@for_roles(*STAFF)
@acts_on("inspection.Inspection", action="change")
def inspection_new(request: AuthenticatedRequest) -> HttpResponse:
    """An exceptional inspection (complaint, accident, patrol lead, referral)."""
    officers = _officers(request)
    form = ExceptionalForm(request.POST or None, officers=officers)
    set_options(form.fields["enterprise"], enterprise_options(request.user, request.POST.get("enterprise")))
    if request.method == "POST" and form.is_valid():
        enterprise = Enterprise.objects.restrict(request.user).filter(pk=form.cleaned_data["enterprise"]).first()
        if enterprise is None:
            form.add_error("enterprise", "企业不存在或不在您的管辖范围内")
        else:
            try:
                inspection = services.inspection_open_exceptional(
                    actor=request.user, enterprise=enterprise, reason=form.cleaned_data["reason"],
                    reference=form.cleaned_data["reference"], officers=_chosen(request, form.cleaned_data["officers"]))
            except DomainError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, f"已生成检查任务 {inspection.number}")
                return redirect("inspection:inspection", pk=inspection.pk)
    return render(request, "inspection/form.html", {"form": form, "title": "发起专项/线索检查",
                                                    "back": "inspection:inspections", "back_label": "检查任务"})


@login_required
@for_roles(INSPECTOR)
@acts_on("inspection.Inspection", action="action")
def checkin(request: AuthenticatedRequest, token: str) -> HttpResponse:
    """扫码入企: the officer scans the enterprise's QR code; the visit is logged and the inspection starts."""
    enterprise = Enterprise.objects.restrict(request.user).filter(checkin_token=token).select_related(
        "region").first()
    if enterprise is None:
        raise Http404("入企码无效或企业不在您的管辖范围内")
    tasks = list(Inspection.objects.restrict(request.user).filter(
        enterprise=enterprise, officers=request.user, state__in=("pending_approval", "assigned", "on_site")))
    if request.method == "POST":
        task = next((t for t in tasks if str(t.pk) == request.POST.get("inspection")), None)
        if task is None:
            if _run(request, lambda: services.checkin_log(actor=request.user, enterprise=enterprise),
                    "已登记入企（无检查任务）"):
                return redirect("inspection:checkin", token=token)
        elif _run(request, lambda: services.inspection_check_in(actor=request.user, inspection=task),
                  "已扫码入企，开始现场检查"):
            return redirect("inspection:inspection", pk=task.pk)
    return render(request, "inspection/checkin.html", {"e": enterprise, "tasks": tasks})


@login_required
@for_roles(*STAFF)
@acts_on("enterprises.Enterprise")
def enterprise_qr(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The enterprise's 入企码 as SVG (printed and posted at the gate)."""
    enterprise = get_enterprise_for(request.user, pk)
    url = request.build_absolute_uri(reverse("inspection:checkin", args=[enterprise.checkin_token]))
    svg = segno.make(url, error="m").svg_inline(scale=6)
    if request.GET.get("format") == "svg":
        return HttpResponse(svg, content_type="image/svg+xml")
    return render(request, "inspection/qr.html", {"e": enterprise, "svg": svg, "url": url})


# ---- plans --------------------------------------------------------------------------------------------------------

@login_required
@for_roles(*STAFF)
@acts_on("inspection.AnnualPlan")
def plan_list(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "inspection/plan_list.html", {"plans": queries.plan_list(request.user)[:100]})


@login_required
@for_roles(*STAFF)
@acts_on("inspection.AnnualPlan", action="change")
def plan_new(request: AuthenticatedRequest) -> HttpResponse:
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "年度计划已创建，请添加重点检查企业")
            return redirect("inspection:plan", pk=plan.pk)
    return render(request, "inspection/form.html", {"form": form, "title": "编制年度监督检查计划",
                                                    "back": "inspection:plans", "back_label": "年度检查计划"})


def _plan_candidates(request: AuthenticatedRequest, plan: Any) -> list[Enterprise]:
    taken = set(plan.entries.values_list("enterprise_id", flat=True))
    qs = (Enterprise.objects.restrict(request.user).filter(is_key=True, supervision__year=plan.year,
                                                             supervision__organisation=plan.organisation)
          .order_by("name"))
    if plan.region_id != "140800":
        qs = qs.filter(region_id=plan.region_id)
    return [e for e in qs[:300] if e.pk not in taken]


@login_required
@for_roles(*STAFF)
@acts_on("inspection.AnnualPlan")
def plan_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = queries.get_plan_for(request.user, pk)
    own = _bureau(request).pk == plan.organisation_id
    form = PlanEntryForm(request.POST or None)
    candidates = _plan_candidates(request, plan) if own and plan.state == "draft" else []
    form.fields["enterprise"].widget.choices = [(e.pk, f"{e.name}（{e.get_industry_display()}）") for e in candidates]
    if request.method == "POST" and own and form.is_valid():
        enterprise = Enterprise.objects.restrict(request.user).filter(pk=form.cleaned_data["enterprise"]).first()
        if enterprise is None:
            form.add_error("enterprise", "企业不存在或不在您的管辖范围内")
        else:
            try:
                services.plan_entry_add(actor=request.user, plan=plan, enterprise=enterprise,
                                        months=form.cleaned_data["months"], frequency=form.cleaned_data["frequency"],
                                        note=form.cleaned_data["note"])
            except DomainError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, f"已列入计划：{enterprise.name}")
                return redirect("inspection:plan", pk=pk)
    entries = list(plan.entries.select_related("enterprise", "enterprise__region")[:500])
    key_total = sum(plan.entries.values_list("frequency", flat=True))
    opened: dict[int, int] = {}
    for entry_id in Inspection.objects.filter(plan_entry__plan=plan).exclude(state="cancelled").values_list(
            "plan_entry_id", flat=True):
        opened[entry_id] = opened.get(entry_id, 0) + 1
    rows = [EntryRow(e, opened.get(e.pk, 0)) for e in entries]
    return render(request, "inspection/plan_detail.html", {
        "plan": plan, "entries": rows, "form": form, "own": own, "key_total": key_total,
        "gaps": len(candidates),
        "no_assignments": own and plan.state == "draft" and not SupervisionAssignment.objects.filter(
            year=plan.year, organisation=plan.organisation).exists(),
        "random_capacity": max(0, plan.capacity_inspections - key_total),
        "actions": {t.action for t in plan_workflow.available(plan, request.user)}, "officers": _officers(request) if own else [],
        "history": plan_workflow.history(plan)})


@login_required
@require_POST
@for_roles(*STAFF)
@acts_on("inspection.AnnualPlan", action="action")
def plan_action(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    plan = queries.get_plan_for(request.user, pk)
    user, note = request.user, request.POST.get("note", "")
    if action == "submit":
        _run(request, lambda: services.plan_submit(actor=user, plan=plan, note=note), "计划已提交审批")
    elif action == "approve":
        _run(request, lambda: services.plan_approve(actor=user, plan=plan, note=note), "计划已批准并在门户公开")
    elif action == "reject":
        _run(request, lambda: services.plan_reject(actor=user, plan=plan, note=note), "计划已退回")
    elif action == "remove":
        entry = plan.entries.filter(pk=parse_id(request.POST.get("entry"), field="entry", label="计划条目") or 0).first()
        if entry:
            _run(request, lambda: services.plan_entry_remove(actor=user, entry=entry), "已移出计划")
    else:
        raise Http404
    return redirect("inspection:plan", pk=pk)


@login_required
@require_POST
@for_roles(*STAFF)
@acts_on("inspection.AnnualPlan", action="action")
def plan_entry_open(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    entry = PlanEntry.objects.filter(pk=pk, plan__in=queries.plan_list(request.user)).select_related(
        "plan", "enterprise", "enterprise__region").first()
    if entry is None:
        raise Http404
    holder: dict[str, Any] = {}

    def act() -> None:
        holder["i"] = services.inspection_open_planned(actor=request.user, entry=entry,
                                                       officers=_chosen(request, request.POST.getlist("officers")))

    if _run(request, act, "已安排计划检查"):
        return redirect("inspection:inspection", pk=holder["i"].pk)
    return redirect("inspection:plan", pk=entry.plan_id)


# ---- draws --------------------------------------------------------------------------------------------------------

@login_required
@for_roles(*STAFF)
@acts_on("inspection.Draw")
def draw_list(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "inspection/draw_list.html", {"page": paginate(queries.draw_list(request.user),
                                                                          request.GET)})


@login_required
@for_roles(*STAFF)
@acts_on("inspection.Draw", action="change")
def draw_new(request: AuthenticatedRequest, redo_of: int | None = None) -> HttpResponse:
    """Announce a draw (or a replacement of one, with its reason): pool, parameters, draw time, commitment."""
    old = queries.get_draw_for(request.user, redo_of) if redo_of else None
    officers = _officers(request)
    lead = dt.timedelta(minutes=int(rule("inspection.draw_lead_minutes")))
    initial: dict[str, Any] = {"draw_at": timezone.localtime(timezone.now() + lead).replace(second=0, microsecond=0)}
    if old:
        initial |= {"title": old.title, "checklist": old.checklist_id, "size": old.sample_size,
                    "officers": [str(o) for o in old.officer_pool], **old.filters}
    form = DrawForm(request.POST or None, officers=officers, initial=initial)
    redo = RedoForm(request.POST or None) if old else None
    if request.method == "POST" and form.is_valid() and (redo is None or redo.is_valid()):
        data = form.cleaned_data
        try:
            draw = services.draw_announce(
                actor=request.user, title=data["title"], officer_ids=[int(i) for i in data["officers"]],
                filters={k: data[k] for k in ("industry", "region", "risk") if data.get(k)}, size=data["size"],
                ratio_percent=data["ratio"], checklist=data["checklist"], draw_at=data["draw_at"],
                redo_of=old, redo_reason=redo.cleaned_data["reason"] if redo else "")
        except DomainError as exc:
            _form_error(form, exc)
        else:
            assert draw.draw_at is not None
            messages.success(request, f"已公告 {draw.number}：承诺值已公示，"
                                      f"{timezone.localtime(draw.draw_at):%Y-%m-%d %H:%M} 后可抽取")
            return redirect("inspection:draw", pk=draw.pk)
    return render(request, "inspection/draw_form.html", {"form": form, "redo": redo, "old": old})


@login_required
@require_POST
@for_roles(*STAFF)
@acts_on("inspection.Draw", action="change")
def draw_run(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Make the announced draw: one recorded attempt (refused ones are published with their reason)."""
    draw = queries.get_draw_for(request.user, pk)
    try:
        attempt = services.draw_attempt(actor=request.user, draw=draw)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if attempt.outcome == "drawn":
            messages.success(request, f"抽取完成：抽中 {len(attempt.selected)} 家，随机数已揭示，结果已公示")
        else:
            messages.error(request, f"第 {attempt.n} 次抽取未完成（已记录并公示）：{attempt.reason}")
    return redirect("inspection:draw", pk=pk)


@login_required
@for_roles(*STAFF)
@acts_on("inspection.Draw")
def draw_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    draw = queries.get_draw_for(request.user, pk)
    checks = services.draw_checks(draw) if request.GET.get("verify") else None
    return render(request, "inspection/draw_detail.html", _draw_context(draw) | {
        "checks": checks, "verified": checks is not None and all(c.ok for c in checks), "public": False,
        "due": draw.draw_at is not None and timezone.now() >= draw.draw_at})


def _draw_context(draw: Any) -> dict[str, Any]:
    inspections = {i.enterprise_id: i for i in draw.inspections.select_related("enterprise")}
    attempts = list(draw.attempts.select_related("actor").order_by("n"))
    handled = draw.team_handling or []
    shown = [int(i) for i in draw.selected] + [h["enterprise"] for h in handled]
    enterprises = Enterprise.objects.in_bulk(shown)
    officer_ids = {o for team in draw.teams.values() for o in team}
    names = {u.pk: u.display_name for u in User.objects.filter(pk__in=officer_ids)}
    in_pool = set(draw.officer_pool)
    rows = []
    for n, eid in enumerate(draw.selected, 1):
        e = enterprises.get(int(eid))
        rows.append({"n": n, "id": eid, "enterprise": e, "inspection": inspections.get(int(eid)),
                     "team": [names.get(o, str(o)) for o in draw.teams.get(str(eid), [])],
                     "reserve": any(o not in in_pool for o in draw.teams.get(str(eid), []))})
    names_of = {"industry": ("行业", dict(Industry.choices)), "region": ("区划", {}),
                "risk": ("风险", {"high": "较高风险", "normal": "一般风险"})}
    filter_labels = [f"{names_of.get(k, (k, {}))[0]}：{names_of.get(k, (k, {}))[1].get(v, v)}"
                     for k, v in (draw.filters or {}).items()]
    stage = 1 if draw.state == "announced" and not attempts else (2 if draw.state == "announced" else 3)
    return {"draw": draw, "rows": rows, "redos": list(draw.redos.all()), "filter_labels": filter_labels,
            "checklists": queries.draw_checklists(draw),
            "excluded_protected": (draw.excluded or {}).get("protected_count", 0),
            "excluded_at_cap": len((draw.excluded or {}).get("at_cap", [])),
            "excluded_no_team": len((draw.excluded or {}).get("no_team", [])),
            "attempts": attempts, "stage": stage, "beacon_label": _beacon_label(draw.beacon),
            "handled": [h | {"enterprise_obj": enterprises.get(int(h["enterprise"]))} for h in handled]}


def _beacon_label(beacon: dict[str, Any]) -> str:
    if beacon.get("kind") == "drand":
        return f"drand 公共随机信标 quicknet 第 {beacon.get('round')} 轮"
    if beacon.get("kind") == "audit":
        return "本平台审计日志链中抽取时间后的第一条记录（其防篡改摘要）"
    return ""


# ---- patrols ------------------------------------------------------------------------------------------------------

@login_required
@for_roles(*STAFF)
@acts_on("inspection.PatrolRecord")
def patrol_list(request: AuthenticatedRequest) -> HttpResponse:
    bureau = _bureau(request)
    plans = list(queries.patrol_plans(request.user).filter(organisation=bureau)[:50])
    return render(request, "inspection/patrol_list.html", {
        "plans": plans, "adoptable": services.adoptable_patrol_plans(bureau, timezone.localdate().year),
        "can_plan": changes_kind(request.user, PatrolPlan),
        "page": paginate(queries.patrol_records(request.user, request.GET), request.GET), "params": request.GET})


@login_required
@require_POST
@for_roles(*STAFF)
@acts_on("inspection.PatrolPlan", action="change")
def patrol_plan_adopt(request: AuthenticatedRequest) -> HttpResponse:
    """A county adopts the city's patrol plans of the year as its own (measure II.7)."""
    holder: dict[str, Any] = {}

    def act() -> None:
        holder["plans"] = services.patrol_plans_adopt(actor=request.user)

    if _run(request, act, "已采用市局网上巡查计划"):
        if not holder["plans"]:
            messages.info(request, "市局本年度的网上巡查计划均已采用")
    return redirect("inspection:patrols")


@login_required
@for_roles(*STAFF)
@acts_on("inspection.PatrolPlan", action="change")
def patrol_plan_new(request: AuthenticatedRequest) -> HttpResponse:
    form = PatrolPlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.patrol_plan_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "网上巡查计划已保存")
            return redirect("inspection:patrols")
    return render(request, "inspection/form.html", {"form": form, "title": "制定网上巡查计划",
                                                    "back": "inspection:patrols", "back_label": "网上巡查"})


@login_required
@for_roles(*STAFF)
@acts_on("inspection.PatrolRecord", action="change")
def patrol_record_new(request: AuthenticatedRequest) -> HttpResponse:
    form = PatrolRecordForm(request.POST or None, initial={"patrolled_on": dt.date.today()})
    bureau = _bureau(request)
    plans = list(queries.recordable_patrol_plans(request.user, bureau))
    form.fields["plan"].widget.choices = [(p.pk, f"{p.title}（{p.get_industry_display()}）") for p in plans]
    set_options(form.fields["enterprise"], enterprise_options(request.user, request.POST.get("enterprise")))
    if not plans:
        return render(request, "inspection/patrol_no_plan.html", {
            "adoptable": services.adoptable_patrol_plans(bureau, timezone.localdate().year),
            "can_plan": changes_kind(request.user, PatrolPlan), "bureau": bureau})
    if request.method == "POST" and form.is_valid():
        plan = next((p for p in plans if p.pk == form.cleaned_data["plan"]), None)
        enterprise = Enterprise.objects.restrict(request.user).filter(pk=form.cleaned_data["enterprise"]).first()
        if plan is None:
            form.add_error("plan", "巡查计划不存在")
        elif enterprise is None:
            form.add_error("enterprise", "企业不存在或不在您的管辖范围内")
        else:
            try:
                record = services.patrol_record_create(actor=request.user, plan=plan, enterprise=enterprise,
                                                       patrolled_on=form.cleaned_data["patrolled_on"],
                                                       finding=form.cleaned_data["finding"])
            except DomainError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, "巡查记录已保存")
                return redirect("inspection:patrol", pk=record.pk)
    return render(request, "inspection/form.html", {"form": form, "title": "登记网上巡查",
                                                    "back": "inspection:patrols", "back_label": "网上巡查"})


@login_required
@for_roles(*STAFF)
@acts_on("inspection.PatrolRecord")
def patrol_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    record = queries.get_patrol_record_for(request.user, pk)
    if request.method == "POST":
        if request.POST.get("action") == "inspection":
            holder: dict[str, Any] = {}

            def act() -> None:
                holder["i"] = services.patrol_lead_to_inspection(
                    actor=request.user, record=record, officers=_chosen(request, request.POST.getlist("officers")))

            if _run(request, act, "线索已转现场检查"):
                return redirect("inspection:inspection", pk=holder["i"].pk)
        elif request.POST.get("action") == "case":
            _run(request, lambda: services.patrol_lead_to_case(actor=request.user, record=record,
                                                               case_reference=request.POST.get("case_reference", "")),
                 "线索已转立案")
        return redirect("inspection:patrol", pk=pk)
    actions = {t.action for t in lead_workflow.available(record, request.user)}
    return render(request, "inspection/patrol_detail.html", {"r": record, "officers": _officers(request),
                                                             "actions": actions,
                                                             "history": lead_workflow.history(record)})


# ---- search pickers (bureau.kernel.pickers): JSON searches scoped to the user ------------------------------------

@login_required
@for_roles(*STAFF)
@acts_on("inspection.Inspection")
def inspection_search(request: AuthenticatedRequest) -> HttpResponse:
    rows = queries.inspection_search(request.user, search_term(request), request.GET, MAX_RESULTS + 1)
    return search_response(rows, label=lambda i: f"{i.number} {i.enterprise.name}",
                           detail=lambda i: f"{i.get_kind_display()} · {i.state_label} · "
                                            f"{timezone.localtime(i.checked_in_at or i.created_at):%Y-%m-%d}")


@login_required
@for_roles(*STAFF)
@acts_on("inspection.PatrolRecord")
def patrol_search(request: AuthenticatedRequest) -> HttpResponse:
    rows = queries.patrol_search(request.user, search_term(request), request.GET, MAX_RESULTS + 1)
    return search_response(rows, label=lambda r: f"网上巡查 #{r.pk} {r.enterprise.name}",
                           detail=lambda r: f"{r.patrolled_on:%Y-%m-%d} · {r.get_lead_state_display()}"
                                            + (f" · {r.finding[:40]}" if r.finding else ""))


# ---- conflicts of interest ----------------------------------------------------------------------------------------

@login_required
@for_roles(*STAFF)
@own_account
def conflict_list(request: AuthenticatedRequest) -> HttpResponse:
    """An officer declares a conflict of interest (回避); draws and teams skip the pair."""
    form = ConflictForm(request.POST or None)
    set_options(form.fields["enterprise"], enterprise_options(request.user, request.POST.get("enterprise")))
    if request.method == "POST" and form.is_valid():
        enterprise = Enterprise.objects.restrict(request.user).filter(pk=form.cleaned_data["enterprise"]).first()
        if enterprise is None:
            form.add_error("enterprise", "企业不存在或不在您的管辖范围内")
        else:
            try:
                services.conflict_declare(actor=request.user, officer=request.user, enterprise=enterprise,
                                          reason=form.cleaned_data["reason"])
            except DomainError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, "已登记回避关系")
                return redirect("inspection:conflicts")
    rows = ConflictOfInterest.objects.filter(officer=request.user).select_related("enterprise")
    return render(request, "inspection/conflicts.html", {"rows": rows, "form": form})


# ---- checklists ---------------------------------------------------------------------------------------------------

@login_required
@for_roles(*STAFF, SYSADMIN)
@reference_data
def checklist_list(request: AuthenticatedRequest) -> HttpResponse:
    """The checklists in force today (or on `on`), each with its items, and the earlier versions kept for the
    inspections that used them; `industry` filters."""
    try:
        on = dt.date.fromisoformat(request.GET.get("on", "")) if request.GET.get("on") else timezone.localdate()
    except ValueError:
        on = timezone.localdate()
    industry = request.GET.get("industry", "")
    rows = list(Checklist.objects.prefetch_related("items").order_by("name", "-effective_from", "-id"))
    current = [c for c in rows if c.in_force(on) and (not industry or industry in c.industries)]
    history = [c for c in rows if c not in current and (not industry or industry in c.industries)]
    return render(request, "inspection/checklists.html", {
        "checklists": current, "history": history, "on": on, "industry": industry, "industries": Industry.choices,
        "can_import": checklists.may_import(request.user)})


@login_required
@for_roles(SYSADMIN, SECTION_HEAD, LEADER)
def checklist_import(request: AuthenticatedRequest) -> HttpResponse:
    """导入执法检查表: upload (.xlsx/.csv) → preview (every row checked, errors with their line, what each checklist
    becomes: first version, new version closing the current one, already imported) → confirm. Only the city
    bureau's 系统管理员, 科室负责人 and 分管负责人 (checklists.may_import); the file travels with the confirm form
    and is checked again when saved."""
    if not checklists.may_import(request.user):
        raise Http404
    form = ChecklistImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form, "columns": checklists.COLUMNS, "laws": checklists.KNOWN_LAWS,
                               "sub_sectors": SubSector.choices}
    if request.method != "POST":
        return render(request, "inspection/checklist_import.html", context)
    if request.POST.get("action") == "confirm":
        filename = request.POST.get("filename", "")[:200]
        try:
            created = checklists.import_checklists(actor=request.user,
                                                   data=checklists.decode_upload(request.POST.get("data", "")),
                                                   filename=filename)
        except DomainError as exc:
            form = ChecklistImportForm()
            form.add_error(None, exc.message)
            return render(request, "inspection/checklist_import.html", context | {"form": form}, status=400)
        if created:
            messages.success(request, "已导入：" + "；".join(f"《{c.name}》{c.version}（{c.items.count()} 项）"
                                                         for c in created))
        else:
            messages.info(request, "文件中的检查表均已导入，内容相同，未作改动")
        return redirect("inspection:checklists")
    if not form.is_valid():
        return render(request, "inspection/checklist_import.html", context, status=400)
    upload = form.cleaned_data["file"]
    data = upload.read(checklists.MAX_BYTES + 1)
    try:
        result = checklists.preview(actor=request.user, data=data, filename=upload.name or "")
    except DomainError as exc:
        form.add_error("file", exc.message)
        return render(request, "inspection/checklist_import.html", context, status=400)
    return render(request, "inspection/checklist_import.html", context | {
        "result": result, "data": checklists.encode_upload(data) if result.ok else "", "filename": upload.name},
        status=200 if result.ok else 400)


@login_required
@for_roles(SYSADMIN, SECTION_HEAD, LEADER)
def checklist_template(request: AuthenticatedRequest) -> HttpResponseBase:
    """An import template with two example rows (Excel)."""
    header = [headers[0] for _, headers, _ in checklists.COLUMNS if headers[0] not in {"检查类别"}]
    examples = [
        ["示例：危险化学品安全执法检查表", "危险化学品生产；危险化学品经营", "", 1, "人员资格", "特种作业人员持证上岗",
         "查阅特种作业操作证，现场抽查作业人员", "《中华人民共和国安全生产法》第三十条第一款",
         "生产经营单位的特种作业人员必须按照国家有关规定经专门的安全作业培训，取得相应资格，方可上岗作业。",
         "《中华人民共和国安全生产法》第九十七条第（七）项", "AQSCF-97-7", "2027", "2027-01-01",
         "（发文机关、文号）", ""],
        ["示例：冶金工贸安全执法检查表", "冶金工贸", "冶金", 1, "重大隐患", "人员聚集场所未设置在铁水、钢水、液渣吊运跨的地坪区域内",
         "现场检查", "《工贸企业重大事故隐患判定标准》第四条第（一）项", "", "《中华人民共和国安全生产法》第一百零二条",
         "AQSCF-102", "2027", "2027-01-01", "（发文机关、文号）", ""],
    ]
    return xlsx_response("执法检查表导入模板.xlsx", header, examples, sheet="执法检查表")


# ---- public (portal) ------------------------------------------------------------------------------------------------

@public_view
def public_draws(request: HttpRequest) -> HttpResponse:
    return render(request, "inspection/public_draws.html", {"page": paginate(queries.public_draws(), request.GET)})


@public_view
def public_draw_method(request: HttpRequest) -> HttpResponse:
    """The technical recipe of the draw (hashes, shuffle), kept off the public pages' plain explanation."""
    return render(request, "inspection/public_draw_method.html")


@public_view
def public_draw(request: HttpRequest, pk: int) -> HttpResponse:
    draw = queries.public_draw(pk)
    if draw is None:
        raise Http404
    return render(request, "inspection/public_draw.html", _draw_context(draw) | {"public": True})


@public_view
def public_draw_verify(request: HttpRequest, pk: int) -> HttpResponse:
    """Anyone re-runs a published draw: the platform recomputes every published value from the published inputs
    and says, step by step, whether it matches (the same computation as GET /api/v1/draws/{id}/verify)."""
    draw = queries.public_draw(pk)
    if draw is None:
        raise Http404
    checks = services.draw_checks(draw)
    return render(request, "inspection/public_draw_verify.html", {
        "draw": draw, "checks": checks, "verified": all(c.ok for c in checks)})


@public_view
def public_plans(request: HttpRequest) -> HttpResponse:
    return render(request, "inspection/public_plans.html", {"plans": queries.public_plans()[:100]})


@public_view
def public_plan(request: HttpRequest, pk: int) -> HttpResponse:
    plan = queries.public_plans().filter(pk=pk).first()
    if plan is None:
        raise Http404
    entries = list(plan.entries.select_related("enterprise", "enterprise__region")[:1000])
    industries = dict(Industry.choices)
    by_industry = sorted((industries.get(row["enterprise__industry"], ""), row["n"]) for row in
                         plan.entries.values("enterprise__industry").annotate(n=Count("id")))
    return render(request, "inspection/public_plan.html", {
        "plan": plan, "entries": entries, "total": plan.entries.count(), "names": bool(rule("inspection.plan_publish_names")),
        "by_industry": by_industry})


# ---- record signatures, supervision handovers (measures I.3, I.6) ------------------------------------------------

@login_required
@require_POST
@for_roles(*STAFF, ENTERPRISE)
@acts_on("inspection.Inspection", action="action")
def inspection_sign(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """An officer of the team, or the inspected enterprise, signs the finished record (安全生产法 第66条)."""
    inspection = queries.get_inspection_for(request.user, pk)
    _run(request, lambda: services.inspection_sign(actor=request.user, inspection=inspection), "已在检查记录上签名")
    return redirect("inspection:inspection", pk=pk)


@login_required
@for_roles(*STAFF)
@acts_on("inspection.SupervisionHandover")
def handover_list(request: AuthenticatedRequest) -> HttpResponse:
    """监管移交任务: what the licensing area handed to supervision (after approval, overdue 容缺 commitments)."""
    state = request.GET.get("state", "")
    qs = (SupervisionHandover.objects.restrict(request.user).select_related("enterprise", "organisation")
          .order_by("state", "due_on", "-id"))
    if state in handover_workflow.states:
        qs = qs.filter(state=state)
    page = paginate(qs, request.GET)
    rows = [(h, {t.action for t in handover_workflow.available(h, request.user)}) for h in page.rows]
    return render(request, "inspection/handover_list.html", {
        "page": page, "rows": rows, "state": state, "states": handover_workflow.states.items()})


@login_required
@require_POST
@for_roles(*STAFF)
@acts_on("inspection.SupervisionHandover", action="action")
def handover_action(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    handover = SupervisionHandover.objects.restrict(request.user).select_related("enterprise").filter(pk=pk).first()
    if handover is None:
        raise Http404
    if action == "receive":
        _run(request, lambda: services.handover_receive(actor=request.user, handover=handover,
                                                        note=request.POST.get("note", "")), "已接收，纳入监管")
    elif action == "close":
        _run(request, lambda: services.handover_close(actor=request.user, handover=handover,
                                                      result=request.POST.get("result", "")), "已办结")
    else:
        raise Http404
    return redirect("inspection:handovers")
