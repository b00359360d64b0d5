"""Generate a large penalty-case table on PostgreSQL (INSERT … SELECT generate_series) for the list benchmarks.

Usage (after migrate + demo_load on the bench database):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_penalties .venv/bin/python bench/penalties/generate.py 300000
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bureau.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

STATES = ["investigating", "reviewing", "notified", "deciding", "decided", "served", "closed", "closed", "closed"]


def _empty(field: Any) -> str:
    """The value a new case has in a column the generator does not set (the model's own default, or NULL)."""
    if field.null:
        return "NULL"
    if field.has_default():
        default = field.get_default()
        if isinstance(default, bool):
            return "true" if default else "false"
        if isinstance(default, (list, dict)):
            return "'" + json.dumps(default) + "'::jsonb"
        if isinstance(default, int):
            return str(default)
    return "''"


def main(total: int) -> None:
    from bureau.accounts.models import User
    from bureau.penalties.models import Case

    officers = list(User.objects.filter(roles__code="inspector").exclude(enforcement_id="").values_list("id", flat=True))
    started = time.monotonic()
    with connection.cursor() as cur:
        cur.execute("SELECT id, region_id FROM enterprises_enterprise ORDER BY id")
        enterprises = cur.fetchall()
        cur.execute("SELECT id FROM accounts_organisation WHERE code = 'YC-CITY'")
        org = cur.fetchone()[0]
        cur.execute("CREATE TEMP TABLE bench_ent AS SELECT row_number() OVER (ORDER BY id) - 1 AS i, id, region_id "
                    "FROM enterprises_enterprise")
        given = {
            "state": "(%(states)s::text[])[1 + g %% %(nstates)s]", "version": "0",
            "number": "'BENCH〔' || (2020 + g %% 7) || '〕' || lpad(g::text, 8, '0') || '号'",
            "enterprise_id": "e.id", "region_id": "e.region_id", "organisation_id": "%(org)s",
            "source": "'inspection'", "found_at": "now() - (g %% 2000) * interval '1 day'",
            "title": "'压测案件 ' || g", "facts": "'压测违法事实'", "lead_officer_id": "%(o1)s",
            "second_officer_id": "%(o2)s", "filed_on": "current_date - (g %% 2000)",
            "decision_due": "current_date - (g %% 2000) + 90", "violation_code": "'AQSCF-97-7'", "stage": "'order'",
            "target": "'unit'", "tier": "'A'", "amount_min": "0", "amount_max": "30000", "proposed_amount": "20000",
            "reasoning": "CASE WHEN g %% 3 = 0 THEN '' ELSE '一、违法行为的性质……' END",
            "exemption": "CASE WHEN g %% 17 = 0 THEN 'self_inspection' ELSE '' END",
            "decided_amount": "CASE WHEN g %% 9 >= 4 THEN 20000 END",
            "decided_on": "CASE WHEN g %% 9 >= 4 THEN current_date - (g %% 2000) + 30 END", "created_at": "now()",
        }
        columns = [(f.column, given.get(f.column) or _empty(f)) for f in Case._meta.concrete_fields if f.column != "id"]
        cur.execute(f"""
            INSERT INTO penalties_case ({", ".join(c for c, _ in columns)})
            SELECT {", ".join(v for _, v in columns)}
            FROM generate_series(1, %(total)s) AS g
            JOIN bench_ent e ON e.i = g %% %(nent)s
        """, {"states": STATES, "nstates": len(STATES), "org": org, "o1": officers[0], "o2": officers[1],
              "total": total, "nent": len(enterprises)})
        cur.execute("ANALYZE penalties_case")
    print(f"inserted {total} cases in {time.monotonic() - started:.1f}s over {len(enterprises)} enterprises")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300000)
