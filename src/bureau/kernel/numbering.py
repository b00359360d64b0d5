"""Human-readable numbers (办件编号, 文书文号, 证书编号) per kind and year — and per issuing authority where the
caller passes its `scope` (e.g. the organisation's code: each 执法机关 numbers its own cases, 盐湖应急立〔2026〕1号
beside 运应急立〔2026〕1号) — unique under concurrency.

The counter row is locked (SELECT … FOR UPDATE on PostgreSQL; SQLite serialises writers) in the caller's
transaction, so a rolled-back transaction does not consume a number and two concurrent ones never share one.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from bureau.kernel.models import Counter


def counter_key(kind: str, scope: str = "") -> str:
    """The counter's key: the kind, and the scope (an issuing authority) when numbers run per scope."""
    return f"{kind}@{scope}" if scope else kind


def next_value(kind: str, year: int, *, scope: str = "") -> int:
    kind = counter_key(kind, scope)
    with transaction.atomic():
        counter = Counter.objects.select_for_update().filter(kind=kind, year=year).first()
        if counter is None:
            try:
                with transaction.atomic():
                    counter = Counter.objects.create(kind=kind, year=year, value=0)
            except IntegrityError:
                counter = Counter.objects.select_for_update().get(kind=kind, year=year)
            counter = Counter.objects.select_for_update().get(pk=counter.pk)
        counter.value += 1
        Counter.objects.filter(pk=counter.pk).update(value=counter.value)
        return counter.value


def next_number(kind: str, year: int, pattern: str = "{prefix}{year}{seq:06d}", prefix: str = "", *,
                scope: str = "") -> str:
    """Format the next value, e.g. next_number("application", 2026, prefix="XK") -> "XK2026000001"; with `scope`
    the sequence is that scope's own (next_number("penalty_case", 2026, …, scope="YC-140802"))."""
    return pattern.format(prefix=prefix, year=year, seq=next_value(kind, year, scope=scope))
