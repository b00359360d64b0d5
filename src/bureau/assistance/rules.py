"""Pure rules of proactive service (no database); numbers arrive as arguments from RuleParameter rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from bureau.inspection.rules import pool_digest as inspection_pool_digest
from bureau.inspection.rules import rank_enterprises


def assignment_refusal(*, expert_name: str, conflict_ids: Iterable[int], enterprise_id: int, available: bool,
                       unavailable_until: dt.date | None, on: dt.date) -> str | None:
    """An expert with an interest in the enterprise recuses (回避); an unavailable expert is not assigned."""
    if enterprise_id in set(conflict_ids):
        return f"专家{expert_name}与该企业存在利害关系，应当回避，不能指派"
    if not available or (unavailable_until is not None and unavailable_until >= on):
        return f"专家{expert_name}当前不可指派"
    return None


def checkup_cost(expert_days: Decimal, fee_per_day: Any) -> Decimal:
    """The government pays the checkup (measure III.1): expert working days × the fee rate in force."""
    if expert_days <= 0:
        raise ValueError("专家工日应大于 0")
    return (expert_days * Decimal(str(fee_per_day))).quantize(Decimal("0.01"))


def capacity_refusal(taken: int, capacity: int, what: str) -> str | None:
    if taken >= capacity:
        return f"{what}名额已满（{capacity}）"
    return None


def spot_check_points(result: str, table: dict[str, Any]) -> int:
    """Credit points an agency gains or loses for a spot-check result (table from the rule in force)."""
    return int(table[result])


def credit_score(base: Any, points: Iterable[int]) -> int:
    return int(base) + sum(points)


def industry_refusal(industry: str, allowed: Iterable[str], labels: dict[str, str], what: str) -> str | None:
    """Who an activity is for, by industry (the list comes from a rule, e.g. measure III.5: 危化生产企业)."""
    allowed = [str(code) for code in allowed]
    if industry in allowed:
        return None
    return f"{what}面向{'、'.join(labels.get(code, code) for code in allowed)}企业"


# -- the expert pool and the team of a checkup (measure III.1) --------------------------------------------------

DRAW_ALGORITHM = "yc-rank-v1"  # rank_draw below: inspection.rules.rank_enterprises over the ascending pool


def term_refusal(*, expert_name: str, starts_on: dt.date | None, ends_on: dt.date | None,
                 on: dt.date) -> str | None:
    """An expert is assigned only within the appointment term (聘期) of the pool; no term recorded: not appointed."""
    if starts_on is None or ends_on is None:
        return f"专家{expert_name}未登记聘期，不能指派"
    if not starts_on <= on <= ends_on:
        return f"专家{expert_name}的聘期为 {starts_on:%Y-%m-%d} 至 {ends_on:%Y-%m-%d}，体检日期不在聘期内，不能指派"
    return None


def specialty_refusal(*, expert_name: str, codes: Iterable[str], needed: str, supporting: Iterable[str],
                      labels: dict[str, str], leader: bool) -> str | None:
    """The leader holds the checkup's specialty; a member holds it or one of the specialties that support it (rule
    assistance.supporting_specialties: e.g. 电气、消防、化工工艺 for a 危险化学品 checkup)."""
    codes = set(codes)
    if needed in codes:
        return None
    if leader:
        return f"组长须具备本次体检所需专业（{labels.get(needed, needed)}），专家{expert_name}不具备"
    if codes & set(supporting):
        return None
    return f"专家{expert_name}的专业与本次体检所需专业（{labels.get(needed, needed)}）不符"


def rotation_order(candidates: Iterable[tuple[int, str]]) -> list[int]:
    """Rotation (轮换): the expert assigned least recently first (never assigned before all others), then by id.
    `candidates`: (expert id, ISO date of the last assignment or "")."""
    return [pk for _last, pk in sorted((last, pk) for pk, last in candidates)]


def rank_draw(seed: str, pool: Sequence[int], k: int) -> list[int]:
    """The recorded draw: the inspection area's ranking (a partial Fisher–Yates shuffle of the ascending pool driven
    by SHA-256 of the seed in counter mode, docs/inspection.md), so that anyone can re-run a draw from its
    recorded seed and pool and obtain the same selection."""
    pool = sorted(set(int(p) for p in pool))
    return rank_enterprises(seed, pool, min(k, len(pool)))


# -- safety-evaluation agencies (measure II.9) -----------------------------------------------------------------


def scope_refusal(*, licensed: Iterable[str], scope_code: str, scope_name: str, industry: str,
                  scope_industries: Iterable[str], industry_label: str) -> str | None:
    """A report is accepted only within the agency's licensed business fields (安全评价检测检验机构管理办法,
    应急管理部令第1号: an agency works within the scope of its qualification), and its field is the one of the
    client enterprise's industry."""
    if scope_code not in set(licensed):
        return f"本机构的资质业务范围不包括「{scope_name}」，不能出具该范围的评价报告"
    scope_industries = list(scope_industries)
    if scope_industries and industry not in scope_industries:
        return f"委托企业属于{industry_label}，不属于「{scope_name}」业务范围"
    return None


def scope_of_industry(industry: str, scopes: Iterable[tuple[str, Iterable[str]]]) -> str | None:
    """The business field whose industries include the enterprise's industry (None: none does)."""
    for code, industries in scopes:
        if industry in industries:
            return code
    return None


def pool_digest(pool: Sequence[int]) -> str:
    """SHA-256 (hex) of the canonical pool text (the inspection area's: ascending ids joined by ",")."""
    return inspection_pool_digest(sorted(set(int(p) for p in pool)))
