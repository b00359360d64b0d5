"""Monitoring-system simulator and load generator for the alarm webhook (issue 16: ≥ 500 alarms/s accepted, p95 ≤ 50 ms).

  prepare   create ENTERPRISES hazardous-chemical producers, 3 risk points and one GDS credential each, straight in
            the database of DATABASE_URL (no demo needed); writes var/bench_alarm_sources.json (key ids, secrets,
            risk point ids: the configuration a real system would be given)
  send      CONNECTIONS keep-alive connections post signed alarms for DURATION seconds against BASE
            (http://127.0.0.1:8097): mostly new alarms, every 4th event clears an alarm the same connection raised,
            2 % are re-sends of an event already answered (they must answer "replayed", not a second alarm).
            BATCH > 1 sends {"events": [...]} of that many events per request. RATE caps the events per second
            (0: as fast as the server answers). Prints throughput, p50/p95/p99 per request, statuses, and checks
            the database afterwards (alarms = distinct raises accepted, no duplicate).

  DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_alarm python bench/hazards/alarm_simulator.py prepare
  BASE=http://127.0.0.1:8097 CONNECTIONS=16 DURATION=30 python bench/hazards/alarm_simulator.py send
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.client
import json
import os
import random
import statistics
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "var" / "bench_alarm_sources.json"
PATH = "/api/v1/hazards/alarms/intake"
RUN = os.environ.get("RUN_ID") or f"r{int(time.time())}"  # event ids and alarm refs are new in every run


def _django() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bureau.settings")
    import django

    django.setup()


def prepare(n: int) -> None:
    _django()
    import secrets

    from django.db import transaction
    from django.utils import timezone

    from bureau.enterprises.models import Enterprise
    from bureau.hazards.models import AlarmSource, RiskPoint
    from bureau.kernel.identifiers import make_uscc

    regions = ["140802", "140821", "140822", "140823", "140824", "140825", "140826", "140827", "140828", "140829",
               "140830", "140881", "140882"]
    out = []
    today = timezone.localdate()
    with transaction.atomic():
        for i in range(n):
            region = regions[i % len(regions)]
            enterprise = Enterprise.objects.create(
                uscc=make_uscc(f"91{region}AL{i:07d}"), name=f"运城报警压测化工{i:04d}有限公司",
                region_id=region, industry="hazchem_production", legal_representative="王建国", employees=80)
            points = [RiskPoint.objects.create(
                enterprise=enterprise, region_id=region, name=name, hazard_source="可燃气体泄漏", method="lec",
                factor_l=3, factor_e=6, factor_c=15, score=270, level="orange", assessed_on=today)
                for name in ("甲醇储罐区", "装卸站台", "合成装置区")]
            secret = secrets.token_urlsafe(32)
            source = AlarmSource.objects.create(enterprise=enterprise, region_id=region, name="罐区 GDS", system="gds",
                                                key_id=f"yc-bench-{i:06d}", secret=secret,
                                                secret_issued_at=timezone.now())
            out.append({"key": source.key_id, "secret": secret, "points": [p.pk for p in points]})
    SOURCES.parent.mkdir(exist_ok=True)
    SOURCES.write_text(json.dumps(out))
    print(f"prepared {n} enterprises, {3 * n} risk points, {n} credentials → {SOURCES}")


def _sign(secret: str, stamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class Worker(threading.Thread):
    def __init__(self, n: int, base: str, sources: list[dict], deadline: float, batch: int, interval: float) -> None:
        super().__init__(daemon=True)
        self.n, self.sources, self.deadline, self.batch, self.interval = n, sources, deadline, batch, interval
        url = urllib.parse.urlsplit(base)
        self.host, self.port = url.hostname or "127.0.0.1", url.port or 80
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}
        self.events = 0
        self.raised: set[tuple[str, str]] = set()
        self.replays_sent = self.replays_answered = 0
        self.rng = random.Random(n)
        self.open: list[tuple[dict, str]] = []
        self.sent: list[tuple[dict, bytes]] = []
        self.seq = 0

    def _event(self, source: dict) -> dict:
        """Every 4th event clears an alarm this connection raised for the same system, the others raise one."""
        self.seq += 1
        now = dt.datetime.now(dt.UTC).isoformat()
        mine = [i for i, (s, _) in enumerate(self.open[-50:], start=max(0, len(self.open) - 50)) if s is source]
        if mine and self.seq % 4 == 0:
            _, ref = self.open.pop(mine[0])
            return {"event_id": f"{RUN}-w{self.n}-{self.seq}", "type": "clear", "alarm_ref": ref,
                    "occurred_at": now}
        ref = f"{RUN}-w{self.n}-A{self.seq}"
        self.open.append((source, ref))
        return {"event_id": f"{RUN}-w{self.n}-{self.seq}", "type": "raise", "alarm_ref": ref,
                        "risk_point_id": self.rng.choice(source["points"]), "level": "high", "tag": "GT-1101",
                        "value": round(self.rng.uniform(20, 60), 1), "unit": "%LEL", "message": "可燃气体高报",
                        "occurred_at": now}

    def run(self) -> None:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        next_at = time.perf_counter()
        while time.perf_counter() < self.deadline:
            replay = self.sent and self.rng.random() < 0.02
            if replay:
                source, body = self.rng.choice(self.sent)
                self.replays_sent += 1
            else:
                # a system reports its own points: one source per message (a few systems per connection, so
                # that clearings find alarms of their own system)
                source = self.sources[(self.n * 7 + self.rng.randrange(4)) % len(self.sources)]
                events = [self._event(source) for _ in range(self.batch)]
                body = json.dumps({"events": events} if self.batch > 1 else events[0], ensure_ascii=False).encode()
            stamp = str(int(time.time()))
            headers = {"Content-Type": "application/json", "X-Alarm-Key": source["key"], "X-Alarm-Timestamp": stamp,
                       "X-Alarm-Signature": _sign(source["secret"], stamp, body)}
            started = time.perf_counter()
            try:
                conn.request("POST", PATH, body=body, headers=headers)
                response = conn.getresponse()
                payload = response.read()
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                self.statuses[-1] = self.statuses.get(-1, 0) + 1
                continue
            self.latencies.append(time.perf_counter() - started)
            self.statuses[response.status] = self.statuses.get(response.status, 0) + 1
            if replay:
                self.replays_answered += response.getheader("X-Alarm-Replayed") == "1" or b'"replayed": true' in payload
            else:
                self.events += len(events)
                if response.status < 300 and len(self.sent) < 500:
                    self.sent.append((source, body))
                if response.status in (200, 202):
                    for e in events:
                        if e["type"] == "raise":
                            self.raised.add((source["key"], e["alarm_ref"]))
            if self.interval:
                next_at += self.interval
                pause = next_at - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
        conn.close()


def _pct(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] * 1000 if len(values) > 1 else 0.0


def send() -> None:
    base = os.environ.get("BASE", "http://127.0.0.1:8097")
    connections = int(os.environ.get("CONNECTIONS", "16"))
    duration = float(os.environ.get("DURATION", "30"))
    batch = int(os.environ.get("BATCH", "1"))
    rate = float(os.environ.get("RATE", "0"))
    sources = json.loads(SOURCES.read_text())
    interval = (connections * batch / rate) if rate else 0.0
    started = time.perf_counter()
    workers = [Worker(i, base, sources, started + duration, batch, interval) for i in range(connections)]
    cpu0 = time.process_time()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    wall = time.perf_counter() - started
    latencies = [x for w in workers for x in w.latencies]
    statuses: dict[int, int] = {}
    for w in workers:
        for k, v in w.statuses.items():
            statuses[k] = statuses.get(k, 0) + v
    events = sum(w.events for w in workers)
    raised = set().union(*(w.raised for w in workers))
    print(f"date {dt.datetime.now(dt.UTC):%F %T} UTC | connections {connections} | batch {batch} | "
          f"rate {'max' if not rate else rate} | load {open('/proc/loadavg').read().split()[0]}")
    print(f"requests {len(latencies)} in {wall:.1f} s = {len(latencies) / wall:.0f} req/s; events {events} = "
          f"{events / wall:.0f} alarms/s; p50 {_pct(latencies, 50):.1f} ms, p95 {_pct(latencies, 95):.1f} ms, "
          f"p99 {_pct(latencies, 99):.1f} ms; statuses {dict(sorted(statuses.items()))}; "
          f"replays {sum(w.replays_answered for w in workers)}/{sum(w.replays_sent for w in workers)} answered as "
          f"replays; simulator CPU {time.process_time() - cpu0:.1f} s")
    if os.environ.get("DATABASE_URL"):
        _django()
        from bureau.hazards.models import Alarm

        keys = {s["key"] for s in sources}
        stored = Alarm.objects.filter(source__key_id__in=keys, alarm_ref__startswith=f"{RUN}-").count()
        print(f"database: {stored} alarms stored for {len(raised)} distinct raises accepted in this run")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "send"
    if command == "prepare":
        prepare(int(os.environ.get("ENTERPRISES", "200")))
    else:
        send()
