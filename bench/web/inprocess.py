"""In-process cost of the pages of the web benchmark: total, SQL and Python (total − SQL) per request, and the
number of queries, with the Django test client against the database of DATABASE_URL (no HTTP server, no network).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bureau_bench
    .venv/bin/python bench/web/inprocess.py                 # the table (RUNS requests per page, median)
    PROFILE=/licensing/queue/ .venv/bin/python bench/web/inprocess.py   # cProfile of RUNS requests of one page

BUREAU_SRC=/path/to/other/checkout/src measures another tree on the same database (before/after).
The signed-in users are the demo accounts (bench/web/sessions.py signs them in the same way for wrk).
"""

from __future__ import annotations

import cProfile
import importlib.util
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, os.environ.get("BUREAU_SRC") or str(Path(__file__).resolve().parents[2] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bureau.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bureau.accounts.models import User  # noqa: E402
from bureau.licensing.models import Application  # noqa: E402

RUNS = int(os.environ.get("RUNS", "100"))


# The execute wrapper of this checkout's kernel/timing.py, loaded by path: BUREAU_SRC may name an older tree
_spec = importlib.util.spec_from_file_location(
    "bench_timing", Path(__file__).resolve().parents[2] / "src" / "bureau" / "kernel" / "timing.py")
assert _spec is not None and _spec.loader is not None
_timing = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_timing)
SqlTimer = _timing.SqlTimer


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username), backend="bureau.accounts.backends.LockoutModelBackend")
    session = client.session
    session["otp_verified"] = True
    session.save()
    return client


def pages() -> list[tuple[str, Client, str]]:
    officer, firm, anonymous = signed_in("city_licensing"), signed_in("qiye"), Client()
    qiye = User.objects.get(username="qiye")
    app = Application.objects.filter(level="city", state="review").order_by("-id").first()
    own = Application.objects.filter(enterprise_id=qiye.enterprise_id).order_by("-id").first()
    assert app is not None and own is not None
    return [
        ("/healthz (framework floor)", anonymous, "/healthz"),
        ("portal home (public)", anonymous, "/portal/"),
        ("progress look-up form (public)", anonymous, "/licensing/progress/"),
        ("logged-in floor /licensing/items/", officer, "/licensing/items/"),
        ("officer queue page", officer, "/licensing/queue/"),
        ("officer queue API", officer, "/api/v1/licensing/applications?view=queue"),
        ("application detail (officer)", officer, f"/licensing/{app.pk}/"),
        ("enterprise my applications", firm, "/licensing/mine/"),
        ("enterprise workbench", firm, "/"),
        ("application detail (enterprise)", firm, f"/licensing/{own.pk}/"),
    ]


def measure(client: Client, url: str) -> tuple[float, float, float, float]:
    """Medians of wall time, SQL wall time and the number of queries, and the least CPU time the process itself spent
    on one request: on a busy machine that is the steadier figure for the Python part (it counts neither waiting for
    a core nor the database)."""
    timer = SqlTimer()
    totals, sqls, cpus, counts = [], [], [], []
    with connection.execute_wrapper(timer):
        for i in range(RUNS + 5):
            timer.seconds, timer.count = 0.0, 0
            started, cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            assert response.status_code == 200, (url, response.status_code)
            if i >= 5:
                totals.append(elapsed * 1000)
                sqls.append(timer.seconds * 1000)
                cpus.append(cpu * 1000)
                counts.append(timer.count)
    return statistics.median(totals), statistics.median(sqls), min(cpus), statistics.median(counts)


def main() -> None:
    rows = pages()
    target = os.environ.get("PROFILE")
    if target:
        label, client, url = next(r for r in rows if r[2] == target)
        for _ in range(5):
            client.get(url)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(RUNS):
            client.get(url)
        profiler.disable()
        stats = pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "cumulative"))
        stats.print_stats(int(os.environ.get("LINES", "60")))
        return
    print("| page | total ms | SQL ms | total − SQL ms | process CPU ms (least) | queries |\n|---|---|---|---|---|---|")
    for label, client, url in rows:
        total, sql, cpu, count = measure(client, url)
        print(f"| {label} | {total:.2f} | {sql:.2f} | {total - sql:.2f} | {cpu:.2f} | {count:.0f} |", flush=True)


if __name__ == "__main__":
    main()
