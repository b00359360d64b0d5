"""The working-day clock.

Sources, in order of precedence for a day:
1. an administrator's CalendarDay row (holiday on a weekday, or make-up working day 调休 on a weekend);
2. the State Council arrangement carried by the `chinesecalendar` package (2004–2026 at the pinned version), or a
   year the administrator has marked published (CalendarYear.published);
3. for a year not yet published: weekends plus the statutory holidays (全国年节及纪念日放假办法, 2025 revision;
   lunar dates and solar terms computed by the `holidays` package with observed days off). Such dates are
   *provisional* and are marked so wherever shown; `recompute_provisional_deadlines` runs when a year is entered.

行政许可法 第42条 and others count "N working days" from the day after the start: the start day is not counted.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import datetime as dt
import functools
import threading
import time
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import chinese_calendar
import holidays as holidays_pkg

from bureau.kernel.models import CalendarDay, CalendarYear
from bureau.kernel.shared_version import SharedVersion

CACHE_TTL_SECONDS = 60
_VERSION_KEY = "kernel:calendar:version"
# The shared version is read at most once per request (begin_request) and otherwise at most once a second: a page
# counting fifty countdowns asks the shared cache (a network round trip with Redis) once, not once per lookup.
VERSION_RECHECK_SECONDS = 1.0


@dataclass(frozen=True)
class Deadline:
    """A computed date and whether it rests on a provisional (unpublished) holiday arrangement."""

    date: dt.date
    provisional: bool


@dataclass(frozen=True)
class Count:
    count: int
    provisional: bool


@dataclass(frozen=True)
class YearDays:
    year: int
    off_weekdays: frozenset[dt.date]
    working_weekend_days: frozenset[dt.date]
    provisional: bool
    names: dict[dt.date, str]

    def is_working(self, day: dt.date) -> bool:
        if day.weekday() >= 5:
            return day in self.working_weekend_days
        return day not in self.off_weekdays

    @cached_property
    def _prefix(self) -> list[int]:
        """prefix[i]: working days among the year's first i days (built once per cached year)."""
        counts = [0]
        day = dt.date(self.year, 1, 1)
        while day.year == self.year:
            counts.append(counts[-1] + (1 if self.is_working(day) else 0))
            day += dt.timedelta(days=1)
        return counts

    @cached_property
    def _origin(self) -> int:
        return dt.date(self.year, 1, 1).toordinal()

    def working_between(self, first: dt.date, last: dt.date) -> int:
        """Working days from `first` to `last`, both inclusive and in this year: two lookups, no walk."""
        origin = self._origin
        return self._prefix[last.toordinal() - origin + 1] - self._prefix[first.toordinal() - origin]

    def working_through(self, day: dt.date) -> int:
        """Working days from 1 January up to and including `day` (a day of this year)."""
        return self._prefix[day.toordinal() - self._origin + 1]

    def nth_working(self, n: int) -> dt.date | None:
        """The year's `n`-th working day (n ≥ 1), or None when the year has fewer: a binary search of the prefix."""
        prefix = self._prefix
        if n > prefix[-1]:
            return None
        return dt.date.fromordinal(self._origin + bisect_left(prefix, n) - 1)


class CalendarError(ValueError):
    """Bad input to the clock (shown to the user in Chinese)."""


_lock = threading.Lock()
_cache: dict[int, tuple[float, int, YearDays]] = {}
_shared = SharedVersion(_VERSION_KEY, VERSION_RECHECK_SECONDS)


def invalidate() -> None:
    """Forget cached years here and, through the shared cache, in every other process."""
    with _lock:
        _cache.clear()
    _shared.bump()


def begin_request() -> None:
    """Read the shared version again at the next lookup (kernel RequestContextMiddleware calls this once per
    request, so a change another process made is seen by the next request here)."""
    _shared.begin_request()


def _version(now: float) -> int:
    return _shared.current(now)


def _package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def _statutory_holidays(year: int) -> dict[dt.date, str]:
    # 全国年节及纪念日放假办法 (2025 revision): the statutory days only, without observed or make-up days.
    return dict(holidays_pkg.China(years=year, observed=False, language="zh_CN").items())


@functools.lru_cache(maxsize=64)
def _package_days(year: int) -> tuple[frozenset[dt.date], frozenset[dt.date], tuple[tuple[dt.date, str], ...], bool]:
    """The year as the installed packages publish it (off weekdays, working weekend days, their names, provisional):
    a pure function of the year and the packages, computed once per process (≈ 10 ms a year)."""
    off: set[dt.date] = set()
    working: set[dt.date] = set()
    names: dict[dt.date, str] = {}
    provisional = False
    if _package_knows(year):
        day = dt.date(year, 1, 1)
        while day.year == year:
            is_work = chinese_calendar.is_workday(day)
            if day.weekday() >= 5 and is_work:
                working.add(day)
                names[day] = "调休上班"
            elif day.weekday() < 5 and not is_work:
                off.add(day)
                _, name = chinese_calendar.get_holiday_detail(day)
                names[day] = str(name or "节假日")
            day += dt.timedelta(days=1)
    else:
        provisional = True
        for day, name in _statutory_holidays(year).items():
            if day.weekday() < 5:
                off.add(day)
            names[day] = name
    return frozenset(off), frozenset(working), tuple(names.items()), provisional


