"""API-wide input guard, applied to every operation before its parameters are parsed.

Control characters never belong in what a client sends: a NUL makes PostgreSQL refuse the query (500) and other
controls end up stored in titles. Path and query values are single-line; JSON and form bodies may carry line
breaks (multi-line fields are checked finer by `InputSchema`), never other controls.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse

from bureau.kernel.validation import check_request_texts, control_character, control_character_message


def _json_strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield path, str(key)
            yield from _json_strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_strings(item, f"{path}.{index}" if path else str(index))


def find_control_character(request: HttpRequest, path_params: dict[str, Any]) -> tuple[str, str] | None:
    """(field, code) of the first forbidden character in the path, the query or the body of a request."""
    for key, value in path_params.items():
        code = control_character(value) if isinstance(value, str) else None
        if code:
            return key, code
    found = check_request_texts(request.GET, multiline=False)
    if found or request.method in ("GET", "HEAD", "OPTIONS", "DELETE"):
        return found
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"null")
        except (ValueError, UnicodeDecodeError):
            return None  # the operation answers the malformed body itself
        for field, text in _json_strings(body):
            code = control_character(text, multiline=True)
            if code:
                return field or "body", code
        return None
    if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return check_request_texts(request.POST, multiline=True)
    return None


def refuse_control_characters(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """View-mode decorator of every operation (api.add_decorator): 400 naming the field, nothing executed."""

    @functools.wraps(run)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        found = find_control_character(request, kwargs)
        if found is None:
            return run(request, *args, **kwargs)
        field, code = found
        message = control_character_message(field, code)
        body = {"detail": f"请求参数有误：{message}", "code": "invalid", "field": field,
                "errors": [{"field": field, "message": message}]}
        # the answer the API's renderer gives (bureau.api.main.Utf8Renderer), without importing the API object that
        # installs this guard
        return HttpResponse(json.dumps(body, ensure_ascii=False), status=400,
                            content_type="application/json; charset=utf-8")

    return guarded
