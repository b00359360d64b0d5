"""Bench data for the portal: N petitions (default 200 000) with valid number + code pairs, 500 laws with articles,
100 000 ratings. PostgreSQL only (COPY). Usage:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_portal .venv/bin/python bench/portal/generate.py [N]

Every petition's check code is BENCH234 (only its HMAC digest is stored, as in production); `var/bench_portal_urls.txt`
receives a sample of lookup URLs for the load generator.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bureau.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from bureau.petitions.models import Petition, PetitionCategory  # noqa: E402
from bureau.portal.models import LawDocument  # noqa: E402

CODE = "BENCH234"
REGIONS = ["140802", "140821", "140822", "140823", "140824", "140825", "140826", "140827", "140828", "140829",
           "140830", "140881", "140882"]


def main(n: int) -> None:
    assert connection.vendor == "postgresql", "bench data uses COPY: run against PostgreSQL"
    rng = random.Random(8)
    cats = list(PetitionCategory.objects.values_list("id", flat=True))
    now = timezone.now()
    t0 = time.time()
    cols = ["state", "version", "number", "check_digest", "channel", "category_id", "urgency", "title", "content",
            "region_id", "enterprise_name", "petitioner_name", "petitioner_phone", "phone_index", "real_name",
            "received_at", "due_at", "due_provisional", "reply", "supervised_count", "reopen_count",
            "replied_at", "replied_on_time"]
    states = ["received", "dispatched", "handling", "replied", "closed", "rated"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM petitions_petition")
        start = cursor.fetchone()[0] + 1
        with cursor.cursor.copy(f"COPY petitions_petition ({', '.join(cols)}) FROM STDIN") as copy:
            for i in range(start, start + n):
                number = f"SQ2025{i:07d}"
                received = now - dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 365))
                state = rng.choice(states)
                replied = state in {"replied", "closed", "rated"}
                copy.write_row([
                    state, 0, number, Petition.digest(number, CODE), rng.choice(["hotline", "mailbox", "window"]),
                    rng.choice(cats), "normal", f"压测诉求{i}", "城东加油站夜间卸油无人监护，请核查。" * 3,
                    rng.choice(REGIONS), "", "王先生", "", "", True, received, received + dt.timedelta(days=7), False,
                    "已核查处理。" if replied else "", 0, 0,
                    received + dt.timedelta(days=rng.randrange(1, 9)) if replied else None,
                    rng.random() < 0.9 if replied else None,
                ])
        print(f"petitions: {n} in {time.time() - t0:.1f}s")
        t1 = time.time()
        cursor.execute("""
            INSERT INTO portal_lawdocument (kind, title, doc_number, issuer, issued_on, effective_on, is_in_force,
                topic, industries, summary, body, is_published, search_text, created_at, updated_at)
            SELECT 'normative', '压测规范性文件' || g, '运应急发〔2025〕' || g || '号', '运城市应急管理局',
                   DATE '2020-01-01' + (g % 1800), NULL, true,
                   (ARRAY['licensing','enforcement','penalty','hazard','training','business'])[1 + g % 6],
                   (ARRAY[',hazchem,',',coal,',',general,',',fireworks,'])[1 + g % 4],
                   '关于加强危险化学品安全管理的通知' || g, repeat('生产经营单位应当落实安全生产主体责任。', 40), true,
                   '压测规范性文件' || g || repeat('生产经营单位应当落实安全生产主体责任。', 40) || '危险化学品许可制度',
                   now(), now()
            FROM generate_series(1, 500) g""")
        cursor.execute("""
            INSERT INTO portal_rating (service_type, service_id, round, service_label, level, comment, real_name,
                rater_name, rater_phone, region_id, channel, excluded, created_at)
            SELECT 'window.visit', 'bench-' || g, 1, '窗口服务：压测', 1 + (g % 5), '', false, '', '',
                   (ARRAY['140802','140821','140882','140881'])[1 + g % 4], 'web', false,
                   now() - (g % 365) * interval '1 day'
            FROM generate_series(1, 100000) g""")
        print(f"laws + ratings in {time.time() - t1:.1f}s")
        cursor.execute("ANALYZE petitions_petition; ANALYZE portal_lawdocument; ANALYZE portal_rating")
    print("laws:", LawDocument.objects.count(), "petitions:", Petition.objects.count())
    sample = rng.sample(range(start, start + n), 2000)
    path = Path(__file__).resolve().parents[2] / "var" / "bench_portal_urls.txt"
    path.write_text("".join(f"/petitions/lookup/?number=SQ2025{i:07d}&code={CODE}\n" for i in sample))
    print(f"wrote {path}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
