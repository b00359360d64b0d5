"""The item list's tables (`/licensing/items/`, the logged-in floor of issue 18) printed without template nodes.

`item_list_html` gives the bytes the reference partial `licensing/_catalogue_groups.html` renders (without the
partial's closing line break); tests/licensing/test_item_list_html.py renders the partial for every combination a row
and a group can show (escaping included) and compares. The template engine spent ≈ 60 % of the page's rendering on
these ≈ 12 rows (≈ 30 variable and `if` nodes each).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe

from bureau.kernel.templatetags.ui import chip
from bureau.licensing.models import PermitItem

_MUTED = ' class="muted-row"'
_TOLERANCE = ' <span class="tag">可容缺</span>'
_KIND = PermitItem._meta.get_field("kind")
EMPTY = '<section class="card"><p class="empty">暂无可申请的事项，请联系管理员维护行政许可事项目录。</p></section>'


def _e(value: Any) -> str:
    """What `{{ value }}` prints for a text (conditional_escape)."""
    if type(value) is str:
        if "&" in value or "<" in value or ">" in value or '"' in value or "'" in value:
            return html.escape(value)
        return value
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


def _n(value: Any, grouped: bool) -> str:
    """What `{{ value }}` prints for a number (localized: grouped only with USE_THOUSAND_SEPARATOR)."""
    if type(value) is int and not grouped:
        return str(value)
    return _e(localize(value))


def item_list_html(groups: Sequence[tuple[str, Sequence[tuple[Any, Any, str, str]]]], *, enterprise: Any,
                   for_enterprise: bool, is_clerk: bool) -> SafeString:
    """groups: (title, [(item, refusal or None, guide href, apply href)]); `for_enterprise` is the template's
    `user.enterprise_id` (the 本企业 column and the 在线申请 button), `enterprise` names the industry in the first
    title."""
    if not groups:
        return mark_safe(EMPTY)  # noqa: S308 - a fixed text
    ready, grouped = chip("可申请", "done"), settings.USE_THOUSAND_SEPARATOR
    kinds = {k: str(v) for k, v in _KIND.flatchoices}  # item.get_kind_display() without its per-call dict
    head = ('\n<div class="table-wrap"><table class="table responsive">\n<thead><tr><th>事项</th>'
            + ("<th>本企业</th>" if for_enterprise else "")
            + "<th>类型</th><th>承诺时限</th><th>法定时限</th><th></th></tr></thead>\n<tbody>")
    out = []
    for n, (title, group) in enumerate(groups):
        out.append('<section class="card">\n')
        if title:
            out.append(f"<h2>{_e(title)}")
            if n == 0 and enterprise:
                out.append(f' <small class="muted">按{_e(enterprise.get_industry_display())}行业</small>')
            out.append("</h2>")
        out.append(head)
        for item, refusal, guide_href, apply_href in group:
            out.append(f'\n<tr{_MUTED if refusal else ""}><td data-label="事项">{_e(item.name)}'
                       f'{_TOLERANCE if item.tolerance_allowed else ""}</td>\n')
            if for_enterprise:
                out.append('<td data-label="本企业">'
                           + (f'<small class="not-eligible">不适用：{_e(refusal)}</small>' if refusal else ready)
                           + "</td>")
            out.append(f'\n<td data-label="类型">{_e(kinds.get(item.kind, item.kind))}</td><td data-label="承诺时限">'
                       f'{_n(item.promised_days, grouped)} 个工作日</td>\n<td data-label="法定时限">{_n(item.statutory_days, grouped)} '
                       f'个工作日</td>\n<td><a class="btn btn-light" href="{_e(guide_href)}">办事指南</a> ')
            if for_enterprise and not refusal:
                out.append(f'<a class="btn" href="{_e(apply_href)}">在线申请</a>')
            elif is_clerk:
                out.append(f'<a class="btn" href="{_e(apply_href)}">代办申请</a>')
            out.append("</td></tr>\n")
        out.append("</tbody></table></div>\n</section>")
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
