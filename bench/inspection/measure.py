"""Measure the draw algorithm over the 1,000,000-enterprise pool with a recorded seed (yc-draw-v1, the records made
before commit-reveal), its re-verification, the pool query, and the 200,000-entry plan's submit and approval
(one-level-per-year check over the whole plan). Prints p50/p95 and throughput. The commit-reveal draw through the
services is measured by bench/inspection/draw.py.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_inspection .venv/bin/python bench/inspection/measure.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time

sys.path[:0] = ["src", "."]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bureau.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "5"))


def report(name: str, times: list[float], items: int) -> None:
    times = sorted(times)
    p50 = statistics.median(times)
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(f"{name:<52} runs={len(times)}  p50={p50:.3f} s  p95={p95:.3f} s  "
          f"throughput={items / p50:,.0f} items/s")


class Rollback(Exception):
    pass


def main() -> None:
    from bureau.accounts.models import User
    from bureau.inspection import rules as R
    from bureau.inspection import services as S
    from bureau.inspection.models import AnnualPlan, Draw

    actor = User.objects.get(username="bench_inspector0")
    leader = User.objects.get(username="bench_leader")
    officers = list(User.objects.filter(username__startswith="bench_inspector").values_list("pk", flat=True))
    bureau = S.bureau_of(actor)
    year = S.timezone.localdate().year

    from bureau.enterprises.models import Enterprise

    everyone = list(Enterprise.objects.order_by("id").values_list("id", flat=True))
    print(f"register: {len(everyone):,} enterprises")
    core, stored, verify_all = [], [], []
    for run in range(RUNS):
        t = time.perf_counter()
        result = R.run_draw(seed=f"bench-{run}", pool=everyone, sample_size=1000, officers=officers, team_size=2)
        core.append(time.perf_counter() - t)
        t = time.perf_counter()
        d = Draw.objects.create(
            number=f"BA{run}-{time.time_ns() % 10**12}", organisation=bureau, region_id=bureau.region_id, year=year,
            title="基准（全部 1,000,000 家）", sample_size=1000, team_size=2, seed=f"bench-{run}",
            algorithm=R.LEGACY_ALGORITHM, pool_text=result.pool_text, pool_size=len(everyone), pool_digest=result.pool_digest,
            officer_pool=sorted(officers), selected=result.selected,
            teams={str(k): v for k, v in result.teams.items()}, made_at=S.timezone.now())
        stored.append(time.perf_counter() - t)
        t = time.perf_counter()
        ok, problems = S.draw_verify(Draw.objects.get(pk=d.pk))
        verify_all.append(time.perf_counter() - t)
        assert ok, problems
        d.delete()
    report("draw algorithm over 1,000,000 (1,000 picked + teams)", core, len(everyone))
    report("store the draw record (1,000,000 pool ids)", stored, len(everyone))
    report("re-verify a 1,000,000 draw (load record + re-run)", verify_all, len(everyone))

    pool, _ = S.draw_pool(bureau=bureau, year=year, filters={})
    print(f"eligible pool after exclusions (key, protected, capped): {len(pool):,}")

    pooling = []
    for _ in range(RUNS):
        t = time.perf_counter()
        S.draw_pool(bureau=bureau, year=year, filters={})
        pooling.append(time.perf_counter() - t)
    report("pool query (filters, caps, protected)", pooling, len(pool))

    # the commit-reveal draw end to end (draw_announce, draw_attempt, draw_verify): bench/inspection/draw.py --db

    plan = AnnualPlan.objects.get(organisation=bureau, year=year)
    entries = plan.entries.count()
    submit, approve = [], []
    for _ in range(RUNS):
        try:
            with transaction.atomic():
                plan = AnnualPlan.objects.get(pk=plan.pk)
                t = time.perf_counter()
                S.plan_submit(actor=actor, plan=plan)
                submit.append(time.perf_counter() - t)
                t = time.perf_counter()
                S.plan_approve(actor=leader, plan=plan, note="基准")
                approve.append(time.perf_counter() - t)
                raise Rollback
        except Rollback:
            pass
    report(f"plan submit ({entries:,} entries, capacity check)", submit, entries)
    report(f"plan approve ({entries:,} entries, one-level check)", approve, entries)


if __name__ == "__main__":
    main()
