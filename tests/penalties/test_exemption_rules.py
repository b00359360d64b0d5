"""Exemption rules: the self-inspection exemption (measure II.8) and 首违不罚 (行政处罚法 第33条). Pure."""

from __future__ import annotations

import datetime as dt

import pytest

from bureau.penalties import rules
from tests.penalties.factories import bands_on

INSPECTED = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
BEFORE = INSPECTED - dt.timedelta(days=3)


def fact(**kw):
    base = dict(number="YH1", source="self_inspection", reported_at=BEFORE, state="rectifying", enterprise_id=1,
                violation_code="AQSCF-97-7")
    base.update(kw)
    return rules.HazardFact(**base)


SAME = {"case_codes": {"AQSCF-97-7"}}


@pytest.mark.parametrize("state", sorted(rules.RECTIFYING_STATES))
def test_measure_II_8_self_found_hazard_of_the_same_violation_under_rectification_is_exempt(state):
    exempt, basis = rules.self_inspection_exemption(fact(state=state), enterprise_id=1, inspection_at=INSPECTED,
                                                    **SAME)
    assert exempt
    assert "自查" in basis and "第三十三条" in basis and "YH1" in basis and "AQSCF-97-7" in basis


@pytest.mark.parametrize(("changes", "phrase"), [
    ({"state": "reported"}, "尚未制定整改方案"),
    ({"reported_at": INSPECTED}, "检查之后"),
    ({"reported_at": INSPECTED + dt.timedelta(hours=1)}, "检查之后"),
    ({"source": "inspection"}, "不是企业自查"),
    ({"enterprise_id": 2}, "不属于本案当事人"),
])
def test_self_inspection_exemption_refusals(changes, phrase):
    exempt, reason = rules.self_inspection_exemption(fact(**changes), enterprise_id=1, inspection_at=INSPECTED,
                                                     **SAME)
    assert not exempt and phrase in reason


def test_no_hazard_no_exemption():
    assert not rules.self_inspection_exemption(None, enterprise_id=1, inspection_at=INSPECTED, **SAME)[0]


def test_measure_II_8_an_unrelated_self_found_hazard_exempts_nothing():
    """The reported case: a self-found 配电室警示标志 hazard must not exempt an unlicensed welder (AQSCF-97-7)."""
    sign = fact(violation_code="SX2021-99-1", title="配电室未设置安全警示标志")
    exempt, reason = rules.self_inspection_exemption(sign, enterprise_id=1, inspection_at=INSPECTED, **SAME)
    assert not exempt and "不是同一问题" in reason and "SX2021-99-1" in reason and "关联理由" in reason
    unlabelled = fact(violation_code="")
    exempt, reason = rules.self_inspection_exemption(unlabelled, enterprise_id=1, inspection_at=INSPECTED, **SAME)
    assert not exempt and "未注明对应违法行为" in reason


def test_measure_II_8_same_checklist_item_is_the_same_violation():
    item = fact(violation_code="", checklist_item_id=7)
    assert rules.self_inspection_exemption(item, enterprise_id=1, inspection_at=INSPECTED, case_item_id=7)[0]
    assert not rules.self_inspection_exemption(item, enterprise_id=1, inspection_at=INSPECTED, case_item_id=8)[0]


def test_measure_II_8_case_violation_unknown_is_refused_without_a_link():
    exempt, reason = rules.self_inspection_exemption(fact(), enterprise_id=1, inspection_at=INSPECTED)
    assert not exempt and "未确定本案违法行为" in reason


def test_measure_II_8_officer_link_needs_a_written_reason_and_is_in_the_basis():
    other = fact(violation_code="AQSCF-97-3")
    short = rules.self_inspection_exemption(other, enterprise_id=1, inspection_at=INSPECTED, link_reason="同一问题",
                                            **SAME)
    assert not short[0] and "过于简单" in short[1]
    reason = "企业自查台账第12条记载的即为本案焊工无证上岗问题，登记时误选了培训类代码"
    exempt, basis = rules.self_inspection_exemption(other, enterprise_id=1, inspection_at=INSPECTED,
                                                    link_reason=reason, **SAME)
    assert exempt and reason in basis and "关联理由" in basis
    # the link never overrides the other conditions (found before the inspection, under rectification)
    late = fact(violation_code="AQSCF-97-3", reported_at=INSPECTED)
    assert not rules.self_inspection_exemption(late, enterprise_id=1, inspection_at=INSPECTED, link_reason=reason,
                                               **SAME)[0]


NOW = dt.date(2026, 11, 27)
LISTED = [b for b in bands_on(NOW, "AQSCF-97-5") if b.tier == rules.EXEMPT]
WH = next(b for b in LISTED if "威海" in b.source)
LC = next(b for b in LISTED if "莲池区" in b.source)
ALL3 = ["first_offence", "minor_harm", "corrected_in_time"]


def test_first_offence_listed_and_sector_allowed_is_exempt():
    exempt, basis = rules.first_offence_exemption(circumstances=ALL3, listed=LC, industry="metallurgy_trade",
                                                  prior_penalties=0)
    assert exempt and "第三十三条第一款" in basis and "莲池区" in basis


@pytest.mark.parametrize(("kwargs", "phrase"), [
    ({"listed": None}, "不在首违不罚清单"),
    ({"industry": "hazchem_operation"}, "行业被首违不罚清单排除"),
    ({"circumstances": ["first_offence", "minor_harm"]}, "缺少及时改正"),
    ({"circumstances": [*ALL3, "major_hazard"]}, "从重情节"),
    ({"prior_penalties": 1}, "不属于初次违法"),
])
def test_first_offence_refusals(kwargs, phrase):
    args = dict(circumstances=ALL3, listed=WH, industry="coal", prior_penalties=0)
    args.update(kwargs)
    exempt, reason = rules.first_offence_exemption(**args)
    assert not exempt and phrase in reason


def test_weihai_list_excludes_metal_smelting_but_not_coal():
    assert "metallurgy_trade" in WH.excluded_industries
    assert rules.first_offence_exemption(circumstances=ALL3, listed=WH, industry="coal", prior_penalties=0)[0]
