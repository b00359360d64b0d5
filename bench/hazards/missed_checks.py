"""The missed-check sweep over 1,000,000 scheduled checks on PostgreSQL (issue 16: ≤ 10 s).

`generate`: 20,000 enterprises (one enterprise user each), 50,000 risk points, 100,000 排查清单 lines (daily) and
1,000,000 scheduled checks — ten daily periods per line, from eight days ago to tomorrow — with INSERT … SELECT
generate_series. The eight past periods are 90 % checked in, 5 % already missed and 5 % still waiting (40,000 rows
the sweep has to mark: a sweep after some hours of outage); today's and tomorrow's 200,000 are open.

`measure`: runs `services.missed_check_sweep` (the job's own code: one set-based UPDATE over the partial index, then
the grouped messages) in three scenarios, each in a transaction that is rolled back so every run sees the same data:
  steady   nothing is due (the next sweep five minutes later): what each scheduled run costs
  typical  the 40,000 waiting past checks
  worst    every one of the 800,000 past checks still waiting (the scheduler was down for a week)
and the county's missed list (first page, scoped query) for a county officer. Prints p50 / p95 / max and rows/s.

`backlog`: the worst scenario committed as the job runs it (batches of whole enterprises, each its own commit):
every past check reset to waiting and committed, VACUUM ANALYZE, then the timed sweep; BENCH_RUNS times.

Run:
  createdb -h 127.0.0.1 -U postgres bench_risk
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_risk .venv/bin/python manage.py migrate -v0
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_risk .venv/bin/python bench/hazards/missed_checks.py generate
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_risk BENCH_RUNS=5 .venv/bin/python bench/hazards/missed_checks.py measure
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_risk BENCH_RUNS=2 .venv/bin/python bench/hazards/missed_checks.py backlog
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bureau.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bureau.accounts.models import Organisation, OrganisationKind, Role, User  # noqa: E402
from bureau.hazards import queries, services  # noqa: E402
from bureau.hazards.models import ScheduledCheck  # noqa: E402

ENTERPRISES = int(os.environ.get("BENCH_ENTERPRISES", 20_000))
RISK_POINTS = int(os.environ.get("BENCH_RISK_POINTS", 50_000))
ITEMS = int(os.environ.get("BENCH_ITEMS", 100_000))
PERIODS = 10  # per item: ITEMS × PERIODS scheduled checks
RUNS = int(os.environ.get("BENCH_RUNS", 5))
REGIONS = ["140802", "140821", "140822", "140823", "140824", "140825", "140826", "140827", "140828", "140829",
           "140830", "140881", "140882", "140899"]


def step(label: str, sql: str, params: list | None = None) -> None:
    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(sql, params or [])
        count = cur.rowcount
    print(f"{label:<28} {count:>10,} rows  {time.perf_counter() - started:6.1f} s", flush=True)


def generate() -> None:
    regions = "ARRAY[" + ",".join(f"'{r}'" for r in REGIONS) + "]"
    today = timezone.localdate()
    midnight = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    with transaction.atomic():
        step("truncate", "TRUNCATE hazards_scheduledcheck, hazards_checkitem, hazards_riskpointplacement, "
                         "hazards_siteplan, hazards_riskpoint RESTART IDENTITY CASCADE")
        step("enterprises", f"""
            INSERT INTO enterprises_enterprise (uscc, name, address, industry, business_scope, legal_representative,
                legal_rep_id_number, contact_name, contact_phone, employees, standardization_grade, credit_grade,
                is_key, status, checkin_token, created_at, updated_at, region_id, sub_sector)
            SELECT 'B' || lpad(g::text, 17, '0'), '基准企业' || g || '有限公司', '',
                   (ARRAY['hazchem_production','hazchem_operation','metallurgy_trade','non_coal_mine'])[1 + g %% 4],
                   '', '张三', '', '', '', 20, '', '', g %% 10 = 0, 'operating', md5('bench' || g), now(), now(),
                   ({regions})[1 + g %% 14], ''
            FROM generate_series(1, %s) g
            ON CONFLICT (uscc) DO NOTHING""", [ENTERPRISES])
        with connection.cursor() as cur:
            cur.execute("SELECT min(id), count(*) FROM enterprises_enterprise WHERE uscc LIKE 'B%%'")
            first_id, n = cur.fetchone()
        existing = set(User.objects.filter(username__startswith="bench_ent_").values_list("username", flat=True))
        started = time.perf_counter()
        User.objects.bulk_create([User(username=f"bench_ent_{eid}", enterprise_id=eid, password="!")
                                  for eid in range(first_id, first_id + n) if f"bench_ent_{eid}" not in existing],
                                 batch_size=5000)
        print(f"{'enterprise users':<28} {n:>10,} rows  {time.perf_counter() - started:6.1f} s", flush=True)
        step("risk points", """
            INSERT INTO hazards_riskpoint (name, hazard_source, accident_type, method, factor_l, factor_e, factor_c,
                score, level, controls, control_level, responsible_person, assessed_on, updated_at, enterprise_id,
                region_id)
            SELECT '风险点' || g, '危险源', '', 'lec', 3, 6, 15, 270,
                   (ARRAY['red','orange','yellow','yellow','blue','blue'])[1 + g %% 6], '', '', '', current_date, now(),
                   e.id, e.region_id
            FROM generate_series(1, %s) g
            JOIN enterprises_enterprise e ON e.id = %s + (g %% %s)""", [RISK_POINTS, first_id, n])
        step("check items", """
            INSERT INTO hazards_checkitem (content, standard, post, responsible_person, active, scheduled_until,
                created_at, updated_at, frequency_id, risk_point_id, enterprise_id, region_id)
            SELECT '排查内容' || g, '', '操作工', '王建国', true, %s, now(), now(),
                   (SELECT id FROM hazards_checkfrequency WHERE code = 'daily'), r.id, r.enterprise_id, r.region_id
            FROM generate_series(1, %s) g
            JOIN hazards_riskpoint r ON r.id = 1 + (g %% %s)""",
             [midnight + dt.timedelta(days=2), ITEMS, RISK_POINTS])
        # period k of each item: [midnight - 8 + k days, +1 day); the past ones (k < 8) 90 % done, 5 % missed,
        # 5 % waiting for the sweep
        step("scheduled checks", """
            INSERT INTO hazards_scheduledcheck (item_id, risk_point_id, enterprise_id, region_id, window_start,
                due_at, missed_after, state, done_at, done_by_id, result, note, hazard_id, missed_at)
            SELECT i.id, i.risk_point_id, i.enterprise_id, i.region_id,
                   %s::timestamptz + make_interval(days => k - 8), %s::timestamptz + make_interval(days => k - 7),
                   %s::timestamptz + make_interval(days => k - 7),
                   CASE WHEN k >= 8 THEN 'scheduled' WHEN (i.id + k) %% 20 = 0 THEN 'scheduled'
                        WHEN (i.id + k) %% 20 = 1 THEN 'missed' ELSE 'done' END,
                   CASE WHEN k < 8 AND (i.id + k) %% 20 > 1
                        THEN %s::timestamptz + make_interval(days => k - 8, hours => 9) END,
                   NULL, CASE WHEN k < 8 AND (i.id + k) %% 20 > 1 THEN 'normal' ELSE '' END, '', NULL,
                   CASE WHEN k < 8 AND (i.id + k) %% 20 = 1
                        THEN %s::timestamptz + make_interval(days => k - 7, mins => 5) END
            FROM hazards_checkitem i CROSS JOIN generate_series(0, %s) k""",
             [midnight, midnight, midnight, midnight, midnight, PERIODS - 1])
        city, _ = Organisation.objects.get_or_create(code="BENCH-CITY", defaults=dict(
            name="运城市应急管理局（基准）", kind=OrganisationKind.CITY_BUREAU, region_id="140800"))
        county, _ = Organisation.objects.get_or_create(code="BENCH-140802", defaults=dict(
            name="盐湖区应急管理局（基准）", kind=OrganisationKind.COUNTY_BUREAU, region_id="140802", parent=city))
        inspector = Role.objects.get(code="inspector")
        enterprise_role = Role.objects.get(code="enterprise")
        for username, org in (("bench_city", city), ("bench_county", county)):
            user, _ = User.objects.get_or_create(username=username, defaults={"organisation": org})
            user.roles.set([inspector])
        through = User.roles.through
        through.objects.bulk_create([through(user_id=pk, role_id=enterprise_role.pk) for pk in User.objects.filter(
            username__startswith="bench_ent_").exclude(roles=enterprise_role).values_list("pk", flat=True)],
            batch_size=5000)
    step("vacuum analyze", "VACUUM ANALYZE hazards_scheduledcheck, hazards_checkitem, hazards_riskpoint")
    print(f"scheduled checks: {ScheduledCheck.objects.count():,}; waiting past their period: "
          f"{ScheduledCheck.objects.filter(state='scheduled', missed_after__lte=timezone.now()).count():,}")


class Rollback(Exception):
    pass


def timed(label: str, prepare: Callable[[], None], run: Callable[[], int]) -> None:
    times, marked = [], 0
    for _ in range(RUNS):
        try:
            with transaction.atomic():
                prepare()
                started = time.perf_counter()
                marked = run()
                times.append(time.perf_counter() - started)
                raise Rollback
        except Rollback:
            pass
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    rate = marked / statistics.median(times) if marked else 0
    print(f"{label:<44} rows {marked:>8,}  p50 {statistics.median(times) * 1000:9.1f} ms  p95 {p95 * 1000:9.1f} ms  "
          f"max {times[-1] * 1000:9.1f} ms  {rate:>10,.0f} rows/s", flush=True)


def measure() -> None:
    now = timezone.now()
    total = ScheduledCheck.objects.count()
    print(f"{total:,} scheduled checks; runs per scenario: {RUNS}; each run rolled back")

    def nothing() -> None:
        return None

    def all_past_waiting() -> None:
        ScheduledCheck.objects.filter(missed_after__lte=now).update(state="scheduled", missed_at=None, done_at=None)

    timed("sweep, steady state (nothing due)", lambda: ScheduledCheck.objects.filter(
        state="scheduled", missed_after__lte=now).update(state="missed", missed_at=now),
        lambda: services.missed_check_sweep(now=now))
    timed("sweep, typical (past checks still waiting)", nothing, lambda: services.missed_check_sweep(now=now))
    timed("sweep, worst (every past check waiting)", all_past_waiting, lambda: services.missed_check_sweep(now=now))
    county = User.objects.get(username="bench_county")
    city = User.objects.get(username="bench_city")
    for who, user in (("county", county), ("city", city)):
        timed(f"missed list, first page (50), {who}", nothing,
              lambda user=user: len(list(queries.missed_checks(user, {})[:50])))
    enterprise_user = User.objects.filter(username__startswith="bench_ent_").order_by("pk").first()
    timed("open checks of one enterprise (its phone list)", nothing,
          lambda: len(list(queries.checks(enterprise_user, {"state": "open"})[:50])))
    with connection.cursor() as cur:
        cur.execute("EXPLAIN UPDATE hazards_scheduledcheck SET state = 'missed', missed_at = now() "
                    "WHERE state = 'scheduled' AND missed_after <= now()")
        print("plan of the sweep's UPDATE:\n  " + "\n  ".join(row[0] for row in cur.fetchall()))


def backlog() -> None:
    """The worst backlog as it really runs: every past check waiting (reset and committed, then VACUUM ANALYZE, as
    autovacuum would leave it), then the sweep with its own commits per batch. Restores nothing: run `generate`
    again for the original mix (the other scenarios do not depend on it: they reset in their transaction)."""
    now = timezone.now()
    for _ in range(RUNS):
        with transaction.atomic():
            ScheduledCheck.objects.filter(missed_after__lte=now).update(state="scheduled", missed_at=None, done_at=None)
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE hazards_scheduledcheck")
        started = time.perf_counter()
        marked = services.missed_check_sweep(now=now)
        took = time.perf_counter() - started
        print(f"sweep, worst, committed batches               rows {marked:>8,}  {took * 1000:9.1f} ms  "
              f"{marked / took:>10,.0f} rows/s  load {open('/proc/loadavg').read().split()[0]}", flush=True)


if __name__ == "__main__":
    {"generate": generate, "measure": measure, "backlog": backlog}[sys.argv[1] if len(sys.argv) > 1 else "measure"]()
