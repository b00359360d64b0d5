"""Measure the officer queue and the enterprise's "my applications" page (HTML and API) on the bench database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_licensing .venv/bin/python bench/licensing/measure.py
Prints p50/p95/max and throughput per page (single client, sequential requests, warm cache).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bureau.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bureau.accounts.models import User  # noqa: E402

RUNS = int(os.environ.get("RUNS", "200"))


def measure(client: Client, url: str, label: str) -> None:
    for _ in range(10):  # warm up
        assert client.get(url).status_code == 200, url
    times = []
    begin = time.perf_counter()
    for i in range(RUNS):
        t = time.perf_counter()
        response = client.get(url if i % 4 else url + ("&" if "?" in url else "?") + "page=2")
        times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200
    elapsed = time.perf_counter() - begin
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"{label:<38} p50 {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms  max {times[-1]:6.1f} ms  "
          f"{RUNS / elapsed:6.1f} req/s")


def main() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM licensing_application")
        total = cursor.fetchone()[0]
        officer = User.objects.get(username="city_licensing")
        qiye = User.objects.get(username="qiye")
        cursor.execute("SELECT count(*) FROM licensing_application WHERE enterprise_id = %s", [qiye.enterprise_id])
        mine = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM licensing_application WHERE level = 'city' AND state IN "
                       "('submitted','review','expert_review','extension_requested','pending_decision')")
        queue = cursor.fetchone()[0]
    print(f"applications {total:,}; city officer queue {queue:,} open; demo enterprise {mine:,} applications; "
          f"{RUNS} requests per page")
    c1, c2 = Client(), Client()
    c1.force_login(officer, backend="bureau.accounts.backends.LockoutModelBackend")
    c2.force_login(qiye, backend="bureau.accounts.backends.LockoutModelBackend")
    measure(c2, "/licensing/items/", "baseline: item catalogue (12 rows)")
    measure(c1, "/licensing/queue/", "officer queue (HTML)")
    measure(c1, "/api/v1/licensing/applications?view=queue", "officer queue (API)")
    measure(c2, "/licensing/mine/", "enterprise my applications (HTML)")
    measure(c2, "/api/v1/licensing/applications?view=mine", "enterprise my applications (API)")
    qiye = User.objects.get(username="qiye")
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN ANALYZE SELECT id FROM licensing_application WHERE level = 'city' AND state IN "
                       "('submitted','review','expert_review','extension_requested','pending_decision') "
                       "ORDER BY due_on, id LIMIT 51")
        print("\n".join(r[0] for r in cursor.fetchall()[:4]))
        cursor.execute("EXPLAIN ANALYZE SELECT id FROM licensing_application WHERE enterprise_id = %s "
                       "ORDER BY id DESC LIMIT 51", [qiye.enterprise_id])
        print("\n".join(r[0] for r in cursor.fetchall()[:4]))


if __name__ == "__main__":
    main()
