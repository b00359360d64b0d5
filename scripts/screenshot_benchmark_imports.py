"""Benchmark workbook imports in each state (done, preview with earlier rows to end, invalid, column mapping,
parsing), for the screenshots of scripts/screenshots.py (`penalties-import-*`: imports 1–5). Run it once on a fresh
throwaway demo database; the workbook is demonstration data, not any authority's benchmark:

    export DATABASE_URL=sqlite:////tmp/imp.sqlite3
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py demo_load
    .venv/bin/python scripts/screenshot_benchmark_imports.py
"""

from __future__ import annotations

import datetime as dt
import io
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bureau.settings")

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from bureau.accounts.models import User  # noqa: E402
from bureau.penalties import workbook  # noqa: E402
from bureau.penalties.models import BenchmarkImport  # noqa: E402

PERSONS = "对其直接负责的主管人员和其他直接责任人员"
VIOLATIONS = [
    (1, "特种作业人员未按照规定经专门的安全作业培训并取得相应资格，上岗作业的", "《中华人民共和国安全生产法》第三十条第一款",
     "《中华人民共和国安全生产法》第九十七条第（七）项", [
         ("A", "有1人次", f"责令限期改正，处3万元以下的罚款；逾期未改正的，责令停产停业整顿，并处10万元以上13万元以下的罚款，"
                       f"{PERSONS}处2万元以上2.5万元以下的罚款"),
         ("B", "有2人次", f"责令限期改正，处3万元以上6万元以下的罚款；逾期未改正的，责令停产停业整顿，并处13万元以上16万元以下的"
                       f"罚款，{PERSONS}处2.5万元以上3.5万元以下的罚款"),
         ("C", "有3人次以上", f"责令限期改正，处{{low}}万元以上10万元以下的罚款；逾期未改正的，责令停产停业整顿，并处16万元以上20万元"
                         f"以下的罚款，{PERSONS}处3.5万元以上5万元以下的罚款")]),
    (2, "未如实记录安全生产教育和培训情况的", "《中华人民共和国安全生产法》第二十八条第四款",
     "《中华人民共和国安全生产法》第九十七条第（四）项", [
         ("一般", "未如实记录的从业人员占总人数比例10%以下", "责令限期改正，处3万元以下的罚款"),
         ("较重", "比例10%以上30%以下", "责令限期改正，处3万元以上6万元以下的罚款"),
         ("严重", "比例30%以上", "责令限期改正，处6万元以上10万元以下的罚款")]),
    (3, "未在有较大危险因素的生产经营场所和有关设施、设备上设置明显的安全警示标志的", "《中华人民共和国安全生产法》第三十五条",
     "《中华人民共和国安全生产法》第九十九条第（一）项", [
         ("A", "有1处", "责令限期改正，处1万元以下的罚款"), ("B", "有2处", "责令限期改正，处1万元以上3万元以下的罚款"),
         ("C", "有3处以上", "责令限期改正，处3万元以上5万元以下的罚款")]),
]


def book(overlap: bool = False) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "安全生产法"
    ws.append(["某省应急管理行政处罚裁量权基准（演示数据）"])
    ws.merge_cells("A1:G1")
    ws.append(["序号", "违法行为", "法律依据", "处罚依据", "裁量阶次", "适用条件", "处罚标准"])
    line = 3
    for seq, text, legal, penalty, tiers in VIOLATIONS:
        for i, (tier, condition, standard) in enumerate(tiers):
            first = i == 0
            ws.append([seq if first else None, text if first else None, legal if first else None,
                       penalty if first else None, tier, condition, standard.replace("{low}", "5" if overlap else "6")])
        for col in "ABCD":
            ws.merge_cells(f"{col}{line}:{col}{line + len(tiers) - 1}")
        line += len(tiers)
    ws.append(["注：本表为演示数据，不是任何机关公布的基准。"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def main() -> None:
    admin = User.objects.get(username="admin")

    def upload(version: str, source: str, start: dt.date, data: bytes | None = None,
               name: str = "某省裁量基准（演示）.xlsx") -> BenchmarkImport:
        return workbook.import_upload(actor=admin, upload=SimpleUploadedFile(name, data or book()), version=version,
                                      source=source, level="province", effective_from=start)

    def parse(imp: BenchmarkImport) -> BenchmarkImport:
        workbook.import_map(actor=admin, imp=imp, mapping=imp.mapping)
        workbook.job_run(imp.pk)  # the worker's job, run here
        imp.refresh_from_db()
        return imp

    done = parse(upload("演示2025版", "某应急发〔2025〕1号（演示）", dt.date(2025, 1, 1)))
    workbook.import_confirm(actor=admin, imp=done)
    workbook.job_run(done.pk)
    parse(upload("演示2026版", "某应急发〔2026〕3号（演示）", dt.date(2026, 7, 1)))
    parse(upload("演示2027版", "某应急发〔2027〕1号（演示）", dt.date(2027, 1, 1), book(overlap=True), "有问题的基准表.xlsx"))
    mapping = upload("演示2027版", "某应急发〔2027〕1号（演示）", dt.date(2027, 1, 1))
    running = upload("演示2028版", "某应急发〔2028〕1号（演示）", dt.date(2028, 1, 1))
    BenchmarkImport.objects.filter(pk=running.pk).update(status="parsing", total_rows=2000, processed_rows=860,
                                                         mapping=mapping.mapping)
    for imp in BenchmarkImport.objects.order_by("pk"):
        print(imp.pk, imp.get_status_display(), imp.original_name)


if __name__ == "__main__":
    main()
