"""Thin HTML views of the certificate register: parse, call a service or a query, render."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from bureau.accounts import roles as R
from bureau.accounts.http import AuthenticatedRequest
from bureau.certificates import queries, services
from bureau.certificates.forms import (
    FilterForm,
    ImportForm,
    KioskCodeForm,
    KioskIdForm,
    MailingForm,
    RenewForm,
    ReviewForm,
    ShipForm,
    StatusForm,
    VerifyForm,
)
from bureau.certificates.models import Certificate, ImportBatch, MailingRequest
from bureau.certificates.workflow import MAILING, WORKFLOW
from bureau.kernel.access import acts_on, for_roles, own_account, public_view
from bureau.kernel.audit import audit
from bureau.kernel.crypto import blind_index
from bureau.kernel.errors import Conflict, DomainError
from bureau.kernel.excel import xlsx_response
from bureau.kernel.paging import capped_count, paginate
from bureau.kernel.validation import MAX_ID, parse_int

KIOSK_SESSION_SECONDS = 180
KIOSK_LOCK = "kiosk_terminal"  # certificates.middleware.SESSION_KEY


def _check_version(request: HttpRequest, record: Any) -> None:
    """Every action form carries the version of the record the page showed: if it changed since (another officer
    acted first), the action is refused as a conflict and the page is shown again."""
    raw = request.POST.get("version")
    if raw not in (None, "") and parse_int(raw, field="version", label="版本号", maximum=MAX_ID) != record.version:
        raise Conflict("该事项已被他人处理或状态已变化，请刷新页面后重试")


@login_required
@acts_on("certificates.Certificate")
def certificate_list(request: AuthenticatedRequest) -> HttpResponse:
    """The register as Certificate.authority shows it to the user: staff their jurisdiction's, a holder its own."""
    form = FilterForm(request.GET or None)
    qs = queries.certificate_list(request.user, request.GET)
    page = paginate(qs, request.GET)
    return render(request, "certificates/list.html", {"form": form, "page": page, "total": capped_count(qs),
                                                      "export_query": request.GET.urlencode(),
                                                      "today": timezone.localdate()})


@login_required
@acts_on("certificates.Certificate")
@for_roles(*R.STAFF_ROLES)
def certificate_export(request: AuthenticatedRequest) -> HttpResponseBase:
    qs = queries.certificate_list(request.user, request.GET)
    audit(request.user, "certificates.export", summary="导出证照库", data={"filters": request.GET.dict()})
    header = ["证书编号", "证照类型", "持证人/单位", "身份证号", "区划", "发证机关", "发证日期", "有效期至", "下次复审",
              "状态"]

    def rows():  # type: ignore[no-untyped-def]
        for c in qs.iterator(chunk_size=2000):
            yield [c.number, c.type.name, c.holder_name, c.holder_id_masked, c.region.name, c.issuing_authority,
                   c.issued_on.isoformat(), c.valid_until.isoformat(),
                   c.next_review_due.isoformat() if c.next_review_due else "", c.current_status_label()]

    return xlsx_response("证照库.xlsx", header, rows(), sheet="证照")


@login_required
@acts_on("certificates.Certificate")
@for_roles(*R.STAFF_ROLES)
def due_list(request: AuthenticatedRequest) -> HttpResponse:
    """Officers: certificates of the jurisdiction whose application window closes soon (measure III.8)."""
    try:
        days = max(1, min(365, int(request.GET.get("days", "90"))))
    except ValueError:
        days = 90
    qs = queries.due_soon(request.user, days)
    if request.GET.get("region"):
        qs = qs.filter(region_id=request.GET["region"])
    page = paginate(qs, request.GET)
    rows = [(c, services.rules.last_application_day(c.action_due, services._working)) for c in page.rows]
    return render(request, "certificates/due.html", {"page": page, "rows": rows, "days": days,
                                                     "total": capped_count(qs),
                                                     "kind_labels": services.KIND_LABELS})


@login_required
@acts_on("certificates.Certificate")
def mine(request: AuthenticatedRequest) -> HttpResponse:
    """Holders: an individual's own certificates (by ID number) or the enterprise's certificates."""
    qs = Certificate.objects.restrict(request.user).select_related("type").order_by("-issued_on")[:200]
    return render(request, "certificates/mine.html", {"rows": list(qs)})


