"""Alarm intake (工业互联网+危化安全生产, measure III.5): a signed, replay-safe, idempotent webhook; alarms against
the enterprise's own risk points only; an alarm not cleared in time becomes a hazard lead, exactly once."""

from __future__ import annotations

import datetime as dt
import json
import time
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from bureau.hazards import alarm_rules, alarms, services
from bureau.hazards.models import Alarm, AlarmEvent, AlarmSource, Hazard
from bureau.kernel.errors import DomainError
from bureau.kernel.models import AuditEntry, ProcessHistory, RuleParameter
from bureau.kernel.rules import forget_cached_rules
from tests.factories import EnterpriseFactory, make_user
from tests.hazards.factories import World

URL = "/api/v1/hazards/alarms/intake"


def _point(enterprise: Any, actor: Any, name: str = "甲醇储罐区") -> Any:
    return services.risk_point_save(actor=actor, enterprise=enterprise, name=name, hazard_source="甲醇泄漏",
                                    method="lec", factor_l=3, factor_e=6, factor_c=15, accident_type="火灾",
                                    controls="可燃气体检测报警", assessed_on=timezone.localdate())


@pytest.fixture
def wired(w: World) -> Any:
    source, secret = alarms.alarm_source_create(actor=w.owner, name="罐区 GDS", system="gds")
    return source, secret, _point(w.enterprise, w.owner)


def _post(client: Any, source: Any, secret: str, payload: Any, *, ts: int | None = None,
          signature: str | None = None) -> Any:
    body = json.dumps(payload, ensure_ascii=False).encode()
    stamp = str(ts if ts is not None else int(time.time()))
    return client.post(URL, body, content_type="application/json", HTTP_X_ALARM_KEY=source.key_id,
                       HTTP_X_ALARM_TIMESTAMP=stamp,
                       HTTP_X_ALARM_SIGNATURE=signature or alarm_rules.sign(secret, stamp, body))


def _raise(point: Any, event_id: str = "e-1", ref: str = "A-1", minutes_ago: int = 0, **extra: Any) -> dict:
    at = timezone.now() - dt.timedelta(minutes=minutes_ago)
    return {"event_id": event_id, "type": "raise", "alarm_ref": ref, "risk_point_id": point.pk, "level": "high",
            "tag": "GT-101", "value": 25.5, "unit": "%LEL", "message": "可燃气体浓度高报",
            "occurred_at": at.isoformat(), **extra}


def _clear(event_id: str, ref: str = "A-1", minutes_ago: int = 0) -> dict:
    return {"event_id": event_id, "type": "clear", "alarm_ref": ref,
            "occurred_at": (timezone.now() - dt.timedelta(minutes=minutes_ago)).isoformat()}


def test_a_signed_alarm_against_an_own_risk_point_is_accepted(wired):
    source, secret, point = wired
    answer = _post(Client(enforce_csrf_checks=True), source, secret, _raise(point))  # a machine: no CSRF token
    assert answer.status_code == 202, answer.content
    alarm = Alarm.objects.get()
    assert (alarm.risk_point_id, alarm.level, alarm.value, alarm.state) == (point.pk, "high", Decimal("25.5"), "open")
    assert answer.json() == {"event_id": "e-1", "result": "accepted", "alarm_id": alarm.pk, "alarm_ref": "A-1",
                             "state": "open"}


def test_a_replayed_event_answers_the_original_result_and_records_nothing_new(client, wired):
    source, secret, point = wired
    payload = _raise(point)
    first = _post(client, source, secret, payload)
    repeat = _post(client, source, secret, payload)
    assert first.status_code == 202
    assert (repeat.status_code, repeat.json(), repeat["X-Alarm-Replayed"]) == (202, first.json(), "1")
    assert Alarm.objects.count() == 1 and AlarmEvent.objects.count() == 1
    # the same event id with other content is a conflict, not a silent replay
    again = _post(client, source, secret, payload | {"value": 99})
    assert again.status_code == 409 and again.json()["code"] == "event_id_reused"
    # the same alarm reference under a new event id is the same alarm, not a second one
    resent = _post(client, source, secret, payload | {"event_id": "e-2"})
    assert resent.json()["result"] == "already_raised" and Alarm.objects.count() == 1


