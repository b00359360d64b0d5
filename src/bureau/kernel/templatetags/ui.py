"""House formatting: dates, money, masking, countdown chips (docs/architecture.md, Screens)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from decimal import Decimal
from typing import Any

from django import template
from django.templatetags.static import static
from django.urls import Resolver404, get_script_prefix, resolve, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from bureau.kernel import audit_labels, dates, masking
from bureau.kernel.access import is_public
from bureau.kernel.calendar import countdown_label
from bureau.kernel.frame import FrameNode
from bureau.kernel.links import pk_url
from bureau.kernel.registry import registry
from bureau.kernel.rows import escape_text, filter_fields_html
from bureau.kernel.staging import FIELD_PREFIX, REMOVE, size_label

register = template.Library()


@register.filter
def ymd(value: Any) -> str:
    """Dates in tables and fields: 2026-11-26 (a moment: 2026-11-26 14:05)."""
    if not value:
        return "—"
    return dates.iso(value)


@register.filter
def cn_date(value: Any) -> str:
    """Dates in running text and documents: 2026年11月26日 (never zero-padded)."""
    if not value:
        return ""
    return dates.chinese_date(value)


@register.filter
def cn_datetime(value: Any) -> str:
    """A moment in running text: 2026年11月26日 9时5分."""
    if not value:
        return ""
    return dates.cn_datetime(value)


@register.filter
def table_date(value: Any) -> str:
    """A date (or moment) in a table cell: ISO 2026-11-26 (14:05) that never breaks across lines."""
    if not value:
        return "—"
    text = dates.iso(value)
    # format_html's bytes without its lazy wrappers (tables print dozens a page; issue 18)
    return mark_safe(f'<time class="date" datetime="{escape_text(text.replace(" ", "T"))}">{escape_text(text)}</time>')


@register.filter
def yuan(value: Any) -> str:
    """Money in 元 with thousands separators."""
    if value is None or value == "":
        return "—"
    amount = Decimal(str(value))
    text = f"{amount:,.2f}" if amount != amount.to_integral() else f"{amount:,.0f}"
    return f"{text} 元"


# Editorial notes that must not reach the screen (issue 17 item 3): references to the bureau's measures by number
# (「依据措施I.6」「（运城市优化营商环境30条 三.6）」) and open questions for the team (「（日历日/工作日待核实）」).
_EDITORIAL = (
    re.compile(r"（[^（）]{0,24}?(?:营商环境30条|措施\s?[IVX一二三四]+[.．]\d+|待核实)[^（）]{0,8}）"),
    re.compile(r"依据措施\s?[IVX一二三四]+[.．]\d+[，,]?"),
    re.compile(r"；?(?:本地|local)[，,]?待核实"),
)


@register.filter
def plain(text: Any) -> str:
    """Text stored or configured with editorial notes, shown without them."""
    value = str(text or "")
    for pattern in _EDITORIAL:
        value = pattern.sub("", value)
    return value


@register.filter
def event_label(code: str) -> str:
    """The audit log's event in Chinese (kernel/audit_labels.py)."""
    return audit_labels.event_label(code)


@register.filter
def object_label(object_type: str) -> str:
    return audit_labels.object_label(object_type)


@register.filter
def mask_id(value: str) -> str:
    return masking.mask_id_number(value)


@register.filter
def mask_phone(value: str) -> str:
    return masking.mask_phone(value)


_PROVISIONAL = ' <span class="provisional" title="节假日安排尚未发布，日期为暂定">暂定</span>'


@register.simple_tag
def countdown(due: dt.date | None, provisional: bool = False, unit: str = "working", today: dt.date | None = None
              ) -> str:
    """unit "working" (working days, the default) or "calendar" (calendar days)."""
    text, chip = countdown_label(due, today, calendar_days=unit == "calendar")
    if not text:
        return ""
    mark = _PROVISIONAL if provisional else ""
    return mark_safe(f'<span class="chip chip-{escape_text(chip)}">{escape_text(text)}</span>{mark}')  # as format_html


_LINKS: dict[tuple[str, str], str] = {}


@register.simple_tag
def link(name: str) -> str:
    """`{% link 'workbench' %}` == `{% url 'workbench' %}` for a route without arguments, reversed once per process
    (and script prefix): the top bar of every page has five (issue 18)."""
    key = (get_script_prefix(), name)
    url = _LINKS.get(key)
    if url is None:
        url = _LINKS[key] = reverse(name)
    return url


@register.simple_tag
def pk_link(name: str, pk: Any) -> str:
    """`{% pk_link 'licensing:detail' a.pk %}` == `{% url 'licensing:detail' a.pk %}` for a route taking one id,
    reversed once per process (kernel/links.pk_url; issue 18: list rows and panels print dozens a page)."""
    return pk_url(name)(pk)


_ASSETS: dict[str, str] = {}


