"""Benchmark: what the keyed audit chain (HMAC-SM3) adds to each write, measured on a database with a large trail.

    createdb -h 127.0.0.1 -U postgres bench_audit
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_audit
    .venv/bin/python manage.py migrate -v0
    .venv/bin/python bench/foundation/audit_append.py generate 1000000   # a trail of N entries (INSERT … SELECT)
    .venv/bin/python bench/foundation/audit_append.py measure             # appends, keyed vs the old plain SM3

`measure` times (1) the MAC alone: HMAC-SM3 against plain SM3 of the same canonical entry, per entry, in µs; and
(2) whole appends (`audit()`: row lock on the head, MAC, insert, head update, commit), N each, alternating the
keyed recipe with the old unkeyed one (monkeypatched in), and prints p50/p95 and throughput of both and the
difference. The generated trail is not a valid chain (it only gives the table and its indexes their real size).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bureau.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from bureau.kernel import audit as audit_module  # noqa: E402
from bureau.kernel.crypto import sm3_hex  # noqa: E402
from bureau.kernel.models import AuditEntry, AuditHead  # noqa: E402

RUNS = int(os.environ.get("RUNS", "2000"))


def generate(n: int) -> None:
    t = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(seq), 0) FROM kernel_auditentry")
        start = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO kernel_auditentry (seq, at, actor_name, action, result, object_type, object_id, summary, "
            "data, ip, prev_hash, hash, key_id) SELECT %s + g, now() - (g || ' seconds')::interval, '压测', "
            "'bench.event', '成功', 'licensing.application', g::text, '压测日志 ' || g, '{}'::jsonb, '127.0.0.1', "
            "md5(g::text) || md5(g::text), md5((g+1)::text) || md5((g+1)::text), 'kbench' "
            "FROM generate_series(1, %s) g", [start, n])
        cursor.execute("SELECT max(seq), (SELECT hash FROM kernel_auditentry ORDER BY seq DESC LIMIT 1) "
                       "FROM kernel_auditentry")
        seq, last = cursor.fetchone()
    AuditHead.objects.update_or_create(id=1, defaults={"last_seq": seq, "last_hash": last})
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE kernel_auditentry")
    print(f"{n:,} entries in {time.perf_counter() - t:.1f} s; the trail now has {seq:,}")


def _plain(entry: AuditEntry) -> str:
    return sm3_hex(audit_module._canonical(entry))


def _percentiles(values: list[float]) -> tuple[float, float]:
    values = sorted(values)
    return statistics.median(values), values[int(len(values) * 0.95) - 1]


def measure() -> None:
    sample = AuditEntry(seq=1, at=django.utils.timezone.now(), actor_name="王科长", action="licensing.grant",
                        result="成功", object_type="licensing.application", object_id="123456",
                        summary="准予许可 YCXK2026000123：危险化学品经营许可", data={"fields": ["state"]},
                        ip="10.1.2.3", prev_hash="0" * 64, key_id=audit_module.keyring()[0])
    for label, func in (("plain SM3 (old)", _plain), ("HMAC-SM3 (keyed)", audit_module.compute_hash)):
        t = time.perf_counter()
        for _ in range(20000):
            func(sample)
        print(f"{label:<18} {((time.perf_counter() - t) / 20000) * 1e6:6.1f} µs per entry (canonical form included)")
    original = audit_module.compute_hash
    timings: dict[str, list[float]] = {"keyed": [], "plain": []}
    for i in range(RUNS * 2):
        kind = "keyed" if i % 2 else "plain"
        audit_module.compute_hash = original if kind == "keyed" else _plain  # type: ignore[assignment]
        t = time.perf_counter()
        with transaction.atomic():
            audit_module.audit(None, "bench.append", summary=f"压测写入 {i}", data={"i": i})
        timings[kind].append((time.perf_counter() - t) * 1000)
    audit_module.compute_hash = original  # type: ignore[assignment]
    print(f"whole appends on {connection.vendor}, trail of {AuditHead.objects.get(id=1).last_seq:,} entries, "
          f"{RUNS} each, alternating:")
    for kind in ("plain", "keyed"):
        p50, p95 = _percentiles(timings[kind])
        print(f"  {kind:<6} p50 {p50:6.3f} ms  p95 {p95:6.3f} ms  {len(timings[kind]) / (sum(timings[kind]) / 1000):7.0f} "
              "appends/s")
    d50 = _percentiles(timings["keyed"])[0] - _percentiles(timings["plain"])[0]
    print(f"  keyed − plain at p50: {d50 * 1000:+.0f} µs per write")


if __name__ == "__main__":
    if sys.argv[1:2] == ["generate"]:
        generate(int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000)
    else:
        measure()
