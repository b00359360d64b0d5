"""Alarm intake use cases (工业互联网+危化安全生产, measure III.5): the enterprise's credentials for its monitoring
systems, the signed webhook, and the sweep that turns alarms not cleared in time into hazard leads.

Machine messages are not audited one by one (the audit chain is serialised and would cap the intake rate): each
accepted message is a row of the intake log (AlarmEvent: source, event id, digest, answer) and the escalation, the
credentials and their rotation are audited."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from bureau.accounts.authority import require_change, sees
from bureau.accounts.models import User
from bureau.hazards import alarm_rules as ar
from bureau.hazards.models import Alarm, AlarmEvent, AlarmSource, AlarmSystem, HazardSource
from bureau.hazards.services import check_lengths, hazard_report
from bureau.kernel.audit import audit
from bureau.kernel.errors import DomainError, NotFound
from bureau.kernel.rules import cached_rule, rule
from bureau.kernel.workflow import record_history

MAX_BODY_BYTES = 256 * 1024


# ---------------------------------------------------------------------------------------------------------------
# Credentials


def _new_secret() -> str:
    return secrets.token_urlsafe(32)


def alarm_source_create(*, actor: User, name: str, system: str) -> tuple[AlarmSource, str]:
    """The enterprise registers one of its monitoring systems; answers the source and its secret, which is shown
    this once (kept encrypted; a lost secret is rotated, never shown again)."""
    enterprise = getattr(actor, "enterprise", None)
    if enterprise is None:
        raise DomainError("只有企业可以登记本企业的监测系统接入")
    require_change(actor, AlarmSource, region=enterprise.region_id, enterprise_id=enterprise.pk)
    name = (name or "").strip()
    if not name:
        raise DomainError("请填写系统名称", field="name")
    check_lengths(name=(name, 80, "系统名称"))
    if system not in AlarmSystem.values:
        raise DomainError("请选择系统类型", field="system")
    if AlarmSource.objects.filter(enterprise=enterprise, name=name, active=True).exists():
        raise DomainError("本企业已有同名的监测系统接入", field="name")
    secret = _new_secret()
    with transaction.atomic():
        source = AlarmSource.objects.create(
            enterprise=enterprise, region_id=enterprise.region_id, name=name, system=system,
            key_id=f"yc-{secrets.token_hex(8)}", secret=secret, secret_issued_at=timezone.now(), created_by=actor)
        audit(actor, "hazards.alarm_source_create", source, summary=f"登记监测系统接入：{name}")
    return source, secret


def _own_source(actor: User, source: AlarmSource) -> None:
    if not sees(actor, source):
        raise NotFound("监测系统接入不存在")
    require_change(actor, AlarmSource, region=source.region_id, enterprise_id=source.enterprise_id)


def alarm_source_rotate(*, actor: User, source: AlarmSource) -> str:
    """Issue a new secret (the old one stops working at once); answers it, shown this once."""
    _own_source(actor, source)
    if not source.active:
        raise DomainError("该接入已停用，请先启用")
    secret = _new_secret()
    with transaction.atomic():
        source.secret, source.secret_issued_at = secret, timezone.now()
        source.save(update_fields=["secret", "secret_issued_at"])
        audit(actor, "hazards.alarm_source_rotate", source, summary=f"更换签名密钥：{source.name}")
    return secret


def alarm_source_set_active(*, actor: User, source: AlarmSource, active: bool) -> AlarmSource:
    """Stop (or resume) accepting messages signed with this source's key."""
    _own_source(actor, source)
    with transaction.atomic():
        AlarmSource.objects.filter(pk=source.pk).update(active=active)
        audit(actor, "hazards.alarm_source_" + ("enable" if active else "disable"), source,
              summary=("启用" if active else "停用") + f"监测系统接入：{source.name}")
    source.active = active
    return source


# ---------------------------------------------------------------------------------------------------------------
# The webhook


@dataclass
class Answer:
    """The HTTP answer of the webhook: status, JSON body and whether it repeats a stored answer."""

    status: int
    body: dict[str, Any]
    replayed: bool = False


