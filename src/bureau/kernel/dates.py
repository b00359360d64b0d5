"""The house date forms (docs/ui.md, Dates): ISO 2026-12-06 in tables and fields, 2026年12月6日 in running text
and documents, never zero-padded in the Chinese form."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def chinese_date(day: dt.date | None) -> str:
    """2026年11月26日 (a moment is taken in local time; no date: 「—」)."""
    if day is None:
        return "—"
    if isinstance(day, dt.datetime):
        day = local(day)
    return f"{day.year}年{day.month}月{day.day}日"


def cn_datetime(moment: dt.datetime) -> str:
    """2026年11月26日 9时5分 (local time)."""
    moment = local(moment)
    return f"{chinese_date(moment.date())} {moment.hour}时{moment.minute}分"


def iso(value: dt.date) -> str:
    """2026-11-26, or 2026-11-26 14:05 for a moment (local time)."""
    if isinstance(value, dt.datetime):
        return local(value).strftime("%Y-%m-%d %H:%M")
    if value.year >= 1000:  # the same text, a tenth of strftime's cost (lists print ≈ 100 dates a page: issue 18)
        return value.isoformat()
    return value.strftime("%Y-%m-%d")  # (strftime does not pad a year before 1000, isoformat would)
