"""Measure the penalties reads on the generated data: p50/p95 and throughput of the scoped case lists (UI query,
county and city scope, filters, enterprise view), the API list and the discretion engine.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_penalties .venv/bin/python bench/penalties/measure.py
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bureau.settings")

import django  # noqa: E402

django.setup()

from django.http import QueryDict  # noqa: E402
from timing import timed  # noqa: E402  (bench/penalties/timing.py, beside this script)


def main() -> None:
    from bureau.accounts.models import User
    from bureau.kernel.paging import paginate
    from bureau.penalties import queries, services
    from bureau.penalties.models import Case

    print(f"cases: {Case.objects.count():,}")
    county = User.objects.get(username="yanhu_inspector")
    city = User.objects.get(username="city_inspector")
    company = User.objects.get(username="qiye")

    def page(user, query=""):  # type: ignore[no-untyped-def]
        def run() -> None:
            qd = QueryDict(query)
            paginate(queries.case_list(user, qd), qd)
        return run

    timed("list, county inspector, page 1", page(county))
    timed("list, county inspector, page 20", page(county, "page=20"))
    timed("list, city, page 1", page(city))
    timed("list, city, state=notified", page(city, "state=notified"))
    timed("list, city, overdue", page(city, "overdue=1"))
    timed("list, city, exempt", page(city, "exempt=1"))
    timed("list, city, search by number", page(city, "q=BENCH〔2024〕0012"), runs=50)
    timed("list, enterprise user", page(company))
    timed("detail get_case_for (county)", lambda: queries.get_case_for(
        county, Case.objects.restrict(county).values_list("pk", flat=True).first()))
    timed("engine proposal (AQSCF-97-7, 1 人次, DB rows)", lambda: services.proposal_compute(
        violation_code="AQSCF-97-7", quantity=1, circumstances=["corrected_in_time"]), runs=500)
    from django.test import Client

    client = Client()
    client.force_login(city)
    timed("API GET /api/v1/penalties/cases (city)", lambda: client.get("/api/v1/penalties/cases?limit=50"), runs=100)
    timed("HTML GET /penalties/ (city)", lambda: client.get("/penalties/"), runs=100)


if __name__ == "__main__":
    main()
