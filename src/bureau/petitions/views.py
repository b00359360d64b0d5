from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bureau.accounts import roles as R
from bureau.accounts.http import AuthenticatedRequest
from bureau.accounts.models import Organisation
from bureau.feedback.models import RatingLevel
from bureau.feedback.queries import ratings_of
from bureau.feedback.services import bad_reasons
from bureau.kernel import antispam, staging, throttle
from bureau.kernel.access import acts_on, for_roles, public_view
from bureau.kernel.audit import audit
from bureau.kernel.errors import DomainError
from bureau.kernel.excel import xlsx_response
from bureau.kernel.paging import paginate
from bureau.kernel.pickers import MAX_RESULTS, search_response, search_term
from bureau.kernel.throttle import RateLimited
from bureau.petitions import queries, services
from bureau.petitions.forms import ClerkEntryForm, LookupForm, MailboxForm, RateForm
from bureau.petitions.models import Channel, Petition
from bureau.petitions.workflow import PETITION

FORM_LIMIT: dict[str, Any] = {"limit_rule": "portal.form_limit_per_window", "window_rule": "portal.form_window_seconds"}
LOOKUP_LIMIT: dict[str, Any] = {"limit_rule": "portal.lookup_failures_per_window", "window_rule": "portal.lookup_window_seconds",
                "number_limit_rule": "portal.lookup_number_failures_per_window"}


