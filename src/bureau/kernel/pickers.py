"""Search pickers: choose a record by typing part of its name or number instead of its database id.

A picker is a form field whose widget is a <select> holding a few options (the no-script fallback: a short list,
e.g. the most recent records) and naming a JSON search endpoint; static/js/picker.js turns it into an accessible
combobox (WAI-ARIA 1.2 combobox pattern: a text input, a listbox of results navigable with the arrow keys, Enter
to choose, Escape to close, the number of results announced). The endpoint answers only what the signed-in user
may see (the area's `Model.objects.restrict(user)`), and the view that receives the chosen id looks it up through
`restrict` again: the picker never widens what a user may reach.

Endpoints answer `search_response(rows)`: {"results": [{"id", "label", "detail"}], "more": bool}.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django import forms
from django.http import HttpRequest, JsonResponse

MAX_RESULTS = 20
FALLBACK_OPTIONS = 50  # the no-script select stays short


class RecordPicker(forms.Select):
    """A <select> carrying its search endpoint: `url`, extra query parameters taken from other fields (`params`:
    {name: element id}), or one endpoint per kind chosen in another select (`urls` and `kind_from`)."""

    def __init__(self, *, url: Any = "", urls: Mapping[str, Any] | None = None, kind_from: str = "",
                 params: Mapping[str, str] | None = None, placeholder: str = "输入名称或编号搜索",
                 min_chars: int = 1, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs)
        self.url, self.urls, self.kind_from = url, dict(urls or {}), kind_from
        self.params, self.placeholder, self.min_chars = dict(params or {}), placeholder, min_chars

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        extra = context["widget"]["attrs"]
        extra["data-picker-url"] = str(self.url)
        if self.urls:
            extra["data-picker-urls"] = json.dumps({k: str(v) for k, v in self.urls.items()})
            extra["data-picker-kind"] = self.kind_from
        if self.params:
            extra["data-picker-params"] = json.dumps(self.params)
        extra["data-picker-placeholder"] = self.placeholder
        extra["data-picker-min"] = str(self.min_chars)
        return context


class PickerField(forms.IntegerField):
    """An id chosen with a RecordPicker. The view sets the fallback options with `set_options(field, …)`."""

    def __init__(self, *, url: Any = "", params: Mapping[str, str] | None = None,
                 placeholder: str = "输入名称或编号搜索", **kwargs: Any) -> None:
        kwargs.setdefault("widget", RecordPicker(url=url, params=params, placeholder=placeholder))
        kwargs.setdefault("error_messages", {"invalid": "请从搜索结果中选择", "required": "请选择"})
        super().__init__(min_value=1, **kwargs)


def set_options(field: forms.Field, options: Iterable[tuple[Any, str]], *, empty: str = "请选择") -> None:
    """The fallback options of a picker's select (the first FALLBACK_OPTIONS), after an empty choice."""
    rows = list(options)[:FALLBACK_OPTIONS]
    field.widget.choices = [("", empty), *rows]  # type: ignore[attr-defined]


def search_term(request: HttpRequest) -> str:
    return (request.GET.get("q") or "").strip()[:60]


def search_response(rows: Iterable[Any], label: Callable[[Any], str], detail: Callable[[Any], str],
                    value: Callable[[Any], Any] | None = None) -> JsonResponse:
    """The JSON a picker reads: at most MAX_RESULTS results (pass MAX_RESULTS + 1 rows to learn whether there are
    more). Not cached: the answer depends on who asks."""
    found = list(rows)
    results = [{"id": value(r) if value else r.pk, "label": label(r), "detail": detail(r)}
               for r in found[:MAX_RESULTS]]
    response = JsonResponse({"results": results, "more": len(found) > MAX_RESULTS})
    response["Cache-Control"] = "no-store"
    return response
