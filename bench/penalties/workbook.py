"""Benchmark (issue 14): "a 2,000-row benchmark workbook imports in ≤ 10 s with a progress bar".

Generates a workbook in the form provinces publish (a title merged over the table; 序号 | 违法行为 | 法律依据 | 处罚依据 |
裁量阶次 | 适用条件 | 处罚标准; 500 violations × 4 tiers = 2,000 printed rows, the violation's cells merged over its
tiers, each tier's 处罚标准 naming 责令限期改正, 逾期未改正 and the responsible persons, so 3 benchmark rows each:
6,000 rows written), then imports it through the service with the two job steps called directly, as the worker
runs them: upload (store, find the headers, propose the columns) → parse job (every row parsed and checked, the
statutory ranges and the stored versions compared; progress written every 100 rows) → confirm → write job (one
transaction, bulk_create in batches of 500). Each run is a new version of the same level, so from the second run on
the write also ends the previous version's 6,000 rows (the closures path).

    createdb -h 127.0.0.1 -U postgres bench_imp
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_imp
    .venv/bin/python manage.py migrate -v0
    .venv/bin/python bench/penalties/workbook.py [printed rows, default 2000] [runs, default 5]
    dropdb -h 127.0.0.1 -U postgres bench_imp
"""

from __future__ import annotations

import datetime as dt
import io
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bureau.settings")
os.environ.setdefault("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")  # enqueue only writes the job row

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from bureau.accounts.models import Organisation, OrganisationKind, Role, User  # noqa: E402
from bureau.penalties import rules, workbook  # noqa: E402
from bureau.penalties.models import BenchmarkImport, BenchmarkRow  # noqa: E402

TIERS = 4
LAWS = [name for name, _code in workbook.LAW_CODES]


