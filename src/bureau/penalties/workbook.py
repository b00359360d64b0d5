"""Import of a discretion benchmark workbook (裁量基准表) as provinces and cities publish it, so that a bureau loads
its province's current benchmark itself.

A published table has one row per 阶次 of a violation, the violation's own cells merged over its tiers:
序号 | 违法行为 | 法律依据（违法条款）| 处罚依据 | 裁量阶次 / 违法程度 | 适用条件 | 处罚标准. This module
- finds the header row of each sheet and proposes which column is which (the importer confirms it: `mapping`);
- fills the merged cells down, parses 「处1万元以上3万元以下的罚款」 into a band, splits a 处罚标准 that names several
  stages (责令限期改正 / 逾期未改正 / 拒不改正) and targets (单位 / 直接负责的主管人员…) into one row each, reads the
  quantity of the 适用条件 where it follows the common patterns (有1人次, 2处以上, 比例10%以下, 逾期10日以上) and keeps
  the text otherwise, derives the violation code `<LAW>-<article>-<item>` of the shared contract from the 处罚依据;
- checks every row (Chinese problems naming the sheet, row and column) and the tiers of a violation together;
- compares with what is stored: rows already imported identically are left alone (a re-import changes nothing),
  an imported version is never changed or deleted, earlier rows of the same level get an end date the day before
  the new version's effective date — only where they overlap and only after the importer confirmed it.
Our own flat layout (services.COLUMNS) is still read by `services.parse_benchmark`.

The parse and the write run as background jobs (`run_benchmark_import`) with their progress in the record.

Sources: 应急管理部令第12号 第三条 (a benchmark stays within the statutory kind and range); 行政处罚法 第三十四条
(benchmarks are published); 「以上、以下、以内」含本数，「不满、超过」不含本数 (《立法技术规范（试行）（一）》,
全国人大常委会法工委 2009, as quoted by published benchmarks; the importer overrides it when the document's 说明 says
otherwise).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import logging
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task
from openpyxl import load_workbook
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.xml.functions import fromstring as xml_fromstring  # the parser openpyxl reads these parts with

from bureau.accounts.authority import require_change
from bureau.accounts.models import User
from bureau.kernel.attachments import check_upload
from bureau.kernel.audit import audit
from bureau.kernel.errors import DomainError, NotFound
from bureau.kernel.excel import read_rows
from bureau.kernel.jobs import enqueue
from bureau.penalties import rules, services
from bureau.penalties.models import BenchmarkImport, BenchmarkRow

log = logging.getLogger("bureau.penalties.workbook")

MAX_BYTES = 10 * 1024 * 1024
MAX_UNPACKED = 200 * 1024 * 1024  # a workbook is a zip: its parts unpacked (a zip bomb is refused before reading)
MAX_ROWS = 20000
PROGRESS_EVERY = 100
BATCH = 500
PUBLISHED, FLAT = "published", "flat"

# --- the columns of a published table ---------------------------------------------------------------------------------
FIELD_LABELS: dict[str, str] = {
    "seq": "序号（条目）",
    "violation": "违法行为",
    "legal_provision": "法律依据（违法条款）",
    "penalty_provision": "处罚依据",
    "tier": "裁量阶次 / 违法程度",
    "conditions": "适用条件 / 情形",
    "standard": "处罚标准（罚款幅度）",
    "violation_code": "违法行为代码",
    "stage": "阶段",
    "target": "处罚对象",
    "other_measures": "其他处理措施",
    "ignore": "（不导入）",
}
REQUIRED_FIELDS = ("violation", "penalty_provision", "conditions", "standard")
# header texts of published tables, per field (a header matches exactly, else the longest name it contains)
HEADER_NAMES: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号", "条目", "序"),
    "violation": ("违法行为", "违法行为名称", "违法事项", "处罚事项", "事项名称", "违法行为表现"),
    "legal_provision": ("法律依据", "违法条款", "法律规定", "违法依据", "违反条款", "违反规定"),
    "penalty_provision": ("处罚依据", "处罚条款", "罚则", "法律责任"),
    "tier": ("裁量阶次", "阶次", "违法程度", "裁量等级", "裁量档次", "档次", "违法情节", "情节", "裁量阶段"),
    "conditions": ("适用条件", "适用情形", "情形", "具体情形", "违法情形", "裁量情形", "裁量因素", "违法事实"),
    "standard": ("处罚标准", "具体标准", "裁量标准", "裁量幅度", "处罚幅度", "罚款幅度", "处罚裁量基准",
                 "裁量基准", "具体处罚标准", "处罚内容"),
    "violation_code": ("违法行为代码", "代码", "事项编码", "事项代码"),
    "stage": ("阶段", "处罚阶段"),
    "target": ("处罚对象", "对象"),
    "other_measures": ("其他处理措施", "其他措施", "其他处罚"),
}
# the violation's own cells: merged (or left blank) over its tiers, filled down
VIOLATION_FIELDS = ("seq", "violation", "legal_provision", "penalty_provision", "violation_code")

# violation codes of the shared contract: <LAW>-<article>-<item>
LAW_CODES: tuple[tuple[str, str], ...] = (
    ("安全生产法", "AQSCF"),
    ("危险化学品安全管理条例", "WHP"),
    ("安全生产许可证条例", "AQXKZ"),
    ("烟花爆竹安全管理条例", "YHBZ"),
    ("工贸企业粉尘防爆安全规定", "FCFB"),
    ("工贸企业有限空间作业安全规定", "YXKJ"),
    ("生产安全事故应急预案管理办法", "YJYA"),
    ("特种作业人员安全技术培训考核管理规定", "TZZY"),
    ("安全生产培训管理办法", "AQPX"),
    ("生产经营单位安全培训规定", "SCPX"),
)


def _norm(text: Any) -> str:
    """A cell as text: no surrounding or inner line breaks, integers without '.0'."""
    if text is None:
        return ""
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    if isinstance(text, dt.datetime | dt.date):
        return text.isoformat()[:10]
    return re.sub(r"\s*\n\s*", "", str(text)).strip()


def _header_key(text: str) -> str:
    return re.sub(r"[\s（）()【】\[\]：:*＊]", "", text)


def detect_field(header: str) -> str:
    """The field a header names ("" if none): an exact name first, else the longest name the header contains."""
    key = _header_key(header)
    if not key:
        return ""
    for name, names in HEADER_NAMES.items():
        if key in names:
            return name
    best = ("", 0)
    for name, names in HEADER_NAMES.items():
        for n in names:
            if len(n) >= 2 and n in key and len(n) > best[1]:
                best = (name, len(n))
    return best[0]


# --- numbers --------------------------------------------------------------------------------------------------------
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
NUM = r"(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+)"


def cn_number(text: str) -> Decimal | None:
    """A number written in digits or Chinese numerals (九十七, 一百零一, 十万, 1.5)."""
    text = text.strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return Decimal(text)
    total = section = digit = 0
    if not text:
        return None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (digit or 1) * _CN_UNITS[ch]
            digit = 0
        elif ch == "万":
            total += (section + digit or 1) * 10000
            section = digit = 0
        else:
            return None
    return Decimal(total + section + digit)


def _clean(text: str) -> str:
    text = re.sub(r"(?<=\d)[,，](?=\d{3})", "", text)  # 10,000
    return text.replace("（含）", "").replace("(含)", "").replace("　", " ")


# --- amounts (处罚标准) -------------------------------------------------------------------------------------------------
_MONEY_UNIT = r"(万元|元|万)"
_RANGE_DASH = r"(?:至|到|-|－|—|–|~|～)"
_MONEY_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("range", re.compile(rf"({NUM})\s*{_MONEY_UNIT}\s*(?:以上|及以上)\s*[、，,]?\s*({NUM})\s*{_MONEY_UNIT}\s*(?:以下|及以下)?")),
    ("dash", re.compile(rf"({NUM})\s*{_MONEY_UNIT}?\s*{_RANGE_DASH}\s*({NUM})\s*{_MONEY_UNIT}")),
    ("upto", re.compile(rf"(?:不超过|不高于|最高)\s*({NUM})\s*{_MONEY_UNIT}|({NUM})\s*{_MONEY_UNIT}\s*(?:以下|及以下|以内)")),
    ("from", re.compile(rf"({NUM})\s*{_MONEY_UNIT}\s*(?:以上|及以上)")),
    ("fixed", re.compile(rf"({NUM})\s*{_MONEY_UNIT}")),
)
_MULTIPLIER = {"万元": 10000, "万": 10000, "元": 1}


def _yuan(number: str, unit: str | None) -> int | None:
    value = cn_number(number)
    if value is None:
        return None
    return int((value * _MULTIPLIER.get(unit or "元", 1)).to_integral_value())


def parse_fine(text: str) -> tuple[int, int | None] | None:
    """The fine band of a 处罚标准 fragment in yuan: 「处1万元以上3万元以下的罚款」 → (10000, 30000); 「3万元以下」 →
    (0, 30000) (以下 only: from 0); 「5万元以上」 → (50000, None); 「处2万元的罚款」 → (20000, 20000); None if no amount."""
    text = _clean(text)
    for kind, pattern in _MONEY_PATTERNS:
        m = pattern.search(text)
        if m is None:
            continue
        if kind == "range":
            low, high = _yuan(m.group(1), m.group(2)), _yuan(m.group(3), m.group(4))
        elif kind == "dash":
            low, high = _yuan(m.group(1), m.group(2) or m.group(4)), _yuan(m.group(3), m.group(4))
        elif kind == "upto":
            number, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
            low, high = 0, _yuan(number, unit)
        elif kind == "from":
            low, high = _yuan(m.group(1), m.group(2)), None
        else:
            low = high = _yuan(m.group(1), m.group(2))
        if low is None:
            continue
        return low, high
    return None


# --- stages and targets of a 处罚标准 ----------------------------------------------------------------------------------
_STAGE_CUES = re.compile(r"(?P<refused>拒不(?:改正|整改|执行))|(?P<overdue>逾期(?:仍?未|不|仍不)?(?:改正|整改)|逾期未改|逾期不改)")
_ORDER_CUE = re.compile(r"责令(?:限期)?(?:改正|整改)|限期(?:改正|整改)")
_PERSON_CUE = re.compile(r"对其?直接负责的主管人员|对其?(?:主要负责人|直接责任人员|有关责任人员|责任人员)|对个人")
_MEASURES = re.compile(r"责令停产停业整顿|责令停止建设|责令停止施工|责令停止作业|责令停止违法行为|责令关闭|"
                       r"提请[^，,；;。]{0,20}(?:关闭|停产)|暂扣[^，,；;。]{0,20}|吊销[^，,；;。]{0,20}|没收[^，,；;。]{0,20}|警告")
_EXEMPT_CUE = re.compile(r"不予(?:行政)?处罚|免予(?:行政)?处罚|首违不罚")


def stage_cue(text: str) -> str | None:
    """The stage a text names: 拒不改正 → refused, 逾期未改正 / 逾期N日 → overdue, 责令限期改正 → order, else None."""
    m = _STAGE_CUES.search(text)
    if m is not None:
        return rules.STAGE_REFUSED if m.group("refused") else rules.STAGE_OVERDUE
    if re.search(rf"逾期\s*{NUM}\s*(?:日|天|个工作日)", text):
        return rules.STAGE_OVERDUE
    if _ORDER_CUE.search(text):
        return rules.STAGE_ORDER
    return None


@dataclass(frozen=True)
class Segment:
    """One (stage, target) of a 处罚标准: its band and the other measures it names. stage None: not named."""

    stage: str | None
    target: str
    amount_min: int | None
    amount_max: int | None
    measures: str
    text: str


def split_standard(text: str) -> list[Segment]:
    """「责令限期改正，处3万元以下的罚款；逾期未改正的，责令停产停业整顿，并处10万元以上13万元以下的罚款，对其直接负责的
    主管人员和其他直接责任人员处2万元以上2.5万元以下的罚款」 → order/unit, overdue/unit, overdue/person."""
    text = _clean(_norm(text))
    cuts: list[tuple[int, str, str]] = []
    for m in _STAGE_CUES.finditer(text):
        cuts.append((m.start(), "stage", rules.STAGE_REFUSED if m.group("refused") else rules.STAGE_OVERDUE))
    for m in _PERSON_CUE.finditer(text):
        cuts.append((m.start(), "target", rules.TARGET_PERSON))
    cuts.sort()
    pieces: list[tuple[str | None, str, str]] = []
    stage: str | None = None
    target = rules.TARGET_UNIT
    start = 0
    for pos, kind, value in [*cuts, (len(text), "end", "")]:
        if pos > start:
            pieces.append((stage, target, text[start:pos]))
        if kind == "stage":
            stage, target = value, rules.TARGET_UNIT
        elif kind == "target":
            target = value
        start = pos
    segments: list[Segment] = []
    for piece_stage, piece_target, piece in pieces:
        if piece_stage is None and _ORDER_CUE.search(piece):
            piece_stage = rules.STAGE_ORDER
        fine = parse_fine(piece)
        measures = "，".join(dict.fromkeys(m.group(0).strip() for m in _MEASURES.finditer(piece)))
        if fine is None and not measures:
            continue
        segments.append(Segment(piece_stage, piece_target, fine[0] if fine else None, fine[1] if fine else None,
                                measures, piece.strip("；;，,。 ")))
    return segments


# --- quantities (适用条件) ----------------------------------------------------------------------------------------------
_QTY_UNIT_CODES = {"人次": "persons", "人": "persons", "名": "persons", "处": "places", "项": "items", "%": "percent",
                   "％": "percent", "日": "days", "天": "days", "个工作日": "days", "元": "yuan", "万元": "yuan"}
_QTY_UNIT = r"(人次|万元|元|个工作日|人|名|处|项|%|％|日|天)"
_QTY = re.compile(rf"(?P<pre>不超过|不高于|不少于|不低于|超过|多于|大于|高于|不满|不足|少于|低于)?\s*(?P<num>{NUM})\s*"
                  rf"(?P<unit>{_QTY_UNIT[1:-1]})(?P<post>及以上|以上|及以下|以下|以内|内)?")
_QTY_RANGE = re.compile(rf"(?P<a>{NUM})\s*(?P<ua>{_QTY_UNIT[1:-1]})?\s*{_RANGE_DASH}\s*(?P<b>{NUM})\s*(?P<unit>{_QTY_UNIT[1:-1]})")


@dataclass(frozen=True)
class Quantity:
    unit: str
    minimum: Decimal | None
    maximum: Decimal | None
    min_inclusive: bool = True
    max_inclusive: bool = True


def _qty_value(number: str, unit: str) -> Decimal | None:
    value = cn_number(number)
    if value is None:
        return None
    return value * 10000 if unit == "万元" else value


def parse_quantity(text: str, *, above_inclusive: bool = True, below_inclusive: bool = True
                   ) -> tuple[Quantity | None, bool]:
    """(the quantity condition, ambiguous?) of an 适用条件: 「有1人次」 → persons [1, 1]; 「2处以上」 → places [2, ∞);
    「比例10%以下」 → percent (∞, 10]; 「逾期10日以上20日以下」 → days [10, 20]; 「不满3人」 → persons (∞, 3). Several
    units or bounds that do not make one interval: (None, True) — the text stays in `conditions` alone."""
    text = _clean(_norm(text))
    ranges = list(_QTY_RANGE.finditer(text))
    singles = list(_QTY.finditer(text))
    if not ranges and not singles:
        return None, False
    inside = len(ranges) == 1 and all(ranges[0].start() <= m.start() and m.end() <= ranges[0].end() + 4
                                      for m in singles)
    if inside:
        m = ranges[0]
        if m.group("ua") and _QTY_UNIT_CODES[m.group("ua")] != _QTY_UNIT_CODES[m.group("unit")]:
            return None, True
        first = _qty_value(m.group("a"), m.group("ua") or m.group("unit"))
        last = _qty_value(m.group("b"), m.group("unit"))
        if first is None or last is None:
            return None, True
        return Quantity(_QTY_UNIT_CODES[m.group("unit")], first, last), False
    if ranges or len(singles) > 2:
        return None, True
    units = {_QTY_UNIT_CODES[m.group("unit")] for m in singles}
    if len(units) != 1:
        return None, True
    unit = units.pop()
    low: Decimal | None = None
    high: Decimal | None = None
    low_incl = high_incl = True
    for m in singles:
        value = _qty_value(m.group("num"), m.group("unit"))
        if value is None:
            return None, True
        pre, post = m.group("pre") or "", m.group("post") or ""
        if pre in ("超过", "多于", "大于", "高于"):
            kind, incl = "low", False
        elif pre in ("不少于", "不低于"):
            kind, incl = "low", True
        elif pre in ("不满", "不足", "少于", "低于"):
            kind, incl = "high", False
        elif pre in ("不超过", "不高于"):
            kind, incl = "high", True
        elif post in ("以上", "及以上"):
            kind, incl = "low", above_inclusive or post == "及以上"
        elif post in ("以下", "及以下"):
            kind, incl = "high", below_inclusive or post == "及以下"
        elif post in ("以内", "内"):
            kind, incl = "high", True
        else:
            kind, incl = "exact", True
        if kind == "exact":
            if len(singles) > 1:
                return None, True
            return Quantity(unit, value, value), False
        if kind == "low":
            if low is not None:
                return None, True
            low, low_incl = value, incl
        else:
            if high is not None:
                return None, True
            high, high_incl = value, incl
    return Quantity(unit, low, high, low_incl, high_incl), False


# --- tiers ----------------------------------------------------------------------------------------------------------
_LETTER_RANK = {c: i for i, c in enumerate("ABCDEFGHIJ", start=1)}


def tier_code(text: str) -> tuple[str, int] | None:
    """(code, rank) of a printed 阶次: A / 阶次A / 第一档（A）→ A; 1 / 第1档 / 一档 → 1; 不予处罚 → exempt; None when
    it is a degree word (一般、较重、严重…) — then the tiers of the violation are numbered in their printed order."""
    text = _norm(text)
    if not text:
        return None
    if _EXEMPT_CUE.search(text):
        return rules.EXEMPT, 0
    if text == rules.TIER_LABELS[rules.STATUTORY]:
        return rules.STATUTORY, 0
    m = re.search(r"[（(]\s*([A-Ja-j])\s*[)）]", text) or re.fullmatch(
        r"(?:阶次|第)?\s*([A-Ja-j])\s*(?:阶次|阶|档|级|类)?", text)
    if m is not None:
        letter = m.group(1).upper()
        return letter, _LETTER_RANK[letter]
    m = re.fullmatch(rf"(?:阶次|第)?\s*({NUM})\s*(?:阶次|阶|档|级|类)?", text)
    if m is not None:
        number = cn_number(m.group(1))
        if number is not None and 0 < number < 100 and number == number.to_integral_value():
            return str(int(number)), int(number)
    return None


# --- provisions and codes ---------------------------------------------------------------------------------------------
_ARTICLE = re.compile(r"第\s*([\d零〇一二两三四五六七八九十百千]+)\s*条")
_ITEM = re.compile(r"\s*(?:第\s*[\d一二三四五六七八九十]+\s*款)?\s*(?:第\s*)?[（(]\s*([\d一二三四五六七八九十]+)\s*[)）]\s*项?"
                   r"|\s*(?:第\s*[\d一二三四五六七八九十]+\s*款)?\s*第\s*([\d一二三四五六七八九十]+)\s*项")
_CITATION = re.compile(r"《[^》]{2,40}》\s*(?:[（(][^）)]{0,20}[）)])?\s*第[^条，,；;。]{1,8}条(?:第[^款，,；;。]{1,4}款)?"
                       r"(?:第?\s*[（(][^）)]{1,4}[）)]\s*项?|第[^项，,；;。]{1,4}项)?")


def provision_code(text: str) -> str | None:
    """`<LAW>-<article>[-<item>]` of the first law the text cites that the contract names, e.g.
    「《中华人民共和国安全生产法》第九十七条第（七）项」 → AQSCF-97-7; None if no known law and article."""
    text = _norm(text)
    found: tuple[int, str, str] | None = None
    for name, code in LAW_CODES:
        pos = text.find(name)
        if pos >= 0 and (found is None or pos < found[0]):
            found = (pos, name, code)
    if found is None:
        return None
    rest = text[found[0] + len(found[1]):]
    m = _ARTICLE.search(rest[:40])
    if m is None:
        return None
    article = cn_number(m.group(1))
    if article is None:
        return None
    code = f"{found[2]}-{int(article)}"
    item = _ITEM.match(rest[m.end():])
    if item is not None:
        number = cn_number(item.group(1) or item.group(2))
        if number is not None:
            code += f"-{int(number)}"
    return code


def citation(text: str, limit: int = 200) -> str:
    """The citations of a provision cell (「《安全生产法》第九十七条第（七）项」…) without the quoted law text, or the
    cell cut to `limit`."""
    text = _norm(text)
    found = [m.group(0).replace(" ", "") for m in _CITATION.finditer(text)]
    short = "、".join(dict.fromkeys(found)) if found else text
    return short if len(short) <= limit else short[:limit - 1] + "…"


# --- reading a workbook -------------------------------------------------------------------------------------------------
@dataclass
class Sheet:
    title: str
    header_row: int  # 1-based; 0: no header found
    headers: list[str]
    rows: list[tuple[int, list[Any]]]  # (row number, cells) below the header, merged cells filled


_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]{1,3}\d+)(?::([A-Z]{1,3}\d+))?\"")


def _merged_ranges(data: bytes) -> dict[str, list[tuple[int, int, int, int]]]:
    """{sheet title: [(min_row, min_col, max_row, max_col)]} of the merged cells, read from the sheets' XML (openpyxl
    reads merged cells only in its full mode, which is quadratic in their number)."""
    ranges: dict[str, list[tuple[int, int, int, int]]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
            raise DomainError(f"工作簿解压后超过 {MAX_UNPACKED // (1024 * 1024)} MB，请拆分后分别导入", code="file_size")
        book = xml_fromstring(archive.read("xl/workbook.xml"))
        rels = xml_fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target", "") for r in rels}
        for sheet in book.iter():
            if not sheet.tag.endswith("}sheet"):
                continue
            target = targets.get(sheet.get(f"{_REL_NS}id"), "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            if path not in archive.namelist():
                continue
            found = []
            for m in _MERGE.finditer(archive.read(path)):
                first, last = m.group(1).decode(), (m.group(2) or m.group(1)).decode()
                (c1, r1), (c2, r2) = coordinate_from_string(first), coordinate_from_string(last)
                found.append((r1, column_index_from_string(c1), r2, column_index_from_string(c2)))
            ranges[sheet.get("name", "")] = found
    return ranges


def read_sheets(data: bytes) -> list[Sheet]:
    """Every sheet with its header row (the first of the top 15 rows naming ≥ 3 different fields) and its rows, the
    merged cells filled from their top-left cell."""
    merged = _merged_ranges(data)
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheets: list[Sheet] = []
    for ws in wb.worksheets:
        grid = [list(r) for r in ws.iter_rows(values_only=True)]
        for min_row, min_col, max_row, max_col in merged.get(ws.title, []):
            if min_row > len(grid):
                continue
            top = grid[min_row - 1]
            value = top[min_col - 1] if min_col <= len(top) else None
            for r in range(min_row - 1, min(max_row, len(grid))):
                row = grid[r]
                if len(row) < max_col:
                    row.extend([None] * (max_col - len(row)))
                for c in range(min_col - 1, max_col):
                    row[c] = value
        header_row = 0
        for i, cells in enumerate(grid[:15]):
            fields = {detect_field(_norm(c)) for c in cells} - {""}
            if len(fields) >= 3:
                header_row = i + 1
                break
        headers = [_norm(c) for c in grid[header_row - 1]] if header_row else []
        rows = [(i + 1, cells) for i, cells in enumerate(grid) if i + 1 > header_row
                and any(_norm(c) for c in cells)] if header_row else []
        sheets.append(Sheet(ws.title, header_row, headers, rows))
    wb.close()
    return sheets


def is_flat(headers: Sequence[str]) -> bool:
    """Our own layout (services.COLUMNS, Chinese or English headers)."""
    keys = {services.HEADER_LABELS.get(h, h) for h in headers}
    return {"version", "violation_code", "tier", "effective_from"} <= keys


def detect_mapping(sheets: Sequence[Sheet]) -> dict[str, str]:
    """{header text: field} proposed from the header names; a field goes to the first column naming it."""
    mapping: dict[str, str] = {}
    for sheet in sheets:
        taken: set[str] = set()
        for header in sheet.headers:
            if not header or header in mapping:
                taken.add(mapping.get(header, ""))
                continue
            name = detect_field(header)
            if name and name in taken:
                name = ""
            mapping[header] = name or "ignore"
            taken.add(name)
    return mapping


def missing_fields(mapping: dict[str, str]) -> list[str]:
    chosen = set(mapping.values())
    return [FIELD_LABELS[f] for f in REQUIRED_FIELDS if f not in chosen]


# --- parsing the published layout -------------------------------------------------------------------------------------
@dataclass
class Meta:
    """What the importer states for a published workbook."""

    version: str
    source: str
    level: str
    effective_from: dt.date
    reference: str = ""
    above_inclusive: bool = True
    below_inclusive: bool = True


@dataclass
class Parsed:
    rows: list[dict[str, Any]] = field(default_factory=list)  # BenchmarkRow fields + "_sheet", "_row"
    problems: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0


def problem(sheet: str, row: int, column: str, message: str) -> dict[str, Any]:
    return {"sheet": sheet, "row": row, "column": column, "message": message}


def problem_text(p: dict[str, Any]) -> str:
    """「工作表「安全生产法」第12行（处罚标准）：…」"""
    where = f"工作表「{p['sheet']}」" if p.get("sheet") else ""
    if p.get("row"):
        where += f"第{p['row']}行"
    if p.get("column"):
        where += f"（{p['column']}）"
    return f"{where}：{p['message']}" if where else p["message"]


@dataclass
class _Source:
    """One printed row of a violation's tier, before codes and tier numbers are assigned."""

    sheet: str
    line: int
    group: tuple[str, str, str]
    cells: dict[str, str]
    headers: dict[str, str]  # field -> the sheet's header text (problems name the column as printed)
    tier: tuple[str, int] | None
    segments: list[Segment]
    quantity: Quantity | None
    stage: str | None


