"""Thin HTML views of dual prevention: parse, call a service or a scoped query, render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST

from bureau.accounts.authority import changes_kind, require_change
from bureau.accounts.http import AuthenticatedRequest
from bureau.accounts.models import User
from bureau.accounts.roles import ENTERPRISE, EXPERT, SYSADMIN
from bureau.enterprises.models import Enterprise
from bureau.hazards import queries, services
from bureau.hazards.forms import (
    CheckFilterForm,
    CheckInForm,
    CheckItemForm,
    ExtensionForm,
    HazardFilterForm,
    HazardReportForm,
    ListingEntryForm,
    ListingForm,
    NoteForm,
    PlacementForm,
    PlanForm,
    RiskFilterForm,
    RiskPointForm,
    SitePlanForm,
)
from bureau.hazards.models import (
    CheckItem,
    CheckState,
    DeadlineExtension,
    Hazard,
    HazardSource,
    ListedSupervision,
    RiskPoint,
    ScheduledCheck,
)
from bureau.hazards.rules import OPEN_STATES, is_overdue
from bureau.hazards.workflow import (
    BUREAU_DECIDERS,
    STAFF,
    extension_workflow,
    hazard_workflow,
    listing_workflow,
)
from bureau.kernel import staging
from bureau.kernel.access import acts_on, for_roles, public_view
from bureau.kernel.audit import audit
from bureau.kernel.errors import DomainError
from bureau.kernel.excel import xlsx_response
from bureau.kernel.links import pk_url
from bureau.kernel.paging import capped_count, capped_count_compiled, paginate, paginate_compiled
from bureau.kernel.registry import registry
from bureau.kernel.rows import escape_text as _e
from bureau.kernel.templatetags.ui import chip, countdown, table_date, ymd

ACTION_STYLE = {"accept": "btn", "close": "btn", "request_acceptance": "btn", "reject_acceptance": "btn btn-danger",
                "remove": "btn", "verify_fail": "btn btn-danger", "request_recheck": "btn", "approve": "btn",
                "refuse": "btn btn-danger"}
# Actions of the hazard page that have their own form (not the generic buttons).
OWN_FORM_ACTIONS = {"plan", "request_extension", "list"}


# Who opens the pages at all (kernel.access.for_roles; anyone else gets 404); what each sees is the declaration's
# restrict (the jurisdiction, the party enterprise its own, the checkup expert the hazards of the checkup).
BUREAU = (*sorted(STAFF), SYSADMIN)  # the bureau's officers and the system administrator
PARTICIPANTS = (ENTERPRISE, *BUREAU)
READERS = (*PARTICIPANTS, EXPERT)  # an expert reads the hazards of the checkups it took part in (their verification)


@dataclass(frozen=True)
class HazardRow:
    """One row of the hazard list, worked out (the partial hazards/_list_rows.html prints it)."""
    href: str
    number: str
    title: str
    enterprise_name: str
    region_name: str
    major: bool
    source_label: str
    found: str
    deadline: str
    is_open: bool
    limit: str
    state_chip: str


# What a row shows, read as plain values (model instances of the hazard, its enterprise and region cost more than
# the page's SQL, and the enterprise's encrypted fields were decrypted for nothing)
HAZARD_LIST_VALUES = ("pk", "number", "title", "enterprise__name", "region__name", "grade", "source", "found_on",
                      "deadline", "state")
_SOURCE_LABELS = dict(HazardSource.choices)


def hazard_rows(values: list[dict[str, Any]]) -> list[HazardRow]:
    href = pk_url("hazards:detail")
    today = timezone.localdate()
    countdown_today = dt.date.today()  # what `{% countdown %}` counts from
    # rows share dates and states: each countdown, date and chip is printed once a page
    limits: dict[Any, str] = {}
    dates: dict[Any, str] = {}
    chips: dict[tuple[str, bool], str] = {}
    rows = []
    for h in values:
        state, deadline, found_on = h["state"], h["deadline"], h["found_on"]
        is_open = state in OPEN_STATES
        limit = ""
        if is_open:
            limit = limits.get(deadline)  # type: ignore[assignment]
            if limit is None:
                limit = limits[deadline] = countdown(deadline, today=countdown_today)
        overdue = state != "closed" and is_overdue(state, deadline, today)
        state_chip = chips.get((state, overdue))
        if state_chip is None:
            if state == "closed":
                state_chip = chip(hazard_workflow.state_label(state), "done")
            elif overdue:
                state_chip = chip("已超期", "overdue")
            else:
                state_chip = chip(hazard_workflow.state_label(state), "running")
            chips[(state, overdue)] = state_chip
        found = dates.get(found_on)
        if found is None:
            found = dates[found_on] = table_date(found_on)
        source = h["source"]
        rows.append(HazardRow(
            href=href(h["pk"]), number=h["number"], title=h["title"], enterprise_name=h["enterprise__name"],
            region_name=h["region__name"], major=h["grade"] == "major",
            source_label=str(_SOURCE_LABELS.get(source, source)), found=found,
            deadline=ymd(deadline), is_open=is_open, limit=limit, state_chip=state_chip))
    return rows


def hazard_rows_html(rows: list[HazardRow], is_enterprise: bool) -> SafeString:
    """The rows of the hazard list as HTML: the bytes `hazards/_list_rows.html` renders (a test compares), put
    together without template nodes (issue 18)."""
    out = []
    for r in rows:
        enterprise = ("" if is_enterprise else
                      f'<td data-label="企业">{_e(r.enterprise_name)}<br><span class="muted small">'
                      f'{_e(r.region_name)}</span></td>')
        grade = '<span class="chip chip-overdue">重大</span>' if r.major else "一般"
        out.append(
            f'\n<tr><td data-label="编号" class="nowrap">{_e(r.number)}</td>\n'
            f'<td data-label="隐患名称"><a href="{_e(r.href)}">{_e(r.title)}</a></td>\n'
            f'{enterprise}\n'
            f'<td data-label="等级">{grade}</td>\n'
            f'<td data-label="来源">{_e(r.source_label)}</td>\n'
            f'<td data-label="发现日期" class="nowrap">{_e(r.found)}</td>\n'
            f'<td data-label="整改期限" class="nowrap">{_e(r.deadline)}{" " + _e(r.limit) if r.is_open else ""}</td>\n'
            f'<td data-label="状态">{_e(r.state_chip)}</td></tr>\n')
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


@login_required
@for_roles(*READERS)
@acts_on("hazards.Hazard")
def hazard_list(request: AuthenticatedRequest) -> HttpResponse:
    form = HazardFilterForm(request.GET or None)
    today = dt.date.today()  # what hazard_list counts overdue from
    qs = queries.hazard_list(request.user, request.GET, today)
    key = queries.hazard_list_key(request.user, request.GET, today)
    page = (paginate(qs.values(*HAZARD_LIST_VALUES), request.GET) if key is None  # compiled once per key (issue 18)
            else paginate_compiled(lambda: qs.values(*HAZARD_LIST_VALUES), key, request.GET))
    is_enterprise = bool(request.user.enterprise_id)
    return render(request, "hazards/list.html", {
        "form": form, "page": page, "rows_html": hazard_rows_html(hazard_rows(page.rows), is_enterprise),
        "total": capped_count(qs) if key is None else capped_count_compiled(qs, key), "is_enterprise": is_enterprise,
        "export_query": request.GET.urlencode(),
        "may_report": bool(request.user.is_superuser or request.user.role_codes & set(PARTICIPANTS)),
    })


@login_required
@for_roles(*PARTICIPANTS)
@acts_on("hazards.Hazard")
def hazard_export(request: AuthenticatedRequest) -> HttpResponseBase:
    qs = queries.hazard_list(request.user, request.GET)
    header = ["隐患编号", "企业", "区划", "隐患名称", "等级", "来源", "发现日期", "整改期限", "状态", "整改责任人"]

    def rows():  # type: ignore[no-untyped-def]
        for h in qs.iterator(chunk_size=2000):
            yield [h.number, h.enterprise.name, h.region.name, h.title, h.get_grade_display(), h.get_source_display(),
                   h.found_on, h.deadline, hazard_workflow.state_label(h.state), h.responsible_person]

    audit(request.user, "hazards.export", summary="导出隐患清单", data={"filters": request.GET.dict()})
    return xlsx_response("隐患清单.xlsx", header, rows(), sheet="隐患清单")


@login_required
@for_roles(*PARTICIPANTS)
@acts_on("hazards.Hazard", action="change")
def hazard_new(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    is_enterprise = bool(user.enterprise_id)
    points = RiskPoint.objects.restrict(user).order_by("name")
    catalogue = registry.violation_catalogue
    form = HazardReportForm(request.POST or None, is_enterprise=is_enterprise, risk_points=points,
                            enterprises=Enterprise.objects.restrict(user),
                            violations=catalogue(timezone.localdate()) if catalogue else (),
                            initial={"found_on": timezone.localdate(), "grade": "general"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        enterprise = user.enterprise if is_enterprise else data["enterprise"]
        try:
            if enterprise is None:
                raise DomainError("请选择企业", field="enterprise")
            hazard = services.hazard_report(
                actor=user, enterprise=enterprise,
                source=HazardSource.SELF_INSPECTION if is_enterprise else data["source"], title=data["title"],
                found_on=data["found_on"], grade=data["grade"], description=data["description"],
                location=data["location"], major_criterion=data["major_criterion"],
                risk_point=data.get("risk_point"), violation_code=data.get("violation_code") or "",
                deadline=data.get("deadline"))
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"已登记隐患 {hazard.number}，请制定整改方案")
            return redirect("hazards:detail", pk=hazard.pk)
    return render(request, "hazards/new.html", {"form": form, "is_enterprise": is_enterprise})


def _plan_form(hazard: Hazard, user: User) -> PlanForm:
    """The plan form; an enterprise cannot change a deadline set by the bureau or an expert (shown, not editable)."""
    form = PlanForm(initial={"deadline": hazard.deadline})
    if user.enterprise_id and hazard.source != HazardSource.SELF_INSPECTION and hazard.deadline is not None:
        field = form.fields["deadline"]
        field.disabled = True
        field.help_text = "整改期限由检查机关或专家确定；确需延期的，请在右侧提交延期申请"
    return form


@login_required
@for_roles(*READERS)
@acts_on("hazards.Hazard")
def hazard_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _render_detail(request, queries.get_hazard_for(request.user, pk))


def _render_detail(request: AuthenticatedRequest, hazard: Hazard, *, status: int = 200, **extra: Any) -> HttpResponse:
    """The hazard page; after a refused upload (status 400) with the files kept for the form that was sent
    (`evidence_staged` or `request_staged`, kernel/staging.py)."""
    user = request.user
    available = hazard_workflow.available(hazard, user)
    actions = [t for t in available if t.action not in OWN_FORM_ACTIONS]
    listing = ListedSupervision.objects.filter(hazard=hazard).first()
    can_plan = hazard.state == "reported" and any(t.action == "plan" for t in available)
    extensions = list(DeadlineExtension.objects.restrict(user).filter(hazard=hazard)
                      .select_related("requested_by", "decided_by"))
    for ext in extensions:
        ext.state_label = extension_workflow.state_label(ext.state)
        ext.actions = extension_workflow.available(ext, user) if ext.state == "requested" else []
    # progress notes and evidence while rectifying: whoever changes the hazard (its enterprise, the county)
    may_add_evidence = (hazard.state == "rectifying"
                        and Hazard.objects.restrict(user, "change").filter(pk=hazard.pk).exists())
    return render(request, "hazards/detail.html", {
        "h": hazard, "state_label": hazard_workflow.state_label(hazard.state),
        "overdue": hazard.is_overdue(timezone.localdate()), "actions": actions,
        "plan_form": _plan_form(hazard, user) if can_plan else None,
        "note_form": NoteForm(), "history": hazard_workflow.history(hazard), "listing": listing,
        "can_list": any(t.action == "list" for t in available),
        "action_style": ACTION_STYLE, "photos": list(hazard.attachments().filter(purpose="现场照片").order_by("id")),
        "extensions": extensions,
        "extension_form": (ExtensionForm() if any(t.action == "request_extension" for t in available) else None),
        "evidence": services.evidence_of(hazard), "may_add_evidence": may_add_evidence,
        "files_with_request": any(t.action == "request_acceptance" for t in actions), **extra,
    }, status=status)


def _kept_evidence(request: AuthenticatedRequest, exc: DomainError) -> dict[str, Any]:
    """After a refused evidence upload: the good files kept (kernel/staging.py), the refusal and every bad file
    flashed, each once and in order. Returns the staged files for the page."""
    staged, file_errors = staging.keep_after_refusal(
        request, lambda _field, upload: services.check_evidence_file(upload), fields=lambda f: f == "files")
    for message in dict.fromkeys([exc.message, *file_errors]):
        if message:
            messages.error(request, message)
    return staged


def _refused_upload(request: AuthenticatedRequest, hazard: Hazard, exc: DomainError, staged_as: str) -> HttpResponse:
    """A refused upload on the hazard page: nothing saved; every good file kept, every bad one named, the page shown
    again (not a redirect, which would lose the files)."""
    staged = _kept_evidence(request, exc)
    note = request.POST.get("note", "")
    kept = {"posted_note": note} if staged_as == "evidence_staged" else {"note_form": NoteForm({"note": note})}
    return _render_detail(request, queries.get_hazard_for(request.user, hazard.pk), status=exc.status,
                          **{staged_as: staged}, **kept)


@login_required
@require_POST
@acts_on("hazards.Hazard", action="action")
def hazard_plan(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    hazard = queries.get_hazard_for(request.user, pk)
    form = PlanForm(request.POST)
    if request.user.enterprise_id and hazard.source != HazardSource.SELF_INSPECTION and hazard.deadline:
        form.fields["deadline"].disabled = True  # a disabled field keeps the bureau's deadline
        form.initial["deadline"] = hazard.deadline
    if not form.is_valid():
        messages.error(request, "整改方案填写有误：" + "；".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("hazards:detail", pk=pk)
    try:
        services.hazard_plan(actor=request.user, hazard=hazard, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已登记整改方案，隐患进入整改")
    return redirect("hazards:detail", pk=pk)


@login_required
@require_POST
@acts_on("hazards.Hazard", action="action")
def hazard_act(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    hazard = queries.get_hazard_for(request.user, pk)
    note = request.POST.get("note", "")
    try:
        if action == "progress":
            services.hazard_progress(actor=request.user, hazard=hazard, note=note)
        elif action == "request_acceptance":
            # the evidence chosen now plus the files kept from a refused request (kernel/staging.py)
            with staging.claiming(request) as files:
                services.hazard_transition(actor=request.user, hazard=hazard, action=action, note=note,
                                           files=files.getlist("files"))
        else:
            services.hazard_transition(actor=request.user, hazard=hazard, action=action, note=note)
    except DomainError as exc:
        if action == "request_acceptance":
            return _refused_upload(request, hazard, exc, "request_staged")
        messages.error(request, exc.message)
    else:
        messages.success(request, "已办理：" + ("整改进展" if action == "progress" else hazard_workflow.action_label(action)))
    return redirect("hazards:detail", pk=pk)


@login_required
@require_POST
@acts_on("hazards.Hazard", action="action")
def hazard_evidence(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Upload rectification evidence (photos, certificates, reports) to a hazard under rectification."""
    hazard = queries.get_hazard_for(request.user, pk)
    try:
        # the files chosen now plus those kept from a refused upload (kernel/staging.py)
        with staging.claiming(request) as files:
            saved = services.hazard_evidence_add(actor=request.user, hazard=hazard, files=files.getlist("files"),
                                                 note=request.POST.get("note", ""))
    except DomainError as exc:
        return _refused_upload(request, hazard, exc, "evidence_staged")
    else:
        messages.success(request, f"已上传整改佐证 {len(saved)} 个")
    return redirect("hazards:detail", pk=pk)


