from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

OTP_SESSION_KEY = "otp_verified"
_EXEMPT_PREFIXES = ("/accounts/otp/", "/accounts/logout/", "/static/", "/healthz", "/api/", "/portal/", "/verify/")


class SecondFactorMiddleware:
    """Staff who enrolled a TOTP second factor must enter a code after the password before anything else.

    With REQUIRE_STAFF_TOTP=1, staff without a second factor are sent to enrol first (等保 2.0: two factors).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(_EXEMPT_PREFIXES):
            if user.totp_enabled and not request.session.get(OTP_SESSION_KEY):
                return redirect("accounts:otp_verify")
            if (settings.REQUIRE_STAFF_TOTP and user.is_staff_member and not user.totp_enabled
                    and not request.path.startswith("/accounts/otp/enrol")):
                return redirect("accounts:otp_enrol")
        return self.get_response(request)
