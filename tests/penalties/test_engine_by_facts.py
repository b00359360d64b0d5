"""The discretion engine chooses the 阶次 by the FACTS the benchmark's 适用条件 name (应急管理部令第12号 第二条: 「按照
裁量涉及的不同事实和情节」), then the statutory circumstances act as 行政处罚法 第32条 (应当从轻或者减轻) and 第33条 (不予
处罚) say; 初次违法 / 一年内再犯 come from the enterprise's own cases. Pure rule tests first, then a few db tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from bureau.kernel.errors import DomainError
from bureau.penalties import rules
from tests.penalties.factories import World, bands_on

NOW = dt.date(2026, 11, 27)
PAST = dt.date(2023, 6, 1)


def band(tier: str, *, level: str = "national", unit: str = "places", low: int | None = None,
         high: int | None = None, facts: tuple[str, ...] = (), amount: tuple[int, int] = (0, 10000),
         stage: str = "order", min_inclusive: bool = True, max_inclusive: bool = True) -> rules.Band:
    return rules.Band(
        row_id=hash((tier, level, facts)) % 1000, violation_code="T-1", violation="测试违法行为",
        legal_provision="某法第一条", penalty_provision="某法第二条", statutory_min=0, statutory_max=50000,
        stage=stage, target="unit", tier=tier, grade_label="", conditions=f"条件{tier}", amount_min=amount[0],
        amount_max=amount[1], source=f"{level}基准", level=level, quantity_unit=unit if (low or high) else "",
        quantity_min=None if low is None else Decimal(low), quantity_max=None if high is None else Decimal(high),
        min_inclusive=min_inclusive, max_inclusive=max_inclusive, facts=facts, tier_rank=ord(tier[0]))


def propose(rows, **kw):
    kw.setdefault("circumstances", [])
    return rules.propose(violation_code="T-1", rows=rows, **kw)


# --- the tier follows the facts ------------------------------------------------------------------------------------
def test_tier_follows_quantity_mem2024_26():
    """应急〔2024〕90号 (26): one unlicensed special worker is 阶次A, 3万元以下 — with no circumstance at all (the old
    presence rule proposed 30,000–60,000 yuan)."""
    p = rules.propose(violation_code="AQSCF-97-7", circumstances=[], rows=bands_on(NOW, "AQSCF-97-7"), quantity=1)
    assert (p.tier, p.tier_label, p.amount_min, p.amount_max, p.fallback) == ("A", "阶次A", 0, 30000, False)
    assert "有1人次" in p.reasoning and "第（26）项" in p.reasoning


def test_tier_follows_places_sx2021_99_1():
    """晋应急发〔2021〕260号 第九十九条第（一）项: 有1处 … 有5处以上 (exact counts, the last open-ended)."""
    rows = bands_on(PAST, "AQSCF-99-1")
    assert [rules.propose(violation_code="AQSCF-99-1", circumstances=[], rows=rows, quantity=n).tier
            for n in (1, 2, 3, 4, 5, 12)] == ["1", "2", "3", "4", "5", "5"]


def test_percent_bounds_follow_the_rows_inclusivity_sx2021_97_4():
    """「10%以下」 includes 10 (立法技术规范: 以上、以下含本数); the next row 「10%以上30%以下」 starts above it so
    that the two never overlap; a share above 30 % is named by no row and is refused."""
    rows = bands_on(PAST, "AQSCF-97-4")
    tier = [rules.propose(violation_code="AQSCF-97-4", circumstances=[], rows=rows, quantity=q).tier
            for q in (Decimal("0.5"), 10, Decimal("10.01"), 30)]
    assert tier == ["1", "1", "2", "2"]
    p = rules.propose(violation_code="AQSCF-97-4", circumstances=[], rows=rows, quantity=31)
    assert p.fallback and "比例10%以上30%以下" in p.reasoning  # no loaded row names it: the statutory range, said so


def test_quantity_no_loaded_row_names_gets_the_statutory_range_and_says_so():
    """行政处罚法 第34条: the benchmark binds where it has a row; only 阶次A 「有1人次」 of 应急〔2024〕90号 (26) could be
    sourced, so two unlicensed workers get the statutory range with the loaded conditions named — never a refusal
    that blocks the case, never an invented split."""
    p = rules.propose(violation_code="AQSCF-97-7", circumstances=[], rows=bands_on(NOW, "AQSCF-97-7"), quantity=2)
    assert (p.fallback, p.tier, p.amount_min, p.amount_max) == (True, rules.STATUTORY, 0, 100000)
    assert "阶次A「有1人次」" in p.reasoning and "没有与所录事实相符的裁量基准阶次" in p.reasoning
    assert any("不涵盖所录事实" in n for n in p.notes)
    with pytest.raises(DomainError) as err:  # zero persons: there is no violation to penalise
        rules.propose(violation_code="AQSCF-97-7", circumstances=[], rows=bands_on(NOW, "AQSCF-97-7"), quantity=0)
    assert err.value.code == "bad_quantity"


def test_quantity_is_required_where_the_rows_count():
    with pytest.raises(DomainError) as err:
        rules.propose(violation_code="AQSCF-97-7", circumstances=[], rows=bands_on(NOW, "AQSCF-97-7"))
    assert err.value.code == "quantity_required" and err.value.field == "quantity"


def test_lower_level_row_beats_the_national_row_for_the_same_violation():
    """部令第12号 (lower-level benchmarks refine within the higher one): city > province > national."""
    rows = [band("A", level="national", low=1, high=3, amount=(0, 30000)),
            band("1", level="province", low=1, high=2, amount=(0, 20000)),
            band("a", level="city", low=1, high=1, amount=(0, 10000))]
    assert propose(rows, quantity=1).tier == "a"
    assert propose(rows, quantity=2).tier == "1"
    p = propose(rows, quantity=3)
    assert p.tier == "A" and p.amount_max == 30000
    assert "上级基准亦有相应阶次" in propose(rows, quantity=1).reasoning


def test_most_specific_row_wins_within_a_level():
    rows = [band("A", low=1, high=1, amount=(0, 10000)),
            band("B", low=1, high=1, facts=("造成生产安全事故",), amount=(20000, 50000))]
    assert propose(rows, quantity=1).tier == "A"
    p = propose(rows, quantity=1, facts=["造成生产安全事故"])
    assert (p.tier, p.amount_min) == ("B", 20000) and "造成生产安全事故" in p.reasoning


def test_no_matching_row_gives_the_statutory_range_naming_the_conditions():
    rows = [band("B", facts=("造成生产安全事故",))]
    p = propose(rows)
    assert p.fallback and (p.amount_min, p.amount_max) == (0, 50000) and "造成生产安全事故" in p.reasoning


def test_no_matching_row_without_a_statutory_range_is_refused():
    rows = [replace(band("B", facts=("造成生产安全事故",)), statutory_min=None, statutory_max=None)]
    with pytest.raises(DomainError) as err:
        propose(rows)
    assert err.value.code == "no_matching_tier" and "造成生产安全事故" in err.value.message


def test_two_different_tiers_matching_equally_are_refused():
    rows = [band("A", low=1, high=5, amount=(0, 10000)), band("B", low=3, high=9, amount=(10000, 20000))]
    with pytest.raises(DomainError) as err:
        propose(rows, quantity=4)
    assert err.value.code == "ambiguous_tier"


def test_unknown_named_fact_is_refused():
    with pytest.raises(DomainError) as err:
        propose([band("A")], facts=["随便写的情形"])
    assert err.value.code == "unknown_fact"


def test_facts_contradicting_the_stage_are_refused():
    """责令限期改正 → 逾期未改正 → 拒不改正 are successive stages: a fact 「逾期未改正」 at the order stage is a
    contradiction, not a fact."""
    rows = [band("A", facts=("逾期未改正且拒不配合",)), band("B", stage="overdue", facts=("逾期未改正且拒不配合",))]
    with pytest.raises(DomainError) as err:
        propose(rows, facts=["逾期未改正且拒不配合"], stage="order")
    assert err.value.code == "contradictory_stage"
    assert propose(rows, facts=["逾期未改正且拒不配合"], stage="overdue").tier == "B"


def test_negative_quantity_is_refused():
    with pytest.raises(DomainError, match="违法数量不能为负数"):
        propose([band("A", low=1, high=2)], quantity=-1)


# --- no row in force: the statutory range ------------------------------------------------------------------------
def test_no_row_in_force_proposes_statutory_range():
    """Where no benchmark row is in force the proposal is the law's range, and the reasoning says so — no 30 %/60 %
    split (no rule requires one; penalties/data/README.md)."""
    p = rules.propose(violation_code="AQSCF-97-6", circumstances=[], rows=bands_on(NOW, "AQSCF-97-6"))
    assert (p.tier, p.tier_label, p.amount_min, p.amount_max, p.fallback) == ("statutory", "法定幅度", 0, 100000, True)
    assert "没有有效的裁量基准阶次" in p.reasoning and "不按比例另行划分" in p.reasoning
    assert not hasattr(rules, "FallbackShares") and not hasattr(rules, "fallback_band")


def test_no_row_in_force_uses_any_row_stating_the_range():
    """Without a 法定幅度 row the statutory min/max of any row of the code for the stage and target is the range."""
    lapsed_free = [band("A", low=1, high=1)]
    exempt_only = [rules.Band(**{**lapsed_free[0].__dict__, "tier": rules.EXEMPT, "statutory_max": 30000})]
    p = propose(exempt_only)
    assert (p.tier, p.amount_min, p.amount_max) == ("statutory", 0, 30000) and p.fallback


def test_the_lapsed_warning_sign_rows_leave_the_statutory_range_of_article_99():
    """The Shanxi 警示标志 rows lapsed on 2024-10-31: a 2026 finding is penalised within 安全生产法 第九十九条's range."""
    p = rules.propose(violation_code="AQSCF-99-1", circumstances=[], rows=bands_on(NOW, "AQSCF-99-1"), quantity=1)
    assert (p.tier, p.amount_min, p.amount_max) == ("statutory", 0, 50000)


