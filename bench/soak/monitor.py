"""Every INTERVAL seconds, one CSV line: the resident memory of the job worker, the scheduler and the gunicorn
processes, the database connections of the soak database, the queue and failed jobs.

    .venv/bin/python bench/soak/monitor.py var/soak_monitor.csv [INTERVAL]
Runs until killed. Memory comes from /proc (VmRSS), connections from pg_stat_activity.
"""

from __future__ import annotations

import csv
import os
import sys
import time
from pathlib import Path

import psycopg


def processes() -> dict[str, list[int]]:
    found: dict[str, list[int]] = {"worker": [], "scheduler": [], "web": []}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "manage.py worker" in cmd:
            found["worker"].append(int(entry.name))
        elif "manage.py scheduler" in cmd and "--once" not in cmd:
            found["scheduler"].append(int(entry.name))
        elif "gunicorn" in cmd and "bureau.wsgi" in cmd:
            found["web"].append(int(entry.name))
    return found


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def main(path: str, interval: float) -> None:
    url = os.environ["DATABASE_URL"]
    db = url.rsplit("/", 1)[1]
    with open(path, "w", newline="") as handle, psycopg.connect(url, autocommit=True) as conn:
        out = csv.writer(handle)
        out.writerow(["time", "worker_pid", "worker_rss_kib", "scheduler_rss_kib", "web_processes", "web_rss_kib",
                      "db_connections", "jobs_ready", "jobs_failed"])
        while True:
            procs = processes()
            worker = procs["worker"][0] if procs["worker"] else 0
            conns = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> "
                                 "pg_backend_pid()", [db]).fetchone()[0]
            ready, failed = conn.execute("SELECT count(*) FILTER (WHERE status = 'READY'), count(*) FILTER "
                                         "(WHERE status = 'FAILED') FROM django_tasks_database_dbtaskresult").fetchone()
            out.writerow([time.strftime("%H:%M:%S"), worker, rss_kib(worker) if worker else 0,
                          sum(rss_kib(p) for p in procs["scheduler"]), len(procs["web"]),
                          sum(rss_kib(p) for p in procs["web"]), conns, ready, failed])
            handle.flush()
            time.sleep(interval)


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 30)
