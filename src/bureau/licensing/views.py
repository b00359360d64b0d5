"""Thin HTML views: parse, call a service or a scoped query, render."""

from __future__ import annotations

import datetime as dt
import html
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST

from bureau.accounts.http import AuthenticatedRequest
from bureau.accounts.roles import CLERK, DEPARTMENT, ENTERPRISE, LEADER, LICENSING_OFFICER, SECTION_HEAD, SYSADMIN
from bureau.enterprises.models import Enterprise
from bureau.kernel import staging
from bureau.kernel.access import acts_on, for_roles, public_view, reference_data
from bureau.kernel.attachments import check_upload
from bureau.kernel.errors import Conflict, DomainError
from bureau.kernel.links import pk_url, slug_url
from bureau.kernel.net import client_ip
from bureau.kernel.paging import paginate, paginate_compiled
from bureau.kernel.pickers import set_options
from bureau.kernel.rules import rule
from bureau.kernel.templatetags.ui import chip, countdown, ymd
from bureau.kernel.throttle import RateLimited, as_limited
from bureau.kernel.validation import MAX_ID, parse_id, parse_int
from bureau.licensing import (
    eligibility,
    form_fields,
    intake,
    joint_check,
    queries,
    services,
    special_paths,
    tolerance,
)
from bureau.licensing import guide as guide_forms
from bureau.licensing.forms import ProxyEnterpriseForm
from bureau.licensing.models import (
    Application,
    ApplicationDraft,
    ApplicationMaterial,
    Commitment,
    Opinion,
    PermitItem,
)
from bureau.licensing.rules import deemed_waiting
from bureau.licensing.workflow import COMMITMENT, WORKFLOW


def _files(request: HttpRequest, posted: Any = None) -> dict[int, Any]:
    """material_<id> uploads by material id: from request.FILES, or from `posted` (request.FILES plus the staged
    files, kernel/staging.py)."""
    files: dict[int, Any] = {}
    for key, upload in (request.FILES if posted is None else posted).items():
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


def _e(value: Any) -> str:
    """What `{{ value }}` prints for a text: conditional_escape without its lazy wrappers (≈ 400 values a page)."""
    if type(value) is str:  # a plain text (SafeString is a subclass and keeps its markup)
        return html.escape(value)
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


_TOLERATED = ' <span class="tag">容缺</span>'
_FAST_TRACK = ' <span class="tag">快速通道</span>'
_PROVISIONAL = ' <span class="provisional">暂定</span>'
_DEEMED = ' <span class="tag" title="受理期限已过，依法自收件之日起视为受理">视为受理</span>'


def rows_html(rows: list[ListRow], show_enterprise: bool) -> SafeString:
    """The rows of an application list as HTML: the bytes `licensing/_list_rows.html` renders (a test compares), put
    together without template nodes (issue 18: the template engine spends ≈ 40 µs a row)."""
    out = []
    for r in rows:
        parts = [f'\n<tr><td data-label="办件编号" class="nowrap"><a href="{_e(r.href)}">{_e(r.number)}</a></td>\n'
                 f'<td data-label="事项">{_e(r.item_name)}{_TOLERATED if r.tolerated else ""}'
                 f'{_FAST_TRACK if r.fast_track else ""}</td>\n']
        if show_enterprise:
            parts.append(f'<td data-label="申请企业">{_e(r.enterprise_name)}</td>'
                         f'<td data-label="区划">{_e(r.region_name)}</td>')
        parts.append(f'\n<td data-label="收件日期" class="nowrap">{_e(r.submitted)}</td>\n')
        if not show_enterprise:
            if r.decided:
                due = f"已于 {_e(r.decided)} 决定"
            elif r.decision_due:
                due = f'{_e(r.decision_due)}{_PROVISIONAL if r.due_provisional else ""}'
            else:
                due = "受理后计算"
            parts.append(f'<td data-label="预计决定日期" class="nowrap">{due}</td>')
        parts.append(f'\n<td data-label="状态">{_e(r.state_label)}{_DEEMED if r.deemed else ""}</td>\n'
                     f'<td data-label="时限" class="nowrap">{_e(r.limit)}</td></tr>\n')
        out.append("".join(parts))
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


