"""What one request of each benchmark page costs the web process, measured in a way the machine's load does not change:
CPU time of the process and (under valgrind) the number of instructions it executes, plus the SQL time and queries.

The pages are served in process by Django's WSGI handler (`bureau.wsgi.application`: every middleware, the view,
the template, the response; what gunicorn calls, without the HTTP parsing), with the session cookie of a demo
account signed in as a sign-in does it (database session, second factor done). No HTTP server, no network.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_perf    # after bench/web/prepare.sh
    .venv/bin/python bench/web/inprocess.py                # CPU ms per request (mean of RUNS), SQL ms, queries
    .venv/bin/python bench/web/inprocess.py --instructions # the same pages under valgrind: instructions per request
    PROFILE=queue_page .venv/bin/python bench/web/inprocess.py   # cProfile of RUNS requests of one page

RUNS (default 200; 20 with --instructions) requests per page after WARMUP (default 10) requests that fill the
process's caches (menu, role names, the calendar's tables, compiled templates). PAGES="floor queue_page" limits the
pages. BUREAU_SRC=/path/to/other/checkout/src measures another tree on the same database (before/after).
With --instructions the script runs itself under `valgrind --tool=callgrind` (PYTHONHASHSEED=0): the counts cover
only the measured requests. A two-function helper built with the C compiler from valgrind's callgrind.h (into
CALLGRIND_DIR) switches callgrind's instrumentation on and zeroes the counters before them, and dumps the counts and
switches it off after them, so start-up and warm-up run at valgrind's uninstrumented speed and are left out. Each page's
callgrind file stays in CALLGRIND_DIR (default var/callgrind/) for `callgrind_annotate`. Instructions count the web process only (Python,
the C libraries, libpq), not PostgreSQL's work; the SQL column is the wall time of the driver calls.
"""

from __future__ import annotations

import cProfile
import ctypes
import importlib.util
import io
import os
import pstats
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, os.environ.get("BUREAU_SRC") or str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bureau.settings")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_perf")
os.environ.setdefault("DB_CONN_MAX_AGE", "600")  # one connection kept, as the benchmark's gunicorn keeps it
os.environ.setdefault("DEBUG", "0")

UNDER_VALGRIND = os.environ.get("INPROCESS_CALLGRIND") == "1"
RUNS = int(os.environ.get("RUNS", "20" if UNDER_VALGRIND or "--instructions" in sys.argv else "200"))
WARMUP = int(os.environ.get("WARMUP", "10"))
CALLGRIND_DIR = Path(os.environ.get("CALLGRIND_DIR") or ROOT / "var" / "callgrind")


MARKS_C = """#include <valgrind/callgrind.h>
void marks_start(void) { CALLGRIND_START_INSTRUMENTATION; CALLGRIND_ZERO_STATS; }
void marks_stop(void) { CALLGRIND_DUMP_STATS; CALLGRIND_STOP_INSTRUMENTATION; }
"""


def instructions() -> None:
    """Run this script under callgrind and print instructions per request for each page."""
    CALLGRIND_DIR.mkdir(parents=True, exist_ok=True)
    for old in CALLGRIND_DIR.glob("inprocess.out*"):
        old.unlink()
    out = CALLGRIND_DIR / "inprocess.out"
    source = CALLGRIND_DIR / "marks.c"
    source.write_text(MARKS_C, encoding="utf-8")
    subprocess.run(["cc", "-O1", "-shared", "-fPIC", "-o", str(CALLGRIND_DIR / "marks.so"), str(source)], check=True)
    env = {**os.environ, "INPROCESS_CALLGRIND": "1", "PYTHONHASHSEED": "0", "RUNS": str(RUNS)}
    command = ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
               sys.executable, __file__]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    labels = [line.split("\t")[1:] for line in result.stdout.splitlines() if line.startswith("PAGE\t")]
    if result.returncode != 0 or not labels:
        sys.exit(result.stdout + result.stderr[-3000:])
    print(f"instructions per request: callgrind, {RUNS} requests per page after {WARMUP} warm-ups")
    print("| page | instructions per request (millions) |\n|---|---|")
    for n, (name, label) in enumerate(labels, start=1):
        dump = Path(f"{out}.{n}")
        summary = re.search(r"^summary: (\d+)", dump.read_text(encoding="utf-8", errors="replace"), re.M)
        assert summary is not None, dump
        target = CALLGRIND_DIR / f"inprocess.{name}.out"
        dump.replace(target)
        print(f"| {label} | {int(summary.group(1)) / RUNS / 1e6:.2f} |", flush=True)