def _authenticate(key_id: str, timestamp: str, signature: str, body: bytes, now: dt.datetime) -> AlarmSource:
    if not key_id or not signature:
        raise ar.Refusal(401, "unsigned", "缺少接入标识或签名（X-Alarm-Key、X-Alarm-Signature）")
    if len(body) > MAX_BODY_BYTES:
        raise ar.Refusal(413, "too_large", f"报文不能超过 {MAX_BODY_BYTES // 1024} KB")
    window = int(cached_rule("hazards.alarm_signature_window_seconds"))
    ar.check_timestamp(timestamp, now, window)
    source = (AlarmSource.objects.filter(key_id=key_id[:40])
              .only("id", "enterprise_id", "region_id", "secret", "active", "last_seen_at").first())
    if source is None or not source.active:
        # same answer for an unknown and a stopped key: the caller learns nothing about other keys
        raise ar.Refusal(401, "bad_signature", "签名校验失败")
    ar.check_signature(source.secret, timestamp, body, signature)
    return source


def alarm_intake(*, key_id: str, timestamp: str, signature: str, body: bytes) -> Answer:
    """Accept a signed message (one event, or {"events": [...]}) from a monitoring system. A single event answers
    with its own status; a batch answers 200 with one result per event. Each event is processed on its own.

    The hot path (new raises, the bulk of the traffic) costs three statements whatever the number of events: the
    credential, one read of the message's risk points and already-logged event ids, and one INSERT of the new
    alarms with their intake-log rows (`_store_new`). Everything else (a clearing, a repeat, an alarm reference
    already raised, a race) goes one event at a time (`_one_message`)."""
    now = timezone.now()
    try:
        source = _authenticate(key_id, timestamp, signature, body, now)
        events, batch = ar.parse_body(body, int(cached_rule("hazards.alarm_batch_max")))
    except ar.Refusal as refusal:
        return Answer(refusal.status, refusal.answer())
    window = int(cached_rule("hazards.alarm_signature_window_seconds"))
    clear_minutes = int(cached_rule("hazards.alarm_clear_minutes"))
    results = _events(source, events, now, window, clear_minutes, batch)
    if source.last_seen_at is None or source.last_seen_at < now - dt.timedelta(minutes=1):
        AlarmSource.objects.filter(pk=source.pk).update(last_seen_at=now)  # at most once a minute (hot path)
    if not batch:
        return results[0]
    return Answer(200, {"results": [dict(r.body, status=r.status, replayed=r.replayed) for r in results]})


def _parse(raw: dict[str, Any], now: dt.datetime, window: int) -> ar.Message | Answer:
    try:
        return ar.parse_message(raw, now, window)
    except ar.Refusal as refusal:
        event_id = raw.get("event_id") if isinstance(raw.get("event_id"), str) else None
        return Answer(refusal.status, refusal.answer(event_id))


def _read(source: AlarmSource, messages: list[ar.Message]) -> tuple[set[int], dict[str, tuple[str, int, str]]]:
    """The enterprise's risk points named in the message (another enterprise's are simply not found) and the
    intake-log rows of its event ids, in one round trip."""
    named = sorted({m.risk_point_id for m in messages if m.kind == "raise"}) or [0]
    event_ids = [m.event_id for m in messages]
    sql = ("SELECT 'p', CAST(id AS text), NULL, NULL, NULL FROM hazards_riskpoint WHERE enterprise_id = %s AND id IN ("
           + ", ".join(["%s"] * len(named)) + ") UNION ALL "
           "SELECT 'e', event_id, body_digest, status_code, CAST(answer AS text) FROM hazards_alarmevent "
           "WHERE source_id = %s AND event_id IN (" + ", ".join(["%s"] * len(event_ids)) + ")")
    with connection.cursor() as cursor:
        cursor.execute(sql, [source.enterprise_id, *named, source.pk, *event_ids])
        rows = cursor.fetchall()
    points = {int(row[1]) for row in rows if row[0] == "p"}
    return points, {row[1]: (row[2], row[3], row[4]) for row in rows if row[0] == "e"}


