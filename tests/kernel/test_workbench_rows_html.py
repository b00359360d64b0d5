"""Issue 18: the workbench prints its rows without template nodes (kernel.views.workbench_rows_html); the bytes must be
those of the reference partial kernel/_workbench_rows.html, with and without a time limit, escaped the same way."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from bureau.kernel.registry import WorkItem
from bureau.kernel.views import workbench_rows_html


def _items() -> list[WorkItem]:
    return [
        WorkItem(title='YCXK2026000042 危险化学品经营许可 · 运城<盐湖>化工 & "Co"', url="/licensing/42/?a=1&b=2",
                 area="行政审批", status="审查中", due_label="剩余 3 个工作日", chip="due"),
        WorkItem(title="签收：责令限期整改指令书", url="/inspection/mine/#service-7", area="执法检查", status="待签收"),
        WorkItem(title="隐患：罐区'泄漏'", url="/hazards/9/", area="隐患治理", status=mark_safe("<b>整改中</b>"),
                 due_label="已超期 2 个工作日", chip="overdue"),
        WorkItem(title="年度计划", url="/inspection/plans/1/", area="执法检查", status="", due_label="", chip="running"),
    ]


def test_workbench_rows_printed_in_python_equal_the_reference_template():
    items = _items()
    assert workbench_rows_html(items) == render_to_string("kernel/_workbench_rows.html", {"items": items})
    assert workbench_rows_html([]) == ""


def test_workbench_row_values_are_escaped_and_safe_labels_kept():
    html = workbench_rows_html(_items())
    assert "运城&lt;盐湖&gt;化工 &amp; &quot;Co&quot;" in html and "/licensing/42/?a=1&amp;b=2" in html
    assert "<b>整改中</b>" in html and '<span class="chip chip-overdue">已超期 2 个工作日</span>' in html
