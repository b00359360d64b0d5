"""Input bounds shared by every area: ids and numbers from requests, control characters in text, dates of past
events. Each check answers a Chinese message (a DomainError, 400) instead of letting a bad value reach the
database, where an out-of-range integer or a NUL character crashes the query (500) or is stored."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from bureau.kernel.errors import DomainError
from bureau.kernel.rules import cached_rule

# Primary keys are 64-bit signed integers on PostgreSQL and SQLite: larger numbers cannot name a row.
MAX_ID = 2**63 - 1
# URL path ids: 18 digits always fit in 64 bits (19 may not), so the path converter needs no arithmetic.
PATH_ID_DIGITS = 18

# Refused everywhere: C0 controls except tab, line feed and carriage return (which a textarea sends), DEL and C1.
_HARD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Refused in single-line fields as well: tab, line breaks and the Unicode line/paragraph separators.
_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# The same single-line rule as a JSON-schema pattern (documented in the OpenAPI schema, used by generated clients).
LINE_PATTERN = r"^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]*$"
TEXT_PATTERN = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"


def control_character(value: str, *, multiline: bool = False) -> str | None:
    """The first forbidden character of `value` as 'U+XXXX', or None when the text is clean. Multi-line text may
    hold tabs and line breaks; single-line text (names, titles, numbers, search words) may not."""
    found = (_HARD if multiline else _LINE).search(value)
    return f"U+{ord(found.group()):04X}" if found else None


def control_character_message(label: str, code: str) -> str:
    return f"{label}不能包含控制字符或换行符（{code}）"


def check_text(value: str | None, *, field: str, label: str = "", multiline: bool = False) -> None:
    """Refuse control characters in one text input (DomainError naming the field)."""
    if not value:
        return
    code = control_character(value, multiline=multiline)
    if code:
        raise DomainError(control_character_message(label or field, code), field=field)


def check_request_texts(params: Mapping[str, Any], *, multiline: bool) -> tuple[str, str] | None:
    """(field, code) of the first value of a QueryDict (or dict of lists) holding a forbidden character."""
    lists = params.lists() if hasattr(params, "lists") else ((k, v if isinstance(v, list) else [v])
                                                              for k, v in params.items())
    for key, values in lists:
        code = control_character(str(key))
        if code:
            return str(key)[:40], code
        for value in values:
            if isinstance(value, str):
                code = control_character(value, multiline=multiline)
                if code:
                    return key, code
    return None


def parse_id(value: Any, *, field: str, label: str = "") -> int | None:
    """An id from a request parameter: None when empty, else 1 ≤ id ≤ 2^63−1, or a DomainError (400)."""
    if value is None or value == "":
        return None
    return parse_int(value, field=field, label=label or field, minimum=1, maximum=MAX_ID)


def parse_int(value: Any, *, field: str, label: str = "", minimum: int = 0, maximum: int = MAX_ID) -> int:
    """A whole number from a request parameter within [minimum, maximum], or a DomainError (400)."""
    label = label or field
    if isinstance(value, bool):
        raise DomainError(f"{label}应为整数", field=field)
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not re.fullmatch(r"[+-]?[0-9]{1,30}", text):
            raise DomainError(f"{label}应为整数", field=field)
        number = int(text)
    if not minimum <= number <= maximum:
        raise DomainError(f"{label}应在 {minimum} 至 {maximum} 之间", field=field)
    return number


def id_param(params: Mapping[str, Any], key: str, label: str = "") -> int | None:
    """params[key] as an id (query dicts of views and exports, dicts of the API)."""
    return parse_id(params.get(key), field=key, label=label)


# The working-day calendar's range (kernel.calendar.year_days): dates outside it cannot be counted or reported on.
FIRST_DAY = dt.date(1990, 1, 1)
LAST_DAY = dt.date(2199, 12, 31)


def check_day_range(value: dt.date, *, field: str, label: str = "") -> dt.date:
    """A date a page or a report reads lies within the calendar's range (1990—2199), or a DomainError (400)."""
    if not FIRST_DAY <= value <= LAST_DAY:
        raise DomainError(f"{label or field}应在 {FIRST_DAY.isoformat()} 至 {LAST_DAY.isoformat()} 之间", field=field)
    return value


def earliest_event_date() -> dt.date:
    """The earliest date a past event recorded on the platform may carry (rule kernel.earliest_event_date)."""
    return dt.date.fromisoformat(str(cached_rule("kernel.earliest_event_date")))


def check_event_date(value: dt.date | dt.datetime | None, *, field: str, label: str,
                     today: dt.date | None = None) -> None:
    """A past event (found, inspected, received, handled) happened neither in the future nor before the
    platform's earliest sane date; a DomainError (400) naming the field otherwise."""
    if value is None:
        return
    from django.utils import timezone

    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    today = today or timezone.localdate()
    if value > today:
        raise DomainError(f"{label}不能晚于今天", code="date_in_future", field=field)
    first = earliest_event_date()
    if value < first:
        raise DomainError(f"{label}不能早于 {first.isoformat()}，请核对日期", code="date_too_early", field=field)

