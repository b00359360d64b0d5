"""Links of list rows without a URL reversal per row (issue 18: 50 `{% url %}` per page cost more than the rows)."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.urls import get_script_prefix, reverse

_SENTINEL = 987654321
_TEMPLATES: dict[tuple[str, str], tuple[str, str]] = {}


def pk_url(name: str) -> Callable[[int], str]:
    """`pk_url("licensing:detail")(42)` == `reverse("licensing:detail", args=[42])` for a route taking one integer:
    reversed once per process (and script prefix), then filled in per row."""
    key = (get_script_prefix(), name)
    parts = _TEMPLATES.get(key)
    if parts is None:
        head, _, tail = reverse(name, args=[_SENTINEL]).partition(str(_SENTINEL))
        parts = _TEMPLATES[key] = (head, tail)
    head, tail = parts
    return lambda pk: f"{head}{int(pk)}{tail}"


_SLUG_SENTINEL = "zz-sentinel-slug-zz"
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def slug_url(name: str) -> Callable[[str], str]:
    """`slug_url("licensing:guide_item")("aqsc")` == `reverse("licensing:guide_item", args=["aqsc"])` for a route
    taking one slug: reversed once per process (and script prefix); a value that is not a slug is reversed as
    before (and refused the same way)."""
    key = (get_script_prefix(), "slug:" + name)
    parts = _TEMPLATES.get(key)
    if parts is None:
        head, _, tail = reverse(name, args=[_SLUG_SENTINEL]).partition(_SLUG_SENTINEL)
        parts = _TEMPLATES[key] = (head, tail)
    head, tail = parts
    return lambda slug: f"{head}{slug}{tail}" if _SLUG.fullmatch(slug) else reverse(name, args=[slug])
