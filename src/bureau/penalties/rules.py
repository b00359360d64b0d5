"""Pure rules of administrative penalties: facts → benchmark row (阶次) → amount band → how the statutory
circumstances act → written reasoning (说理); the exemptions (免罚); 初次违法 / 一年内再犯 from the enterprise's cases;
the import checks of the discretion benchmark; the order of the case file.

No database here: callers pass benchmark rows as `Band` values and numbers read from rule parameters, so every rule
can be tested exhaustively.

Sources (quoted in src/bureau/penalties/data/README.md):
- 行政处罚法 (2021) 第5条第2款 (过罚相当), 第32条 (应当从轻或者减轻), 第33条 (不予处罚; 初次违法 可以不予), 第34条 (裁量基准);
- 应急管理部令第12号《应急管理行政裁量权基准暂行规定》(2024-01-01) 第二条: the benchmark refines the law's ranges
  「按照裁量涉及的不同事实和情节」 — so the 阶次 is chosen by the facts its 适用条件 name (有1人次 / 有2处 / 比例 /
  逾期未改正), not by mitigating or aggravating circumstances;
- 应急〔2024〕90号《应急管理行政处罚裁量权基准》(2024-11-01): rows of 违法行为 → 裁量阶次 → 适用条件 → 具体标准. Its own
  使用说明 could not be read; no share of a band is attributed to it and no percentage is invented: where no row is in
  force the statutory range is proposed;
- measure II.6 (说理式自由裁量), II.8 (企业自查整改问题免罚).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from bureau.kernel.calendar import add_months
from bureau.kernel.dates import chinese_date  # 「2026年12月6日」 in text and documents (docs/ui.md)
from bureau.kernel.errors import DomainError

# --- tiers --------------------------------------------------------------------------------------------------------
LENIENT, STANDARD, SEVERE, EXEMPT, STATUTORY = "lenient", "standard", "severe", "exempt", "statutory"
TIER_LABELS = {LENIENT: "从轻", STANDARD: "一般", SEVERE: "从重", EXEMPT: "不予处罚", STATUTORY: "法定幅度"}
TIER_BY_LABEL = {v: k for k, v in TIER_LABELS.items()}
FINE_TIERS = (LENIENT, STANDARD, SEVERE)

# --- stages and targets of a benchmark row ---------------------------------------------------------------------------
STAGE_ORDER, STAGE_OVERDUE, STAGE_REFUSED = "order", "overdue", "refused"
STAGE_LABELS = {STAGE_ORDER: "责令限期改正阶段", STAGE_OVERDUE: "逾期未改正阶段", STAGE_REFUSED: "拒不改正"}
TARGET_UNIT, TARGET_PERSON = "unit", "person"
TARGET_LABELS = {TARGET_UNIT: "生产经营单位", TARGET_PERSON: "直接负责的主管人员和其他直接责任人员"}

# --- structured conditions of a benchmark row ------------------------------------------------------------------------
# units a benchmark's 适用条件 count in (应急〔2024〕90号: 有1人次 / 有2处 / 比例10%以下 / 逾期…日)
QUANTITY_UNITS = {"persons": "人次", "places": "处", "items": "项", "percent": "%", "yuan": "元", "days": "日"}
QUANTITY_UNIT_BY_LABEL = {v: k for k, v in QUANTITY_UNITS.items()}
# 应急管理部令第12号: lower-level benchmarks refine within the higher one
LEVEL_NATIONAL, LEVEL_PROVINCE, LEVEL_CITY = "national", "province", "city"
LEVEL_LABELS = {LEVEL_NATIONAL: "国家", LEVEL_PROVINCE: "省", LEVEL_CITY: "市"}
LEVEL_RANK = {LEVEL_NATIONAL: 0, LEVEL_PROVINCE: 1, LEVEL_CITY: 2}

# --- circumstances (情节) --------------------------------------------------------------------------------------------
# 行政处罚法（2021）第三十二条: 当事人有下列情形之一，应当从轻或者减轻行政处罚
STATUTORY_MITIGATING: dict[str, str] = {
    "voluntary_elimination": "主动消除或者减轻违法行为危害后果",
    "coerced": "受他人胁迫或者诱骗实施违法行为",
    "confession": "主动供述行政机关尚未掌握的违法行为",
    "meritorious": "配合行政机关查处违法行为有立功表现",
    "other_statutory": "法律、法规、规章规定其他应当从轻或者减轻行政处罚的情形",
}
MITIGATING: dict[str, str] = {
    **STATUTORY_MITIGATING,
    # facts the law names for 不予处罚 (第三十三条) and the discretionary (酌定) factors of the benchmarks
    "first_offence": "初次违法",
    "corrected_in_time": "及时改正",
    "minor_violation": "违法行为轻微",
    "minor_harm": "危害后果轻微",
    "no_harm": "未造成危害后果",
    "no_fault": "有证据足以证明没有主观过错",
    "cooperation": "积极配合调查并如实陈述违法事实",
}
AGGRAVATING: dict[str, str] = {  # 从重情形 as the benchmarks name them (应急管理部令第12号 asks for them)
    "repeat": "一年内因同一种违法行为受过行政处罚",
    "refused_correction": "拒不改正或者整改不力",
    "serious_harm": "造成生产安全事故或者严重社会影响",
    "obstruction": "拒绝、阻碍或者以暴力威胁执法人员执法",
    "concealment": "伪造、隐匿、毁灭证据",
    "major_hazard": "违法行为涉及重大事故隐患",
}
CIRCUMSTANCES: dict[str, str] = {**MITIGATING, **AGGRAVATING}
# facts of the enterprise's own record, computed from its cases (never typed; an officer may correct them with a
# recorded reason): 初次违法 (第三十三条第一款) and 一年内再犯
HISTORY = ("first_offence", "repeat")
CONTRADICTIONS: tuple[tuple[str, str], ...] = (
    ("first_offence", "repeat"),
    ("corrected_in_time", "refused_correction"),
    ("voluntary_elimination", "refused_correction"),
    ("no_harm", "serious_harm"),
    ("minor_harm", "serious_harm"),
    ("no_harm", "minor_harm"),
    ("minor_violation", "serious_harm"),
    ("minor_violation", "major_hazard"),
    ("cooperation", "obstruction"),
    ("cooperation", "concealment"),
)
# 行政处罚法 第33条第1款后段 (首违不罚): all three are required.
FIRST_OFFENCE_REQUIRED = ("first_offence", "minor_harm", "corrected_in_time")
# 行政处罚法 第33条第1款前段: 违法行为轻微并及时改正，没有造成危害后果的，不予行政处罚.
MINOR_REQUIRED = ("minor_violation", "corrected_in_time", "no_harm")

# Hazard states that mean "rectification under way or done" (hazards.workflow): measure II.8.
RECTIFYING_STATES = frozenset({"rectifying", "awaiting_acceptance", "accepted", "closed"})

# The case file (案卷) in the official order (domain §5; 应急管理部令第18号, verify): kind → (sort, title).
CASE_FILE_ORDER: dict[str, tuple[int, str]] = {
    "filing_approval": (10, "立案审批表"),
    "inquiry_record": (20, "询问笔录"),
    "inspection_record": (25, "勘验笔录"),
    "site_record": (27, "现场检查记录"),
    "penalty_notice": (30, "行政处罚告知书"),
    "statement_record": (40, "陈述申辩记录"),
    "statement_review_record": (42, "陈述申辩复核意见书"),
    "hearing_notice": (50, "听证告知书"),
    "hearing_schedule_notice": (52, "听证通知书"),
    "hearing_record": (55, "听证笔录"),
    "handling_approval": (60, "案件处理呈批表"),
    "legal_review_opinion": (63, "法制审核意见书"),
    "collective_discussion": (65, "集体讨论记录"),
    "penalty_decision": (70, "行政处罚决定书"),
    "no_penalty_decision": (71, "不予行政处罚决定书"),
    "service_receipt": (80, "送达回执"),
    "enforcement_reminder": (85, "履行催告书"),
    "reminder_statement_record": (86, "催告陈述申辩及复核记录"),
    "court_application": (88, "强制执行申请书"),
    "closing_approval": (90, "结案审批表"),
}


@dataclass(frozen=True)
class Band:
    """One benchmark row as the engine sees it (amounts in yuan; None = not set)."""

    row_id: int
    violation_code: str
    violation: str
    legal_provision: str
    penalty_provision: str
    statutory_min: int | None
    statutory_max: int | None
    stage: str
    target: str
    tier: str
    grade_label: str
    conditions: str
    amount_min: int | None
    amount_max: int | None
    other_measures: str = ""
    source: str = ""
    effective_from: dt.date | None = None
    excluded_industries: tuple[str, ...] = ()
    tier_rank: int = 0
    item: str = ""
    level: str = LEVEL_NATIONAL
    quantity_unit: str = ""
    quantity_min: Decimal | None = None
    quantity_max: Decimal | None = None
    min_inclusive: bool = True
    max_inclusive: bool = True
    facts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Exemption:
    """The 不予处罚 option of 行政处罚法 第33条: never decided by the engine; the officer proposes it (免罚意见)."""

    possible: bool = False
    basis: str = ""
    mandatory: bool = False  # 第33条第1款前段 / 第2款: 不予行政处罚 (the law leaves no choice); else 可以
    kind: str = ""  # ExemptionKind value: minor / no_fault / first_offence


@dataclass(frozen=True)
class PriorCase:
    """A decided penalty of the same enterprise (for 初次违法 and 一年内再犯)."""

    number: str
    violation_code: str
    decided_on: dt.date


@dataclass(frozen=True)
class OffenceHistory:
    """初次违法 and 一年内再犯 as the enterprise's own cases show them, with any correction by the officer."""

    first_offence: bool
    repeat: bool
    text: str
    overridden: bool = False


