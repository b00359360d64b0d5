"""Overdue hazards are flagged and reminded exactly once per interval; the jurisdiction overview; indicators;
the four-colour risk register over HTTP."""

from __future__ import annotations

import datetime as dt

import pytest

from bureau.hazards import services
from bureau.hazards.hooks import hazard_indicators
from bureau.hazards.models import Hazard, RiskPoint
from bureau.kernel.models import Notification
from bureau.kernel.registry import IndicatorQuery, registry
from tests.hazards.factories import hazard, today

pytestmark = pytest.mark.django_db


def test_overdue_sweep_reminds_once_per_interval(w):
    h = hazard(w, step="rectifying")
    Hazard.objects.filter(pk=h.pk).update(deadline=today() - dt.timedelta(days=2))
    hazard(w, step="rectifying")  # not overdue
    assert services.overdue_sweep(today()) == 1
    assert services.overdue_sweep(today()) == 0  # claimed: no second reminder the same day
    assert Notification.objects.filter(recipient=w.owner, title__contains="超期").count() == 1
    assert services.overdue_sweep(today() + dt.timedelta(days=3)) == 1  # the interval (rule: 3 days) has passed
    assert any(s.name == "hazards.overdue_sweep" for s in registry.schedules)


def test_overview_counts_per_region_and_overdue(w, login, django_assert_max_num_queries):
    h = hazard(w, step="rectifying")
    Hazard.objects.filter(pk=h.pk).update(deadline=today() - dt.timedelta(days=1))
    hazard(w, step="accepted")
    services.risk_point_save(actor=w.owner, enterprise=w.enterprise, name="罐区", hazard_source="泄漏",
                             method="lec", factor_l=3, factor_e=6, factor_c=40)
    client = login(w.inspector)
    with django_assert_max_num_queries(16):
        r = client.get("/hazards/overview/")
    row = r.context["rows"][0]
    assert (row["region"], row["total"], row["open"], row["overdue"], row["red"]) == ("140802", 2, 1, 1, 1)
    assert [x.pk for x in r.context["overdue"]] == [h.pk]
    assert login(w.owner).get("/hazards/overview/").status_code == 404


def test_risk_point_graded_over_http_and_out_of_range_refused(w, login):
    client = login(w.owner)
    r = client.post("/hazards/risks/new/", {"name": "装卸区", "hazard_source": "静电", "method": "lec",
                                            "factor_l": "3", "factor_e": "6", "factor_c": "15"})
    assert r.status_code == 302
    point = RiskPoint.objects.get()
    assert (point.score, point.level) == (270, "orange")
    r = client.post("/hazards/risks/new/", {"name": "x", "hazard_source": "y", "method": "lec", "factor_l": "4",
                                            "factor_e": "6", "factor_c": "15"})
    assert r.status_code == 200 and "不在 LEC 法分值表内" in r.content.decode()
    r = client.post("/hazards/risks/new/", {"name": "x", "hazard_source": "y", "method": "ls", "factor_l": "6",
                                            "factor_c": "2"})
    assert "1—5 的整数" in r.content.decode()
    assert RiskPoint.objects.count() == 1
    page = client.get("/hazards/risks/")
    assert page.context["dist"] == {"red": 0, "orange": 1, "yellow": 0, "blue": 0}


def test_thresholds_are_data_a_new_version_changes_the_colour(w):
    from bureau.kernel.models import RuleParameter

    RuleParameter.objects.create(key="hazards.ls_thresholds", value={"red": 16, "orange": 12, "yellow": 6,
                                                                      "strict": False},
                                 description="本地标准", source="测试", effective_from=today() - dt.timedelta(days=1))
    point = services.risk_point_save(actor=w.owner, enterprise=w.enterprise, name="a", hazard_source="b",
                                     method="ls", factor_l=4, factor_e=None, factor_c=4)
    assert point.level == "red"


def test_officers_see_the_distribution_of_their_jurisdiction_only(w, login):
    services.risk_point_save(actor=w.owner, enterprise=w.enterprise, name="a", hazard_source="b", method="ls",
                             factor_l=5, factor_e=None, factor_c=5)
    assert login(w.inspector).get("/hazards/risks/").context["dist"]["red"] == 1
    assert login(w.other_inspector).get("/hazards/risks/").context["dist"]["red"] == 0


def test_indicators_on_time_rectification_and_listings(w):
    h = hazard(w, step="accepted")
    late = hazard(w, step="accepted")
    Hazard.objects.filter(pk=late.pk).update(deadline=today() - dt.timedelta(days=1))
    values = {i.code: i for i in hazard_indicators(IndicatorQuery(start=today() - dt.timedelta(days=30),
                                                                  end=today()))}
    assert values["hazards.rectified_on_time"].value == 50.0
    assert values["hazards.rectified_on_time"].denominator == 2
    assert values["hazards.removal_on_time"].value is None  # no data is not zero
    assert h.pk


def test_workbench_shows_hazards_to_rectify(w, login):
    hazard(w, step="rectifying")
    r = login(w.owner).get("/")
    assert "隐患：安全出口堵塞" in r.content.decode()
