"""The agencies register reads every agency's credit score in a fixed number of queries (no query per agency)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bureau.assistance import services
from bureau.assistance.models import AgencyCreditRecord, AssessmentAgency
from tests.hazards.factories import world

pytestmark = pytest.mark.django_db


def _agency(n: int, points: list[int]) -> AssessmentAgency:
    a = AssessmentAgency.objects.create(name=f"评价公司{n}", uscc=f"91140100MA0AGQ{n:03d}", qualification_number="APJ",
                                        qualification_valid_until=dt.date.today() + dt.timedelta(days=300))
    for p in points:
        AgencyCreditRecord.objects.create(agency=a, on=dt.date.today(), event="抽查", points=p, source="测试")
    return a


def test_agency_list_credit_scores_do_not_cost_a_query_per_agency(login):
    client = login(world().inspector)
    first = _agency(1, [-20, -5])
    client.get("/assistance/agencies/")  # the signed-in floor's per-session and per-process caches are warm after it
    with CaptureQueriesContext(connection) as one:
        assert client.get("/assistance/agencies/").status_code == 200
    others = [_agency(n, [-n]) for n in range(2, 6)] + [_agency(9, [])]
    with CaptureQueriesContext(connection) as many:
        r = client.get("/assistance/agencies/")
    assert len(many) == len(one)
    credits = {a.pk: a.credit for a in r.context["agencies"]}
    assert credits == {a.pk: services.agency_credit(a) for a in [first, *others]}
