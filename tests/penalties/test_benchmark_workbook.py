"""Import of a published benchmark workbook (penalties.workbook): the table as provinces and cities publish it
(merged cells, 「处1万元以上3万元以下的罚款」, 有1人次 / 比例10%以下 / 逾期N日), checked row by row with problems naming
the sheet and row, previewed, versioned: an imported version is never changed or deleted, earlier rows of the same
level get an end date only after confirmation (应急管理部令第12号 第三条: a benchmark stays within the law's range;
行政处罚法 第三十四条: benchmarks are published and applied as published), a re-import changes nothing; only the city
bureau's administrator, section heads and leaders import."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from bureau.kernel.errors import DomainError, PermissionDenied
from bureau.penalties import rules, workbook
from bureau.penalties.models import BenchmarkImport, BenchmarkRow
from tests.factories import city_bureau, county_bureau, make_user

UNLICENSED = "特种作业人员未按照规定经专门的安全作业培训并取得相应资格，上岗作业的"
A_STANDARD = ("责令限期改正，处1万元以上3万元以下的罚款；逾期未改正的，责令停产停业整顿，并处10万元以上13万元以下的罚款，"
              "对其直接负责的主管人员和其他直接责任人员处2万元以上2.5万元以下的罚款")


def published(b_standard: str = "责令限期改正，处3万元以上6万元以下的罚款", extra_sheet: list[list] | None = None) -> bytes:
    """A small 裁量基准表 as published: a title merged over the table, the violation's cells merged over its tiers."""
    wb = Workbook()
    ws = wb.active
    ws.title = "安全生产法"
    ws.append(["山西省应急管理行政处罚裁量权基准"])
    ws.merge_cells("A1:G1")
    ws.append(["序号", "违法行为", "法律依据", "处罚依据", "裁量阶次", "适用条件", "处罚标准"])
    ws.append([1, UNLICENSED, "《中华人民共和国安全生产法》第三十条第一款：生产经营单位的特种作业人员必须……",
               "《中华人民共和国安全生产法》第九十七条第（七）项", "A", "有1人次", A_STANDARD])
    ws.append([None, None, None, None, "B", "有2人次", b_standard])
    ws.append([None, None, None, None, "C", "有3人次以上", "责令限期改正，处6万元以上10万元以下的罚款"])
    ws.append(["二、培训", "二、培训", "二、培训", "二、培训", "二、培训", "二、培训", "二、培训"])
    ws.merge_cells("A6:G6")
    ws.append([2, "未如实记录安全生产教育和培训情况的", "《安全生产法》第二十八条", "《安全生产法》第九十七条第（四）项",
               "一般", "未如实记录的从业人员占总人数比例10%以下", "处1万元以下的罚款"])
    ws.append([None, None, None, None, "较重", "比例10%以上30%以下", "处1万元以上5万元以下的罚款"])
    for col in "ABCD":
        ws.merge_cells(f"{col}3:{col}5")
        ws.merge_cells(f"{col}7:{col}8")
    if extra_sheet:
        other = wb.create_sheet("危险化学品")
        other.append(["序号", "违法行为", "处罚依据", "违法程度", "适用情形", "裁量标准"])
        for row in extra_sheet:
            other.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


META = workbook.Meta(version="晋2025版", source="晋应急发〔2025〕1号", level=rules.LEVEL_PROVINCE,
                     effective_from=dt.date(2025, 1, 1))


def _parse(data: bytes) -> workbook.Parsed:
    sheets = workbook.read_sheets(data)
    return workbook.parse_published(sheets, workbook.detect_mapping(sheets), META)


# --- pure: amounts, quantities, tiers, codes ---------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "band"), [
    ("处1万元以上3万元以下的罚款", (10000, 30000)),
    ("处3万元以下的罚款", (0, 30000)),  # 以下 only: from 0
    ("处十万元以上二十万元以下的罚款", (100000, 200000)),
    ("罚款1万元至3万元", (10000, 30000)),
    ("1-3万元", (10000, 30000)),
    ("处1.5万元的罚款", (15000, 15000)),
    ("处5000元以上1万元以下罚款", (5000, 10000)),
    ("处10,000元以上50,000元以下的罚款", (10000, 50000)),
    ("处5万元以上的罚款", (50000, None)),  # the statutory maximum closes it (apply_statute)
    ("给予警告", None),
])
def test_amount_text_of_a_standard(text, band):
    assert workbook.parse_fine(text) == band