def violation(i: int) -> tuple[str, str, str]:
    """(text, 处罚依据, code) of violation i: a law of the contract, an article and an item."""
    law, code = workbook.LAW_CODES[i % len(workbook.LAW_CODES)]
    article = 30 + (i // len(workbook.LAW_CODES)) % 100
    item = 1 + i // (len(workbook.LAW_CODES) * 100)
    return (f"生产经营单位第{i + 1}项违法行为（未按照规定履行安全生产义务的情形{i + 1}）",
            f"《{law}》第{article}条第（{item}）项", f"{code}-{article}-{item}")


def generate(printed_rows: int) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "安全生产领域"
    ws.append(["山西省应急管理行政处罚裁量权基准（基准测试）"])
    ws.merge_cells("A1:G1")
    ws.append(["序号", "违法行为", "法律依据", "处罚依据", "裁量阶次", "适用条件", "处罚标准"])
    line = 3
    for i in range(printed_rows // TIERS):
        text, provision, _code = violation(i)
        for k in range(1, TIERS + 1):
            order = f"处{(k - 1) * 2.5:g}万元以上{k * 2.5:g}万元以下的罚款" if k > 1 else "处2.5万元以下的罚款"
            standard = (f"责令限期改正，{order}；逾期未改正的，责令停产停业整顿，并处{10 + (k - 1) * 2.5:g}万元以上"
                        f"{10 + k * 2.5:g}万元以下的罚款，对其直接负责的主管人员和其他直接责任人员处"
                        f"{2 + (k - 1) * 0.75:g}万元以上{2 + k * 0.75:g}万元以下的罚款")
            condition = f"有{k}人次以上" if k == TIERS else f"有{k}人次"
            first = k == 1
            ws.append([i + 1 if first else None, text if first else None,
                       f"《{LAWS[i % len(LAWS)]}》第{20 + i % 50}条" if first else None, provision if first else None,
                       "ABCD"[k - 1], condition, standard])
        for col in "ABCD":
            ws.merge_cells(f"{col}{line}:{col}{line + TIERS - 1}")
        line += TIERS
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def setup(printed_rows: int) -> User:
    org, _ = Organisation.objects.get_or_create(code="YC-CITY", defaults={
        "name": "运城市应急管理局", "kind": OrganisationKind.CITY_BUREAU, "region_id": "140800"})
    user, created = User.objects.get_or_create(username="bench_importer",
                                               defaults={"real_name": "基准导入", "organisation": org})
    if created:
        user.roles.set(Role.objects.filter(code="section_head"))
    if not BenchmarkRow.objects.filter(version="法定幅度", level="national").exists():
        law = [(rules.STAGE_ORDER, rules.TARGET_UNIT, 0, 100000), (rules.STAGE_OVERDUE, rules.TARGET_UNIT, 100000, 200000),
               (rules.STAGE_OVERDUE, rules.TARGET_PERSON, 20000, 50000)]
        BenchmarkRow.objects.bulk_create([
            BenchmarkRow(version="法定幅度", source="（基准测试）法定幅度", effective_from=dt.date(2021, 9, 1),
                         violation_code=violation(i)[2], violation=violation(i)[0], legal_provision="",
                         penalty_provision=violation(i)[1], statutory_min=low, statutory_max=high, stage=stage,
                         target=target, tier=rules.STATUTORY, conditions="", level="national")
            for i in range(printed_rows // TIERS) for stage, target, low, high in law], batch_size=1000)
    return User.objects.get(pk=user.pk)


def run(actor: User, data: bytes, n: int) -> dict[str, float]:
    reports: list[int] = []
    report = workbook._progress  # noqa: SLF001 - count the progress writes the page would see

    def counting(imp: BenchmarkImport):  # type: ignore[no-untyped-def]
        inner = report(imp)

        def write(done: int) -> None:
            reports.append(done)
            inner(done)
        return write

    workbook._progress = counting  # type: ignore[assignment]  # noqa: SLF001
    start = time.perf_counter()
    imp = workbook.import_upload(actor=actor, upload=SimpleUploadedFile("基准.xlsx", data), version=f"bench-{n}",
                                 source=f"（基准测试）晋应急发〔2026〕{n}号", level="province",
                                 effective_from=dt.date(2026, 1, 1) + dt.timedelta(days=n))
    uploaded = time.perf_counter()
    workbook.import_map(actor=actor, imp=imp, mapping=imp.mapping)
    workbook.job_run(imp.pk)
    parsed = time.perf_counter()
    imp.refresh_from_db()
    assert imp.status == BenchmarkImport.Status.PREVIEW, (imp.status, imp.problems[:5])
    workbook.import_confirm(actor=actor, imp=imp, close_earlier=True)
    workbook.job_run(imp.pk)
    written = time.perf_counter()
    workbook._progress = report  # noqa: SLF001
    imp.refresh_from_db()
    assert imp.status == BenchmarkImport.Status.DONE, imp.message
    return {"total": written - start, "upload": uploaded - start, "parse": parsed - uploaded,
            "write": written - parsed, "rows": imp.created_count, "closed": imp.closed_count,
            "progress_writes": len(reports)}


def main(printed_rows: int, runs: int) -> None:
    from django.db import connection

    actor = setup(printed_rows)
    started = time.perf_counter()
    data = generate(printed_rows)
    print(f"database: {connection.vendor}; workbook: {printed_rows:,} printed rows, {len(data):,} bytes, "
          f"generated in {time.perf_counter() - started:.2f} s")
    first = BenchmarkImport.objects.count()
    results = [run(actor, data, first + n + 1) for n in range(runs)]
    print("| run | total (s) | upload | parse job | write job | rows written | earlier rows ended | progress writes |")
    print("|---|---|---|---|---|---|---|---|")
    for n, r in enumerate(results, start=1):
        print(f"| {n} | {r['total']:.2f} | {r['upload']:.2f} | {r['parse']:.2f} | {r['write']:.2f} | {r['rows']:,} | "
              f"{r['closed']:,} | {r['progress_writes']} |")
    totals = sorted(r["total"] for r in results)
    print(f"total: median {statistics.median(totals):.2f} s, max {totals[-1]:.2f} s, min {totals[0]:.2f} s "
          f"over {runs} runs (target ≤ 10 s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000, int(sys.argv[2]) if len(sys.argv) > 2 else 5)