def test_a_wrong_signature_an_unknown_key_and_a_stale_timestamp_are_refused(client, wired):
    source, secret, point = wired
    forged = _post(client, source, "not-the-secret", _raise(point))
    stale = _post(client, source, secret, _raise(point), ts=int(time.time()) - 3600)
    unknown = AlarmSource(key_id="yc-unknown")
    nobody = _post(client, unknown, secret, _raise(point))
    assert [r.status_code for r in (forged, stale, nobody)] == [401, 401, 401]
    assert forged.json()["code"] == "bad_signature" and stale.json()["code"] == "stale_timestamp"
    assert nobody.json()["code"] == "bad_signature"  # an unknown key says no more than a wrong signature
    assert "时间戳" in stale.json()["detail"]
    assert Alarm.objects.count() == 0 and AlarmEvent.objects.count() == 0


def test_the_timestamp_window_is_a_rule(client, wired):
    source, secret, point = wired
    RuleParameter.objects.create(key="hazards.alarm_signature_window_seconds", value=30,
                                 effective_from=timezone.localdate(), description="测试", source="测试")
    forget_cached_rules()
    try:
        assert _post(client, source, secret, _raise(point), ts=int(time.time()) - 120).status_code == 401
        assert _post(client, source, secret, _raise(point), ts=int(time.time()) - 10).status_code == 202
    finally:
        forget_cached_rules()


def test_another_enterprises_risk_point_is_refused(client, wired, w):
    source, secret, _ = wired
    other = EnterpriseFactory(region_id="140802")
    foreign = _point(other, make_user(roles=["enterprise"], enterprise=other))
    answer = _post(client, source, secret, _raise(foreign))
    assert answer.status_code == 422
    assert answer.json()["detail"] == "风险点不存在或不属于本企业"
    assert Alarm.objects.count() == 0


def test_every_field_is_validated_with_a_chinese_message(client, wired):
    source, secret, point = wired
    cases = [({"level": "extreme"}, "level"), ({"risk_point_id": "x"}, "risk_point_id"),
             ({"occurred_at": "yesterday"}, "occurred_at"), ({"occurred_at": "2026-12-06T10:00:00"}, "occurred_at"),
             ({"event_id": ""}, "event_id"), ({"value": "abc"}, "value"), ({"type": "ack"}, "type"),
             ({"occurred_at": (timezone.now() + dt.timedelta(hours=2)).isoformat()}, "occurred_at")]
    for extra, field in cases:
        answer = _post(client, source, secret, _raise(point) | extra)
        assert answer.status_code == 400, extra
        assert answer.json()["field"] == field
        assert any("\u4e00" <= ch <= "\u9fff" for ch in answer.json()["detail"])
    assert Alarm.objects.count() == 0


def test_a_batch_answers_each_event_on_its_own(client, wired):
    source, secret, point = wired
    first = _raise(point, "b-1", "R-1")
    body = {"events": [first, _raise(point, "b-2", "R-2", level="bogus"),
                       _raise(point, "b-3", "R-3")]}
    answer = _post(client, source, secret, body)
    assert answer.status_code == 200
    assert [(r["event_id"], r["status"]) for r in answer.json()["results"]] == [("b-1", 202), ("b-2", 400),
                                                                                 ("b-3", 202)]
    assert sorted(Alarm.objects.values_list("alarm_ref", flat=True)) == ["R-1", "R-3"]
    # in one batch: a repeat of an answered event, a clearing, and a refused event undo nothing of the others
    again = _post(client, source, secret, {"events": [first, _clear("b-4", "R-1"),
                                                      _clear("b-5", "nope"), _raise(point, "b-6", "R-6")]})
    assert [(r["status"], r.get("result"), r["replayed"]) for r in again.json()["results"]] == [
        (202, "accepted", True), (200, "cleared", False), (422, None, False), (202, "accepted", False)]
    assert Alarm.objects.get(alarm_ref="R-1").state == "cleared" and Alarm.objects.count() == 3


def test_an_alarm_cleared_in_time_never_becomes_a_lead(client, wired):
    source, secret, point = wired
    _post(client, source, secret, _raise(point, minutes_ago=50))
    cleared = _post(client, source, secret, _clear("c-1", minutes_ago=40))
    assert cleared.status_code == 200 and cleared.json()["state"] == "cleared"
    assert alarms.alarm_lead_sweep() == 0
    alarm = Alarm.objects.get()
    assert alarm.settled and alarm.hazard_id is None
    assert not Hazard.objects.filter(source="alarm").exists()


