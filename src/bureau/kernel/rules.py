"""Rules as data: look up a RuleParameter by key and date.

Areas declare their default rules (value, unit, description, legal source, effective date) in their hooks with
`register_rules`; missing rows are inserted after every migrate, and administrators edit or add dated versions.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from bureau.kernel.errors import DomainError
from bureau.kernel.models import RuleParameter


@dataclass(frozen=True)
class RuleDefault:
    key: str
    value: Any
    description: str
    source: str
    effective_from: dt.date = dt.date(2024, 1, 1)
    unit: str = ""


DEFAULT_RULES: dict[str, RuleDefault] = {}


def register_rules(*rows: RuleDefault) -> None:
    for row in rows:
        DEFAULT_RULES[row.key] = row


def rule(key: str, on: dt.date | None = None) -> Any:
    """The value of rule `key` in force on `on` (today by default)."""
    on = on or dt.date.today()
    row = (
        RuleParameter.objects.filter(key=key, effective_from__lte=on).order_by("-effective_from").values("value").first()
    )
    if row is None:
        default = DEFAULT_RULES.get(key)
        if default is None:
            raise DomainError(f"规则参数「{key}」未配置，请管理员在规则参数中设置")
        return default.value
    return row["value"]


_CACHED: dict[str, tuple[float, Any]] = {}


def cached_rule(key: str, seconds: float = 60) -> Any:
    """rule(key) for today, re-read from the table at most once per `seconds` per process: for the public pages
    under load (rate limits), where a changed value may take a minute to apply."""

    now = time.monotonic()
    hit = _CACHED.get(key)
    if hit is not None and now - hit[0] < seconds:
        return hit[1]
    value = rule(key)
    _CACHED[key] = (now, value)
    return value


def forget_cached_rules() -> None:
    _CACHED.clear()


def seed_default_rules(**_: Any) -> None:
    """Insert default rule rows that do not exist yet (post_migrate); never overwrites an administrator's edit."""
    existing = set(RuleParameter.objects.values_list("key", flat=True).distinct())
    RuleParameter.objects.bulk_create(
        [
            RuleParameter(
                key=r.key, value=r.value, unit=r.unit, description=r.description, source=r.source,
                effective_from=r.effective_from,
            )
            for r in DEFAULT_RULES.values()
            if r.key not in existing
        ]
    )
