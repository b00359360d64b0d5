"""Measure the overdue scan and the jurisdiction overview on the benchmark database (see generate.py), through the
same scoped query functions the pages use, and through the pages themselves (Django test client, whole stack).

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_hazards .venv/bin/python bench/hazards/measure.py
Prints p50 / p95 / max and throughput per scenario; the target is < 2 s.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bureau.settings")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

from bureau.accounts.models import User  # noqa: E402
from bureau.hazards import queries  # noqa: E402
from bureau.hazards.models import Hazard  # noqa: E402
from bureau.kernel.paging import capped_count  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", 20))


def measure(label: str, func: Callable[[], object]) -> float:
    func()  # warm-up (plans, caches)
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    times.sort()
    p50 = statistics.median(times)
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    print(f"{label:<52} p50 {p50 * 1000:8.1f} ms  p95 {p95 * 1000:8.1f} ms  max {times[-1] * 1000:8.1f} ms"
          f"  {1 / p50:7.1f}/s", flush=True)
    return p95


def main() -> None:
    total = Hazard.objects.count()
    print(f"hazards: {total:,}; runs per scenario: {RUNS}")
    worst = 0.0
    for username in ("bench_city", "bench_county"):
        user = User.objects.get(username=username)
        worst = max(worst, measure(f"[{username}] overdue scan: first page (50)",
                                   lambda user=user: list(queries.overdue_hazards(user)[:50])))
        worst = max(worst, measure(f"[{username}] overdue scan: capped count",
                                   lambda user=user: capped_count(queries.overdue_hazards(user))))
        worst = max(worst, measure(f"[{username}] jurisdiction overview (all regions)",
                                   lambda user=user: queries.jurisdiction_overview(user)))
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        worst = max(worst, measure(f"[{username}] GET /hazards/overview/ (page)",
                                   lambda client=client: client.get("/hazards/overview/")))
        worst = max(worst, measure(f"[{username}] GET /hazards/?overdue=1 (page)",
                                   lambda client=client: client.get("/hazards/?overdue=1")))
    from bureau.hazards.rules import OPEN_STATES

    sweep_candidates = (Hazard.objects.filter(state__in=OPEN_STATES, deadline__lt=django.utils.timezone.localdate())
                        .values_list("pk", flat=True))
    worst = max(worst, measure("[sweep] overdue candidates (5,000 per run)", lambda: list(sweep_candidates[:5000])))
    print(f"worst p95: {worst * 1000:.1f} ms — {'OK (< 2 s)' if worst < 2 else 'OVER 2 s'}")


if __name__ == "__main__":
    import django.utils.timezone  # noqa: F401

    main()
