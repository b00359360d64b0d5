"""Issue 18: the item list (/licensing/items/, the logged-in floor) prints its tables without template nodes
(licensing/item_list.py); the bytes must be those of the reference partial licensing/_catalogue_groups.html for
every combination a row and a group can show, escaped the same way."""

from __future__ import annotations

import datetime as dt
import itertools
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from bureau.enterprises.models import Enterprise, Industry
from bureau.licensing.item_list import item_list_html
from bureau.licensing.models import ItemKind, PermitItem
from bureau.licensing.queries import active_items, listed_items


def _item(n: int, kind: str, tolerance: bool) -> PermitItem:
    return PermitItem(pk=n, code=f"ITEM-{n}", name=f'危险化学品经营许可 {n} <"&\'>', kind=kind, statutory_days=20,
                      promised_days=n + 1200, tolerance_allowed=tolerance)


def _groups():
    rows = [(_item(n, kind, tolerance), refusal, f"/licensing/guide/ITEM-{n}/?a=1&b=<2>", f"/licensing/items/ITEM-{n}/apply/")
            for n, (kind, tolerance, refusal) in enumerate(itertools.product(
                (*ItemKind.values, "unknown<>"), (False, True), (None, "行业不符 <危化品>", mark_safe("<b>未取得</b>"))))]
    return [("适用于本企业的事项 <1>", rows[:5]), ("其他事项", rows[5:]), ("", rows[:2])]


@pytest.mark.parametrize("for_enterprise,is_clerk,with_enterprise", list(itertools.product((False, True), repeat=3)))
def test_item_list_printed_in_python_equals_the_reference_template(for_enterprise, is_clerk, with_enterprise):
    enterprise = Enterprise(name="运城<化工>", industry=Industry.HAZCHEM_OPERATION) if with_enterprise else None
    user = SimpleNamespace(enterprise_id=7 if for_enterprise else None)
    for groups in (_groups(), _groups()[2:], []):
        expected = render_to_string("licensing/_catalogue_groups.html", {
            "groups": groups, "enterprise": enterprise, "is_clerk": is_clerk, "user": user})
        printed = item_list_html(groups, enterprise=enterprise, for_enterprise=for_enterprise, is_clerk=is_clerk)
        assert printed + "\n" == expected


def test_item_list_escapes_names_and_refusals():
    html = item_list_html(_groups(), enterprise=None, for_enterprise=True, is_clerk=False)
    assert "危险化学品经营许可 0 &lt;&quot;&amp;&#x27;&gt;" in html and "不适用：行业不符 &lt;危化品&gt;" in html
    assert "?a=1&amp;b=&lt;2&gt;" in html and "不适用：<b>未取得</b>" in html


@pytest.mark.django_db
def test_listed_items_are_the_active_items_in_their_order():
    """The compiled item-list query gives what active_items(with_materials=False) gives (the values the list and the
    eligibility judgement read), also after items change."""
    for n, active in enumerate((True, False, True, True)):
        PermitItem.objects.create(code=f"T-{n}", name=f"事项{n}", legal_basis="依据", statutory_days=20,
                                  promised_days=10, is_active=active, sort=9 - n,
                                  effective_from=dt.date(2026, 1, 1))
    fields = ("pk", "code", "name", "kind", "level", "statutory_days", "promised_days", "tolerance_allowed")
    expected = [(*(getattr(i, f) for f in fields), i.get_kind_display()) for i in active_items(with_materials=False)]
    assert [(*(getattr(i, f) for f in fields), i.get_kind_display()) for i in listed_items()] == expected
    assert len(expected) == PermitItem.objects.filter(is_active=True).count()
    PermitItem.objects.filter(code="T-0").update(is_active=False, name="改名", kind=ItemKind.INSTANT)
    PermitItem.objects.filter(code="T-1").update(is_active=True)
    expected = [(*(getattr(i, f) for f in fields), i.get_kind_display()) for i in active_items(with_materials=False)]
    assert [(*(getattr(i, f) for f in fields), i.get_kind_display()) for i in listed_items()] == expected
