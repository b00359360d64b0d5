"""Pages of service ratings (好差评): the rating of a completed service by its signed-in user, and for staff the
report, its export, the follow-ups of bad ratings and the appeals."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bureau.accounts import roles as R
from bureau.accounts.http import AuthenticatedRequest
from bureau.feedback import services
from bureau.feedback.forms import AppealForm, ServiceRateForm
from bureau.feedback.models import Rating, RatingAppeal, RatingFollowUp, RatingLevel
from bureau.feedback.queries import ratings_window, reason_counts
from bureau.feedback.rules import satisfaction_of
from bureau.feedback.workflow import APPEAL, FOLLOWUP
from bureau.kernel.access import acts_on, for_roles
from bureau.kernel.audit import audit
from bureau.kernel.errors import DomainError
from bureau.kernel.excel import xlsx_response
from bureau.kernel.registry import registry
from bureau.kernel.validation import check_day_range


@login_required
@acts_on("feedback.Rating", action="change")
def service_rate(request: AuthenticatedRequest, service_type: str, service_id: str) -> HttpResponse:
    """好差评 of a completed service by its (signed-in) user; each area says who may rate what."""
    resolver = registry.rateable.get(service_type)
    service = resolver(request.user, service_id) if resolver else None
    if service is None:
        raise Http404
    form = ServiceRateForm(request.POST or None, reasons=services.bad_reasons())
    done = Rating.objects.filter(service_type=service_type, service_id=service_id).exists()
    error = ""
    if request.method == "POST" and not done:
        if form.is_valid():
            try:
                services.rating_submit(
                    actor=request.user, service_type=service_type, service_id=service_id,
                    service_label=service.label, level=form.cleaned_data["level"],
                    comment=form.cleaned_data["comment"], region_id=service.region_id,
                    organisation=service.organisation, reasons=form.cleaned_data["reasons"])
                done = True
            except DomainError as exc:
                error = exc.message
                if exc.field in form.fields:
                    form.add_error(exc.field, exc.message)
        else:
            error = str(next(iter(e for errors in form.errors.values() for e in errors), "请更正评价中的错误"))
    return render(request, "feedback/service_rate.html",
                  {"form": form, "done": done, "error": error, "service": service},
                  status=400 if error else 200)


def _period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    try:
        start = dt.date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = today.replace(month=1, day=1)
    try:
        end = dt.date.fromisoformat(request.GET.get("end", ""))
    except ValueError:
        end = today
    check_day_range(start, field="start", label="开始日期")
    check_day_range(end, field="end", label="结束日期")
    return start, max(start, end)


def _ratings_report(request: HttpRequest) -> tuple[dt.date, dt.date, list[dict], dict]:
    start, end = _period(request)
    lo, hi = ratings_window(start, end)
    qs = Rating.objects.restrict(request.user).filter(created_at__gte=lo, created_at__lte=hi, excluded=False)
    level_counts = {f"l{lv}": Count("id", filter=Q(level=lv)) for lv in RatingLevel.values}
    rows = []
    for row in qs.values("service_type").annotate(total=Count("id"), **level_counts).order_by("service_type"):
        levels = [row[f"l{lv}"] for lv in sorted(RatingLevel.values, reverse=True)]
        share = round(sum(levels[:3]) * 100.0 / row["total"], 1) if row["total"] else None  # 基本满意及以上
        rows.append({"service_type": row["service_type"], "label": SERVICE_LABELS.get(row["service_type"],
                                                                                        row["service_type"]),
                     "total": row["total"], "levels": levels, "satisfaction": share})
    total_share, satisfied, total = satisfaction_of(qs)
    summary = {"reasons": reason_counts(qs), "satisfaction": total_share, "satisfied": satisfied, "total": total,
               "bad": qs.filter(level__lte=RatingLevel.DISSATISFIED).count(),
               "excluded": Rating.objects.restrict(request.user).filter(created_at__gte=lo, created_at__lte=hi,
                                                                          excluded=True).count()}
    return start, end, rows, summary


SERVICE_LABELS = {"petitions.petition": "诉求办理", "window.visit": "窗口服务", "licensing.application": "行政许可"}


@login_required
@acts_on("feedback.Rating", "feedback.RatingFollowUp", "feedback.RatingAppeal")
@for_roles(*R.STAFF_ROLES)
def ratings(request: AuthenticatedRequest) -> HttpResponse:
    start, end, rows, summary = _ratings_report(request)
    recent = Rating.objects.restrict(request.user).prefetch_related("reasons").order_by("-created_at")[:30]
    followups = (RatingFollowUp.objects.restrict(request.user).filter(state="open").select_related("rating")
                 .order_by("due_date")[:30])
    pending = (RatingAppeal.objects.filter(state="pending", rating__in=Rating.objects.restrict(request.user))
               .select_related("rating", "filed_by")[:30])
    # each appeal with its buttons: exactly the declared actions the user may take now (a leader decides)
    appeals = [(a, [t.action for t in APPEAL.available(a, request.user)]) for a in pending]
    return render(request, "feedback/ratings.html", {
        "start": start, "end": end, "rows": rows, "summary": summary, "recent": recent, "followups": followups,
        "appeals": appeals, "level_labels": [RatingLevel(v).label for v in sorted(RatingLevel.values, reverse=True)],
        "today": timezone.localdate()})


@login_required
@acts_on("feedback.Rating")
@for_roles(*R.STAFF_ROLES)
def ratings_export(request: AuthenticatedRequest) -> HttpResponseBase:
    start, end, rows, summary = _ratings_report(request)
    header = ["服务类型", "评价数", "非常满意", "满意", "基本满意", "不满意", "非常不满意", "满意率(%)"]
    data = [[r["label"], r["total"], *r["levels"], r["satisfaction"] if r["satisfaction"] is not None else "暂无数据"]
            for r in rows]
    data.append(["合计", summary["total"], "", "", "", "", "",
                 summary["satisfaction"] if summary["satisfaction"] is not None else "暂无数据"])
    data.append([])
    data.append(["差评原因", "差评数"])
    data += [[r["label"], r["count"]] for r in summary["reasons"]]
    audit(request.user, "portal.ratings_export", summary=f"导出好差评报表 {start}—{end}")
    return xlsx_response(f"好差评报表-{start}-{end}.xlsx", header, data, sheet="好差评")


@login_required
@acts_on("feedback.RatingFollowUp", action="action")
@for_roles(*R.STAFF_ROLES)
def followup_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    followup = get_object_or_404(RatingFollowUp.objects.restrict(request.user).select_related("rating")
                                 .prefetch_related("rating__reasons"), pk=pk)
    if request.method == "POST":
        try:
            services.followup_complete(actor=request.user, followup=followup, result=request.POST.get("result", ""))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已完成整改回访")
        return redirect("feedback:followup", pk=pk)
    return render(request, "feedback/followup.html", {
        "f": followup, "history": followup.history(),
        "actions": [t.action for t in FOLLOWUP.available(followup, request.user)]})


@login_required
@acts_on("feedback.Rating", action="change")
@for_roles(*R.STAFF_ROLES)
def rating_appeal(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    rating = get_object_or_404(Rating.objects.restrict(request.user), pk=pk)
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.appeal_file(actor=request.user, rating=rating, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            form.add_error("reason", exc.message)
        else:
            messages.success(request, "申诉已提交，待分管负责人审核")
            return redirect("feedback:ratings")
    return render(request, "feedback/appeal.html", {"form": form, "rating": rating})


@login_required
@require_POST
@acts_on("feedback.RatingAppeal", action="action")
@for_roles(*R.STAFF_ROLES)
def appeal_decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    appeal = get_object_or_404(RatingAppeal.objects.filter(rating__in=Rating.objects.restrict(request.user)), pk=pk)
    try:
        services.appeal_decide(actor=request.user, appeal=appeal, uphold=request.POST.get("uphold") == "1",
                               decision=request.POST.get("decision", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已审核申诉")
    return redirect("feedback:ratings")