@pytest.mark.parametrize(("text", "unit", "low", "high", "low_incl", "high_incl"), [
    ("有1人次", "persons", 1, 1, True, True),
    ("有2人次以上", "persons", 2, None, True, True),
    ("3名以下特种作业人员无证上岗", "persons", None, 3, True, True),
    ("发现隐患2处", "places", 2, 2, True, True),
    ("有3项以上", "items", 3, None, True, True),
    ("未如实记录的从业人员占总人数比例10%以下", "percent", None, 10, True, True),
    ("比例10%以上30%以下", "percent", 10, 30, True, True),
    ("逾期10日以上20日以下", "days", 10, 20, True, True),
    ("不满3人", "persons", None, 3, True, False),  # 不满、超过 do not include the number
    ("超过3处", "places", 3, None, False, True),
    ("1至3人次", "persons", 1, 3, True, True),
    ("建设项目投资额在7000万元以上的", "yuan", 70000000, None, True, True),
])
def test_quantity_patterns_of_the_conditions(text, unit, low, high, low_incl, high_incl):
    quantity, ambiguous = workbook.parse_quantity(text)
    assert not ambiguous
    assert quantity == workbook.Quantity(unit, None if low is None else Decimal(low),
                                         None if high is None else Decimal(high), low_incl, high_incl)


def test_quantity_left_to_the_text_when_it_does_not_make_one_interval():
    assert workbook.parse_quantity("有1人次，且逾期10日") == (None, True)
    assert workbook.parse_quantity("造成严重后果的") == (None, False)
    # the document's 说明 decides 以上/以下: the importer may state that 以下 excludes the number
    quantity, _ = workbook.parse_quantity("比例10%以下", below_inclusive=False)
    assert quantity is not None and quantity.max_inclusive is False


@pytest.mark.parametrize(("text", "code"), [
    ("A", ("A", 1)), ("阶次B", ("B", 2)), ("第一档（A）", ("A", 1)), ("1", ("1", 1)), ("第2档", ("2", 2)),
    ("三档", ("3", 3)), ("不予处罚", (rules.EXEMPT, 0)), ("一般", None), ("严重", None),
])
def test_printed_tier_codes(text, code):
    assert workbook.tier_code(text) == code


@pytest.mark.parametrize(("text", "code"), [
    ("《中华人民共和国安全生产法》第九十七条第（七）项", "AQSCF-97-7"),
    ("《安全生产法》（2021年修正）第一百零一条第（三）项", "AQSCF-101-3"),
    ("《危险化学品安全管理条例》第八十条第一款第（一）项", "WHP-80-1"),
    ("《工贸企业粉尘防爆安全规定》第三十条", "FCFB-30"),
    ("《中华人民共和国消防法》第六十条", None),
])
def test_violation_code_from_the_penalty_provision(text, code):
    assert workbook.provision_code(text) == code


def test_a_standard_naming_two_stages_and_the_responsible_persons_splits_into_rows():
    segments = workbook.split_standard(A_STANDARD)
    assert [(s.stage, s.target, s.amount_min, s.amount_max) for s in segments] == [
        (rules.STAGE_ORDER, rules.TARGET_UNIT, 10000, 30000),
        (rules.STAGE_OVERDUE, rules.TARGET_UNIT, 100000, 130000),
        (rules.STAGE_OVERDUE, rules.TARGET_PERSON, 20000, 25000)]
    assert segments[1].measures == "责令停产停业整顿"
    refused = workbook.split_standard("责令改正，可以处5万元以下的罚款；拒不改正的，处5万元以上10万元以下的罚款")
    assert [s.stage for s in refused] == [rules.STAGE_ORDER, rules.STAGE_REFUSED]


