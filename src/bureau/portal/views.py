from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_POST

from bureau.accounts import roles as R
from bureau.accounts import tokens as tokens_service
from bureau.accounts.http import AuthenticatedRequest
from bureau.accounts.models import ApiCallLog, ApiToken
from bureau.accounts.tokens import TOKEN_ADMINS, scope_catalogue
from bureau.feedback.queries import ratings_of
from bureau.feedback.services import bad_reasons, rating_submit
from bureau.kernel import antispam, throttle
from bureau.kernel.access import acts_on, for_roles, public_view
from bureau.kernel.errors import DomainError
from bureau.kernel.paging import paginate
from bureau.kernel.registry import registry
from bureau.kernel.validation import parse_id
from bureau.penalties.queries import public_decision, public_decisions
from bureau.portal import licences, queries, services, sharing
from bureau.portal.forms import (
    ConsultationForm,
    LicenceForm,
    TokenIssueForm,
    WindowRateForm,
)
from bureau.portal.models import INDUSTRY_CHOICES, Consultation, FaqEntry, LawKind, LawTopic
from bureau.portal.rules import query_terms, snippet

V = TypeVar("V", bound=Callable[..., HttpResponse])
HOME_CACHE_KEY = "portal:home:lists"
PUBLIC_PAGE_SECONDS = 60  # public, anonymous pages (home, laws, FAQ) are served from the cache for a minute
OWN_LINKS = {"portal:laws", "petitions:mailbox", "petitions:lookup", "portal:faq"}

# ---------------------------------------------------------------- public