def _list(request: AuthenticatedRequest, qs: QuerySet[Application] | Callable[[], QuerySet[Application]], title: str,
          *, empty: str, show_enterprise: bool = True, key: Any = None, **extra: Any) -> HttpResponse:
    """A list page; given a builder and its `key` (all the query depends on), the page's query is compiled once."""
    if callable(qs):
        build = qs
        page = (paginate(build().values(*LIST_VALUES), request.GET) if key is None
                else paginate_compiled(lambda: build().values(*LIST_VALUES), ("licensing.list", key), request.GET))
    else:
        page = paginate(qs.values(*LIST_VALUES), request.GET)
    return render(request, "licensing/list.html", {
        "page": page, "rows_html": rows_html(_list_rows(page.rows), show_enterprise), "title": title,
        "empty": empty, "show_enterprise": show_enterprise, "state_options": state_options(request.GET.get("state")),
        **extra})


_STATE_OPTIONS: dict[str | None, SafeString] = {}


def state_options(selected: str | None) -> SafeString:
    """The state filter's options (`licensing/_state_options.html`), rendered once per process for each selected
    state (issue 18: eleven options with a comparison each, on every list page)."""
    key = selected if selected in WORKFLOW.states else None
    html = _STATE_OPTIONS.get(key)
    if html is None:
        html = _STATE_OPTIONS[key] = mark_safe(render_to_string(  # a rendered template: escaped already
            "licensing/_state_options.html", {"states": WORKFLOW.states.items(), "selected": key}))
    return html


