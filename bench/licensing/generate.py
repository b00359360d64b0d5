"""Load N applications (default 1,000,000) into the bench database with INSERT … SELECT generate_series.

Run after `migrate` and `demo_load` on the bench database:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_licensing .venv/bin/python bench/licensing/generate.py 1000000
90 % are closed (granted/refused), up to 10 % open in every officer state (one per item and enterprise, as the
constraint uniq_application_in_progress wants: ≈ 4,000 with the demo register) with due dates from 10 days overdue to 30
days ahead; every enterprise of the register (≈300) has applications, the demo enterprise ≈ N/300.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bureau.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

SQL = """
WITH ents AS (SELECT row_number() OVER (ORDER BY id) - 1 AS i, id, region_id FROM enterprises_enterprise),
     items AS (SELECT row_number() OVER (ORDER BY id) - 1 AS i, id, level, promised_days FROM licensing_permititem),
     ne AS (SELECT count(*) AS n FROM ents), ni AS (SELECT count(*) AS n FROM items),
     -- one application in progress per item and enterprise (the constraint uniq_application_in_progress): the
     -- first of a pair's would-be open rows stays open, the others are closed
     gen AS (SELECT g, e.id AS enterprise_id, e.region_id, it.id AS item_id, it.level,
                    g % 10 = 0 AND row_number() OVER (PARTITION BY it.id, e.id, g % 10 = 0 ORDER BY g) = 1
                    AND NOT EXISTS (SELECT 1 FROM licensing_application x WHERE x.item_id = it.id
                                    AND x.enterprise_id = e.id AND x.state IN ('submitted', 'correction', 'review',
                                    'expert_review', 'extension_requested', 'pending_decision')) AS open
             FROM generate_series(%s, %s) AS g
             JOIN ne ON true JOIN ni ON true
             JOIN ents e ON e.i = g % ne.n
             JOIN items it ON it.i = (g / 7) % ni.n)
INSERT INTO licensing_application (
    number, check_code, item_id, enterprise_id, region_id, level, applicant_id, idempotency_key, locked_data,
    scope_text, description, partial_renovation, merged_review, submitted_at, submitted_on, intake_due,
    accepted_on, deemed_accepted, tolerated, due_on, due_provisional, decision_due, statutory_due, extension_days,
    extension_reason, fast_track, fast_track_reason, site_required, site_result, site_done_on, expert_required,
    expert_result, proposal, proposal_reason, decision, decision_reason, decided_on, handling_days,
    certificate_id, created_at, state, version, form_data, proxy_agent, verification)
SELECT 'BENCH' || lpad(g::text, 9, '0'), lpad((g % 999983)::text, 6, '0'), item_id, enterprise_id, region_id, level,
       NULL, '', '{}'::jsonb, '', '', false, false,
       now() - ((g % 1460) || ' days')::interval, current_date - (g % 1460), current_date - (g % 1460) + 7,
       current_date - (g % 1460) + 1, false, g % 9 = 0,
       CASE WHEN open THEN current_date + ((g / 10) % 40 - 10) END, false,
       current_date - (g % 1460) + 28, current_date - (g % 1460) + 28, 0,
       '', '', '', true, '', NULL, false, '', '', '', '', '',
       CASE WHEN NOT open THEN current_date - (g % 1460) + 20 END,
       CASE WHEN NOT open THEN 14 + g % 10 END,
       NULL, now(),
       CASE WHEN open THEN (ARRAY['submitted','review','expert_review','extension_requested',
                                        'pending_decision'])[1 + (g / 10) % 5]
            WHEN g % 7 = 0 THEN 'refused' ELSE 'granted' END,
       1, '{}'::jsonb, '', '[]'::jsonb
FROM gen
"""


SQL = SQL.replace("%", "%%").replace("%%s", "%s")  # modulo operators vs. the two placeholders


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    batch = 100_000
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM licensing_application")
        first = cursor.fetchone()[0] + 1
        for lo in range(first, first + total, batch):
            hi = min(lo + batch - 1, first + total - 1)
            cursor.execute(SQL, [lo, hi])
            print(f"inserted up to {hi:,} ({time.perf_counter() - start:.0f} s)", flush=True)
        cursor.execute("ANALYZE licensing_application")
        cursor.execute("SELECT count(*) FROM licensing_application")
        print(f"applications: {cursor.fetchone()[0]:,} in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