def _events(source: AlarmSource, events: list[dict[str, Any]], now: dt.datetime, window: int, clear_minutes: int,
            batch: bool) -> list[Answer]:
    """The events of a message, answered in their order. The new alarms (event ids not logged before, on the
    enterprise's own risk points) are written by one statement; every other event (a repeat, a clearing, a
    refusal, a reference already raised) goes one by one, in one transaction for a batch (savepoints: a refused
    event undoes only itself)."""
    parsed = [_parse(raw, now, window) for raw in events]
    messages = [m for m in parsed if isinstance(m, ar.Message)]
    points, stored = _read(source, messages) if messages else (set(), {})
    answered: dict[int, Answer] = {}
    fresh: list[ar.Message] = []
    clears: list[ar.Message] = []
    ids: set[str] = set(stored)
    refs: set[str] = set()
    cleared_refs: set[str] = set()
    for m in messages:
        if m.event_id in stored:  # a message sent again: its events answer what they answered then
            digest, status, answer = stored[m.event_id]
            answered[id(m)] = (Answer(status, json.loads(answer), replayed=True) if digest == m.digest
                               else _reused(m.event_id))
        elif m.event_id in ids:
            continue  # the same event id twice in one message: the second copy goes one by one
        elif m.kind == "raise" and m.risk_point_id in points and m.alarm_ref not in refs:
            fresh.append(m)
            ids.add(m.event_id)
            refs.add(m.alarm_ref)
        elif m.kind == "clear" and m.alarm_ref not in cleared_refs:
            clears.append(m)
            ids.add(m.event_id)
            cleared_refs.add(m.alarm_ref)
    if fresh:
        answered.update(_store_new(source, fresh, now))
    if clears and connection.vendor == "postgresql":  # after the raises: a message may raise and clear an alarm
        answered.update(_clear_open(source, clears, now, clear_minutes))
    rest = [m for m in parsed if isinstance(m, ar.Message) and id(m) not in answered]
    if rest:  # the uncommon events: one commit for the message
        with transaction.atomic() if batch else nullcontext():
            for m in rest:
                answered[id(m)] = _one_message(source, m, clear_minutes, points)
    return [m if isinstance(m, Answer) else answered[id(m)] for m in parsed]


# the new raises of one message and their intake-log rows, one statement (its own transaction): an alarm reference
# the source already used is left out (ON CONFLICT) and answered one by one; an event id logged meanwhile by a
# concurrent request makes the statement fail as a whole (IntegrityError), and then every event goes one by one
_STORE = """
WITH new AS (
  SELECT * FROM unnest(%(event_id)s::text[], %(alarm_ref)s::text[], %(risk_point)s::bigint[], %(tag)s::text[],
                       %(level)s::text[], %(value)s::numeric[], %(unit)s::text[], %(message)s::text[],
                       %(raised_at)s::timestamptz[], %(digest)s::text[])
           AS n(event_id, alarm_ref, risk_point_id, tag, level, value, unit, message, raised_at, digest)
), alarms AS (
  INSERT INTO hazards_alarm (source_id, enterprise_id, region_id, risk_point_id, alarm_ref, tag, level, value, unit,
                             message, raised_at, state, settled, received_at)
  SELECT %(source)s, %(enterprise)s, %(region)s, risk_point_id, alarm_ref, tag, level, value, unit, message, raised_at,
         'open', false, %(now)s FROM new
  ON CONFLICT (source_id, alarm_ref) DO NOTHING
  RETURNING id, alarm_ref
)
INSERT INTO hazards_alarmevent (source_id, event_id, kind, alarm_id, body_digest, status_code, answer, received_at)
SELECT %(source)s, new.event_id, 'raise', alarms.id, new.digest, 202,
       jsonb_build_object('event_id', new.event_id, 'result', 'accepted', 'alarm_id', alarms.id,
                          'alarm_ref', alarms.alarm_ref, 'state', 'open'), %(now)s
  FROM new JOIN alarms ON alarms.alarm_ref = new.alarm_ref
RETURNING event_id, alarm_id
"""


def _store_new(source: AlarmSource, fresh: list[ar.Message], now: dt.datetime) -> dict[int, Answer]:
    """The new raises of one message stored together (alarms and their intake rows); their answers by message.
    Those left out (a reference already raised, a race) get no answer here and go the one-by-one way."""
    if connection.vendor != "postgresql":
        return _store_new_orm(source, fresh)
    params: dict[str, Any] = {
        "source": source.pk, "enterprise": source.enterprise_id, "region": source.region_id, "now": now,
        "event_id": [m.event_id for m in fresh], "alarm_ref": [m.alarm_ref for m in fresh],
        "risk_point": [m.risk_point_id for m in fresh], "tag": [m.tag for m in fresh],
        "level": [m.level for m in fresh], "value": [m.value for m in fresh],
        "unit": [m.unit for m in fresh], "message": [m.text for m in fresh],
        "raised_at": [m.occurred_at for m in fresh], "digest": [m.digest for m in fresh]}
    stored = _bulk(_STORE, params)
    return {id(m): Answer(202, {"event_id": m.event_id, "result": "accepted", "alarm_id": stored[m.event_id],
                                "alarm_ref": m.alarm_ref, "state": Alarm.State.OPEN})
            for m in fresh if m.event_id in stored}