def _section_row(texts: Sequence[str]) -> bool:
    """A heading row across the table (「一、安全生产法」 merged over every column)."""
    values = {t for t in texts if t}
    return len(values) == 1 and sum(1 for t in texts if t) >= 2


def parse_published(sheets: Sequence[Sheet], mapping: dict[str, str], meta: Meta,
                    progress: Callable[[int], None] | None = None) -> Parsed:
    """Rows of the published layout, with every problem named by sheet, row and column."""
    out = Parsed(total=sum(len(s.rows) for s in sheets))
    sources: list[_Source] = []
    done = 0
    for sheet in sheets:
        if not sheet.header_row:
            if sheet.rows or sheet.title:
                out.warnings.append(problem(sheet.title, 0, "", "未找到表头（序号、违法行为、处罚依据……），已跳过该工作表"))
            continue
        columns = {i: mapping.get(h, "ignore") for i, h in enumerate(sheet.headers) if h}
        label = {f: FIELD_LABELS[f].split("（")[0].split(" /")[0] for f in FIELD_LABELS}
        label.update({columns[i]: h for i, h in reversed(list(enumerate(sheet.headers))) if i in columns})
        if not {"violation", "standard"} <= set(columns.values()):
            out.warnings.append(problem(sheet.title, sheet.header_row, "", "表头缺少违法行为或处罚标准列，已跳过该工作表"))
            done += len(sheet.rows)
            continue
        previous: dict[str, str] = {}
        for line, cells in sheet.rows:
            done += 1
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(done)
            texts = [_norm(c) for c in cells]
            if len({t for t in texts if t}) <= 1:
                if _section_row(texts):
                    previous = {}
                continue  # a heading across the table (「一、安全生产法」) or a note under it
            row = {f: "" for f in FIELD_LABELS}
            for i, name in columns.items():
                if name != "ignore" and i < len(texts) and texts[i] and not row[name]:
                    row[name] = texts[i]
            if not row["violation"] and previous.get("violation"):
                for name in VIOLATION_FIELDS:  # the violation's cells left blank (not merged) under its first tier
                    row[name] = row[name] or previous.get(name, "")
            previous = {name: row[name] for name in VIOLATION_FIELDS}
            bad = False
            for name in ("violation", "penalty_provision", "standard"):
                if not row[name]:
                    out.problems.append(problem(sheet.title, line, label[name], f"缺少{label[name]}"))
                    bad = True
            if bad:
                continue
            tier = tier_code(row["tier"])
            exempt = (tier is not None and tier[0] == rules.EXEMPT) or bool(_EXEMPT_CUE.search(row["standard"]))
            segments = [] if exempt else split_standard(row["standard"])
            if not exempt and not any(s.amount_min is not None for s in segments):
                if segments:
                    out.warnings.append(problem(sheet.title, line, label["standard"],
                                                f"「{row['standard'][:60]}」没有罚款金额（裁量基准只细化罚款），该行未导入"))
                else:
                    out.problems.append(problem(sheet.title, line, label["standard"],
                                                f"未能识别罚款金额：「{row['standard'][:80]}」（应如「处1万元以上3万元以下的罚款」）"))
                continue
            if not row["conditions"]:  # every tier names its 适用条件, the 不予处罚 ones too (行政处罚法 第三十三条)
                out.problems.append(problem(sheet.title, line, label["conditions"], "缺少适用条件"))
                continue
            quantity, ambiguous = parse_quantity(row["conditions"], above_inclusive=meta.above_inclusive,
                                                 below_inclusive=meta.below_inclusive)
            if ambiguous:
                out.warnings.append(problem(sheet.title, line, label["conditions"],
                                            f"「{row['conditions'][:60]}」含多个数量，未结构化，按原文保留在适用条件中"))
            stage = None
            if row["stage"]:
                stage = {v: k for k, v in rules.STAGE_LABELS.items()}.get(row["stage"], row["stage"])
                if stage not in rules.STAGE_LABELS:
                    stage = stage_cue(row["stage"])
                if stage is None:
                    out.problems.append(problem(sheet.title, line, label["stage"], f"阶段「{row['stage']}」无法识别"))
                    continue
            if row["target"]:
                target = rules.TARGET_PERSON if re.search(r"人员|个人|负责人", row["target"]) else rules.TARGET_UNIT
                segments = [Segment(s.stage, target, s.amount_min, s.amount_max, s.measures, s.text) for s in segments]
            sources.append(_Source(sheet.title, line, (sheet.title, row["violation"], row["penalty_provision"]), row,
                                   label, tier, segments, quantity, stage or stage_cue(row["conditions"])))
    if progress is not None:
        progress(done)
    _assign(sources, meta, out)
    return out


