from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render

from bureau.accounts.authority import changes_kind
from bureau.accounts.http import AuthenticatedRequest
from bureau.accounts.scope import scope_for
from bureau.enterprises import credit, queries, services
from bureau.enterprises.forms import EnterpriseFilterForm, EnterpriseForm, ImportForm
from bureau.enterprises.models import Enterprise, ImportJob
from bureau.enterprises.rules import COLUMNS
from bureau.kernel.access import acts_on, for_roles
from bureau.kernel.audit import audit
from bureau.kernel.errors import DomainError
from bureau.kernel.excel import xlsx_response
from bureau.kernel.masking import mask_id_number, mask_phone
from bureau.kernel.models import Region
from bureau.kernel.paging import capped_count, paginate
from bureau.kernel.registry import registry


def _is_admin(user) -> bool:  # type: ignore[no-untyped-def]
    return changes_kind(user, Enterprise)


@login_required
@acts_on("enterprises.Enterprise")
def enterprise_list(request: AuthenticatedRequest) -> HttpResponse:
    if request.user.enterprise_id:
        return redirect("enterprises:detail", pk=request.user.enterprise_id)
    form = EnterpriseFilterForm(request.GET or None)
    qs = queries.enterprise_list(request.user, request.GET)
    page = paginate(qs, request.GET)
    return render(request, "enterprises/list.html", {
        "form": form, "page": page, "total": capped_count(qs), "is_admin": _is_admin(request.user),
        "export_query": request.GET.urlencode(),
    })


@login_required
@acts_on("enterprises.Enterprise")
def enterprise_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    enterprise = queries.get_enterprise_for(request.user, pk)
    panels = [p for p in (func(request.user, enterprise) for func in registry.enterprise_panels) if p]
    supervision = enterprise.supervision.select_related("organisation").order_by("-year")[:5]
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