def test_a_provisions_conditional_measures_never_join_the_proposal_by_themselves():
    """安全生产法 第97条: 「逾期未改正的，责令停产停业整顿」 applies at the overdue stage only; 第99条 「情节严重的，责令停产
    停业整顿」 needs a finding the engine does not make — a note, never a measure that would bring a hearing."""
    text = "逾期未改正的，责令停产停业整顿"
    assert rules.statutory_measures(text, "order") == ([], [])
    assert rules.statutory_measures(text, "overdue") == (["责令停产停业整顿"], [])
    assert rules.statutory_measures("情节严重的，责令停产停业整顿；没收违法所得", "overdue") == (
        [], ["情节严重的，责令停产停业整顿", "没收违法所得"])
    assert rules.statutory_measures("责令停业整顿", "order") == (["责令停业整顿"], [])
    rows = [rules.Band(**{**b.__dict__, "other_measures": text}) if b.tier == rules.STATUTORY else b
            for b in bands_on(NOW, "AQSCF-97-6")]
    assert rules.propose(violation_code="AQSCF-97-6", circumstances=[], rows=rows).other_measures == ""
    assert rules.propose(violation_code="AQSCF-97-6", circumstances=[], rows=rows,
                         stage="overdue").other_measures == "责令停产停业整顿"