@login_required
@for_roles(LICENSING_OFFICER, CLERK, SYSADMIN)
@acts_on("licensing.Application")
def queue(request: AuthenticatedRequest) -> HttpResponse:
    user, params = request.user, request.GET
    return _list(request, lambda: queries.officer_queue(user, params), "审批工作台",
                 key=queries.officer_queue_key(user, params),
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
@acts_on("licensing.Application", "licensing.ApplicationDraft")
def mine(request: AuthenticatedRequest) -> HttpResponse:
    user, params = request.user, request.GET
    return _list(request, lambda: queries.enterprise_applications(user, params), "我的申请",
                 key=queries.enterprise_applications_key(user, params),
                 empty="还没有申请。请在“我要办事”中选择事项，全程网上办理。", show_enterprise=False,
                 drafts=queries.drafts(request.user))


@login_required
@for_roles(DEPARTMENT)
@acts_on("licensing.Application")
def department(request: AuthenticatedRequest) -> HttpResponse:
    return _list(request, queries.department_applications(request.user), "并联审查",
                 empty="暂无发送给本单位的并联审查申请。")


@login_required
@reference_data
def catalogue(request: AuthenticatedRequest) -> HttpResponse:
    """The item list; an enterprise sees which items apply to it and why the others do not (eligibility data)."""
    items = queries.active_items(with_materials=False)
    enterprise = request.user.enterprise
    rows: list[tuple[PermitItem, str | None]] = (eligibility.catalogue_for(enterprise, items) if enterprise
                                                 is not None else [(i, None) for i in items])
    is_clerk = request.user.has_role(CLERK) and not request.user.enterprise_id
    guide, apply = slug_url("licensing:guide_item"), slug_url("licensing:apply")  # reversed once, not per row
    linked = [(i, refusal, guide(i.code), apply(i.code)) for i, refusal in rows]
    if enterprise is not None:  # issue 17: what this enterprise can apply for first (by its industry: eligibility)
        groups = [("适用于本企业的事项", [r for r in linked if r[1] is None]),
                  ("其他事项", [r for r in linked if r[1] is not None])]
    else:
        groups = [("", linked)]
    return render(request, "licensing/catalogue.html", {
        "rows": linked, "groups": [(title, group) for title, group in groups if group], "is_clerk": is_clerk,
        "enterprise": enterprise, "drafts": queries.drafts(request.user) if is_clerk else []})


def _proxy_enterprise(request: AuthenticatedRequest) -> tuple[Enterprise | None, ProxyEnterpriseForm | None]:
    """For a window clerk: the enterprise picked (read through `restrict`: another county's answers 404)."""
    user = request.user
    if user.enterprise is not None:
        return user.enterprise, None
    raw = request.POST.get("enterprise") or request.GET.get("enterprise")
    form = ProxyEnterpriseForm({"enterprise": raw} if raw else None)
    if not raw:
        return None, form
    pk = parse_id(raw, field="enterprise", label="企业")
    enterprise = Enterprise.objects.restrict(user).filter(pk=pk).first()
    if enterprise is None:
        raise Http404
    set_options(form.fields["enterprise"], [(enterprise.pk, enterprise.name)])
    return enterprise, form


def _posted_form(request: HttpRequest) -> dict[str, str]:
    return {k.removeprefix("field_"): str(request.POST.get(k, "")) for k in request.POST if k.startswith("field_")}


@login_required
@acts_on("licensing.Application", "licensing.ApplicationDraft", action="change")
def apply(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """在线申请 (the enterprise) or 窗口代办 (a clerk, with the enterprise's authorisation): the item's form (data),
    materials, save as draft or submit. Eligibility and an application already in progress are shown first."""
    item = PermitItem.objects.filter(code=code, is_active=True).prefetch_related("materials", "form_fields").first()
    if item is None:
        raise Http404
    user = request.user
    if user.enterprise is None and not user.has_role(CLERK):
        messages.error(request, "只有企业用户可以网上申请；窗口人员可以代办；审批人员请使用审批工作台。")
        return redirect("licensing:catalogue")
    enterprise, proxy_form = _proxy_enterprise(request)
    raw_draft = request.POST.get("draft") or request.GET.get("draft")
    draft_id = parse_id(raw_draft, field="draft", label="草稿") if raw_draft else None
    draft = intake.draft_for(user, draft_id) if draft_id else None
    if draft is not None:
        enterprise = draft.enterprise
    errors: dict[str, str] = {}
    duplicate: dict[str, Any] | None = None
    staged: dict[str, Any] = {}
    if request.method == "POST" and enterprise is not None:
        form = _posted_form(request)
        try:
            # the files chosen now plus those kept from a refused submission (kernel/staging.py)
            with staging.claiming(request) as posted:
                common: dict[str, Any] = {
                    "actor": user, "item": item, "files": _files(request, posted), "form": form,
                    "description": request.POST.get("description", ""),
                    "enterprise": enterprise if user.enterprise is None else None,
                    "authorisation": posted.get("authorisation"), "proxy_agent": request.POST.get("proxy_agent", "")}
                if request.POST.get("save_draft"):
                    draft = intake.draft_save(**common, draft=draft)
                else:
                    app = intake.application_submit(
                        **common, partial_renovation=request.POST.get("partial_renovation") == "on",
                        merged_review=request.POST.get("merged_review") == "on",
                        claimed={k: request.POST.get(f"locked_{k}") for k in services.LOCKED_FIELDS},
                        idempotency_key=request.POST.get("idempotency_key", ""), draft=draft)
        except DomainError as exc:
            if isinstance(exc, intake.DuplicateApplication):
                duplicate = {"pk": exc.existing_id, "number": exc.existing_number}
            errors[exc.field or "__all__"] = exc.message
            staged, file_errors = staging.keep_after_refusal(request, _check_apply_upload, fields=_is_apply_file)
            for i, message in enumerate(file_errors):
                if message not in errors.values():
                    errors[f"file_{i}"] = message
        else:
            if draft is not None and request.POST.get("save_draft"):
                messages.success(request, "草稿已保存，可以稍后继续填写并提交。")
                return redirect(f"{request.path}?draft={draft.pk}")
            messages.success(request, f"申请已提交，办件编号 {app.number}，查询码 {app.check_code}。")
            return redirect("licensing:detail", pk=app.pk)
    context: dict[str, Any] = {
        "item": item, "errors": errors, "post": request.POST, "proxy_form": proxy_form, "enterprise": enterprise,
        "draft": draft, "duplicate": duplicate, "is_proxy": user.enterprise is None,
        "idempotency_key": request.POST.get("idempotency_key") or secrets.token_urlsafe(16),
        "max_mb": rule("licensing.upload_max_mb"), "staged": staged,
    }
    if enterprise is not None:
        context.update(_apply_form(request, item, enterprise, draft, errors))
        if duplicate is None and (running := intake.in_progress(item, enterprise)) is not None:
            duplicate = {"pk": running.pk, "number": running.number, "state": running.state_label}
            context["duplicate"] = duplicate
    return render(request, "licensing/apply.html", context)


def _is_apply_file(field: str) -> bool:
    return field == "authorisation" or field.startswith("material_")


def _check_apply_upload(field: str, upload: Any) -> None:
    """A material or the authorisation on its own: type by content and size (rule licensing.upload_max_mb)."""
    check_upload(upload, allowed=services.UPLOAD_TYPES, max_bytes=int(rule("licensing.upload_max_mb")) * 1024 * 1024)


def _apply_form(request: AuthenticatedRequest, item: PermitItem, enterprise: Enterprise,
                draft: ApplicationDraft | None, errors: dict[str, str]) -> dict[str, Any]:
    """The form's fields with their values (posted, else the draft's, else the register's), the eligibility
    refusal, the materials with what the platform fetches and what the draft already holds."""
    specs = form_fields.specs_of(item)
    values = form_fields.prefill(specs, enterprise)
    if draft is not None:
        values.update(draft.form_data)
    if request.method == "POST":
        values.update(_posted_form(request))
    saved = intake.draft_uploads(draft)
    fields = [{"spec": s, "value": values.get(s.key, ""), "error": errors.get(f"field_{s.key}", ""),
               "register": form_fields.register_value(enterprise, s.register_field) if s.register_field else None}
              for s in specs]
    shared = {m.pk: services.shared_snapshot(m, enterprise) for m in item.materials.all()
              if m.requirement == "shared" and m.shared_source}
    materials = [{"m": m, "snap": shared.get(m.pk), "saved": saved.get(f"material:{m.pk}")}
                 for m in item.materials.all()]
    return {"fields": fields, "materials": materials, "refusal": eligibility.refusal(item, enterprise),
            "authorisation_saved": saved.get(intake.AUTHORISATION),
            "description": request.POST.get("description") or (draft.description if draft else ""),
            "proxy_agent": request.POST.get("proxy_agent") or (draft.proxy_agent if draft else ""),
            "is_gas_station": enterprise.industry == "gas_station"}


@login_required
@require_POST
@acts_on("licensing.ApplicationDraft", action="change")
def draft_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    draft = intake.draft_for(request.user, pk)
    intake.draft_delete(actor=request.user, draft=draft)
    messages.success(request, "草稿已删除")
    return redirect("licensing:mine" if request.user.enterprise_id else "licensing:catalogue")


@login_required
@acts_on("licensing.Application")
def detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _render_detail(request, pk)


def _render_detail(request: AuthenticatedRequest, pk: int, *, status: int = 200, **extra: Any) -> HttpResponse:
    """The application page; after a refused 补正 or 容缺 upload with the files kept for the form that was sent
    (`resubmit_staged` or `fulfil_staged`, kernel/staging.py)."""
    app = queries.get_application_for(request.user, pk, proxy=True)
    user = request.user
    history = WORKFLOW.history(app)
    materials = queries.materials_of(app)
    opinions = queries.opinions_of(app)
    commitments = queries.commitments_of(user, app)
    commitment = next((c for c in commitments if c.origin == Commitment.Origin.INTAKE), None)
    actions = [] if user.enterprise_id else [t for t in WORKFLOW.available(app, user) if t.action != "deem_accept"]
    my_opinion = next((o for o in opinions if o.given_at is None and (
        o.organisation_id == user.organisation_id
        or (user.organisation is not None and not user.has_role("department")
            and o.organisation_id == user.organisation.bureau.pk))), None)
    is_owner = user.enterprise_id == app.enterprise_id
    clock = services.clock_for(app)
    return render(request, "licensing/detail.html", {
        "app": app, "history": history, "documents": queries.documents_of(app), "materials": materials, "opinions": opinions,
        "commitment": commitment, "actions": actions, "my_opinion": my_opinion, "is_owner": is_owner,
        "commitment_history": COMMITMENT.history(commitment) if commitment else [],
        "commitment_actions": {t.action for t in COMMITMENT.available(commitment, user)} if commitment else set(),
        "clock": clock, "paused": app.state == "expert_review",
        "missing": [m for m in materials if m.status == ApplicationMaterial.Status.MISSING],
        "tolerated_materials": [m for m in materials if m.status == ApplicationMaterial.Status.TOLERATED],
        "correctable": [m for m in materials if m.material.requirement != "shared"],
        "max_date": commitment.latest_deadline if commitment else None,
        "review_commitments": [{"c": c, "actions": {t.action for t in COMMITMENT.available(c, user)},
                                "history": COMMITMENT.history(c), "evidence": list(c.attachments())}
                               for c in commitments if c.origin == Commitment.Origin.REVIEW],
        "joint_officers": _joint_officers(user) if any(t.action == "joint_check" for t in actions) else [],
        "found_in_choices": [c for c in Commitment.FoundIn.choices if c[0]],
        "form_rows": intake.form_rows(app), "flagged": any(r.get("flags") for r in app.verification), **extra,
    }, status=status)


def _refused_materials(request: AuthenticatedRequest, pk: int, exc: DomainError, staged_as: str) -> HttpResponse:
    """A refused 补正 or 容缺 upload: nothing changed; every good file kept for its material, every bad one named,
    the page shown again (a redirect would lose the files); a conflict answers 409."""
    staged, file_errors = staging.keep_after_refusal(request, _check_apply_upload, fields=_is_apply_file)
    for message in dict.fromkeys([exc.message, *file_errors]):  # each once
        if message:
            messages.error(request, message)
    return _render_detail(request, pk, status=exc.status, **{staged_as: staged})


def _joint_officers(user: Any) -> list[Any]:
    return joint_check.candidate_officers(user)


def _chosen_officers(user: Any, ids: list[str]) -> list[Any]:
    return joint_check.chosen_officers(user, [parse_id(i, field="officers", label="检查人员") for i in ids])


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
    # measure I.6: the joint visit is an inspection record; its signed record is the site result
    "joint_check": lambda u, a, p, f: joint_check.joint_check_open(
        actor=u, application=a, officers=_chosen_officers(u, p.getlist("officers")), note=p.get("note", "")),
    "joint_conclude": lambda u, a, p, f: joint_check.joint_check_conclude(actor=u, application=a,
                                                                          note=p.get("note", "")),
    # measure I.3: a problem found in review accepted under a rectification commitment
    "tolerate_findings": lambda u, a, p, f: tolerance.review_tolerance_open(
        actor=u, application=a, found_in=p.get("found_in", ""), problems=p.get("note", "")),
    # measure I.7: the gas-station special evaluation ends in 备案
    "file": lambda u, a, p, f: special_paths.application_file(actor=u, application=a, note=p.get("note", "")),
    "decline_filing": lambda u, a, p, f: special_paths.application_decline_filing(actor=u, application=a,
                                                                                 reason=p.get("note", "")),
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
        if action == "resubmit":  # the 补正 files chosen now plus those kept from a refused resubmission
            with staging.claiming(request) as posted:
                handler(request.user, app, request.POST, _files(request, posted))
        else:
            handler(request.user, app, request.POST, _files(request))
    except DomainError as exc:
        if action == "resubmit":
            return _refused_materials(request, pk, exc, "resubmit_staged")
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
            # the 容缺 materials chosen now plus those kept from a refused upload (kernel/staging.py)
            with staging.claiming(request) as posted:
                services.commitment_fulfil(actor=request.user, commitment=row, files=_files(request, posted))
            messages.success(request, "材料已补交")
        else:
            raise Http404
    except DomainError as exc:
        if op == "fulfil" and (request.FILES or staging.posted(request)):
            return _refused_materials(request, pk, exc, "fulfil_staged")
        messages.error(request, exc.message)
    return redirect("licensing:detail", pk=pk)


@login_required
@require_POST
@acts_on("licensing.Application", "licensing.Commitment", action="action")
def commitment_step(request: AuthenticatedRequest, pk: int, cid: int, op: str) -> HttpResponse:
    """One step on one commitment (measure I.3): the enterprise signs or reports a review commitment; an officer
    verifies any commitment (approve, or send back with reasons)."""
    app = queries.get_application_for(request.user, pk)
    row = Commitment.objects.restrict(request.user).select_related(
        "application", "application__item", "application__enterprise").filter(pk=cid, application=app).first()
    if row is None:
        raise Http404
    post = request.POST
    try:
        raw = post.get("version")
        if raw and parse_int(raw, field="version", label="版本号", maximum=MAX_ID) != row.version:
            raise Conflict("该事项已被他人处理或状态已变化，请刷新页面后重试")
        if op == "sign":
            try:
                deadline = dt.date.fromisoformat(post.get("deadline", ""))
            except ValueError:
                deadline = None
            services.commitment_sign(actor=request.user, commitment=row, deadline=deadline,
                                     preventive_measures=post.get("preventive_measures", ""),
                                     rectification_plan=post.get("rectification_plan", ""))
            messages.success(request, "承诺书已签署")
        elif op == "report":
            # the evidence chosen now plus the files kept from a refused report (kernel/staging.py)
            with staging.claiming(request) as posted:
                tolerance.commitment_report(actor=request.user, commitment=row, text=post.get("text", ""),
                                            files=posted.getlist("evidence"))
            messages.success(request, "已报告整改完成，等待核验")
        elif op in {"verify", "send_back"}:
            tolerance.commitment_verify(actor=request.user, commitment=row, passed=op == "verify",
                                        note=post.get("note", ""))
            messages.success(request, "核验通过" if op == "verify" else "已退回企业整改")
        else:
            raise Http404
    except DomainError as exc:
        if op == "report":  # the page again with the text and the good files kept for this commitment
            staged, file_errors = staging.keep_after_refusal(request, _check_apply_upload,
                                                             fields=lambda f: f == "evidence")
            for message in dict.fromkeys([exc.message, *file_errors]):
                if message:
                    messages.error(request, message)
            return _render_detail(request, pk, status=exc.status,
                                  report_staged=staged, report_cid=row.pk, report_text=post.get("text", ""))
        messages.error(request, exc.message)
    return redirect("licensing:detail", pk=pk)


# ---------------------------------------------------------------- public pages (no login)

@public_view
def guide(request: HttpRequest) -> HttpResponse:
    return render(request, "licensing/guide.html", {"items": queries.active_items()})


def _guide_item(code: str) -> PermitItem:
    item = queries.active_items().filter(code=code).first()
    if item is None:
        raise Http404
    return item


@public_view
def guide_item(request: HttpRequest, code: str) -> HttpResponse:
    """The item's 办事指南, told at once (一次性告知, 行政许可法 第三十条): besides limits and materials, who accepts
    and where, how to ask, when, the steps as a diagram, the material forms, the forms to download and the delivery."""
    item = _guide_item(code)
    return render(request, "licensing/guide_item.html", {"item": item, "steps": list(item.steps.all()),
                                                         "form_kinds": guide_forms.KINDS})


@public_view
def guide_form(request: HttpRequest, code: str, kind: str) -> HttpResponseBase:
    """The blank form (空白表格) or the filled sample (样表) of an item as PDF (行政许可法 第二十九、三十条)."""
    if kind not in guide_forms.KINDS:
        raise Http404
    item = _guide_item(code)
    response = HttpResponse(guide_forms.form_pdf(item, kind), content_type="application/pdf")
    filename = quote(f"{item.name}-{guide_forms.KINDS[kind]}.pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


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
