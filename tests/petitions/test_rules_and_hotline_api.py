"""Pure rules (deadlines, routing match, return window), limits as data, and the 12345 import endpoint."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from bureau.accounts.models import ApiCallLog
from bureau.accounts.services import api_token_issue
from bureau.petitions import rules, services
from bureau.petitions.models import HandlingLimit, Petition
from tests.petitions.factories import submit as submit_ticket

TZ = dt.timezone(dt.timedelta(hours=8))


def test_urgent_deadline_in_hours():
    start = dt.datetime(2026, 3, 6, 17, 0, tzinfo=TZ)
    due, provisional = rules.due_after(start, 24, "hours")
    assert due == dt.datetime(2026, 3, 7, 17, 0, tzinfo=TZ) and provisional is False


@pytest.mark.django_db
def test_working_day_deadline_skips_weekend_and_holiday():
    start = dt.datetime(2026, 9, 30, 10, 0, tzinfo=TZ)  # before the National Day holiday
    due, _ = rules.due_after(start, 5, "working_days")
    assert timezone.localtime(due).date() > dt.date(2026, 10, 8)
    friday = dt.datetime(2026, 3, 6, 9, 0, tzinfo=TZ)
    due, _ = rules.due_after(friday, 1, "working_days")
    assert timezone.localtime(due).date() == dt.date(2026, 3, 9)


def test_routing_match_conditions():
    assert rules.matches(None, None, "", category_id=1, region_id="140802", text="x")
    assert not rules.matches(2, None, "", category_id=1, region_id="140802", text="x")
    assert not rules.matches(None, "140821", "", category_id=1, region_id="140802", text="x")
    assert rules.matches(1, "140802", "气体 泄漏", category_id=1, region_id="140802", text="有刺鼻气体")
    assert not rules.matches(1, None, "烟花", category_id=1, region_id="140802", text="有刺鼻气体")


def test_return_window():
    today = dt.date(2026, 3, 9)
    assert rules.within_return_window(today, today)
    assert not rules.within_return_window(today, today - dt.timedelta(days=1))
    assert not rules.within_return_window(today, None)


@pytest.mark.django_db
def test_handling_limit_table_overrides_rule_defaults(world):
    assert services.handling_limit(world.consult, "normal", dt.date(2026, 3, 1)) == (5, "working_days")
    assert services.handling_limit(world.consult, "urgent", dt.date(2026, 3, 1)) == (24, "hours")
    assert services.handling_limit(world.consult, "complex", dt.date(2026, 3, 1)) == (15, "working_days")
    HandlingLimit.objects.create(category=world.consult, urgency="normal", amount=3, unit="working_days",
                                 source="测试", effective_from=dt.date(2026, 1, 1))
    HandlingLimit.objects.create(category=None, urgency="normal", amount=7, unit="working_days",
                                 source="测试", effective_from=dt.date(2026, 1, 1))
    assert services.handling_limit(world.consult, "normal", dt.date(2026, 3, 1)) == (3, "working_days")
    assert services.handling_limit(world.complaint, "normal", dt.date(2026, 3, 1)) == (7, "working_days")
    assert services.handling_limit(world.complaint, "normal", dt.date(2025, 3, 1)) == (5, "working_days")


TICKET = {"ref": "YC12345-202603-0001", "category": "complaint", "urgency": "normal", "title": "举报无证经营",
          "content": "某店无证销售烟花爆竹", "region": "140821", "petitioner_name": "张先生",
          "petitioner_phone": "13700001111"}


def post(client, raw, body):
    return client.post("/api/v1/petitions/hotline", data=json.dumps(body), content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.mark.django_db
def test_hotline_import_is_idempotent_and_logged(client, world):
    _token, raw = api_token_issue(actor=None, user=world.clerk, name="12345平台", scopes=["petitions:hotline"])
    r = post(client, raw, TICKET)
    assert r.status_code == 201, r.content
    body = r.json()
    p = Petition.objects.get(hotline_ref=TICKET["ref"])
    assert body["number"] == p.number and p.code_matches(body["code"]) and p.channel == "hotline"
    r = post(client, raw, TICKET)
    assert r.status_code == 200 and r.json()["created"] is False and Petition.objects.count() == 1
    assert ApiCallLog.objects.filter(path="/api/v1/petitions/hotline").count() == 2


@pytest.mark.django_db
def test_hotline_import_refusals(client, world):
    _t, raw = api_token_issue(actor=None, user=world.clerk, name="只读", scopes=["enterprises:read"])
    r = post(client, raw, TICKET)
    assert r.status_code == 403 and "未获授权" in r.json()["detail"]
    _t, expired = api_token_issue(actor=None, user=world.clerk, name="过期", scopes=["petitions:hotline"],
                                  expires_at=timezone.now() - dt.timedelta(days=1))
    assert post(client, expired, TICKET).status_code == 401
    _t, good = api_token_issue(actor=None, user=world.clerk, name="12345", scopes=["petitions:hotline"])
    r = post(client, good, {**TICKET, "category": "nope"})
    assert r.status_code == 400 and "类别无效" in r.json()["detail"]
    r = post(client, good, {**TICKET, "region": "999999"})
    assert r.status_code == 400 and "区划" in r.json()["detail"]
    assert Petition.objects.count() == 0
    r = client.post("/api/v1/petitions/hotline", data=json.dumps(TICKET), content_type="application/json")
    assert r.status_code == 401


@pytest.mark.django_db
def test_provisional_deadlines_recomputed(world):
    p, _ = submit_ticket(world)
    Petition.objects.filter(pk=p.pk).update(due_provisional=True, due_at=p.due_at + dt.timedelta(days=3))
    assert services.recompute_provisional_deadlines() == 1
    p.refresh_from_db()
    assert p.due_provisional is False and p.due_at == rules.due_after(p.received_at, 5, "working_days")[0]