def test_an_alarm_not_cleared_within_the_rule_becomes_a_hazard_lead_exactly_once(client, wired, w):
    source, secret, point = wired
    _post(client, source, secret, _raise(point, minutes_ago=45))
    _post(client, source, secret, _raise(point, "e-2", "A-2", minutes_ago=5))  # still within 30 minutes
    assert alarms.alarm_lead_sweep() == 1
    assert alarms.alarm_lead_sweep() == 0  # a second run (or a second worker) makes no second lead
    alarm = Alarm.objects.get(alarm_ref="A-1")
    hazard = alarm.hazard
    assert alarm.state == "lead" and hazard is not None
    assert (hazard.source, hazard.enterprise_id, hazard.risk_point_id, hazard.state) == (
        "alarm", w.enterprise.pk, point.pk, "reported")
    assert "超过 30 分钟未消除" in hazard.description and "A-1" in hazard.description
    assert (hazard.source_type, hazard.source_id) == ("hazards.alarm", str(alarm.pk))
    assert Alarm.objects.get(alarm_ref="A-2").state == "open"
    assert AuditEntry.objects.filter(action="hazards.alarm_leads").exists()
    # a clearing after the lead goes on the hazard's timeline; the lead stays
    assert _post(client, source, secret, _clear("c-9")).status_code == 200
    assert ProcessHistory.objects.filter(object_id=hazard.pk, action="alarm_cleared").exists()
    assert Alarm.objects.get(alarm_ref="A-1").state == "lead"


def test_a_late_clearing_still_makes_a_lead(client, wired):
    source, secret, point = wired
    _post(client, source, secret, _raise(point, minutes_ago=90))
    _post(client, source, secret, _clear("c-1", minutes_ago=10))  # cleared 80 minutes after it was raised
    assert alarms.alarm_lead_sweep() == 1
    assert Alarm.objects.get().hazard.source == "alarm"


def test_the_time_to_clear_is_a_rule(client, wired):
    source, secret, point = wired
    RuleParameter.objects.create(key="hazards.alarm_clear_minutes", value=60, effective_from=timezone.localdate(),
                                 description="测试", source="测试")
    _post(client, source, secret, _raise(point, minutes_ago=45))
    assert alarms.alarm_lead_sweep() == 0
    assert alarms.alarm_lead_sweep(now=timezone.now() + dt.timedelta(minutes=20)) == 1


def test_a_clear_for_an_unknown_alarm_is_refused(client, wired):
    source, secret, _ = wired
    answer = _post(client, source, secret, _clear("c-1", ref="nope"))
    assert answer.status_code == 422 and answer.json()["code"] == "unknown_alarm"


def test_rotating_the_secret_stops_the_old_one_and_a_stopped_source_is_refused(client, wired, w):
    source, secret, point = wired
    new = alarms.alarm_source_rotate(actor=w.owner, source=source)
    assert new != secret
    assert _post(client, source, secret, _raise(point)).status_code == 401
    assert _post(client, source, new, _raise(point)).status_code == 202
    alarms.alarm_source_set_active(actor=w.owner, source=source, active=False)
    assert _post(client, source, new, _raise(point, "e-5", "A-5")).status_code == 401
    assert AuditEntry.objects.filter(action="hazards.alarm_source_rotate").exists()


def test_the_secret_is_stored_encrypted_and_never_listed(client, wired, w, login):
    source, secret, _ = wired
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM hazards_alarmsource WHERE id = %s", [source.pk])
        stored = cursor.fetchone()[0]
    assert secret not in stored
    listed = login(w.owner).get("/api/v1/hazards/alarms/sources").json()
    assert listed[0]["key_id"] == source.key_id and "secret" not in listed[0]
    page = login(w.owner).get("/hazards/alarms/sources/").content.decode()
    assert source.key_id in page and secret not in page