# the clearings of one message for open alarms raised no later than the clearing, and their intake-log rows, one
# statement; every other clearing (unknown alarm, already cleared, already a lead, before the raise) is left out and
# answered one by one with its own words (`_clear`). Cleared within the rule's minutes (`hazards.alarm_clear_minutes`,
# as `alarm_rules.cleared_in_time`): settled, never a lead.
_CLEAR = """
WITH c AS (
  SELECT * FROM unnest(%(event_id)s::text[], %(alarm_ref)s::text[], %(occurred_at)s::timestamptz[],
                       %(digest)s::text[]) AS c(event_id, alarm_ref, occurred_at, digest)
), done AS (
  UPDATE hazards_alarm a SET cleared_at = c.occurred_at, state = 'cleared',
         settled = c.occurred_at <= a.raised_at + make_interval(mins => %(minutes)s)
    FROM c
   WHERE a.source_id = %(source)s AND a.alarm_ref = c.alarm_ref AND a.state = 'open' AND a.cleared_at IS NULL
     AND a.hazard_id IS NULL AND c.occurred_at >= a.raised_at
  RETURNING a.id, a.alarm_ref
)
INSERT INTO hazards_alarmevent (source_id, event_id, kind, alarm_id, body_digest, status_code, answer, received_at)
SELECT %(source)s, c.event_id, 'clear', done.id, c.digest, 200,
       jsonb_build_object('event_id', c.event_id, 'result', 'cleared', 'alarm_id', done.id,
                          'alarm_ref', done.alarm_ref, 'state', 'cleared'), %(now)s
  FROM c JOIN done ON done.alarm_ref = c.alarm_ref
RETURNING event_id, alarm_id
"""


def _bulk(sql: str, params: dict[str, Any]) -> dict[str, int]:
    """One bulk statement of a message, autocommitted (inside a transaction — the tests' — a savepoint keeps a failure
    to itself); {event_id: alarm_id} of the rows it wrote, none if a concurrent request logged one of its event ids
    first (the message's events are then answered one by one)."""
    try:
        with connection.cursor() as cursor:
            if connection.in_atomic_block:
                with transaction.atomic():
                    cursor.execute(sql, params)
            else:
                cursor.execute(sql, params)
            return dict(cursor.fetchall())
    except IntegrityError:
        return {}


def _clear_open(source: AlarmSource, clears: list[ar.Message], now: dt.datetime,
                clear_minutes: int) -> dict[int, Answer]:
    """The clearings of one message for open alarms, stored together (PostgreSQL); their answers by message."""
    params: dict[str, Any] = {
        "source": source.pk, "now": now, "minutes": clear_minutes,
        "event_id": [m.event_id for m in clears], "alarm_ref": [m.alarm_ref for m in clears],
        "occurred_at": [m.occurred_at for m in clears], "digest": [m.digest for m in clears]}
    stored = _bulk(_CLEAR, params)
    return {id(m): Answer(200, {"event_id": m.event_id, "result": "cleared", "alarm_id": stored[m.event_id],
                                "alarm_ref": m.alarm_ref, "state": Alarm.State.CLEARED})
            for m in clears if m.event_id in stored}


