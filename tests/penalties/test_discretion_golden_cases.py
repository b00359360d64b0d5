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

GOLDEN = [
    # (scenario, date, code, stage, target, quantity, circumstances, tier, min, max, phrases)
    ("焊工1人无证动火，当场停止作业", NOW, "AQSCF-97-7", "order", "unit", 1, ["corrected_in_time"], "A", 0, 30000,
     ["阶次A", "有1人次", "应急〔2024〕90号", "第（26）项", "安全生产法第九十七条第(七)项", "及时改正", "从轻"]),
    ("电工1人无证作业，无特别情节（原先按比例兜底为30,000至60000元）", NOW, "AQSCF-97-7", "order", "unit", 1, [],
     "A", 0, 30000, ["阶次A", "违法数量1人次", "未发现法定从轻、从重情节"]),
    ("1人无证上岗且阻碍执法：阶次仍由事实确定，情节只定方向", NOW, "AQSCF-97-7", "order", "unit", 1, ["obstruction"],
     "A", 0, 30000, ["阶次A", "阻碍", "从重确定"]),
    ("1人无证上岗，逾期仍未改正：停产停业整顿并处罚款", NOW, "AQSCF-97-7", "overdue", "unit", 1, [], "A", 100000,
     130000, ["逾期未改正阶段", "责令停产停业整顿", "100000元至130000元"]),
    ("未对新入职员工进行安全培训：无有效基准阶次，法定幅度", NOW, "AQSCF-97-3", "order", "unit", None, [],
     "statutory", 0, 100000, ["没有有效的裁量基准阶次", "法定幅度0元至100000元", "安全生产法第二十八条第一款"]),
    ("未定期组织应急演练，涉及重大事故隐患：法定幅度内从重", NOW, "AQSCF-97-6", "order", "unit", None,
     ["major_hazard"], "statutory", 0, 100000, ["应急救援预案", "重大事故隐患", "从重确定"]),
    ("重大隐患未报告、逾期未改正，对主管人员，主动消除危害后果（第三十二条）", NOW, "AQSCF-101-5", "overdue", "person",
     None, ["voluntary_elimination"], "statutory", 20000, 50000,
     ["直接负责的主管人员", "第三十二条", "减轻处罚（低于法定最低罚款20000元）须经行政机关负责人集体讨论决定"]),
    ("培训档案未如实记录的人员占8%（2021年山西基准）", PAST, "AQSCF-97-4", "order", "unit", 8, [], "1", 0, 30000,
     ["比例10%以下", "晋应急发〔2021〕260号", "省级"]),
    ("培训档案未如实记录的人员恰为10%：「以下」含本数", PAST, "AQSCF-97-4", "order", "unit", 10, [], "1", 0, 30000,
     ["阶次1"]),
    ("培训档案未如实记录的人员占25%", PAST, "AQSCF-97-4", "order", "unit", 25, [], "2", 30000, 70000,
     ["比例10%以上30%以下", "阶次2"]),
    ("三处警示标志缺失（2021年山西基准第3档）", PAST, "AQSCF-99-1", "order", "unit", 3, [], "3", 20000, 30000,
     ["有3处"]),
    ("七处警示标志缺失且逾期未改正", PAST, "AQSCF-99-1", "overdue", "unit", 7, ["refused_correction"], "5", 170000,
     200000, ["有5处以上", "违法数量7处"]),
    ("拒绝阻碍监督检查，从业人员150人", PAST, "AQSCF-108", "refused", "unit", 150, ["obstruction"], "2", 100000,
     200000, ["从业人员100人以上", "安全生产法第一百零八条"]),
    ("两台特种设备未经检验投入使用，主动消除危害", PAST, "AQSCF-99-6", "order", "unit", 2, ["voluntary_elimination"],
     "2", 20000, 40000, ["原文条件缺失", "第三十二条"]),
    ("警示标志缺失（2026年：山西基准已失效，无国家基准行）：法定幅度", NOW, "AQSCF-99-1", "order", "unit", 2, [],
     "statutory", 0, 50000, ["没有有效的裁量基准阶次", "安全生产法第九十九条第(一)项"]),
]


@pytest.mark.parametrize("case", GOLDEN, ids=[g[0] for g in GOLDEN])
def test_golden_case_gives_tier_band_and_reasoning(case):
    _name, on, code, stage, target, quantity, circumstances, tier, low, high, phrases = case
    p = rules.propose(violation_code=code, circumstances=circumstances, rows=bands_on(on, code), stage=stage,
                      target=target, quantity=quantity, party="某公司")
    assert (p.tier, p.amount_min, p.amount_max) == (tier, low, high)
    for heading in ("一、违法行为的性质", "二、查明的事实和情节", "三、裁量基准的适用", "四、法律依据"):
        assert heading in p.reasoning
    for phrase in phrases:
        assert phrase in p.reasoning, phrase
    assert "某公司" in p.reasoning
    assert "国办发" not in p.reasoning and "%以下确定" not in p.reasoning  # no invented split of a range


def test_at_least_ten_golden_cases():
    assert len(GOLDEN) >= 10


def test_lapsed_version_is_not_applied_to_a_case_filed_after_it():
    with pytest.raises(DomainError) as err:
        rules.propose(violation_code="AQSCF-97-4", circumstances=[], rows=bands_on(NOW, "AQSCF-97-4"), quantity=5)
    assert err.value.code == "unknown_violation"


@pytest.mark.parametrize("pair", rules.CONTRADICTIONS)
def test_contradictory_circumstances_are_refused(pair):
    with pytest.raises(DomainError) as err:
        rules.propose(violation_code="AQSCF-97-7", circumstances=list(pair), rows=bands_on(NOW, "AQSCF-97-7"),
                      quantity=1)
    assert err.value.code == "contradictory_circumstances"
    assert rules.CIRCUMSTANCES[pair[0]] in err.value.message


def test_unknown_circumstance_is_refused():
    with pytest.raises(DomainError, match="未知的情节代码"):
        rules.check_circumstances(["lucky"])


def test_stage_without_rows_is_refused():
    with pytest.raises(DomainError) as err:
        rules.propose(violation_code="AQSCF-97-7", circumstances=[], rows=bands_on(NOW, "AQSCF-97-7"),
                      stage="order", target="person", quantity=1)
    assert err.value.code == "no_band"


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