def test_only_the_enterprise_issues_credentials_for_itself(w):
    with pytest.raises(DomainError):
        alarms.alarm_source_create(actor=w.inspector, name="GDS", system="gds")
    with pytest.raises(DomainError):
        alarms.alarm_source_create(actor=w.owner, name="", system="gds")
    with pytest.raises(DomainError):
        alarms.alarm_source_create(actor=w.owner, name="GDS", system="plc")


def test_the_enterprise_issues_a_secret_on_the_page_shown_once(w, login):
    client = login(w.owner)
    page = client.post("/hazards/alarms/sources/", {"name": "罐区 GDS", "system": "gds"})
    source = AlarmSource.objects.get(enterprise=w.enterprise)
    text = page.content.decode()
    assert page.status_code == 200 and "只显示这一次" in text and source.key_id in text
    assert source.secret in text
    assert source.secret not in client.get("/hazards/alarms/sources/").content.decode()
    rotated = client.post(f"/hazards/alarms/sources/{source.pk}/rotate/")
    source.refresh_from_db()
    assert source.secret in rotated.content.decode()
    refused = client.post("/hazards/alarms/sources/", {"name": "", "system": "gds"})
    assert "系统名称" in refused.content.decode() and AlarmSource.objects.count() == 1


def test_alarms_are_seen_by_the_enterprise_and_its_county_only(client, wired, w, login,
                                                              django_assert_max_num_queries):
    source, secret, point = wired
    for i in range(5):
        _post(client, source, secret, _raise(point, f"e-{i}", f"A-{i}"))
    own = login(w.owner).get("/api/v1/hazards/alarms").json()["items"]
    county = login(w.inspector)
    with django_assert_max_num_queries(12):
        page = county.get("/hazards/alarms/")
    assert page.status_code == 200 and "甲醇储罐区" in page.content.decode()
    with django_assert_max_num_queries(10):
        listed = county.get("/api/v1/hazards/alarms").json()["items"]
    assert len(own) == len(listed) == 5
    other = login(w.other_inspector)
    assert other.get("/api/v1/hazards/alarms").json()["items"] == []
    assert other.get(f"/api/v1/hazards/alarms/{own[0]['id']}").status_code == 404
    assert "甲醇储罐区" not in other.get("/hazards/alarms/").content.decode()
    assert other.get("/api/v1/hazards/alarms/sources").json() == []
    assert login(w.inspector).get("/api/v1/hazards/alarms/sources").json()[0]["key_id"] == source.key_id


def test_the_county_cannot_rotate_an_enterprises_secret(wired, w, login):
    source, _, _ = wired
    assert login(w.inspector).post(f"/api/v1/hazards/alarms/sources/{source.pk}/rotate").status_code in (403, 404)
    assert login(w.other_inspector).post(f"/hazards/alarms/sources/{source.pk}/rotate/").status_code == 404


def test_the_api_issues_a_secret_once_and_rotates_it(w, login):
    client = login(w.owner)
    made = client.post("/api/v1/hazards/alarms/sources", {"name": "DCS", "system": "dcs"},
                       content_type="application/json")
    assert made.status_code == 201 and made.json()["secret"]
    rotated = client.post(f"/api/v1/hazards/alarms/sources/{made.json()['id']}/rotate")
    assert rotated.status_code == 200 and rotated.json()["secret"] != made.json()["secret"]


def test_a_batch_of_new_alarms_is_written_together_and_resent_whole_it_is_replayed(client, wired,
                                                                                   django_assert_max_num_queries):
    source, secret, point = wired
    body = {"events": [_raise(point, f"n-{i}", f"N-{i}") for i in range(20)]}
    with django_assert_max_num_queries(14):  # not two inserts per event
        first = _post(client, source, secret, body)
    assert [r["status"] for r in first.json()["results"]] == [202] * 20
    assert Alarm.objects.count() == 20 and AlarmEvent.objects.count() == 20
    with django_assert_max_num_queries(8):  # the sender lost the answer and sends the same message again
        again = _post(client, source, secret, body)
    assert [(r["status"], r["replayed"]) for r in again.json()["results"]] == [(202, True)] * 20
    assert [r["alarm_id"] for r in again.json()["results"]] == [r["alarm_id"] for r in first.json()["results"]]
    assert Alarm.objects.count() == 20
    twice = _post(client, source, secret, {"events": [_raise(point, "d-1", "D-1")] * 2})  # one event id twice
    assert [(r["status"], r["replayed"]) for r in twice.json()["results"]] == [(202, False), (202, True)]
    assert Alarm.objects.count() == 21