def _assign(sources: list[_Source], meta: Meta, out: Parsed) -> None:
    """Codes, tier numbers and rows of the parsed sources; the checks of each violation's tiers."""
    groups: dict[tuple[str, str, str], list[_Source]] = {}
    for s in sources:
        groups.setdefault(s.group, []).append(s)
    # violation codes: given, or derived from the 处罚依据; several violations under one provision item get -1, -2 …
    base: dict[tuple[str, str, str], str] = {}
    for key, members in groups.items():
        first = members[0]
        given = first.cells["violation_code"]
        code = given or provision_code(first.cells["penalty_provision"])
        if not code:
            out.problems.append(problem(first.sheet, first.line, first.headers["penalty_provision"],
                                        f"无法从「{first.cells['penalty_provision'][:60]}」识别法律和条款，无法生成违法行为"
                                        "代码；请在表中增加「违法行为代码」列"))
            continue
        base[key] = code[:40]
    by_code: dict[str, list[tuple[str, str, str]]] = {}
    for key, code in base.items():
        if not groups[key][0].cells["violation_code"]:
            by_code.setdefault(code, []).append(key)
    codes = dict(base)
    for code, keys in by_code.items():
        violations = list(dict.fromkeys(k[1] for k in keys))
        if len(violations) > 1:
            for key in keys:
                codes[key] = f"{code}-{violations.index(key[1]) + 1}"[:40]
            first = groups[keys[0]][0]
            out.warnings.append(problem(first.sheet, first.line, first.headers["penalty_provision"],
                                        f"{len(violations)} 个违法行为引用同一处罚条款，代码依次编为 {code}-1 至 "
                                        f"{code}-{len(violations)}，请与上级基准的代码核对"))
    for key, members in groups.items():
        if key not in codes:
            continue
        labels = list(dict.fromkeys(m.cells["tier"] for m in members if m.tier is None))
        rows: list[dict[str, Any]] = []
        for position, s in enumerate(members, start=1):
            if s.tier is not None:
                tier, rank = s.tier
            elif s.cells["tier"]:
                rank = labels.index(s.cells["tier"]) + 1
                tier = str(rank)
            else:
                tier, rank = str(position), position
            common = {
                "version": meta.version, "source": meta.source, "reference": meta.reference, "level": meta.level,
                "effective_from": meta.effective_from, "effective_to": None, "violation_code": codes[key],
                "violation": s.cells["violation"][:300], "legal_provision": citation(s.cells["legal_provision"]),
                "penalty_provision": citation(s.cells["penalty_provision"]), "tier": tier, "tier_rank": rank,
                "grade_label": s.cells["tier"][:40], "conditions": s.cells["conditions"], "item": s.cells["seq"][:20],
                "quantity_unit": s.quantity.unit if s.quantity else "",
                "quantity_min": s.quantity.minimum if s.quantity else None,
                "quantity_max": s.quantity.maximum if s.quantity else None,
                "min_inclusive": s.quantity.min_inclusive if s.quantity else True,
                "max_inclusive": s.quantity.max_inclusive if s.quantity else True,
                "facts": [], "excluded_industries": [], "statutory_min": None, "statutory_max": None,
                "_sheet": s.sheet, "_row": s.line, "_standard": s.headers["standard"],
                "_conditions": s.headers["conditions"], "_tier": s.headers["tier"],
            }
            if tier == rules.EXEMPT:
                rows.append({**common, "stage": s.stage or rules.STAGE_ORDER, "target": rules.TARGET_UNIT,
                             "amount_min": None, "amount_max": None, "other_measures": ""})
                continue
            seen: set[tuple[str, str]] = set()
            for seg in s.segments:
                if seg.amount_min is None:
                    continue
                # the stage: a 阶段 column, else the wording of the 处罚标准, else of the 适用条件, else 责令限期改正
                if s.cells["stage"] and s.stage:
                    stage = s.stage
                else:
                    stage = seg.stage or s.stage or rules.STAGE_ORDER
                if (stage, seg.target) in seen:
                    out.problems.append(problem(s.sheet, s.line, s.headers["standard"],
                                                f"同一{rules.STAGE_LABELS[stage]}、{rules.TARGET_LABELS[seg.target]}"
                                                "写有两个罚款幅度"))
                    continue
                seen.add((stage, seg.target))
                rows.append({**common, "stage": stage, "target": seg.target, "amount_min": seg.amount_min,
                             "amount_max": seg.amount_max, "other_measures": seg.measures[:200]})
        out.rows.extend(rows)
    check_tiers(out.rows, out)


