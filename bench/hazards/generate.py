"""Generate the benchmark volume for dual prevention on PostgreSQL: 20,000 enterprises, 1,000,000 hazards (states,
grades, sources and deadlines spread so that ~8 % are overdue) and 200,000 risk points, with INSERT … SELECT
generate_series (seconds, not hours). Also creates two officers: a city officer (sees all) and a county officer.

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_hazards .venv/bin/python bench/hazards/generate.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bureau.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from bureau.accounts.models import Organisation, OrganisationKind, Role, User  # noqa: E402

ENTERPRISES = int(os.environ.get("BENCH_ENTERPRISES", 20_000))
HAZARDS = int(os.environ.get("BENCH_HAZARDS", 1_000_000))
RISK_POINTS = int(os.environ.get("BENCH_RISK_POINTS", 200_000))
REGIONS = ["140802", "140821", "140822", "140823", "140824", "140825", "140826", "140827", "140828", "140829",
           "140830", "140881", "140882", "140899"]


def step(label: str, sql: str, params: list | None = None) -> None:
    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(sql, params or [])
        count = cur.rowcount
    print(f"{label:<28} {count:>10,} rows  {time.perf_counter() - started:6.1f} s", flush=True)


def main() -> None:
    regions = "ARRAY[" + ",".join(f"'{r}'" for r in REGIONS) + "]"
    with transaction.atomic():
        step("truncate", "TRUNCATE hazards_listingentry, hazards_listedsupervision, hazards_hazard, "
                         "hazards_riskpoint RESTART IDENTITY CASCADE")
        step("enterprises", f"""
            INSERT INTO enterprises_enterprise (uscc, name, address, industry, business_scope, legal_representative,
                legal_rep_id_number, contact_name, contact_phone, employees, standardization_grade, credit_grade,
                is_key, status, checkin_token, created_at, updated_at, region_id)
            SELECT 'B' || lpad(g::text, 17, '0'), '基准企业' || g || '有限公司', '',
                   (ARRAY['hazchem_production','hazchem_operation','metallurgy_trade','non_coal_mine'])[1 + g %% 4],
                   '', '张三', '', '', '', 20, '', '', g %% 10 = 0, 'operating', md5('bench' || g), now(), now(),
                   ({regions})[1 + g %% 14]
            FROM generate_series(1, %s) g
            ON CONFLICT (uscc) DO NOTHING""", [ENTERPRISES])
        with connection.cursor() as cur:
            cur.execute("SELECT min(id), count(*) FROM enterprises_enterprise WHERE uscc LIKE 'B%%'")
            first_id, n = cur.fetchone()
        # States: 15 % reported, 25 % rectifying, 10 % awaiting, 10 % accepted, 40 % closed. Deadlines from 90 days
        # ago to 60 days ahead: about a third of the open hazards are overdue.
        step("hazards", """
            INSERT INTO hazards_hazard (state, version, number, source, source_type, source_id, found_on, reported_at,
                title, description, location, grade, major_criterion, legal_basis, deadline, responsible_person,
                measures, contingency, enterprise_id, region_id, acceptance_note)
            SELECT (CASE WHEN g %% 20 < 3 THEN 'reported' WHEN g %% 20 < 8 THEN 'rectifying'
                         WHEN g %% 20 < 10 THEN 'awaiting_acceptance' WHEN g %% 20 < 12 THEN 'accepted'
                         ELSE 'closed' END),
                   0, 'BH' || lpad(g::text, 10, '0'),
                   (ARRAY['self_inspection','inspection','checkup','patrol'])[1 + g %% 4], '', '',
                   current_date - 100 - (g %% 300), now() - make_interval(days => 100 + g %% 300),
                   '基准隐患' || g, '', '', CASE WHEN g %% 97 = 0 THEN 'major' ELSE 'general' END,
                   CASE WHEN g %% 97 = 0 THEN '判定标准 第1条' ELSE '' END, '',
                   current_date - 90 + (g %% 151), '', '', '', e.id, e.region_id, ''
            FROM generate_series(1, %s) g
            JOIN enterprises_enterprise e ON e.id = %s + (g %% %s)""", [HAZARDS, first_id, n])
        step("risk points", """
            INSERT INTO hazards_riskpoint (name, hazard_source, accident_type, method, factor_l, factor_e, factor_c,
                score, level, controls, control_level, responsible_person, assessed_on, updated_at, enterprise_id,
                region_id)
            SELECT '风险点' || g, '危险源', '', 'lec', 3, 6, 15, 270,
                   (ARRAY['red','orange','yellow','yellow','blue','blue'])[1 + g %% 6], '', '', '', current_date, now(),
                   e.id, e.region_id
            FROM generate_series(1, %s) g
            JOIN enterprises_enterprise e ON e.id = %s + (g %% %s)""", [RISK_POINTS, first_id, n])
        city, _ = Organisation.objects.get_or_create(code="BENCH-CITY", defaults=dict(
            name="运城市应急管理局（基准）", kind=OrganisationKind.CITY_BUREAU, region_id="140800"))
        county, _ = Organisation.objects.get_or_create(code="BENCH-140802", defaults=dict(
            name="盐湖区应急管理局（基准）", kind=OrganisationKind.COUNTY_BUREAU, region_id="140802", parent=city))
        inspector = Role.objects.get(code="inspector")
        for username, org in (("bench_city", city), ("bench_county", county)):
            user, _ = User.objects.get_or_create(username=username, defaults={"organisation": org})
            user.roles.set([inspector])
    step("vacuum analyze", "VACUUM ANALYZE hazards_hazard, hazards_riskpoint, enterprises_enterprise")


if __name__ == "__main__":
    main()