# --- pure: a generated workbook ----------------------------------------------------------------------------------------
def test_published_workbook_with_merged_cells_is_read_into_rows():
    out = _parse(published())
    assert out.problems == []
    rows = {(r["violation_code"], r["tier"], r["stage"], r["target"]): r for r in out.rows}
    assert len(out.rows) == 7
    a_order = rows[("AQSCF-97-7", "A", rules.STAGE_ORDER, rules.TARGET_UNIT)]
    assert (a_order["amount_min"], a_order["amount_max"]) == (10000, 30000)
    assert (a_order["quantity_unit"], a_order["quantity_min"], a_order["quantity_max"]) == ("persons", 1, 1)
    assert a_order["violation"] == UNLICENSED and a_order["item"] == "1"  # filled down from the merged cells
    assert a_order["legal_provision"] == "《中华人民共和国安全生产法》第三十条第一款"  # the citation, not the law's text
    assert (a_order["version"], a_order["level"], a_order["effective_from"]) == ("晋2025版", "province",
                                                                                 dt.date(2025, 1, 1))
    overdue = rows[("AQSCF-97-7", "A", rules.STAGE_OVERDUE, rules.TARGET_UNIT)]
    assert (overdue["amount_min"], overdue["amount_max"], overdue["other_measures"]) == (100000, 130000, "责令停产停业整顿")
    assert rows[("AQSCF-97-7", "A", rules.STAGE_OVERDUE, rules.TARGET_PERSON)]["amount_max"] == 25000
    c = rows[("AQSCF-97-7", "C", rules.STAGE_ORDER, rules.TARGET_UNIT)]
    assert (c["tier_rank"], c["quantity_min"], c["quantity_max"], c["item"]) == (3, 3, None, "1")
    # degree words are numbered in printed order and kept as the label
    first, second = rows[("AQSCF-97-4", "1", "order", "unit")], rows[("AQSCF-97-4", "2", "order", "unit")]
    assert (first["grade_label"], first["amount_min"], first["amount_max"]) == ("一般", 0, 10000)
    assert (first["quantity_unit"], first["quantity_max"], second["quantity_min"]) == ("percent", 10, 10)
    # 10 % belongs to both tiers as printed (以上、以下 含本数): it goes to the lower one, and the importer is told
    assert second["min_inclusive"] is False
    assert any("衔接" in w["message"] for w in out.warnings)


def test_problems_name_the_sheet_row_and_column():
    data = published(b_standard="责令限期改正，处2万元以上6万元以下的罚款", extra_sheet=[
        [1, "未按规定设置安全警示标志", "《危险化学品安全管理条例》第八十条第一款第（二）项", "一般", "有1处", "按有关规定处理"],
        [2, "某违法行为", "《某某条例》第三条", "一般", "有1处", "处1万元以下的罚款"],
    ])
    out = _parse(data)
    texts = workbook.problems_text(out.problems)
    assert any(t.startswith("工作表「危险化学品」第2行（裁量标准）：未能识别罚款金额") for t in texts), texts
    assert any(t.startswith("工作表「危险化学品」第3行（处罚依据）：无法从") for t in texts), texts
    assert any(t.startswith("工作表「安全生产法」第4行（处罚标准）") and "重叠" in t for t in texts), texts


def test_band_outside_the_statutory_range_is_refused_and_an_open_band_ends_at_the_maximum():
    """应急管理部令第12号 第三条: the benchmark stays within the range the law sets."""
    out = _parse(published(b_standard="责令限期改正，处3万元以上的罚款"))
    law = {("AQSCF-97-7", "order", "unit"): (0, 100000), ("AQSCF-97-7", "overdue", "unit"): (100000, 200000),
           ("AQSCF-97-7", "overdue", "person"): (20000, 50000), ("AQSCF-97-4", "order", "unit"): (0, 40000)}
    workbook.apply_statute(out.rows, law, out)
    b = next(r for r in out.rows if r["tier"] == "B")
    assert (b["amount_min"], b["amount_max"], b["statutory_max"]) == (30000, 100000, 100000)
    texts = workbook.problems_text(out.problems)
    assert len(texts) == 1 and texts[0].startswith("工作表「安全生产法」第8行（处罚标准）") and "超出法定幅度" in texts[0]


# --- with the database: versions, history, idempotence, authority --------------------------------------------------------
@pytest.fixture
def importer(empty_benchmark):
    return make_user("bench_head", roles=["section_head"], organisation=city_bureau())


