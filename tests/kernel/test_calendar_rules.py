"""The working-day clock: statutory holidays, make-up days (调休), provisional years, pauses."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from bureau.kernel import calendar
from bureau.kernel.calendar import countdown_label
from bureau.kernel.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db

D = dt.date


def test_start_day_is_not_counted_and_national_day_is_skipped():
    # 2026-09-30 (Wed) + 1 working day: 10-01..10-07 are the National Day holiday, 10-08 is the first working day
    assert calendar.add_working_days(D(2026, 9, 30), 1) == calendar.Deadline(D(2026, 10, 8), False)


@pytest.mark.parametrize("day", [D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20),
                                 D(2026, 10, 10)])
def test_known_2026_make_up_days_are_working_days(day):
    assert day.weekday() >= 5
    assert calendar.is_working_day(day) == (True, False)


def test_a_year_without_published_arrangement_is_provisional_but_keeps_statutory_holidays():
    # 2027: the package has no data; Spring Festival (2027-02-06 .. 02-08) is computed from the lunar calendar
    working, provisional = calendar.is_working_day(D(2027, 2, 8))
    assert (working, provisional) == (False, True)
    assert calendar.add_working_days(D(2027, 9, 30), 1).provisional is True


def test_entering_a_year_replaces_the_provisional_answer():
    CalendarDay.objects.create(date=D(2027, 2, 20), is_working_day=True, name="春节调休")
    CalendarYear.objects.create(year=2027, published=True, source="测试通知")
    assert calendar.is_working_day(D(2027, 2, 20)) == (True, False)
    # with the year published only the administrator's rows define holidays
    assert calendar.is_working_day(D(2027, 2, 8)) == (True, False)


def test_pauses_stop_the_clock():
    start = D(2026, 11, 2)  # Monday
    plain = calendar.add_working_days(start, 5).date
    paused = calendar.add_working_days(start, 5, pauses=[(D(2026, 11, 3), D(2026, 11, 4))]).date
    assert calendar.count_working_days(plain, paused).count == 2


def test_count_is_negative_when_end_precedes_start():
    assert calendar.count_working_days(D(2026, 11, 10), D(2026, 11, 3)).count == -5


def test_bad_input_is_refused():
    with pytest.raises(calendar.CalendarError):
        calendar.add_working_days(D(2026, 1, 1), -1)


@hsettings(max_examples=60, deadline=None)
@given(start=st.dates(min_value=D(2024, 1, 1), max_value=D(2026, 12, 31)), n=st.integers(0, 40))
def test_deadline_is_a_working_day_and_count_inverts_add(start, n):
    deadline = calendar.add_working_days(start, n)
    assert calendar.count_working_days(start, deadline.date).count == n
    if n:
        assert calendar.is_working_day(deadline.date)[0]


def test_countdown_counts_working_days_unless_the_law_counts_calendar_days():
    """Rule: limits in working days (行政许可法 第82条 …) count down in 工作日; limits the law gives in days (the 15 days
    to pay a fine, 行政处罚法 第67条) count down in 天 — over a weekend the two differ."""
    friday, monday = dt.date(2026, 11, 20), dt.date(2026, 11, 23)
    assert countdown_label(friday, today=monday) == ("已超期 1 个工作日", "overdue")
    assert countdown_label(friday, today=monday, calendar_days=True) == ("已超期 3 天", "overdue")
    assert countdown_label(dt.date(2026, 11, 30), today=monday, calendar_days=True) == ("剩余 7 天", "running")
    assert countdown_label(monday, today=monday, calendar_days=True) == ("今日到期", "due")


def _walk(start: dt.date, end: dt.date, pauses) -> int:
    """The definition, day by day: working days after `start` up to `end`, outside every pause."""
    counted, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if calendar.is_working_day(day)[0] and not any(a <= day <= b for a, b in pauses):
            counted += 1
    return counted


@given(st.dates(dt.date(2024, 1, 1), dt.date(2028, 12, 31)), st.integers(0, 900),
       st.lists(st.tuples(st.dates(dt.date(2024, 1, 1), dt.date(2028, 12, 31)), st.integers(0, 40)), max_size=3))
@hsettings(max_examples=60, deadline=None)
def test_the_prefix_count_agrees_with_the_day_by_day_definition(start, span, raw_pauses):
    """Counting by per-year prefix tables (one lookup per year) gives exactly the walk's answer, pauses included,
    across years and provisional years."""
    end = start + dt.timedelta(days=span)
    pauses = [(a, a + dt.timedelta(days=n)) for a, n in raw_pauses]
    assert calendar.count_working_days(start, end, pauses).count == _walk(start, end, pauses)


def _walk_add(start: dt.date, days: int, pauses) -> calendar.Deadline:
    """The definition of add_working_days, day by day (the code before the prefix tables)."""
    provisional = calendar.year_days(start.year).provisional
    day, counted = start, 0
    while counted < days:
        day += dt.timedelta(days=1)
        yd = calendar.year_days(day.year)
        provisional = provisional or yd.provisional
        if yd.is_working(day) and not any(a <= day <= b for a, b in pauses):
            counted += 1
    return calendar.Deadline(day, provisional)


def test_the_fast_deadline_agrees_with_the_day_by_day_walk_including_make_up_days():
    """行政许可法 第42条/第45条: a deadline N working days on, pauses excluded. Jumping by the per-year prefix tables
    gives exactly the walk's date and provisional flag over 2024–2028, with the package's 调休 days, administrator
    rows (a make-up Saturday, an extra day off) and the provisional years 2027–2028."""
    import random

    CalendarDay.objects.create(date=D(2025, 3, 8), is_working_day=True, name="调休上班")
    CalendarDay.objects.create(date=D(2026, 6, 3), is_working_day=False, name="临时休息")
    CalendarDay.objects.create(date=D(2027, 5, 8), is_working_day=True, name="调休上班")
    rng = random.Random(42)
    for _ in range(150):
        start = D(2024, 1, 1) + dt.timedelta(days=rng.randrange(5 * 365))
        days = rng.choice([0, 1, 5, 20, 60, rng.randrange(400)])
        pauses = [(a, a + dt.timedelta(days=rng.randrange(30)))
                  for a in (start + dt.timedelta(days=rng.randrange(-20, 200)) for _ in range(rng.randrange(3)))]
        assert calendar.add_working_days(start, days, pauses) == _walk_add(start, days, pauses), (start, days, pauses)