@register.simple_tag
def asset(path: str) -> str:
    """`{% asset 'css/app.css' %}` == `{% static 'css/app.css' %}`, worked out once per process: the storage's URL
    of a file does not change while the process runs, and the page frames print eight on every page (issue 18)."""
    url = _ASSETS.get(path)
    if url is None:
        url = _ASSETS[path] = static(path)
    return url


@register.simple_tag
def chip(label: str, kind: str = "running") -> str:
    return mark_safe(f'<span class="chip chip-{escape_text(kind)}">{escape_text(label)}</span>')  # as format_html


@register.simple_tag
def filter_fields(form: Any) -> str:
    """`{% filter_fields form %}`: the filter form's labels and widgets (includes/filter_fields.html), printed once per
    form class and values when its fields allow it (kernel/rows.py; issue 18)."""
    return filter_fields_html(form)


@register.filter
def get_item(mapping: dict, key: Any) -> Any:
    return mapping.get(key) if mapping else None


_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def article_number(text: str) -> int | None:
    """The article number of 「第二十七条第二款」 or 「第27条」 (None when there is none)."""
    match = re.search(r"第([0-9]+|[零一二两三四五六七八九十百千]+)条", text or "")
    if not match:
        return None
    token = match.group(1)
    if token.isdigit():
        return int(token)
    total, current = 0, 0
    for ch in token:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        else:
            total += (current or 1) * _CN_UNITS[ch]
            current = 0
    return total + current


@register.simple_tag
def law_link(title: str, article: str = "") -> str:
    """《title》article linked to the published law on the portal, or plain text when it is not published."""
    from django.core.cache import cache

    label = f"《{title.strip('《》')}》{article}"
    if registry.law_resolver is None or not title:
        return label
    # hashed: titles hold spaces and Chinese, which memcached-style backends refuse as keys
    key = "law_link:" + hashlib.sha1(f"{title}\x00{article}".encode()).hexdigest()
    url = cache.get(key)
    if url is None:
        url = registry.law_resolver(title, article_number(article)) or ""
        cache.set(key, url, 300)
    if not url:
        return label
    return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, label)


def may_open(user: Any, href: str) -> bool:
    """Whether a link to `href` would open for this user, as far as the page's declarations tell (issue 17 item 3):
    a public page always; a page guarded by `for_roles` or listed in the menu only for some roles only for them.
    A link the declarations cannot judge (a record's own page) stays: the record's scope answers 404 itself."""
    try:
        match = resolve(href.split("?", 1)[0].split("#", 1)[0])
    except Resolver404:
        return False
    if is_public(match.func):
        return True
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    codes: frozenset[str] = getattr(user, "role_codes", frozenset())
    guarded = getattr(match.func, "bureau_for_roles", None)
    if guarded is not None and not guarded & codes:
        return False
    entries = [e for e in registry.menu if e.url_name == match.view_name]
    return not entries or any(not e.roles or e.roles & codes for e in entries)


_CRUMB_LINK = re.compile(r'<a href="([^"]+)">(.*?)</a>', re.S)


class CrumbsNode(template.Node):
    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        request = context.get("request")
        return crumb_links(getattr(request, "user", None), self.nodelist.render(context))


def crumb_links(user: Any, html: str) -> str:
    """Breadcrumb HTML with the links to pages this user may not open made plain text."""
    return _CRUMB_LINK.sub(lambda m: m.group(0) if may_open(user, m.group(1)) else m.group(2), html)


@register.tag
def crumbs(parser: template.base.Parser, token: template.base.Token) -> CrumbsNode:
    """{% crumbs %}…{% endcrumbs %}: breadcrumb links to pages this user may not open become plain text."""
    nodelist = parser.parse(("endcrumbs",))
    parser.delete_first_token()
    return CrumbsNode(nodelist)


@register.tag
def frame(parser: template.base.Parser, token: template.base.Token) -> FrameNode:
    """{% frame %}…{% endframe %} around base.html's markup: printed by Python (kernel/frame.py)."""
    nodelist = parser.parse(("endframe",))
    parser.delete_first_token()
    return FrameNode(nodelist, link=link, asset=asset, crumb_links=crumb_links)


@register.simple_tag(takes_context=True)
def staged_files(context: Any, *parts: Any) -> str:
    """Beside a file input: the files kept from a refused submission (kernel/staging.py), each 「已选择：name
    （12 KB）」 with its hidden token and a 移除 checkbox. The view puts {"staged": {field: [rows]}} in the context."""
    field = "".join(str(p) for p in parts)  # {% staged_files "material_" m.pk %}
    rows = (context.get("staged") or {}).get(field) or []
    if not rows:
        return ""
    items = format_html_join(
        "", '<li>已选择：{}（{}）<input type="hidden" name="{}" value="{}"> '
            '<label class="staged-remove"><input type="checkbox" name="{}" value="{}"> 移除</label></li>',
        ((r.original_name, size_label(r.size), FIELD_PREFIX + field, r.token, REMOVE, r.token) for r in rows))
    return format_html('<ul class="staged-files" aria-label="已选择的文件">{}</ul>'
                       '<small class="help">不重新选择时，提交将使用上面已选择的文件。</small>', items)
