"""Issue 18: the register prints its rows without template nodes (views.register_rows_html) and its filter form once
per values and choices (kernel/rows.filter_fields_html); the bytes must be those of the reference templates
enterprises/_list_rows.html and includes/filter_fields.html, and a changed region list shows at once."""

from __future__ import annotations

import itertools

import pytest
from django.http import QueryDict
from django.template.loader import render_to_string

from bureau.enterprises.forms import EnterpriseFilterForm
from bureau.enterprises.views import register_rows, register_rows_html
from bureau.kernel.models import Region
from bureau.kernel.rows import filter_fields_html

pytestmark = pytest.mark.django_db


def _values() -> list[dict]:
    rows = []
    for n, (park, grade, credit, key, phone, industry) in enumerate(itertools.product(
            (None, "运城<盐湖>化工园区"), ("", "1", "3", "9"), ("", "A1", "C"), (False, True),
            ("", "13912345678"), ("gas_station", "hazchem_retail", "unknown"))):
        rows.append({"pk": n + 1, "name": '运城"盐湖"化工 & Co\'<b>', "chemical_park_id": 7 if park else None,
                     "chemical_park__name": park, "uscc": "91140802MA0K0000XX", "region__name": "盐湖区",
                     "industry": industry, "standardization_grade": grade, "credit_grade": credit, "is_key": key,
                     "contact_phone": phone})
    return rows


def test_register_rows_printed_in_python_equal_the_reference_template():
    rows = register_rows(_values())
    assert register_rows_html(rows) == render_to_string("enterprises/_list_rows.html", {"rows": rows})


def test_register_row_values_are_escaped_and_phones_masked():
    html = register_rows_html(register_rows(_values()))
    assert "运城&quot;盐湖&quot;化工 &amp; Co&#x27;&lt;b&gt;" in html and "运城&lt;盐湖&gt;化工园区" in html
    assert "13912345678" not in html and "139****5678" in html


def _form(data: str | None) -> EnterpriseFilterForm:
    return EnterpriseFilterForm(QueryDict(data) if data is not None else None)


def test_register_filter_fields_equal_the_template_and_follow_the_region_list():
    for data in (None, "region=140802&is_key=1", "region=bogus", "q=%3Ci%3E&credit=A", "page=3"):
        expected = render_to_string("includes/filter_fields.html", {"form": _form(data)})
        assert filter_fields_html(_form(data)) == expected
        assert filter_fields_html(_form(data)) == expected  # the second time from the per-process copy
    Region.objects.create(code="149999", name="新设<功能区>", sort=999)
    assert "新设&lt;功能区&gt;" in filter_fields_html(EnterpriseFilterForm(None))
