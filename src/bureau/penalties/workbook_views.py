"""Pages of the benchmark workbook import (penalties.workbook): upload, column mapping, progress, preview, result.

The city bureau's system administrator, section heads and leaders only (`for_roles` for the page, the record's
authority through `workbook.visible` / `require_change` for the data)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from bureau.accounts.http import AuthenticatedRequest
from bureau.accounts.roles import LEADER, SECTION_HEAD, SYSADMIN
from bureau.kernel.access import acts_on, for_roles
from bureau.kernel.errors import DomainError, NotFound
from bureau.penalties import rules, workbook
from bureau.penalties.forms import BenchmarkConfirmForm, BenchmarkImportForm, BenchmarkMappingForm
from bureau.penalties.models import BenchmarkImport

IMPORTERS = (SYSADMIN, SECTION_HEAD, LEADER)
VIOLATIONS_PER_PAGE = 30


def _import(request: AuthenticatedRequest, pk: int) -> BenchmarkImport:
    try:
        return workbook.visible(request.user, pk)
    except NotFound as exc:
        raise Http404 from exc


@login_required
@for_roles(*IMPORTERS)
@acts_on("penalties.BenchmarkImport", action="change")
def benchmark_import(request: AuthenticatedRequest) -> HttpResponse:
    """Upload a workbook with its version, source document, level and effective date."""
    if not workbook.may_import(request.user):
        raise Http404  # a county's administrator or leader: the benchmark is the city bureau's
    form = BenchmarkImportForm(request.POST or None, request.FILES or None,
                               initial={"above_inclusive": True, "below_inclusive": True})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            imp = workbook.import_upload(
                actor=request.user, upload=data["file"], version=data["version"] or "", source=data["source"] or "",
                level=data["level"] or "", effective_from=data["effective_from"], reference=data["reference"] or "",
                above_inclusive=data["above_inclusive"], below_inclusive=data["below_inclusive"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else "file", exc.message)
        else:
            return redirect("penalties:benchmark_import_detail", pk=imp.pk)
    recent = BenchmarkImport.objects.restrict(request.user, "change").select_related("created_by")[:10]
    return render(request, "penalties/benchmark_import.html", {"form": form, "recent": recent},
                  status=400 if form.errors else 200)


def _columns(imp: BenchmarkImport) -> list[tuple[str, str, list[str]]]:
    """(header, chosen field, sample values) of each distinct header of the workbook."""
    columns: dict[str, tuple[str, str, list[str]]] = {}
    for sheet in imp.headers:
        for c in sheet["columns"]:
            if c["header"] not in columns:
                columns[c["header"]] = (c["header"], imp.mapping.get(c["header"], "ignore"),
                                        list(dict.fromkeys(s for s in c["samples"] if s))[:2])
    return list(columns.values())


@login_required
@for_roles(*IMPORTERS)
@acts_on("penalties.BenchmarkImport", action="change")
def benchmark_import_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One import, by its state: the column mapping, the progress, the preview (with the confirmation) or the result.
    POST `action`: map | confirm | cancel."""
    imp = _import(request, pk)
    mapping_form = BenchmarkMappingForm(request.POST if request.POST.get("action") == "map" else None,
                                        columns=_columns(imp))
    confirm_form = BenchmarkConfirmForm(request.POST if request.POST.get("action") == "confirm" else None)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "map" and mapping_form.is_valid():
                workbook.import_map(actor=request.user, imp=imp, mapping=mapping_form.mapping())
                return redirect("penalties:benchmark_import_detail", pk=imp.pk)
            if action == "confirm" and confirm_form.is_valid():
                workbook.import_confirm(actor=request.user, imp=imp,
                                        close_earlier=confirm_form.cleaned_data["close_earlier"])
                return redirect("penalties:benchmark_import_detail", pk=imp.pk)
            if action == "cancel":
                workbook.import_cancel(actor=request.user, imp=imp)
                messages.info(request, "已放弃该导入，未写入任何数据")
                return redirect("penalties:benchmark_import")
            if action not in ("map", "confirm"):
                raise DomainError("未知的操作")
        except DomainError as exc:
            form = mapping_form if action == "map" else confirm_form
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        status = 400
        imp.refresh_from_db()
    only_problems = request.GET.get("problems") == "1"
    violations = workbook.preview(imp, only_problems=only_problems) if imp.rows else []
    page = Paginator(violations, VIOLATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "penalties/benchmark_import_detail.html", {
        "imp": imp, "mapping_form": mapping_form, "confirm_form": confirm_form, "page": page,
        "violations_total": len(violations), "only_problems": only_problems,
        "problems": workbook.problems_text(imp.problems[:300]), "problem_count": len(imp.problems),
        "warnings": workbook.problems_text(imp.warnings[:300]), "warning_count": len(imp.warnings),
        "closures": workbook.closure_summary(imp), "level_label": rules.LEVEL_LABELS.get(imp.level, ""),
        "progress_url": reverse("penalties:benchmark_import_progress", args=[imp.pk]),
    }, status=status)


@login_required
@for_roles(*IMPORTERS)
@acts_on("penalties.BenchmarkImport", action="change")
def benchmark_import_progress(request: AuthenticatedRequest, pk: int) -> JsonResponse:
    """The progress of a running import, polled by the page (static/js/penalties-import.js)."""
    imp = _import(request, pk)
    return JsonResponse(progress_of(imp))


def progress_of(imp: BenchmarkImport) -> dict[str, Any]:
    return {"status": imp.status, "status_label": imp.get_status_display(), "running": imp.running,
            "percent": imp.percent, "processed": imp.processed_rows, "total": imp.total_rows, "message": imp.message}
