"""The 12345 outbox against the local simulator (issue 16): 10,000 queued results delivered in ≤ 60 s, and a
`kill -9` of a delivering worker that loses and duplicates nothing.

    createdb -h 127.0.0.1 -U postgres bench_petitions          # once
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_petitions
    .venv/bin/python manage.py migrate -v0
    .venv/bin/python bench/petitions/outbox_bench.py [--rows 10000] [--kill]

What it does: starts the simulator (`python -m bureau.petitions.simulator`) as a subprocess on a free port, queues
`--rows` outbox rows (one synthetic 12345 ticket per 20 rows, generated, not demo data), then
- without --kill: runs the outbox job in this process and reports wall time, throughput and the p50/p95 of one
  delivery (POST + its share of the claim and acknowledgement);
- with --kill: starts the job in a worker subprocess, `kill -9`s it mid-run, waits for the lease to run out,
  runs the job again, and checks that every row is delivered and the simulator holds each key once (duplicates
  it dropped are reported: they are the re-sends of the killed worker's unacknowledged batch).
The queue is emptied at the start; nothing is written outside the bench database.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
sys.path.insert(0, str(SRC))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bureau.settings")

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402

from django.utils import timezone  # noqa: E402

from bureau.kernel.models import Region  # noqa: E402
from bureau.petitions import outbox  # noqa: E402
from bureau.petitions.models import HotlineOutbox, Petition, PetitionCategory  # noqa: E402

LEASE = dt.timedelta(seconds=5)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stats(port: int) -> dict:
    return json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/stats").read())  # noqa: S310


def generate(rows: int) -> None:
    """`rows` pending outbox rows over rows/20 synthetic tickets (bulk inserts)."""
    HotlineOutbox.objects.all().delete()
    Petition.objects.filter(number__startswith="BENCH").delete()
    category = PetitionCategory.objects.first()
    region = Region.objects.exclude(parent__isnull=True).first()
    now = timezone.now()
    tickets = Petition.objects.bulk_create([
        Petition(number=f"BENCH{i:07d}", check_digest="-", channel="hotline", hotline_ref=f"BENCH-12345-{i:07d}",
                 category=category, title="基准测试工单", content="基准测试", region=region, received_at=now,
                 state="replied", due_at=now, reply="已办理", replied_at=now)
        for i in range(max(1, rows // 20))], batch_size=2000)
    batch = []
    for n in range(rows):
        p = tickets[n % len(tickets)]
        batch.append(HotlineOutbox(petition=p, idempotency_key=f"{p.number}:{n}", event="result",
                                   payload=outbox.payload_of(p, event="result", seq=n, at=now),
                                   next_attempt_at=now, created_at=now))
        if len(batch) == 5000:
            HotlineOutbox.objects.bulk_create(batch)
            batch = []
    HotlineOutbox.objects.bulk_create(batch)


class Timed(outbox.HttpHotlineAdapter):
    def __init__(self, url: str) -> None:
        super().__init__(url=url, token="")
        self.times: list[float] = []
        self.last = time.perf_counter()

    def send(self, payload: dict, key: str) -> None:
        super().send(payload, key)
        now = time.perf_counter()
        self.times.append(now - self.last)  # includes this row's share of the claim/ack between sends
        self.last = now


def worker_main(url: str) -> None:
    outbox.deliver_due(adapter=outbox.HttpHotlineAdapter(url=url), lease=LEASE, batch=200)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--kill", action="store_true")
    parser.add_argument("--worker", default="")  # internal: run as the killed worker
    args = parser.parse_args()
    if args.worker:
        worker_main(args.worker)
        return
    port = free_port()
    url = f"http://127.0.0.1:{port}/12345/results"
    sim = subprocess.Popen([sys.executable, "-m", "bureau.petitions.simulator", "--port", str(port)],
                           env={**os.environ, "PYTHONPATH": str(SRC)}, stdout=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        t0 = time.perf_counter()
        generate(args.rows)
        print(f"queued {args.rows} rows in {time.perf_counter() - t0:.1f} s ({connection_vendor()})")
        if args.kill:
            run_kill(url, port, args.rows)
        else:
            run_timed(url, port, args.rows)
    finally:
        sim.terminate()
        sim.wait()


def connection_vendor() -> str:
    from django.db import connection

    return connection.vendor


def run_timed(url: str, port: int, rows: int) -> None:
    adapter = Timed(url)
    t0 = time.perf_counter()
    result = outbox.deliver_due(adapter=adapter, batch=200)
    wall = time.perf_counter() - t0
    ms = sorted(t * 1000 for t in adapter.times)
    s = stats(port)
    print(f"delivered {result.delivered}/{rows} in {wall:.1f} s: {result.delivered / wall:.0f} rows/s; "
          f"per row p50 {statistics.median(ms):.2f} ms, p95 {ms[int(len(ms) * 0.95) - 1]:.2f} ms; "
          f"simulator {s}")
    assert result.delivered == rows == s["distinct"], "lost or duplicated rows"


def run_kill(url: str, port: int, rows: int) -> None:
    worker = subprocess.Popen([sys.executable, __file__, "--worker", url], env=os.environ.copy())
    while True:  # kill in the middle of a batch: some rows sent, none of that batch acknowledged
        distinct = stats(port)["distinct"]
        if distinct >= rows // 3 and 20 <= distinct % 200 <= 180:
            break
        time.sleep(0.002)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    time.sleep(LEASE.total_seconds() + 0.5)  # the lease runs out (and a commit in flight at the kill lands)
    seen = stats(port)
    delivered = HotlineOutbox.objects.filter(status="delivered").count()
    print(f"kill -9 after {seen['distinct']} accepted by the platform, {delivered} acknowledged here")
    result = outbox.deliver_due(adapter=outbox.HttpHotlineAdapter(url=url), lease=LEASE)
    s = stats(port)
    pending = HotlineOutbox.objects.exclude(status="delivered").count()
    print(f"re-run delivered {result.delivered}; outbox not delivered: {pending}; simulator {s}")
    assert pending == 0 and s["distinct"] == rows, "a row was lost"
    assert s["calls"] - s["duplicates"] == rows, "the platform accepted a key twice"


if __name__ == "__main__":
    main()
