"""Golden cases of reasoned discretion (measure II.6): realistic violation + circumstances → tier, band and the key
phrases of the reasoning, on the demo benchmark (real rows) in force on the case date. Pure: no database."""

from __future__ import annotations

import datetime as dt

import pytest

from bureau.kernel.errors import DomainError
from bureau.penalties import rules
from tests.penalties.factories import bands_on

NOW = dt.date(2026, 11, 27)
PAST = dt.date(2023, 6, 1)  # 晋应急发〔2021〕260号 still in force
SHARES = rules.FallbackShares()

GOLDEN = [
    # (scenario, date, code, stage, target, circumstances, tier, min, max, phrases)
    ("焊工无证动火，初次违法且当场停止作业", NOW, "MEM2024-26", "order", "unit",
     ["first_offence", "corrected_in_time"], "lenient", 0, 30000,
     ["从轻阶次", "有1人次", "应急〔2024〕90号", "安全生产法第九十七条第(七)项", "初次违法、及时改正", "第三十二条"]),
    ("电工无证作业，无特别情节：基准未细化一般阶次，按比例兜底", NOW, "MEM2024-26", "order", "unit",
     [], "standard", 30000, 60000, ["未细化一般阶次", "国办发〔2022〕27号", "30%至60%", "未发现法定从轻、从重情节"]),
    ("无证上岗且阻碍执法、一年内再犯", NOW, "MEM2024-26", "order", "unit",
     ["repeat", "obstruction"], "severe", 60000, 100000, ["从重阶次", "60%以上", "阻碍", "受过行政处罚"]),
    ("逾期仍未改正并拒不整改：停产停业整顿并处罚款", NOW, "MEM2024-26", "overdue", "unit",
     ["refused_correction"], "severe", 160000, 200000, ["逾期", "责令停产停业整顿", "100,000元至200,000元"]),
    ("逾期未改正，配合调查但一年内再犯：综合裁量", NOW, "MEM2024-26", "overdue", "unit",
     ["cooperation", "repeat"], "standard", 130000, 160000, ["综合考虑", "一般阶次"]),
    ("未对新入职员工进行安全培训，无情节", NOW, "AQF-97-3", "order", "unit",
     [], "standard", 30000, 60000, ["安全生产法第二十八条第一款", "安全生产法第九十七条第(三)项", "一般阶次"]),
    ("未定期组织应急演练，涉及重大事故隐患", NOW, "AQF-97-6", "order", "unit",
     ["major_hazard"], "severe", 60000, 100000, ["应急救援预案", "重大事故隐患", "从重"]),
    ("重大隐患排查治理情况未报告，逾期未改正，对主管人员从轻", NOW, "AQF-101-5", "overdue", "person",
     ["voluntary_elimination"], "lenient", 20000, 29000, ["直接负责的主管人员", "20,000元至50,000元", "从轻"]),
    ("培训档案未如实记录，比例10%以下，初次违法（2021年山西基准）", PAST, "SX2021-97-4", "order", "unit",
     ["first_offence"], "lenient", 0, 30000, ["比例10%以下", "晋应急发〔2021〕260号", "第1档"]),
    ("三四处警示标志缺失，无情节（2021年山西基准第3、4档）", PAST, "SX2021-99-1", "order", "unit",
     [], "standard", 20000, 30000, ["有3处", "有4处", "一般阶次"]),
    ("五处以上警示标志缺失且逾期未改正、拒不整改", PAST, "SX2021-99-1", "overdue", "unit",
     ["refused_correction"], "severe", 170000, 200000, ["有5处以上", "第5档"]),
    ("拒绝阻碍监督检查，从业人员100人以上", PAST, "SX2021-108", "refused", "unit",
     ["obstruction"], "severe", 100000, 200000, ["从业人员100人以上", "安全生产法第一百零八条"]),
    ("特种设备未经检验投入使用，主动消除危害（基准无从轻档，按比例兜底）", PAST, "SX2021-99-6", "order", "unit",
     ["voluntary_elimination"], "lenient", 0, 15000, ["未细化从轻阶次", "30%以下", "0元至50,000元"]),
]


