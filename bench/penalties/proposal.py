"""The discretion engine with a large benchmark (issue 14): 5,000 benchmark rows in force, the proposal measured as
a service call and as the HTTP POST /api/v1/penalties/proposals with an API token, plus the violation list
(GET /api/v1/penalties/violations) by provision and by text. Target: proposal p95 ≤ 20 ms.

On a database after `migrate` + `demo_load` (SQLite file or PostgreSQL), e.g.
    DATABASE_URL=sqlite:////tmp/bench_eng.sqlite3 .venv/bin/python bench/penalties/proposal.py [rows] [calls]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_eng .venv/bin/python bench/penalties/proposal.py
The generated rows (version 「BENCH」) replace any earlier run's; each violation has 阶次A/B/C by quantity (order
stage), an overdue row and a 法定幅度 row, and every fifth a city row refining 阶次A (five rows per violation).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import sys
import time
from decimal import Decimal
from typing import Any

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bureau.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from timing import timed  # noqa: E402  (bench/penalties/timing.py, beside this script)

ON = dt.date(2026, 11, 27)


def generate(total: int) -> list[str]:
    """`total` rows over total/5 violation codes (BENCH-<n>), bulk-inserted; returns the codes."""
    from bureau.penalties.models import BenchmarkRow

    BenchmarkRow.objects.filter(version="BENCH").delete()
    rows: list[BenchmarkRow] = []
    codes = []
    article = 0
    for n in range(total // 5):
        code = f"BENCH-{n}"
        codes.append(code)
        article = 90 + n % 20
        base: dict[str, Any] = dict(
            version="BENCH", source="压测基准", effective_from=dt.date(2024, 11, 1), violation_code=code,
            violation=f"压测违法行为{n}：未按照规定设置安全设施第{n}类", legal_provision=f"安全生产法第{article}条",
            penalty_provision=f"安全生产法第{article}条第({n % 9 + 1})项", statutory_min=0, statutory_max=100000,
            stage="order", target="unit", level="national", quantity_unit="places", item=f"（{n}）")
        for rank, (tier, low, high, amount) in enumerate(
                (("A", 1, 1, (0, 30000)), ("B", 2, 2, (30000, 60000)), ("C", 3, None, (60000, 100000))), start=1):
            if n % 5 == 0 and tier == "C":  # five rows a violation: this one has a city row instead of C
                rows.append(BenchmarkRow(**{**base, "tier": "A", "tier_rank": 1, "level": "city",
                                            "conditions": "有1处（市级细化）", "quantity_min": Decimal(1),
                                            "quantity_max": Decimal(1), "amount_min": 0, "amount_max": 20000}))
                continue
            rows.append(BenchmarkRow(**{**base, "tier": tier, "tier_rank": rank, "conditions": f"有{low}处",
                                        "quantity_min": Decimal(low),
                                        "quantity_max": None if high is None else Decimal(high),
                                        "amount_min": amount[0], "amount_max": amount[1]}))
        rows.append(BenchmarkRow(**{**base, "stage": "overdue", "tier": "A", "tier_rank": 1, "conditions": "逾期未改正",
                                    "statutory_min": 100000, "statutory_max": 200000, "quantity_unit": "",
                                    "amount_min": 100000, "amount_max": 130000}))
        rows.append(BenchmarkRow(**{**base, "tier": "statutory", "tier_rank": 0, "conditions": "法定幅度",
                                    "quantity_unit": "", "amount_min": None, "amount_max": None}))
    BenchmarkRow.objects.bulk_create(rows, batch_size=1000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE penalties_benchmarkrow")
    return codes


def main(total: int, calls: int) -> None:
    from bureau.accounts.models import User
    from bureau.accounts.services import api_token_issue
    from bureau.penalties import services
    from bureau.penalties.models import BenchmarkRow

    started = time.monotonic()
    codes = generate(total)
    print(f"{connection.vendor}: generated {BenchmarkRow.objects.filter(version='BENCH').count():,} rows "
          f"({len(codes)} violations) in {time.monotonic() - started:.1f}s; "
          f"{BenchmarkRow.objects.in_force(ON).count():,} rows in force on {ON}")
    rng = random.Random(14)

    def pick() -> dict[str, Any]:
        n = rng.randrange(len(codes))  # every fifth violation has no 阶次C: at most 2 places there
        return {"violation_code": codes[n], "quantity": rng.choice((1, 2) if n % 5 == 0 else (1, 2, 3, 7)),
                "circumstances": rng.choice(([], ["corrected_in_time"], ["obstruction"], ["confession"])),
                "on": ON.isoformat()}

    timed("service proposal_compute (random violation, quantity)",
          lambda: services.proposal_compute(**{**pick(), "on": ON}), calls)
    timed("service proposal_compute (AQSCF-97-7, 1 person)", lambda: services.proposal_compute(
        violation_code="AQSCF-97-7", quantity=1, circumstances=[], on=ON), calls)
    officer = User.objects.get(username="yanhu_inspector")
    _token, raw = api_token_issue(actor=None, user=officer, name="压测-裁量引擎", scopes=["cases:read"],
                                  expires_at=None)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    def post() -> None:
        r = client.post("/api/v1/penalties/proposals", data=json.dumps(pick()), content_type="application/json")
        assert r.status_code == 200, r.content

    timed("HTTP POST /api/v1/penalties/proposals (token)", post, calls)

    def baseline() -> None:
        r = client.get("/api/v1/penalties/circumstances")
        assert r.status_code == 200, r.content

    # the same API stack (token check, call log, middleware) around a constant answer: what the engine adds is the
    # difference
    timed("HTTP GET /api/v1/penalties/circumstances (token; stack baseline)", baseline, calls)

    def listing(params: dict[str, str]) -> Any:
        def run() -> None:
            r = client.get("/api/v1/penalties/violations", {**params, "on": ON.isoformat()})
            assert r.status_code == 200, r.content
        return run

    timed("HTTP GET /violations?provision=第97条第(7)项", listing({"provision": "第97条第(7)项"}), calls // 4)
    timed("HTTP GET /violations?q=安全设施第123类", listing({"q": "安全设施第123类"}), calls // 4)
    timed("HTTP GET /violations (first 50)", listing({}), calls // 4)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000, int(sys.argv[2]) if len(sys.argv) > 2 else 1000)
