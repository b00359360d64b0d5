"""Benchmark import: a spreadsheet that contradicts itself is refused whole, naming the rows; a good one is
saved with its versions and effective dates."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from bureau.kernel.errors import DomainError
from bureau.penalties import services
from bureau.penalties.demo import DATA
from bureau.penalties.models import BenchmarkImport, BenchmarkRow
from tests.penalties.factories import SAMPLES

HEADER = services.COLUMNS


def _csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: row.get(k, "") for k in HEADER})
    return out.getvalue().encode()


def _row(**kw):
    base = dict(version="T1", source="测试基准", effective_from="2026-01-01", violation_code="T-1", violation="测试违法",
                legal_provision="安全生产法第X条", penalty_provision="安全生产法第Y条", statutory_min="0",
                statutory_max="100000", stage="order", target="unit", tier="从轻", conditions="有1处",
                amount_min="0", amount_max="30000")
    base.update(kw)
    return base


def test_demo_set_passes_the_checks():
    _items, fields, problems = services.parse_benchmark(DATA.read_bytes(), DATA.name)
    assert problems == []
    assert len(fields) == 46  # 31 source rows on the stable codes + 15 statutory-range rows


def test_overlapping_bands_are_refused_naming_the_rows():
    data = _csv([_row(), _row(tier="一般", conditions="有2处", amount_min="20000", amount_max="60000")])
    _i, _f, problems = services.parse_benchmark(data, "x.csv")
    assert any("第2、3行" in p and "重叠" in p for p in problems), problems


def test_touching_bands_are_accepted():
    data = _csv([_row(), _row(tier="一般", conditions="有2处", amount_min="30000", amount_max="60000")])
    assert services.parse_benchmark(data, "x.csv")[2] == []


def test_tier_without_conditions_is_refused_naming_the_row():
    data = _csv([_row(), _row(tier="从重", conditions="", amount_min="60000", amount_max="100000")])
    problems = services.parse_benchmark(data, "x.csv")[2]
    assert any(p.startswith("第3行") and "适用条件" in p for p in problems), problems


def test_the_real_responsible_person_rows_of_99_1_are_contradictory():
    """晋应急发〔2021〕260号 99(一), responsible persons as printed: grade 3 (10,000–20,000) contains grades 4–5."""
    shared = list(csv.DictReader(open(SAMPLES, encoding="utf-8")))
    tiers = {"1": "从轻", "2": "从轻", "3": "一般", "4": "一般", "5": "从重"}
    rows = [_row(violation_code="SX2021-99-1", stage="overdue", target="person", tier=tiers[r["tier"][0]],
                 conditions=r["conditions"], amount_min=r["amount_min"], amount_max=r["amount_max"])
            for r in shared if r["violation_code"] == "SX2021-99-1" and "responsible" in r["tier"]]
    problems = services.parse_benchmark(_csv(rows), "x.csv")[2]
    assert any("重叠" in p for p in problems)


def test_bad_values_are_named():
    data = _csv([_row(tier="很重"), _row(amount_min="abc"), _row(effective_from=""), _row(excluded_industries="banks")])
    problems = services.parse_benchmark(data, "x.csv")[2]
    text = "；".join(problems)
    assert "第2行" in text and "第3行" in text and "第4行" in text and "第5行" in text


def test_missing_columns_are_refused():
    assert "缺少列" in services.parse_benchmark(b"version,source\nA,B\n", "x.csv")[2][0]


@pytest.mark.usefixtures("empty_benchmark")
def test_refused_import_saves_nothing_and_good_import_replaces_its_version():
    bad = _csv([_row(), _row(tier="一般", amount_min="1000", amount_max="60000", conditions="x")])
    with pytest.raises(DomainError) as err:
        services.benchmark_import(actor=None, data=bad, filename="x.csv")
    assert "第2、3行" in err.value.message
    assert BenchmarkRow.objects.count() == 0
    assert services.benchmark_import(actor=None, data=_csv([_row()]), filename="x.csv") == 1
    assert services.benchmark_import(actor=None, data=_csv([_row(), _row(violation_code="T-2")]), filename="x.csv") == 2
    assert BenchmarkRow.objects.filter(version="T1").count() == 2


@pytest.mark.usefixtures("empty_benchmark")
def test_flat_xlsx_import_through_the_page(login, city_admin):
    """Our own layout is still accepted on the import page: it skips the column step, is checked (the problems name
    the row) and written only after the preview is confirmed."""
    def workbook_of(rows: list[dict]) -> bytes:
        wb = Workbook()
        ws = wb.active
        labels = {v: k for k, v in services.HEADER_LABELS.items()}
        ws.append([labels[c] for c in HEADER])
        for row in rows:
            ws.append([row.get(c, "") for c in HEADER])
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()

    client = login(city_admin)
    bad = workbook_of([_row(), _row(tier="一般", conditions="", amount_min="30000", amount_max="60000")])
    response = client.post("/penalties/benchmark/import/", {"file": SimpleUploadedFile("基准.xlsx", bad)})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "校验未通过" in page and "第3行" in page
    assert BenchmarkRow.objects.count() == 0
    response = client.post("/penalties/benchmark/import/", {"file": SimpleUploadedFile("基准.xlsx", workbook_of([_row()]))})
    imp = BenchmarkImport.objects.order_by("-pk").first()
    assert imp.status == "preview" and imp.layout == "flat"
    client.post(f"/penalties/benchmark/imports/{imp.pk}/", {"action": "confirm"})
    assert BenchmarkRow.objects.count() == 1