@dataclass
class Proposal:
    """What the engine proposes: the tier the facts select, its band, the rows used, the reasoning and the
    不予处罚 option."""

    violation_code: str
    tier: str
    amount_min: int
    amount_max: int
    reasoning: str
    rows: list[Band]
    fallback: bool  # no benchmark row in force: the statutory range
    why: str
    circumstances: list[str]
    other_measures: str = ""
    notes: list[str] = field(default_factory=list)
    stage: str = STAGE_ORDER
    target: str = TARGET_UNIT
    quantity: Decimal | None = None
    facts: list[str] = field(default_factory=list)
    direction: str = ""  # how the circumstances act within the band (stated, not computed)
    exemption: Exemption = field(default_factory=Exemption)
    history: OffenceHistory | None = None

    @property
    def tier_label(self) -> str:
        return tier_label(self.tier)

    @property
    def benchmark_row(self) -> Band:
        return self.rows[0]


def tier_label(tier: str) -> str:
    """从轻/一般/从重/不予处罚/法定幅度 for the named codes; 阶次A, 阶次1 … for a benchmark's own 阶次 code."""
    if not tier:
        return ""
    return TIER_LABELS.get(tier) or f"阶次{tier}"


# --- circumstances ----------------------------------------------------------------------------------------------------
def check_circumstances(codes: Iterable[str]) -> list[str]:
    """Normalise the recorded circumstances; refuse unknown codes and contradictory pairs."""
    result: list[str] = []
    for code in codes:
        code = str(code).strip()
        if not code:
            continue
        if code not in CIRCUMSTANCES:
            raise DomainError(f"未知的情节代码「{code}」", code="unknown_circumstance", field="circumstances")
        if code not in result:
            result.append(code)
    for a, b in CONTRADICTIONS:
        if a in result and b in result:
            raise DomainError(f"情节相互矛盾：「{CIRCUMSTANCES[a]}」与「{CIRCUMSTANCES[b]}」不能同时成立",
                              code="contradictory_circumstances", field="circumstances")
    return result


# The stage of the procedure is itself a fact: at the 责令限期改正 stage the party has not yet been ordered to correct,
# so it cannot have refused or delayed the correction; once it has refused (拒不改正) it did not correct in time.
# (安全生产法 第99条 etc.: 责令限期改正 → 逾期未改正 → 拒不改正 are successive stages of one provision.)
STAGE_CONTRADICTIONS: dict[str, tuple[str, ...]] = {
    STAGE_ORDER: ("refused_correction",),
    STAGE_REFUSED: ("corrected_in_time",),
}
# words of a named fact that state a stage of its own (a fact 「逾期未改正」 recorded at the 责令限期改正 stage is a
# contradiction, not a fact)
STAGE_WORDS: dict[str, tuple[str, ...]] = {STAGE_OVERDUE: ("逾期未改正", "逾期不改正"), STAGE_REFUSED: ("拒不改正",)}


def check_stage_facts(stage: str, codes: Sequence[str], facts: Sequence[str] = ()) -> None:
    """Refuse circumstances and named facts the stage of the procedure contradicts (nothing is proposed from
    contradictory facts)."""
    for code in STAGE_CONTRADICTIONS.get(stage, ()):
        if code in codes:
            raise DomainError(f"情节与处罚阶段矛盾：处于「{STAGE_LABELS[stage]}」时不能认定「{CIRCUMSTANCES[code]}」",
                              code="contradictory_stage", field="circumstances")
    for other, words in STAGE_WORDS.items():
        if other == stage:
            continue
        for fact in facts:
            if any(w in fact for w in words):
                raise DomainError(f"情形与处罚阶段矛盾：处于「{STAGE_LABELS[stage]}」时不能认定「{fact}」"
                                  f"（该情形属于「{STAGE_LABELS[other]}」）", code="contradictory_stage", field="facts")


# --- 初次违法 / 一年内再犯 from the enterprise's own cases -------------------------------------------------------------
def offence_history(*, priors: Sequence[PriorCase], violation_code: str, on: dt.date, first_offence_months: int,
                    repeat_months: int, override_first: bool | None = None, override_repeat: bool | None = None,
                    reason: str = "") -> OffenceHistory:
    """初次违法: no decided penalty of the enterprise within `first_offence_months` before `on` (the date the
    violation was found); 一年内再犯: a decided penalty for the same violation within `repeat_months`. Both come from
    the enterprise's cases; an officer may correct either only with a written reason (shown in the reasoning)."""
    first_from = add_months(on, -first_offence_months)
    repeat_from = add_months(on, -repeat_months)
    earlier = sorted((p for p in priors if first_from <= p.decided_on <= on), key=lambda p: p.decided_on)
    same = [p for p in priors if p.violation_code == violation_code and repeat_from <= p.decided_on <= on]
    first, repeat = not earlier, bool(same)
    if earlier:
        found = "、".join(f"{p.number}（{chinese_date(p.decided_on)}决定）" for p in earlier[:5])
        text = (f"经查本机关案件记录，当事人在{chinese_date(first_from)}至{chinese_date(on)}期间受过行政处罚（{found}），"
                "不属于初次违法")
    else:
        text = (f"经查本机关案件记录，当事人在{chinese_date(first_from)}至{chinese_date(on)}期间未受过行政处罚，"
                "属于初次违法")
    if same:
        text += (f"；{repeat_from:%Y-%m-%d}以来因同一违法行为受过行政处罚（{'、'.join(p.number for p in same[:5])}），"
                 "属于一年内再犯")
    overridden = False
    for label, computed, wanted in (("初次违法", first, override_first), ("一年内再犯", repeat, override_repeat)):
        if wanted is None or wanted == computed:
            continue
        if not reason.strip():
            raise DomainError(f"系统根据当事人的案件记录认定{'' if computed else '不'}属于{label}；更正这一认定须写明理由"
                              "（如其他机关作出的处罚决定）", code="override_reason_required", field="override_reason")
        overridden = True
    if overridden:
        first = first if override_first is None else override_first
        repeat = repeat if override_repeat is None else override_repeat
        text += (f"。承办人更正认定为{'属于' if first else '不属于'}初次违法、{'属于' if repeat else '不属于'}一年内再犯，"
                 f"理由：{reason.strip()}")
    if first and repeat:
        raise DomainError("初次违法与一年内再犯不能同时成立", code="contradictory_circumstances",
                          field="override_reason")
    return OffenceHistory(first_offence=first, repeat=repeat, text=text, overridden=overridden)


def with_history(codes: Iterable[str], history: OffenceHistory | None) -> list[str]:
    """The recorded circumstances with 初次违法 / 一年内再犯 replaced by the computed history (when there is one)."""
    codes = [str(c).strip() for c in codes]
    if history is None:
        return codes
    result = [c for c in codes if c not in HISTORY]
    if history.first_offence:
        result.append("first_offence")
    if history.repeat:
        result.append("repeat")
    return result


