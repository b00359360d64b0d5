from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from bureau.kernel.access import is_api, is_second_factor_exempt

OTP_SESSION_KEY = "otp_verified"
REFRESHED_SESSION_KEY = "_refreshed_at"
SESSION_REFRESH_SECONDS = 60


class SessionRefreshMiddleware:
    """The idle timeout (等保 2.0 8.1.4.1 d: 登录连接超时自动退出) without a session write on every request.

    A session expires SESSION_COOKIE_AGE (= SESSION_IDLE_SECONDS) after its last save. Instead of saving on every
    request (SESSION_SAVE_EVERY_REQUEST), a request that brings a session saves it again only when the last save is a
    minute old or more, so the timeout counts from the last request to within a minute (never later than the
    configured idle limit): a signed-in user clicking around costs one write a minute, not one per page.
    Placed after SessionMiddleware, whose response step then writes the marked session.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or response.status_code == 500:
            return response
        if settings.SESSION_COOKIE_NAME in request.COOKIES or session.modified:
            if any(key != REFRESHED_SESSION_KEY for key in session.keys()):  # a flushed session stays empty
                now = int(timezone.now().timestamp())
                stamp = session.get(REFRESHED_SESSION_KEY)
                if session.modified or stamp is None or now - stamp >= SESSION_REFRESH_SECONDS:
                    session[REFRESHED_SESSION_KEY] = now
        return response


class SecondFactorMiddleware:
    """Users who enrolled a TOTP second factor must enter a code after the password before any other page.

    The check runs per resolved view (`process_view`): only views marked `public_view` or `second_factor_exempt`
    (kernel/access.py) are reached without it. The JSON API checks the factor itself for session calls
    (api/main.py CookieSession). With REQUIRE_STAFF_TOTP (on in production), staff without a second factor are sent
    to enrol first (等保 2.0 8.1.4.1 d: two factors for staff).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable[..., Any], args: Any, kwargs: Any
                     ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or is_second_factor_exempt(view_func):
            return None
        if is_api(request):
            return None  # every API operation authenticates itself (a session call needs the verified factor)
        if user.totp_enabled and not request.session.get(OTP_SESSION_KEY):
            if request.method == "GET":
                request.session["otp_next"] = request.get_full_path()
            return redirect("accounts:otp_verify")
        if (settings.REQUIRE_STAFF_TOTP and user.is_staff_member and not user.totp_enabled
                and not request.session.get(OTP_SESSION_KEY)):
            # (a sign-in through the unified identity platform with its own second factor sets OTP_SESSION_KEY:
            # accounts/oidc.py; a password sign-in never does before a local code)
            return redirect("accounts:otp_enrol")
        return None


def second_factor_verified(request: HttpRequest) -> bool:
    return bool(request.session.get(OTP_SESSION_KEY))
