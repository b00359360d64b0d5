"""Journey: the leader opens the indicators dashboard; the charts render (ECharts, vendored) and missing areas say
暂无数据."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.factories import city_bureau, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def provider(query):
    from bureau.kernel.registry import Indicator

    value = 60.0 + query.start.month if query.region in (None, "140802") else None
    return [Indicator("licensing.online_share", "全程网办事项占比", "行政许可", value, "%")]


def test_dashboard_renders_charts(page, live_server, sign_in, monkeypatch):
    from django.core.cache import cache

    from bureau.kernel.registry import registry

    cache.clear()
    make_user("ind_leader", roles=["leader"], organisation=city_bureau(), real_name="周强")
    monkeypatch.setattr(registry, "indicators", [provider])  # known figures whatever areas are installed
    try:
        sign_in("ind_leader")
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{live_server.url}/indicators/?start={dt.date.today().year}-01&end={dt.date.today().year}-03")
        chart = page.locator('[data-month-chart="licensing.online_share"]')
        expect(chart.locator("svg").first).to_be_visible()
        expect(chart).to_have_attribute("data-rendered", "chart")
        empty = page.locator('[data-month-chart="inspection.random_share"]')
        expect(empty).to_have_attribute("data-rendered", "empty")
        expect(empty).to_have_text("暂无数据")
        page.locator("#county-chart").scroll_into_view_if_needed()  # as the reader scrolls down to it
        page.select_option("#county-indicator", "licensing.online_share")
        expect(page.locator("#county-chart svg").first).to_be_visible()
        expect(page.locator("#county-chart")).to_have_attribute("data-rendered", "chart")
        expect(page.locator(".ind-empty .ind-value").first).to_contain_text("暂无数据")
        assert errors == []  # no script error on the page (collected from the browser's events, not read from it)
    finally:
        cache.clear()
