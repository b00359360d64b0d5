"""The credit rule table (enterprises.credit, pure): a decision lowers the safety-production credit grade by the rule
row that applies (安全生产法 第七十八条: 安全生产违法行为信息库). The seed rows are demonstration values."""

from __future__ import annotations

import pytest

from bureau.enterprises import credit

ROWS = [credit.RuleRow(code=code, label=label, min_fine=fine, measures_keyword=measures, target=target,
                       downgrade_steps=steps, max_grade=cap, source=credit.DEMO_SOURCE, demo=True)
        for code, label, fine, measures, target, steps, cap in credit.DEMO_RULES]


def fact(fine=0, measures="", target="unit"):
    return credit.DecisionFact(fine=fine, measures=measures, target=target)


def test_a_credit_A_firm_does_not_keep_A2_after_a_70000_yuan_case():
    row, after, matched = credit.apply_rules("A2", ROWS, fact(70000))
    assert after == "B2" and row.code == "DEMO-2" and {r.code for r in matched} == {"DEMO-1", "DEMO-2"}


@pytest.mark.parametrize(("grade", "decision", "expected"), [
    ("A1", fact(5000), "A2"),  # any fine: one step down
    ("B3", fact(70000), "C1"),  # one step down, already below the cap
    ("D", fact(70000), "D"),  # the floor
    ("A1", fact(20000, "责令停产停业整顿一个月"), "C1"),
    ("A1", fact(0, "吊销安全生产许可证"), "C3"),
    ("", fact(70000), ""),  # not graded: recorded, graded later
])
def test_demo_rows(grade, decision, expected):
    assert credit.apply_rules(grade, ROWS, decision)[1] == expected


def test_no_row_for_a_fine_on_a_person_or_no_fine():
    assert credit.apply_rules("A1", ROWS, fact(5000, target="person"))[0] is None
    assert credit.apply_rules("A1", ROWS, fact(0))[0] is None


def test_the_seed_rows_say_they_are_demonstration_values():
    assert all(r.demo and "示例" in r.source and "待核实" in r.source for r in ROWS)
