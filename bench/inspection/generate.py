"""Generate the benchmark volume on PostgreSQL: 1,000,000 enterprises (all supervised by the city bureau this year),
10 certified city inspectors and a leader, and an annual plan holding 200,000 key enterprises.

Run with DATABASE_URL pointing at a migrated bench database:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_inspection .venv/bin/python bench/inspection/generate.py
"""

from __future__ import annotations

import os
import sys
import time

sys.path[:0] = ["src", "."]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bureau.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

ENTERPRISES = int(os.environ.get("BENCH_ENTERPRISES", "1000000"))
PLAN_ENTRIES = int(os.environ.get("BENCH_PLAN_ENTRIES", "200000"))


def main() -> None:
    from bureau.accounts.models import Organisation, OrganisationKind, Role, User
    from bureau.inspection import services as S

    year = timezone.localdate().year
    started = time.perf_counter()
    city, _ = Organisation.objects.get_or_create(code="YC-CITY", defaults={
        "name": "运城市应急管理局", "kind": OrganisationKind.CITY_BUREAU, "region_id": "140800"})
    inspector = Role.objects.get(code="inspector")
    leader = Role.objects.get(code="leader")
    for n in range(10):
        u, made = User.objects.get_or_create(username=f"bench_inspector{n}", defaults={
            "real_name": f"执法{n}", "organisation": city, "enforcement_id": f"1408{n:06d}"})
        if made:
            u.roles.set([inspector])
    u, made = User.objects.get_or_create(username="bench_leader", defaults={"real_name": "分管", "organisation": city})
    if made:
        u.roles.set([leader])
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM enterprises_enterprise")
        if cur.fetchone()[0] < ENTERPRISES:
            cur.execute("""
                INSERT INTO enterprises_enterprise (uscc, name, region_id, address, industry, business_scope,
                    legal_representative, legal_rep_id_number, contact_name, contact_phone, employees,
                    standardization_grade, credit_grade, is_key, status, checkin_token, created_at, updated_at)
                SELECT 'B' || lpad(i::text, 17, '0'), '基准企业' || i,
                       (ARRAY['140802','140821','140822','140823','140824','140825','140826','140827','140828',
                              '140829','140830','140881','140882'])[1 + i %% 13],
                       '', (ARRAY['coal','non_coal_mine','hazchem_production','hazchem_operation','hazchem_use',
                                  'metallurgy_trade','fireworks','gas_station'])[1 + i %% 8],
                       '', '张三', '', '', '', 10 + i %% 300,
                       (ARRAY['1','2','3','',''])[1 + i %% 5],
                       (ARRAY['A1','A2','B1','B2','B3','C1','D','','',''])[1 + i %% 10],
                       i <= %s, 'operating', md5('bench' || i::text), now(), now()
                FROM generate_series(1, %s) AS i
            """, [PLAN_ENTRIES, ENTERPRISES])
            cur.execute("""
                INSERT INTO enterprises_supervisionassignment (enterprise_id, year, level, organisation_id)
                SELECT id, %s, 'city', %s FROM enterprises_enterprise
                ON CONFLICT DO NOTHING
            """, [year, city.pk])
            cur.execute("ANALYZE")
    print(f"enterprises ready: {ENTERPRISES} ({time.perf_counter() - started:.1f} s)")

    from bureau.inspection.models import AnnualPlan

    if not AnnualPlan.objects.filter(organisation=city, year=year).exists():
        actor = User.objects.get(username="bench_inspector0")
        plan = S.plan_create(actor=actor, year=year, officers=2000)
        with connection.cursor() as cur:
            cur.execute("""
                INSERT INTO inspection_planentry (plan_id, enterprise_id, year, months, frequency, note)
                SELECT %s, id, %s, '[3]'::jsonb, 1, '' FROM enterprises_enterprise WHERE is_key
                ORDER BY id LIMIT %s
            """, [plan.pk, year, PLAN_ENTRIES])
            cur.execute("ANALYZE inspection_planentry")
    print(f"plan ready: {PLAN_ENTRIES} entries ({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
