"""The JSON API root: /api/v1/…, schema at /api/openapi.json, docs at /api/docs.

Each area contributes routers from its `api.py` (`routers = [(prefix, Router)]`). The UI uses session auth (with
CSRF); machine clients send `Authorization: Bearer <token>` (ApiToken), and every token call is logged.

Each area's `api.py` lists `routers = [(prefix, Router, dataset)]`: a token calling one of the router's operations
needs `<dataset>:read` (GET) or `<dataset>:write`; an operation may declare another scope with
`accounts.tokens.token_scope` / `token_dataset`, and an operation without a declaration refuses tokens.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from django.apps import apps
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.renderers import JSONRenderer
from ninja.security import SessionAuth

from bureau.accounts.middleware import second_factor_verified
from bureau.accounts.tokens import TokenAuth, enforce_scope, limit_fields
from bureau.api.guards import refuse_control_characters
from bureau.api.openapi import document_errors
from bureau.kernel.errors import DomainError
from bureau.kernel.throttle import as_limited


class CookieSession(SessionAuth):
    """The signed-in UI user (CSRF enforced on unsafe methods)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if request.META.get("HTTP_AUTHORIZATION"):
            return None  # a machine client is judged by its token alone, never by a cookie it happens to carry
        user = super().authenticate(request, key)
        if user is not None and getattr(user, "totp_enabled", False):
            if not second_factor_verified(request):
                return None
        return user


class Utf8Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


class BureauAPI(NinjaAPI):
    """The NinjaAPI whose schema documents every error answer (bureau.api.openapi)."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        return document_errors(super().get_openapi_schema(*args, **kwargs))


api = BureauAPI(
    renderer=Utf8Renderer(),
    title="运城市应急管理局政务服务平台 API",
    version="1",
    description="营商环境服务平台的数据接口。界面使用会话认证；机器客户端使用 Bearer 令牌（由管理员签发，按范围授权并记录每次调用）。",
    auth=[TokenAuth(), CookieSession()],  # a bearer call is never asked for a CSRF token
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
api.add_decorator(refuse_control_characters, mode="view")
api.add_decorator(limit_fields, mode="view")
api.add_decorator(enforce_scope, mode="operation")


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    body: dict[str, Any] = {"detail": exc.message, "code": exc.code}
    if exc.field:
        body["field"] = exc.field
    return as_limited(api.create_response(request, body, status=exc.status), exc)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = []
    for error in exc.errors:
        location = ".".join(str(p) for p in error.get("loc", []) if p not in ("query", "body", "path"))
        problems.append({"field": location, "message": _cn_message(error)})
    text = "；".join(f"{p['field']}：{p['message']}" for p in problems) or "请求参数有误"
    return api.create_response(request, {"detail": f"请求参数有误：{text}", "errors": problems, "code": "invalid"},
                               status=400)


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": "未登录或令牌无效、已过期", "code": "unauthorized"}, status=401)


def _cn_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    bounds = {"greater_than_equal": "不能小于 {ge}", "less_than_equal": "不能大于 {le}", "greater_than": "应大于 {gt}",
              "less_than": "应小于 {lt}", "decimal_max_digits": "最多 {max_digits} 位数字",
              "decimal_max_places": "最多 {decimal_places} 位小数", "string_too_long": "不能超过 {max_length} 个字",
              "too_long": "最多 {max_length} 项"}
    if kind in bounds and ctx:
        try:
            return bounds[kind].format(**ctx)
        except KeyError:
            pass
    return {
        "missing": "必填",
        "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
        "date_parsing": "日期格式应为 YYYY-MM-DD",
        "date_from_datetime_inexact": "日期格式应为 YYYY-MM-DD",
        "int_parsing": "应为整数",
        "int_type": "应为整数",
        "string_too_long": "过长",
        "string_too_short": "过短",
        "greater_than_equal": "数值过小",
        "less_than_equal": "数值过大",
        "json_invalid": "JSON 格式错误",
        "int_from_float": "应为整数",
        "float_parsing": "应为数字",
        "decimal_parsing": "应为数字",
        "finite_number": "应为有限的数字",
        "bool_parsing": "应为 true 或 false",
        "string_type": "应为文本",
        "datetime_parsing": "时间格式应为 ISO 8601",
        "datetime_from_date_parsing": "时间格式应为 ISO 8601",
        "list_type": "应为列表",
        "model_attributes_type": "应为 JSON 对象",
        "dict_type": "应为 JSON 对象",
    }.get(kind, error.get("msg", "无效"))


def _mount_area_routers() -> None:
    for config in apps.get_app_configs():
        if not config.name.startswith("bureau."):
            continue
        module_name = f"{config.name}.api"
        if config.name == "bureau.api" or importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        for prefix, router, dataset in getattr(module, "routers", []):
            for path_view in router.path_operations.values():
                for operation in path_view.operations:
                    if dataset and not hasattr(operation.view_func, "bureau_dataset"):
                        operation.view_func.bureau_dataset = dataset
            api.add_router(prefix, router)


_mount_area_routers()