def _upload(actor, data: bytes, **meta) -> BenchmarkImport:
    values = {"version": "晋2025版", "source": "晋应急发〔2025〕1号", "level": "province",
              "effective_from": dt.date(2025, 1, 1), **meta}
    imp = workbook.import_upload(actor=actor, upload=SimpleUploadedFile("基准.xlsx", data), **values)
    assert imp.status == BenchmarkImport.Status.MAPPING
    workbook.import_map(actor=actor, imp=imp, mapping=imp.mapping)  # the job runs inline in tests
    imp.refresh_from_db()
    return imp


def _confirm(actor, imp: BenchmarkImport, **kw) -> BenchmarkImport:
    workbook.import_confirm(actor=actor, imp=imp, **kw)
    imp.refresh_from_db()
    return imp


def test_import_is_previewed_then_written_as_a_version(importer):
    imp = _upload(importer, published())
    assert imp.status == BenchmarkImport.Status.PREVIEW and imp.created_count == 7
    assert BenchmarkRow.objects.count() == 0  # nothing before the confirmation
    assert [v.code for v in workbook.preview(imp)] == ["AQSCF-97-7", "AQSCF-97-4"]
    imp = _confirm(importer, imp)
    assert (imp.status, imp.created_count, imp.percent) == (BenchmarkImport.Status.DONE, 7, 100)
    row = BenchmarkRow.objects.get(violation_code="AQSCF-97-7", tier="B")
    assert (row.level, row.version, row.source, row.quantity_min, row.line) == ("province", "晋2025版",
                                                                               "晋应急发〔2025〕1号", 2, 4)


def test_a_new_version_never_overwrites_history_and_ends_earlier_rows_only_after_confirmation(importer):
    national = BenchmarkRow.objects.create(
        version="应急〔2024〕90号", source="应急管理部", effective_from=dt.date(2024, 11, 1), violation_code="AQSCF-97-7",
        violation=UNLICENSED, legal_provision="", penalty_provision="", tier="A", tier_rank=1, conditions="有1人次",
        amount_min=0, amount_max=30000, level="national")
    _confirm(importer, _upload(importer, published()))
    old = {r.pk: (r.amount_min, r.amount_max) for r in BenchmarkRow.objects.filter(version="晋2025版")}
    new = _upload(importer, published(b_standard="责令限期改正，处3万元以上5万元以下的罚款"), version="晋2026版",
                  source="晋应急发〔2026〕2号", effective_from=dt.date(2026, 7, 1))
    assert new.status == BenchmarkImport.Status.PREVIEW and len(new.closures) == 7
    assert workbook.closure_summary(new) == [{"version": "晋2025版", "source": "晋应急发〔2025〕1号",
                                              "effective_to": dt.date(2026, 6, 30), "rows": 7}]
    with pytest.raises(DomainError, match="请确认"):
        _confirm(importer, new)
    assert not BenchmarkRow.objects.filter(effective_to__isnull=False).exists()
    new = _confirm(importer, new, close_earlier=True)
    assert (new.status, new.created_count, new.closed_count) == (BenchmarkImport.Status.DONE, 7, 7)
    kept = BenchmarkRow.objects.filter(version="晋2025版")
    assert {r.pk: (r.amount_min, r.amount_max) for r in kept} == old  # same rows, same amounts
    assert {r.effective_to for r in kept} == {dt.date(2026, 6, 30)}
    national.refresh_from_db()
    assert national.effective_to is None  # another level is not this version's history
    on = dt.date(2026, 8, 1)
    assert BenchmarkRow.objects.in_force(on).get(violation_code="AQSCF-97-7", tier="B", level="province").amount_max == 50000
    assert BenchmarkRow.objects.in_force(dt.date(2026, 1, 1)).get(
        violation_code="AQSCF-97-7", tier="B", level="province").amount_max == 60000