def _holder_applies_online(user: Any, cert: Certificate) -> bool:
    """The holder of a personal certificate with a 复审/延期换证 due applies online (training's application page)."""
    number = (getattr(user, "id_number", "") or "").strip()
    return (bool(number) and cert.is_personal and cert.holder_id_index == blind_index(number)
            and cert.action_kind in (services.rules.PERIODIC_REVIEW, services.rules.RENEWAL))


@login_required
@acts_on("certificates.Certificate")
def certificate_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    cert = queries.get_certificate_for(request.user, pk)
    last_day = (services.rules.last_application_day(cert.action_due, services._working)
                if cert.action_due else None)
    # from_register: the breadcrumb leads back to the page the user came from (the staff's 证照库, a holder's 我的证照)
    return render(request, "certificates/detail.html", {
        "c": cert, "history": WORKFLOW.history(cert), "actions": WORKFLOW.available(cert, request.user),
        "from_register": request.user.has_role(*R.STAFF_ROLES), "last_day": last_day,
        "renew_form": RenewForm(initial={"valid_from": cert.valid_until + dt.timedelta(days=1)}, auto_id="renew_%s"),
        "review_form": ReviewForm(auto_id="review_%s"), "verify_url": services.verify_url(cert),
        "may_mail": services.in_force_refusal(cert, "申请寄递") is None,
        "apply_online": _holder_applies_online(request.user, cert),
        "mailings": cert.mailings.all()[:5], "kind_label": services.KIND_LABELS.get(cert.action_kind, ""),
        "prints": cert.prints.select_related("terminal")[:10], "versions": list(cert.versions.all()[:20]),
    })


@login_required
@acts_on("certificates.Certificate")
def certificate_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    cert = queries.get_certificate_for(request.user, pk)
    try:
        document = services.certificate_document(actor=request.user, certificate=cert)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("certificates:detail", pk=pk)
    return FileResponse(document.file.open("rb"), content_type="application/pdf",
                        filename=f"{cert.type.name}-{cert.number}.pdf")


