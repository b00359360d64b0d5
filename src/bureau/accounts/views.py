from __future__ import annotations

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from bureau.accounts import oidc, recovery, services, signin, sms_codes
from bureau.accounts.forms import BureauPasswordChangeForm, LoginForm, OtpForm, PasswordResetForm
from bureau.accounts.http import AuthenticatedRequest
from bureau.accounts.middleware import OTP_SESSION_KEY, second_factor_verified
from bureau.kernel import throttle
from bureau.kernel.access import own_account, public_view, second_factor_exempt
from bureau.kernel.audit import audit
from bureau.kernel.errors import DomainError
from bureau.kernel.net import client_ip
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
    context = {"form": form, "locked_message": "", "next": request.GET.get("next", ""),
               "oidc_enabled": oidc.enabled(), "oidc_label": settings.OIDC_LABEL,
               "oidc_error": request.session.pop("oidc_error", "") if request.method == "GET" else ""}
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
        "form": form, "disable_form": OtpForm(), "oidc_enabled": oidc.enabled(), "oidc_label": settings.OIDC_LABEL,
        "oidc_linked": request.user.oidc_links.exists(),
        "may_disable": request.user.totp_enabled and not (settings.REQUIRE_STAFF_TOTP and request.user.is_staff_member),
    })


@public_view
def password_reset(request: HttpRequest) -> HttpResponse:
    """找回密码 by an SMS code to the account's phone. 「获取验证码」 and 「重置密码」 are two buttons of one form, so the
    page works without scripts; both answer the same whether or not the account exists (accounts/recovery.py)."""
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = PasswordResetForm(request.POST or None)
    context: dict[str, object] = {"form": form, "sent": "", "echo": ""}
    limited: RateLimited | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if "send" in request.POST:
                code = recovery.reset_request(username=data["username"], phone=data["phone"],
                                              address=client_ip(request))
                context["sent"] = recovery.sent_message()
                context["echo"] = code if sms_codes.demo_echo() else ""
            else:
                recovery.reset_confirm(username=data["username"], phone=data["phone"], code=data["code"],
                                       password=data["password"], password2=data["password2"])
                messages.success(request, "密码已重置，请用新密码登录。")
                return redirect("accounts:login")
        except RateLimited as exc:
            limited = exc
            form.add_error(None, exc.message)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return throttle.as_limited(render(request, "accounts/password_reset.html", context), limited)


@public_view
def oidc_login(request: HttpRequest) -> HttpResponse:
    """统一身份认证: to the province's platform (authorisation code flow with state, nonce and PKCE)."""
    if not oidc.enabled():
        raise Http404
    request.session["oidc_purpose"] = "login"
    request.session["oidc_next"] = _safe_target(request, request.GET.get("next", ""))
    return _to_platform(request)


def _to_platform(request: HttpRequest) -> HttpResponse:
    try:
        return oidc.authorize_redirect(request, request.build_absolute_uri(reverse("accounts:oidc_callback")))
    except DomainError as exc:
        request.session["oidc_error"] = exc.message
        return redirect("accounts:login")


@public_view
def oidc_callback(request: HttpRequest) -> HttpResponse:
    """The platform sends the browser back here: sign in to the linked account (or bind it, from 账号安全)."""
    if not oidc.enabled():
        raise Http404
    purpose = request.session.pop("oidc_purpose", "login")
    try:
        identity = oidc.complete(request)
        if purpose == "link":
            if not request.user.is_authenticated or (request.user.totp_enabled
                                                     and not second_factor_verified(request)):
                raise DomainError("请先登录并完成动态口令验证后再绑定统一身份认证。")
            oidc.link(actor=request.user, identity=identity)  # type: ignore[arg-type]
            messages.success(request, "已绑定统一身份认证，以后可以从登录页的“统一身份认证”登录。")
            return redirect("accounts:profile")
        user = oidc.account_for(identity)
    except DomainError as exc:
        if purpose == "link" and request.user.is_authenticated:
            messages.error(request, exc.message)
            return redirect("accounts:profile")
        request.session["oidc_error"] = exc.message
        return redirect("accounts:login")
    target = _safe_target(request, request.session.pop("oidc_next", ""))
    login(request, user, backend="bureau.accounts.backends.LockoutModelBackend")
    audit(user, "accounts.login", user, summary="通过统一身份认证登录"
          + ("（平台多因素认证）" if identity.multi_factor else ""))
    if identity.multi_factor:
        # the platform authenticated the person with two factors: that is this sign-in's second factor
        request.session[OTP_SESSION_KEY] = True
    elif user.totp_enabled:
        request.session["otp_next"] = target
        return redirect("accounts:otp_verify")
    return redirect(target or "workbench")


@login_required
@require_POST
@own_account
def oidc_link(request: AuthenticatedRequest) -> HttpResponse:
    """账号安全 → 绑定统一身份认证: after a full sign-in here, prove the platform's account once."""
    if not oidc.enabled():
        raise Http404
    request.session["oidc_purpose"] = "link"
    return _to_platform(request)


@login_required
@require_POST
@own_account
def oidc_unlink(request: AuthenticatedRequest) -> HttpResponse:
    if oidc.unlink(actor=request.user):
        messages.success(request, "已解除统一身份认证绑定。")
    return redirect("accounts:profile")
