"""Issue 18: application lists print their rows without template nodes (views.rows_html); the bytes must be those of
the reference partial licensing/_list_rows.html, for every combination a row can show, escaped the same way."""

from __future__ import annotations

import itertools

from django.template.loader import render_to_string

from bureau.kernel.templatetags.ui import chip, countdown
from bureau.licensing.views import ListRow, rows_html


def _rows() -> list[ListRow]:
    rows = []
    for tolerated, fast, deemed, provisional, (decided, due) in itertools.product(
            (False, True), ("", "green"), (False, True), (False, True),
            (("2026-11-02", ""), ("", "2026-12-24"), ("", ""))):
        rows.append(ListRow(
            href="/licensing/42/", number="YCXK2026000042", item_name='危险化学品经营许可 <"&\'>',
            tolerated=tolerated, fast_track=bool(fast), enterprise_name="运城<盐湖>化工 & Co", region_name="盐湖区",
            submitted="2026-11-01", decided=decided, decision_due=due, due_provisional=provisional,
            state_label="审查中", deemed=deemed,
            limit=chip("已办结", "done") if decided else countdown(None) or chip("审查中", "stopped")))
    return rows


def test_rows_printed_in_python_equal_the_reference_template():
    rows = _rows()
    for show_enterprise in (True, False):
        expected = render_to_string("licensing/_list_rows.html", {"rows": rows, "show_enterprise": show_enterprise})
        assert rows_html(rows, show_enterprise) == expected


def test_row_values_are_escaped_and_chips_are_not():
    html = rows_html(_rows()[:1], True)
    assert "运城&lt;盐湖&gt;化工 &amp; Co" in html and "&lt;&quot;&amp;&#x27;&gt;" in html
    assert '<span class="chip chip-done">已办结</span>' in html


def test_state_options_printed_in_python_equal_the_reference_template():
    """The state filter of the application lists (views.state_options) prints what licensing/_state_options.html
    renders, with the query's state selected — also a state that is none of the process's, or a repeated one."""
    from django.http import QueryDict
    from django.test import RequestFactory

    from bureau.licensing.views import state_options
    from bureau.licensing.workflow import WORKFLOW

    for query in ["", "state=", *(f"state={code}" for code in WORKFLOW.states), "state=%3Cx%3E", "state=a&state=review",
                  "other=1"]:
        request = RequestFactory().get("/licensing/queue/?" + query)
        expected = render_to_string("licensing/_state_options.html",
                                    {"states": WORKFLOW.states.items(), "request": request})
        for _ in range(2):  # printed, then kept
            assert state_options(QueryDict(query).get("state")) + "\n" == expected, query
