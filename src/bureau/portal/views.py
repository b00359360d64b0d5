from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_POST

from bureau.accounts.models import ApiCallLog, ApiToken
from bureau.kernel import antispam, throttle
from bureau.kernel.access import public_view
from bureau.kernel.audit import audit
from bureau.kernel.errors import DomainError
from bureau.kernel.excel import xlsx_response
from bureau.kernel.paging import paginate
from bureau.kernel.registry import registry
from bureau.kernel.validation import check_day_range, parse_id
from bureau.portal import licences, queries, services, sharing
from bureau.portal.forms import (
    AppealForm,
    ConsultationForm,
    LicenceForm,
    ServiceRateForm,
    TokenIssueForm,
    WindowRateForm,
)
from bureau.portal.models import (
    INDUSTRY_CHOICES,
    Consultation,
    FaqEntry,
    LawKind,
    LawTopic,
    Rating,
    RatingAppeal,
    RatingFollowUp,
    RatingLevel,
)
from bureau.portal.rules import query_terms, satisfaction_of, snippet

HOME_CACHE_KEY = "portal:home:lists"
PUBLIC_PAGE_SECONDS = 60  # public, anonymous pages (home, laws, FAQ) are served from the cache for a minute
OWN_LINKS = {"portal:laws", "petitions:mailbox", "petitions:lookup", "portal:faq"}

# ---------------------------------------------------------------- public


@public_view
@cache_page(PUBLIC_PAGE_SECONDS)
def home(request: HttpRequest) -> HttpResponse:
    others = [e for e in sorted(registry.portal_links, key=lambda e: e.order) if e.url_name not in OWN_LINKS]
    lists = cache.get(HOME_CACHE_KEY)
    if lists is None:  # the home page is the busiest public page: its lists are kept a minute
        lists = {"laws": list(queries.law_search({})[:6]),
                 "faqs": list(FaqEntry.objects.filter(is_published=True).order_by("-asked_count", "id")[:5])}
        cache.set(HOME_CACHE_KEY, lists, 60)
    return render(request, "portal/home.html", {"other_links": others, **lists, "topics": LawTopic.choices})


@public_view
@cache_page(PUBLIC_PAGE_SECONDS)
def law_list(request: HttpRequest) -> HttpResponse:
    qs = queries.law_search(request.GET)
    page = paginate(qs, request.GET, size=20)
    terms = query_terms(request.GET.get("q", ""))
    rows = [(law, snippet(law.summary, terms)) for law in page.rows]
    return render(request, "portal/law_list.html", {
        "page": page, "rows": rows, "params": request.GET, "industries": INDUSTRY_CHOICES,
        "topics": LawTopic.choices, "kinds": LawKind.choices})


@public_view
@cache_page(PUBLIC_PAGE_SECONDS)
def law_detail(request: HttpRequest, pk: int) -> HttpResponse:
    law = queries.get_law(pk)
    return render(request, "portal/law_detail.html", {
        "law": law, "articles": list(law.articles.all()),
        "interpretations": list(law.interpretations.filter(is_published=True).only("pk", "title", "issued_on"))})


@public_view
@cache_page(PUBLIC_PAGE_SECONDS)
def faq(request: HttpRequest) -> HttpResponse:
    page = paginate(queries.faq_search(request.GET), request.GET, size=30)
    return render(request, "portal/faq.html", {"page": page, "params": request.GET, "topics": LawTopic.choices})