def check_tiers(rows: list[dict[str, Any]], out: Parsed) -> None:
    """The tiers of one violation, stage and target together: no tier twice, bands that do not overlap (touching is
    fine) and rise with the 阶次; adjacent quantity bounds that both include the shared number are split so that a
    count belongs to one tier (the lower one), with a warning to check the document's 说明."""
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for r in rows:
        if r["tier"] not in (rules.EXEMPT, rules.STATUTORY):
            groups.setdefault((r["violation_code"], r["stage"], r["target"]), []).append(r)
    for (code, stage, target), members in groups.items():
        members.sort(key=lambda r: (r["tier_rank"], r["_row"]))
        where = f"{code}，{rules.STAGE_LABELS.get(stage, stage)}，{rules.TARGET_LABELS.get(target, target)}"
        for a, b in zip(members, members[1:], strict=False):
            if a["tier_rank"] == b["tier_rank"]:
                out.problems.append(problem(b["_sheet"], b["_row"], b.get("_tier", "裁量阶次"),
                                            f"阶次「{b['tier']}」与第{a['_row']}行重复（{where}）"))
                continue
            a_high = a["amount_max"] if a["amount_max"] is not None else a["amount_min"]
            b_high = b["amount_max"] if b["amount_max"] is not None else b["amount_min"]
            if a["amount_min"] < b_high and b["amount_min"] < a_high:
                out.problems.append(problem(b["_sheet"], b["_row"], b.get("_standard", "处罚标准"),
                                            f"阶次{b['tier']}的罚款幅度（{rules.yuan(b['amount_min'])}至{_high(b)}）与第"
                                            f"{a['_row']}行阶次{a['tier']}（{rules.yuan(a['amount_min'])}至{_high(a)}）"
                                            f"重叠（{where}）"))
            elif b["amount_min"] < a["amount_min"]:
                out.problems.append(problem(b["_sheet"], b["_row"], b.get("_standard", "处罚标准"),
                                            f"阶次{b['tier']}的罚款低于第{a['_row']}行的较低阶次{a['tier']}（{where}）"))
            if (a["quantity_unit"] and a["quantity_unit"] == b["quantity_unit"] and a["quantity_max"] is not None
                    and a["quantity_max"] == b["quantity_min"] and a["max_inclusive"] and b["min_inclusive"]):
                b["min_inclusive"] = False
                out.warnings.append(problem(b["_sheet"], b["_row"], b.get("_conditions", "适用条件"),
                                            f"与第{a['_row']}行在 {a['quantity_max']}"
                                            f"{rules.QUANTITY_UNITS[a['quantity_unit']]} 处衔接且都含本数，已将本行下限"
                                            "设为不含本数（归较低阶次），请按基准说明核对"))


