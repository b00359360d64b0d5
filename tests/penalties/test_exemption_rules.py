"""Exemption rules: the self-inspection exemption (measure II.8) and 首违不罚 (行政处罚法 第33条). Pure."""

from __future__ import annotations

import datetime as dt

import pytest

from bureau.penalties import rules
from tests.penalties.factories import bands_on

INSPECTED = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
BEFORE = INSPECTED - dt.timedelta(days=3)


def fact(**kw):
    base = dict(number="YH1", source="self_inspection", reported_at=BEFORE, state="rectifying", enterprise_id=1)
    base.update(kw)
    return rules.HazardFact(**base)


@pytest.mark.parametrize("state", sorted(rules.RECTIFYING_STATES))
def test_self_found_hazard_under_rectification_is_exempt(state):
    exempt, basis = rules.self_inspection_exemption(fact(state=state), enterprise_id=1, inspection_at=INSPECTED)
    assert exempt
    assert "自查" in basis and "第三十三条" in basis and "YH1" in basis


@pytest.mark.parametrize(("changes", "phrase"), [
    ({"state": "reported"}, "尚未制定整改方案"),
    ({"reported_at": INSPECTED}, "检查之后"),
    ({"reported_at": INSPECTED + dt.timedelta(hours=1)}, "检查之后"),
    ({"source": "inspection"}, "不是企业自查"),
    ({"enterprise_id": 2}, "不属于本案当事人"),
])
def test_self_inspection_exemption_refusals(changes, phrase):
    exempt, reason = rules.self_inspection_exemption(fact(**changes), enterprise_id=1, inspection_at=INSPECTED)
    assert not exempt and phrase in reason


def test_no_hazard_no_exemption():
    assert not rules.self_inspection_exemption(None, enterprise_id=1, inspection_at=INSPECTED)[0]


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
