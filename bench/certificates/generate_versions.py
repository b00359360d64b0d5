"""Generate N certificates (default 5,000,000) with their versions in a PostgreSQL bench database (issue 15).

Usage (from the worktree; the database is dropped afterwards):
  createdb -h 127.0.0.1 -U postgres bench_lic
  export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_lic
  .venv/bin/python manage.py migrate -v0
  .venv/bin/python bench/certificates/generate_versions.py 5000000
  .venv/bin/python bench/certificates/measure_lifecycle.py
  sh bench/certificates/run_verify.sh versions     # wrk against gunicorn, codes drawn from every version
  dropdb -h 127.0.0.1 -U postgres bench_lic

Shape: N/5 enterprises; each holds two licence kinds (held: valid or suspended) and had one earlier licence that
ended (expired); the rest of N are personal certificates. One held licence in five has been changed or extended
(version 2, version 1 superseded). Every certificate has its version rows. INSERT … SELECT generate_series with the
secondary indexes dropped, then rebuilt (the partial unique index `uniq_held_licence` included).
"""

from __future__ import annotations

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bureau.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from bureau.certificates.models import CertificateType  # noqa: E402

REGIONS = ["140802", "140821", "140822", "140823", "140824", "140825", "140826", "140827", "140828", "140829",
           "140830", "140881", "140882"]
LICENCES = ["hazchem_operation_licence", "safety_production_licence", "hazchem_use_licence",
            "fireworks_wholesale_licence"]
TABLES = ("certificates_certificate", "certificates_certificateversion")