def test_reimporting_the_same_file_changes_nothing_and_says_so(importer):
    _confirm(importer, _upload(importer, published()))
    again = _upload(importer, published())
    assert (again.status, again.created_count, again.unchanged_count, again.closures) == (
        BenchmarkImport.Status.PREVIEW, 0, 7, [])
    assert "全部与已导入的版本相同" in again.message
    again = _confirm(importer, again)
    assert (again.status, again.created_count, again.unchanged_count) == (BenchmarkImport.Status.DONE, 0, 7)
    assert "未作任何更改" in again.message
    assert BenchmarkRow.objects.count() == 7
    # the same version with other content is refused: an imported version is not changed
    changed = _upload(importer, published(b_standard="责令限期改正，处3万元以上5万元以下的罚款"))
    assert changed.status == BenchmarkImport.Status.INVALID
    assert any("不能修改或删除" in p["message"] for p in changed.problems)


def test_only_the_city_bureaus_administrator_section_heads_and_leaders_import(importer, login):
    county_leader = make_user("bench_county", roles=["leader"], organisation=county_bureau())
    city_inspector = make_user("bench_insp", roles=["inspector"], organisation=city_bureau(), enforcement_id="1")
    for user in (county_leader, city_inspector):
        with pytest.raises(PermissionDenied):
            workbook.import_upload(actor=user, upload=SimpleUploadedFile("基准.xlsx", published()), version="v",
                                   source="s", level="province", effective_from=dt.date(2025, 1, 1))
        assert login(user).get("/penalties/benchmark/import/").status_code == 404
    imp = _upload(importer, published())
    client = login(county_leader)
    assert client.get(f"/penalties/benchmark/imports/{imp.pk}/").status_code == 404
    assert client.get(f"/api/v1/penalties/benchmark-imports/{imp.pk}").status_code == 404
    with pytest.raises(PermissionDenied):
        workbook.import_confirm(actor=county_leader, imp=imp)
    assert BenchmarkRow.objects.count() == 0


def test_pages_upload_map_preview_and_confirm(importer, login):
    client = login(importer)
    r = client.post("/penalties/benchmark/import/", {
        "file": SimpleUploadedFile("基准.xlsx", published()), "version": "晋2025版", "source": "晋应急发〔2025〕1号",
        "level": "province", "effective_from": "2025-01-01", "above_inclusive": "on", "below_inclusive": "on"})
    assert r.status_code == 302
    imp = BenchmarkImport.objects.get()
    page = client.get(r.url).content.decode()
    assert "确认各列的含义" in page and "处罚标准" in page
    form = {f"col_{i}": field for i, (_h, field, _s) in enumerate(
        [(c["header"], imp.mapping[c["header"]], []) for c in imp.headers[0]["columns"]])}
    r = client.post(f"/penalties/benchmark/imports/{imp.pk}/", {"action": "map", **form})
    assert r.status_code == 302
    page = client.get(r.url).content.decode()
    assert "AQSCF-97-7" in page and "确认导入 7 条" in page and "1人次" in page
    progress = client.get(f"/penalties/benchmark/imports/{imp.pk}/progress.json").json()
    assert (progress["status"], progress["percent"], progress["running"]) == ("preview", 100, False)
    r = client.post(f"/penalties/benchmark/imports/{imp.pk}/", {"action": "confirm"})
    assert r.status_code == 302 and BenchmarkRow.objects.count() == 7
    assert "新增条目" in client.get(r.url).content.decode()


def test_api_upload_returns_the_import_and_its_status(importer, login):
    client = login(importer)
    r = client.post("/api/v1/penalties/benchmark-imports", {
        "file": SimpleUploadedFile("基准.xlsx", published()), "version": "晋2025版", "source": "晋应急发〔2025〕1号",
        "level": "province", "effective_from": "2025-01-01", "mapping": json.dumps({"适用条件": "conditions"})})
    assert r.status_code == 202, r.content
    body = r.json()
    assert (body["status"], body["rows"], body["violations"], body["created"]) == ("preview", 7, 2, 7)
    got = client.get(f"/api/v1/penalties/benchmark-imports/{body['id']}").json()
    assert got["percent"] == 100 and got["problems"] == []
    r = client.post(f"/api/v1/penalties/benchmark-imports/{body['id']}/confirm", data="{}",
                    content_type="application/json")
    assert r.status_code == 202 and r.json()["status"] == "done"
    bad = client.post("/api/v1/penalties/benchmark-imports", {
        "file": SimpleUploadedFile("基准.xlsx", published()), "version": "v", "source": "s", "level": "province"})
    assert bad.status_code == 400 and "生效日期" in bad.json()["detail"]
