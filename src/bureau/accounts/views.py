from __future__ import annotations

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from bureau.accounts import services, signin
from bureau.accounts.forms import BureauPasswordChangeForm, LoginForm, OtpForm
from bureau.accounts.http import AuthenticatedRequest
from bureau.accounts.middleware import OTP_SESSION_KEY, second_factor_verified
from bureau.kernel import throttle
from bureau.kernel.access import own_account, public_view, second_factor_exempt
from bureau.kernel.audit import audit
from bureau.kernel.errors import DomainError
from bureau.kernel.throttle import RateLimited


def _safe_target(request: HttpRequest, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return ""


@public_view
def login_view(request: HttpRequest) -> HttpResponse:
    """Sign-in. A wrong password and an unknown name get the same answer; a name that must wait gets 429 with the
    wait, whether or not the account exists."""
    if request.user.is_authenticated:
        return redirect("workbench")
    form = LoginForm(request, data=request.POST or None)
    context = {"form": form, "locked_message": "", "next": request.GET.get("next", "")}
    if request.method == "POST":
        if form.is_valid():
            user = form.get_user()
            login(request, user, backend="bureau.accounts.backends.LockoutModelBackend")
            audit(user, "accounts.login", user, summary="登录系统")
            target = _safe_target(request, request.POST.get("next") or request.GET.get("next") or "")
            if user.totp_enabled:
                request.session["otp_next"] = target
                return redirect("accounts:otp_verify")
            response = redirect(target or "workbench")
            signin.remember_device(request, response, user.username)
            return response
        refused = signin.refusal(request)
        if refused is not None and not refused.checked:
            # the name was waiting: nothing was checked; a fresh form, so the page shows one message
            username = request.POST.get("username", "")[:150]
            context.update(form=LoginForm(request, initial={"username": username}),
                           locked_message=refused.limited.message)
            return throttle.as_limited(render(request, "accounts/login.html", context), refused.limited)
        if refused is not None:  # this failure started a wait: say so now, in one message
            form.errors.pop("__all__", None)
            context["locked_message"] = "用户名或密码错误。" + refused.limited.message
    return render(request, "accounts/login.html", context)


@second_factor_exempt
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit(request.user, "accounts.logout", request.user, summary="退出系统")
    logout(request)
    return redirect("accounts:login")


@second_factor_exempt
@login_required
def otp_verify(request: AuthenticatedRequest) -> HttpResponse:
    """The second step of sign-in. Wrong codes are limited like passwords."""
    if not request.user.totp_enabled or second_factor_verified(request):
        return redirect("workbench")
    form = OtpForm(request.POST or None)
    limited: RateLimited | None = None
    if request.method == "POST" and form.is_valid():
        try:
            ok = services.totp_check(user=request.user, code=form.cleaned_data["code"])
        except RateLimited as exc:
            form.add_error("code", exc.message)
            limited = exc
        else:
            if ok:
                request.session.cycle_key()  # a new session id once fully signed in
                request.session[OTP_SESSION_KEY] = True
                target = _safe_target(request, request.session.pop("otp_next", ""))
                response = redirect(target or "workbench")
                signin.remember_device(request, response, request.user.username)
                return response
            form.add_error("code", "动态口令不正确或已过期")
    return throttle.as_limited(render(request, "accounts/otp_verify.html", {"form": form}), limited)


@second_factor_exempt
@login_required
def otp_enrol(request: AuthenticatedRequest) -> HttpResponse:
    """Bind (or replace) the authenticator. Reachable before a first factor exists (staff must enrol); replacing an
    enabled factor needs it verified in this session first."""
    if request.user.totp_enabled and not second_factor_verified(request):
        return redirect("accounts:otp_verify")
    verified = second_factor_verified(request)
    form = OtpForm(request.POST or None)
    limited: RateLimited | None = None
    if request.method == "POST" and "begin" in request.POST:
        try:
            uri = services.totp_begin_enrolment(actor=request.user, second_factor_verified=verified)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("accounts:profile")
        request.session["otp_uri"] = uri
        return redirect("accounts:otp_enrol")
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_confirm(actor=request.user, code=form.cleaned_data["code"], second_factor_verified=verified)
        except RateLimited as exc:
            form.add_error("code", exc.message)
            limited = exc
        except DomainError as exc:
            form.add_error("code", exc.message)
        else:
            request.session[OTP_SESSION_KEY] = True
            request.session.pop("otp_uri", None)
            messages.success(request, "已启用动态口令。以后登录时需要输入手机上的6位动态口令。")
            return redirect("accounts:profile")
    uri = request.session.get("otp_uri", "") if request.user.totp_pending_secret else ""
    qr_svg = segno.make(uri, error="m").svg_inline(scale=4) if uri else ""
    secret = request.user.totp_pending_secret if uri else ""
    return throttle.as_limited(render(request, "accounts/otp_enrol.html", {
        "form": form, "qr_svg": qr_svg, "replacing": request.user.totp_enabled,
        "secret_groups": [secret[i:i + 4] for i in range(0, len(secret), 4)],
        "required": settings.REQUIRE_STAFF_TOTP and request.user.is_staff_member}), limited)


@login_required
@require_POST
@own_account
def otp_disable(request: AuthenticatedRequest) -> HttpResponse:
    form = OtpForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError("请输入手机上当前显示的6位动态口令")
        services.totp_disable(actor=request.user, code=form.cleaned_data["code"],
                              second_factor_verified=second_factor_verified(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已关闭动态口令。")
    return redirect("accounts:profile")


@login_required
@own_account
def profile(request: AuthenticatedRequest) -> HttpResponse:
    form = BureauPasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        services.password_changed(actor=user)
        messages.success(request, "密码已修改。")
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {
        "form": form, "disable_form": OtpForm(),
        "may_disable": request.user.totp_enabled and not (settings.REQUIRE_STAFF_TOTP and request.user.is_staff_member),
    })
