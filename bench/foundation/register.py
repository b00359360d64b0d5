"""Benchmark: the enterprise register list and API over 1,000,000 enterprises (PostgreSQL).

    createdb -h 127.0.0.1 -U postgres bench_foundation
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_foundation
    .venv/bin/python manage.py migrate -v0
    .venv/bin/python bench/foundation/register.py generate 1000000
    .venv/bin/python bench/foundation/register.py measure

`generate` fills the register with INSERT … SELECT generate_series (valid-looking codes, 14 regions, 8 industries);
`measure` renders the register page and the API list as a county officer and a city officer through Django's test
client (the whole request: middleware, scope, query, template) and prints p50/p95 and throughput.
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

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bureau.accounts.models import Organisation, OrganisationKind, Role, User  # noqa: E402

REGIONS = ["140802", "140821", "140822", "140823", "140824", "140825", "140826", "140827", "140828", "140829",
           "140830", "140881", "140882", "140899"]
INDUSTRIES = ["coal", "non_coal_mine", "hazchem_production", "hazchem_operation", "hazchem_use", "metallurgy_trade",
              "fireworks", "gas_station"]


def generate(total: int) -> None:
    regions = "ARRAY[" + ",".join(f"'{r}'" for r in REGIONS) + "]"
    industries = "ARRAY[" + ",".join(f"'{i}'" for i in INDUSTRIES) + "]"
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM enterprises_enterprise")
        start = cursor.fetchone()[0]
        batch = 200_000
        for offset in range(start, total, batch):
            stop = min(total, offset + batch)
            cursor.execute(f"""
                INSERT INTO enterprises_enterprise (uscc, name, region_id, address, industry, business_scope,
                  legal_representative, legal_rep_id_number, contact_name, contact_phone, employees,
                  standardization_grade, credit_grade, is_key, status, checkin_token, created_at, updated_at)
                SELECT 'B' || lpad(g::text, 17, '0'), '基准测试企业' || g || '有限公司',
                  ({regions})[1 + g %% 14], '', ({industries})[1 + (g / 14) %% 8], '', '王五', '', '李四', '',
                  g %% 500, (ARRAY['1','2','3',''])[1 + g %% 4], (ARRAY['A1','B1','B2','C1',''])[1 + g %% 5],
                  g %% 9 = 0, 'operating', md5(g::text), now(), now()
                FROM generate_series(%s, %s) AS g
            """, [offset + 1, stop])
            print(f"  {stop:,} enterprises", flush=True)
        cursor.execute("ANALYZE enterprises_enterprise")


def _user(username: str, region: str) -> User:
    kind = OrganisationKind.CITY_BUREAU if region == "140800" else OrganisationKind.COUNTY_BUREAU
    org, _ = Organisation.objects.get_or_create(code=f"BENCH-{region}", defaults={
        "name": f"基准{region}", "kind": kind, "region_id": region})
    user, created = User.objects.get_or_create(username=username, defaults={"organisation": org})
    if created:
        user.roles.set(Role.objects.filter(code="inspector"))
    return user


def measure(rounds: int = 60) -> None:
    cases = [
        ("register page, county officer", "bench_county", "140821", "/enterprises/"),
        ("register page, county, industry filter", "bench_county", "140821", "/enterprises/?industry=coal"),
        ("register page, county, page 20", "bench_county", "140821", "/enterprises/?page=20"),
        ("register page, city officer", "bench_city", "140800", "/enterprises/"),
        ("register page, city, name search", "bench_city", "140800", "/enterprises/?q=基准测试企业99999"),
        ("API list, county officer", "bench_county", "140821", "/api/v1/enterprises?limit=50"),
        ("API detail, county officer", "bench_county", "140821", None),
    ]
    for label, username, region, path in cases:
        client = Client()
        client.force_login(_user(username, region), backend="bureau.accounts.backends.LockoutModelBackend")
        if path is None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT id FROM enterprises_enterprise WHERE region_id = %s LIMIT 1", [region])
                path = f"/api/v1/enterprises/{cursor.fetchone()[0]}"
        client.get(path)  # warm-up
        times = []
        started = time.perf_counter()
        for _ in range(rounds):
            t0 = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        elapsed = time.perf_counter() - started
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(f"| {label} | {statistics.median(times):.1f} | {p95:.1f} | {rounds / elapsed:.0f} |", flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "generate":
        generate(int(sys.argv[2]))
    else:
        measure()
