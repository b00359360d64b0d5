"""What the permission check costs per request (issue 13): a list page and an API list at 1,000,000 applications,
measured with the code before the authority mechanism and after it, on the same database.

    # once: the bench database of bench/licensing (migrate, demo_load, generate.py 1000000)
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_authority
    BUREAU_SRC=/path/to/checkout/src .venv/bin/python bench/authority/measure.py   # one tree
    bench/authority/compare.sh /path/to/before /path/to/after                      # both, interleaved

Prints p50/p95 (ms) and throughput per page (one client, sequential requests, warm), then the in-process cost of
the checks themselves (restrict, sees, actions_for) when the tree has them.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, os.environ.get("BUREAU_SRC") or str(Path(__file__).resolve().parents[2] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bureau.settings")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

from bureau.accounts.models import User  # noqa: E402
from bureau.licensing.models import Application  # noqa: E402

RUNS = int(os.environ.get("RUNS", "150"))


def timed(call, runs: int = RUNS) -> tuple[float, float, float]:
    for _ in range(5):
        call()
    times = []
    begin = time.perf_counter()
    for _ in range(runs):
        t = time.perf_counter()
        call()
        times.append((time.perf_counter() - t) * 1000)
    elapsed = time.perf_counter() - begin
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], runs / elapsed


def page(client: Client, url: str):
    def call() -> None:
        assert client.get(url).status_code == 200, url
    return call


def main() -> None:
    officer = User.objects.get(username="city_licensing")
    county = User.objects.filter(organisation__kind="county", roles__code="licensing_officer").first() or officer
    app = Application.objects.filter(level="city", state="review").order_by("-id").first()
    clients = {}
    for name, user in (("city", officer), ("county", county)):
        clients[name] = Client()
        clients[name].force_login(user, backend="bureau.accounts.backends.LockoutModelBackend")
    rows = [
        ("officer queue page (city)", page(clients["city"], "/licensing/queue/")),
        ("officer queue API (city)", page(clients["city"], "/api/v1/licensing/applications?view=queue")),
        ("all applications API (county)", page(clients["county"], "/api/v1/licensing/applications")),
        ("application detail (city)", page(clients["city"], f"/licensing/{app.pk}/")),
    ]
    for label, call in rows:
        p50, p95, rate = timed(call)
        print(f"{label:<34} p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  {rate:6.1f} req/s")
    try:
        from bureau.accounts.authority import actions_for, sees
    except ImportError:
        return
    officer = User.objects.select_related("organisation").get(pk=officer.pk)

    def build() -> None:
        str(Application.objects.restrict(county).query)

    checks = [("restrict(): build the filtered query", build),
              ("sees(): one record (indexed query)", lambda: sees(officer, app)),
              ("actions_for(): the page's buttons", lambda: actions_for(officer, app))]
    for label, call in checks:
        p50, p95, _rate = timed(call, 500)
        print(f"{label:<34} p50 {p50:6.3f} ms  p95 {p95:6.3f} ms")


if __name__ == "__main__":
    main()
