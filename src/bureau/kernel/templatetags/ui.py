"""House formatting: dates, money, masking, countdown chips (docs/architecture.md, Screens)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html

from bureau.kernel import masking
from bureau.kernel.calendar import countdown_label

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
def countdown(due: dt.date | None, provisional: bool = False) -> str:
    text, chip = countdown_label(due)
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