if "--instructions" in sys.argv and not UNDER_VALGRIND:
    instructions()
    sys.exit(0)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection  # noqa: E402
from django.middleware.csrf import CSRF_ALLOWED_CHARS  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402

from bureau.accounts.models import User  # noqa: E402
from bureau.certificates.models import Certificate  # noqa: E402
from bureau.licensing.models import Application  # noqa: E402
from bureau.wsgi import application  # noqa: E402

# The execute wrapper of this checkout's kernel/timing.py, loaded by path: BUREAU_SRC may name an older tree
_spec = importlib.util.spec_from_file_location("bench_timing", ROOT / "src" / "bureau" / "kernel" / "timing.py")
assert _spec is not None and _spec.loader is not None
_timing = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_timing)
SqlTimer = _timing.SqlTimer


def session_cookie(username: str) -> str:
    """The session a sign-in makes (as bench/soak/sessions.py), valid for a day so that a long run does not expire, and
    the CSRF cookie a browser keeps once a page with a form set it (as bench/web/sessions.py sends them to wrk)."""
    user = User.objects.get(username=username)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "bureau.accounts.backends.LockoutModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store["otp_verified"] = True
    store.set_expiry(24 * 3600)
    store.save()
    csrf = get_random_string(32, CSRF_ALLOWED_CHARS)
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"


def pages() -> list[tuple[str, str, str, str]]:
    """(name, label, cookie, path), the names of bench/web/sessions.py (the wrk pages)."""
    officer, firm = session_cookie("city_licensing"), session_cookie("qiye")
    inspector = session_cookie("city_inspector")
    qiye = User.objects.get(username="qiye")
    app = Application.objects.filter(level="city", state="review").order_by("-id").first()
    own = Application.objects.filter(enterprise_id=qiye.enterprise_id).order_by("-id").first()
    code = Certificate.objects.order_by("id").values_list("verify_code", flat=True).first()
    assert app is not None and own is not None and code is not None
    rows = [
        ("healthz", "/healthz (framework floor)", "", "/healthz"),
        ("portal_home", "portal home (public)", "", "/portal/"),
        ("progress_form", "progress lookup form (public)", "", "/licensing/progress/"),
        ("law_search", "law search (public)", "", "/portal/laws/?q=%E5%AE%89%E5%85%A8"),
        ("petition_form", "petition lookup form (public)", "", "/petitions/lookup/"),
        ("verify", "certificate verification (public)", "", f"/certificates/verify/{code}/"),
        ("floor", "logged-in floor /licensing/items/", officer, "/licensing/items/"),
        ("queue_page", "officer queue page /licensing/queue/", officer, "/licensing/queue/"),
        ("queue_api", "officer queue API", officer, "/api/v1/licensing/applications?view=queue"),
        ("detail", "application detail (officer)", officer, f"/licensing/{app.pk}/"),
        ("hazards", "hazards list (inspector)", inspector, "/hazards/"),
        ("register", "enterprise register (inspector)", inspector, "/enterprises/"),
        ("mine", "enterprise: my applications", firm, "/licensing/mine/"),
        ("workbench", "enterprise: workbench /", firm, "/"),
        ("own_register", "enterprise: own register page", firm, f"/enterprises/{qiye.enterprise_id}/"),
        ("own_detail", "enterprise: application detail", firm, f"/licensing/{own.pk}/"),
    ]
    wanted = os.environ.get("PAGES", "").split()
    return [r for r in rows if not wanted or r[0] in wanted]


