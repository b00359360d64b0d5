"""Pure rules of the petition loop."""

from __future__ import annotations

import datetime as dt
import secrets

from django.utils import timezone

from bureau.kernel.calendar import add_working_days

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read out on the phone


def new_check_code(length: int = 8) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def due_after(start: dt.datetime, amount: int, unit: str) -> tuple[dt.datetime, bool]:
    """The handling deadline: `amount` hours after `start` (urgent tickets), or the end of the `amount`-th working
    day after the day of `start` (the start day is not counted, as in 行政许可法 第42条 counting)."""
    if unit == "hours":
        return start + dt.timedelta(hours=amount), False
    local = timezone.localtime(start)
    deadline = add_working_days(local.date(), amount)
    end = dt.datetime.combine(deadline.date, dt.time(23, 59, 59), tzinfo=local.tzinfo)
    return end, deadline.provisional


def matches(rule_category_id: int | None, rule_region_id: str | None, keywords: str, *, category_id: int,
            region_id: str, text: str) -> bool:
    """A routing rule matches when each of its non-empty conditions matches the ticket."""
    if rule_category_id and rule_category_id != category_id:
        return False
    if rule_region_id and rule_region_id != region_id:
        return False
    words = [w for w in (keywords or "").split() if w]
    return not words or any(w in text for w in words)


def within_return_window(today: dt.date, return_until: dt.date | None) -> bool:
    """退回: a wrongly dispatched ticket may be returned only within its window (domain §7: 2 working days)."""
    return return_until is not None and today <= return_until


def escalation_due(state: str, *, now: dt.datetime, dispatch_due_at: dt.datetime | None,
                   accept_due_at: dt.datetime | None, due_at: dt.datetime | None,
                   last_escalated_at: dt.datetime | None, repeat: dt.timedelta) -> str | None:
    """Why an open ticket is escalated now, or None. Every open state has a deadline (国办发〔2020〕53号：工单
    限时派单、签收、办结并督办): not dispatched by its dispatch deadline, not signed for by its sign-for deadline,
    not answered by its handling deadline; repeated every `repeat` until someone acts (an action clears
    `last_escalated_at`)."""
    if state in {"received", "returned"}:
        deadline, reason = dispatch_due_at, "超过派单时限未派单"
    elif state == "dispatched":
        deadline, reason = accept_due_at, "超过签收时限未签收"
        if due_at is not None and (deadline is None or due_at < deadline):
            deadline, reason = due_at, "超过办理时限未办结"
    elif state in {"handling", "reopened", "supervised"}:
        deadline, reason = due_at, "超过办理时限未办结"
    else:
        return None
    if deadline is None or now < deadline:
        return None
    if last_escalated_at is not None and now < last_escalated_at + repeat:
        return None
    return reason


def retry_delay(attempts: int, base_seconds: int = 30, cap_seconds: int = 6 * 3600) -> dt.timedelta:
    """Exponential backoff of a failed 12345 delivery: 30 s, 1 min, 2 min … capped at 6 h."""
    return dt.timedelta(seconds=min(cap_seconds, base_seconds * 2 ** max(0, attempts - 1)))


def check_coordinates(latitude: float | None, longitude: float | None) -> str | None:
    """Both or neither; within the globe (WGS-84 degrees as the phone's navigator.geolocation gives them)."""
    if latitude is None and longitude is None:
        return None
    if latitude is None or longitude is None:
        return "位置坐标不完整，请重新获取位置"
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return "位置坐标无效，请重新获取位置"
    return None