def _high(row: dict[str, Any]) -> str:
    return rules.yuan(row["amount_max"]) if row["amount_max"] is not None else "不设上限"


def apply_statute(rows: list[dict[str, Any]], statutory: dict[tuple[str, str, str], tuple[int | None, int | None]],
                  out: Parsed) -> None:
    """The statutory range of each row (the 法定幅度 rows of the same violation, stage and target) and the check that
    the band stays within it (应急管理部令第12号 第三条); an open band (「5万元以上」) ends at the statutory maximum."""
    for r in rows:
        if r["tier"] in (rules.EXEMPT, rules.STATUTORY):
            continue
        law = statutory.get((r["violation_code"], r["stage"], r["target"]))
        if law is not None:
            r["statutory_min"], r["statutory_max"] = law
        low, high = r["statutory_min"], r["statutory_max"]
        if r["amount_max"] is None:
            if high is None:
                out.problems.append(problem(r["_sheet"], r["_row"], r.get("_standard", "处罚标准"),
                                            "罚款只写了下限（「…以上」），又没有该违法行为的法定幅度，无法确定上限"))
                continue
            r["amount_max"] = high
        if r["amount_min"] > r["amount_max"]:
            out.problems.append(problem(r["_sheet"], r["_row"], r.get("_standard", "处罚标准"), "罚款下限大于上限"))
        elif high is not None and (r["amount_max"] > high or r["amount_min"] < (low or 0)):
            out.problems.append(problem(
                r["_sheet"], r["_row"], r.get("_standard", "处罚标准"),
                f"罚款幅度（{rules.yuan(r['amount_min'])}至{rules.yuan(r['amount_max'])}）超出法定幅度"
                f"（{rules.yuan(low or 0)}至{rules.yuan(high)}，{r['violation_code']} "
                f"{rules.STAGE_LABELS[r['stage']]}）：基准须在法定幅度内（应急管理部令第12号第三条）"))


# --- the flat layout --------------------------------------------------------------------------------------------------
_LINE = re.compile(r"^第(\d+)行[：:]?(.*)$")


def parse_flat(data: bytes, filename: str, sheet: str) -> Parsed:
    """Our own layout through `services.parse_benchmark` (its rows carry version, source, level and dates)."""
    _items, fields, problems = services.parse_benchmark(data, filename)
    out = Parsed(total=len(fields))
    for text in problems:
        m = _LINE.match(text)
        out.problems.append(problem(sheet, int(m.group(1)), "", m.group(2)) if m else problem(sheet, 0, "", text))
    for f in fields:
        out.rows.append({**{k: v for k, v in f.items() if k != "line"}, "_sheet": sheet, "_row": f["line"]})
    return out


# --- comparing with what is stored --------------------------------------------------------------------------------------
# the content of a row (the statutory range is looked up, not read from the file: it is left out)
FINGERPRINT = ("version", "source", "reference", "level", "effective_from", "effective_to", "violation_code",
               "violation", "legal_provision", "penalty_provision", "stage", "target", "tier", "tier_rank",
               "grade_label", "conditions", "amount_min", "amount_max", "other_measures", "excluded_industries", "item",
               "quantity_unit", "quantity_min", "quantity_max", "min_inclusive", "max_inclusive", "facts")
MODEL_FIELDS = (*FINGERPRINT, "statutory_min", "statutory_max")


