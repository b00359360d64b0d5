"""Benchmark of the commit-reveal draw (issue 14 D, yc-draw-v2) over a pool of 1,000,000 enterprises: the
announcement (pool text and digest, the handling of enterprises without a team, parameters, commitment), the draw
(public value, seed, selection of 1,000 and their teams) and its re-verification from the published record.
Targets: the draw ≤ 2 s, its re-verification ≤ 2 s. Prints p50/p95 and throughput.

In memory (the rule functions take the pool as a list; no database needed):
    .venv/bin/python bench/inspection/draw.py
Through the services on PostgreSQL (pool query, records, audit chain), after bench/inspection/generate.py:
    createdb -h 127.0.0.1 -U postgres bench_draw
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_draw
    .venv/bin/python manage.py migrate -v0 && .venv/bin/python bench/inspection/generate.py
    .venv/bin/python bench/inspection/draw.py --db
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from typing import Any

sys.path[:0] = ["src", "."]

from bureau.inspection import rules as R  # noqa: E402  (pure: no Django needed)

RUNS = int(os.environ.get("BENCH_RUNS", "7"))
POOL = int(os.environ.get("BENCH_POOL", "1000000"))
SAMPLE = int(os.environ.get("BENCH_SAMPLE", "1000"))


CPU: dict[int, float] = {}  # id(wall-time list) → CPU seconds of the same runs (time.process_time)


def report(name: str, times: list[float], items: int) -> None:
    cpu = CPU.get(id(times), 0.0) / len(times)
    times = sorted(times)
    p50 = statistics.median(times)
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(f"{name:<60} runs={len(times)}  p50={p50:.3f} s  p95={p95:.3f} s  cpu/run={cpu:.3f} s  "
          f"throughput={items / p50:,.0f} ids/s", flush=True)


def timed(step: Callable[[], Any], into: list[float] | None = None) -> tuple[float, Any]:
    t, c = time.perf_counter(), time.process_time()
    out = step()
    wall = time.perf_counter() - t
    if into is not None:
        into.append(wall)
        CPU[id(into)] = CPU.get(id(into), 0.0) + time.process_time() - c
    return wall, out


def generate(rng: random.Random) -> tuple[list[int], list[int], list[int], list[list[int]]]:
    """1,000,000 enterprise ids (sparse, as a table with deletions has them, ascending as the pool query returns
    them), 10 officers in the pool and 5 more in the 名录库, 3,000 declared conflicts — some enterprises with
    most of the pool recused, so the handling before the draw has work to do."""
    pool = sorted(rng.sample(range(1, 3 * POOL), POOL))
    officers = list(range(101, 111))
    reserve = list(range(111, 116))
    pairs = {(rng.choice(officers + reserve), rng.choice(pool)) for _ in range(2800)}
    for e in rng.sample(pool, 20):  # 20 enterprises with nine of the ten pool officers recused
        pairs |= {(o, e) for o in officers[:9]}
    return pool, officers, reserve, sorted([o, e] for o, e in pairs)


Pools = tuple[list[int], list[int], list[int], list[list[int]]]


def announce(data: Pools, run: int, nonce: str) -> dict[str, Any]:
    """What draw_announce computes once the pool is read: the handling before the draw, the pool text and digest,
    the parameters and the commitment."""
    everyone, officers, reserve, conflicts = data
    pool = R.canonical_pool(everyone)
    kept, handled = R.handle_teamless(pool=pool, officers=officers, reserve=reserve, conflicts=conflicts, team_size=2)
    text = R.pool_text(kept)
    digest = R.pool_digest(text)
    params = {"algorithm": R.ALGORITHM, "number": f"SJ-BENCH-{run}", "pool_digest": digest, "pool_size": len(kept),
              "sample_size": SAMPLE, "team_size": 2, "officer_pool": officers, "reserve_pool": reserve,
              "conflicts": conflicts, "excluded_no_team": [h.enterprise for h in handled if h.handling == R.EXCLUDED],
              "draw_at": "2026-12-06T09:30:00.000Z", "beacon": {"kind": "audit"}}
    params_text = R.params_text(params)
    return {"pool_text": text, "pool_digest": digest, "params_text": params_text,
            "commitment": R.commitment_of(nonce, digest, params_text), "team_handling": [h.as_dict() for h in handled]}


def draw(data: Pools, record: dict[str, Any], nonce: str, source: dict[str, Any]) -> dict[str, Any]:
    """What draw_attempt computes once the public value is fixed (services._reveal): the seed, the pool read back
    from its text, the selection and the teams."""
    _, officers, reserve, conflicts = data
    value = R.public_value_of(source)
    seed = R.seed_of(nonce, value)
    pool = R.pool_from_text(record["pool_text"])
    result = R.run_draw(seed=seed, pool=pool, sample_size=SAMPLE, officers=officers, team_size=2,
                        conflicts=conflicts, text=record["pool_text"], reserve=reserve)
    return {"n": 1, "outcome": "drawn", "reason": "", "public_value": value, "public_source": source, "seed": seed,
            "selected": result.selected, "teams": {str(k): v for k, v in result.teams.items()},
            "late_conflicts": [], "unavailable": []}


def in_memory() -> None:
    rng = random.Random(20261206)
    t, data = timed(lambda: generate(rng))
    everyone, _, _, conflicts = data
    print(f"generated {len(everyone):,} enterprise ids, {len(conflicts):,} conflicts in {t:.1f} s", flush=True)
    announce_t: list[float] = []
    draw_t: list[float] = []
    verify_server_t: list[float] = []
    verify_public_t: list[float] = []
    for run in range(RUNS):
        nonce = f"{run:064x}"
        _, record = timed(partial(announce, data, run, nonce), announce_t)
        source = {"kind": "audit", "draw_at": "2026-12-06T09:30:00.000Z", "seq": 1000 + run,
                  "at": "2026-12-06T09:30:00.412Z", "mac": f"{run + 7:064x}"}
        _, attempt = timed(partial(draw, data, record, nonce, source), draw_t)
        published = record | {"nonce": nonce, "attempts": [attempt]}
        _, checks = timed(partial(R.verify_record, published), verify_server_t)
        assert all(c.ok for c in checks), [c for c in checks if not c.ok]
        # anyone: the JSON as GET /api/v1/draws/{id} serves it (pool as a list), parsed and re-run
        body = json.dumps(published | {"pool_text": None, "pool": R.pool_from_text(record["pool_text"])})
        _, checks = timed(partial(lambda text: R.verify_record(json.loads(text)), body), verify_public_t)
        assert all(c.ok for c in checks)
    n = len(everyone)
    report(f"announce: pool text+digest, handling, commitment ({n:,})", announce_t, n)
    report(f"draw: public value, seed, {SAMPLE:,} picked + teams ({n:,})", draw_t, n)
    report(f"re-verify from the stored record ({n:,})", verify_server_t, n)
    report(f"re-verify from the published JSON (parse + re-run, {n:,})", verify_public_t, n)


def with_database() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bureau.settings")
    import django

    django.setup()
    from django.utils import timezone

    from bureau.accounts.models import User
    from bureau.inspection import services as S
    from bureau.inspection.models import Draw

    actor = User.objects.get(username="bench_inspector0")
    officers = list(User.objects.filter(username__startswith="bench_inspector").order_by("id")
                    .values_list("pk", flat=True))
    announce_t: list[float] = []
    attempt_t: list[float] = []
    verify_t: list[float] = []
    made: list[int] = []
    for run in range(RUNS):
        _, made_draw = timed(partial(S.draw_announce, actor=actor, title=f"基准抽查 {run}", officer_ids=officers,
                                     size=SAMPLE, draw_at=timezone.now() + dt.timedelta(seconds=30)), announce_t)
        made.append(made_draw.pk)
        time.sleep(max(0.0, (made_draw.draw_at - timezone.now()).total_seconds()) + 0.05)
        _, attempt = timed(partial(S.draw_attempt, actor=actor, draw=made_draw, create_inspections=False), attempt_t)
        assert attempt.outcome == "drawn", attempt.reason
        _, (ok, problems) = timed(partial(lambda pk: S.draw_verify(Draw.objects.get(pk=pk)), made_draw.pk),
                                  verify_t)
        assert ok, problems
    size = Draw.objects.get(pk=made[0]).pool_size
    report(f"draw_announce end to end (pool query, commit, store; {size:,})", announce_t, size)
    report(f"draw_attempt end to end (lock, audit beacon, reveal, store; {size:,})", attempt_t, size)
    report(f"draw_verify (load the record, re-run every step; {size:,})", verify_t, size)
    Draw.objects.filter(pk__in=made).delete()


if __name__ == "__main__":
    with_database() if "--db" in sys.argv else in_memory()
