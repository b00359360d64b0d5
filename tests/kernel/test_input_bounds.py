"""Input bounds of the pages (bureau.kernel.validation, converters, forms, middleware): an absurd id or number,
a control character or an impossible date answers a Chinese 400/404, never a server error, and stores nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.converters import IntConverter
from django.urls.exceptions import Resolver404

from bureau.hazards.models import Hazard
from bureau.kernel.converters import IdConverter
from bureau.kernel.errors import DomainError
from bureau.kernel.forms import BureauForm
from bureau.kernel.validation import MAX_ID, check_event_date, control_character, parse_id
from tests.factories import city_bureau, make_user
from tests.hazards.factories import today, world

HUGE = "9" * 20


def _routes(resolver: URLResolver, prefix: str = "", namespaces: tuple[str, ...] = ()):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _routes(p, prefix + str(p.pattern), (*namespaces, p.namespace or ""))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p, namespaces


def _page_routes():
    """The platform's own HTML routes (Django's admin and the JSON API have their own guards)."""
    return [(route, p) for route, p, ns in _routes(get_resolver()) if "admin" not in ns and "api" not in ns
            and not route.startswith(("admin/", "api/"))]


def test_rule_ids_are_1_to_2_63_minus_1():
    assert parse_id("", field="x") is None and parse_id(str(MAX_ID), field="x") == MAX_ID
    for bad in ("0", "-1", str(MAX_ID + 1), HUGE, "1.5", "abc", "１２"):
        with pytest.raises(DomainError):
            parse_id(bad, field="enterprise", label="企业")


def test_rule_control_characters_single_and_multi_line():
    assert control_character("a\tb\r\nc", multiline=True) is None
    assert control_character("a\tb") == "U+0009" and control_character("a\u2028b") == "U+2028"
    for char in ("\x00", "\x1b", "\x7f", "\x85", "\x9f"):
        assert control_character(f"x{char}", multiline=True) == f"U+{ord(char):04X}"
    assert control_character("正常的中文，全角　空格") is None


@pytest.mark.django_db
def test_rule_event_dates_neither_future_nor_before_the_earliest_rule():
    check_event_date(today(), field="d", label="日期")
    check_event_date(dt.date(2002, 11, 1), field="d", label="日期")
    for bad, code in ((today() + dt.timedelta(days=1), "date_in_future"), (dt.date(2002, 10, 31), "date_too_early"),
                      (dt.date(47, 3, 1), "date_too_early")):
        with pytest.raises(DomainError) as caught:
            check_event_date(bad, field="found_on", label="发现日期")
        assert caught.value.code == code and caught.value.field == "found_on"


def test_every_page_route_takes_ids_through_the_bounded_converter():
    routes = _page_routes()
    assert len(routes) > 100
    plain_int = [route for route, p in routes if any(isinstance(c, IntConverter)
                                                     for c in p.pattern.converters.values())]
    assert plain_int == []
    with_ids = [route for route, p in routes if any(isinstance(c, IdConverter) for c in p.pattern.converters.values())]
    assert len(with_ids) > 50
    with pytest.raises(Resolver404):
        resolve(f"/hazards/{HUGE}/")
    assert resolve(f"/hazards/{'9' * 18}/").kwargs == {"pk": 10**18 - 1}


@pytest.mark.django_db
def test_walking_every_page_with_out_of_range_ids_and_numbers_never_fails(client):
    """Every page route, with its ids at the largest 18-digit value and absurd numbers in the usual query
    parameters, answers (200, 302, 400, 404, 405…) without a server error (the test client re-raises one)."""
    staff = make_user("walker", roles=["inspector", "section_head", "leader", "licensing_officer", "sysadmin"],
                      organisation=city_bureau())
    client.force_login(staff, backend="bureau.accounts.backends.LockoutModelBackend")
    query = {key: HUGE for key in ("enterprise", "page", "days", "year", "token", "hazard", "object", "level")}
    query |= {"start": "0001-01-01", "end": "9999-12-31", "date": "9999-12-31"}
    statuses = {}
    for route, _p in _page_routes():
        if route.startswith("indicators/"):
            query |= {"start": "0001-01", "end": "9999-12"}
        url = "/" + route
        for name in _p.pattern.converters:
            for kind, value in (("id", "9" * 18), ("str", "x"), ("slug", "x"), ("path", "x")):
                url = url.replace(f"<{kind}:{name}>", value)
        response = client.get(url, query)
        statuses[url] = response.status_code
    assert statuses and max(statuses.values()) < 500
    assert statuses["/hazards/"] == 400 and statuses["/hazards/risks/"] == 400


@pytest.mark.django_db
def test_pages_refuse_control_characters_with_a_chinese_message(login):
    w = world()
    client = login(w.owner)
    r = client.get("/hazards/", {"q": "通道\x00"})
    assert r.status_code == 400 and "参数 q 不能包含控制字符" in r.content.decode()
    r = client.post("/hazards/new/", {"title": "消防\x1b通道", "found_on": today().isoformat(), "grade": "general"})
    assert r.status_code == 400 and "U+001B" in r.content.decode()
    r = client.post("/hazards/new/", {"title": "消防\u2028通道", "found_on": today().isoformat(), "grade": "general"})
    assert r.status_code == 200 and "不能包含控制字符或换行符（U+2028）" in r.content.decode()
    assert Hazard.objects.count() == 0


@pytest.mark.django_db
def test_the_hazard_form_bounds_the_found_on_date(login):
    w = world()
    client = login(w.owner)
    for found_on, message in (("2001-05-01", "发现日期不能早于 2002-11-01"),
                              ((today() + dt.timedelta(days=3)).isoformat(), "发现日期不能晚于今天")):
        r = client.post("/hazards/new/", {"title": "配电箱未接地", "found_on": found_on, "grade": "general"})
        assert r.status_code == 200 and message in r.content.decode()
    assert Hazard.objects.count() == 0


class _Sample(BureauForm):
    name = forms.CharField(label="名称")
    note = forms.CharField(label="说明", widget=forms.Textarea, required=False)
    count = forms.IntegerField(label="数量", required=False)


def test_bureau_forms_refuse_control_characters_and_absurd_numbers():
    form = _Sample({"name": "甲\u2029乙", "note": "第一行\r\n第二行", "count": HUGE})
    assert not form.is_valid()
    assert "名称不能包含控制字符或换行符（U+2029）" in form.errors["name"][0]
    assert "note" not in form.errors and "count" in form.errors
    assert _Sample({"name": "甲乙", "note": "行\x0b行", "count": "3"}).errors["note"]
    assert _Sample({"name": "甲乙", "note": "行\n行", "count": "3"}).is_valid()
