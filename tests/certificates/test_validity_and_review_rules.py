"""Validity, review and reminder rules (domain §4) as pure functions, over many dates incl. leap years and holidays."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from bureau.certificates import rules
from bureau.kernel import calendar

D = dt.date
dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 12, 31))
leap_days = st.sampled_from([D(y, 2, 29) for y in (2004, 2008, 2012, 2016, 2020, 2024, 2028)])


def test_leap_day_plus_one_year_falls_back_to_february_28():
    assert rules.add_months(D(2024, 2, 29), 12) == D(2025, 2, 28)
    assert rules.add_months(D(2023, 3, 31), -1) == D(2023, 2, 28)


@given(dates, st.integers(min_value=1, max_value=120))
def test_add_months_keeps_the_day_or_clamps_to_month_end(day, months):
    result = rules.add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day == day.day or (result.day < day.day and (result + dt.timedelta(days=1)).day == 1)


@given(st.one_of(dates, leap_days), st.sampled_from([24, 36, 72]))
def test_validity_ends_the_day_before_the_anniversary(valid_from, months):
    end = rules.validity_end(valid_from, months)
    assert end == rules.add_months(valid_from, months) - dt.timedelta(days=1)
    assert 365 * months // 12 - 2 <= (end - valid_from).days <= 366 * months // 12 + 1


@given(st.one_of(dates, leap_days))
def test_special_operation_reviewed_at_three_years_within_six_year_validity(valid_from):
    # 特种作业人员安全技术培训考核管理规定 第21、22条
    until = rules.validity_end(valid_from, 72)
    due = rules.next_review_due(valid_from, 36, until)
    assert due == rules.validity_end(valid_from, 36)
    action = rules.next_action(holder_is_person=True, valid_until=until, review_due=due, renew_ahead_days=60,
                               renew_rule="within", review_window_days=60)
    assert action.kind == rules.PERIODIC_REVIEW and action.closes == due
    assert (action.closes - action.opens).days == 60


@given(st.integers(min_value=0, max_value=40), st.booleans())
def test_ten_clean_years_move_the_review_to_six_years(years, clean):
    months = rules.review_interval_months(base_months=36, extended_months=72, clean_years_required=10,
                                          years_in_trade=years, clean=clean)
    assert months == (72 if clean and years >= 10 else 36)


@given(st.one_of(dates, leap_days))
def test_six_year_interval_means_no_review_before_expiry(valid_from):
    until = rules.validity_end(valid_from, 72)
    assert rules.next_review_due(valid_from, 72, until) is None


@given(dates, st.sampled_from([("before", 90), ("within", 90), ("before", 30)]))
def test_licence_and_competency_windows(valid_from, rule_days):
    renew_rule, days = rule_days
    until = rules.validity_end(valid_from, 36)
    action = rules.next_action(holder_is_person=False, valid_until=until, review_due=None, renew_ahead_days=days,
                               renew_rule=renew_rule, review_window_days=None)
    assert action.kind == rules.EXTENSION
    # "before": apply at least N days before expiry; "within": in the N days before expiry
    assert action.closes == (until - dt.timedelta(days=days) if renew_rule == "before" else until)


@given(dates, dates)
def test_status_of_the_day(valid_from, today):
    until = rules.validity_end(valid_from, 72)
    due = rules.next_review_due(valid_from, 36, until)
    status = rules.effective_status(stored="valid", valid_until=until, review_due=due, review_window_days=60,
                                    today=today)
    if today > until:
        assert status == rules.EXPIRED
    elif today > due:
        assert status == rules.VOID  # a missed review voids the certificate (第30条)
    elif today >= due - dt.timedelta(days=60):
        assert status == rules.DUE_FOR_REVIEW
    else:
        assert status == rules.VALID
    for stopped in ("revoked", "suspended", "void"):
        assert rules.effective_status(stored=stopped, valid_until=until, review_due=due, review_window_days=60,
                                      today=today) == stopped


@given(st.dates(min_value=D(2020, 1, 1), max_value=D(2040, 12, 31)), st.integers(min_value=-3, max_value=120))
def test_each_day_before_the_window_closes_owes_at_most_one_offset(closes, days_left):
    offsets = [90, 60, 30, 7]
    today = closes - dt.timedelta(days=days_left)
    offset = rules.reminder_offset(closes, today, offsets)
    if days_left < 0 or days_left > 90:
        assert offset is None
    else:
        assert offset is not None and days_left <= offset
        assert not [o for o in offsets if days_left <= o < offset]


@pytest.mark.django_db
@hsettings(max_examples=60, deadline=None)
@given(st.dates(min_value=D(2024, 1, 1), max_value=D(2026, 12, 31)))
def test_last_application_day_is_a_working_day_not_after_the_nominal_day(nominal):
    day = rules.last_application_day(nominal, lambda d: calendar.is_working_day(d)[0])
    assert day <= nominal
    assert calendar.is_working_day(day)[0]
    # every day between it and the nominal day is a day off
    probe = day + dt.timedelta(days=1)
    while probe <= nominal:
        assert not calendar.is_working_day(probe)[0]
        probe += dt.timedelta(days=1)


@pytest.mark.django_db
def test_a_window_closing_on_national_day_moves_to_the_last_working_day_before():
    assert rules.last_application_day(D(2026, 10, 5), lambda d: calendar.is_working_day(d)[0]) == D(2026, 9, 30)


def test_names_are_masked_for_the_public():
    assert rules.mask_person_name("张三") == "张*"
    assert rules.mask_person_name("张晓明") == "张*明"
    assert rules.mask_person_name("欧阳晓明") == "欧**明"


@hsettings(max_examples=40)
@given(st.one_of(st.text(alphabet="abcXYZ019-_!中 ", max_size=34), st.text(alphabet="aZ9_-", min_size=32, max_size=32)))
def test_only_32_url_safe_characters_are_a_code(text):
    assert rules.is_well_formed_code(text) == (len(text) == 32 and all(
        c.isascii() and (c.isalnum() or c in "-_") for c in text))


@given(st.integers(min_value=0, max_value=10), st.integers(min_value=0, max_value=5))
def test_reprints_are_limited(done, limit):
    assert rules.print_allowed(done, limit) == (done <= limit)
