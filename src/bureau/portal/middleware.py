"""ApiCallLogMiddleware: writes an ApiCallLog row for every call made with an API token (measure III.2), also for
refused tokens (expired, revoked) whose row exists. The lead adds it to MIDDLEWARE after
"bureau.kernel.middleware.RequestContextMiddleware":

    "bureau.portal.middleware.ApiCallLogMiddleware",

The shared data endpoints log their own calls as well (without double logging), so they are logged even before.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from bureau.accounts.models import ApiCallLog, ApiToken
from bureau.kernel.net import client_ip


class ApiCallLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not request.path.startswith("/api/") or not header.lower().startswith("bearer "):
            return response
        if getattr(request, "_api_call_logged", False):
            return response
        token = getattr(request, "api_token", None)
        if token is None:
            token = ApiToken.objects.filter(token_hash=ApiToken.hash(header[7:].strip())).first()
        if token is not None:
            ApiCallLog.objects.create(token=token, method=(request.method or "")[:8], path=request.get_full_path()[:300],
                                      status=response.status_code, ip=client_ip(request)[:45])
            request._api_call_logged = True  # type: ignore[attr-defined]
        return response
