from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from bureau.accounts import sms_codes
from bureau.accounts.authority import changes_kind
from bureau.accounts.http import AuthenticatedRequest
from bureau.accounts.roles import LEADER, OFFICERS, SECTION_HEAD, SYSADMIN
from bureau.accounts.scope import scope_for
from bureau.enterprises import credit, queries, registration, rules, services
from bureau.enterprises.forms import (
    EnterpriseFilterForm,
    EnterpriseForm,
    ImportForm,
    RegistrationDecisionForm,
    RegistrationForm,
    SupervisionImportForm,
)
from bureau.enterprises.models import (
    REGISTRATION_APPROVERS,
    Enterprise,
    ImportJob,
    Industry,
    Registration,
    SupervisionAssignment,
)
from bureau.enterprises.rules import COLUMNS
from bureau.kernel import throttle
from bureau.kernel.access import acts_on, for_roles, public_view
from bureau.kernel.audit import audit
from bureau.kernel.errors import DomainError
from bureau.kernel.excel import xlsx_response
from bureau.kernel.links import pk_url
from bureau.kernel.masking import mask_id_number, mask_phone
from bureau.kernel.models import Region
from bureau.kernel.net import client_ip
from bureau.kernel.paging import capped_count, capped_count_compiled, paginate, paginate_compiled
from bureau.kernel.pickers import MAX_RESULTS, search_response, search_term
from bureau.kernel.prepared import Prepared
from bureau.kernel.registry import registry
from bureau.kernel.rows import escape_text as _e
from bureau.kernel.validation import parse_id, parse_int
from bureau.kernel.workflow import workflow_for_model


@login_required
@for_roles(*OFFICERS, SYSADMIN)
@acts_on("enterprises.Enterprise")
def enterprise_search(request: AuthenticatedRequest) -> HttpResponse:
    """The enterprise picker's JSON search (bureau.kernel.pickers): only the enterprises the user sees."""
    rows = queries.enterprise_search(request.user, search_term(request), request.GET, MAX_RESULTS + 1)
    return search_response(
        rows, label=lambda e: e.name,
        detail=lambda e: " · ".join(filter(None, [e.region.name, e.get_industry_display(), e.uscc,
                                                  "已关闭注销" if e.status == "closed" else ""])))


def _is_admin(user) -> bool:  # type: ignore[no-untyped-def]
    return changes_kind(user, Enterprise)


@dataclass(frozen=True)
class RegisterRow:
    """One row of the register, worked out (the partial enterprises/_list_rows.html prints it)."""
    href: str
    name: str
    park_name: str | None
    uscc: str
    region_name: str
    industry_label: str
    grade_label: str
    credit_grade: str
    is_key: bool
    phone_masked: str


# What a row shows, read as plain values (no model instances of the enterprise, its region and park; the legal
# representative's identity number is not decrypted for nothing)
REGISTER_LIST_VALUES = ("pk", "name", "chemical_park_id", "chemical_park__name", "uscc", "region__name", "industry",
                        "standardization_grade", "credit_grade", "is_key", "contact_phone")


def _labels(field: str) -> dict[Any, Any]:
    return dict(Enterprise._meta.get_field(field).flatchoices)  # type: ignore[union-attr]  # as get_FOO_display


def register_rows(values: list[dict[str, Any]]) -> list[RegisterRow]:
    href = pk_url("enterprises:detail")
    industries, grades = _labels("industry"), _labels("standardization_grade")
    rows = []
    for e in values:
        industry, grade = e["industry"], e["standardization_grade"]
        rows.append(RegisterRow(
            href=href(e["pk"]), name=e["name"],
            park_name=e["chemical_park__name"] if e["chemical_park_id"] is not None else None, uscc=e["uscc"],
            region_name=e["region__name"], industry_label=str(industries.get(industry, industry)),
            grade_label=str(grades.get(grade, grade)), credit_grade=e["credit_grade"], is_key=e["is_key"],
            phone_masked=mask_phone(e["contact_phone"])))
    return rows


