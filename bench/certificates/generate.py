"""Generate N certificates (default 5,000,000) in a PostgreSQL bench database with INSERT … SELECT generate_series.

Usage (from the worktree):
  createdb -h 127.0.0.1 -U postgres bench_certificates
  export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_certificates
  .venv/bin/python manage.py migrate -v0
  .venv/bin/python bench/certificates/generate.py 5000000

Validity starts are spread over the last 6.5 years, so every day about N/1100 certificates reach the end of a window;
statuses are those of yesterday (as if yesterday's sweep ran), and yesterday's reminders exist and are sent, so that
the measured sweep is a normal day's work, not a first run.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bureau.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from bureau.certificates import services  # noqa: E402
from bureau.certificates.models import CertificateType, SweepRun  # noqa: E402

REGIONS = ["140802", "140821", "140822", "140823", "140824", "140825", "140826", "140827", "140828", "140829",
           "140830", "140881", "140882", "140899"]


def main(total: int) -> None:
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    types = list(CertificateType.objects.order_by("id"))
    started = time.monotonic()
    with connection.cursor() as cursor:
        # load without constraints and secondary indexes, then rebuild them (much faster than row-by-row upkeep)
        cursor.execute("""SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
                          WHERE conrelid = 'certificates_certificate'::regclass AND contype IN ('u', 'f')""")
        constraints = cursor.fetchall()
        for name, _ in constraints:
            cursor.execute(f'ALTER TABLE certificates_certificate DROP CONSTRAINT "{name}"')
        cursor.execute("""SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'certificates_certificate'
                          AND indexname <> 'certificates_certificate_pkey'""")
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("ALTER TABLE certificates_certificate SET (autovacuum_enabled = false)")
        per_type = total // len(types)
        for n, ctype in enumerate(types):
            count = per_type if n < len(types) - 1 else total - per_type * (len(types) - 1)
            # valid_from spread over the last 6.5 years; the dates follow the type's rules
            review = ctype.review_interval_months
            window = ctype.review_window_days or 0
            if ctype.renew_rule == "within" or window:
                closes_expr = "vu"
            else:
                closes_expr = f"vu - {ctype.renew_ahead_days}"
            review_expr = (f"CASE WHEN (vf + interval '{review} months' - interval '1 day')::date < vu "
                           f"THEN (vf + interval '{review} months' - interval '1 day')::date END") if review else "NULL::date"
            sql = f"""
            INSERT INTO certificates_certificate (number, type_id, enterprise_id, region_id, holder_name,
                holder_id_number, holder_id_index, holder_phone, scope_text, issuing_authority, issued_on, valid_from,
                valid_until, next_review_due, status, review_extended, action_kind, action_due, verify_code,
                source_type, source_id, created_at, updated_at, version)
            SELECT 'B{ctype.pk}-' || g, {ctype.pk}, NULL, (ARRAY{REGIONS!r})[1 + mod(g, {len(REGIONS)})],
                   '持证人' || g, '', '', '', '', '运城市应急管理局', vf, vf, vu, rd,
                   CASE WHEN vu < %(y)s THEN 'expired'
                        WHEN rd IS NOT NULL AND rd < %(y)s THEN 'void'
                        WHEN rd IS NOT NULL AND rd - {window} <= %(y)s THEN 'due_for_review'
                        ELSE 'valid' END,
                   false,
                   CASE WHEN rd IS NOT NULL THEN 'periodic_review'
                        WHEN {1 if ctype.holder_kind == 'person' else 0} = 1 THEN 'renewal' ELSE 'extension' END,
                   COALESCE(rd, {closes_expr}),
                   md5(random()::text || g::text), '', '', now(), now(), 0
            FROM (
              SELECT g, vf, (vf + interval '{ctype.validity_months} months' - interval '1 day')::date AS vu
              FROM (SELECT g, (%(today)s::date - (random() * 2400)::int) AS vf
                    FROM generate_series(1, {count}) AS g) s0
            ) s1, LATERAL (SELECT {review_expr} AS rd) r
            """
            cursor.execute(sql, {"y": yesterday, "today": today})
            print(f"  {ctype.code}: {count:,} rows ({time.monotonic() - started:.0f} s)", flush=True)
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for _, definition in indexes:
            cursor.execute(definition)
        for name, definition in constraints:
            cursor.execute(f'ALTER TABLE certificates_certificate ADD CONSTRAINT "{name}" {definition}')
        print(f"  indexes and constraints rebuilt ({time.monotonic() - started:.0f} s)", flush=True)
        cursor.execute("ALTER TABLE certificates_certificate SET (autovacuum_enabled = true)")
        cursor.execute("VACUUM ANALYZE certificates_certificate")
    # yesterday's run: its reminder slots exist and were delivered
    created = services.generate_reminders(yesterday)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE certificates_reminder SET status = 'sent', sent_at = now() WHERE status = 'pending'")
        cursor.execute("VACUUM ANALYZE certificates_reminder")
    # yesterday's run is finished and started after these rows were written (as if they had been there for years)
    SweepRun.objects.update_or_create(day=yesterday, defaults={"started_at": timezone.now(),
                                                                "finished_at": timezone.now()})
    print(f"done: {total:,} certificates, {created:,} reminders of yesterday, {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5_000_000)
