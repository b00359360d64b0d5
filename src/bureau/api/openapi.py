"""The error answers of every operation, written into the OpenAPI schema once instead of in 70 decorators.

Every operation can answer 400 (validation, refused input), 404, 409 (someone changed the record first) and 429
(rate limit, with Retry-After); operations that need a login also 401 and 403. The body is what the handlers in
`bureau.api.main` produce.
"""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import Field

from bureau.kernel.validation import LINE_PATTERN


class ErrorItem(Schema):
    field: str = Field(..., description="出错的参数（路径中以 . 分隔）")
    message: str = Field(..., description="中文说明")


class ErrorBody(Schema):
    detail: str = Field(..., description="中文错误说明")
    code: str = Field(..., description="错误代码：invalid / unauthorized / forbidden / not_found / conflict / "
                                       "rate_limited（429，另有 Retry-After）或业务代码")
    field: str | None = Field(None, description="出错的参数（如有）")
    errors: list[ErrorItem] | None = Field(None, description="参数校验的逐项错误（400）")


ERRORS = {
    "400": "请求参数有误（格式、取值范围、控制字符、业务规则），未作任何更改",
    "401": "未登录或令牌无效、已过期",
    "403": "无权执行此操作",
    "404": "对象不存在或不在您的管辖范围内",
    "409": "冲突：记录已被他人修改或状态已变化，请刷新后重试",
    "429": "请求过于频繁，请按 Retry-After 头所示秒数后重试",
}
PUBLIC_ERRORS = ("400", "404", "409", "429")


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the error body schema and the error answers to every operation; string parameters carry the
    single-line pattern the API-wide guard enforces."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    body = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(body.pop("$defs", {}))
    components["ErrorBody"] = body
    ref = {"$ref": "#/components/schemas/ErrorBody"}
    for methods in schema.get("paths", {}).values():
        for operation in methods.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            codes = ERRORS.keys() if operation.get("security") else PUBLIC_ERRORS
            responses = operation["responses"]
            for code in codes:
                answer = {"description": ERRORS[code], "content": {"application/json": {"schema": ref}}}
                if code == "429":
                    answer["headers"] = {"Retry-After": {
                        "description": "可再次请求前需等待的秒数", "schema": {"type": "integer", "minimum": 0}}}
                responses[code] = answer
            for parameter in operation.get("parameters", []):
                param_schema = parameter.get("schema", {})
                for option in [param_schema, *param_schema.get("anyOf", [])]:
                    if option.get("type") == "string" and not {"format", "enum", "pattern"} & option.keys():
                        option["pattern"] = LINE_PATTERN
    return schema