def _drop_secondary(cursor) -> list[str]:  # type: ignore[no-untyped-def]
    """Drop the foreign keys, unique constraints and secondary indexes of the two tables; returns the statements
    that rebuild them."""
    rebuild: list[str] = []
    for table in TABLES:
        cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                       "WHERE conrelid = %s::regclass AND contype IN ('u', 'f')", [table])
        for name, definition in cursor.fetchall():
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            rebuild.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname <> %s",
                       [table, f"{table}_pkey"])
        for name, definition in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')
            rebuild.insert(0, definition)
        cursor.execute(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")
    return rebuild


def main(total: int) -> None:
    started = time.monotonic()
    types = {t.code: t.pk for t in CertificateType.objects.all()}
    enterprises = total // 5
    personal = total - 3 * enterprises
    person_types = [types[c] for c in ("principal_competency", "safety_manager_competency", "special_operation")]
    regions = "ARRAY[" + ",".join(f"'{r}'" for r in REGIONS) + "]"
    licence_types = "ARRAY[" + ",".join(str(types[c]) for c in LICENCES) + "]"

    def step(label: str) -> None:
        print(f"  {label} ({time.monotonic() - started:.0f} s)", flush=True)

    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("SET max_parallel_maintenance_workers = 2")
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM enterprises_enterprise")
        base = cursor.fetchone()[0]
        cursor.execute(f"""
            INSERT INTO enterprises_enterprise (uscc, name, region_id, address, industry, sub_sector, business_scope,
                legal_representative, legal_rep_id_number, contact_name, contact_phone, employees,
                standardization_grade, credit_grade, is_key, status, checkin_token, created_at, updated_at)
            SELECT 'B' || lpad(g::text, 17, '0'), '测试企业' || g, ({regions})[1 + mod(g, {len(REGIONS)})], '运城市',
                   'hazchem_operation', '', '危险化学品经营', '张三', '', '', '', 10, '', '', false, 'operating',
                   md5('e' || g), now(), now()
            FROM generate_series(1, {enterprises}) g""")
        cursor.execute("SELECT MIN(id) FROM enterprises_enterprise WHERE id > %s", [base])
        first = cursor.fetchone()[0]
        step(f"{enterprises:,} enterprises")
        rebuild = _drop_secondary(cursor)
        columns = ("number, type_id, enterprise_id, region_id, holder_name, holder_id_number, holder_id_index, "
                   "holder_phone, scope_text, issuing_authority, issued_on, valid_from, valid_until, next_review_due, "
                   "status, review_extended, action_kind, action_due, verify_code, version_no, scope_key, source_type, "
                   "source_id, created_at, updated_at, version")
        # held licences: two kinds per enterprise (kind k and k+1 of four); one in five at version 2, one in fifty
        # suspended; the rest of the enterprise's history: an earlier licence of the first kind that expired
        for slot in (0, 1):
            cursor.execute(f"""
                INSERT INTO certificates_certificate ({columns})
                SELECT 'L{slot}-' || g, ({licence_types})[1 + mod(g + {slot}, 4)], {first} + g - 1,
                       ({regions})[1 + mod(g, {len(REGIONS)})], '测试企业' || g, '', '', '', '危险化学品经营',
                       '运城市应急管理局', vf, vf, (vf + interval '36 months' - interval '1 day')::date, NULL,
                       CASE WHEN mod(g, 50) = 7 THEN 'suspended' ELSE 'valid' END, false, 'extension',
                       (vf + interval '33 months')::date, md5('c{slot}-' || g), CASE WHEN mod(g, 5) = 0 THEN 2 ELSE 1 END,
                       '', '', '', now(), now(), 0
                FROM (SELECT g, (current_date - (random() * 1000)::int) AS vf
                      FROM generate_series(1, {enterprises}) g) s""")
            step(f"held licences, kind slot {slot}")
        cursor.execute(f"""
            INSERT INTO certificates_certificate ({columns})
            SELECT 'L9-' || g, ({licence_types})[1 + mod(g, 4)], {first} + g - 1,
                   ({regions})[1 + mod(g, {len(REGIONS)})], '测试企业' || g, '', '', '', '危险化学品经营',
                   '运城市应急管理局', vf, vf, (vf + interval '36 months' - interval '1 day')::date, NULL, 'expired',
                   false, 'extension', NULL, md5('c9-' || g), 1, '', '', '', now(), now(), 0
            FROM (SELECT g, (current_date - 1100 - (random() * 1000)::int) AS vf
                  FROM generate_series(1, {enterprises}) g) s""")
        step("ended licences")
        cursor.execute(f"""
            INSERT INTO certificates_certificate ({columns})
            SELECT 'P-' || g, (ARRAY{person_types})[1 + mod(g, 3)], NULL, ({regions})[1 + mod(g, {len(REGIONS)})],
                   '持证人' || g, '', '', '', '电工作业', '运城市应急管理局', vf, vf,
                   (vf + interval '72 months' - interval '1 day')::date, NULL,
                   CASE WHEN vf < current_date - 2190 THEN 'expired' ELSE 'valid' END, false, 'renewal', NULL,
                   md5('p-' || g), 1, NULL, '', '', now(), now(), 0
            FROM (SELECT g, (current_date - (random() * 2400)::int) AS vf
                  FROM generate_series(1, {personal}) g) s""")
        step(f"{personal:,} personal certificates")
        # version 1 of every certificate (superseded where a version 2 exists: it had its own code), version 2
        cursor.execute("""
            INSERT INTO certificates_certificateversion (certificate_id, version_no, reason, verify_code, holder_name,
                scope_text, issued_on, valid_from, valid_until, printed, changes, note, source_type, source_id,
                created_at, superseded_at, sha256, signer)
            SELECT id, 1, 'issue', CASE WHEN version_no = 2 THEN md5('v1-' || id) ELSE verify_code END, holder_name,
                   scope_text, issued_on, valid_from, valid_until, '[]', '[]', '', '', '', now(),
                   CASE WHEN version_no = 2 THEN now() END, '', ''
            FROM certificates_certificate""")
        cursor.execute("""
            INSERT INTO certificates_certificateversion (certificate_id, version_no, reason, verify_code, holder_name,
                scope_text, issued_on, valid_from, valid_until, printed, changes, note, source_type, source_id,
                created_at, superseded_at, sha256, signer)
            SELECT id, 2, CASE WHEN mod(id, 2) = 0 THEN 'change' ELSE 'extension' END, verify_code, holder_name,
                   scope_text, valid_from + 200, valid_from, valid_until, '[]', '[]', '', '', '', now(), NULL,
                   md5('doc-' || id) || md5('doc2-' || id), '运城市应急管理局'
            FROM certificates_certificate WHERE version_no = 2""")
        step("versions")
        for statement in rebuild:
            cursor.execute(statement)
        step("indexes and constraints rebuilt")
        for table in TABLES:
            cursor.execute(f"ALTER TABLE {table} SET (autovacuum_enabled = true)")
            cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute("VACUUM ANALYZE enterprises_enterprise")
        cursor.execute("SELECT (SELECT count(*) FROM certificates_certificate), "
                       "(SELECT count(*) FROM certificates_certificateversion)")
        certs, rows = cursor.fetchone()
    print(f"done: {certs:,} certificates, {rows:,} versions, {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5_000_000)
