"""Pure rules of the alarm webhook (no database): the signature, the timestamp window and the shape of a message.

The contract (docs/hazards.md, 「监测报警接入」): the monitoring system signs `<timestamp>.<raw body>` with
HMAC-SHA256 under its secret and sends the key id, the timestamp (Unix seconds) and the hex signature in headers; a
message older or newer than the window (rule `hazards.alarm_signature_window_seconds`) is refused, so a captured
request cannot be replayed later, and within the window the event id makes a repeat harmless (idempotent)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

SIGNATURE_PREFIX = "sha256="
LEVELS = ("low", "high", "highhigh", "fault")
KINDS = ("raise", "clear")


class Refusal(Exception):
    """A message refused before anything is written: HTTP status, machine code and a Chinese message."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field

    def answer(self, event_id: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {"detail": self.message, "code": self.code}
        if self.field:
            out["field"] = self.field
        if event_id is not None:
            out["event_id"] = event_id
        return out


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature a sender puts in `X-Alarm-Signature`: sha256=<hex HMAC-SHA256(secret, timestamp "." body)>."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return SIGNATURE_PREFIX + mac.hexdigest()


def check_signature(secret: str, timestamp: str, body: bytes, signature: str) -> None:
    """Refuse a wrong signature (constant-time comparison)."""
    if not hmac.compare_digest(sign(secret, timestamp, body), signature.strip()):
        raise Refusal(401, "bad_signature", "签名校验失败")


def check_timestamp(timestamp: str, now: dt.datetime, window_seconds: int) -> dt.datetime:
    """The header timestamp, refused outside ± the window around the server's clock (replay protection)."""
    try:
        seconds = int(timestamp)
    except (TypeError, ValueError):
        raise Refusal(401, "bad_timestamp", "时间戳格式错误（应为 Unix 秒数）") from None
    try:
        sent = dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
    except (OverflowError, OSError, ValueError):
        raise Refusal(401, "bad_timestamp", "时间戳格式错误（应为 Unix 秒数）") from None
    if abs((now - sent).total_seconds()) > window_seconds:
        raise Refusal(401, "stale_timestamp", f"时间戳超出允许的 {window_seconds} 秒误差范围，请校准时钟后重发")
    return sent


@dataclass(frozen=True)
class Message:
    """One validated event of a webhook body."""

    event_id: str
    kind: str
    alarm_ref: str
    occurred_at: dt.datetime
    risk_point_id: int = 0  # raise only
    level: str = ""
    tag: str = ""
    value: Decimal | None = None
    unit: str = ""
    text: str = ""
    digest: str = ""


def parse_body(body: bytes, batch_max: int) -> tuple[list[dict[str, Any]], bool]:
    """The events of a body and whether it is a batch: one object, or {"events": [...]} with 1 to `batch_max`
    objects."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise Refusal(400, "bad_json", "报文不是有效的 UTF-8 JSON") from None
    if isinstance(data, dict) and "events" in data:
        events = data["events"]
        if not isinstance(events, list) or not events:
            raise Refusal(400, "bad_batch", "events 须为非空数组", field="events")
        if len(events) > batch_max:
            raise Refusal(400, "batch_too_large", f"一次最多报送 {batch_max} 条事件", field="events")
        if not all(isinstance(e, dict) for e in events):
            raise Refusal(400, "bad_batch", "events 的每一项须为对象", field="events")
        return events, True
    if isinstance(data, dict):
        return [data], False
    raise Refusal(400, "bad_json", "报文须为 JSON 对象")


def _text(raw: dict[str, Any], name: str, label: str, limit: int, *, required: bool = False) -> str:
    value = raw.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Refusal(400, "invalid", f"{label}须为字符串", field=name)
    value = value.strip()
    if required and not value:
        raise Refusal(400, "invalid", f"缺少{label}", field=name)
    if len(value) > limit:
        raise Refusal(400, "invalid", f"{label}不能超过 {limit} 个字符", field=name)
    return value


def parse_message(raw: dict[str, Any], now: dt.datetime, skew_seconds: int) -> Message:
    """Validate one event: every field with a Chinese message; the occurrence time may not lie in the future
    (beyond the clock skew the window allows)."""
    event_id = _text(raw, "event_id", "事件编号 event_id", 64, required=True)
    kind = _text(raw, "type", "事件类型 type", 8, required=True)
    if kind not in KINDS:
        raise Refusal(400, "invalid", "事件类型 type 须为 raise（报警）或 clear（消除）", field="type")
    alarm_ref = _text(raw, "alarm_ref", "报警编号 alarm_ref", 64, required=True)
    occurred_raw = _text(raw, "occurred_at", "发生时间 occurred_at", 40, required=True)
    try:
        occurred_at = dt.datetime.fromisoformat(occurred_raw)
    except ValueError:
        raise Refusal(400, "invalid", "发生时间 occurred_at 须为带时区的 ISO 8601 时间", field="occurred_at") from None
    if occurred_at.tzinfo is None:
        raise Refusal(400, "invalid", "发生时间 occurred_at 须带时区（如 +08:00）", field="occurred_at")
    if occurred_at > now + dt.timedelta(seconds=skew_seconds):
        raise Refusal(400, "invalid", "发生时间 occurred_at 不能晚于当前时间", field="occurred_at")
    digest = hashlib.sha256(json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()
    if kind == "clear":
        return Message(event_id=event_id, kind=kind, alarm_ref=alarm_ref, occurred_at=occurred_at, digest=digest)
    point = raw.get("risk_point_id")
    if isinstance(point, bool) or not isinstance(point, int) or not 0 < point < 2**63:
        raise Refusal(400, "invalid", "报警须注明风险点编号 risk_point_id（正整数）", field="risk_point_id")
    level = _text(raw, "level", "报警级别 level", 10, required=True)
    if level not in LEVELS:
        raise Refusal(400, "invalid", "报警级别 level 须为 low、high、highhigh 或 fault", field="level")
    value: Decimal | None = None
    if raw.get("value") is not None:
        if isinstance(raw["value"], bool) or not isinstance(raw["value"], (int, float, str)):
            raise Refusal(400, "invalid", "监测值 value 须为数值", field="value")
        try:
            value = Decimal(str(raw["value"]))
        except InvalidOperation:
            raise Refusal(400, "invalid", "监测值 value 须为数值", field="value") from None
        if not value.is_finite() or abs(value) >= Decimal("1e10"):
            raise Refusal(400, "invalid", "监测值 value 超出范围", field="value")
        value = value.quantize(Decimal("0.0001"))
    return Message(event_id=event_id, kind=kind, alarm_ref=alarm_ref, occurred_at=occurred_at,
                   risk_point_id=point, level=level, tag=_text(raw, "tag", "测点位号 tag", 64),
                   value=value, unit=_text(raw, "unit", "单位 unit", 16),
                   text=_text(raw, "message", "报警内容 message", 200), digest=digest)


def cleared_in_time(raised_at: dt.datetime, cleared_at: dt.datetime | None, clear_minutes: int) -> bool:
    """An alarm cleared no later than `clear_minutes` after it was raised does not become a lead."""
    return cleared_at is not None and cleared_at <= raised_at + dt.timedelta(minutes=clear_minutes)


def lead_due(raised_at: dt.datetime, now: dt.datetime, clear_minutes: int) -> bool:
    """The time to clear has run out (rule `hazards.alarm_clear_minutes`)."""
    return now >= raised_at + dt.timedelta(minutes=clear_minutes)
