"""The legal data files a bureau loads (issue 14 part B) are well formed: the statutory ranges of each penalty
provision (行政处罚法 第五条第二款: a penalty within the range the law sets) and the national 应急〔2024〕90号 rows
(应急管理部令第12号 第三条: a benchmark must stay within the law's 种类 and 幅度). Pure CSV reading, no database."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import defaultdict
from pathlib import Path

import pytest

from bureau.penalties import services

DATA = Path(__file__).resolve().parents[2] / "src" / "bureau" / "penalties" / "data"
STATUTORY = DATA / "statutory-ranges.csv"
MEM90 = DATA / "benchmark-mem2024-90.csv"

COLUMNS = ["version", "source", "reference", "effective_from", "effective_to", "violation_code", "violation",
           "legal_provision", "penalty_provision", "statutory_min", "statutory_max", "stage", "target", "tier",
           "grade_label", "conditions", "amount_min", "amount_max", "other_measures", "excluded_industries",
           "item", "quantity_unit", "quantity_min", "quantity_max", "min_inclusive", "max_inclusive", "facts", "level"]
REQUIRED = ["version", "source", "effective_from", "violation_code", "violation", "penalty_provision", "stage",
            "target", "tier", "conditions", "level"]
LAWS = {"AQSCF", "WHP", "AQXKZ", "YHBZ", "FCFB", "YJYA", "TZZY", "AQPX", "SCPX", "YXKJ"}
CODE = re.compile(r"^(?P<law>[A-Z]+)-\d+(-K\d+)?(-\d+)*$")
UNITS = {"", "人次", "处", "项", "%", "元", "日"}
# model field limits of BenchmarkRow (a longer value would not import)
LIMITS = {"source": 200, "violation": 300, "legal_provision": 200, "penalty_provision": 200, "other_measures": 200,
          "reference": 300}


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _num(value: str) -> float | None:
    return float(value) if value.strip() else None


@pytest.fixture(scope="module")
def statutory() -> list[dict[str, str]]:
    header, rows = _read(STATUTORY)
    assert header == COLUMNS
    return rows


@pytest.fixture(scope="module")
def mem90() -> list[dict[str, str]]:
    header, rows = _read(MEM90)
    assert header == COLUMNS
    return rows


def _row_problems(row: dict[str, str]) -> list[str]:
    code = row["violation_code"]
    problems = [f"{code}: {c} empty" for c in REQUIRED if not row[c].strip()]
    match = CODE.match(code)
    if not match or match["law"] not in LAWS:
        problems.append(f"{code}: code not <LAW>-<article>-<item>")
    dt.date.fromisoformat(row["effective_from"])
    if row["effective_to"]:
        assert dt.date.fromisoformat(row["effective_to"]) >= dt.date.fromisoformat(row["effective_from"])
    if row["stage"] not in ("order", "overdue", "refused") or row["target"] not in ("unit", "person"):
        problems.append(f"{code}: stage/target {row['stage']}/{row['target']}")
    if row["level"] not in ("national", "province", "city"):
        problems.append(f"{code}: level {row['level']}")
    if row["reference"] and not row["reference"].startswith(("http://", "https://")):
        problems.append(f"{code}: reference is not a URL")
    for name in ("statutory", "amount", "quantity"):
        low, high = _num(row[f"{name}_min"]), _num(row[f"{name}_max"])
        if low is not None and high is not None and low > high:
            problems.append(f"{code}: {name}_min > {name}_max")
    if row["quantity_unit"] not in UNITS:
        problems.append(f"{code}: quantity unit {row['quantity_unit']}")
    for flag in ("min_inclusive", "max_inclusive"):
        if row[flag] not in ("", "是", "否"):
            problems.append(f"{code}: {flag} {row[flag]}")
    problems += [f"{code}: {c} longer than {n}" for c, n in LIMITS.items() if len(row[c]) > n]
    return problems


def test_statutory_rows_are_well_formed_with_source_and_dates(statutory):
    """Every statutory row names its text version (source), the date it came into force and the range as printed."""
    problems = [p for row in statutory for p in _row_problems(row)]
    assert problems == []
    for row in statutory:
        assert row["tier"] == "法定幅度" and row["version"] == "法定幅度", row["violation_code"]
        assert row["amount_min"] == row["amount_max"] == "", row["violation_code"]
        assert row["conditions"].startswith("法定幅度："), row["violation_code"]
        # a fine with no fixed amount (上一年年收入百分之… / 违法所得…倍) says so in other_measures
        if row["statutory_max"] == "":
            assert "无固定金额" in row["other_measures"], row["violation_code"]


def test_one_statutory_range_per_violation_stage_and_target(statutory):
    """The law gives one range per stage (责令限期改正/逾期未改正/拒不改正) and addressee; two would contradict."""
    keys = [(r["violation_code"], r["stage"], r["target"]) for r in statutory]
    assert len(keys) == len(set(keys))


def test_the_2021_work_safety_law_ranges_as_printed(statutory):
    """Spot checks against 安全生产法（2021）第九十七条、第九十九条、第一百零八条 (the text read for the file)."""
    by_key = {(r["violation_code"], r["stage"], r["target"]): (r["statutory_min"], r["statutory_max"])
              for r in statutory}
    assert by_key[("AQSCF-97-7", "order", "unit")] == ("0", "100000")
    assert by_key[("AQSCF-97-7", "overdue", "unit")] == ("100000", "200000")
    assert by_key[("AQSCF-97-7", "overdue", "person")] == ("20000", "50000")
    assert by_key[("AQSCF-99-1", "overdue", "person")] == ("10000", "20000")
    assert by_key[("AQSCF-108", "refused", "unit")] == ("20000", "200000")
    assert all(r["effective_from"] == "2021-09-01" for r in statutory if r["violation_code"].startswith("AQSCF-"))


def test_benchmark_rows_are_well_formed_with_their_copy(mem90):
    """Each 90号 row cites the copy it was read from and the document's date of force (2024-11-01)."""
    assert mem90, "no 90号 rows"
    problems = [p for row in mem90 for p in _row_problems(row)]
    assert problems == []
    for row in mem90:
        assert row["version"] == "应急〔2024〕90号" and row["level"] == "national"
        assert row["effective_from"] == "2024-11-01"
        assert row["reference"].startswith("http"), row
        assert row["tier"] not in ("", "法定幅度")
        assert row["item"], row