def _fp_value(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return tuple(value)
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01")))
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def fingerprint(row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(_fp_value(row.get(k)) for k in FINGERPRINT)


def _kind(tier: str) -> str:
    return tier if tier in (rules.EXEMPT, rules.STATUTORY) else "fine"


@dataclass
class Plan:
    new: list[int]  # indexes of the rows to create
    unchanged: int
    closures: list[dict[str, Any]]  # earlier rows that get an end date
    problems: list[dict[str, Any]]


def plan(rows: list[dict[str, Any]]) -> Plan:
    """What writing the rows would do, against the stored rows (three queries, none per row): rows stored identically
    are left alone; a stored version whose rows differ from the file is refused (never changed or deleted); earlier
    rows of the same level, violation, stage, target and kind that are still in force on the new effective date
    get `effective_to` = that date − 1 day; a later stored version that the new one would overlap is refused."""
    versions = {(r["version"], r["source"]) for r in rows}
    stored: dict[tuple[str, str], dict[tuple[Any, ...], int]] = {}
    query = Q(pk__in=[])
    for version, source in versions:
        query |= Q(version=version, source=source)
    for values in BenchmarkRow.objects.filter(query).values("id", *FINGERPRINT):
        stored.setdefault((values["version"], values["source"]), {})[fingerprint(values)] = values["id"]
    fps = [fingerprint(r) for r in rows]
    new = [i for i, (r, fp) in enumerate(zip(rows, fps, strict=True)) if fp not in stored.get((r["version"], r["source"]), {})]
    problems: list[dict[str, Any]] = []
    for (version, source), existing in stored.items():
        mine = {fp for r, fp in zip(rows, fps, strict=True) if (r["version"], r["source"]) == (version, source)}
        differing = [fp for fp in existing if fp not in mine]
        if differing:
            problems.append(problem("", 0, "", f"版本「{version}」（{source}）已导入 {len(existing)} 条，其中 "
                                               f"{len(differing)} 条与本次文件不同或不在本次文件中：已导入的版本不能修改或删除，"
                                               "请以新的版本名称导入（新版本生效时旧版本自动设定失效日期）"))
    closures: list[dict[str, Any]] = []
    if new:
        created = [rows[i] for i in new]
        starts = [r["effective_from"] for r in created]
        keys: dict[tuple[str, str, str, str, str], list[dict[str, Any]]] = {}
        for r in created:
            keys.setdefault((r["level"], r["violation_code"], r["stage"], r["target"], _kind(r["tier"])), []).append(r)
        earlier = (BenchmarkRow.objects.filter(level__in={r["level"] for r in created})
                   .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=min(starts)))
                   .values("id", "version", "source", "level", "violation_code", "stage", "target", "tier",
                           "effective_from", "effective_to"))
        seen: set[int] = set()
        for old in earlier:
            mine_rows = keys.get((old["level"], old["violation_code"], old["stage"], old["target"], _kind(old["tier"])))
            if not mine_rows or (old["version"], old["source"]) in versions:
                continue
            start = min(r["effective_from"] for r in mine_rows)
            end = mine_rows[0]["effective_to"]
            if old["effective_from"] < start and (old["effective_to"] is None or old["effective_to"] >= start):
                if old["id"] not in seen:
                    seen.add(old["id"])
                    closures.append({**old, "effective_from": old["effective_from"].isoformat(),
                                     "effective_to": old["effective_to"].isoformat() if old["effective_to"] else None,
                                     "new_effective_to": (start - dt.timedelta(days=1)).isoformat()})
            elif old["effective_from"] >= start and (end is None or end >= old["effective_from"]):
                r = mine_rows[0]
                problems.append(problem(r["_sheet"], r["_row"], "",
                                        f"{old['violation_code']} 已有自 {old['effective_from']:%Y-%m-%d} 起施行的版本"
                                        f"「{old['version']}」，本版本生效日期更早且未设失效日期，会与之重叠"))
    return Plan(new, len(rows) - len(new), closures, problems)


def statutory_ranges(on: dt.date) -> dict[tuple[str, str, str], tuple[int | None, int | None]]:
    rows = (BenchmarkRow.objects.in_force(on).filter(tier=rules.STATUTORY)
            .values_list("violation_code", "stage", "target", "statutory_min", "statutory_max"))
    return {(code, stage, target): (low, high) for code, stage, target, low, high in rows}


# --- JSON storage of the parsed rows ------------------------------------------------------------------------------------
def _to_json(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.date) else str(v) if isinstance(v, Decimal) else v)
            for k, v in row.items()}


