"""Issue 18: the table date, chip and countdown tags print format_html's bytes without its lazy wrappers; the output
must stay exactly what format_html gives (escaped values, kept markup, safe strings), whatever the values."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils.functional import lazystr
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from bureau.kernel import dates
from bureau.kernel.calendar import countdown_label
from bureau.kernel.templatetags.ui import chip, countdown, table_date

pytestmark = pytest.mark.django_db  # the countdown counts working days from the calendar's tables


def test_chip_prints_what_format_html_prints():
    for label, kind in (("审查中", "running"), ('<b>"A" & B</b>', "due"), (mark_safe("<i>已办结</i>"), "done"),
                        (lazystr("已超期 <3>"), "over<due>"), (42, "x'y")):
        result = chip(label, kind)
        assert result == format_html('<span class="chip chip-{}">{}</span>', kind, label)
        assert isinstance(result, SafeString)


def test_table_date_prints_what_format_html_prints():
    for value in (dt.date(2026, 12, 6), dt.datetime(2026, 12, 6, 14, 5, tzinfo=dt.UTC)):
        text = dates.iso(value)
        expected = format_html('<time class="date" datetime="{}">{}</time>', text.replace(" ", "T"), text)
        assert table_date(value) == expected and isinstance(table_date(value), SafeString)
    assert table_date(None) == "—"


def test_countdown_prints_what_format_html_prints():
    today = dt.date(2026, 12, 7)
    mark = format_html(' <span class="provisional" title="节假日安排尚未发布，日期为暂定">暂定</span>')
    for due in (today - dt.timedelta(days=5), today, today + dt.timedelta(days=2), today + dt.timedelta(days=40)):
        for provisional in (False, True):
            text, kind = countdown_label(due, today)
            expected = format_html('<span class="chip chip-{}">{}</span>{}', kind, text, mark if provisional else "")
            assert countdown(due, provisional, today=today) == expected
    assert countdown(None) == ""
