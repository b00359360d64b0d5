"""House formatting: dates, money, masking, countdown chips (docs/architecture.md, Screens)."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html

from bureau.kernel import masking
from bureau.kernel.calendar import countdown_label
from bureau.kernel.registry import registry

register = template.Library()


@register.filter
def ymd(value: Any) -> str:
    """Dates in tables: 2026-11-26."""
    if not value:
        return "—"
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%Y-%m-%d %H:%M")
    return value.strftime("%Y-%m-%d")


@register.filter
def cn_date(value: Any) -> str:
    """Dates in documents: 2026年11月26日."""
    if not value:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


@register.filter
def yuan(value: Any) -> str:
    """Money in 元 with thousands separators."""
    if value is None or value == "":
        return "—"
    amount = Decimal(str(value))
    text = f"{amount:,.2f}" if amount != amount.to_integral() else f"{amount:,.0f}"
    return f"{text} 元"


@register.filter
def mask_id(value: str) -> str:
    return masking.mask_id_number(value)


@register.filter
def mask_phone(value: str) -> str:
    return masking.mask_phone(value)


@register.simple_tag
def countdown(due: dt.date | None, provisional: bool = False, unit: str = "working", today: dt.date | None = None
              ) -> str:
    """unit "working" (working days, the default) or "calendar" (calendar days)."""
    text, chip = countdown_label(due, today, calendar_days=unit == "calendar")
    if not text:
        return ""
    mark = format_html(' <span class="provisional" title="节假日安排尚未发布，日期为暂定">暂定</span>') if provisional else ""
    return format_html('<span class="chip chip-{}">{}</span>{}', chip, text, mark)


@register.simple_tag
def chip(label: str, kind: str = "running") -> str:
    return format_html('<span class="chip chip-{}">{}</span>', kind, label)


@register.filter
def get_item(mapping: dict, key: Any) -> Any:
    return mapping.get(key) if mapping else None


_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def article_number(text: str) -> int | None:
    """The article number of 「第二十七条第二款」 or 「第27条」 (None when there is none)."""
    import re

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
