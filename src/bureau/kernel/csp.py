"""The Content-Security-Policy header without building the policy on every response (issue 18).

django-csp's middleware builds the header from the settings on every response (a set of directives, copies, a
dataclass turned into a dict twice: ≈ 15 % of `/healthz`). The policy of a response that no view decorator changed
(`csp_update`, `csp_replace`, its own config) depends only on the settings and the request's nonce: it is built
once per process with a placeholder in the nonce's place and the nonce put in. Responses a decorator changed, and
everything in DEBUG, go through django-csp unchanged. The cache is dropped when a CSP setting changes (tests).
"""

from __future__ import annotations

from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpRequest
from django.http.response import HttpResponseBase

_PLACEHOLDER = "bureau0csp0nonce0placeholder"
_PER_RESPONSE = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")
_POLICIES: dict[tuple[bool, bool], str] = {}
_HEADERS = ((False, HEADER, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
            (True, HEADER_REPORT_ONLY, "_csp_exempt_ro", "CONTENT_SECURITY_POLICY_REPORT_ONLY"))


def policy(report_only: bool, nonce: str | None) -> str:
    """`build_policy(nonce=nonce, report_only=report_only)` from the settings, built once per process."""
    key = (report_only, bool(nonce))
    text = _POLICIES.get(key)
    if text is None:
        text = _POLICIES[key] = build_policy(nonce=_PLACEHOLDER if nonce else None, report_only=report_only)
    return text.replace(_PLACEHOLDER, nonce) if nonce else text


def _forget(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _POLICIES.clear()


setting_changed.connect(_forget)


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware with the policy of undecorated responses built once (module docstring)."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if settings.DEBUG or any(getattr(response, name, None) is not None for name in _PER_RESPONSE):
            return super().process_response(request, response)
        for report_only, header, exempt, setting in _HEADERS:
            text = policy(report_only, getattr(request, "_csp_nonce", None))
            if text and header not in response and getattr(response, exempt, False) is False:
                prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES", None) or ()
                if not request.path_info.startswith(tuple(prefixes)):
                    response[header] = text
        if getattr(request, "_csp_nonce", None) is None:
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
