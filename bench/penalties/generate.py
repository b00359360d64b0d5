"""Generate a large penalty-case table on PostgreSQL (INSERT … SELECT generate_series) for the list benchmarks.

Usage (after migrate + demo_load on the bench database):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_penalties .venv/bin/python bench/penalties/generate.py 300000
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

STATES = ["investigating", "reviewing", "notified", "deciding", "decided", "served", "closed", "closed", "closed"]


def main(total: int) -> None:
    from bureau.accounts.models import User

    officers = list(User.objects.filter(roles__code="inspector").exclude(enforcement_id="").values_list("id", flat=True))
    started = time.monotonic()
    with connection.cursor() as cur:
        cur.execute("SELECT id, region_id FROM enterprises_enterprise ORDER BY id")
        enterprises = cur.fetchall()
        cur.execute("SELECT id FROM accounts_organisation WHERE code = 'YC-CITY'")
        org = cur.fetchone()[0]
        cur.execute("CREATE TEMP TABLE bench_ent AS SELECT row_number() OVER (ORDER BY id) - 1 AS i, id, region_id "
                    "FROM enterprises_enterprise")
        cur.execute("""
            INSERT INTO penalties_case (
                state, version, number, enterprise_id, region_id, organisation_id, source, source_type, source_id,
                found_at, title, facts, lead_officer_id, second_officer_id, filed_on, decision_due,
                violation_code, circumstances, stage, target, tier, amount_min, amount_max, proposed_amount,
                other_measures, deviation_reason, reasoning, exemption, exemption_basis, hearing_right,
                answer_due_provisional, statement, statement_waived, hearing_record, review_opinion,
                late_reason, service_method, execution_note, decided_amount, decided_on, created_at)
            SELECT (%(states)s::text[])[1 + g %% %(nstates)s], 0,
                   'BENCH〔' || (2020 + g %% 7) || '〕' || lpad(g::text, 8, '0') || '号',
                   e.id, e.region_id, %(org)s, 'inspection', '', '',
                   now() - (g %% 2000) * interval '1 day', '压测案件 ' || g, '压测违法事实',
                   %(o1)s, %(o2)s, current_date - (g %% 2000), current_date - (g %% 2000) + 90,
                   'AQSCF-97-7', '[]'::jsonb, 'order', 'unit', 'A', 0, 30000, 20000,
                   '', '', CASE WHEN g %% 3 = 0 THEN '' ELSE '一、违法行为的性质……' END,
                   CASE WHEN g %% 17 = 0 THEN 'self_inspection' ELSE '' END, '', false, false, '', false,
                   '', '', '', '', '', CASE WHEN g %% 9 >= 4 THEN 20000 END,
                   CASE WHEN g %% 9 >= 4 THEN current_date - (g %% 2000) + 30 END, now()
            FROM generate_series(1, %(total)s) AS g
            JOIN bench_ent e ON e.i = g %% %(nent)s
        """, {"states": STATES, "nstates": len(STATES), "org": org, "o1": officers[0], "o2": officers[1],
              "total": total, "nent": len(enterprises)})
        cur.execute("ANALYZE penalties_case")
    print(f"inserted {total} cases in {time.monotonic() - started:.1f}s over {len(enterprises)} enterprises")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300000)
