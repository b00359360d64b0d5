"""Human-readable numbers (办件编号, 文书文号, 证书编号) per kind and year, unique under concurrency.

The counter row is locked (SELECT … FOR UPDATE on PostgreSQL; SQLite serialises writers) in the caller's
transaction, so a rolled-back transaction does not consume a number and two concurrent ones never share one.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from bureau.kernel.models import Counter


def next_value(kind: str, year: int) -> int:
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


def next_number(kind: str, year: int, pattern: str = "{prefix}{year}{seq:06d}", prefix: str = "") -> str:
    """Format the next value, e.g. next_number("application", 2026, prefix="XK") -> "XK2026000001"."""
    return pattern.format(prefix=prefix, year=year, seq=next_value(kind, year))