# --- circumstances act as the law says -------------------------------------------------------------------------------
def test_circumstances_never_move_the_tier_or_invent_a_sub_band():
    rows = bands_on(NOW, "AQSCF-97-7")
    for codes in ([], ["cooperation"], ["obstruction", "concealment"], ["voluntary_elimination", "major_hazard"]):
        p = rules.propose(violation_code="AQSCF-97-7", circumstances=codes, rows=rows, quantity=1)
        assert (p.tier, p.amount_min, p.amount_max) == ("A", 0, 30000), codes
    assert "从重确定罚款数额（未规定幅度内从轻、从重的具体比例，幅度不变）" in rules.propose(
        violation_code="AQSCF-97-7", circumstances=["obstruction"], rows=rows, quantity=1).reasoning


def test_art32_mitigation_is_stated_and_reduction_needs_collective_discussion():
    """行政处罚法 第32条: 应当从轻或者减轻 — 减轻 goes below the statutory minimum, only by the leaders' collective
    discussion; a 从轻 amount below the band needs a written reason."""
    p = rules.propose(violation_code="AQSCF-97-7", circumstances=["confession"], rows=bands_on(NOW, "AQSCF-97-7"),
                      quantity=1, stage="overdue")
    assert (p.amount_min, p.amount_max) == (100000, 130000)
    assert "第三十二条" in p.reasoning and "主动供述行政机关尚未掌握的违法行为" in p.reasoning
    assert any("减轻处罚（低于法定最低罚款100000元）须经行政机关负责人集体讨论决定" in n for n in p.notes)


