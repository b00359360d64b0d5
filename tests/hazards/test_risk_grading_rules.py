"""Risk grading (measure III.5, domain §6): LEC D = L×E×C with 320/160/70, LS R = L×S with configurable
thresholds, factors outside the scale refused; thresholds are data with a source and an effective date."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from bureau.hazards import rules
from bureau.kernel.rules import DEFAULT_RULES

LEC = DEFAULT_RULES["hazards.lec_thresholds"].value
LS = DEFAULT_RULES["hazards.ls_thresholds"].value
SCALE = DEFAULT_RULES["hazards.lec_factor_scale"].value


@pytest.mark.parametrize(("score", "level"), [
    (321, "red"), (320, "orange"), (161, "orange"), (160, "yellow"), (71, "yellow"), (70, "blue"), (0.1, "blue"),
])
def test_lec_thresholds_320_160_70_must_be_exceeded(score, level):
    assert rules.level_for(Decimal(str(score)), LEC) == level


@pytest.mark.parametrize(("score", "level"), [(25, "red"), (20, "red"), (16, "orange"), (15, "orange"),
                                              (12, "yellow"), (9, "yellow"), (8, "blue"), (1, "blue")])
def test_ls_thresholds_are_reached_not_exceeded(score, level):
    assert rules.level_for(Decimal(score), LS) == level


def test_lec_score_multiplies_scale_values():
    assert rules.lec_score(3, 6, 40, SCALE) == Decimal(720)
    assert rules.level_for(rules.lec_score(3, 6, 15, SCALE), LEC) == "orange"


@pytest.mark.parametrize(("l", "e", "c"), [(4, 6, 40), (3, 7, 40), (3, 6, 50), (-1, 6, 40), ("x", 1, 1)])
def test_lec_factor_outside_the_scale_is_refused(l, e, c):  # noqa: E741
    with pytest.raises(rules.ScoreError):
        rules.lec_score(l, e, c, SCALE)


@pytest.mark.parametrize(("l", "s"), [(0, 3), (6, 1), (2.5, 2), (3, 9)])
def test_ls_factor_outside_1_to_5_is_refused(l, s):  # noqa: E741
    with pytest.raises(rules.ScoreError):
        rules.ls_score(l, s, 5)


def test_every_lec_combination_gets_exactly_one_colour():
    for l, e, c in itertools.product(SCALE["L"], SCALE["E"], SCALE["C"]):  # noqa: E741
        score = rules.lec_score(l, e, c, SCALE)
        level = rules.level_for(score, LEC)
        assert level in rules.LEVELS
        assert (level == "red") == (score > 320)
        assert (level == "blue") == (score <= 70)


def test_overdue_only_while_open_and_past_deadline():
    today = dt.date(2026, 11, 27)
    past = dt.date(2026, 11, 26)
    assert rules.is_overdue("rectifying", past, today)
    assert rules.is_overdue("reported", past, today)
    assert not rules.is_overdue("awaiting_acceptance", past, today)
    assert not rules.is_overdue("rectifying", today, today)
    assert not rules.is_overdue("rectifying", None, today)


def test_only_major_hazards_may_be_listed():
    assert rules.may_list("general")
    assert rules.may_list("major") is None


def test_major_plan_needs_funds_and_contingency():
    kwargs = dict(measures="m", deadline=dt.date(2026, 12, 1), responsible_person="p", today=dt.date(2026, 11, 27),
                  found_on=dt.date(2026, 11, 20), funds=None, contingency="")
    assert rules.plan_refusal(**kwargs, major=False) is None
    assert rules.plan_refusal(**kwargs, major=True)[0] == "contingency"
    assert rules.plan_refusal(**{**kwargs, "deadline": dt.date(2026, 11, 1)}, major=False)[0] == "deadline"
    assert rules.plan_refusal(**{**kwargs, "funds": Decimal("1e10")}, major=False)[0] == "funds"


def test_rules_carry_a_source():
    for key in ("hazards.lec_thresholds", "hazards.ls_thresholds", "hazards.listing_removal_working_days"):
        assert DEFAULT_RULES[key].source