def _build_year(year: int) -> YearDays:
    overrides = {row.date: row for row in CalendarDay.objects.filter(date__year=year)}
    published_row = CalendarYear.objects.filter(year=year, published=True).exists()
    off: set[dt.date] = set()
    working: set[dt.date] = set()
    names: dict[dt.date, str] = {}
    provisional = False
    if not published_row:  # a published year: the administrator's rows below are the whole arrangement
        package_off, package_working, package_names, provisional = _package_days(year)
        off, working, names = set(package_off), set(package_working), dict(package_names)
    for day, row in overrides.items():
        off.discard(day)
        working.discard(day)
        if row.is_working_day and day.weekday() >= 5:
            working.add(day)
        elif not row.is_working_day and day.weekday() < 5:
            off.add(day)
        names[day] = row.name or ("调休上班" if row.is_working_day else "休息")
    return YearDays(year, frozenset(off), frozenset(working), provisional, names)


def year_days(year: int) -> YearDays:
    if year < 1990 or year > 2200:
        raise CalendarError("日期超出工作日历支持的范围（1990—2200年）")
    now = time.monotonic()
    version = _version(now)
    hit = _cache.get(year)  # a dict read is atomic; the lock guards the writes
    if hit and hit[0] > now and hit[1] == version:
        return hit[2]
    days = _build_year(year)
    with _lock:
        _cache[year] = (now + CACHE_TTL_SECONDS, version, days)
    return days


def is_working_day(day: dt.date) -> tuple[bool, bool]:
    """(is it a working day, is that answer provisional)."""
    yd = year_days(day.year)
    return yd.is_working(day), yd.provisional


Pause = tuple[dt.date, dt.date]


def add_working_days(start: dt.date, days: int, pauses: Iterable[Pause] = ()) -> Deadline:
    """The `days`-th working day after `start` (start not counted), skipping paused intervals (inclusive).

    行政许可法 第42条/第45条: expert review, hearings, testing stop the clock; these are the `pauses`.
    """
    if days < 0:
        raise CalendarError("工作日数不能为负数")
    if days > 3650:
        raise CalendarError("工作日数过大（不超过3650）")
    pause_list = _merged(pauses)
    provisional = year_days(start.year).provisional
    day, need = start, days
    while need > 0:
        # jump `need` working days ahead by the prefix tables, then go on by as many as a pause swallowed
        after, touched_provisional = _nth_working_after(day, need)
        provisional = provisional or touched_provisional
        first = day + dt.timedelta(days=1)
        need = sum(_working_in(max(lo, first), min(hi, after))[0] for lo, hi in pause_list
                   if max(lo, first) <= min(hi, after))
        day = after
    return Deadline(day, provisional)


def _nth_working_after(day: dt.date, n: int) -> tuple[dt.date, bool]:
    """The `n`-th working day after `day` (n ≥ 1) and whether a provisional year was touched on the way."""
    yd = year_days(day.year)
    provisional = yd.provisional
    target = yd.working_through(day) + n
    while (found := yd.nth_working(target)) is None:
        target -= yd.working_through(dt.date(yd.year, 12, 31))
        yd = year_days(yd.year + 1)
        provisional = provisional or yd.provisional
    return found, provisional


def _working_in(first: dt.date, last: dt.date) -> tuple[int, bool]:
    """Working days from `first` to `last` inclusive (first ≤ last), and whether a provisional year is involved:
    one prefix-count lookup per year instead of a walk day by day."""
    total, provisional = 0, False
    for year in range(first.year, last.year + 1):
        yd = year_days(year)
        total += yd.working_between(max(first, dt.date(year, 1, 1)), min(last, dt.date(year, 12, 31)))
        provisional = provisional or yd.provisional
    return total, provisional


def _merged(pauses: Iterable[Pause]) -> list[Pause]:
    merged: list[Pause] = []
    for start, end in sorted(pauses):
        if merged and start <= merged[-1][1] + dt.timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        elif start <= end:
            merged.append((start, end))
    return merged


def count_working_days(start: dt.date, end: dt.date, pauses: Iterable[Pause] = ()) -> Count:
    """Working days after `start` up to and including `end`; negative when `end` is before `start`. Paused
    intervals (inclusive) do not count."""
    if (end - start).days > 36500 or (start - end).days > 36500:
        raise CalendarError("日期区间过长")
    if end < start:
        result = count_working_days(end, start, pauses)
        return Count(-result.count, result.provisional)
    if end == start:
        return Count(0, False)
    first = start + dt.timedelta(days=1)
    counted, provisional = _working_in(first, end)
    for pause_start, pause_end in _merged(pauses):
        lo, hi = max(pause_start, first), min(pause_end, end)
        if lo <= hi:
            counted -= _working_in(lo, hi)[0]
    return Count(counted, provisional)


def working_days_left(due: dt.date, today: dt.date) -> int:
    """Positive: working days remaining until `due` (inclusive); negative: working days overdue."""
    if today <= due:
        return count_working_days(today, due).count
    return -count_working_days(due, today).count


def countdown_label(due: dt.date | None, today: dt.date | None = None, *,
                    calendar_days: bool = False) -> tuple[str, str]:
    """The house countdown text and chip colour: 剩余 N 个工作日 / 已超期 N 个工作日; with `calendar_days` (limits the
    law counts in days, e.g. the 15 days to pay a fine) 剩余 N 天 / 已超期 N 天."""
    if due is None:
        return "", "stopped"
    today = today or dt.date.today()
    left = (due - today).days if calendar_days else working_days_left(due, today)
    unit = "天" if calendar_days else "个工作日"
    if left < 0:
        return f"已超期 {-left} {unit}", "overdue"
    if left == 0:
        return "今日到期", "due"
    if left <= 3:
        return f"剩余 {left} {unit}", "due"
    return f"剩余 {left} {unit}", "running"


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day `months` later (or earlier); the 29th–31st fall back to the month's last day (limits the law counts
    in months: validity periods, 起诉期限). 2024-02-29 + 12 months → 2025-02-28; 2023-03-31 − 1 month → 2023-02-28."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, _stdlib_calendar.monthrange(year, month)[1]))
