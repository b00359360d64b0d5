"""Issue 18: the hazard list prints its rows without template nodes (views.hazard_rows_html) and its filter form once
per values (kernel/rows.filter_fields_html); the bytes must be those of the reference templates
hazards/_list_rows.html and includes/filter_fields.html, for every combination a row can show, escaped the same way."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.http import QueryDict
from django.template.loader import render_to_string

from bureau.hazards.forms import HazardFilterForm
from bureau.hazards.views import HazardRow, hazard_rows, hazard_rows_html
from bureau.kernel.rows import filter_fields_html

pytestmark = pytest.mark.django_db  # the countdown counts working days from the calendar's tables


def _values() -> list[dict]:
    today = dt.date.today()
    rows = []
    for n, (state, grade, source, deadline) in enumerate(itertools.product(
            ("reported", "rectifying", "awaiting_acceptance", "closed"), ("major", "general"),
            ("self_inspection", "inspection", "unknown"), (None, today - dt.timedelta(days=9), today,
                                                            today + dt.timedelta(days=30)))):
        rows.append({"pk": n + 1, "number": f"YH2026{n:05d}", "title": '罐区<泄漏> & "阀门"', "grade": grade,
                     "enterprise__name": "运城<盐湖>化工 & Co'", "region__name": "盐湖区", "source": source,
                     "found_on": today - dt.timedelta(days=20), "deadline": deadline, "state": state})
    return rows


def test_hazard_rows_printed_in_python_equal_the_reference_template():
    rows = hazard_rows(_values())
    for is_enterprise in (True, False):
        expected = render_to_string("hazards/_list_rows.html", {"rows": rows, "is_enterprise": is_enterprise})
        assert hazard_rows_html(rows, is_enterprise) == expected


def test_hazard_row_values_are_escaped_and_overdue_open_hazards_say_so():
    rows = hazard_rows(_values())
    html = hazard_rows_html(rows, False)
    assert "运城&lt;盐湖&gt;化工 &amp; Co&#x27;" in html and "罐区&lt;泄漏&gt; &amp; &quot;阀门&quot;" in html
    overdue = [r for r in rows if isinstance(r, HazardRow) and "已超期" in r.state_chip]
    assert overdue and all(r.is_open for r in overdue)
    assert html.count('class="chip chip-done"') == sum(1 for v in _values() if v["state"] == "closed")


def test_filter_fields_printed_once_per_values_equal_the_template():
    for data in (None, "", "state=closed&grade=major", "q=%3Cb%3E%22&overdue=1", "state=bogus", "q=a&q=b",
                 "page=2"):
        form = HazardFilterForm(QueryDict(data) if data is not None else None)
        expected = render_to_string("includes/filter_fields.html", {"form": HazardFilterForm(
            QueryDict(data) if data is not None else None)})
        assert filter_fields_html(form) == expected
        assert filter_fields_html(form) == expected  # the second time from the per-process copy
