"""Administrator screens of the kernel: the audit trail and the working-day calendar."""

from __future__ import annotations

import calendar as pycal
import datetime as dt
from typing import TYPE_CHECKING

from django import forms
from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from bureau.kernel import calendar
from bureau.kernel.access import for_roles
from bureau.kernel.audit import audit, verify_chain
from bureau.kernel.forms import BureauForm
from bureau.kernel.models import AuditEntry, CalendarDay, CalendarYear
from bureau.kernel.paging import paginate

if TYPE_CHECKING:
    from bureau.accounts.http import AuthenticatedRequest

# Who opens these screens, by role code. The codes are declared in bureau.accounts.roles, which the kernel does not
# import (accounts sits above the kernel); tests/kernel/test_floor_plan.py checks that each code is declared there.
AUDIT_READERS = frozenset({"sysadmin", "auditor", "secadmin"})
CALENDAR_EDITORS = frozenset({"sysadmin"})
CONFIGURATION_EDITORS = frozenset({"sysadmin", "secadmin"})


@login_required
@for_roles(*AUDIT_READERS)
def audit_list(request: AuthenticatedRequest) -> HttpResponse:
    qs = AuditEntry.objects.order_by("-seq")
    if request.GET.get("action"):
        qs = qs.filter(action__startswith=request.GET["action"])
    if request.GET.get("actor"):
        qs = qs.filter(actor_name__contains=request.GET["actor"])
    if request.GET.get("object"):
        qs = qs.filter(object_id=request.GET["object"])
    if request.GET.get("date"):
        try:
            day = dt.date.fromisoformat(request.GET["date"])
            qs = qs.filter(at__date=day)
        except ValueError:
            messages.error(request, "日期格式应为 YYYY-MM-DD")
    report = verify_chain() if request.GET.get("verify") else None
    areas = sorted(((c.label, str(c.verbose_name)) for c in apps.get_app_configs() if c.name.startswith("bureau.")),
                   key=lambda pair: pair[1])
    return render(request, "kernel/audit.html", {"page": paginate(qs, request.GET), "report": report, "areas": areas})


class CalendarDayForm(BureauForm):
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    is_working_day = forms.TypedChoiceField(label="安排", coerce=lambda v: v == "1",
                                            choices=[("0", "休息（节假日）"), ("1", "上班（调休）")])
    name = forms.CharField(label="名称", max_length=40, required=False)


@login_required
@for_roles(*CALENDAR_EDITORS)
def calendar_view(request: AuthenticatedRequest) -> HttpResponse:
    try:
        year = int(request.GET.get("year", dt.date.today().year))
        days = calendar.year_days(year)
    except (ValueError, calendar.CalendarError):
        raise Http404
    form = CalendarDayForm(request.POST or None)
    if request.method == "POST":
        if "publish" in request.POST:
            with transaction.atomic():
                CalendarYear.objects.update_or_create(
                    year=year, defaults={"published": True, "source": request.POST.get("source", "")[:200]})
                audit(request.user, "kernel.calendar_publish", summary=f"确认发布{year}年节假日安排")
            messages.success(request, f"已确认{year}年节假日安排，相关暂定期限正在重新计算。")
            return redirect(f"{request.path}?year={year}")
        if form.is_valid():
            day = form.cleaned_data["date"]
            with transaction.atomic():
                CalendarDay.objects.update_or_create(date=day, defaults={
                    "is_working_day": form.cleaned_data["is_working_day"], "name": form.cleaned_data["name"]})
                audit(request.user, "kernel.calendar_day", summary=f"设置 {day} 为{'工作日' if form.cleaned_data['is_working_day'] else '休息日'}")
            messages.success(request, f"已保存 {day} 的安排。")
            return redirect(f"{request.path}?year={day.year}")
    months = []
    for month in range(1, 13):
        weeks = []
        for week in pycal.Calendar().monthdatescalendar(year, month):
            cells: list[dict[str, object] | None] = []
            for day in week:
                if day.month != month:
                    cells.append(None)
                    continue
                working = days.is_working(day)
                kind = "work" if working else "off"
                if day in days.working_weekend_days:
                    kind = "makeup"
                elif day in days.off_weekdays:
                    kind = "holiday"
                cells.append({"day": day, "kind": kind, "name": days.names.get(day, "")})
            weeks.append(cells)
        months.append({"month": month, "weeks": weeks})
    return render(request, "kernel/calendar.html", {
        "year": year, "days": days, "months": months, "form": form,
        "overrides": CalendarDay.objects.filter(date__year=year),
        "record": CalendarYear.objects.filter(year=year).first(),
    })
