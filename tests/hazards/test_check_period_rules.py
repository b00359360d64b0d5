"""The calendar of scheduled checks (排查频次 → periods) and the check-in/placement refusals, as pure rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bureau.hazards import rules

D = dt.datetime


def test_two_hour_patrols_start_at_local_midnight_every_two_hours():
    assert rules.period_containing("hour", 2, D(2026, 12, 6, 9, 59)) == (D(2026, 12, 6, 8), D(2026, 12, 6, 10))


def test_an_hour_period_that_does_not_divide_the_day_ends_at_midnight():
    assert rules.period_containing("hour", 5, D(2026, 12, 6, 22, 0)) == (D(2026, 12, 6, 20), D(2026, 12, 7))


def test_a_weekly_check_runs_from_monday_to_monday():
    start, end = rules.period_containing("week", 1, D(2026, 12, 6, 12))  # a Sunday
    assert (start, end) == (D(2026, 11, 30), D(2026, 12, 7)) and start.weekday() == 0


def test_a_quarterly_check_follows_calendar_quarters():
    assert rules.period_containing("month", 3, D(2026, 12, 6)) == (D(2026, 10, 1), D(2027, 1, 1))
    assert rules.period_containing("month", 6, D(2026, 3, 31)) == (D(2026, 1, 1), D(2026, 7, 1))


def test_periods_between_cover_the_range_without_gaps():
    rows = rules.periods_between("hour", 12, D(2026, 12, 6, 7), D(2026, 12, 7, 13))
    assert rows == [(D(2026, 12, 6, 0), D(2026, 12, 6, 12)), (D(2026, 12, 6, 12), D(2026, 12, 7, 0)),
                    (D(2026, 12, 7, 0), D(2026, 12, 7, 12)), (D(2026, 12, 7, 12), D(2026, 12, 8, 0))]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])  # a shared 2-core machine
@given(unit=st.sampled_from(["hour", "day", "week", "month"]), every=st.integers(1, 12),
       moment=st.datetimes(min_value=D(2000, 1, 1), max_value=D(2100, 1, 1)))
def test_the_period_of_a_moment_contains_it_and_the_next_one_starts_where_it_ends(unit, every, moment):
    start, end = rules.period_containing(unit, every, moment)
    assert start <= moment < end
    assert rules.period_containing(unit, every, end)[0] == end


def test_check_in_is_refused_before_the_period_after_it_and_twice():
    now = D(2026, 12, 6, 9)
    opens, closes = D(2026, 12, 6, 8), D(2026, 12, 6, 10)
    assert rules.checkin_refusal(state="scheduled", now=now, window_start=opens, missed_after=closes) is None
    assert "才开始" in rules.checkin_refusal(state="scheduled", now=D(2026, 12, 6, 7), window_start=opens,
                                           missed_after=closes)
    assert "漏检" in rules.checkin_refusal(state="scheduled", now=closes, window_start=opens, missed_after=closes)
    assert "重复" in rules.checkin_refusal(state="done", now=now, window_start=opens, missed_after=closes)


def test_a_position_lies_on_the_plan():
    assert rules.placement_refusal(Decimal("0"), 1) is None
    assert rules.placement_refusal("0.5", "0.25") is None
    assert rules.placement_refusal(1.01, 0.5) == ("x", "位置应在平面图范围内（0—100%）")
    assert rules.placement_refusal(0.5, "NaN")[0] == "y"
    assert rules.placement_refusal("abc", 0.5)[0] == "x"