def _render(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """Render; a refusal for too many attempts answers 429 with Retry-After."""
    limited = context.pop("limited", None)
    return throttle.as_limited(render(request, template, context), limited)


# ---------------------------------------------------------------- public (no login)


@public_view
def mailbox(request: HttpRequest) -> HttpResponse:
    """局长信箱: rate-limited per address, CAPTCHA, honeypot; text kept as text."""
    form = MailboxForm(request.POST or None, request.FILES or None)
    error = ""
    limited = None
    staged: dict[str, Any] = {}
    if request.method == "POST":
        try:
            # the photos chosen now plus those kept from a refused submission (kernel/staging.py)
            antispam.hit(request, "mailbox", **FORM_LIMIT)  # counted outside the transaction below
            if form.data.get("website"):
                raise DomainError("提交失败，请刷新页面后重试")
            antispam.check_challenge(request, form.data.get("captcha"))
            with staging.claiming(request) as posted:
                form = MailboxForm(request.POST, posted)
                if not form.is_valid():
                    raise DomainError("")  # the form's own messages; the photos are kept
                d = form.cleaned_data
                petition, code = services.petition_submit(
                    actor=request.user, channel=Channel.MAILBOX, category=d["category"], title=d["title"],
                    content=d["content"], region_id=d["region"].code, enterprise_name=d["enterprise_name"],
                    real_name=d["real_name"], petitioner_name=d["petitioner_name"],
                    petitioner_phone=d["petitioner_phone"], photos=d["photos"],
                    location_address=d["location_address"], latitude=d["latitude"], longitude=d["longitude"])
                return render(request, "petitions/public_submitted.html", {"petition": petition, "code": code})
        except DomainError as exc:
            limited = exc if isinstance(exc, RateLimited) else None
            if limited is None:
                staged, file_errors = staging.keep_after_refusal(
                    request, lambda _field, photo: services.check_photos([photo]), fields=lambda f: f == "photos")
            else:
                file_errors = []
            if exc.message and exc.field and exc.field in form.fields:
                if exc.message not in file_errors:
                    form.add_error(exc.field, exc.message)
            elif exc.message:
                error = exc.message
            for message in file_errors:
                form.add_error("photos", message)
    return _render(request, "petitions/public_mailbox.html", {
        "form": form, "error": error, "captcha_image": antispam.new_challenge(request), "limited": limited,
        "staged": staged})


@public_view
def statistics(request: HttpRequest) -> HttpResponse:
    """诉求办理统计 (public): volume, on-time rate and satisfaction per month and county; aggregates only, cached."""
    data = cache.get(STATS_CACHE_KEY)
    if data is None:
        data = queries.public_statistics()
        cache.set(STATS_CACHE_KEY, data, STATS_CACHE_SECONDS)
    chart = {"months": [m["month"] for m in data["months"]],
             "volume": [m["volume"] for m in data["months"]],
             "on_time": [m["on_time"] for m in data["months"]],
             "satisfaction": [m["satisfaction"] for m in data["months"]],
             "counties": [c["name"] for c in data["counties"]],
             "county_volume": [c["volume"] for c in data["counties"]],
             "county_on_time": [c["on_time"] for c in data["counties"]],
             "county_satisfaction": [c["satisfaction"] for c in data["counties"]]}
    return render(request, "petitions/public_statistics.html", {"data": data, "chart": chart})


STATS_CACHE_KEY = "petitions:public_statistics"
STATS_CACHE_SECONDS = 600


@public_view
def lookup(request: HttpRequest) -> HttpResponse:
    """诉求查询: by number and code; a wrong pair gets one answer whatever was wrong (nothing leaked)."""
    form = LookupForm(request.GET or None)
    context: dict = {"form": form}
    if request.GET.get("number") or request.GET.get("code"):
        context.update(_lookup_result(request, request.GET.get("number", ""), request.GET.get("code", "")))
    return _render(request, "petitions/public_lookup.html", context)


def _lookup_result(request: HttpRequest, number: str, code: str, *, fresh: bool = False) -> dict:
    """Failures count per address and per number; at the limit even a right pair waits (the code must not be
    guessable by trying)."""
    keys = antispam.lookup_keys(request, "lookup", number, **LOOKUP_LIMIT)
    try:
        data = services.find_for_lookup(number, code, fresh=fresh, limits=keys)
    except RateLimited as exc:
        return {"error": exc.message, "limited": exc}
    if data is None:
        throttle.fail(keys)
        return {"error": "诉求编号或查询码不正确，请核对后重试"}
    petition = data["petition"]
    rate_form = None
    if petition.state in {"closed", "visited"}:
        rate_form = RateForm(initial={"number": petition.number, "code": code}, reasons=bad_reasons())
    return {"petition": petition, "state_label": PETITION.state_label(petition.state), "history": data["history"],
            "rate_form": rate_form}


@public_view
@require_POST
def rate(request: HttpRequest) -> HttpResponse:
    form = RateForm(request.POST, reasons=bad_reasons())
    lookup_form = LookupForm(initial={"number": request.POST.get("number", "")})
    context: dict = {"form": lookup_form}
    number, code = request.POST.get("number", ""), request.POST.get("code", "")
    result = _lookup_result(request, number, code, fresh=True)
    petition = result.get("petition")
    if petition is not None:
        if form.is_valid():
            try:
                # the petitioner proved it by the code: rated as the petitioner, whoever is signed in
                services.petition_rate(actor=None, petition=petition, level=form.cleaned_data["level"],
                                       comment=form.cleaned_data["comment"], reasons=form.cleaned_data["reasons"])
                result = _lookup_result(request, number, code, fresh=True)
                result["notice"] = ("感谢您的评价。您对办理结果不满意，诉求已重新交办，承办单位将再次办理并答复。"
                                    if petition.state == "reopened" else "感谢您的评价！")
            except DomainError as exc:
                result["error"] = exc.message
        else:
            result["error"] = next(iter(form.errors.values()))[0]
            result["rate_form"] = form
    context.update(result)
    return _render(request, "petitions/public_lookup.html", context)


# ---------------------------------------------------------------- staff


@login_required
@acts_on("petitions.Petition")
@for_roles(*R.OFFICERS)
def petition_search(request: AuthenticatedRequest) -> HttpResponse:
    """The petition picker's JSON search (bureau.kernel.pickers): only the petitions the user sees."""
    rows = queries.petition_search(request.user, search_term(request), MAX_RESULTS + 1)
    return search_response(rows, label=lambda p: f"{p.number} {p.title}",
                           detail=lambda p: " · ".join(filter(None, [p.enterprise_name, f"{timezone.localtime(p.received_at):%Y-%m-%d}",
                                                                     PETITION.state_label(p.state)])))


@login_required
@acts_on("petitions.Petition")
@for_roles(*R.STAFF_ROLES)
def petition_list(request: AuthenticatedRequest) -> HttpResponse:
    qs = queries.petition_list(request.user, request.GET)
    page = paginate(qs, request.GET)
    return render(request, "petitions/list.html", {
        "page": page, "states": PETITION.states, "channels": Channel.choices, "params": request.GET,
        "state_labels": PETITION.states, "can_create": request.user.has_role("clerk", "sysadmin")})


@login_required
@acts_on("petitions.Petition")
@for_roles(*R.STAFF_ROLES)
def petition_export(request: AuthenticatedRequest) -> HttpResponseBase:
    """The list as Excel, same scope and filters; phones masked."""
    qs = queries.petition_list(request.user, request.GET)
    header = ["编号", "渠道", "12345工单号", "类别", "紧急程度", "标题", "区划", "诉求人", "联系电话", "受理时间",
              "承办单位", "状态", "办理期限", "答复时间", "按时答复", "督办次数", "重办次数", "评价"]

    def when(value):  # type: ignore[no-untyped-def]
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

    def rows():  # type: ignore[no-untyped-def]
        for p in qs.iterator(chunk_size=2000):
            yield [p.number, p.get_channel_display(), p.hotline_ref or "", p.category.name, p.get_urgency_display(),
                   p.title, p.region.name, p.petitioner_name if p.real_name else "匿名", p.phone_masked,
                   when(p.received_at), p.assigned_org.name if p.assigned_org else "", PETITION.state_label(p.state),
                   when(p.due_at), when(p.replied_at),
                   "" if p.replied_on_time is None else ("是" if p.replied_on_time else "否"),
                   p.supervised_count, p.reopen_count, p.rating_level or ""]

    audit(request.user, "petitions.export", summary="导出诉求清单", data={"filters": request.GET.dict()})
    return xlsx_response("诉求清单.xlsx", header, rows(), sheet="诉求")


@login_required
@acts_on("petitions.Petition", action="change")
@for_roles(R.CLERK, R.SYSADMIN)
def petition_create(request: AuthenticatedRequest) -> HttpResponse:
    form = ClerkEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            petition, code = services.petition_submit(
                actor=request.user, channel=d["channel"], category=d["category"], urgency=d["urgency"],
                title=d["title"], content=d["content"], region_id=d["region"].code,
                enterprise_name=d["enterprise_name"], real_name=d["real_name"], petitioner_name=d["petitioner_name"],
                petitioner_phone=d["petitioner_phone"], hotline_ref=d["hotline_ref"] or None)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"已受理诉求 {petition.number}，查询码 {code}（请告知诉求人，系统不再显示）")
            return redirect("petitions:detail", pk=petition.pk)
    return render(request, "petitions/create.html", {"form": form})


