"""KioskLockMiddleware: a browser session that opened a self-service terminal stays on the kiosk's own pages
(measure I.10: the hall's terminal serves certificate printing only). Any other address answers with a redirect to
the terminal's start page; static files still load. It sits after the messages middleware (settings.MIDDLEWARE).
The lock is the session key `kiosk_terminal` (set by the kiosk's start page); it ends with the browser session.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

SESSION_KEY = "kiosk_terminal"


class KioskLockMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        key = session.get(SESSION_KEY) if session is not None else None
        if key and not _allowed(request.path, str(key)):
            return HttpResponseRedirect(reverse("certificates:kiosk", args=[key]))
        return self.get_response(request)


def _allowed(path: str, key: str) -> bool:
    """The kiosk pages (of any terminal: another key is still the kiosk flow) and static files."""
    kiosk = reverse("certificates:kiosk", args=[key]).rsplit(key, 1)[0]
    static = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
    return path.startswith(kiosk) or path.startswith(static)