@pytest.mark.parametrize("case", GOLDEN, ids=[g[0] for g in GOLDEN])
def test_golden_case_gives_tier_band_and_reasoning(case):
    _name, on, code, stage, target, circumstances, tier, low, high, phrases = case
    p = rules.propose(violation_code=code, circumstances=circumstances, rows=bands_on(on, code), shares=SHARES,
                      stage=stage, target=target, party="某公司")
    assert (p.tier, p.amount_min, p.amount_max) == (tier, low, high)
    for heading in ("一、违法行为的性质", "二、查明的情节", "三、裁量基准的适用", "四、法律依据"):
        assert heading in p.reasoning
    for phrase in phrases:
        assert phrase in p.reasoning, phrase
    assert "某公司" in p.reasoning


def test_at_least_ten_golden_cases():
    assert len(GOLDEN) >= 10


def test_lapsed_version_is_not_applied_to_a_case_filed_after_it():
    with pytest.raises(DomainError) as err:
        rules.propose(violation_code="SX2021-97-4", circumstances=[], rows=bands_on(NOW, "SX2021-97-4"),
                      shares=SHARES)
    assert err.value.code == "unknown_violation"


@pytest.mark.parametrize("pair", rules.CONTRADICTIONS)
def test_contradictory_circumstances_are_refused(pair):
    with pytest.raises(DomainError) as err:
        rules.propose(violation_code="MEM2024-26", circumstances=list(pair), rows=bands_on(NOW, "MEM2024-26"),
                      shares=SHARES)
    assert err.value.code == "contradictory_circumstances"
    assert rules.CIRCUMSTANCES[pair[0]] in err.value.message


def test_unknown_circumstance_is_refused():
    with pytest.raises(DomainError, match="未知的情节代码"):
        rules.check_circumstances(["lucky"])


def test_stage_without_rows_is_refused():
    with pytest.raises(DomainError) as err:
        rules.propose(violation_code="MEM2024-26", circumstances=[], rows=bands_on(NOW, "MEM2024-26"),
                      shares=SHARES, stage="order", target="person")
    assert err.value.code == "no_band"


@pytest.mark.parametrize(("circumstances", "tier"), [
    ([], "standard"), (["first_offence"], "lenient"), (["repeat"], "severe"),
    (["cooperation", "serious_harm"], "standard"),
    (["coerced", "confession", "no_harm"], "lenient"), (["concealment", "major_hazard"], "severe"),
])
def test_tier_selection(circumstances, tier):
    assert rules.select_tier(circumstances)[0] == tier


@pytest.mark.parametrize(("tier", "low", "high"), [("lenient", 0, 30000), ("standard", 30000, 60000),
                                                   ("severe", 60000, 100000)])
def test_fallback_shares_of_the_maximum(tier, low, high):
    assert rules.fallback_band(tier, 0, 100000, SHARES) == (low, high)


def test_fallback_shares_are_data():
    shares = rules.FallbackShares(lenient_max_pct=20, standard_max_pct=50)
    assert rules.fallback_band("standard", 0, 100000, shares) == (20000, 50000)


def test_fallback_over_a_range_with_a_minimum():
    assert rules.fallback_band("lenient", 100000, 200000, SHARES) == (100000, 130000)


def test_amount_outside_band_needs_written_reason():
    rules.check_amount(30000, 0, 30000, "")
    with pytest.raises(DomainError) as err:
        rules.check_amount(30001, 0, 30000, "")
    assert err.value.code == "amount_outside_band"
    rules.check_amount(30001, 0, 30000, "当事人整改不力，经集体讨论提高")
    with pytest.raises(DomainError):
        rules.check_amount(-1, 0, 30000, "理由")


def test_case_file_order_is_the_official_order():
    order = [title for _kind, (_sort, title) in sorted(rules.CASE_FILE_ORDER.items(), key=lambda kv: kv[1][0])]
    official = ["立案审批表", "询问笔录", "勘验笔录", "行政处罚告知书", "陈述申辩记录", "听证告知书", "听证笔录",
                "案件处理呈批表", "行政处罚决定书", "送达回执", "结案审批表"]
    assert [t for t in order if t in official] == official
