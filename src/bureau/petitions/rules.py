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