@login_required
@acts_on("petitions.Petition")
@for_roles(*R.STAFF_ROLES)
def petition_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    petition = queries.get_petition_for(request.user, pk)
    actions = [t.action for t in PETITION.available(petition, request.user)]
    suggestion = None
    if "dispatch" in actions:
        try:
            suggestion = services.route(petition)
        except DomainError:
            suggestion = None
    history = PETITION.history(petition)
    ratings = ratings_of("petitions.petition", petition.pk)
    return render(request, "petitions/detail.html", {
        "p": petition, "state_label": PETITION.state_label(petition.state), "actions": actions,
        "history": history, "targets": services.dispatch_targets() if "dispatch" in actions else [],
        "suggestion": suggestion, "duplicates": services.duplicates_of(petition) if petition.is_open else [],
        "ratings": ratings, "levels": RatingLevel.choices, "photos": services.photos_of(petition),
    })


@login_required
@require_POST
@acts_on("petitions.Petition", action="action")
@for_roles(*R.STAFF_ROLES)
def petition_act(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    petition = queries.get_petition_for(request.user, pk)
    data = request.POST
    actor = request.user
    try:
        if action == "dispatch":
            target = None
            if data.get("target"):
                target = Organisation.objects.filter(pk=data["target"], is_active=True).first()
                if target is None:
                    raise DomainError("承办单位无效")
            services.petition_dispatch(actor=actor, petition=petition, target=target, note=data.get("note", ""))
        elif action == "return":
            services.petition_return(actor=actor, petition=petition, reason=data.get("reason", ""))
        elif action == "accept":
            services.petition_accept(actor=actor, petition=petition)
        elif action == "reply":
            services.petition_reply(actor=actor, petition=petition, reply=data.get("reply", ""))
        elif action == "send_back":
            services.petition_send_back(actor=actor, petition=petition, reason=data.get("reason", ""))
        elif action == "supervise":
            services.petition_supervise(actor=actor, petition=petition, note=data.get("note", ""))
        elif action == "close":
            services.petition_close(actor=actor, petition=petition, note=data.get("note", ""))
        elif action == "visit":
            level = int(data["level"]) if data.get("level") else None
            services.petition_visit(actor=actor, petition=petition, note=data.get("note", ""), level=level)
        elif action == "merge":
            into = Petition.objects.restrict(actor).filter(number=data.get("into", "").strip().upper()).first()
            if into is None:
                raise DomainError("未找到要合并到的诉求编号")
            services.petition_merge(actor=actor, petition=petition, into=into, note=data.get("note", ""))
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已{PETITION.action_label(action)}")
    return redirect("petitions:detail", pk=petition.pk)