def anonymous_cache(seconds: int) -> Callable[[V], V]:
    """Serve a public page from the cache only to visitors without a session: a signed-in user's page carries the
    user's name in the header (我的办事 instead of 登录办事) and must never be cached for everyone."""

    def decorator(view: V) -> V:
        cached = cache_page(seconds)(view)

        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if settings.SESSION_COOKIE_NAME in request.COOKIES:
                return view(request, *args, **kwargs)
            return cached(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


@public_view
@anonymous_cache(PUBLIC_PAGE_SECONDS)
def home(request: HttpRequest) -> HttpResponse:
    others = [e for e in sorted(registry.portal_links, key=lambda e: e.order) if e.url_name not in OWN_LINKS]
    lists = cache.get(HOME_CACHE_KEY)
    if lists is None:  # the home page is the busiest public page: its lists are kept a minute
        lists = {"laws": list(queries.law_search({})[:6]),
                 "faqs": list(FaqEntry.objects.filter(is_published=True).order_by("-asked_count", "id")[:5])}
        cache.set(HOME_CACHE_KEY, lists, 60)
    return render(request, "portal/home.html", {"other_links": others, **lists, "topics": LawTopic.choices})


@public_view
@anonymous_cache(PUBLIC_PAGE_SECONDS)
def law_list(request: HttpRequest) -> HttpResponse:
    qs = queries.law_search(request.GET)
    page = paginate(qs, request.GET, size=20)
    terms = query_terms(request.GET.get("q", ""))
    rows = [(law, snippet(law.summary, terms)) for law in page.rows]
    return render(request, "portal/law_list.html", {
        "page": page, "rows": rows, "params": request.GET, "industries": INDUSTRY_CHOICES,
        "topics": LawTopic.choices, "kinds": LawKind.choices})


@public_view
@anonymous_cache(PUBLIC_PAGE_SECONDS)
def law_detail(request: HttpRequest, pk: int) -> HttpResponse:
    law = queries.get_law(pk)
    return render(request, "portal/law_detail.html", {
        "law": law, "articles": list(law.articles.all()),
        "interpretations": list(law.interpretations.filter(is_published=True).only("pk", "title", "issued_on"))})


@public_view
@anonymous_cache(PUBLIC_PAGE_SECONDS)
def faq(request: HttpRequest) -> HttpResponse:
    page = paginate(queries.faq_search(request.GET), request.GET, size=30)
    return render(request, "portal/faq.html", {"page": page, "params": request.GET, "topics": LawTopic.choices})


@public_view
def decisions(request: HttpRequest) -> HttpResponse:
    """行政执法公示: the published penalty decisions (行政处罚法 第48条; 国办发〔2018〕118号), personal data masked. Not
    cached: a withdrawal (第48条第2款) shows at once (the list is one indexed query)."""
    page = paginate(public_decisions(request.GET), request.GET, size=20)
    return render(request, "portal/decisions.html", {"page": page, "params": request.GET})


@public_view
def decision(request: HttpRequest, pk: int) -> HttpResponse:
    found = public_decision(pk)
    if found is None:
        raise Http404("公示信息不存在")
    return render(request, "portal/decision.html", {"d": found})


@public_view
def window_rate(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """好差评 of a window visit: the slip handed to the visitor carries this address (code proves the visit)."""
    consultation = Consultation.objects.filter(pk=pk).select_related("organisation").first()
    if consultation is None or consultation.rating_code != code:
        raise Http404
    form = WindowRateForm(request.POST or None, reasons=bad_reasons())
    done = ratings_of("window.visit", pk).exists()
    error = ""
    refusal: DomainError | None = None
    if request.method == "POST" and not done and form.is_valid():
        d = form.cleaned_data
        try:
            antispam.hit(request, "rate", limit_rule="portal.form_limit_per_window",
                         window_rule="portal.form_window_seconds")
            rating_submit(
                actor=request.user, service_type="window.visit", service_id=str(pk),
                service_label=f"窗口服务：{consultation.get_topic_display()}咨询", level=d["level"],
                comment=d["comment"], region_id=consultation.region_id, organisation=consultation.organisation,
                rater_name=d["rater_name"], rater_phone=d["rater_phone"], reasons=d["reasons"])
            done = True
        except DomainError as exc:
            error, refusal = exc.message, exc
    return throttle.as_limited(render(request, "portal/window_rate.html", {
        "form": form, "done": done, "error": error, "consultation": consultation}), refusal)


# ---------------------------------------------------------------- staff: window consultations and FAQ


@login_required
@acts_on("portal.Consultation")
@for_roles(*R.STAFF_ROLES)
def consultations(request: AuthenticatedRequest) -> HttpResponse:
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
    page = paginate(qs, request.GET, size=10)  # ten a page: a phone scrolls a page, not the year (issue 17 item 1)
    return render(request, "portal/consultations.html", {"form": form, "page": page, "params": request.GET,
                                                         "faqs": FaqEntry.objects.order_by("topic", "id")[:200]})


@login_required
@require_POST
@acts_on("portal.Consultation", action="change")
@for_roles(*R.STAFF_ROLES)
def consultation_to_faq(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(Consultation.objects.restrict(request.user), pk=pk)
    faq_id = parse_id(request.POST.get("faq"), field="faq", label="常见问题")
    existing = FaqEntry.objects.filter(pk=faq_id).first() if faq_id is not None else None
    try:
        entry = services.consultation_to_faq(actor=request.user, consultation=row, faq=existing,
                                             question=request.POST.get("question", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已归入常见问题：{entry.question}")
    return redirect("portal:consultations")


# ---------------------------------------------------------------- administrators: data sharing


@login_required
@for_roles(*TOKEN_ADMINS)
def tokens(request: AuthenticatedRequest) -> HttpResponse:
    form = TokenIssueForm(request.POST or None)
    raw = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        tz = timezone.get_current_timezone()
        expires = dt.datetime.combine(d["expires_on"], dt.time(23, 59, 59), tzinfo=tz)
        try:
            _token, raw = tokens_service.issue(
                actor=request.user, user=d["user"], name=d["name"], scopes=d["scopes"],
                regions=[r.code for r in d["regions"]], expires_at=expires,
                fields={k: d.get(f"fields_{k}") or [] for k in sharing.DATASET_FIELDS})
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            form = TokenIssueForm()
    rows = (ApiToken.objects.select_related("user", "user__organisation").annotate(calls_count=Count("calls"))
            .order_by("-created_at")[:200])
    return render(request, "portal/tokens.html", {"form": form, "rows": rows, "raw": raw, "scopes": scope_catalogue(),
                                                  "now": timezone.now()})


@login_required
@require_POST
@for_roles(*TOKEN_ADMINS)
def token_revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk)
    try:
        tokens_service.revoke(actor=request.user, token=token)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已吊销：{token.name}")
    return redirect("portal:tokens")


@login_required
@for_roles("sysadmin", "secadmin", "auditor")  # the audit administrator reads the call log too (三员分立)
def calls(request: AuthenticatedRequest) -> HttpResponse:
    qs = ApiCallLog.objects.select_related("token").order_by("-at", "-id")
    if request.GET.get("token"):
        qs = qs.filter(token_id=parse_id(request.GET["token"], field="token", label="令牌"))
    if request.GET.get("status") == "error":
        qs = qs.filter(status__gte=400)
    page = paginate(qs, request.GET, size=50)
    return render(request, "portal/calls.html", {"page": page, "params": request.GET,
                                                 "tokens": ApiToken.objects.order_by("name")})


@login_required
@acts_on("enterprises.Enterprise")
@for_roles(*R.STAFF_ROLES)
def licence(request: AuthenticatedRequest) -> HttpResponse:
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
