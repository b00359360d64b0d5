"""The indicators dashboard computes from registered providers (fixtures here), per month and per county; areas
without a provider show 暂无数据, never zero; the petition indicators are computed from known fixtures."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from bureau.indicators.compute import collect, dashboard, display, month_ranges
from bureau.kernel.registry import Indicator, IndicatorQuery, registry
from bureau.petitions import services
from bureau.petitions.indicators import petition_indicators
from bureau.petitions.models import Petition
from tests.factories import make_user
from tests.petitions.factories import World, submit


def fixture_provider(query: IndicatorQuery) -> list[Indicator]:
    """行政许可 fixture: 10 applications in 140802 (8 online), 4 in 140821 (1 online); only in March 2026."""
    data = {"140802": (8, 10), "140821": (1, 4)}
    if not (query.start <= dt.date(2026, 3, 15) <= query.end):
        return [Indicator("licensing.online_share", "全程网办事项占比", "行政许可", None, "%")]
    rows = [v for k, v in data.items() if (query.region in (None, k)) and (query.regions is None or k in query.regions)]
    num, den = sum(r[0] for r in rows), sum(r[1] for r in rows)
    return [Indicator("licensing.online_share", "全程网办事项占比", "行政许可",
                      round(num * 100 / den, 1) if den else None, "%", numerator=num, denominator=den)]


@pytest.fixture
def provider(monkeypatch):
    """Only the fixture provider answers, so the figures are known whatever areas are installed."""
    monkeypatch.setattr(registry, "indicators", [fixture_provider])
    return fixture_provider


def test_month_ranges_cover_period():
    months = month_ranges(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert [m for m, _, _ in months] == ["2026-01", "2026-02", "2026-03"]
    assert months[1][2] == dt.date(2026, 2, 28)


def test_display_never_shows_zero_for_missing():
    assert display(None, "%") == "暂无数据"
    assert display(0.0, "%") == "0%"
    assert display(2.5, "次") == "2.5 次"


@pytest.mark.django_db
def test_collect_uses_provider_and_placeholders_for_missing_areas(provider):
    found = {i.code: i for i in collect(IndicatorQuery(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31)))}
    assert found["licensing.online_share"].value == 64.3  # 9 / 14
    assert "licensing.on_time_rate" not in found  # the area's provider is authoritative
    assert found["inspection.random_share"].value is None  # no provider: no data, not zero
    assert found["penalties.exemptions"].value is None


@pytest.mark.django_db
def test_dashboard_per_month_and_per_county(provider):
    board = dashboard(dt.date(2026, 1, 1), dt.date(2026, 3, 31), region=None, regions=None,
                      counties=[("140802", "盐湖区"), ("140821", "临猗县")])
    row = next(r for r in board.rows if r.indicator.code == "licensing.online_share")
    assert row.months == [None, None, 64.3] and row.counties == [80.0, 25.0]
    scoped = dashboard(dt.date(2026, 3, 1), dt.date(2026, 3, 31), region=None, regions=frozenset({"140821"}),
                       counties=[("140821", "临猗县")])
    assert next(r for r in scoped.rows if r.indicator.code == "licensing.online_share").indicator.value == 25.0


@pytest.mark.django_db
def test_petition_indicators_from_known_fixtures():
    world = World()
    on_time, _ = submit(world)
    late, _ = submit(world, region_id="140821")
    open_one, _ = submit(world)
    for p, officer in ((on_time, world.yanhu_officer), (late, world.linyi_officer)):
        services.petition_dispatch(actor=world.clerk, petition=p, target=officer.organisation)
        services.petition_accept(actor=officer, petition=p)
    Petition.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    services.petition_reply(actor=world.yanhu_officer, petition=on_time, reply="已处理")
    services.petition_reply(actor=world.linyi_officer, petition=Petition.objects.get(pk=late.pk), reply="已处理")
    services.petition_close(actor=world.clerk, petition=on_time)
    services.petition_rate(actor=None, petition=on_time, level=5)
    today = timezone.localdate()
    result = {i.code: i for i in petition_indicators(IndicatorQuery(start=today, end=today))}
    assert result["petitions.on_time_rate"].value == 50.0 and result["petitions.on_time_rate"].denominator == 2
    assert result["petitions.satisfaction"].value == 100.0
    assert result["petitions.received"].value == 3.0
    county = {i.code: i for i in petition_indicators(IndicatorQuery(start=today, end=today, region="140821"))}
    assert county["petitions.on_time_rate"].value == 0.0 and county["petitions.satisfaction"].value is None
    empty = {i.code: i for i in petition_indicators(IndicatorQuery(start=dt.date(2020, 1, 1), end=dt.date(2020, 1, 31)))}
    assert empty["petitions.on_time_rate"].value is None and empty["petitions.received"].value is None


@pytest.mark.django_db
def test_dashboard_page_export_and_scope(provider, login, django_assert_max_num_queries):
    world = World()
    client = login(world.leader)
    r = client.get("/indicators/", {"start": "2026-01", "end": "2026-03"})
    body = r.content.decode()
    assert r.status_code == 200 and "全程网办事项占比" in body and "暂无数据" in body
    assert 'id="indicator-data"' in body and "echarts.min.js" in body
    assert r.context["chart_data"]["months"] == ["2026-01", "2026-02", "2026-03"]
    r = client.get("/indicators/export.xlsx", {"start": "2026-03", "end": "2026-03"})
    sheet = load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    rows = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["全程网办事项占比"][3] == 64.3 and rows["“双随机”检查占比"][3] == "暂无数据"
    county = login(world.yanhu_officer).get("/indicators/", {"start": "2026-03", "end": "2026-03"})
    online = next(i for i in county.context["chart_data"]["indicators"] if i["code"] == "licensing.online_share")
    assert online["value"] == 80.0 and county.context["chart_data"]["counties"] == ["盐湖区"]
    assert login(make_user("ent", roles=["enterprise"])).get("/indicators/").status_code == 404
