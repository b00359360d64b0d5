"""Human-readable numbers are sequential per kind and year and unique under concurrency."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from bureau.kernel.numbering import next_number


@pytest.mark.django_db
def test_numbers_count_per_kind_and_year():
    assert next_number("app", 2026, prefix="XK") == "XK2026000001"
    assert next_number("app", 2026, prefix="XK") == "XK2026000002"
    assert next_number("app", 2027, prefix="XK") == "XK2027000001"
    assert next_number("case", 2026, pattern="运应急罚〔{year}〕{seq}号") == "运应急罚〔2026〕1号"


@pytest.mark.django_db(transaction=True)
def test_concurrent_callers_never_share_a_number():
    results: list[str] = []
    errors: list[Exception] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            for _ in range(10):
                number = next_number("concurrent", 2026)
                with lock:
                    results.append(number)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(results) == 40 and len(set(results)) == 40