def _store_new_orm(source: AlarmSource, fresh: list[ar.Message]) -> dict[int, Answer]:
    """`_store_new` on a database without data-modifying CTEs (SQLite, the tests' default): two bulk inserts."""
    try:
        with transaction.atomic():
            alarms = Alarm.objects.bulk_create([Alarm(
                source_id=source.pk, enterprise_id=source.enterprise_id, region_id=source.region_id,
                risk_point_id=m.risk_point_id, alarm_ref=m.alarm_ref, tag=m.tag, level=m.level, value=m.value,
                unit=m.unit, message=m.text, raised_at=m.occurred_at) for m in fresh])
            answers = [_alarm_answer(m, a, "accepted") for m, a in zip(fresh, alarms, strict=True)]
            AlarmEvent.objects.bulk_create([AlarmEvent(
                source_id=source.pk, event_id=m.event_id, kind=m.kind, alarm=a, body_digest=m.digest,
                status_code=202, answer=answer) for m, a, answer in zip(fresh, alarms, answers, strict=True)])
    except IntegrityError:
        return {}
    return {id(m): Answer(202, answer) for m, answer in zip(fresh, answers, strict=True)}


def _one_message(source: AlarmSource, message: ar.Message, clear_minutes: int, points: set[int]) -> Answer:
    for attempt in (1, 2, 3):
        try:
            with transaction.atomic():
                # first attempt: no look-up of the alarm reference (the unique constraint tells a repeat)
                status, answer, alarm = (_raise(source, message, points, look_up=attempt > 1)
                                         if message.kind == "raise" else _clear(source, message, clear_minutes))
                # the unique (source, event_id) refuses a repeat here, rolling back what it did above: a new
                # event (the common case) costs no look-up first
                AlarmEvent.objects.create(source_id=source.pk, event_id=message.event_id, kind=message.kind,
                                          alarm=alarm, body_digest=message.digest, status_code=status, answer=answer)
        except ar.Refusal as refusal:
            stored = _stored_answer(source, message)  # a repeat of an accepted event answers as it did then
            return stored if stored is not None else Answer(refusal.status, refusal.answer(message.event_id))
        except IntegrityError:
            # a repeat of this event id, or the same alarm reference raised at the same moment by another
            # request: answer the stored result, or try again (the alarm now exists)
            stored = _stored_answer(source, message)
            if stored is not None:
                return stored
            if attempt == 3:
                raise
            continue
        return Answer(status, answer)
    raise AssertionError("unreachable")


def _stored_answer(source: AlarmSource, message: ar.Message) -> Answer | None:
    event = (AlarmEvent.objects.filter(source_id=source.pk, event_id=message.event_id)
             .only("body_digest", "status_code", "answer").first())
    if event is None:
        return None
    if event.body_digest != message.digest:
        return _reused(message.event_id)
    return Answer(event.status_code, event.answer, replayed=True)


def _reused(event_id: str) -> Answer:
    return Answer(409, {"detail": "该事件编号已用于内容不同的报文，请为新事件使用新的编号", "code": "event_id_reused",
                        "event_id": event_id})


def _alarm_answer(message: ar.Message, alarm: Alarm, result: str) -> dict[str, Any]:
    return {"event_id": message.event_id, "result": result, "alarm_id": alarm.pk, "alarm_ref": alarm.alarm_ref,
            "state": alarm.state}


def _raise(source: AlarmSource, message: ar.Message, points: set[int], *,
           look_up: bool) -> tuple[int, dict[str, Any], Alarm]:
    """A new alarm against a risk point of the source's own enterprise (`points`: those of the message that are
    the enterprise's; another enterprise's point is refused with the same words as a missing one). The same alarm
    reference raised again is the same alarm (`look_up`: after the unique constraint refused the insert)."""
    point = message.risk_point_id
    if point not in points:
        raise ar.Refusal(422, "unknown_risk_point", "风险点不存在或不属于本企业", field="risk_point_id")
    existing = Alarm.objects.filter(source_id=source.pk, alarm_ref=message.alarm_ref).first() if look_up else None
    if existing is not None:
        if existing.risk_point_id != point:
            raise ar.Refusal(409, "alarm_ref_reused", "该报警编号已用于其他风险点的报警", field="alarm_ref")
        return 200, _alarm_answer(message, existing, "already_raised"), existing
    alarm = Alarm.objects.create(
        source_id=source.pk, enterprise_id=source.enterprise_id, region_id=source.region_id, risk_point_id=point,
        alarm_ref=message.alarm_ref, tag=message.tag, level=message.level, value=message.value, unit=message.unit,
        message=message.text, raised_at=message.occurred_at)
    return 202, _alarm_answer(message, alarm, "accepted"), alarm