def _from_json(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    for key in ("effective_from", "effective_to"):
        if out.get(key):
            out[key] = dt.date.fromisoformat(out[key])
    for key in ("quantity_min", "quantity_max"):
        if out.get(key) not in (None, ""):
            out[key] = Decimal(out[key])
    return out


# --- use cases ----------------------------------------------------------------------------------------------------------
def _require(actor: User | None) -> None:
    """The city bureau's system administrator, section heads and leaders (BenchmarkImport.authority)."""
    require_change(actor, BenchmarkImport, region=settings.CITY_REGION_CODE)


def may_import(actor: User) -> bool:
    try:
        _require(actor)
    except DomainError:
        return False
    return True


def visible(actor: User, pk: int) -> BenchmarkImport:
    imp = BenchmarkImport.objects.restrict(actor, "change").filter(pk=pk).first()
    if imp is None:
        raise NotFound("导入记录不存在或您无权查看")
    return imp


def check_meta(*, version: str, source: str, level: str, effective_from: dt.date | None, reference: str = "") -> None:
    if not version.strip():
        raise DomainError("请填写版本名称（如：晋应急发〔2025〕1号 2025版）", field="version")
    if len(version.strip()) > 60:
        raise DomainError("版本名称不能超过60字", field="version")
    if not source.strip():
        raise DomainError("请填写来源文件（文件名称和文号）", field="source")
    if level not in rules.LEVEL_LABELS:
        raise DomainError("请选择层级（国家/省/市）", field="level")
    if effective_from is None:
        raise DomainError("请填写生效日期", field="effective_from")
    if reference and not re.match(r"^https?://", reference):
        raise DomainError("出处链接应以 http:// 或 https:// 开头", field="reference")


def _read_upload(upload: UploadedFile) -> tuple[str, bytes]:
    name = upload.name or ""
    ext = PurePath(name).suffix.lower().lstrip(".")
    if ext == "xlsx":
        check_upload(upload, allowed=frozenset({"xlsx"}), max_bytes=MAX_BYTES)
    elif ext == "csv":
        if not upload.size or upload.size > MAX_BYTES:
            raise DomainError(f"文件「{name}」为空或超过 {MAX_BYTES // (1024 * 1024)} MB", code="file_size")
    else:
        raise DomainError("请上传 Excel（.xlsx）裁量基准表，或本系统模板格式的 .csv", code="file_type")
    upload.seek(0)
    return ext, upload.read()


def _csv_headers(data: bytes) -> list[str]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")
    first = next(csv.reader(io.StringIO(text)), [])
    return [h.strip() for h in first]


def _sheets_of(data: bytes) -> list[Sheet]:
    try:
        sheets = read_sheets(data)
    except DomainError:
        raise
    except Exception as exc:  # not a workbook openpyxl can open
        raise DomainError("文件无法作为 Excel 工作簿读取，请另存为 .xlsx 后重新上传", code="file_content") from exc
    if sum(len(s.rows) for s in sheets) > MAX_ROWS:
        raise DomainError(f"工作簿超过 {MAX_ROWS} 行，请拆分后分别导入", code="file_size")
    return sheets


def import_upload(*, actor: User, upload: UploadedFile, version: str = "", source: str = "", level: str = "",
                  effective_from: dt.date | None = None, reference: str = "", above_inclusive: bool = True,
                  below_inclusive: bool = True, mapping: dict[str, str] | None = None,
                  confirm_mapping: bool = False) -> BenchmarkImport:
    """Store the upload with what the importer states. A published workbook waits for its columns to be confirmed
    (`confirm_mapping`: the detected or given mapping is taken as confirmed, as the API does); our flat layout (its
    rows carry their own versions and dates) is queued for parsing at once."""
    _require(actor)
    ext, data = _read_upload(upload)
    layout = FLAT
    headers: list[dict[str, Any]] = []
    detected: dict[str, str] = {}
    if ext == "xlsx":
        sheets = _sheets_of(data)
        if not is_flat(_first_row(data)):
            layout = PUBLISHED
            detected = detect_mapping(sheets)
            headers = [{"sheet": s.title, "row": s.header_row, "columns": [
                {"header": h, "samples": [_norm(cells[i])[:40] for _, cells in s.rows[:3] if i < len(cells)]}
                for i, h in enumerate(s.headers) if h]} for s in sheets if s.header_row]
            if not headers:
                raise DomainError("未在工作簿中找到表头（序号、违法行为、处罚依据、适用条件、处罚标准……）", code="no_header")
    elif not is_flat(_csv_headers(data)):
        raise DomainError("CSV 文件须使用本系统模板的列（版本、来源文件、生效日期、违法行为代码……）；各地公布的基准表请上传"
                          " .xlsx", code="layout")
    if layout == PUBLISHED:
        check_meta(version=version, source=source, level=level, effective_from=effective_from, reference=reference)
    if mapping:
        unknown = [f for f in mapping.values() if f not in FIELD_LABELS]
        if unknown:
            raise DomainError(f"列对应关系无效：{'、'.join(unknown)}（可选：{'、'.join(FIELD_LABELS)}）", field="mapping")
        detected.update({h: f for h, f in mapping.items() if h in detected})
    if layout == PUBLISHED and confirm_mapping:
        missing = missing_fields(detected)
        if missing:
            found = "、".join(c["header"] for h in headers for c in h["columns"])
            raise DomainError(f"未能确定以下列：{'、'.join(missing)}。表头为：{found}。请在 mapping 中指明", field="mapping")
    digest = hashlib.sha256(data).hexdigest()
    status = BenchmarkImport.Status.QUEUED if layout == FLAT or confirm_mapping else BenchmarkImport.Status.MAPPING
    with transaction.atomic():
        imp = BenchmarkImport(region_id=settings.CITY_REGION_CODE, original_name=(upload.name or "")[:200],
                              sha256=digest, layout=layout, version=version.strip(), source=source.strip(),
                              reference=reference.strip(), level=level, effective_from=effective_from,
                              above_inclusive=above_inclusive, below_inclusive=below_inclusive, mapping=detected,
                              headers=headers, status=status, created_by=actor)
        imp.file.save(f"benchmark-{timezone.now():%Y%m%d%H%M%S}.{ext}", ContentFile(data), save=False)
        imp.save()
        audit(actor, "penalties.benchmark_upload", imp, summary=f"上传裁量基准表：{imp.original_name}",
              data={"sha256": digest, "layout": layout, "version": imp.version})
        if status == BenchmarkImport.Status.QUEUED:
            enqueue(run_benchmark_import, imp.pk)
    return imp


def import_map(*, actor: User, imp: BenchmarkImport, mapping: dict[str, str]) -> BenchmarkImport:
    """The importer confirms which column is which; the parse is queued."""
    _require(actor)
    if imp.status not in (BenchmarkImport.Status.MAPPING, BenchmarkImport.Status.INVALID):
        raise DomainError("该导入已在处理，不能再修改列的对应关系", code="state")
    known = {c["header"] for h in imp.headers for c in h["columns"]}
    chosen = {h: f for h, f in mapping.items() if h in known and f in FIELD_LABELS}
    missing = missing_fields(chosen)
    if missing:
        raise DomainError(f"请指明以下列：{'、'.join(missing)}", field="mapping")
    doubled = sorted({FIELD_LABELS[f] for h in imp.headers for f in FIELD_LABELS if f != "ignore"
                      and sum(1 for c in h["columns"] if chosen.get(c["header"]) == f) > 1})
    if doubled:
        raise DomainError(f"同一工作表中有多列对应：{'、'.join(doubled)}", field="mapping")
    with transaction.atomic():
        BenchmarkImport.objects.filter(pk=imp.pk).update(mapping=chosen, status=BenchmarkImport.Status.QUEUED,
                                                         processed_rows=0, problems=[], warnings=[], rows=[])
        imp.mapping, imp.status = chosen, BenchmarkImport.Status.QUEUED
        audit(actor, "penalties.benchmark_mapping", imp, summary=f"确认裁量基准表的列：{imp.original_name}",
              data={"mapping": chosen})
        enqueue(run_benchmark_import, imp.pk)
    return imp


def import_confirm(*, actor: User, imp: BenchmarkImport, close_earlier: bool = False) -> BenchmarkImport:
    """Write the previewed rows (a background job). Earlier rows get their end date only with `close_earlier`."""
    _require(actor)
    if imp.status != BenchmarkImport.Status.PREVIEW:
        raise DomainError("只有校验通过、待确认的导入可以写入", code="state")
    if imp.closures and not close_earlier:
        raise DomainError(f"本次导入将为 {len(imp.closures)} 条旧版本条目设定失效日期，请确认后再导入",
                          field="close_earlier", code="confirm_closures")
    with transaction.atomic():
        updated = BenchmarkImport.objects.filter(pk=imp.pk, status=BenchmarkImport.Status.PREVIEW).update(
            status=BenchmarkImport.Status.CONFIRMED, confirmed_by=actor, confirmed_at=timezone.now(), processed_rows=0)
        if not updated:
            raise DomainError("该导入已确认", code="state")
        imp.status = BenchmarkImport.Status.CONFIRMED
        audit(actor, "penalties.benchmark_confirm", imp, summary=f"确认导入裁量基准：{imp.original_name}",
              data={"rows": len(imp.rows), "closures": len(imp.closures)})
        enqueue(run_benchmark_import, imp.pk)
    return imp


def import_cancel(*, actor: User, imp: BenchmarkImport) -> BenchmarkImport:
    _require(actor)
    if imp.status not in (BenchmarkImport.Status.MAPPING, BenchmarkImport.Status.PREVIEW,
                          BenchmarkImport.Status.INVALID):
        raise DomainError("该导入不能放弃（正在处理或已完成）", code="state")
    with transaction.atomic():
        BenchmarkImport.objects.filter(pk=imp.pk).update(status=BenchmarkImport.Status.CANCELLED,
                                                         finished_at=timezone.now())
        imp.status = BenchmarkImport.Status.CANCELLED
        audit(actor, "penalties.benchmark_cancel", imp, summary=f"放弃导入裁量基准：{imp.original_name}")
    return imp


# --- the job ---------------------------------------------------------------------------------------------------------------
@task()
def run_benchmark_import(import_id: int) -> str:
    """Background job: parse and check a queued import, or write a confirmed one."""
    return job_run(import_id)


# the large JSON columns, loaded only where they are used
LARGE = ("rows", "problems", "warnings", "closures")


def job_run(import_id: int) -> str:
    imp = BenchmarkImport.objects.defer(*LARGE).get(pk=import_id)
    try:
        if imp.status in (BenchmarkImport.Status.QUEUED, BenchmarkImport.Status.PARSING):
            _parse(imp)
        elif imp.status in (BenchmarkImport.Status.CONFIRMED, BenchmarkImport.Status.WRITING):
            _write(imp)
    except Exception:
        log.exception("benchmark import %s failed", import_id)
        BenchmarkImport.objects.filter(pk=import_id).update(status=BenchmarkImport.Status.ERROR,
                                                            message="处理出错，请联系系统管理员查看日志",
                                                            finished_at=timezone.now())
        return BenchmarkImport.Status.ERROR
    return BenchmarkImport.objects.values_list("status", flat=True).get(pk=import_id)


def _progress(imp: BenchmarkImport) -> Callable[[int], None]:
    def report(done: int) -> None:
        BenchmarkImport.objects.filter(pk=imp.pk).update(processed_rows=done)
    return report


def _parse(imp: BenchmarkImport) -> None:
    BenchmarkImport.objects.filter(pk=imp.pk).update(status=BenchmarkImport.Status.PARSING, processed_rows=0)
    with imp.file.open("rb") as handle:
        data = handle.read()
    if imp.layout == FLAT:
        name = imp.file.name or ""
        sheet = "" if name.endswith(".csv") else _first_title(data)
        out = parse_flat(data, name, sheet)
    else:
        sheets = _sheets_of(data)
        total = sum(len(s.rows) for s in sheets)
        BenchmarkImport.objects.filter(pk=imp.pk).update(total_rows=total)
        assert imp.effective_from is not None  # check_meta at the upload
        meta = Meta(version=imp.version, source=imp.source, level=imp.level, effective_from=imp.effective_from,
                    reference=imp.reference, above_inclusive=imp.above_inclusive, below_inclusive=imp.below_inclusive)
        out = parse_published(sheets, imp.mapping, meta, progress=_progress(imp))
        if out.rows:
            apply_statute(out.rows, statutory_ranges(imp.effective_from), out)
    if not out.rows and not out.problems:
        out.problems.append(problem("", 0, "", "文件中没有可导入的数据行"))
    result = plan(out.rows) if out.rows and not out.problems else Plan([], 0, [], [])
    problems = out.problems + result.problems
    status = BenchmarkImport.Status.INVALID if problems else BenchmarkImport.Status.PREVIEW
    if problems:
        message = f"共 {len(out.rows)} 条，发现 {len(problems)} 个问题，未导入任何数据。请修改后重新上传。"
    elif not result.new:
        message = f"共 {len(out.rows)} 条，全部与已导入的版本相同：确认后不会作任何更改。"
    else:
        message = (f"共 {len(out.rows)} 条：新增 {len(result.new)} 条，与已导入相同 {result.unchanged} 条"
                   + (f"，旧版本 {len(result.closures)} 条将设定失效日期" if result.closures else "") + "。请核对后确认导入。")
    BenchmarkImport.objects.filter(pk=imp.pk).update(
        status=status, rows=[_to_json(r) for r in out.rows], problems=problems[:5000], warnings=out.warnings[:5000],
        closures=result.closures, unchanged_count=result.unchanged, created_count=len(result.new),
        closed_count=len(result.closures), total_rows=max(out.total, len(out.rows)),
        processed_rows=max(out.total, len(out.rows)), message=message[:300])


def _first_title(data: bytes) -> str:
    wb = load_workbook(io.BytesIO(data), read_only=True)
    title = wb.worksheets[0].title
    wb.close()
    return title


def _first_row(data: bytes) -> list[str]:
    """The first row of the first sheet (where our flat layout has its header)."""
    header, _rows = read_rows(data)
    return header


def _write(imp: BenchmarkImport) -> None:
    """All or nothing, in one transaction: end dates of the confirmed earlier rows, the new rows in batches."""
    BenchmarkImport.objects.filter(pk=imp.pk).update(status=BenchmarkImport.Status.WRITING, processed_rows=0)
    stored, confirmed_closures = BenchmarkImport.objects.values_list("rows", "closures").get(pk=imp.pk)
    rows = [_from_json(r) for r in stored]
    with transaction.atomic():
        locked = BenchmarkImport.objects.select_for_update().only("status").get(pk=imp.pk)
        if locked.status != BenchmarkImport.Status.WRITING:
            return
        result = plan(rows)
        confirmed = {(c["id"], c["new_effective_to"]) for c in confirmed_closures}
        if result.problems or {(c["id"], c["new_effective_to"]) for c in result.closures} - confirmed:
            # the stored benchmark changed since the preview: show the new plan and ask again
            BenchmarkImport.objects.filter(pk=imp.pk).update(
                status=BenchmarkImport.Status.INVALID if result.problems else BenchmarkImport.Status.PREVIEW,
                problems=result.problems, closures=result.closures, closed_count=len(result.closures),
                created_count=len(result.new), unchanged_count=result.unchanged,
                message="预览后裁量基准已有变化，请重新核对后再确认导入。")
            return
        ends: dict[str, list[int]] = {}
        for c in result.closures:
            ends.setdefault(c["new_effective_to"], []).append(c["id"])
        closed = 0
        for end, ids in ends.items():
            closed += BenchmarkRow.objects.filter(pk__in=ids).update(effective_to=dt.date.fromisoformat(end))
        objects = [BenchmarkRow(line=rows[i]["_row"], **{k: rows[i][k] for k in MODEL_FIELDS}) for i in result.new]
        for start in range(0, len(objects), BATCH):
            BenchmarkRow.objects.bulk_create(objects[start:start + BATCH])
            BenchmarkImport.objects.filter(pk=imp.pk).update(processed_rows=min(len(objects), start + BATCH))
        if objects:
            message = f"导入完成：新增 {len(objects)} 条，与已导入相同 {result.unchanged} 条" + (
                f"，{closed} 条旧版本条目设定了失效日期" if closed else "") + "。"
        else:
            message = f"与已导入的版本相同（{result.unchanged} 条），未作任何更改。"
        BenchmarkImport.objects.filter(pk=imp.pk).update(
            status=BenchmarkImport.Status.DONE, created_count=len(objects), unchanged_count=result.unchanged,
            closed_count=closed, processed_rows=len(rows), total_rows=len(rows), message=message[:300],
            finished_at=timezone.now())
        audit(imp.confirmed_by, "penalties.benchmark_import", imp, summary=message[:300],
              data={"created": len(objects), "unchanged": result.unchanged, "closed": closed,
                    "versions": sorted({r["version"] for r in rows}), "sha256": imp.sha256,
                    "closed_rows": [c["id"] for c in result.closures][:2000]})


# --- reading an import for the pages and the API --------------------------------------------------------------------------
@dataclass
class PreviewRow:
    """One parsed row as the preview page shows it."""

    tier: str
    grade_label: str
    stage: str
    target: str
    conditions: str
    quantity: str
    band: str
    statutory: str
    measures: str
    where: str
    flagged: bool


@dataclass
class ViolationPreview:
    code: str
    violation: str
    legal_provision: str
    penalty_provision: str
    rows: list[PreviewRow]
    problems: list[str]
    warnings: list[str]


def quantity_text(row: dict[str, Any]) -> str:
    """「≥ 2人次」「> 10% 且 ≤ 30%」「1人次」, or "" when the row has no quantity condition."""
    unit = rules.QUANTITY_UNITS.get(row.get("quantity_unit") or "", "")
    if not unit:
        return ""
    low, high = decimal_text(row.get("quantity_min")), decimal_text(row.get("quantity_max"))
    if low and low == high:
        return f"{low}{unit}"
    parts = []
    if low:
        parts.append(f"{'≥' if row.get('min_inclusive', True) else '>'} {low}{unit}")
    if high:
        parts.append(f"{'≤' if row.get('max_inclusive', True) else '<'} {high}{unit}")
    return " 且 ".join(parts)


def _band_text(low: Any, high: Any) -> str:
    if low is None and high is None:
        return ""
    return f"{rules.yuan(low or 0)} 至 {rules.yuan(high) if high is not None else '不设上限'}"


def preview(imp: BenchmarkImport, *, only_problems: bool = False) -> list[ViolationPreview]:
    """The parsed rows per violation (in printed order) with the problems and warnings of their source rows."""
    by_row: dict[tuple[str, int], list[tuple[bool, str]]] = {}
    for serious, items in ((True, imp.problems), (False, imp.warnings)):
        for p in items:
            if p.get("row"):
                by_row.setdefault((p["sheet"], p["row"]), []).append((serious, f"第{p['row']}行" + (
                    f"（{p['column']}）" if p.get("column") else "") + f"：{p['message']}"))
    flagged: set[tuple[str, int]] = {(p["sheet"], p["row"]) for p in imp.problems if p.get("row")}
    groups: dict[str, ViolationPreview] = {}
    for r in imp.rows:
        v = groups.get(r["violation_code"])
        if v is None:
            v = groups[r["violation_code"]] = ViolationPreview(r["violation_code"], r["violation"],
                                                               r["legal_provision"], r["penalty_provision"], [], [],
                                                               [])
        key = (r["_sheet"], r["_row"])
        tier = rules.TIER_LABELS.get(r["tier"], r["tier"]) if r["tier"] in (rules.EXEMPT, rules.STATUTORY) else r["tier"]
        v.rows.append(PreviewRow(
            tier=tier, grade_label=r["grade_label"] if r["grade_label"] != r["tier"] else "",
            stage=rules.STAGE_LABELS.get(r["stage"], r["stage"]), target=rules.TARGET_LABELS.get(r["target"], r["target"]),
            conditions=r["conditions"], quantity=quantity_text(r), band=_band_text(r["amount_min"], r["amount_max"]),
            statutory=_band_text(r["statutory_min"], r["statutory_max"]), measures=r["other_measures"],
            where=(f"{r['_sheet']} " if r["_sheet"] else "") + f"第{r['_row']}行", flagged=key in flagged))
        for serious, message in by_row.get(key, []):
            target = v.problems if serious else v.warnings
            if message not in target:
                target.append(message)
    result = list(groups.values())
    return [v for v in result if v.problems or v.warnings] if only_problems else result


def closure_summary(imp: BenchmarkImport) -> list[dict[str, Any]]:
    """The earlier versions whose rows get an end date: version, source, rows and the new end date."""
    summary: dict[tuple[str, str, str], int] = {}
    for c in imp.closures:
        key = (c["version"], c["source"], c["new_effective_to"])
        summary[key] = summary.get(key, 0) + 1
    return [{"version": v, "source": s, "effective_to": dt.date.fromisoformat(e), "rows": n}
            for (v, s, e), n in summary.items()]


def problems_text(items: Iterable[dict[str, Any]]) -> list[str]:
    return [problem_text(p) for p in items]


def decimal_text(value: Any) -> str:
    """A stored bound for the page: 10 not 10.00."""
    if value in (None, ""):
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"{number.normalize():f}"
