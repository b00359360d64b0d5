"""Rules as data: look up a RuleParameter by key and date.

Areas declare their default rules (value, unit, description, legal source, effective date) in their hooks with
`register_rules`; missing rows are inserted after every migrate, and administrators edit or add dated versions.
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from bureau.kernel.errors import DomainError
from bureau.kernel.models import RULES_CHANGED, RuleParameter
from bureau.kernel.shared_version import SharedVersion


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


# The table is read once per process and version (issue 18: a detail page asked the table on every call). Any write
# through the ORM (admin, save, create, delete, a queryset's update/delete/bulk_create: kernel.models) calls
# `invalidate`, which empties this process's copy and bumps the shared version; every process reads that version once
# per request (`begin_request`, kernel RequestContextMiddleware) and otherwise at most once a second, and re-reads the
# table at least every CACHE_TTL_SECONDS — the pattern of the working-day clock (kernel/calendar.py). With REDIS_URL
# an administrator's edit applies to the next request of every worker; with the per-process local cache another
# worker applies it within CACHE_TTL_SECONDS.
CACHE_TTL_SECONDS = 60
VERSION_RECHECK_SECONDS = 1.0
_VERSION_KEY = "kernel:rules:version"
_lock = threading.Lock()
# (re-read after, version, {key: [(effective_from, value), …] latest first})
_table: tuple[float, int, dict[str, list[tuple[dt.date, Any]]]] | None = None
_shared = SharedVersion(_VERSION_KEY, VERSION_RECHECK_SECONDS)
_uncommitted = False  # a rule was written in the transaction still open (kept nothing read since)


def invalidate() -> None:
    """Forget the table here and, through the shared cache, in every other process (also once more when the
    surrounding transaction commits, so a process that re-read it before the commit reads it again). Until that
    transaction ends, this process reads the table without keeping it: a rolled-back edit is never kept."""
    global _uncommitted
    _forget_and_bump()
    if transaction.get_connection().in_atomic_block:
        _uncommitted = True
    transaction.on_commit(_forget_and_bump)


RULES_CHANGED.append(invalidate)  # every ORM write of a rule (kernel.models)


def _forget_and_bump() -> None:
    global _table, _uncommitted
    with _lock:
        _table, _uncommitted = None, False
    _shared.bump()


def begin_request() -> None:
    """Read the shared version again at the next lookup (once per request)."""
    _shared.begin_request()


def _version(now: float) -> int:
    return _shared.current(now)


def _rows() -> dict[str, list[tuple[dt.date, Any]]]:
    global _table, _uncommitted
    now = time.monotonic()
    version = _version(now)
    table = _table
    if table is not None and table[0] > now and table[1] == version:
        return table[2]
    rows: dict[str, list[tuple[dt.date, Any]]] = {}
    for key, effective_from, value in (RuleParameter.objects.order_by("key", "-effective_from")
                                       .values_list("key", "effective_from", "value")):
        rows.setdefault(key, []).append((effective_from, value))
    if _uncommitted and transaction.get_connection().in_atomic_block:
        return rows  # a rule written in this transaction: not kept until it commits
    with _lock:
        _table, _uncommitted = (now + CACHE_TTL_SECONDS, version, rows), False
    return rows


def rule(key: str, on: dt.date | None = None) -> Any:
    """The value of rule `key` in force on `on` (today by default): the row with the latest effective date not
    after `on`, else the registered default."""
    on = on or dt.date.today()
    if isinstance(on, dt.datetime):  # as the DateField lookup compared it
        on = on.date()
    for effective_from, value in _rows().get(key, ()):
        if effective_from <= on:
            # a fresh copy, as a read from the table gave: a caller changing a list or dict leaves the cache alone
            return copy.deepcopy(value) if isinstance(value, (list, dict)) else value
    default = DEFAULT_RULES.get(key)
    if default is None:
        raise DomainError(f"规则参数「{key}」未配置，请管理员在规则参数中设置")
    return default.value


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
    global _table, _uncommitted
    _CACHED.clear()
    with _lock:
        _table, _uncommitted = None, False
    _shared.begin_request()


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