def test_a_batch_of_new_alarms_costs_a_fixed_handful_of_statements(client, wired, django_assert_max_num_queries):
    """Rule checked: the hot path of the webhook (docs/hazards.md 「监测报警接入」) reads the credential, then the
    message's risk points and logged event ids in one read, then writes the new alarms with their log rows in one
    statement — not a statement per event."""
    source, secret, point = wired
    _post(client, source, secret, _raise(point, "warm", "W-0"))  # last_seen_at is written at most once a minute
    body = {"events": [_raise(point, f"h-{i}", f"H-{i}") for i in range(30)]}
    # PostgreSQL: credential, read, one INSERT (+ a savepoint pair here, since the test runs in a transaction);
    # SQLite: two bulk inserts in place of the one statement
    with django_assert_max_num_queries(6):
        answer = _post(client, source, secret, body)
    assert [r["status"] for r in answer.json()["results"]] == [202] * 30
    assert AlarmEvent.objects.filter(event_id__startswith="h-", alarm__isnull=False).count() == 30
    assert AlarmEvent.objects.get(event_id="h-7").answer == {
        "event_id": "h-7", "result": "accepted", "alarm_id": Alarm.objects.get(alarm_ref="H-7").pk,
        "alarm_ref": "H-7", "state": "open"}


def test_a_new_event_for_an_alarm_reference_already_raised_is_not_a_second_alarm(client, wired, w):
    """Rule checked: an alarm reference is one alarm per monitoring system (unique source + alarm_ref): a new event
    id raising it again answers 200 already_raised, against another risk point 409; in a batch the others are
    stored all the same, and a raise without a reading keeps no value."""
    source, secret, point = wired
    other = _point(w.enterprise, w.owner, "装卸站台")
    assert _post(client, source, secret, _raise(point, "r-1", "K-1")).status_code == 202
    body = {"events": [_raise(point, "r-2", "K-1"), _raise(other, "r-3", "K-1"),
                       _raise(point, "r-4", "K-2", value=None)]}
    results = _post(client, source, secret, body).json()["results"]
    assert [(r["event_id"], r["status"], r.get("result") or r.get("code")) for r in results] == [
        ("r-2", 200, "already_raised"), ("r-3", 409, "alarm_ref_reused"), ("r-4", 202, "accepted")]
    assert Alarm.objects.filter(alarm_ref="K-1").count() == 1
    assert Alarm.objects.get(alarm_ref="K-2").value is None
    # each answer is the stored one: the same message again is replayed event by event
    again = _post(client, source, secret, body).json()["results"]
    assert [(r["status"], r["replayed"]) for r in again] == [(200, True), (409, False), (202, True)]


def test_clearings_in_a_batch_settle_in_time_ones_only_and_cost_no_statement_per_event(client, wired,
                                                                                       django_assert_max_num_queries):
    """Rule checked: an alarm cleared within `hazards.alarm_clear_minutes` never becomes a lead, a later clearing
    still does (docs/hazards.md 「监测报警接入」); the clearings of a message are written together on PostgreSQL."""
    source, secret, point = wired
    raises = [_raise(point, f"c-{i}", f"C-{i}", minutes_ago=90 if i == 0 else 1) for i in range(12)]
    _post(client, source, secret, {"events": raises})
    body = {"events": [_clear(f"x-{i}", f"C-{i}") for i in range(12)]}
    with django_assert_max_num_queries(8 if connection.vendor == "postgresql" else 80):
        results = _post(client, source, secret, body).json()["results"]
    assert [(r["status"], r["result"], r["state"]) for r in results] == [(200, "cleared", "cleared")] * 12
    assert set(Alarm.objects.filter(alarm_ref__startswith="C-", settled=False).values_list("alarm_ref", flat=True)) \
        == {"C-0"}  # cleared 90 minutes after it was raised: late
    alarms.alarm_lead_sweep()
    assert list(Alarm.objects.filter(state="lead").values_list("alarm_ref", flat=True)) == ["C-0"]
    again = _post(client, source, secret, body).json()["results"]
    assert [(r["status"], r["replayed"]) for r in again] == [(200, True)] * 12