def register_rows_html(rows: list[RegisterRow]) -> SafeString:
    """The rows of the register as HTML: the bytes `enterprises/_list_rows.html` renders (a test compares), put
    together without template nodes (issue 18)."""
    out = []
    for r in rows:
        park = "" if r.park_name is None else f' <span class="tag">{_e(r.park_name)}</span>'
        key = '<span class="chip chip-due">重点</span>' if r.is_key else "—"
        out.append(
            f'\n<tr><td data-label="企业名称"><a href="{_e(r.href)}">{_e(r.name)}</a>{park}</td>\n'
            f'<td data-label="信用代码" class="nowrap">{_e(r.uscc)}</td><td data-label="区划">{_e(r.region_name)}</td>'
            f'<td data-label="行业">{_e(r.industry_label)}</td>\n'
            f'<td data-label="标准化">{_e(r.grade_label)}</td><td data-label="诚信">{_e(r.credit_grade or "—")}</td>\n'
            f'<td data-label="重点">{key}</td><td data-label="联系电话" class="nowrap">{_e(r.phone_masked or "—")}</td>'
            f'</tr>\n')
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


@login_required
@acts_on("enterprises.Enterprise")
def enterprise_list(request: AuthenticatedRequest) -> HttpResponse:
    if request.user.enterprise_id:
        return redirect("enterprises:detail", pk=request.user.enterprise_id)
    form = EnterpriseFilterForm(request.GET or None)
    qs = queries.enterprise_list(request.user, request.GET)
    key = queries.enterprise_list_key(request.user, request.GET)
    page = (paginate(qs.values(*REGISTER_LIST_VALUES), request.GET) if key is None  # compiled once per key (issue 18)
            else paginate_compiled(lambda: qs.values(*REGISTER_LIST_VALUES), key, request.GET))
    return render(request, "enterprises/list.html", {
        "form": form, "page": page, "rows_html": register_rows_html(register_rows(page.rows)),
        "total": capped_count(qs) if key is None else capped_count_compiled(qs, key),
        "is_admin": _is_admin(request.user),
        "export_query": request.GET.urlencode(),
    })


_SUPERVISION: Prepared[SupervisionAssignment] = Prepared(  # `enterprise.supervision…`, compiled once (issue 18)
    lambda pk: SupervisionAssignment.objects.filter(enterprise_id=pk).select_related("organisation")
    .order_by("-year")[:5])


@login_required
@acts_on("enterprises.Enterprise")
def enterprise_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    enterprise = queries.get_enterprise_for(request.user, pk)
    panels = [p for p in (func(request.user, enterprise) for func in registry.enterprise_panels) if p]
    supervision = _SUPERVISION.all(enterprise.pk)
    return render(request, "enterprises/detail.html", {
        "e": enterprise, "panels": panels, "supervision": supervision, "is_admin": _is_admin(request.user),
        "credit_events": credit.events_for(request.user, enterprise),
    })


