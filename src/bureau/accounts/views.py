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

from bureau.accounts import services
from bureau.accounts.forms import BureauPasswordChangeForm, LoginForm, OtpForm
from bureau.accounts.middleware import OTP_SESSION_KEY
from bureau.accounts.models import User
from bureau.kernel.audit import audit
from bureau.kernel.errors import DomainError


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("workbench")
    form = LoginForm(request, data=request.POST or None)
    locked_message = ""
    if request.method == "POST":
        candidate = User.objects.filter(username=request.POST.get("username", "")).first()
        if candidate is not None and candidate.is_locked:
            locked_message = f"连续登录失败次数过多，账号已锁定 {settings.LOGIN_LOCKOUT_MINUTES} 分钟，请稍后再试或联系管理员。"
        elif form.is_valid():
            user = form.get_user()
            login(request, user, backend="bureau.accounts.backends.LockoutModelBackend")
            audit(user, "accounts.login", user, summary="登录系统")
            target = request.POST.get("next") or request.GET.get("next") or ""
            if user.totp_enabled:
                request.session["otp_next"] = target
                return redirect("accounts:otp_verify")
            if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
                return redirect(target)
            return redirect("workbench")
    return render(request, "accounts/login.html", {"form": form, "locked_message": locked_message,
                                                   "next": request.GET.get("next", "")})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit(request.user, "accounts.logout", request.user, summary="退出系统")
    logout(request)
    return redirect("accounts:login")


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_check(user=request.user, code=form.cleaned_data["code"]):
            request.session[OTP_SESSION_KEY] = True
            target = request.session.pop("otp_next", "")
            if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
                return redirect(target)
            return redirect("workbench")
        form.add_error("code", "动态口令不正确或已过期")
    return render(request, "accounts/otp_verify.html", {"form": form})


@login_required
def otp_enrol(request: HttpRequest) -> HttpResponse:
    form = OtpForm(request.POST or None)
    if request.method == "POST" and "begin" in request.POST:
        uri = services.totp_begin_enrolment(actor=request.user)
        request.session["otp_uri"] = uri
        return redirect("accounts:otp_enrol")
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_confirm(actor=request.user, code=form.cleaned_data["code"])
        except DomainError as exc:
            form.add_error("code", exc.message)
        else:
            request.session[OTP_SESSION_KEY] = True
            request.session.pop("otp_uri", None)
            messages.success(request, "已启用动态口令。以后登录时需要输入手机上的6位动态口令。")
            return redirect("accounts:profile")
    uri = request.session.get("otp_uri", "")
    qr_svg = segno.make(uri, error="m").svg_inline(scale=4) if uri else ""
    return render(request, "accounts/otp_enrol.html", {"form": form, "qr_svg": qr_svg, "uri": uri})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = BureauPasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        services.password_changed(actor=user)
        messages.success(request, "密码已修改。")
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})