def _start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
    _start_response.status = status  # type: ignore[attr-defined]


def environ_for(cookie: str, path: str) -> dict[str, Any]:
    route, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": route, "QUERY_STRING": query, "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8098", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1:8098", "HTTP_ACCEPT": "text/html,application/json", "HTTP_USER_AGENT": "inprocess",
        "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr,
        "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
    }
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    return environ


def get(cookie: str, path: str) -> bytes:
    """One request through the WSGI application, as gunicorn makes it (a fresh environ, the body read, closed)."""
    result = application(environ_for(cookie, path), _start_response)
    try:
        body = b"".join(result)
    finally:
        result.close()
    status = _start_response.status  # type: ignore[attr-defined]
    assert status.startswith("200"), (path, status)
    return body


def measure(cookie: str, path: str) -> tuple[float, float, float, float, float]:
    """Mean CPU ms of the process per request (RUNS requests, one clock reading around all), the least CPU ms of one
    request, and the medians of SQL ms, wall ms and queries."""
    for _ in range(WARMUP):
        get(cookie, path)
    timer = SqlTimer()
    sqls, walls, counts, cpus = [], [], [], []
    with connection.execute_wrapper(timer):
        for _ in range(RUNS):
            timer.seconds, timer.count = 0.0, 0
            wall, cpu = time.perf_counter(), time.process_time()
            get(cookie, path)
            cpus.append(time.process_time() - cpu)
            walls.append(time.perf_counter() - wall)
            sqls.append(timer.seconds)
            counts.append(timer.count)
    return (sum(cpus) / RUNS * 1000, min(cpus) * 1000, statistics.median(sqls) * 1000,
            statistics.median(walls) * 1000, statistics.median(counts))


def counted(cookie: str, path: str) -> None:
    """Under callgrind: warm up, then the measured requests between the two marker calls."""
    marks = ctypes.CDLL(str(CALLGRIND_DIR / "marks.so"))
    for _ in range(WARMUP):
        get(cookie, path)
    marks.marks_start()
    for _ in range(RUNS):
        get(cookie, path)
    marks.marks_stop()


def profile(name: str, rows: list[tuple[str, str, str, str]]) -> None:
    _, label, cookie, path = next(r for r in rows if r[0] == name or r[3] == name)
    for _ in range(WARMUP):
        get(cookie, path)
    profiler = cProfile.Profile(time.process_time)  # CPU time of this process: waiting for the database is left out
    profiler.enable()
    for _ in range(RUNS):
        get(cookie, path)
    profiler.disable()
    print(f"cProfile (process CPU time) of {RUNS} requests: {label} {path}")
    stats = pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "cumulative"))
    stats.print_stats(int(os.environ.get("LINES", "60")))


def main() -> None:
    rows = pages()
    if UNDER_VALGRIND:
        for name, label, cookie, path in rows:
            counted(cookie, path)
            print(f"PAGE\t{name}\t{label}", flush=True)
        return
    if os.environ.get("PROFILE"):
        profile(os.environ["PROFILE"], rows)
        return
    count = connection.cursor()
    count.execute("SELECT count(*) FROM licensing_application")
    total = count.fetchone()[0]
    print(f"date {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC | nproc {os.cpu_count()} | load "
          f"{' '.join(Path('/proc/loadavg').read_text().split()[:3])} | applications {total:,} | "
          f"{RUNS} requests per page after {WARMUP} warm-ups | src {sys.path[0]}")
    print("| page | CPU ms per request (mean) | CPU ms (least) | SQL ms (median) | wall ms (median) | queries |")
    print("|---|---|---|---|---|---|")
    for _name, label, cookie, path in rows:
        cpu, least, sql, wall, queries = measure(cookie, path)
        print(f"| {label} | {cpu:.2f} | {least:.2f} | {sql:.2f} | {wall:.2f} | {queries:.0f} |", flush=True)


if __name__ == "__main__":
    main()