@login_required
@acts_on("enterprises.Enterprise", action="change")
def enterprise_edit(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    if not _is_admin(request.user):
        raise Http404
    instance = queries.get_enterprise_for(request.user, pk) if pk else Enterprise()
    scope = scope_for(request.user)
    regions = Region.objects.all() if scope.is_all else Region.objects.filter(code__in=scope.regions)
    prefilled: list[str] = []
    prefill_error = ""
    initial: dict = {}
    if not pk and request.method == "GET" and request.GET.get("uscc"):
        initial, prefilled, prefill_error = _licence_prefill(request.GET["uscc"])
    form = EnterpriseForm(request.POST or None, instance=instance, regions=regions, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.enterprise_save(actor=request.user, enterprise=form.save(commit=False),
                                                  changed=form.changed_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已保存：{enterprise.name}")
            return redirect("enterprises:detail", pk=enterprise.pk)
    return render(request, "enterprises/edit.html", {
        "form": form, "instance": instance, "prefilled": prefilled, "prefill_error": prefill_error,
        "can_prefill": not pk and registry.shared_sources.get("business_licence") is not None,
        "uscc_query": request.GET.get("uscc", "")})


def _licence_prefill(uscc: str) -> tuple[dict, list[str], str]:
    """Registering an enterprise: the market regulator's licence fills in what it holds (measure III.2), so the
    officer types only what the bureau alone knows. Returns (initial, labels of the filled fields, error)."""
    source = registry.shared_sources.get("business_licence")
    if source is None or source.prefill is None:
        return {}, [], ""
    try:
        values = source.prefill(uscc.strip())
    except DomainError as exc:
        return {"uscc": uscc.strip()}, [], exc.message
    if not values:
        return {"uscc": uscc.strip()}, [], f"{source.label}中未查到该统一社会信用代码，请手工填写"
    labels = {f.name: str(f.verbose_name) for f in Enterprise._meta.get_fields() if hasattr(f, "verbose_name")}
    return values, [labels.get(k, k) for k in values if k != "uscc" and values[k]], ""


@login_required
@acts_on("enterprises.Enterprise")
def enterprise_export(request: AuthenticatedRequest) -> HttpResponseBase:
    """The register as Excel, with the same scope and filters as the list; personal data masked."""
    if request.user.enterprise_id:
        raise Http404
    qs = queries.enterprise_list(request.user, request.GET)
    header = [title for _, title, _ in COLUMNS] + ["经营状态"]

    def rows():  # type: ignore[no-untyped-def]
        for e in qs.iterator(chunk_size=2000):
            yield [e.uscc, e.name, e.region_id, e.get_industry_display(), e.get_sub_sector_display(), e.address, e.legal_representative,
                   mask_id_number(e.legal_rep_id_number), e.contact_name, mask_phone(e.contact_phone), e.employees,
                   e.get_standardization_grade_display() if e.standardization_grade else "", e.credit_grade,
                   "是" if e.is_key else "否", e.chemical_park.code if e.chemical_park else "",
                   e.established_on.isoformat() if e.established_on else "", e.get_status_display()]

    audit(request.user, "enterprises.export", summary="导出企业名录", data={"filters": request.GET.dict()})
    return xlsx_response("企业名录.xlsx", header, rows(), sheet="企业名录")


@login_required
@for_roles("sysadmin")
def import_template(request: AuthenticatedRequest) -> HttpResponseBase:
    example = ["91140802MA0K0000XX", "运城市示例化工有限公司", "140802", "危险化学品经营",
               "危险化学品经营（不带储存设施）", "运城市盐湖区示例路1号",
               "张三", "", "李四", "", 35, "三级", "B1", "否", "", "2015-06-01"]
    return xlsx_response("企业名录导入模板.xlsx", [t for _, t, _ in COLUMNS], [example], sheet="企业名录")


@login_required
@for_roles("sysadmin")
def import_start(request: AuthenticatedRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_job_create(actor=request.user, upload=form.cleaned_data["file"])
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("enterprises:import_status", pk=job.pk)
    jobs = ImportJob.objects.filter(created_by=request.user).order_by("-created_at")[:10]
    return render(request, "enterprises/import.html", {"form": form, "jobs": jobs})


@login_required
@for_roles("sysadmin")
def import_status(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ImportJob, pk=pk, created_by=request.user)
    template = "enterprises/_import_progress.html" if request.htmx else "enterprises/import_status.html"
    return render(request, template, {"job": job, "running": job.status in {"queued", "validating", "writing"}})


@login_required
@for_roles("sysadmin")
def import_errors(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    job = get_object_or_404(ImportJob, pk=pk, created_by=request.user)
    return xlsx_response(f"导入错误报告-{job.pk}.xlsx", ["行号", "列", "问题"],
                         ([e["row"], e["column"], e["message"]] for e in job.errors), sheet="错误报告")


# ---- 分级分类监管: the year's assignments, copied to the next year or imported (安全生产法 第62条第2款) ------------

HEADS = (SECTION_HEAD, LEADER)
FILTERS = ("q", "region", "industry", "organisation", "level", "is_key", "target")


def _source_year(request: AuthenticatedRequest) -> int:
    """The year copied from: this year (to the next) by default, or last year (to this year)."""
    first, last = services.assignable_years()
    return parse_int(request.GET.get("year") or str(first), field="year", label="年度", minimum=first - 1,
                     maximum=last - 1)


@login_required
@for_roles(*HEADS)
@acts_on("enterprises.SupervisionAssignment", action="change")
def supervision_rollover(request: AuthenticatedRequest) -> HttpResponse:
    """年度结转: a year's assignments listed with filters; the selected ones (or all filtered) are copied to the next
    year, unchanged or to another bureau."""
    try:
        bureau = services.actor_bureau(request.user)
    except DomainError as exc:
        raise Http404 from exc
    year = _source_year(request)
    bureaus = services.supervising_bureaus()
    is_city = bureau.region_id == settings.CITY_REGION_CODE
    targets = bureaus if is_city else [bureau]
    rows_qs = queries.supervision_rows(request.user, year, request.GET)
    if request.method == "POST":
        if request.POST.get("all_filtered") == "1":
            ids = list(rows_qs.values_list("enterprise_id", flat=True)[:50000])
        else:
            ids = [parse_id(i, field="enterprises", label="企业") or 0 for i in request.POST.getlist("e")]
        chosen = None
        if request.POST.get("organisation"):
            chosen = next((b for b in targets if str(b.pk) == request.POST["organisation"]), None)
            if chosen is None:
                raise Http404
        try:
            result = services.supervision_rollover(actor=request.user, source_year=year, enterprise_ids=ids,
                                                   organisation=chosen,
                                                   skip_refused=request.POST.get("all_filtered") == "1")
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已结转至 {result.year} 年：新增 {result.created} 家，{result.unchanged} 家已有相同分工")
            if result.skipped:
                example = result.skipped[0]
                messages.warning(request, f"另有 {len(result.skipped)} 家不能结转，已跳过（如 {example.name}："
                                          f"{example.message}）")
            return redirect(request.get_full_path())
    page = paginate(rows_qs, request.GET, size=100)
    verdicts = services.assignment_verdicts(actor=request.user, year=year + 1,
                                            wanted=[(a.enterprise, a.organisation) for a in page.rows])
    first, last = services.assignable_years()
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "enterprises/supervision.html", {
        "year": year, "next_year": year + 1, "years": list(range(first - 1, last)), "page": page,
        "rows": list(zip(page.rows, verdicts, strict=True)), "counts": queries.supervision_counts(request.user, year),
        "bureaus": bureaus, "targets": targets, "is_city": is_city, "bureau": bureau, "params": request.GET,
        "industries": Industry.choices, "regions": Region.objects.exclude(code=settings.CITY_REGION_CODE)
        if is_city else [], "query": query.urlencode(), "filtered": any(request.GET.get(k) for k in FILTERS)})


@login_required
@for_roles(*HEADS)
@acts_on("enterprises.SupervisionAssignment")
def supervision_export(request: AuthenticatedRequest) -> HttpResponseBase:
    """A year's assignments in the import format (the template): edit it in Excel and import it as the next year."""
    year = parse_int(request.GET.get("year") or str(timezone.localdate().year), field="year", label="年度",
                     minimum=2000, maximum=2100)
    qs = queries.supervision_rows(request.user, year, request.GET)

    def rows():  # type: ignore[no-untyped-def]
        for a in qs.iterator(chunk_size=2000):
            yield [a.enterprise.uscc, a.enterprise.name, rules.LEVEL_LABELS.get(a.level, ""), a.organisation.name]

    audit(request.user, "enterprises.supervision_export", summary=f"导出 {year} 年分级分类监管分工",
          data={"year": year, "filters": request.GET.dict()})
    return xlsx_response(f"分级分类监管分工-{year}.xlsx", [t for _, t, _ in rules.SUPERVISION_COLUMNS], rows(),
                         sheet="监管分工")


@login_required
@for_roles(*HEADS)
@acts_on("enterprises.SupervisionAssignment", action="change")
def supervision_import(request: AuthenticatedRequest) -> HttpResponse:
    first, last = services.assignable_years()
    form = SupervisionImportForm(request.POST or None, request.FILES or None, years=(first, last))
    if request.method == "POST" and form.is_valid():
        try:
            job = services.supervision_import_preview(actor=request.user, upload=form.cleaned_data["file"],
                                                      year=int(form.cleaned_data["year"]))
        except DomainError as exc:
            form.add_error("file" if exc.field != "year" else "year", exc.message)
        else:
            return redirect("enterprises:supervision_import_job", pk=job.pk)
    jobs = ImportJob.objects.filter(created_by=request.user, kind="supervision").order_by("-created_at")[:10]
    return render(request, "enterprises/supervision_import.html", {"form": form, "jobs": jobs, "year": first})


@login_required
@for_roles(*HEADS)
def supervision_import_job(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The preview of an uploaded workbook (row by row, with the problems) and its confirmation; the importer's own."""
    job = get_object_or_404(ImportJob, pk=pk, created_by=request.user, kind="supervision")
    if request.method == "POST":
        was_done = job.status == ImportJob.Status.DONE
        try:
            job = services.supervision_import_confirm(actor=request.user, job=job)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            if was_done:
                messages.info(request, "该文件已经导入，未重复写入")
            elif job.status == ImportJob.Status.DONE:
                messages.success(request, job.message)
            else:
                messages.error(request, job.message)
        return redirect("enterprises:supervision_import_job", pk=job.pk)
    preview: list[dict[str, Any]] = job.preview or []
    return render(request, "enterprises/supervision_import_job.html", {
        "job": job, "errors": job.errors[:500], "preview": preview[:300], "more": max(0, len(preview) - 300),
        "plan_url": reverse("inspection:plans")})


@login_required
@for_roles(*HEADS)
def supervision_import_errors(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    job = get_object_or_404(ImportJob, pk=pk, created_by=request.user, kind="supervision")
    return xlsx_response(f"分工导入问题-{job.pk}.xlsx", ["行号", "列", "问题"],
                         ([e["row"], e["column"], e["message"]] for e in job.errors), sheet="问题清单")


# ---------------------------------------------------------------- 企业注册 (issue 17)


@public_view
def register(request: HttpRequest) -> HttpResponse:
    """企业注册 (public): 「获取验证码」 and 「提交注册」 are two buttons of one form, so it works without scripts."""
    if request.user.is_authenticated:
        return redirect("workbench")
    form = RegistrationForm(request.POST or None, regions=registration.registration_regions())
    context: dict[str, Any] = {"form": form, "sent": "", "echo": ""}
    limited: throttle.RateLimited | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if "send" in request.POST:
                registration.find_enterprise(data["uscc"], data["name"])
                code = registration.registration_send_code(phone=data["phone"], address=client_ip(request))
                context["sent"] = "验证码已发送到法定代表人手机，请查收。"
                context["echo"] = code if sms_codes.demo_echo() else ""
            else:
                done = registration.registration_submit(**{k: data[k] for k in (
                    "uscc", "name", "region", "industry", "address", "legal_representative", "phone", "code",
                    "username", "password", "password2")})
                return render(request, "enterprises/register_done.html", {"r": done})
        except throttle.RateLimited as exc:
            limited = exc
            form.add_error(None, exc.message)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return throttle.as_limited(render(request, "enterprises/register.html", context), limited)


@login_required
@acts_on("enterprises.Registration")
@for_roles(*REGISTRATION_APPROVERS)
def registration_list(request: AuthenticatedRequest) -> HttpResponse:
    """企业注册审核: the registrations of the officer's jurisdiction, pending first."""
    state = request.GET.get("state", "pending")
    rows = queries.registrations_for(request.user, state if state in {"pending", "approved", "refused", "all"}
                                     else "pending")
    page = paginate(rows, request.GET, size=20)
    return render(request, "enterprises/registrations.html", {"page": page, "state": state, "states": [
        ("pending", "待审核"), ("approved", "已通过"), ("refused", "未通过"), ("all", "全部")]})


@login_required
@acts_on("enterprises.Registration")
@for_roles(*REGISTRATION_APPROVERS)
def registration_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Registration.objects.restrict(request.user).select_related(
        "region", "enterprise", "account", "decided_by"), pk=pk)
    form = RegistrationDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("action") == "approve":
                registration.registration_approve(actor=request.user, registration=item)
                messages.success(request, f"已审核通过，{item.name}的企业账号已开通，申请人已收到短信通知。")
            else:
                registration.registration_refuse(actor=request.user, registration=item,
                                                 reason=form.cleaned_data["reason"])
                messages.success(request, "已不予通过，申请人已收到短信通知。")
        except DomainError as exc:
            form.add_error("reason" if exc.field == "reason" else None, exc.message)
        else:
            return redirect("enterprises:registration", pk=item.pk)
    workflow = workflow_for_model("enterprises.Registration")
    return render(request, "enterprises/registration.html", {
        "r": item, "form": form, "may_decide": item.state == "pending",
        "state_label": workflow.state_label(item.state) if workflow else item.state,
        "history": workflow.history(item) if workflow else [],
        "licence_fields": (item.licence or {}).get("fields", [])})
