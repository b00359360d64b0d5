"""Issue 18: the Content-Security-Policy header is built once per process (kernel/csp.py); every response must get
the header django-csp's own middleware gives it: with and without the page's nonce, report-only policies, excluded
prefixes, exempt responses and responses a view decorator changed."""

from __future__ import annotations

from csp.constants import HEADER, HEADER_REPORT_ONLY, NONCE, SELF
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from bureau.kernel.csp import CSPMiddleware

REPORT_ONLY = {"DIRECTIVES": {"default-src": [SELF], "script-src": [SELF, NONCE], "report-uri": "/csp-report/"},
               "EXCLUDE_URL_PREFIXES": ["/portal/"]}


def _response(variant: str) -> HttpResponse:
    response = HttpResponse("ok")
    if variant == "exempt":
        response._csp_exempt = True
    elif variant == "exempt_ro":
        response._csp_exempt_ro = True
    elif variant == "update":
        response._csp_update = {"img-src": ["https://tiles.example.cn"]}
    elif variant == "replace_ro":
        response._csp_replace_ro = {"script-src": [SELF]}
    elif variant == "has_header":
        response[HEADER] = "default-src 'none'"
    return response


def _headers(middleware_class: type, path: str, variant: str, use_nonce: bool) -> tuple:
    middleware = middleware_class(lambda request: HttpResponse())
    request = RequestFactory().get(path)
    middleware.process_request(request)
    nonce = str(request.csp_nonce) if use_nonce else None
    response = middleware.process_response(request, _response(variant))
    headers = (response.get(HEADER), response.get(HEADER_REPORT_ONLY))
    if nonce:  # the nonce differs by request: compare where it stands
        headers = tuple(h.replace(nonce, "N") if h else h for h in headers)
    return headers, bool(request.csp_nonce) if use_nonce else None


def test_header_equals_django_csp_for_every_kind_of_response(settings):
    for report_only in (None, REPORT_ONLY):
        settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = report_only
        for path in ("/licensing/items/", "/portal/laws/"):
            for variant in ("plain", "exempt", "exempt_ro", "update", "replace_ro", "has_header"):
                for use_nonce in (False, True):
                    ours = _headers(CSPMiddleware, path, variant, use_nonce)
                    assert ours == _headers(DjangoCSPMiddleware, path, variant, use_nonce), (path, variant)
                    assert ours[0][0] or variant == "exempt"


def test_a_changed_setting_changes_the_header(settings):
    before = _headers(CSPMiddleware, "/", "plain", False)[0][0]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    assert _headers(CSPMiddleware, "/", "plain", False)[0][0] == "default-src 'none'" != before


def test_the_nonce_cannot_be_read_after_the_header_is_written():
    """As django-csp: a nonce first asked for after the response left the middleware would not be in the header."""
    middleware = CSPMiddleware(lambda request: HttpResponse())
    request = RequestFactory().get("/")
    middleware.process_request(request)
    middleware.process_response(request, HttpResponse())
    try:
        str(request.csp_nonce)
    except Exception as exc:  # noqa: BLE001 - django-csp raises its CSPNonceError
        assert "CSP header has been written" in str(exc)
    else:
        raise AssertionError("the nonce was given after the header was written")