@public_view
def window_rate(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """好差评 of a window visit: the slip handed to the visitor carries this address (code proves the visit)."""
    consultation = Consultation.objects.filter(pk=pk).select_related("organisation").first()
    if consultation is None or consultation.rating_code != code:
        raise Http404
    form = WindowRateForm(request.POST or None)
    done = Rating.objects.filter(service_type="window.visit", service_id=str(pk)).exists()
    error = ""
    refusal: DomainError | None = None
    if request.method == "POST" and not done and form.is_valid():
        d = form.cleaned_data
        try:
            antispam.hit(request, "rate", limit_rule="portal.form_limit_per_window",
                         window_rule="portal.form_window_seconds")
            services.rating_submit(
                actor=request.user, service_type="window.visit", service_id=str(pk),
                service_label=f"窗口服务：{consultation.get_topic_display()}咨询", level=d["level"],
                comment=d["comment"], region_id=consultation.region_id, organisation=consultation.organisation,
                rater_name=d["rater_name"], rater_phone=d["rater_phone"])
            done = True
        except DomainError as exc:
            error, refusal = exc.message, exc
    return throttle.as_limited(render(request, "portal/window_rate.html", {
        "form": form, "done": done, "error": error, "consultation": consultation}), refusal)


@login_required
def service_rate(request: HttpRequest, service_type: str, service_id: str) -> HttpResponse:
    """好差评 of a completed service by its (signed-in) user; each area says who may rate what."""
    resolver = registry.rateable.get(service_type)
    service = resolver(request.user, service_id) if resolver else None
    if service is None:
        raise Http404
    form = ServiceRateForm(request.POST or None)
    done = Rating.objects.filter(service_type=service_type, service_id=service_id).exists()
    error = ""
    if request.method == "POST" and not done and form.is_valid():
        try:
            services.rating_submit(
                actor=request.user, service_type=service_type, service_id=service_id, service_label=service.label,
                level=form.cleaned_data["level"], comment=form.cleaned_data["comment"], region_id=service.region_id,
                organisation=service.organisation)
            done = True
        except DomainError as exc:
            error = exc.message
    return render(request, "portal/service_rate.html", {"form": form, "done": done, "error": error,
                                                        "service": service})


# ---------------------------------------------------------------- staff: window consultations and FAQ


def _staff(request: HttpRequest) -> None:
    if not getattr(request.user, "is_staff_member", False):
        raise Http404


@login_required
def consultations(request: HttpRequest) -> HttpResponse:
    _staff(request)
    form = ConsultationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            row = services.consultation_log(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            url = request.build_absolute_uri(f"/portal/rate/window/{row.pk}/{row.rating_code}/")
            messages.success(request, f"已登记。请将评价地址交给咨询人：{url}")
            return redirect("portal:consultations")
    qs = Consultation.objects.restrict(request.user).select_related("clerk", "faq").order_by("-created_at", "-id")
    if request.GET.get("q"):
        qs = qs.filter(question__contains=request.GET["q"].strip())
    page = paginate(qs, request.GET, size=30)
    return render(request, "portal/consultations.html", {"form": form, "page": page, "params": request.GET,
                                                         "faqs": FaqEntry.objects.order_by("topic", "id")[:200]})


@login_required
@require_POST
def consultation_to_faq(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    row = get_object_or_404(Consultation.objects.restrict(request.user), pk=pk)
    existing = None
    if request.POST.get("faq"):
        existing = FaqEntry.objects.filter(pk=parse_id(request.POST["faq"], field="faq", label="常见问题")).first()
    try:
        entry = services.consultation_to_faq(actor=request.user, consultation=row, faq=existing,
                                             question=request.POST.get("question", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已归入常见问题：{entry.question}")
    return redirect("portal:consultations")


# ---------------------------------------------------------------- staff: ratings (好差评)


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
    lo, hi = services.ratings_window(start, end)
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
    summary = {"satisfaction": total_share, "satisfied": satisfied, "total": total,
               "bad": qs.filter(level__lte=RatingLevel.DISSATISFIED).count(),
               "excluded": Rating.objects.restrict(request.user).filter(created_at__gte=lo, created_at__lte=hi,
                                                                          excluded=True).count()}
    return start, end, rows, summary


SERVICE_LABELS = {"petitions.petition": "诉求办理", "window.visit": "窗口服务", "licensing.application": "行政许可"}


@login_required
def ratings(request: HttpRequest) -> HttpResponse:
    _staff(request)
    start, end, rows, summary = _ratings_report(request)
    recent = Rating.objects.restrict(request.user).order_by("-created_at")[:30]
    followups = (RatingFollowUp.objects.restrict(request.user).filter(state="open").select_related("rating")
                 .order_by("due_date")[:30])
    appeals = (RatingAppeal.objects.filter(state="pending", rating__in=Rating.objects.restrict(request.user))
               .select_related("rating", "filed_by")[:30])
    return render(request, "portal/ratings.html", {
        "start": start, "end": end, "rows": rows, "summary": summary, "recent": recent, "followups": followups,
        "appeals": appeals, "level_labels": [RatingLevel(v).label for v in sorted(RatingLevel.values, reverse=True)],
        "is_leader": request.user.has_role("leader"), "today": timezone.localdate()})


@login_required
def ratings_export(request: HttpRequest) -> HttpResponse:
    _staff(request)
    start, end, rows, summary = _ratings_report(request)
    header = ["服务类型", "评价数", "非常满意", "满意", "基本满意", "不满意", "非常不满意", "满意率(%)"]
    data = [[r["label"], r["total"], *r["levels"], r["satisfaction"] if r["satisfaction"] is not None else "暂无数据"]
            for r in rows]
    data.append(["合计", summary["total"], "", "", "", "", "",
                 summary["satisfaction"] if summary["satisfaction"] is not None else "暂无数据"])
    audit(request.user, "portal.ratings_export", summary=f"导出好差评报表 {start}—{end}")
    return xlsx_response(f"好差评报表-{start}-{end}.xlsx", header, data, sheet="好差评")


@login_required
def followup_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    followup = get_object_or_404(RatingFollowUp.objects.restrict(request.user).select_related("rating"), pk=pk)
    if request.method == "POST":
        try:
            services.followup_complete(actor=request.user, followup=followup, result=request.POST.get("result", ""))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已完成整改回访")
        return redirect("portal:followup", pk=pk)
    return render(request, "portal/followup.html", {"f": followup, "history": followup.history()})


@login_required
def rating_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    rating = get_object_or_404(Rating.objects.restrict(request.user), pk=pk)
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.appeal_file(actor=request.user, rating=rating, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            form.add_error("reason", exc.message)
        else:
            messages.success(request, "申诉已提交，待分管负责人审核")
            return redirect("portal:ratings")
    return render(request, "portal/appeal.html", {"form": form, "rating": rating})


@login_required
@require_POST
def appeal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    appeal = get_object_or_404(RatingAppeal.objects.filter(rating__in=Rating.objects.restrict(request.user)), pk=pk)
    try:
        services.appeal_decide(actor=request.user, appeal=appeal, uphold=request.POST.get("uphold") == "1",
                               decision=request.POST.get("decision", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已审核申诉")
    return redirect("portal:ratings")


# ---------------------------------------------------------------- administrators: data sharing


def _token_admin(request: HttpRequest) -> None:
    user = request.user
    if not (user.is_superuser or user.has_role("sysadmin", "secadmin")):
        raise Http404


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    _token_admin(request)
    form = TokenIssueForm(request.POST or None)
    raw = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        tz = timezone.get_current_timezone()
        expires = dt.datetime.combine(d["expires_on"], dt.time(23, 59, 59), tzinfo=tz)
        try:
            _token, raw = sharing.token_issue(
                actor=request.user, user=d["user"], name=d["name"], scopes=d["scopes"],
                regions=[r.code for r in d["regions"]], expires_at=expires,
                fields={k: d.get(f"fields_{k}") or [] for k in sharing.DATASET_FIELDS})
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            form = TokenIssueForm()
    rows = (ApiToken.objects.select_related("user", "user__organisation").annotate(calls_count=Count("calls"))
            .order_by("-created_at")[:200])
    return render(request, "portal/tokens.html", {"form": form, "rows": rows, "raw": raw, "scopes": sharing.SCOPES,
                                                  "now": timezone.now()})


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    _token_admin(request)
    token = get_object_or_404(ApiToken, pk=pk)
    try:
        sharing.token_revoke(actor=request.user, token=token)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已吊销：{token.name}")
    return redirect("portal:tokens")


@login_required
def calls(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (user.is_superuser or user.has_role("sysadmin", "secadmin", "auditor")):
        raise Http404
    qs = ApiCallLog.objects.select_related("token").order_by("-at", "-id")
    if request.GET.get("token"):
        qs = qs.filter(token_id=parse_id(request.GET["token"], field="token", label="令牌"))
    if request.GET.get("status") == "error":
        qs = qs.filter(status__gte=400)
    page = paginate(qs, request.GET, size=50)
    return render(request, "portal/calls.html", {"page": page, "params": request.GET,
                                                 "tokens": ApiToken.objects.order_by("name")})


@login_required
def licence(request: HttpRequest) -> HttpResponse:
    _staff(request)
    form = LicenceForm(request.GET or None)
    found = None
    searched = False
    if form.is_valid():
        searched = True
        try:
            found = licences.licence_lookup(form.cleaned_data["uscc"])
        except DomainError as exc:
            form.add_error("uscc", exc.message)
            searched = False
    return render(request, "portal/licence.html", {"form": form, "found": found, "searched": searched})