# --- facts -> tier ----------------------------------------------------------------------------------------------------
def number_text(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def bounds_text(band: Band) -> str:
    """The quantity condition of a row in words: 「1人次」「5处以上」「10%以下」「超过10%至30%」."""
    if not band.quantity_unit:
        return ""
    unit = QUANTITY_UNITS.get(band.quantity_unit, band.quantity_unit)
    low, high = band.quantity_min, band.quantity_max
    if low is not None and high is not None and low == high:
        return f"{number_text(low)}{unit}"
    parts = []
    if low is not None:
        parts.append(f"{number_text(low)}{unit}以上" if band.min_inclusive else f"超过{number_text(low)}{unit}")
    if high is not None:
        parts.append(f"{number_text(high)}{unit}以下" if band.max_inclusive else f"不满{number_text(high)}{unit}")
    return "、".join(parts) or f"任意{unit}"


def condition_text(band: Band) -> str:
    """A row's 适用条件 as printed, with its structured conditions."""
    structured = [x for x in (bounds_text(band), *band.facts) if x and x not in band.conditions]
    label = tier_label(band.tier)
    return f"{label}「{band.conditions}」" + (f"（{'；'.join(structured)}）" if structured else "")


def quantity_fits(band: Band, quantity: Decimal | None) -> bool:
    if not band.quantity_unit:
        return True
    if quantity is None:
        return False
    if band.quantity_min is not None:
        if quantity < band.quantity_min or (quantity == band.quantity_min and not band.min_inclusive):
            return False
    if band.quantity_max is not None:
        if quantity > band.quantity_max or (quantity == band.quantity_max and not band.max_inclusive):
            return False
    return True


def matching_rows(rows: Sequence[Band], *, quantity: Decimal | None, facts: Sequence[str]) -> list[Band]:
    """The rows whose quantity bounds and required facts the recorded facts meet."""
    named = set(facts)
    return [r for r in rows if quantity_fits(r, quantity) and set(r.facts) <= named]


def select_row(rows: Sequence[Band], *, quantity: Decimal | None, facts: Sequence[str], violation_code: str,
               stage: str, target: str, statutory: bool = False) -> tuple[Band | None, list[Band]]:
    """The benchmark row the facts select among `rows` (the tiered rows of one violation, stage and target in force):
    a lower level's row before a higher level's (city > province > national: lower-level benchmarks refine within
    the higher one, 应急管理部令第12号), then the most specific row (most required facts). Returns the row and the
    other matching rows; refuses when two different tiers match equally, and when none matches, naming the
    conditions — unless `statutory` (the provision's range exists): then (None, []) and the caller proposes that
    range (行政处罚法 第34条: the benchmark binds where it has a row). A missing or zero quantity is always refused."""
    matched = matching_rows(rows, quantity=quantity, facts=facts)
    if not matched:
        listed = "；".join(condition_text(r) for r in sorted(rows, key=lambda r: (-LEVEL_RANK.get(r.level, 0),
                                                                                  r.tier_rank, r.tier)))
        units = sorted({r.quantity_unit for r in rows if r.quantity_unit})
        unit = "、".join(QUANTITY_UNITS.get(u, u) for u in units)
        where = f"「{violation_code}」{STAGE_LABELS[stage]}·{TARGET_LABELS[target]}"
        if units and quantity is None:
            raise DomainError(f"请填写违法数量（单位：{unit}）：基准{where}按数量确定阶次：{listed}",
                              code="quantity_required", field="quantity")
        if units and quantity == 0:
            raise DomainError("违法数量应大于0（数量为0即不存在该违法行为）", code="bad_quantity", field="quantity")
        if statutory:
            return None, []
        if units and quantity is not None and not any(quantity_fits(r, quantity) for r in rows if r.quantity_unit):
            raise DomainError(f"违法数量{number_text(quantity)}{unit}不在基准{where}任何阶次的数量范围内：{listed}",
                              code="quantity_out_of_range", field="quantity")
        raise DomainError(f"所录事实不符合基准{where}任何阶次的适用条件：{listed}。请核对违法数量和情形",
                          code="no_matching_tier", field="facts")
    best = max((LEVEL_RANK.get(r.level, 0), len(r.facts)) for r in matched)
    top = [r for r in matched if (LEVEL_RANK.get(r.level, 0), len(r.facts)) == best]
    if len({(r.tier, r.amount_min, r.amount_max) for r in top}) > 1:
        raise DomainError("所录事实同时符合基准的多个阶次：" + "；".join(condition_text(r) for r in top)
                          + "。请核对违法数量和情形", code="ambiguous_tier", field="facts")
    chosen = top[0]
    return chosen, [r for r in matched if r is not chosen]


def statutory_reference(rows: Sequence[Band], stage: str, target: str) -> Band | None:
    """The statutory range of the provision for a stage and target: its 法定幅度 row, else any row that states it."""
    same = [r for r in rows if r.stage == stage and r.target == target]
    for r in same:
        if r.tier == STATUTORY and r.statutory_max is not None:
            return r
    return next((r for r in same if r.statutory_max is not None), None)


# the condition of a measure in a penalty provision that only a later stage or a further finding meets
STAGE_CONDITIONS: dict[str, tuple[str, ...]] = {STAGE_OVERDUE: ("逾期未改正", "逾期不改正"), STAGE_REFUSED: ("拒不改正",)}
FINDING_CONDITIONS = ("情节严重", "造成", "构成犯罪", "给他人造成损害", "违法所得")


def statutory_measures(text: str, stage: str) -> tuple[list[str], list[str]]:
    """The measures a provision names besides the fine (责令停产停业整顿 …), split into those that apply at `stage`
    and those that need a condition the engine does not know (情节严重的 …, or a later stage's 逾期未改正的 …): a
    conditional measure never becomes part of the proposal by itself (it would bring a hearing and a collective
    discussion with it)."""
    applied: list[str] = []
    conditional: list[str] = []
    for part in (p.strip() for p in text.replace(";", "；").split("；")):
        if not part:
            continue
        later = [s for s, words in STAGE_CONDITIONS.items() if any(w in part for w in words)]
        if later:
            if stage in later:  # 「逾期未改正的，责令停产停业整顿」 at the overdue stage: the measure itself
                applied.append(part.split("的，", 1)[1] if "的，" in part else part)
            continue  # a later stage's measure: not at this stage
        (conditional if any(w in part for w in FINDING_CONDITIONS) else applied).append(part)
    return applied, conditional


def exemption_option(codes: Sequence[str], *, listed: Band | None = None, industry: str = "") -> Exemption:
    """行政处罚法 第33条: the 不予处罚 option the recorded facts open (never decided here)."""
    if "no_fault" in codes:
        return Exemption(True, "当事人有证据足以证明没有主观过错，依照《中华人民共和国行政处罚法》第三十三条第二款，"
                               "不予行政处罚（法律、行政法规另有规定的，从其规定）。", mandatory=True, kind="no_fault")
    if all(c in codes for c in MINOR_REQUIRED):
        return Exemption(True, "当事人违法行为轻微并及时改正，没有造成危害后果，依照《中华人民共和国行政处罚法》"
                               "第三十三条第一款，不予行政处罚。", mandatory=True, kind="minor")
    if all(c in codes for c in FIRST_OFFENCE_REQUIRED):
        exempt, basis = first_offence_exemption(circumstances=codes, listed=listed, industry=industry,
                                                prior_penalties=0)
        if exempt:
            return Exemption(True, basis.replace("不予行政处罚。", "可以不予行政处罚。"), kind="first_offence")
        return Exemption(False, f"当事人初次违法、危害后果轻微并及时改正（行政处罚法第三十三条第一款），但{basis}")
    return Exemption()


def _direction(codes: Sequence[str]) -> str:
    """How the circumstances act within the tier's band: stated (the benchmark's rules of application read so far
    fix no share of a band, see data/README.md), never turned into an invented sub-band."""
    mitigating = [CIRCUMSTANCES[c] for c in codes if c in MITIGATING and c not in ("no_fault",)]
    aggravating = [CIRCUMSTANCES[c] for c in codes if c in AGGRAVATING]
    statutory = [CIRCUMSTANCES[c] for c in codes if c in STATUTORY_MITIGATING]
    why = ("，其中" + "、".join(statutory) + "属于行政处罚法第三十二条规定应当从轻或者减轻处罚的情形") if statutory else ""
    fixed = "（未规定幅度内从轻、从重的具体比例，幅度不变）"
    if mitigating and not aggravating:
        return f"当事人具有{'、'.join(mitigating)}等从轻情节{why}，在本幅度内从轻确定罚款数额{fixed}"
    if aggravating and not mitigating:
        return f"当事人具有{'、'.join(aggravating)}等从重情节，在本幅度内从重确定罚款数额{fixed}"
    if aggravating and mitigating:
        return (f"当事人既有{'、'.join(mitigating)}等从轻情节{why}，又有{'、'.join(aggravating)}等从重情节，"
                "综合考虑后在本幅度内确定罚款数额（过罚相当，行政处罚法第五条第二款）")
    return "未发现法定从轻、从重情节，在本幅度内确定罚款数额"


def propose(*, violation_code: str, circumstances: Iterable[str], rows: Sequence[Band], stage: str = STAGE_ORDER,
            target: str = TARGET_UNIT, quantity: Decimal | int | None = None, facts: Iterable[str] = (),
            party: str = "当事人", history: OffenceHistory | None = None, listed: Band | None = None,
            industry: str = "") -> Proposal:
    """The engine. `rows` are the benchmark rows of `violation_code` in force on the filing date. The tier follows
    from the FACTS (quantity in the row's unit, stage, named facts: 应急管理部令第12号 第二条 「按照裁量涉及的不同
    事实和情节」); the circumstances then act as 行政处罚法 第32条/第33条 say; with no tiered row in force the
    statutory range is proposed and the reasoning says so."""
    if not rows:
        raise DomainError(f"裁量基准中没有违法行为代码「{violation_code}」（或该行为在立案之日不在有效期内）",
                          code="unknown_violation", field="violation_code")
    codes = check_circumstances(with_history(circumstances, history))
    if stage not in STAGE_LABELS:
        raise DomainError("处罚阶段无效", field="stage")
    if target not in TARGET_LABELS:
        raise DomainError("处罚对象无效", field="target")
    named = list(dict.fromkeys(str(f).strip() for f in facts if str(f).strip()))
    known = {f for r in rows for f in r.facts}
    unknown = [f for f in named if f not in known]
    if unknown:
        raise DomainError(f"情形「{'、'.join(unknown)}」不是该违法行为裁量基准所列的情形", code="unknown_fact",
                          field="facts")
    check_stage_facts(stage, codes, named)
    amount = None if quantity is None else Decimal(str(quantity))
    if amount is not None and amount < 0:
        raise DomainError("违法数量不能为负数", code="bad_quantity", field="quantity")
    tiered = [r for r in rows if r.tier not in (EXEMPT, STATUTORY) and r.stage == stage and r.target == target]
    reference = statutory_reference(rows, stage, target)
    notes: list[str] = []
    uncovered = ""  # the loaded tiers do not cover the recorded facts (an incomplete or partly sourced benchmark)
    found: Band | None = None
    if tiered:
        found, others = select_row(tiered, quantity=amount, facts=named, violation_code=violation_code, stage=stage,
                                   target=target, statutory=reference is not None and reference.statutory_max is not None)
        if found is None:  # no row names these facts: the statutory range (行政处罚法 第34条), the rows named
            uncovered = "；".join(condition_text(r) for r in sorted(tiered, key=lambda r: (r.tier_rank, r.tier)))
    if found is not None:
        chosen = found
        low = chosen.amount_min if chosen.amount_min is not None else (chosen.statutory_min or 0)
        high = chosen.amount_max if chosen.amount_max is not None else chosen.statutory_max
        if high is None:
            raise DomainError(f"基准未规定「{violation_code}」{tier_label(chosen.tier)}的罚款幅度", code="no_band")
        used, fallback = [chosen], False
        recorded = "；".join(x for x in (
            f"违法数量{number_text(amount)}{QUANTITY_UNITS.get(chosen.quantity_unit, '')}" if chosen.quantity_unit else "",
            f"情形：{'、'.join(named)}" if named else "", STAGE_LABELS[stage]) if x)
        level = LEVEL_LABELS.get(chosen.level, "")
        structured = "；".join(x for x in (bounds_text(chosen), *chosen.facts) if x)
        why = (f"所录事实（{recorded}）符合{level}级裁量基准{tier_label(chosen.tier)}的适用条件"
               + (f"（{structured}）" if structured else ""))
        if any(LEVEL_RANK.get(o.level, 0) < LEVEL_RANK.get(chosen.level, 0) for o in others):
            why += "（上级基准亦有相应阶次，下级基准在上级基准范围内细化的，适用下级基准）"
    else:
        if reference is None or reference.statutory_max is None:
            raise DomainError(f"基准中「{violation_code}」没有「{STAGE_LABELS[stage]}·{TARGET_LABELS[target]}」的罚款规定",
                              code="no_band", field="stage")
        low, high = reference.statutory_min or 0, reference.statutory_max
        used, fallback = [reference], True
        why = ("行政处罚法第三十四条所称的裁量基准对此没有有效的规定，法律规定的罚款幅度即为裁量幅度，不按比例另行划分")
        if uncovered:
            why = (f"所录事实不符合现行裁量基准已列阶次的适用条件（{uncovered}），基准对此没有规定，"
                   "法律规定的罚款幅度即为裁量幅度，不按比例另行划分")
            notes.append(f"裁量基准已列阶次不涵盖所录事实（{uncovered}），按法定幅度提出建议；请核对所录事实，"
                         "或由管理员导入完整的裁量基准")
        chosen = reference
    if fallback:
        applied, conditional = statutory_measures(chosen.other_measures, stage)
    else:  # a benchmark row fixes the fine (应急〔2024〕90号); its own measures, the law's conditional ones as a note
        applied = [chosen.other_measures] if chosen.other_measures else []
        conditional = statutory_measures(reference.other_measures, stage)[1] if reference else []
    measures = "；".join(applied)
    if conditional:
        notes.append(f"法律规定的其他处理措施（具备其条件时适用，须另行认定）：{'；'.join(conditional)}")
    direction = _direction(codes)
    statutory_min = (reference or chosen).statutory_min or chosen.statutory_min
    if any(c in STATUTORY_MITIGATING for c in codes):
        notes.append("当事人具有行政处罚法第三十二条规定的情形，依法应当从轻或者减轻处罚：从轻处罚可在法定幅度内低于本幅度"
                     "（须书面说明理由）" + (f"；减轻处罚（低于法定最低罚款{yuan(statutory_min)}）须经行政机关负责人"
                                        "集体讨论决定" if statutory_min else ""))
    exemption = exemption_option(codes, listed=listed, industry=industry)
    if exemption.possible:
        notes.append(("依法应当" if exemption.mandatory else "可以") + "不予行政处罚：" + exemption.basis
                     + "是否不予处罚由承办人提出免罚意见、经审核决定，系统不自动决定。")
    proposal = Proposal(violation_code=violation_code, tier=STATUTORY if fallback else chosen.tier, amount_min=low, amount_max=high,
                        reasoning="", rows=used, fallback=fallback, why=why, circumstances=codes,
                        other_measures=measures, notes=notes, stage=stage, target=target, quantity=amount,
                        facts=named, direction=direction, exemption=exemption, history=history)
    proposal.reasoning = write_reasoning(proposal, party=party)
    return proposal


def yuan(amount: int | None) -> str:
    """An amount in documents and notices: 20000元, no thousands separators (docs/ui.md, Documents)."""
    return "—" if amount is None else f"{amount}元"


def write_reasoning(p: Proposal, *, party: str) -> str:
    """说理 (measure II.6): the nature, the facts and circumstances found, the benchmark row the facts select (or the
    statutory range) and how the circumstances act, the legal basis."""
    row = p.rows[0]
    statutory = (f"{yuan(row.statutory_min or 0)}至{yuan(row.statutory_max)}" if row.statutory_max
                 else "见罚则条款")
    facts = [x for x in (
        f"违法数量{number_text(p.quantity)}{QUANTITY_UNITS.get(row.quantity_unit, '')}"
        if p.quantity is not None and row.quantity_unit else "",
        "、".join(p.facts), f"处于{STAGE_LABELS[p.stage]}") if x]
    shown = [c for c in p.circumstances if p.history is None or c not in HISTORY]  # the history has its own sentence
    found = "、".join(CIRCUMSTANCES[c] for c in shown)
    if p.history:
        found = (f"{p.history.text}；其他情节：{found}" if found else f"{p.history.text}；未发现其他法定从轻、从重情节")
    found = found or "未发现法定从轻、从重情节"
    band = yuan(p.amount_min) if p.amount_min == p.amount_max else f"{yuan(p.amount_min)}至{yuan(p.amount_max)}"
    if p.fallback:
        missing = "没有与所录事实相符的裁量基准阶次" if p.why.startswith("所录事实不符合") else "没有有效的裁量基准阶次"
        applied = (f"该违法行为（{STAGE_LABELS[p.stage]}、针对{TARGET_LABELS[p.target]}）在立案之日{missing}，"
                   f"罚款幅度为法定幅度{band}（{row.source or row.penalty_provision}）")
    else:
        item = f"第{row.item}项" if row.item and row.item not in row.source else ""
        applied = (f"适用{row.source}{item}"
                   f"违法行为「{row.violation}」{STAGE_LABELS[p.stage]}、针对{TARGET_LABELS[p.target]}的"
                   f"{p.tier_label}（适用条件：{row.conditions}），罚款幅度为{band}")
    basis = ["第五条第二款"]
    if any(c in STATUTORY_MITIGATING for c in p.circumstances):
        basis.append("第三十二条")
    if p.exemption.possible:
        basis.append("第三十三条")
    basis.append("第三十四条")
    lines = [
        f"一、违法行为的性质：{party}{row.violation}，违反了{row.legal_provision}的规定，"
        f"依照{row.penalty_provision}应予处罚，法定罚款幅度为{statutory}。",
        f"二、查明的事实和情节：{'；'.join(facts)}；{found}。",
        f"三、裁量基准的适用：{applied}。理由：{p.why}。{p.direction}"
        + (f"，并{p.other_measures}" if p.other_measures else "") + "。"
        + "".join(f"{n}" if n.endswith("。") else f"{n}。" for n in p.notes),
        f"四、法律依据：{row.penalty_provision}；《中华人民共和国行政处罚法》{'、'.join(basis)}；"
        "《应急管理行政裁量权基准暂行规定》（应急管理部令第12号）。",
    ]
    return "\n".join(lines)


def check_amount(amount: int, amount_min: int, amount_max: int, deviation_reason: str) -> None:
    """The officer may deviate from the band only with a written reason (measure II.6); never below 0."""
    if amount < 0:
        raise DomainError("罚款金额不能为负数", field="amount")
    if not (amount_min <= amount <= amount_max) and not deviation_reason.strip():
        raise DomainError(f"拟罚款{yuan(amount)}超出基准幅度（{yuan(amount_min)}至{yuan(amount_max)}），"
                          "须书面说明偏离理由", code="amount_outside_band", field="deviation_reason")


def within_statute(amount: int, statutory_min: int | None, statutory_max: int | None) -> bool:
    if statutory_max is not None and amount > statutory_max:
        return False
    return not (statutory_min is not None and amount < statutory_min)


# --- execution (执行) -------------------------------------------------------------------------------------------------
# 行政处罚法（2021）第66条 (分期、延期缴纳), 第67条 (十五日内缴纳), 第72条 (加处罚款; 申请人民法院强制执行)
EXEC_VOLUNTARY, EXEC_INSTALMENT, EXEC_DEFERRED = "voluntary", "instalment", "deferred"
EXEC_COURT, EXEC_CORRECTED = "court", "corrected"
EXECUTION_METHODS = {
    EXEC_VOLUNTARY: "自觉缴纳",
    EXEC_INSTALMENT: "分期缴纳",
    EXEC_DEFERRED: "延期缴纳",
    EXEC_COURT: "申请人民法院强制执行",
    EXEC_CORRECTED: "责令改正已履行",
}
PAYMENT_METHODS = frozenset({EXEC_VOLUNTARY, EXEC_INSTALMENT, EXEC_DEFERRED})


def payment_due(served_on: dt.date, days: int) -> dt.date:
    """罚款缴纳期限: `days` calendar days from receipt of the decision (行政处罚法 第67条第3款: 十五日)."""
    return served_on + dt.timedelta(days=days)


def check_execution(*, method: str, amount: int | None, paid_on: dt.date | None, voucher: str, fine: int,
                    served_on: dt.date | None, today: dt.date) -> None:
    """The execution record of a fine: a known method; for a payment (自觉/分期/延期缴纳) the amount paid
    (1 … the decided fine), the payment date and the 缴款凭证号; a date never before service nor in the future."""
    if method not in EXECUTION_METHODS:
        raise DomainError("请选择执行方式", code="bad_method", field="method")
    paying = method in PAYMENT_METHODS
    if amount is not None:
        if amount < 0:
            raise DomainError("缴纳金额不能为负数", code="bad_amount", field="amount")
        if amount > fine:
            raise DomainError(f"缴纳金额{yuan(amount)}超过决定罚款{yuan(fine)}", code="amount_above_fine",
                              field="amount")
    if paying and not amount:
        raise DomainError(f"{EXECUTION_METHODS[method]}须填写缴纳金额（元）", code="amount_required", field="amount")
    if paying and paid_on is None:
        raise DomainError(f"{EXECUTION_METHODS[method]}须填写缴款日期", code="date_required", field="paid_on")
    if paid_on is not None:
        if paid_on > today:
            raise DomainError("缴款（执行）日期不能晚于今天", code="date_in_future", field="paid_on")
        if served_on is not None and paid_on < served_on:
            raise DomainError(f"缴款（执行）日期不能早于决定书送达日期（{served_on:%Y-%m-%d}）",
                              code="date_before_service", field="paid_on")
    if paying and not voucher.strip():
        raise DomainError(f"{EXECUTION_METHODS[method]}须填写缴款凭证号", code="voucher_required", field="voucher")


def _check_digit(digits: str) -> str:
    """The Luhn check digit of a string of digits."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def payment_code(collector_code: str, year: int, serial: int) -> str:
    """The 缴款码 of one decision: the collector's code, the year, the case's serial and a check digit (Luhn), so a
    mistyped code is caught at the bank counter. 行政处罚法 第67条: the party pays at the designated bank or through
    the electronic payment system, not to the deciding authority."""
    digits = "".join(ch for ch in collector_code if ch.isdigit()) + f"{year:04d}{serial:08d}"
    return digits + _check_digit(digits)


def payment_code_valid(code: str) -> bool:
    """The check digit of a 缴款码 holds (payment_code)."""
    return code.isdigit() and len(code) >= 13 and code[-1] == _check_digit(code[:-1])


VOUCHER_PENDING_REFUSAL = "已上传缴款凭证，等待执法人员核对确认"


# --- collective discussion (集体讨论) -----------------------------------------------------------------------------------
# 行政处罚法（2021）第五十七条第二款: 对情节复杂或者重大违法行为给予行政处罚，行政机关负责人应当集体讨论决定.
COLLECTIVE_REFUSAL = "本案属于重大或情节复杂案件，须经负责人集体讨论决定（行政处罚法第五十七条第二款）"
CONCLUSION_AGREE, CONCLUSION_CHANGE, CONCLUSION_NO_PENALTY = "agree", "change", "no_penalty"
CONCLUSIONS = {
    CONCLUSION_AGREE: "同意拟处罚意见",
    CONCLUSION_CHANGE: "变更罚款金额",
    CONCLUSION_NO_PENALTY: "不予行政处罚",
}
MAJOR_MEASURES = ("停产停业", "吊销")


def major_case_reasons(*, amount: int | None, threshold: int, other_measures: str, hearing_held: bool,
                       complex_flag: bool) -> list[str]:
    """Why a case needs the leaders' collective discussion (行政处罚法 第57条第2款); empty = not major. The fine
    threshold is a local rule parameter (penalties.collective_threshold.unit)."""
    reasons = []
    if amount is not None and amount >= threshold:
        reasons.append(f"罚款{yuan(amount)}达到重大案件标准（{yuan(threshold)}）")
    measures = [m for m in MAJOR_MEASURES if m in (other_measures or "")]
    if measures:
        reasons.append(f"拟{'、'.join(measures)}")
    if hearing_held:
        reasons.append("已举行听证")
    if complex_flag:
        reasons.append("承办人认定情节复杂")
    return reasons


def check_discussion(*, participants: int, minimum: int, host_is_leader: bool, held_on: dt.date,
                     filed_on: dt.date, today: dt.date, summary: str, conclusion: str, amount: int | None,
                     reason: str) -> None:
    """The 集体讨论记录: a host (负责人), at least `minimum` participants, a date between filing and today, the
    discussion summary and a conclusion (a changed amount or no penalty with its reason)."""
    if not host_is_leader:
        raise DomainError("主持人须为本机关负责人", code="bad_host", field="host")
    if participants < minimum:
        raise DomainError(f"集体讨论参加人员不少于{minimum}人（含主持人）", code="too_few", field="participants")
    if held_on > today or held_on < filed_on:
        raise DomainError(f"讨论日期须在立案日期（{filed_on:%Y-%m-%d}）至今天之间", code="bad_date", field="held_on")
    if not summary.strip():
        raise DomainError("请填写讨论情况（各参加人员的意见）", code="summary_required", field="summary")
    if conclusion not in CONCLUSIONS:
        raise DomainError("请选择讨论结论", code="bad_conclusion", field="conclusion")
    if conclusion == CONCLUSION_CHANGE:
        if amount is None or amount <= 0:
            raise DomainError("变更罚款须填写变更后的罚款金额（元）", code="amount_required", field="amount")
    if conclusion in (CONCLUSION_CHANGE, CONCLUSION_NO_PENALTY) and not reason.strip():
        raise DomainError(f"「{CONCLUSIONS[conclusion]}」须写明理由", code="reason_required", field="reason")


# --- hearing notice (听证通知书) -------------------------------------------------------------------------------------
def check_hearing_schedule(*, hearing_on: dt.date, today: dt.date, notice_days: int, host_id: int | None,
                           officer_ids: tuple[int, ...], clerk_id: int | None, place: str) -> None:
    """行政处罚法 第64条: the party is told the time and place `notice_days` (七日) before the hearing (第（二）项);
    the hearing is chaired by a person designated by the authority who is not the investigator (第（四）项)."""
    if hearing_on < today + dt.timedelta(days=notice_days):
        raise DomainError(f"听证日期须在通知之日起{notice_days}日后，最早为{today + dt.timedelta(days=notice_days):%Y-%m-%d}"
                          "（行政处罚法第六十四条第（二）项）", code="too_soon", field="hearing_on")
    if not place.strip():
        raise DomainError("请填写听证地点", code="place_required", field="place")
    if host_id is None:
        raise DomainError("请指定听证主持人", code="host_required", field="host")
    if host_id in officer_ids:
        raise DomainError("听证主持人不得由本案调查人员担任（行政处罚法第六十四条第（四）项）", code="host_is_investigator",
                          field="host")
    if clerk_id is None:
        raise DomainError("请指定记录员", code="clerk_required", field="clerk")
    if clerk_id == host_id:
        raise DomainError("记录员不能由主持人兼任", code="clerk_is_host", field="clerk")


# --- payment reminder (履行催告) -------------------------------------------------------------------------------------
COURT_REFUSAL = "申请强制执行前须书面催告，催告书送达十日后当事人仍未履行的方可申请（行政强制法第五十四条）"


def late_surcharge(*, fine: int, payment_due: dt.date, on: dt.date, daily_pct: int) -> tuple[int, int]:
    """加处罚款 (行政处罚法 第72条第1款第（一）项: 每日按罚款数额的百分之三) from the day after the payment deadline up
    to `on`, capped at the fine (行政强制法 第45条第2款: 不得超出金钱给付义务的数额). Returns (days, amount)."""
    days = max(0, (on - payment_due).days)
    return days, min(fine, fine * daily_pct * days // 100)


def court_application_from(reminder_on: dt.date, days: int) -> dt.date:
    """The first day the court may be applied to: the `days` (十日) after service of the reminder have passed
    (行政强制法 第54条)."""
    return reminder_on + dt.timedelta(days=days + 1)


def check_court_application(*, reminder_on: dt.date | None, today: dt.date, days: int) -> None:
    """`today` is the application date: at least `days` (十日) after the reminder (行政强制法 第54条)."""
    if reminder_on is None:
        raise DomainError(COURT_REFUSAL, code="reminder_required", field="method")
    earliest = court_application_from(reminder_on, days)
    if today < earliest:
        raise DomainError(f"{COURT_REFUSAL}；本案催告书于{reminder_on:%Y-%m-%d}送达，最早可于{earliest:%Y-%m-%d}申请",
                          code="reminder_period", field="method")


# --- the party's statement against the reminder (行政强制法 第三十六条) -----------------------------------------------
REVIEW_ACCEPTED, REVIEW_REJECTED = "accepted", "rejected"
REVIEW_DECISIONS = {REVIEW_ACCEPTED: "采纳", REVIEW_REJECTED: "不采纳"}
REVIEW_PENDING_REFUSAL = "当事人对催告书提出了陈述申辩，须先复核（行政强制法第三十六条）"


def reminder_statement_due(reminder_on: dt.date, days: int) -> dt.date:
    """The last day of the reminder period (催告书送达之日起`days`日内履行、陈述申辩; 行政强制法 第35、36条)."""
    return reminder_on + dt.timedelta(days=days)


def check_reminder_statement(*, reminder_on: dt.date | None, today: dt.date, days: int, text: str,
                             already: bool) -> None:
    """行政强制法 第36条: the party may state its case after receiving the reminder, within the reminder period."""
    if reminder_on is None:
        raise DomainError("尚未发出履行催告书，不能对催告提出陈述申辩", code="no_reminder")
    if already:
        raise DomainError("已对履行催告书提出过陈述申辩", code="statement_exists")
    due = reminder_statement_due(reminder_on, days)
    if today > due:
        raise DomainError(f"催告书陈述申辩期限已于{due:%Y-%m-%d}届满（催告书送达之日起{days}日内，行政强制法第三十五条、"
                          "第三十六条）", code="deadline_passed", field="text")
    if not text.strip():
        raise DomainError("请填写陈述申辩意见（事实、理由和证据）", code="text_required", field="text")


def check_reminder_review(*, statement_at: object, reviewed: bool, decision: str, reason: str) -> None:
    """行政强制法 第36条: the authority records and reviews the party's facts, reasons and evidence; a statement that
    stands is adopted (采纳), otherwise not (不采纳) — either way with the reason."""
    if statement_at is None:
        raise DomainError("当事人未对催告书提出陈述申辩，无需复核", code="no_statement")
    if reviewed:
        raise DomainError("已复核当事人对催告书的陈述申辩", code="already_reviewed")
    if decision not in REVIEW_DECISIONS:
        raise DomainError("请选择复核意见（采纳 / 不采纳）", code="bad_decision", field="decision")
    if not reason.strip():
        raise DomainError(f"复核意见「{REVIEW_DECISIONS[decision]}」须写明理由", code="reason_required", field="reason")


# --- 强制执行申请书: the three months after the litigation period (行政强制法 第五十三条) ----------------------------
COURT_WINDOW_REFUSAL = ("当事人在法定期限内不申请行政复议或者提起行政诉讼，又不履行行政决定的，可以自期限届满之日起三个月内"
                        "申请人民法院强制执行（行政强制法第五十三条）")


def court_window(*, served_on: dt.date, litigation_months: int, application_months: int) -> tuple[dt.date, dt.date]:
    """(earliest, latest) application date: the decision is final once the litigation period
    (`litigation_months` from service, 行政诉讼法 第46条; it outlasts the 60 days of 行政复议) has expired; the
    application is made within `application_months` (三个月) from that day (行政强制法 第53条)."""
    expiry = add_months(served_on, litigation_months)
    return expiry + dt.timedelta(days=1), add_months(expiry, application_months)


def check_court_window(*, applied_on: dt.date, served_on: dt.date, litigation_months: int,
                       application_months: int) -> None:
    earliest, latest = court_window(served_on=served_on, litigation_months=litigation_months,
                                    application_months=application_months)
    if applied_on < earliest:
        raise DomainError(f"{COURT_WINDOW_REFUSAL}；本案决定书于{served_on:%Y-%m-%d}送达，起诉期限（{litigation_months}个月，"
                          f"行政诉讼法第四十六条）届满前不能申请，最早可于{earliest:%Y-%m-%d}申请",
                          code="court_too_early", field="applied_on")
    if applied_on > latest:
        raise DomainError(f"{COURT_WINDOW_REFUSAL}；本案申请期限已于{latest:%Y-%m-%d}届满（{earliest:%Y-%m-%d}至"
                          f"{latest:%Y-%m-%d}）", code="court_too_late", field="applied_on")


# --- exemptions (免罚) ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class HazardFact:
    number: str
    source: str
    reported_at: dt.datetime
    state: str
    enterprise_id: int
    violation_code: str = ""  # the violation the hazard was recorded as (fixed at registration)
    checklist_item_id: int | None = None
    title: str = ""


SELF_INSPECTION_LINK_MIN_CHARS = 10  # an officer's link is a written reason, not a tick


def self_inspection_exemption(hazard: HazardFact | None, *, enterprise_id: int, inspection_at: dt.datetime,
                              case_codes: Iterable[str] = (), case_item_id: int | None = None,
                              link_reason: str = "") -> tuple[bool, str]:
    """Measure II.8 (对企业自查发现问题且制定整改方案正在整改的问题隐患不再处罚): the hazard the enterprise found in its
    own self-inspection, recorded before the inspection, with a rectification plan under way (or done), is not
    penalised — that hazard, not another one: it must BE the violation of the case, i.e. carry the same violation
    code (`case_codes`: the codes the case's violation is known by) or the same checklist item (`case_item_id`: the
    item of the inspection finding), or an officer links it with a written reason (kept in the basis). An unrelated
    self-found hazard (a 配电室警示标志 for an unlicensed welder) exempts nothing. Returns (exempt, basis or refusal)."""
    if hazard is None:
        return False, "未选择企业自查隐患记录"
    if hazard.enterprise_id != enterprise_id:
        return False, "所选隐患不属于本案当事人"
    if hazard.source != "self_inspection":
        return False, f"隐患{hazard.number}不是企业自查发现的"
    if hazard.reported_at >= inspection_at:
        return False, f"隐患{hazard.number}登记于检查之后，不属于检查前自查发现"
    if hazard.state not in RECTIFYING_STATES:
        return False, f"隐患{hazard.number}尚未制定整改方案并开始整改"
    codes = {c.strip() for c in case_codes if c and c.strip()}
    reason = " ".join(link_reason.split())
    if hazard.violation_code and hazard.violation_code in codes:
        match = f"该隐患登记的违法行为（{hazard.violation_code}）与本案违法行为相同"
    elif hazard.checklist_item_id is not None and hazard.checklist_item_id == case_item_id:
        match = "该隐患与本案检查发现的问题属于执法检查表同一检查项"
    elif reason:
        if len(reason) < SELF_INSPECTION_LINK_MIN_CHARS:
            return False, f"关联理由过于简单：须具体写明自查隐患{hazard.number}与本案违法行为为同一问题的事实（不少于" \
                          f"{SELF_INSPECTION_LINK_MIN_CHARS}个字）"
        match = f"经执法人员核实，该隐患即本案违法行为（关联理由：{reason}）"
    elif not codes and case_item_id is None:
        return False, "未确定本案违法行为，无法与自查隐患比对：请选择本案违法行为"
    else:
        recorded = f"登记的违法行为为{hazard.violation_code}" if hazard.violation_code else "登记时未注明对应违法行为"
        return False, (f"隐患{hazard.number}{recorded}，与本案违法行为（{'、'.join(sorted(codes)) or '检查项'}）不是同一问题，"
                       "自查整改免罚只适用于自查发现的同一问题；确属同一问题的，须由执法人员写明关联理由")
    return True, (f"当事人在检查前（{hazard.reported_at:%Y-%m-%d}）通过自查发现并登记隐患{hazard.number}，{match}，"
                  "已制定整改方案并正在（或已完成）整改，依据运城市应急管理局优化营商环境措施第二部分第8条"
                  "（企业自查整改问题免罚）及《中华人民共和国行政处罚法》第三十三条，不予行政处罚。")


def first_offence_exemption(*, circumstances: Sequence[str], listed: Band | None, industry: str,
                            prior_penalties: int) -> tuple[bool, str]:
    """行政处罚法 第33条第1款: 初次违法且危害后果轻微并及时改正的，可以不予行政处罚 — where the configurable
    list (首违不罚清单) names the violation and the enterprise's sector is not excluded."""
    if listed is None:
        return False, "该违法行为不在首违不罚清单内"
    if industry in listed.excluded_industries:
        return False, "当事人所属行业被首违不罚清单排除"
    missing = [CIRCUMSTANCES[c] for c in FIRST_OFFENCE_REQUIRED if c not in circumstances]
    if missing:
        return False, f"不符合首违不罚条件：缺少{'、'.join(missing)}"
    aggravating = [CIRCUMSTANCES[c] for c in circumstances if c in AGGRAVATING]
    if aggravating:
        return False, f"具有从重情节（{'、'.join(aggravating)}），不适用首违不罚"
    if prior_penalties:
        return False, "当事人此前已受过行政处罚，不属于初次违法"
    return True, (f"当事人初次违法、危害后果轻微并及时改正，符合{listed.source}所列事项「{listed.violation}」"
                  f"（条件：{listed.conditions}），依据《中华人民共和国行政处罚法》第三十三条第一款，不予行政处罚。")


# --- benchmark import checks ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ImportRow:
    line: int
    band: Band
    effective_to: dt.date | None = None


def validate_benchmark(rows: Sequence[ImportRow]) -> list[str]:
    """Contradictions of an import: every problem names its rows. An empty list means the import may be saved."""
    problems: list[str] = []
    for item in rows:
        b = item.band
        where = f"第{item.line}行（{b.violation_code}）"
        if b.tier in FINE_TIERS and not b.conditions.strip():
            problems.append(f"{where}：{TIER_LABELS[b.tier]}阶次未写明适用条件")
        if b.tier in FINE_TIERS and (b.amount_min is None or b.amount_max is None):
            problems.append(f"{where}：{TIER_LABELS[b.tier]}阶次未写明罚款幅度")
        if b.amount_min is not None and b.amount_max is not None and b.amount_min > b.amount_max:
            problems.append(f"{where}：罚款下限大于上限")
        if (b.statutory_min is not None and b.statutory_max is not None and b.statutory_min > b.statutory_max):
            problems.append(f"{where}：法定罚款下限大于上限")
        if item.effective_to and b.effective_from and item.effective_to < b.effective_from:
            problems.append(f"{where}：失效日期早于生效日期")
        if b.tier == EXEMPT and not b.conditions.strip():
            problems.append(f"{where}：不予处罚事项未写明适用条件")
    groups: dict[tuple[str, str, str, dt.date | None], list[ImportRow]] = {}
    for item in rows:
        b = item.band
        if b.tier in FINE_TIERS and b.amount_min is not None and b.amount_max is not None:
            groups.setdefault((b.violation_code, b.stage, b.target, b.effective_from), []).append(item)
    for group in groups.values():
        spans: dict[str, tuple[int, int, list[int]]] = {}
        for item in group:
            amount_min, amount_max = item.band.amount_min, item.band.amount_max
            if amount_min is None or amount_max is None:  # grouped above only when both are set
                continue
            low, high, lines = spans.get(item.band.tier, (amount_min, amount_max, []))
            spans[item.band.tier] = (min(low, amount_min), max(high, amount_max), [*lines, item.line])
        tiers = [t for t in FINE_TIERS if t in spans]
        for i, a in enumerate(tiers):
            for b_tier in tiers[i + 1:]:
                a_low, a_high, a_lines = spans[a]
                b_low, b_high, b_lines = spans[b_tier]
                if a_low < b_high and b_low < a_high:
                    where_lines = "、".join(str(n) for n in sorted(a_lines + b_lines))
                    problems.append(
                        f"第{where_lines}行（{group[0].band.violation_code}，{STAGE_LABELS.get(group[0].band.stage, '')}）："
                        f"{TIER_LABELS[a]}阶次（{yuan(a_low)}至{yuan(a_high)}）与{TIER_LABELS[b_tier]}阶次"
                        f"（{yuan(b_low)}至{yuan(b_high)}）的罚款幅度重叠")
                elif a_low > b_low:
                    where_lines = "、".join(str(n) for n in sorted(a_lines + b_lines))
                    problems.append(f"第{where_lines}行（{group[0].band.violation_code}）：{TIER_LABELS[a]}阶次的罚款高于"
                                    f"{TIER_LABELS[b_tier]}阶次")
    return problems


# --- the review of the party's statement (陈述申辩的复核, 行政处罚法 第45条) ---------------------------------------------
# 第45条第1款: 对当事人提出的事实、理由和证据，应当进行复核；当事人提出的事实、理由或者证据成立的，行政机关应当采纳。
# 第45条第2款: 行政机关不得因当事人陈述、申辩而给予更重的处罚。
STATEMENT_ADOPTED, STATEMENT_PARTLY, STATEMENT_REJECTED = "adopted", "partly", "rejected"
STATEMENT_OUTCOMES = {STATEMENT_ADOPTED: "采纳", STATEMENT_PARTLY: "部分采纳", STATEMENT_REJECTED: "不采纳"}
STATEMENT_REVIEW_REFUSAL = "当事人提出了陈述申辩，须先复核并记录采纳情况（行政处罚法第四十五条）"


def check_statement_review(*, outcome: str, reason: str, amount: int | None, proposed: int | None,
                           statutory_min: int | None, statutory_max: int | None) -> None:
    """The review's outcome, its reasons (required for each outcome) and, where the statement is (partly) adopted, a
    changed fine: never heavier than proposed (第45条第2款), never outside the statutory range, never zero (not
    penalising at all is the leaders' collective decision, 第57条)."""
    if outcome not in STATEMENT_OUTCOMES:
        raise DomainError("请选择复核结果（采纳 / 部分采纳 / 不采纳）", code="bad_outcome", field="outcome")
    if not reason.strip():
        raise DomainError(f"复核结果「{STATEMENT_OUTCOMES[outcome]}」须写明理由（行政处罚法第四十五条）",
                          code="reason_required", field="reason")
    if amount is None or amount == proposed:
        return
    if outcome == STATEMENT_REJECTED:
        raise DomainError("不采纳陈述申辩的，拟罚款金额不变", code="amount_unchanged", field="amount")
    if proposed is not None and amount > proposed:
        raise DomainError(f"行政机关不得因当事人陈述、申辩而给予更重的处罚（行政处罚法第四十五条第二款）：拟罚款为"
                          f"{yuan(proposed)}", code="heavier", field="amount")
    if amount <= 0:
        raise DomainError("采纳陈述申辩后拟不予处罚的，须经负责人集体讨论决定（行政处罚法第五十七条），此处请填写变更后的"
                          "罚款金额", code="amount_required", field="amount")
    if not within_statute(amount, statutory_min, statutory_max):
        raise DomainError(f"变更后的罚款超出法定幅度（{yuan(statutory_min or 0)}至{yuan(statutory_max)}）",
                          code="outside_statute", field="amount")


_TRAILING = "。．.；;，,、：:！!？? \n\t"


def sentence(text: str) -> str:
    """A text as one sentence ending with a single 。 (the party's own words often end with their own 。)."""
    return text.strip().rstrip(_TRAILING) + "。"


def summary(text: str, limit: int = 200) -> str:
    """The party's statement as the decision quotes it: up to `limit` characters, then a pointer to the record."""
    body = " ".join(text.split()).rstrip(_TRAILING)
    return body if len(body) <= limit else body[:limit] + "……（详见陈述申辩记录）"


def statement_review_text(*, outcome: str, reason: str, amount_from: int | None = None,
                          amount_to: int | None = None) -> str:
    """经复核 …: the outcome with its reasons and, where adopting the statement changed the fine, the change."""
    reason = reason.strip().rstrip(_TRAILING)
    if outcome == STATEMENT_ADOPTED:
        text = f"经复核，本机关认为你单位提出的事实、理由和证据成立，予以采纳。理由：{reason}。"
    elif outcome == STATEMENT_PARTLY:
        text = f"经复核，本机关对你单位的陈述、申辩部分予以采纳。理由：{reason}。"
    elif outcome == STATEMENT_REJECTED:
        text = f"经复核，本机关认为你单位提出的事实、理由和证据不成立，不予采纳。理由：{reason}。"
    else:
        return ""
    if amount_from is not None and amount_to is not None and amount_to != amount_from:
        text += f"据此，拟罚款由{yuan(amount_from)}变更为{yuan(amount_to)}。"
    return text


def statement_paragraph(*, notified_on: dt.date | None, hearing_right: bool, statement: str, waived: bool,
                        answer_due: dt.date | None, outcome: str = "", reason: str = "", amount_from: int | None = None,
                        amount_to: int | None = None, hearing_on: dt.date | None = None) -> str:
    """The decision's account of the notice, the party's statement (or its waiver, or its silence until the
    deadline) and its review (行政处罚法 第44、45条), and of the hearing (第64条)."""
    rights = "陈述、申辩和要求听证" if hearing_right else "陈述、申辩"
    text = (f"本机关于{chinese_date(notified_on)}" if notified_on else "本机关已") + \
        f"告知你单位拟作出的行政处罚内容及事实、理由、依据，并告知你单位依法享有{rights}的权利。"
    if statement.strip():
        text += f"你单位提出陈述、申辩：{sentence(summary(statement))}"
        text += statement_review_text(outcome=outcome, reason=reason, amount_from=amount_from, amount_to=amount_to)
    elif waived:
        text += "你单位明确表示放弃陈述、申辩的权利。"
    else:
        due = f"（{chinese_date(answer_due)}前）" if answer_due else ""
        text += f"你单位在规定期限内{due}未提出陈述、申辩，视为放弃此权利。"
    if hearing_on is not None:
        text += f"应你单位要求，本机关于{chinese_date(hearing_on)}依法举行了听证。"
    return text


# --- 法制审核 (行政处罚法 第58条) -------------------------------------------------------------------------------------
LEGAL_AGREE, LEGAL_MODIFY, LEGAL_DISAGREE = "agree", "modify", "disagree"
LEGAL_OPINIONS = {LEGAL_AGREE: "同意", LEGAL_MODIFY: "建议修改", LEGAL_DISAGREE: "不同意"}
LEGAL_ITEM_HEARING = "经过听证程序，直接关系当事人重大权益（行政处罚法第五十八条第一款第（二）项）"
LEGAL_ITEM_COMPLEX = "承办人认定案件情况疑难复杂（行政处罚法第五十八条第一款第（三）项）"


def legal_review_reasons(*, amount: int | None, threshold: int, measures: Sequence[str], other_measures: str,
                         hearing_held: bool, complex_flag: bool, major: Sequence[str] = ()) -> list[str]:
    """Why the decision needs 法制审核 first (行政处罚法 第58条第1款); empty = it does not. `threshold` (较大数额罚款)
    and `measures` (责令停产停业、吊销许可证 …) are the authority's 重大执法决定法制审核目录 as rule parameters (第（四）项:
    法律、法规规定应当进行法制审核的其他情形; 国办发〔2018〕118号); `major` are the 第57条第2款 reasons of the case
    (rules.major_case_reasons), a major case being reviewed whatever else applies."""
    reasons = []
    if hearing_held:
        reasons.append(LEGAL_ITEM_HEARING)
    if complex_flag:
        reasons.append(LEGAL_ITEM_COMPLEX)
    hit = [m for m in measures if m and m in (other_measures or "")]
    if hit:
        reasons.append(f"拟{'、'.join(hit)}（行政处罚法第五十八条第一款第（四）项，重大执法决定法制审核目录）")
    if amount is not None and amount >= threshold:
        reasons.append(f"罚款{yuan(amount)}达到较大数额罚款标准（{yuan(threshold)}；行政处罚法第五十八条第一款第（四）项，"
                       "重大执法决定法制审核目录）")
    if major and not reasons:
        reasons.append(f"重大行政处罚案件：{'；'.join(major)}（行政处罚法第五十八条第一款）")
    return reasons


def check_legal_review(*, opinion: str, text: str, reviewed_on: dt.date, filed_on: dt.date, today: dt.date) -> None:
    """The 法制审核 record: an opinion (同意 / 建议修改 / 不同意), its text (required unless it agrees: what to change,
    or why not) and its date (between filing and today)."""
    if opinion not in LEGAL_OPINIONS:
        raise DomainError("请选择审核意见（同意 / 建议修改 / 不同意）", code="bad_opinion", field="opinion")
    if opinion != LEGAL_AGREE and not text.strip():
        need = "修改意见" if opinion == LEGAL_MODIFY else "不同意的理由"
        raise DomainError(f"审核意见为「{LEGAL_OPINIONS[opinion]}」的，须写明{need}", code="text_required", field="text")
    if reviewed_on > today or reviewed_on < filed_on:
        raise DomainError(f"审核日期须在立案日期（{filed_on:%Y-%m-%d}）至今天之间", code="bad_date", field="reviewed_on")


def legal_reviewer_problem(*, investigator: bool, same_authority: bool, qualification: str,
                           reviewed_before: bool) -> str | None:
    """Who may review: staff of the deciding authority (its 法制审核人员), not an investigator of the case, and — when
    reviewing for the first time — holding the 法律职业资格 (行政处罚法 第58条第2款)."""
    if not same_authority:
        return "法制审核由作出决定的行政机关的法制审核人员进行"
    if investigator:
        return "本案调查人员不能对本案进行法制审核"
    if not qualification.strip() and not reviewed_before:
        return ("初次从事行政处罚决定法制审核的人员，应当通过国家统一法律职业资格考试取得法律职业资格（行政处罚法第五十八条"
                "第二款）：请管理员登记其法律职业资格证书编号")
    return None