def _post_action(request: AuthenticatedRequest, pk: int, form_class: Any, call: Any, done: str) -> HttpResponse:
    cert = queries.get_certificate_for(request.user, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(f"{form.fields[k].label}：{v[0]}" if k in form.fields else v[0]
                                         for k, v in form.errors.items()))
        return redirect("certificates:detail", pk=pk)
    try:
        _check_version(request, cert)
        call(cert, form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("certificates:detail", pk=pk)


@login_required
@require_POST
@acts_on("certificates.Certificate", action="action")
def certificate_status(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _post_action(request, pk, StatusForm, lambda c, d: services.certificate_change_status(
        actor=request.user, certificate=c, action=d["action"], note=d["note"]), "证照状态已变更")


@login_required
@require_POST
@acts_on("certificates.Certificate", action="action")
def certificate_renew(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _post_action(request, pk, RenewForm, lambda c, d: services.certificate_renew(
        actor=request.user, certificate=c, valid_from=d["valid_from"], note=d["note"]), "已办理延期/换证")


@login_required
@require_POST
@acts_on("certificates.Certificate", action="action")
def certificate_review(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _post_action(request, pk, ReviewForm, lambda c, d: services.certificate_review(
        actor=request.user, certificate=c, years_in_trade=d["years_in_trade"], clean=d["clean"], note=d["note"]),
        "已记录复审")


# ---------------------------------------------------------------- mailing

@login_required
@acts_on("certificates.Certificate", "certificates.MailingRequest", action="change")
def mailing_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    cert = queries.get_certificate_for(request.user, pk)
    form = MailingForm(request.POST or None, initial={"recipient_name": request.user.display_name})
    if request.method == "POST" and form.is_valid():
        try:
            services.mailing_request(actor=request.user, certificate=cert, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "寄递申请已提交，寄出后会通知您运单号")
            return redirect("certificates:mailing_mine")
    return render(request, "certificates/mailing_new.html", {"form": form, "c": cert})


@login_required
@acts_on("certificates.MailingRequest")
def mailing_mine(request: AuthenticatedRequest) -> HttpResponse:
    mine = list(MailingRequest.objects.filter(requested_by=request.user).select_related("certificate__type")
                .order_by("-created_at")[:100])
    history = queries.timelines(MAILING, mine)
    rows = [(m, {t.action for t in MAILING.available(m, request.user)}, history.get(m.pk, [])) for m in mine]
    return render(request, "certificates/mailing_mine.html", {"rows": rows})


@login_required
@acts_on("certificates.MailingRequest")
def mailing_list(request: AuthenticatedRequest) -> HttpResponse:
    """The requests the user handles (the declaration's `change`: mailing staff of the jurisdiction), each with its
    timeline and the actions the user may take on it now."""
    qs = MailingRequest.objects.restrict(request.user, "change")
    if qs.query.is_empty():
        raise Http404
    status = request.GET.get("status", "requested")
    if status:
        qs = qs.filter(status=status)
    qs = qs.select_related("certificate__type", "region")
    page = paginate(qs.order_by("created_at", "id"), request.GET)
    history = queries.timelines(MAILING, page.rows)
    rows = [(m, {t.action for t in MAILING.available(m, request.user)}, history.get(m.pk, [])) for m in page.rows]
    return render(request, "certificates/mailing_list.html", {"page": page, "rows": rows, "status": status,
                                                              "statuses": MailingRequest.Status.choices,
                                                              "ship_form": ShipForm()})


@login_required
@require_POST
@acts_on("certificates.MailingRequest", action="action")
def mailing_ship(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    mailing = queries.get_mailing_for(request.user, pk)
    form = ShipForm(request.POST)
    try:
        _check_version(request, mailing)
        if not form.is_valid():
            raise DomainError("请填写快递公司和运单号")
        services.mailing_ship(actor=request.user, mailing=mailing, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已登记寄出：{mailing.certificate.number}")
    return redirect("certificates:mailing_list")


@login_required
@require_POST
@acts_on("certificates.MailingRequest", action="action")
def mailing_deliver(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    mailing = queries.get_mailing_for(request.user, pk)
    try:
        _check_version(request, mailing)
        services.mailing_deliver(actor=request.user, mailing=mailing)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已确认签收")
    if mailing.requested_by_id == request.user.pk:
        return redirect("certificates:mailing_mine")
    return redirect(reverse("certificates:mailing_list") + "?status=shipped")


@login_required
@require_POST
@acts_on("certificates.MailingRequest", action="action")
def mailing_cancel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    mailing = queries.get_mailing_for(request.user, pk)
    try:
        _check_version(request, mailing)
        services.mailing_cancel(actor=request.user, mailing=mailing, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已取消寄递申请")
    mine = mailing.requested_by_id == request.user.pk
    return redirect("certificates:mailing_mine" if mine else "certificates:mailing_list")


# ---------------------------------------------------------------- import

@login_required
@acts_on("certificates.Certificate", action="change")
def import_view(request: AuthenticatedRequest) -> HttpResponse:
    if not services.may_import(request.user):
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    batch = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            from bureau.kernel.attachments import check_upload

            check_upload(upload, allowed=frozenset({"xlsx"}), max_bytes=30 * 1024 * 1024)
            batch = services.certificate_import(actor=request.user, data=upload.read(), filename=upload.name)
        except DomainError as exc:
            form.add_error("file", exc.message)
    batches = ImportBatch.objects.filter(created_by=request.user)[:10]
    return render(request, "certificates/import.html", {"form": form, "batch": batch, "batches": batches})


@login_required
@acts_on("certificates.Certificate", action="change")
def import_template(request: AuthenticatedRequest) -> HttpResponseBase:
    if not services.may_import(request.user):
        raise Http404
    example = ["special_operation", "T140802198001010011", "张三", "", "", "", "140802", "运城市应急管理局",
               "2024-03-01", "2024-03-01", "", "电工作业 / 低压电工作业", "有效"]
    return xlsx_response("证照导入模板.xlsx", [t for _, t, _ in services.IMPORT_COLUMNS], [example], sheet="证照")


@login_required
@own_account
def import_errors(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    batch = get_object_or_404(ImportBatch, pk=pk, created_by=request.user)
    return xlsx_response(f"证照导入错误报告-{batch.pk}.xlsx", ["行号", "列", "问题"],
                         ([e["row"], e["column"], e["message"]] for e in batch.errors), sheet="错误报告")


# ---------------------------------------------------------------- public verification

@public_view
def verify_form(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        return redirect("certificates:verify", code=form.cleaned_data["code"].strip())
    return render(request, "certificates/verify_form.html", {"form": form})


@public_view
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """The page the 2-D code opens: authenticity and current status; no login; masked personal data."""
    try:
        result = services.certificate_verify(code)
    except DomainError as exc:
        return render(request, "certificates/verify_result.html", {"error": exc.message, "code": code[:64]},
                      status=exc.status)
    return render(request, "certificates/verify_result.html", {"r": result, "code": code})


# ---------------------------------------------------------------- kiosk (measure I.10)

def _kiosk_state(request: HttpRequest, key: str) -> dict[str, Any] | None:
    state = request.session.get("kiosk")
    if not state or state.get("key") != key or state.get("until", 0) < time.time() or not state.get("id_index"):
        return None
    return state


@public_view
@never_cache
def kiosk_start(request: HttpRequest, key: str) -> HttpResponse:
    terminal = _terminal(key)
    request.session.pop("kiosk", None)
    request.session[KIOSK_LOCK] = key  # this browser now stays on the kiosk's pages (KioskLockMiddleware)
    form = KioskIdForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            challenge = services.kiosk_request_code(terminal=terminal, id_number=form.cleaned_data["id_number"])
        except DomainError as exc:
            form.add_error("id_number", exc.message)
        else:
            request.session["kiosk_challenge"] = {"key": key, "id": challenge.pk, "phone": challenge.phone_masked}
            return redirect("certificates:kiosk_code", key=key)
    return render(request, "certificates/kiosk_start.html", {"form": form, "terminal": terminal})


def _terminal(key: str) -> Any:
    try:
        return services.terminal_for_key(key)
    except DomainError as exc:
        raise Http404(exc.message) from exc


@public_view
@never_cache
def kiosk_code(request: HttpRequest, key: str) -> HttpResponse:
    terminal = _terminal(key)
    pending = request.session.get("kiosk_challenge")
    if not pending or pending.get("key") != key:
        return redirect("certificates:kiosk", key=key)
    form = KioskCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            index = services.kiosk_verify_code(terminal=terminal, challenge_id=pending["id"],
                                               code=form.cleaned_data["code"])
        except DomainError as exc:
            form.add_error("code", exc.message)
        else:
            request.session.pop("kiosk_challenge", None)
            request.session["kiosk"] = {"key": key, "id_index": index, "until": time.time() + KIOSK_SESSION_SECONDS}
            return redirect("certificates:kiosk_list", key=key)
    return render(request, "certificates/kiosk_code.html", {"form": form, "terminal": terminal,
                                                            "phone": pending.get("phone", "")})


@public_view
@never_cache
def kiosk_list(request: HttpRequest, key: str) -> HttpResponse:
    terminal = _terminal(key)
    state = _kiosk_state(request, key)
    if state is None:
        return redirect("certificates:kiosk", key=key)
    rows = services.kiosk_certificates(state["id_index"])
    return render(request, "certificates/kiosk_list.html", {"rows": rows, "terminal": terminal, "key": key})


@public_view
@never_cache
@require_POST
def kiosk_print(request: HttpRequest, key: str, pk: int) -> HttpResponseBase:
    terminal = _terminal(key)
    state = _kiosk_state(request, key)
    if state is None:
        return redirect("certificates:kiosk", key=key)
    try:
        log, document = services.kiosk_print(terminal=terminal, id_index=state["id_index"], certificate_id=pk)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("certificates:kiosk_list", key=key)
    response = FileResponse(document.file.open("rb"), content_type="application/pdf",
                            filename=f"certificate-{log.certificate_id}-{log.copy_no}.pdf")
    response["X-Print-Copy"] = str(log.copy_no)
    return response


@public_view
def kiosk_done(request: HttpRequest, key: str) -> HttpResponse:
    request.session.pop("kiosk", None)
    request.session.pop("kiosk_challenge", None)
    return redirect("certificates:kiosk", key=key)
