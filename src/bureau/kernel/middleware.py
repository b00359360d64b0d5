from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from bureau.kernel import calendar, rules
from bureau.kernel.access import is_api
from bureau.kernel.context import current_ip
from bureau.kernel.errors import DomainError
from bureau.kernel.net import client_ip
from bureau.kernel.throttle import as_limited
from bureau.kernel.validation import check_request_texts, control_character, control_character_message


def refusal_page(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    """A Chinese page saying why a request was refused (nothing has been changed)."""
    titles = {400: "请求有误", 403: "无权操作", 404: "未找到", 409: "操作冲突", 429: "操作过于频繁"}
    user = getattr(request, "user", None)
    frame = "base.html" if user is not None and user.is_authenticated else "public_base.html"
    html = render_to_string("kernel/refused.html", {"title": titles.get(status, "请求有误"), "message": message,
                                                    "frame": frame}, request=request)
    return HttpResponse(html, status=status)


class RequestContextMiddleware:
    """Remember the client address for the audit trail of this request; refuse control characters in what a page
    sends and answer a refused request (DomainError) with its Chinese message instead of a server error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_ip.set(client_ip(request))
        calendar.begin_request()  # the calendar's shared version is read once in this request, not per lookup
        rules.begin_request()  # so is the rules' version (kernel/rules.py)
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)

    def process_view(self, request: HttpRequest, view_func: Any, view_args: Any,
                     view_kwargs: dict[str, Any]) -> HttpResponse | None:
        if is_api(request):
            return None  # the API guard answers in JSON (bureau.api.guards)
        found = next(((k, c) for k, v in view_kwargs.items() if isinstance(v, str)
                      for c in [control_character(v)] if c), None)
        # Query strings are single-line; a form's textarea may send line breaks, never other controls.
        found = found or check_request_texts(request.GET, multiline=False)
        if found is None and request.method == "POST":
            found = check_request_texts(request.POST, multiline=True)
        if found is None:
            return None
        return refusal_page(request, control_character_message(f"参数 {found[0]} ", found[1]))

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DomainError) and not is_api(request):
            return as_limited(refusal_page(request, exception.message, exception.status), exception)
        return None