def _overlap(a: tuple[float | None, float | None, bool, bool], b: tuple[float | None, float | None, bool, bool]) -> bool:
    """Do two ranges (low, high, low inclusive, high inclusive; None = unbounded) share a value?"""
    a_lo, a_hi, a_lo_in, a_hi_in = a
    b_lo, b_hi, b_lo_in, b_hi_in = b

    def below(hi: float | None, hi_in: bool, lo: float | None, lo_in: bool) -> bool:  # range ending at hi is below lo
        if hi is None or lo is None:
            return False
        return hi < lo or (hi == lo and not (hi_in and lo_in))

    return not (below(a_hi, a_hi_in, b_lo, b_lo_in) or below(b_hi, b_hi_in, a_lo, a_lo_in))


def test_tiers_of_one_violation_stage_and_target_do_not_overlap(mem90):
    """Two 阶次 may not both apply to the same facts (部令第12号 第五条: the same facts, the same result): tiers of the
    same quantity unit and facts must not share a quantity."""
    groups: dict[tuple[str, str, str, str, str], list[dict[str, str]]] = defaultdict(list)
    for row in mem90:
        groups[(row["violation_code"], row["stage"], row["target"], row["quantity_unit"], row["facts"])].append(row)
    for key, rows in groups.items():
        tiers = {r["tier"] for r in rows}
        assert len(tiers) == len(rows), f"{key}: a tier twice"
        spans = [(_num(r["quantity_min"]), _num(r["quantity_max"]), r["min_inclusive"] != "否",
                  r["max_inclusive"] != "否") for r in rows]
        for i, a in enumerate(spans):
            for b in spans[i + 1:]:
                assert not _overlap(a, b), f"{key}: overlapping conditions"


def test_every_benchmark_row_has_its_statutory_row_and_stays_within_it(statutory, mem90):
    """部令第12号 第三条 (a benchmark conforms to the law's 幅度) and 行政处罚法 第五条: each 90号 row shares the
    violation_code of a statutory row of the same stage and target, repeats its range and lies inside it."""
    ranges = {(r["violation_code"], r["stage"], r["target"]): r for r in statutory}
    for row in mem90:
        key = (row["violation_code"], row["stage"], row["target"])
        assert key in ranges, f"{key}: no statutory row"
        law = ranges[key]
        assert (row["statutory_min"], row["statutory_max"]) == (law["statutory_min"], law["statutory_max"]), key
        low, high = _num(law["statutory_min"]) or 0, _num(law["statutory_max"])
        amount_min, amount_max = _num(row["amount_min"]), _num(row["amount_max"])
        assert amount_min is not None and amount_max is not None, key
        assert amount_min >= low and (high is None or amount_max <= high), key


def test_overlap_helper_respects_inclusive_bounds():
    """「10%以下」 and 「10%以上」 share 10 unless one side excludes it."""
    assert _overlap((None, 10, True, True), (10, 30, True, True))
    assert not _overlap((None, 10, True, True), (10, 30, False, True))
    assert not _overlap((1, 1, True, True), (2, 2, True, True))
    assert _overlap((3, None, True, True), (5, 5, True, True))


def test_statutory_file_passes_the_benchmark_import_checks():
    """The file is loadable through the bureau's own import (services.parse_benchmark): no row is refused."""
    _items, fields, problems = services.parse_benchmark(STATUTORY.read_bytes(), STATUTORY.name)
    assert problems == []
    assert len(fields) == len(_read(STATUTORY)[1])