def _clear(source: AlarmSource, message: ar.Message, clear_minutes: int) -> tuple[int, dict[str, Any], Alarm]:
    """The monitoring system reports the alarm cleared (消警). Cleared in time: the alarm is settled and never
    becomes a lead. Already a lead: the clearing goes on the hazard's timeline (the lead stays)."""
    alarm = Alarm.objects.select_for_update().filter(source_id=source.pk, alarm_ref=message.alarm_ref).first()
    if alarm is None:
        raise ar.Refusal(422, "unknown_alarm", "未找到该报警编号的报警，无法消除", field="alarm_ref")
    if alarm.cleared_at is not None:
        return 200, _alarm_answer(message, alarm, "already_cleared"), alarm
    if message.occurred_at < alarm.raised_at:
        raise ar.Refusal(400, "invalid", "消除时间不能早于报警时间", field="occurred_at")
    updates: dict[str, Any] = {"cleared_at": message.occurred_at}
    if alarm.state == Alarm.State.OPEN:
        updates["state"] = Alarm.State.CLEARED
        if ar.cleared_in_time(alarm.raised_at, message.occurred_at, clear_minutes):
            updates["settled"] = True
    Alarm.objects.filter(pk=alarm.pk).update(**updates)
    for name, value in updates.items():
        setattr(alarm, name, value)
    if alarm.hazard is not None:
        record_history(alarm.hazard, actor=None, action="alarm_cleared", label="监测报警已消除",
                       note=f"监测系统报告报警 {alarm.alarm_ref} 于 {timezone.localtime(message.occurred_at):%Y-%m-%d %H:%M}"
                            " 消除")
    return 200, _alarm_answer(message, alarm, "cleared"), alarm


# ---------------------------------------------------------------------------------------------------------------
# The sweep


def alarm_lead_sweep(now: dt.datetime | None = None) -> int:
    """Turn each alarm not cleared within `hazards.alarm_clear_minutes` into a hazard lead (source 监测报警) of its
    enterprise, linked to its risk point. Exactly once: the alarm is claimed by a conditional UPDATE of `settled`
    in the transaction that reports the hazard, so two workers never make two leads; a late clearing (after the
    time) still makes a lead, an in-time one is only settled."""
    now = now or timezone.now()
    minutes = int(rule("hazards.alarm_clear_minutes", timezone.localdate(now)))
    cutoff = now - dt.timedelta(minutes=minutes)
    candidates = list(Alarm.objects.filter(settled=False, raised_at__lte=cutoff)
                      .values_list("pk", "raised_at", "cleared_at").order_by("raised_at")[:2000])
    leads = 0
    for pk, raised_at, cleared_at in candidates:
        if ar.cleared_in_time(raised_at, cleared_at, minutes):
            Alarm.objects.filter(pk=pk, settled=False).update(settled=True)
            continue
        with transaction.atomic():
            if not Alarm.objects.filter(pk=pk, settled=False).update(settled=True, state=Alarm.State.LEAD):
                continue
            alarm = Alarm.objects.select_related("risk_point", "enterprise", "source").get(pk=pk)
            alarm.hazard = _lead(alarm, minutes)
            Alarm.objects.filter(pk=pk).update(hazard=alarm.hazard)
            leads += 1
    if leads:
        audit(None, "hazards.alarm_leads", summary=f"监测报警超时未消除转隐患线索 {leads} 项", data={"count": leads})
    return leads


def _lead(alarm: Alarm, minutes: int) -> Any:
    point = alarm.risk_point
    raised = timezone.localtime(alarm.raised_at)
    reading = f"，监测值 {alarm.value.normalize():f}{alarm.unit}" if alarm.value is not None else ""
    description = (f"{alarm.source.name}于 {raised:%Y-%m-%d %H:%M} 报告{alarm.get_level_display()}"
                   f"（报警编号 {alarm.alarm_ref}{'，位号 ' + alarm.tag if alarm.tag else ''}{reading}）"
                   f"{'：' + alarm.message if alarm.message else ''}，超过 {minutes} 分钟未消除。"
                   "请核查报警原因，确认是否存在事故隐患并制定整改方案。")
    return hazard_report(actor=None, enterprise=alarm.enterprise, source=HazardSource.ALARM,
                         title=f"{point.name}{alarm.get_level_display()}超时未消除"[:200], found_on=raised.date(),
                         description=description, location=point.name[:120], source_record=alarm, risk_point=point)
