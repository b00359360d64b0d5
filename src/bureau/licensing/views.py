"""Thin HTML views: parse, call a service or a scoped query, render."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bureau.accounts.http import AuthenticatedRequest
from bureau.accounts.roles import CLERK, DEPARTMENT, ENTERPRISE, LEADER, LICENSING_OFFICER, SECTION_HEAD, SYSADMIN
from bureau.kernel.access import acts_on, for_roles, public_view, reference_data
from bureau.kernel.errors import Conflict, DomainError
from bureau.kernel.links import pk_url
from bureau.kernel.net import client_ip
from bureau.kernel.paging import paginate
from bureau.kernel.rules import rule
from bureau.kernel.templatetags.ui import chip, countdown, ymd
from bureau.kernel.throttle import RateLimited, as_limited
from bureau.kernel.validation import MAX_ID, parse_id, parse_int
from bureau.licensing import queries, services
from bureau.licensing.models import Application, ApplicationMaterial, Commitment, Opinion, PermitItem
from bureau.licensing.rules import deemed_waiting
from bureau.licensing.workflow import COMMITMENT, WORKFLOW


def _files(request: HttpRequest) -> dict[int, Any]:
    files: dict[int, Any] = {}
    for key, upload in request.FILES.items():
        if key.startswith("material_"):
            try:
                files[parse_int(key.removeprefix("material_"), field=key, minimum=1)] = upload
            except DomainError as exc:
                raise DomainError("上传字段无效") from exc
    return files


@login_required
@acts_on("licensing.Application")
def home(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if user.enterprise_id:
        return redirect("licensing:mine")
    if user.has_role("department"):
        return redirect("licensing:department")
    if user.has_role("leader", "section_head") and not user.has_role("licensing_officer"):
        return redirect("licensing:approvals")
    return redirect("licensing:queue")


@dataclass(frozen=True)
class ListRow:
    """One row of an application list, everything precomputed: the template only prints (issue 18)."""

    href: str
    number: str
    item_name: str
    tolerated: bool
    fast_track: bool
    enterprise_name: str
    region_name: str
    submitted: str
    decided: str
    decision_due: str
    due_provisional: bool
    state_label: str
    deemed: bool
    limit: str


# What a list row shows, read as plain values (no model instances: four per row cost more than the page's SQL)
LIST_VALUES = ("pk", "number", "state", "item__name", "enterprise__name", "region__name", "submitted_on",
               "intake_due", "due_on", "due_provisional", "decision_due", "decided_on", "tolerated", "fast_track")


def _list_rows(values: list[dict[str, Any]]) -> list[ListRow]:
    href = pk_url("licensing:detail")
    today = timezone.localdate()
    limits: dict[tuple[Any, ...], str] = {}  # rows share due dates: one countdown chip per date and state
    rows = []
    for a in values:
        state_label = WORKFLOW.state_label(a["state"])
        key = (a["due_on"], a["due_provisional"], bool(a["decided_on"]), state_label)
        limit = limits.get(key)
        if limit is None:
            if a["due_on"]:
                limit = countdown(a["due_on"], a["due_provisional"], today=today)
            else:
                limit = chip("已办结", "done") if a["decided_on"] else chip(state_label, "stopped")
            limits[key] = limit
        rows.append(ListRow(
            href=href(a["pk"]), number=a["number"], item_name=a["item__name"], tolerated=a["tolerated"],
            fast_track=a["fast_track"], enterprise_name=a["enterprise__name"], region_name=a["region__name"],
            submitted=ymd(a["submitted_on"]), decided=ymd(a["decided_on"]) if a["decided_on"] else "",
            decision_due=ymd(a["decision_due"]) if a["decision_due"] else "", due_provisional=a["due_provisional"],
            state_label=state_label, deemed=deemed_waiting(a["state"], a["intake_due"], today), limit=limit))
    return rows


def _list(request: AuthenticatedRequest, qs: QuerySet[Application], title: str, *, empty: str, show_enterprise: bool = True) -> HttpResponse:
    page = paginate(qs.values(*LIST_VALUES), request.GET)
    return render(request, "licensing/list.html", {"page": page, "rows": _list_rows(page.rows), "title": title,
                                                   "empty": empty, "show_enterprise": show_enterprise,
                                                   "states": WORKFLOW.states.items()})


@login_required
@for_roles(LICENSING_OFFICER, CLERK, SYSADMIN)
@acts_on("licensing.Application")
def queue(request: AuthenticatedRequest) -> HttpResponse:
    return _list(request, queries.officer_queue(request.user, request.GET), "审批工作台",
                 empty="暂无待办申请。企业网上提交的申请会按剩余时限排在这里。")


@login_required
@for_roles(LEADER, SECTION_HEAD)
@acts_on("licensing.Application")
def approvals(request: AuthenticatedRequest) -> HttpResponse:
    return _list(request, queries.leader_approvals(request.user), "待我审批",
                 empty="暂无待审批事项。审批人员提出审查意见或申请延期后会出现在这里。")


@login_required
@acts_on("licensing.Application")
def all_applications(request: AuthenticatedRequest) -> HttpResponse:
    """Every application the user sees (Application.authority: the jurisdiction, the party enterprise its own, the
    departments consulted those sent to them)."""
    return _list(request, queries.all_applications(request.user, request.GET), "全部办件",
                 empty="没有符合条件的办件。")


@login_required
@for_roles(ENTERPRISE)
@acts_on("licensing.Application")
def mine(request: AuthenticatedRequest) -> HttpResponse:
    return _list(request, queries.enterprise_applications(request.user, request.GET), "我的申请",
                 empty="还没有申请。请在“我要办事”中选择事项，全程网上办理。", show_enterprise=False)


@login_required
@for_roles(DEPARTMENT)
@acts_on("licensing.Application")
def department(request: AuthenticatedRequest) -> HttpResponse:
    return _list(request, queries.department_applications(request.user), "并联审查",
                 empty="暂无发送给本单位的并联审查申请。")


@login_required
@reference_data
def catalogue(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "licensing/catalogue.html", {"items": queries.active_items()})


@login_required
@acts_on("licensing.Application", action="change")
def apply(request: AuthenticatedRequest, code: str) -> HttpResponse:
    item = PermitItem.objects.filter(code=code, is_active=True).prefetch_related("materials").first()
    if item is None:
        raise Http404
    user = request.user
    enterprise = user.enterprise
    if enterprise is None:
        messages.error(request, "只有企业用户可以网上申请；工作人员请使用审批工作台。")
        return redirect("licensing:catalogue")
    locked = services.locked_data_for(enterprise)
    errors: dict[str, str] = {}
    if request.method == "POST":
        claimed = {k: request.POST.get(f"locked_{k}") for k in services.LOCKED_FIELDS}
        try:
            app = services.application_submit(
                actor=user, item=item, files=_files(request), scope_text=request.POST.get("scope_text", ""),
                description=request.POST.get("description", ""),
                partial_renovation=request.POST.get("partial_renovation") == "on",
                merged_review=request.POST.get("merged_review") == "on", claimed=claimed,
                idempotency_key=request.POST.get("idempotency_key", ""))
        except DomainError as exc:
            errors[exc.field or "__all__"] = exc.message
        else:
            messages.success(request, f"申请已提交，办件编号 {app.number}，查询码 {app.check_code}。")
            return redirect("licensing:detail", pk=app.pk)
    shared = {m.pk: services.shared_snapshot(m, enterprise) for m in item.materials.all()
              if m.requirement == "shared" and m.shared_source}
    return render(request, "licensing/apply.html", {
        "item": item, "locked": locked, "errors": errors, "post": request.POST, "shared": shared,
        "idempotency_key": request.POST.get("idempotency_key") or secrets.token_urlsafe(16),
        "max_mb": rule("licensing.upload_max_mb"), "is_gas_station": enterprise.industry == "gas_station",
    })


@login_required
@acts_on("licensing.Application")
def detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    app = queries.get_application_for(request.user, pk)
    user = request.user
    history = WORKFLOW.history(app)
    materials = list(app.materials.select_related("material", "attachment"))
    opinions = list(app.opinions.select_related("organisation", "given_by"))
    commitment = Commitment.objects.restrict(user).filter(application=app).first()
    actions = [] if user.enterprise_id else [t for t in WORKFLOW.available(app, user) if t.action != "deem_accept"]
    my_opinion = next((o for o in opinions if o.given_at is None and (
        o.organisation_id == user.organisation_id
        or (user.organisation is not None and not user.has_role("department")
            and o.organisation_id == user.organisation.bureau.pk))), None)
    is_owner = user.enterprise_id == app.enterprise_id
    clock = services.clock_for(app)
    return render(request, "licensing/detail.html", {
        "app": app, "history": history, "documents": app.documents(), "materials": materials, "opinions": opinions,
        "commitment": commitment, "actions": actions, "my_opinion": my_opinion, "is_owner": is_owner,
        "commitment_history": COMMITMENT.history(commitment) if commitment else [],
        "commitment_actions": {t.action for t in COMMITMENT.available(commitment, user)} if commitment else set(),
        "clock": clock, "paused": app.state == "expert_review",
        "missing": [m for m in materials if m.status == ApplicationMaterial.Status.MISSING],
        "tolerated_materials": [m for m in materials if m.status == ApplicationMaterial.Status.TOLERATED],
        "correctable": [m for m in materials if m.material.requirement != "shared"],
        "max_date": commitment.latest_deadline if commitment else None,
    })


ACTIONS = {
    "accept": lambda u, a, p, f: services.application_accept(actor=u, application=a, note=p.get("note", "")),
    "accept_tolerated": lambda u, a, p, f: services.application_accept_tolerated(actor=u, application=a,
                                                                                 note=p.get("note", "")),
    "reject": lambda u, a, p, f: services.application_reject(actor=u, application=a, reasons=p.get("note", ""),
                                                             other_agency=p.get("other_agency", "")),
    "request_correction": lambda u, a, p, f: services.application_request_correction(
        actor=u, application=a,
        material_ids=[i for x in p.getlist("material_ids")
                      if (i := parse_id(x, field="material_ids", label="材料")) is not None],
        note=p.get("note", "")),
    "decide_instant": lambda u, a, p, f: services.application_decide_instant(actor=u, application=a,
                                                                             note=p.get("note", "")),
    "resubmit": lambda u, a, p, f: services.application_resubmit(actor=u, application=a, files=f),
    "site_verify": lambda u, a, p, f: services.application_site_verify(actor=u, application=a,
                                                                       result=p.get("note", "")),
    "expert_start": lambda u, a, p, f: services.application_expert_start(actor=u, application=a,
                                                                         reason=p.get("note", "")),
    "expert_finish": lambda u, a, p, f: services.application_expert_finish(actor=u, application=a,
                                                                           result=p.get("note", "")),
    "request_extension": lambda u, a, p, f: services.application_request_extension(actor=u, application=a,
                                                                                   reason=p.get("note", "")),
    "approve_extension": lambda u, a, p, f: services.application_approve_extension(actor=u, application=a,
                                                                                   note=p.get("note", "")),
    "deny_extension": lambda u, a, p, f: services.application_deny_extension(actor=u, application=a,
                                                                             note=p.get("note", "")),
    "propose": lambda u, a, p, f: services.application_propose(actor=u, application=a,
                                                               proposal=p.get("proposal", ""),
                                                               reason=p.get("note", "")),
    "return": lambda u, a, p, f: services.application_return(actor=u, application=a, note=p.get("note", "")),
    "grant": lambda u, a, p, f: services.application_grant(actor=u, application=a, note=p.get("note", "")),
    "refuse": lambda u, a, p, f: services.application_refuse(actor=u, application=a, reason=p.get("note", "")),
    "withdraw": lambda u, a, p, f: services.application_withdraw(actor=u, application=a, note=p.get("note", "")),
}


@login_required
@require_POST
@acts_on("licensing.Application", action="action")
def act(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    app = queries.get_application_for(request.user, pk)
    handler = ACTIONS.get(action)
    if handler is None:
        raise Http404
    if request.POST.get("version"):
        app.version = parse_int(request.POST["version"], field="version", label="版本号", maximum=MAX_ID)
    try:
        handler(request.user, app, request.POST, _files(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已完成：{WORKFLOW.action_label(action)}")
    return redirect("licensing:detail", pk=pk)


@login_required
@require_POST
@acts_on("licensing.Application", action="action")
def opinion(request: AuthenticatedRequest, pk: int, opinion_id: int) -> HttpResponse:
    app = queries.get_application_for(request.user, pk)
    row = Opinion.objects.select_related("organisation", "application").filter(pk=opinion_id, application=app).first()
    if row is None:
        raise Http404
    try:
        services.opinion_give(actor=request.user, opinion=row, conclusion=request.POST.get("conclusion", ""),
                              text=request.POST.get("text", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "审查意见已提交")
    return redirect("licensing:detail", pk=pk)


@login_required
@require_POST
@acts_on("licensing.Application", "licensing.Commitment", action="action")
def commitment(request: AuthenticatedRequest, pk: int, op: str) -> HttpResponse:
    app = queries.get_application_for(request.user, pk)
    row = Commitment.objects.restrict(request.user).select_related(
        "application", "application__item", "application__enterprise").filter(application=app).first()
    if row is None:
        raise Http404
    try:
        raw = request.POST.get("version")
        if raw and parse_int(raw, field="version", label="版本号", maximum=MAX_ID) != row.version:
            raise Conflict("该事项已被他人处理或状态已变化，请刷新页面后重试")
        if op == "sign":
            try:
                deadline = dt.date.fromisoformat(request.POST.get("deadline", ""))
            except ValueError:
                deadline = None
            services.commitment_sign(actor=request.user, commitment=row, deadline=deadline,
                                     preventive_measures=request.POST.get("preventive_measures", ""),
                                     rectification_plan=request.POST.get("rectification_plan", ""))
            messages.success(request, "容缺承诺书已签署")
        elif op == "fulfil":
            services.commitment_fulfil(actor=request.user, commitment=row, files=_files(request))
            messages.success(request, "材料已补交")
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("licensing:detail", pk=pk)


# ---------------------------------------------------------------- public pages (no login)

@public_view
def guide(request: HttpRequest) -> HttpResponse:
    return render(request, "licensing/guide.html", {"items": queries.active_items()})


@public_view
def guide_item(request: HttpRequest, code: str) -> HttpResponse:
    item = PermitItem.objects.filter(code=code, is_active=True).prefetch_related("materials").first()
    if item is None:
        raise Http404
    return render(request, "licensing/guide_item.html", {"item": item})


@public_view
def progress(request: HttpRequest) -> HttpResponse:
    """办件查询: number + check code. A wrong code and an unknown number answer the same; failed lookups per address
    and per number are limited (the check code must not be guessable by trying): 429 with Retry-After."""
    result = None
    error = ""
    limited: RateLimited | None = None
    number = (request.POST.get("number") or "").strip().upper()
    code = (request.POST.get("code") or "").strip()
    if request.method == "POST":
        try:
            app = services.progress_lookup(number, code, client_ip(request))
        except RateLimited as exc:
            error, limited = exc.message + "。", exc
        else:
            if app is not None:
                result = {"app": app, "history": services.public_progress_steps(app)}
            else:
                error = "未查询到办件，请核对办件编号和查询码。"
    return as_limited(render(request, "licensing/progress.html",
                             {"result": result, "error": error, "number": number}), limited)
