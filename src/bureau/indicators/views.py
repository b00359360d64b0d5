from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from bureau.accounts import roles as R
from bureau.accounts.http import AuthenticatedRequest
from bureau.accounts.scope import scope_for
from bureau.indicators.compute import dashboard, display
from bureau.kernel.access import for_roles
from bureau.kernel.audit import audit
from bureau.kernel.excel import xlsx_response
from bureau.kernel.models import Region
from bureau.kernel.validation import check_day_range

CACHE_SECONDS = 120

# Staff of the bureaus and the departments that work with them read the aggregate indicators.
INDICATOR_READERS = (*sorted(R.STAFF_ROLES), R.DEPARTMENT)


def _month(value: str | None, default: dt.date) -> dt.date:
    try:
        return dt.datetime.strptime(value or "", "%Y-%m").date()
    except ValueError:
        return default


def _build(request: HttpRequest):  # type: ignore[no-untyped-def]
    user = request.user
    if not getattr(user, "is_staff_member", False):
        raise Http404
    scope = scope_for(user)
    if scope.kind not in {"all", "regions"}:
        raise Http404
    today = timezone.localdate()
    start = _month(request.GET.get("start"), today.replace(month=1, day=1))
    end_month = _month(request.GET.get("end"), today.replace(day=1))
    if end_month < start:
        end_month = start
    check_day_range(start, field="start", label="起始月份")
    check_day_range(end_month, field="end", label="截止月份")
    if (end_month.year - start.year) * 12 + end_month.month - start.month > 23:
        start = end_month.replace(year=end_month.year - 2)
    end = (end_month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    regions = None if scope.is_all else scope.regions
    counties_qs = Region.objects.exclude(parent__isnull=True).order_by("sort", "code")
    if regions is not None:
        counties_qs = counties_qs.filter(code__in=regions)
    counties = [(r.code, r.name) for r in counties_qs]
    region = request.GET.get("region") or None
    if region and region not in {c for c, _ in counties}:
        region = None
    shown = [c for c in counties if c[0] == region] if region else counties
    key = "indicators:board:" + "|".join([f"{start}", f"{end}", region or "", ",".join(sorted(regions or ["*"]))])
    board = cache.get(key)
    if board is None:  # computed from the live data; a dashboard of the same period and scope is reused 2 minutes
        board = dashboard(start, end, region=region, regions=regions, counties=shown)
        cache.set(key, board, CACHE_SECONDS)
    return board, counties, region, start, end_month


@login_required
@for_roles(*INDICATOR_READERS)
def index(request: AuthenticatedRequest) -> HttpResponse:
    board, counties, region, start, end_month = _build(request)
    areas = [(area, [(row, display(row.indicator.value, row.indicator.unit)) for row in rows])
             for area, rows in board.by_area()]
    return render(request, "indicators/index.html", {
        "board": board, "areas": areas, "counties": counties, "region": region,
        "start": f"{start:%Y-%m}", "end": f"{end_month:%Y-%m}", "chart_data": board.chart_data(),
        "query": request.GET.urlencode()})


@login_required
@for_roles(*INDICATOR_READERS)
def export(request: AuthenticatedRequest) -> HttpResponseBase:
    board, _counties, region, start, end_month = _build(request)
    header = ["领域", "指标", "单位", "期间值", "分子", "分母", "说明",
              *[f"{m}月" for m in board.months], *[name for _, name in board.counties]]

    def cell(value: float | None):  # type: ignore[no-untyped-def]
        return "暂无数据" if value is None else value

    rows = []
    for row in board.rows:
        i = row.indicator
        rows.append([i.area, i.name, i.unit, cell(i.value), "" if i.numerator is None else i.numerator,
                     "" if i.denominator is None else i.denominator, i.note,
                     *[cell(v) for v in row.months], *[cell(v) for v in row.counties]])
    audit(request.user, "indicators.export", summary=f"导出法治化营商环境指标 {start:%Y-%m}—{end_month:%Y-%m}",
          data={"region": region})
    return xlsx_response(f"法治化营商环境指标-{start:%Y%m}-{end_month:%Y%m}.xlsx", header, rows, sheet="指标")
