"""Issue 18: the hazard list and the register read their page (and count) by a query compiled once per key (scope, filters,
page: `hazards.queries.hazard_list_key`, `enterprises.queries.enterprise_list_key`); every principal gets exactly the
rows the ORM gives it, never the rows of a query compiled for another jurisdiction or another filter."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import QueryDict

from bureau.enterprises import queries as enterprise_queries
from bureau.enterprises.views import REGISTER_LIST_VALUES
from bureau.hazards import queries
from bureau.hazards.views import HAZARD_LIST_VALUES
from bureau.kernel.paging import capped_count, capped_count_compiled, paginate, paginate_compiled
from tests.factories import EnterpriseFactory, make_user
from tests.hazards.factories import hazard

pytestmark = pytest.mark.django_db


def test_each_principal_gets_the_orm_rows_of_the_hazard_list(w):
    """Rule (authority: scope): the compiled hazard list equals the ORM's for every principal and filter, asked in
    turn, so that a query kept for one principal or filter is never given to another."""
    hazard(w, step="rectifying")
    hazard(w, source="inspection", grade="major")
    other_owner = make_user(roles=["enterprise"], enterprise=EnterpriseFactory(region_id="140802"))
    today = dt.date.today()
    texts = ["", "state=rectifying", "grade=major", "source=inspection", "overdue=1", "q=安全", "region=140802",
             f"enterprise={w.enterprise.pk}", "state=bogus", "page=2", "q=%20"]
    non_empty = 0
    for _ in range(2):
        for user in (w.inspector, w.owner, w.other_inspector, other_owner, w.city_leader):
            for text in texts:
                params = QueryDict(text)
                qs = queries.hazard_list(user, params, today)
                expected = paginate(qs.values(*HAZARD_LIST_VALUES), params)
                key = queries.hazard_list_key(user, params, today)
                got = paginate_compiled(lambda q=qs: q.values(*HAZARD_LIST_VALUES), ("test", key), params)
                assert got.rows == expected.rows and got.has_next == expected.has_next
                assert capped_count_compiled(qs, ("test", key)) == capped_count(qs)
                assert capped_count_compiled(qs, ("test-cap", key), cap=1) == capped_count(qs, cap=1)
                non_empty += bool(got.rows)
    assert non_empty
    assert queries.hazard_list_key(w.inspector, {}, today) != queries.hazard_list_key(w.other_inspector, {}, today)


def test_each_principal_gets_the_orm_rows_of_the_register(w):
    """Rule (authority: scope): the compiled register page equals the ORM's for every principal and filter, in turn;
    another county's inspector never gets this county's enterprises."""
    EnterpriseFactory(region_id="140802", is_key=True, credit_grade="A1")
    EnterpriseFactory(region_id="140821")
    texts = ["", "is_key=1", "is_key=0", "is_key=x", "credit=A", "grade=none", "grade=", "region=140802",
             "industry=gas_station", f"q={w.enterprise.name[:2]}", "park=NOPE", "page=2"]
    seen = {}
    for _ in range(2):
        for user in (w.inspector, w.other_inspector, w.city_leader):
            for text in texts:
                params = QueryDict(text)
                qs = enterprise_queries.enterprise_list(user, params)
                expected = paginate(qs.values(*REGISTER_LIST_VALUES), params)
                key = enterprise_queries.enterprise_list_key(user, params)
                got = paginate_compiled(lambda q=qs: q.values(*REGISTER_LIST_VALUES), ("test", key), params)
                assert got.rows == expected.rows and got.has_next == expected.has_next
                assert capped_count_compiled(qs, ("test", key)) == capped_count(qs)
                seen[(user.pk, text)] = {r["pk"] for r in got.rows}
    assert w.enterprise.pk in seen[(w.inspector.pk, "")] and w.enterprise.pk not in seen[(w.other_inspector.pk, "")]
