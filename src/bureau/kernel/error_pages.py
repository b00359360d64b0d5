"""Chinese error pages in the site's own frame (issue 17 item 3): 403, 404, 500 and a refused CSRF check.

Each page says what happened in plain words, gives a reason only where it reveals nothing (a 404 never says whether
the record exists in another county), and offers a way back: the previous page when it was on this site, the
workbench for a signed-in user, the portal for everyone. The 500 page is rendered without the request's context:
the database may be what failed, so it reads nothing but static files.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

_TEXT = {
    403: ("无权访问", "您的账号没有打开这个页面或执行这个操作的权限。如需办理，请联系本单位管理员或拨打 12345 咨询。"),
    404: ("页面不存在", "您要找的页面不存在，或者这条记录不在您可以查看的范围内（其他辖区或其他企业的记录）。"),
    "csrf": ("页面已过期", "为保护您的账号安全，页面停留时间过长或在其他窗口退出了登录后，提交会被拒绝。请返回上一页刷新后重新提交。"),
}


def _api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _back(request: HttpRequest) -> str:
    """The previous page, only when it was on this site (never an outside address from the Referer header)."""
    referer = request.META.get("HTTP_REFERER", "")
    parsed = urlparse(referer)
    if referer and parsed.netloc == request.get_host() and parsed.path != request.path:
        return parsed.path + (f"?{parsed.query}" if parsed.query else "")
    return ""


def _page(request: HttpRequest, status: int, key: Any) -> HttpResponse:
    title, reason = _TEXT[key]
    if _api(request):
        return JsonResponse({"detail": title, "code": {403: "forbidden", 404: "not_found"}.get(status, "error")},
                            status=status)
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    html = loader.render_to_string("errors/page.html", {
        "frame": "base.html" if signed_in else "public_base.html", "status": status, "title": title,
        "reason": reason, "back": _back(request), "signed_in": signed_in}, request=request)
    return HttpResponse(html, status=status)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 403, 403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 404, 404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _page(request, 403, "csrf")


def error_500(request: HttpRequest) -> HttpResponse:
    if _api(request):
        return JsonResponse({"detail": "服务器内部错误", "code": "error"}, status=500)
    html = loader.get_template("errors/500.html").render({"BUREAU_NAME": settings.BUREAU_NAME})
    return HttpResponse(html, status=500)