def test_art33_first_offence_gives_exemption_option():
    """行政处罚法 第33条第1款后段: 初次违法且危害后果轻微并及时改正的，可以不予行政处罚 — an option with its basis,
    never decided by the engine; the fine band is still proposed."""
    rows = bands_on(NOW, "AQSCF-97-5")
    listed = next(b for b in rows if b.tier == rules.EXEMPT and "莲池区" in b.source)
    p = rules.propose(violation_code="AQSCF-97-5", circumstances=["first_offence", "minor_harm", "corrected_in_time"],
                      rows=rows, listed=listed, industry="metallurgy_trade")
    assert p.exemption.possible and not p.exemption.mandatory and p.exemption.kind == "first_offence"
    assert "第三十三条第一款" in p.exemption.basis and "可以不予行政处罚" in p.exemption.basis
    assert (p.amount_min, p.amount_max) == (0, 100000)
    assert "第三十三条" in p.reasoning and "系统不自动决定" in p.reasoning


def test_art33_first_offence_is_cited_as_article_33_not_32():
    """初次违法 is a 第33条 fact; 第32条 lists only the 应当从轻或者减轻 circumstances."""
    p = rules.propose(violation_code="AQSCF-97-7", circumstances=["first_offence"], rows=bands_on(NOW, "AQSCF-97-7"),
                      quantity=1)
    assert "第三十二条" not in p.reasoning


def test_art33_minor_corrected_without_harm_must_not_be_fined():
    """行政处罚法 第33条第1款前段: 违法行为轻微并及时改正，没有造成危害后果的，不予行政处罚."""
    option = rules.exemption_option(["minor_violation", "corrected_in_time", "no_harm"])
    assert option.possible and option.mandatory and option.kind == "minor" and "第三十三条第一款" in option.basis
    assert not rules.exemption_option(["minor_violation", "corrected_in_time"]).possible


def test_art33_no_fault_gives_exemption_option():
    """行政处罚法 第33条第2款: 当事人有证据足以证明没有主观过错的，不予行政处罚."""
    option = rules.exemption_option(["no_fault"])
    assert option.possible and option.mandatory and "第三十三条第二款" in option.basis


def test_art33_first_offence_unlisted_violation_states_why_not():
    option = rules.exemption_option(["first_offence", "minor_harm", "corrected_in_time"], listed=None)
    assert not option.possible and "不在首违不罚清单内" in option.basis


# --- 初次违法 / 一年内再犯 from the enterprise's cases -----------------------------------------------------------------
def prior(number: str, code: str, days_ago: int) -> rules.PriorCase:
    return rules.PriorCase(number=number, violation_code=code, decided_on=NOW - dt.timedelta(days=days_ago))


def history(priors, **kw):
    return rules.offence_history(priors=priors, violation_code="AQSCF-97-7", on=NOW, first_offence_months=12,
                                 repeat_months=12, **kw)


