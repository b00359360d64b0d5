"""Where an alarm request's time goes, in process (Django test client, no network, no gunicorn): the server's own
CPU per request and the queries, for single events and batches — the part of the budget the code controls.
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_alarm DEBUG=0 ALLOWED_HOSTS=testserver \
    PYTHONPATH=src .venv/bin/python bench/hazards/alarm_inprocess.py        (after alarm_simulator.py prepare)
With --instructions: the same requests under valgrind's callgrind (PYTHONHASHSEED=0, RUNS=20 per message size after
10 warm-ups, the counters switched on around the measured requests only; the marker helper of bench/web/inprocess.py):
instructions per request of the web process (Python, C libraries, libpq; not PostgreSQL), which the machine's load
does not change."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CALLGRIND_DIR = ROOT / "var" / "callgrind"
UNDER_VALGRIND = os.environ.get("ALARM_CALLGRIND") == "1"
if "--instructions" in sys.argv and not UNDER_VALGRIND:
    CALLGRIND_DIR.mkdir(parents=True, exist_ok=True)
    for old in CALLGRIND_DIR.glob("alarm.out*"):
        old.unlink()
    (CALLGRIND_DIR / "marks.c").write_text("#include <valgrind/callgrind.h>\n"
                                           "void marks_start(void) { CALLGRIND_START_INSTRUMENTATION; "
                                           "CALLGRIND_ZERO_STATS; }\n"
                                           "void marks_stop(void) { CALLGRIND_DUMP_STATS; "
                                           "CALLGRIND_STOP_INSTRUMENTATION; }\n")
    subprocess.run(["cc", "-O1", "-shared", "-fPIC", "-o", str(CALLGRIND_DIR / "marks.so"),
                    str(CALLGRIND_DIR / "marks.c")], check=True)
    out = CALLGRIND_DIR / "alarm.out"
    runs = int(os.environ.get("RUNS", "20"))
    result = subprocess.run(["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
                             sys.executable, __file__], env={**os.environ, "ALARM_CALLGRIND": "1",
                                                            "PYTHONHASHSEED": "0", "RUNS": str(runs)},
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(result.stdout + result.stderr[-3000:])
    for n, batch in enumerate((1, 10), start=1):
        summary = re.search(r"^summary: (\d+)", Path(f"{out}.{n}").read_text(errors="replace"), re.M)
        assert summary is not None
        print(f"| {batch} event{'s' if batch > 1 else ''} | {int(summary.group(1)) / runs / 1e6:.2f} M instructions "
              f"per request |")
    sys.exit(0)
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bureau.settings")
import django  # noqa: E402

django.setup()
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bureau.hazards.alarm_rules import sign  # noqa: E402

sources = json.loads((ROOT / "var" / "bench_alarm_sources.json").read_text())
client = Client()
run = f"i{int(time.time())}"
rng = random.Random(1)


def post(i: int, batch: int) -> None:
    source = rng.choice(sources)
    events = [{"event_id": f"{run}-{i}-{k}", "type": "raise", "alarm_ref": f"{run}-{i}-{k}",
               "risk_point_id": rng.choice(source["points"]), "level": "high", "value": 21.5, "unit": "%LEL",
               "occurred_at": dt.datetime.now(dt.UTC).isoformat()} for k in range(batch)]
    body = json.dumps({"events": events} if batch > 1 else events[0]).encode()
    stamp = str(int(time.time()))
    answer = client.post("/api/v1/hazards/alarms/intake", body, content_type="application/json",
                         HTTP_X_ALARM_KEY=source["key"], HTTP_X_ALARM_TIMESTAMP=stamp,
                         HTTP_X_ALARM_SIGNATURE=sign(source["secret"], stamp, body))
    assert answer.status_code in (200, 202), answer.content
    if batch > 1:  # every event of the batch accepted as a new alarm
        assert [r["status"] for r in answer.json()["results"]] == [202] * batch, answer.content


if UNDER_VALGRIND:
    import ctypes

    marks = ctypes.CDLL(str(CALLGRIND_DIR / "marks.so"))
    for batch in (1, 10):
        for i in range(10):
            post(3 * 10**6 + batch * 1000 + i, batch)
        marks.marks_start()
        for i in range(int(os.environ["RUNS"])):
            post(4 * 10**6 + batch * 1000 + i, batch)
        marks.marks_stop()
    sys.exit(0)

for batch, n in ((1, int(os.environ.get("RUNS", "300"))), (10, int(os.environ.get("RUNS", "300")) // 10)):
    for i in range(10):
        post(10**6 + batch * 1000 + i, batch)  # warm
    with CaptureQueriesContext(connection) as queries:
        post(2 * 10**6 + batch, batch)
    cpu, wall = [], []
    for i in range(n):
        c0, w0 = time.process_time(), time.perf_counter()
        post(batch * 10**5 + i, batch)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    sql = sum(float(q["time"]) for q in queries.captured_queries)
    print(f"| {batch} event{'s' if batch > 1 else ''} | {len(queries.captured_queries)} | "
          f"{statistics.median(cpu) * 1000:.1f} ms ({statistics.median(cpu) * 1000 / batch:.2f} per alarm) | "
          f"{statistics.median(wall) * 1000:.1f} ms | {sql * 1000:.1f} ms |")
print(f"load {open('/proc/loadavg').read().split()[0]}")
