"""Time the Excel import of a year's supervision assignments (分级分类监管): a workbook of N rows (default 10,000)
assigning as many new 盐湖区 enterprises to 盐湖区应急管理局 for next year, previewed then confirmed by `city_head`.

Run on a throwaway copy of a demo database (it adds N enterprises):
    DATABASE_URL=sqlite:////tmp/bench-supervision.sqlite3 .venv/bin/python bench/enterprises/supervision_import.py
"""

from __future__ import annotations

import io
import os
import random
import secrets
import sys
import time

sys.path[:0] = ["src", "."]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bureau.settings")

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.utils import timezone  # noqa: E402
from openpyxl import Workbook  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "10000"))


def main() -> None:
    from bureau.accounts.models import User
    from bureau.enterprises import services
    from bureau.enterprises.models import Enterprise
    from bureau.kernel.identifiers import USCC_ALPHABET, make_uscc

    rng = random.Random(1)
    rows = [Enterprise(uscc=make_uscc("91140802MA" + "".join(rng.choice(USCC_ALPHABET) for _ in range(7))),
                       name=f"基准企业{i:05d}", region_id="140802", industry="metallurgy_trade",
                       legal_representative="张三", checkin_token=secrets.token_urlsafe(18)) for i in range(ROWS)]
    Enterprise.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    book = Workbook()
    sheet = book.active
    sheet.append(["统一社会信用代码", "企业名称", "监管层级", "监管单位"])
    for e in rows:
        sheet.append([e.uscc, e.name, "县级", "盐湖区应急管理局"])
    data = io.BytesIO()
    book.save(data)
    actor = User.objects.get(username="city_head")
    started = time.perf_counter()
    job = services.supervision_import_preview(actor=actor, upload=SimpleUploadedFile("bench.xlsx", data.getvalue()),
                                              year=timezone.localdate().year + 1)
    previewed = time.perf_counter()
    job = services.supervision_import_confirm(actor=actor, job=job)
    done = time.perf_counter()
    print(f"{ROWS} rows: preview {previewed - started:.2f} s ({job.total_rows} rows checked), "
          f"confirm {done - previewed:.2f} s ({job.created_count} written, status {job.status})")


if __name__ == "__main__":
    main()