@login_required
@require_POST
@acts_on("hazards.Hazard", action="action")
def hazard_extension(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The enterprise asks for a later deadline (hazards found by the bureau or an expert)."""
    hazard = queries.get_hazard_for(request.user, pk)
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "延期申请填写有误：" + "；".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("hazards:detail", pk=pk)
    try:
        services.extension_request(actor=request.user, hazard=hazard, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已提交延期申请，等待监管部门审批")
    return redirect("hazards:detail", pk=pk)


@login_required
@require_POST
@acts_on("hazards.DeadlineExtension", action="action")
def extension_act(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    """The bureau approves or refuses an extension request (准予延期 / 不予延期)."""
    extension = DeadlineExtension.objects.restrict(request.user).select_related("hazard").filter(pk=pk).first()
    if extension is None or action not in {"approve", "refuse"}:
        raise Http404
    try:
        services.extension_decide(actor=request.user, extension=extension, action=action,
                                  note=request.POST.get("note", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已办理：" + extension_workflow.action_label(action))
    return redirect("hazards:detail", pk=extension.hazard_id)


# -- risk register ---------------------------------------------------------------------------------------------


@login_required
@for_roles(*PARTICIPANTS)
@acts_on("hazards.RiskPoint")
def risk_list(request: AuthenticatedRequest) -> HttpResponse:
    form = RiskFilterForm(request.GET or None)
    qs = queries.risk_points(request.user, request.GET)
    page = paginate(qs, request.GET)
    return render(request, "hazards/risks.html", {
        "form": form, "page": page, "dist": queries.risk_distribution(request.user),
        "is_enterprise": bool(request.user.enterprise_id),
    })


@login_required
@for_roles(ENTERPRISE)  # the enterprise keeps its own risk register (RiskPoint.authority: party_changes)
@acts_on("hazards.RiskPoint", action="change")
def risk_edit(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    enterprise = user.enterprise
    if enterprise is None:  # an enterprise account always belongs to its enterprise
        raise Http404
    instance = queries.get_risk_point_for(user, pk) if pk else None
    initial = {}
    if instance is not None:
        initial = {f: getattr(instance, f) for f in RiskPointForm.base_fields}
    form = RiskPointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            point = services.risk_point_save(actor=user, enterprise=enterprise, instance=instance,
                                             **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"已保存风险点：{point.name}（{point.get_level_display()}，风险值 {point.score:g}）")
            return redirect("hazards:risks")
    return render(request, "hazards/risk_edit.html", {"form": form, "instance": instance})


@login_required
@for_roles(*BUREAU)
@acts_on("hazards.Hazard")
def overview(request: AuthenticatedRequest) -> HttpResponse:
    rows = queries.jurisdiction_overview(request.user)
    totals = {k: sum(r[k] for r in rows) for k in ("total", "open", "major_open", "awaiting", "closed", "overdue",
                                                    "red", "orange", "yellow", "blue")}
    overdue = list(queries.overdue_hazards(request.user)[:20])
    return render(request, "hazards/overview.html", {"rows": rows, "totals": totals, "overdue": overdue})


# -- listed supervision ----------------------------------------------------------------------------------------


@login_required
@for_roles(*PARTICIPANTS)
@acts_on("hazards.ListedSupervision")
def listing_list(request: AuthenticatedRequest) -> HttpResponse:
    qs = queries.listing_list(request.user, request.GET)
    page = paginate(qs, request.GET)
    for row in page.rows:
        row.state_label = listing_workflow.state_label(row.state)
    return render(request, "hazards/listings.html", {"page": page})


@login_required
@for_roles(*sorted(BUREAU_DECIDERS))  # 挂牌督办: the section head or leader (the hazard's declared action "list")
@acts_on("hazards.Hazard", "hazards.ListedSupervision", action="change")
def listing_new(request: AuthenticatedRequest, hazard_pk: int) -> HttpResponse:
    hazard = queries.get_hazard_for(request.user, hazard_pk)
    form = ListingForm(request.POST or None, initial={"deadline": hazard.deadline})
    if request.method == "POST" and form.is_valid():
        try:
            listing = services.listing_create(actor=request.user, hazard=hazard, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"已挂牌督办（{listing.number}），通知书和公告已生成")
            return redirect("hazards:listing", pk=listing.pk)
    return render(request, "hazards/listing_new.html", {"form": form, "h": hazard})


@login_required
@for_roles(*PARTICIPANTS)
@acts_on("hazards.ListedSupervision")
def listing_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _render_listing(request, queries.get_listing_for(request.user, pk))


def _render_listing(request: AuthenticatedRequest, listing: ListedSupervision, *, status: int = 200, **extra: Any
                    ) -> HttpResponse:
    """The listing page; after a refused upload (status 400) with the files kept for the form that was sent
    (`evidence_staged` or `request_staged`, kernel/staging.py)."""
    entries = list(listing.entries.all())
    latest = next((e.percent for e in reversed(entries) if e.kind == "progress" and e.percent is not None), None)
    actions = listing_workflow.available(listing, request.user)
    recheck = listing_workflow.find("request_recheck", listing.state)
    return render(request, "hazards/listing.html", {
        "l": listing, "state_label": listing_workflow.state_label(listing.state),
        "actions": actions, "entries": entries, "latest": latest,
        "entry_form": ListingEntryForm() if listing.state != "removed" else None,
        "history": listing_workflow.history(listing),
        "documents": listing.documents(), "action_style": ACTION_STYLE,
        "hazard_state": hazard_workflow.state_label(listing.hazard.state),
        "evidence": services.evidence_of(listing),
        "may_add_evidence": (listing.state == "listed" and ListedSupervision.objects.restrict(request.user, "change")
                             .filter(pk=listing.pk).exists()),
        "files_with_request": any(t.action == "request_recheck" for t in actions),
        "recheck_refusal": (recheck.refusal(listing, request.user)
                            if recheck is not None and recheck.roles & request.user.role_codes else None), **extra,
    }, status=status)


@login_required
@require_POST
@acts_on("hazards.ListedSupervision", action="action")
def listing_entry(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    listing = queries.get_listing_for(request.user, pk)
    form = ListingEntryForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写内容")
        return redirect("hazards:listing", pk=pk)
    try:
        services.listing_entry_add(actor=request.user, listing=listing, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已记录")
    return redirect("hazards:listing", pk=pk)


@login_required
@require_POST
@acts_on("hazards.ListedSupervision", action="action")
def listing_act(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    listing = queries.get_listing_for(request.user, pk)
    note = request.POST.get("note", "")
    handlers: dict[str, Callable[..., ListedSupervision]] = {"request_recheck": services.listing_request_recheck, "verify_fail": services.listing_verify_fail,
                "remove": services.listing_remove}
    if action not in handlers:
        raise Http404
    try:
        if action == "request_recheck":  # the evidence chosen now plus the files kept from a refused request
            with staging.claiming(request) as files:
                handlers[action](actor=request.user, listing=listing, note=note, files=files.getlist("files"))
        else:
            handlers[action](actor=request.user, listing=listing, note=note)
    except DomainError as exc:
        if action == "request_recheck":
            return _refused_listing_upload(request, listing, exc, "request_staged")
        messages.error(request, exc.message)
    else:
        messages.success(request, "已办理：" + listing_workflow.action_label(action))
    return redirect("hazards:listing", pk=pk)


def _refused_listing_upload(request: AuthenticatedRequest, listing: ListedSupervision, exc: DomainError,
                            staged_as: str) -> HttpResponse:
    """As _refused_upload, on the listing page."""
    staged = _kept_evidence(request, exc)
    return _render_listing(request, queries.get_listing_for(request.user, listing.pk), status=exc.status,
                           posted_note=request.POST.get("note", ""), **{staged_as: staged})


@login_required
@require_POST
@acts_on("hazards.ListedSupervision", action="action")
def listing_evidence(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Upload rectification evidence to a listing under supervision."""
    listing = queries.get_listing_for(request.user, pk)
    try:
        # the files chosen now plus those kept from a refused upload (kernel/staging.py)
        with staging.claiming(request) as files:
            saved = services.listing_evidence_add(actor=request.user, listing=listing, files=files.getlist("files"),
                                                  note=request.POST.get("note", ""))
    except DomainError as exc:
        return _refused_listing_upload(request, listing, exc, "evidence_staged")
    else:
        messages.success(request, f"已上传整改佐证 {len(saved)} 个")
    return redirect("hazards:listing", pk=pk)


@public_view
def public_listings(request: HttpRequest) -> HttpResponse:
    """The public notice (公告) of listed supervision: what is listed, until when, and what was removed (no login;
    only what the published notice itself says)."""
    rows = list(ListedSupervision.objects.filter(published_at__isnull=False)
                .select_related("hazard", "enterprise", "region", "listed_by_org").order_by("-listed_on", "-id")[:200])
    for row in rows:
        row.state_label = listing_workflow.state_label(row.state)
    return render(request, "hazards/public_listings.html", {"rows": rows})


# -- 排查清单, scheduled checks, 风险告知卡 and the four-colour site map ------------------------------------------


def _may_change_register(user: User) -> bool:
    """Whether the user keeps a risk register (the party enterprise: authority of CheckItem)."""
    return changes_kind(user, CheckItem)


@login_required
@for_roles(*PARTICIPANTS)
@acts_on("hazards.RiskPoint")
def risk_checklist(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A risk point's page: its facts, its 排查清单 (the enterprise adds and stops lines) and its latest checks."""
    user = request.user
    point = queries.get_risk_point_for(user, pk)
    editable = _may_change_register(user)
    form = CheckItemForm(frequencies=queries.frequencies(timezone.localdate())) if editable else None
    recent = list(queries.checks(user, {"risk_point": point.pk}).order_by("-due_at", "-id")[:10])
    return render(request, "hazards/risk_checklist.html", {
        "point": point, "items": list(queries.check_items_of(user, point.pk, active_only=False)),
        "form": form, "editable": editable, "recent": recent,
    })


@login_required
@require_POST
@acts_on("hazards.RiskPoint", "hazards.CheckItem", action="change")
def check_item_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    point = queries.get_risk_point_for(user, pk)
    require_change(user, CheckItem, region=point.region_id, enterprise_id=point.enterprise_id)  # before the form
    form = CheckItemForm(request.POST, frequencies=queries.frequencies(timezone.localdate()))
    if form.is_valid():
        try:
            services.check_item_save(actor=user, risk_point=point, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"已加入排查清单：{form.cleaned_data['content']}，排查任务已按频次生成")
            return redirect("hazards:risk_checklist", pk=point.pk)
    recent = list(queries.checks(user, {"risk_point": point.pk}).order_by("-due_at", "-id")[:10])
    return render(request, "hazards/risk_checklist.html", {
        "point": point, "items": list(queries.check_items_of(user, point.pk, active_only=False)),
        "form": form, "editable": True, "recent": recent,
    }, status=400)


@login_required
@require_POST
@acts_on("hazards.CheckItem", action="change")
def check_item_stop(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = queries.get_check_item_for(request.user, pk)
    try:
        services.check_item_deactivate(actor=request.user, item=item)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已停用排查清单项：{item.content}")
    return redirect("hazards:risk_checklist", pk=item.risk_point_id)


@login_required
@for_roles(*PARTICIPANTS)
@acts_on("hazards.RiskPoint")
def risk_notice_card(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    """风险告知卡 (PDF) of a risk point: the stored card, made anew when the point or its checklist changed."""
    point = queries.get_risk_point_for(request.user, pk)
    document = services.risk_notice_card(actor=request.user, risk_point=point)
    return FileResponse(document.file.open("rb"), content_type="application/pdf", as_attachment=False,
                        filename=f"安全风险告知卡-{point.name}.pdf")


@login_required
@for_roles(*PARTICIPANTS)
@acts_on("hazards.ScheduledCheck")
def check_list(request: AuthenticatedRequest) -> HttpResponse:
    """排查任务: the enterprise's checks open now (default) and its missed ones; the county's missed checks (default)
    of its jurisdiction."""
    user = request.user
    is_enterprise = bool(user.enterprise_id)
    params = request.GET.copy()
    if "state" not in params:
        params["state"] = "open" if is_enterprise else "missed"
    form = CheckFilterForm(params)
    try:
        qs = queries.checks(user, params)
        page = paginate(qs, request.GET)
    except DomainError as exc:
        messages.error(request, exc.message)
        qs, page = ScheduledCheck.objects.none(), paginate(ScheduledCheck.objects.none(), request.GET)
    return render(request, "hazards/checks.html", {
        "form": form, "page": page, "is_enterprise": is_enterprise, "state": params["state"],
        "missed_total": capped_count(queries.missed_checks(user, {})),
    })


@login_required
@for_roles(*PARTICIPANTS)
@acts_on("hazards.ScheduledCheck")
def check_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One scheduled check: what to check and when, and (for the enterprise, while it is open) the check-in form
    with the phone's camera."""
    user = request.user
    check = queries.get_check_for(user, pk)
    now = timezone.now()
    may_check_in = (changes_kind(user, ScheduledCheck) and check.state == CheckState.SCHEDULED
                    and check.window_start <= now < check.missed_after)
    return render(request, "hazards/check.html", {
        "c": check, "form": CheckInForm() if may_check_in else None, "may_check_in": may_check_in,
        "photos": list(check.attachments().order_by("id")), "not_yet": check.window_start > now,
    })


@login_required
@require_POST
@acts_on("hazards.ScheduledCheck", action="change")
def check_check_in(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    check = queries.get_check_for(user, pk)
    require_change(user, ScheduledCheck, region=check.region_id, enterprise_id=check.enterprise_id)
    form = CheckInForm(request.POST)
    errors: list[str] = []
    try:
        if not form.is_valid():
            raise DomainError("")  # the form's own messages; the photos are kept
        # the photos taken now plus those kept from a refused check-in (kernel/staging.py)
        with staging.claiming(request) as files:
            services.check_in(actor=user, check=check, photos=files.getlist("photos"), **form.cleaned_data)
    except DomainError as exc:
        status = exc.status
        staged, file_errors = staging.keep_after_refusal(
            request, lambda _field, photo: services.check_checkin_photo(photo), fields=lambda f: f == "photos")
        if exc.message and exc.field in form.fields:
            form.add_error(exc.field, exc.message)
        elif exc.message and exc.message not in file_errors:
            errors.append(exc.message)
        errors.extend(file_errors)
        for message in errors:
            form.add_error(None, message)  # in the error summary too
    else:
        messages.success(request, "已打卡：" + check.item.content)
        return redirect("hazards:check", pk=check.pk)
    return render(request, "hazards/check.html", {
        "c": check, "form": form, "may_check_in": True, "photos": [], "not_yet": False, "staged": staged,
        "photo_errors": errors,
    }, status=status)


def _site_map_context(user: User, enterprise: Enterprise, editable: bool) -> dict[str, Any]:
    plan = queries.site_plan_for(user, enterprise.pk)
    points = queries.site_map_points(user, enterprise.pk)
    data = {"plan": ({"url": reverse("attachment_download", args=[plan.image_id]), "width": plan.width,
                      "height": plan.height, "title": plan.title} if plan else None),
            "points": points, "editable": editable}
    return {"enterprise": enterprise, "plan": plan, "points": points, "map_data": data, "editable": editable,
            "placed": sum(1 for p in points if p["x"] is not None),
            "plan_form": SitePlanForm() if editable else None,
            "place_form": (PlacementForm(risk_points=RiskPoint.objects.restrict(user, "change").filter(
                enterprise=enterprise).order_by("-score", "id")) if editable and plan and points else None)}


@login_required
@for_roles(ENTERPRISE)
@acts_on("hazards.SitePlan", "hazards.RiskPoint")
def site_map(request: AuthenticatedRequest) -> HttpResponse:
    """The enterprise's four-colour site map (安全风险四色分布图): upload the plan, place the risk points."""
    enterprise = request.user.enterprise
    if enterprise is None:
        raise Http404
    return render(request, "hazards/site_map.html", _site_map_context(request.user, enterprise,
                                                                      _may_change_register(request.user)))


@login_required
@for_roles(*BUREAU)
@acts_on("hazards.SitePlan", "hazards.RiskPoint")
def site_map_of(request: AuthenticatedRequest, enterprise_pk: int) -> HttpResponse:
    """An enterprise's site map as the bureau of its jurisdiction sees it (read only; another county's: 404)."""
    enterprise = Enterprise.objects.restrict(request.user).filter(pk=enterprise_pk).first()
    if enterprise is None:
        raise Http404("企业不存在")
    return render(request, "hazards/site_map.html", _site_map_context(request.user, enterprise, False))


@login_required
@require_POST
@acts_on("hazards.SitePlan", action="change")
def site_plan_upload(request: AuthenticatedRequest) -> HttpResponse:
    enterprise = request.user.enterprise
    if enterprise is None:
        raise Http404
    form = SitePlanForm(request.POST, request.FILES)
    try:
        # the plan chosen now, else the one kept from a refused upload (kernel/staging.py)
        with staging.claiming(request) as files:
            form = SitePlanForm(request.POST, files)
            if not form.is_valid():
                raise DomainError("")  # the form's own messages; the image is kept
            services.site_plan_upload(actor=request.user, enterprise=enterprise, **form.cleaned_data)
    except DomainError as exc:
        status = exc.status
        staged = staging.refused_file_form(request, form, exc, "image", services.check_site_plan_image)
    else:
        messages.success(request, "已上传厂区平面图，请在图上标注风险点")
        return redirect("hazards:site_map")
    context = _site_map_context(request.user, enterprise, _may_change_register(request.user))
    context["plan_form"] = form
    context["staged"] = staged
    return render(request, "hazards/site_map.html", context, status=status)


@login_required
@require_POST
@acts_on("hazards.SitePlan", "hazards.RiskPoint", action="change")
def site_map_place(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    enterprise = user.enterprise
    if enterprise is None:
        raise Http404
    points = RiskPoint.objects.restrict(user, "change").filter(enterprise=enterprise)
    form = PlacementForm(request.POST, risk_points=points)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.risk_point_place(actor=user, risk_point=data["risk_point"], x=data["x"] / 100, y=data["y"] / 100)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"已标注：{data['risk_point'].name}")
            return redirect("hazards:site_map")
    context = _site_map_context(user, enterprise, True)
    context["place_form"] = form
    return render(request, "hazards/site_map.html", context, status=400)
