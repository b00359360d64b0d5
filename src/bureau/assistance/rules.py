"""Pure rules of proactive service (no database); numbers arrive as arguments from RuleParameter rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any


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
