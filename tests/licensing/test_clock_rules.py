"""Deadlines from the working-day clock: holidays, 调休, pauses, the extension and the 5-day deemed acceptance."""

from __future__ import annotations

import datetime as dt

import pytest

from bureau.licensing.rules import compute_clock, handling_days, intake_deadline

pytestmark = pytest.mark.django_db  # the clock reads the administrator's calendar exceptions

D = dt.date


def clock(**kw):
    base = dict(state="review", submitted_on=D(2026, 9, 25), accepted_on=D(2026, 9, 25), intake_days=5,
                promised_days=20, statutory_days=20, today=D(2026, 9, 26))
    base.update(kw)
    return compute_clock(**base)


def test_intake_window_skips_national_day_holiday_and_counts_the_makeup_saturday():
    # 2026-09-30 (Wed) is followed by the National Day holiday 10-01..10-07 (the arrangement carried by the
    # calendar package); 2026-10-10 (Sat) is a make-up working day. Arrival Wed 09-30 → 5th working day after it:
    # 10-08 (Thu) 1, 10-09 (Fri) 2, 10-10 (Sat, 调休) 3, 10-12 4, 10-13 5.
    assert intake_deadline(D(2026, 9, 30), 5).date == D(2026, 10, 13)


def test_start_day_is_not_counted():
    assert intake_deadline(D(2026, 11, 2), 1).date == D(2026, 11, 3)


def test_decision_due_is_promised_limit_after_acceptance():
    c = clock(accepted_on=D(2026, 11, 2), submitted_on=D(2026, 11, 2), promised_days=10, statutory_days=20,
              today=D(2026, 11, 3))
    assert c.decision_due == D(2026, 11, 16)
    assert c.statutory_due == D(2026, 11, 30)
    assert c.due_on == c.decision_due


def test_expert_review_pause_stops_the_clock():
    plain = clock(accepted_on=D(2026, 11, 2), submitted_on=D(2026, 11, 2), promised_days=10, today=D(2026, 11, 3))
    paused = clock(accepted_on=D(2026, 11, 2), submitted_on=D(2026, 11, 2), promised_days=10, today=D(2026, 11, 3),
                   pauses=[(D(2026, 11, 4), D(2026, 11, 10))])  # 5 working days paused
    assert paused.decision_due == D(2026, 11, 23)
    assert plain.decision_due == D(2026, 11, 16)


def test_running_pause_counts_up_to_today_and_the_clock_restarts_tomorrow():
    c = clock(accepted_on=D(2026, 11, 2), submitted_on=D(2026, 11, 2), promised_days=10, today=D(2026, 11, 5),
              pauses=[(D(2026, 11, 4), None)])
    assert c.decision_due == D(2026, 11, 18)  # 11-04 and 11-05 paused: two working days later than 11-16


def test_leader_approved_extension_adds_ten_working_days():
    c = clock(accepted_on=D(2026, 11, 2), submitted_on=D(2026, 11, 2), promised_days=20, statutory_days=20,
              extension_days=10, today=D(2026, 11, 3))
    assert c.statutory_due == D(2026, 12, 14)


def test_no_intake_decision_within_five_working_days_counts_as_accepted_on_arrival():
    c = compute_clock(state="submitted", submitted_on=D(2026, 11, 2), accepted_on=None, intake_days=5,
                      promised_days=10, statutory_days=20, today=D(2026, 11, 10))
    assert c.intake_due == D(2026, 11, 9)
    assert c.deemed_accepted is True
    assert c.start == D(2026, 11, 2)
    assert c.decision_due == D(2026, 11, 16)  # the decision clock runs from the day it arrived
    assert c.due_on == c.decision_due


def test_within_the_intake_window_the_queue_deadline_is_the_intake_date():
    c = compute_clock(state="submitted", submitted_on=D(2026, 11, 2), accepted_on=None, intake_days=5,
                      promised_days=10, statutory_days=20, today=D(2026, 11, 9))
    assert c.deemed_accepted is False
    assert c.due_on == D(2026, 11, 9)
    assert c.decision_due is None


def test_closed_applications_have_no_stage_deadline():
    assert clock(state="granted").due_on is None
    assert clock(state="correction").due_on is None


def test_unpublished_year_is_provisional():
    c = clock(accepted_on=D(2027, 12, 20), submitted_on=D(2027, 12, 20), today=D(2027, 12, 21))
    assert c.provisional is True


def test_handling_days_excludes_pauses():
    assert handling_days(D(2026, 11, 2), D(2026, 11, 16)) == 10
    assert handling_days(D(2026, 11, 2), D(2026, 11, 16), [(D(2026, 11, 4), D(2026, 11, 5))]) == 8