def test_first_offence_is_computed_from_decided_penalties():
    assert history([]).first_offence
    assert history([prior("旧1", "AQSCF-99-1", 400)]).first_offence  # outside the period
    h = history([prior("运应急罚〔2026〕1号", "AQSCF-99-1", 100)])
    assert not h.first_offence and not h.repeat and "运应急罚〔2026〕1号" in h.text and "不属于初次违法" in h.text


def test_two_special_work_fines_in_a_year_stop_first_offence():
    """The second special-work case of a year is neither 初次违法 (第33条) — and it is 一年内再犯."""
    h = history([prior("运应急罚〔2026〕7号", "AQSCF-97-7", 60)])
    assert not h.first_offence and h.repeat and "属于一年内再犯" in h.text


def test_override_needs_a_reason_and_is_stated():
    with pytest.raises(DomainError) as err:
        history([], override_first=False)
    assert err.value.code == "override_reason_required"
    h = history([], override_first=False, reason="2026年3月受临猗县应急管理局处罚（临应急罚〔2026〕3号）")
    assert not h.first_offence and h.overridden and "临应急罚〔2026〕3号" in h.text
    assert not history([], override_first=True).overridden  # agreeing with the record needs no reason


def test_history_replaces_typed_first_offence_and_repeat():
    h = history([prior("X", "AQSCF-97-7", 30)])
    assert rules.with_history(["first_offence", "cooperation"], h) == ["cooperation", "repeat"]


# --- through the services ----------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_decided_special_work_fine_stops_first_offence_of_the_next_case():
    """Two special-work fines in the same year: the second proposal finds the first decided case, is not 初次违法
    and is 一年内再犯 — computed, not typed, and named in the reasoning."""
    from bureau.penalties import services

    w = World()
    first = w.notified_case()
    assert "first_offence" in first.circumstances and "属于初次违法" in first.reasoning
    services.statement_submit(actor=w.company_user, case=first, text="", waive=True)
    services.case_submit_decision(actor=w.officer, case=first)
    services.case_decide(actor=w.leader, case=first)
    second = w.proposed_case(circumstances=("cooperation",))
    assert "first_offence" not in second.circumstances and "repeat" in second.circumstances
    assert first.number in second.reasoning and "不属于初次违法" in second.reasoning


@pytest.mark.django_db
def test_history_override_is_stored_audited_and_shown():
    from bureau.kernel.models import AuditEntry
    from bureau.penalties import services

    w = World()
    case = w.open_case()
    w.evidence(case)
    args = dict(actor=w.officer, case=case, violation_code="AQSCF-97-7", circumstances=[], amount=10000, quantity=1)
    with pytest.raises(DomainError, match="须写明理由"):
        services.case_propose(**args, first_offence_override=False)
    reason = "当事人2026年5月受临猗县应急管理局处罚（临应急罚〔2026〕12号）"
    services.case_propose(**args, first_offence_override=False, override_reason=reason)
    case.refresh_from_db()
    assert case.first_offence_override is False and case.history_override_reason == reason
    assert "first_offence" not in case.circumstances and reason in case.reasoning
    entry = AuditEntry.objects.filter(action="penalties.propose").latest("id")
    assert entry.data["history"]["overridden"] and entry.data["history"]["reason"] == reason


@pytest.mark.django_db
def test_art33_mandatory_exemption_refuses_a_fine_and_is_proposed_as_exemption():
    """第33条第1款前段: no fine is proposed for a minor violation corrected in time without harm; the officer proposes
    the exemption (never decided by the engine)."""
    from bureau.penalties import services

    w = World()
    case = w.open_case()
    w.evidence(case)
    codes = ["minor_violation", "corrected_in_time", "no_harm"]
    with pytest.raises(DomainError) as err:
        services.case_propose(actor=w.officer, case=case, violation_code="AQSCF-97-7", circumstances=codes,
                              amount=1000, quantity=1)
    assert err.value.code == "exemption_required"
    services.case_propose_exemption(actor=w.officer, case=case, kind="minor", violation_code="AQSCF-97-7",
                                    circumstances=codes)
    case.refresh_from_db()
    assert case.exemption == "minor" and "第三十三条第一款" in case.exemption_basis
