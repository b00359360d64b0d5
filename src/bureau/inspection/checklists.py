"""Official checklists (执法检查表, measure II.5 照单检查): import from Excel (.xlsx) or CSV, validated row by row with
Chinese errors naming the line, previewed before anything is saved, versioned with effective dates.

A file holds one or more checklists (rows grouped by 检查表名称 + 版本). Each row is one item: its 检查项目/检查内容,
检查方法, 法律依据 (《法规》第X条, the portal links it), 处罚依据, the 违法行为代码 it can prove (the codes of the
benchmark rows, docs/penalties.md) and the 子行业 it is limited to. Versions are never overwritten: a new version is a
new checklist with its own items that closes the previous one the day before it takes effect; an inspection keeps the
version it was opened with (Inspection.checklist), so its items never change. Re-importing the same content changes
nothing; a different content under a version already imported is refused (use a new version number).

The demo and a fresh installation load the files of `data/` through the same import (`load_checklists`)."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from bureau.accounts.models import User
from bureau.accounts.roles import LEADER, SECTION_HEAD, SYSADMIN
from bureau.enterprises.models import SUB_SECTOR_INDUSTRY, Industry, SubSector
from bureau.inspection.models import Checklist, ChecklistItem
from bureau.kernel.audit import audit
from bureau.kernel.errors import DomainError, PermissionDenied
from bureau.kernel.excel import read_rows

DATA_DIR = Path(__file__).resolve().parent / "data"
MAX_BYTES = 2 * 1024 * 1024
IMPORTER_ROLES = (SYSADMIN, SECTION_HEAD, LEADER)

# (key, accepted headers (Chinese first), required). 检查项目 and 检查内容: see _resolve_header.
COLUMNS: list[tuple[str, tuple[str, ...], bool]] = [
    ("name", ("检查表名称", "name"), True),
    ("industries", ("行业", "适用行业", "industries"), True),
    ("sub_sectors", ("子行业", "适用子行业", "适用范围", "sub_sectors"), False),
    ("seq", ("序号", "seq"), False),
    ("category", ("检查类别", "类别", "category"), False),
    ("item", ("检查项目", "item"), False),
    ("content", ("检查内容", "检查要点", "content"), False),
    ("method", ("检查方法", "method"), False),
    ("legal", ("法律依据", "违反条款", "检查依据", "legal_basis"), True),
    ("legal_text", ("依据条文", "legal_text"), False),
    ("penalty", ("处罚依据", "penalty_basis"), False),
    ("codes", ("违法行为代码", "violation_codes"), False),
    ("version", ("版本", "version"), True),
    ("effective_from", ("生效日期", "effective_from"), True),
    ("source", ("制定依据", "来源", "source"), True),
    ("reference", ("来源链接", "reference"), False),
]
TITLES = {key: headers[0] for key, headers, _ in COLUMNS}
# checklist-level columns: the same for every row of a checklist (blank in later rows = as in its first row)
CHECKLIST_FIELDS = ("industries", "effective_from", "source", "reference")

# the law abbreviations of violation codes (benchmark schema): <LAW>-<article>[-<item>[-<n>]]
KNOWN_LAWS = {
    "AQSCF": "安全生产法", "WHP": "危险化学品安全管理条例", "AQXKZ": "安全生产许可证条例", "YHBZ": "烟花爆竹安全管理条例",
    "FCFB": "工贸企业粉尘防爆安全规定", "YXKJ": "工贸企业有限空间作业安全规定", "YJYA": "生产安全事故应急预案管理办法",
    "TZZY": "特种作业人员安全技术培训考核管理规定", "AQPX": "安全生产培训管理办法", "SCPX": "生产经营单位安全培训规定",
}
CODE_RE = re.compile(r"^[A-Z]{2,10}-\d{1,3}(-\d{1,2}){0,2}$")
CITATION_RE = re.compile(r"《([^》]{2,120})》\s*([^；;，,。《]*)")
SEPARATORS = re.compile(r"[；;，,、\s]+")
INDUSTRY_BY_TEXT = {label: code for code, label in Industry.choices} | {code: code for code in Industry.values}
SUB_SECTOR_BY_TEXT = {label: code for code, label in SubSector.choices} | {code: code for code in SubSector.values}


# ---- parsing (no database) -----------------------------------------------------------------------------------------

@dataclass
class ParsedItem:
    line: int
    seq: int
    category: str
    content: str
    method: str
    law_title: str
    law_article: str
    legal_reference: str
    legal_basis: str
    penalty_basis: str
    violation_codes: list[str]
    sub_sectors: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "line"}

    @property
    def scope_labels(self) -> list[str]:
        labels = dict(SubSector.choices) | dict(Industry.choices)
        return [labels.get(code, code) for code in self.sub_sectors]


@dataclass
class ParsedChecklist:
    name: str
    version: str
    industries: list[str]
    effective_from: dt.date
    source: str
    reference: str
    first_line: int
    items: list[ParsedItem] = field(default_factory=list)
    # filled by plan(): what saving would do
    status: str = ""  # "new" | "new_version" | "same" | "refused"
    closes: list[Any] = field(default_factory=list)  # Checklist, or _Planned earlier in the same file

    @property
    def digest(self) -> str:
        body = {"name": self.name, "version": self.version, "industries": self.industries,
                "effective_from": self.effective_from.isoformat(), "source": self.source, "reference": self.reference,
                "items": [i.as_dict() for i in self.items]}
        return hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True).encode()).hexdigest()

    @property
    def industry_labels(self) -> list[str]:
        labels = dict(Industry.choices)
        return [labels.get(c, c) for c in self.industries]


@dataclass
class ParseResult:
    checklists: list[ParsedChecklist]
    errors: list[str]
    warnings: list[str]
    rows: int

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.checklists)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def read_table(data: bytes, filename: str) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """Header and (line number, cells) of a .xlsx or .csv (UTF-8, with or without BOM, or GB18030) file. Lines
    beginning with # in a CSV are comments (the data files carry their sources there) and keep their numbers."""
    if filename.lower().endswith(".xlsx"):
        try:
            titles, cells = read_rows(data)
            return titles, list(cells)
        except Exception as exc:  # not a readable workbook
            raise DomainError("文件无法读取，请上传 Excel（.xlsx）或 CSV 文件", code="unreadable", field="file") from exc
    if not filename.lower().endswith(".csv"):
        raise DomainError("只支持 Excel（.xlsx）或 CSV 文件", code="unreadable", field="file")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DomainError("CSV 文件编码无法识别，请保存为 UTF-8", code="unreadable", field="file")
    header: list[str] = []
    rows: list[tuple[int, list[Any]]] = []
    reader = csv.reader(io.StringIO(text))
    end = 0
    for line in reader:
        number, end = end + 1, reader.line_num  # the record's first physical line (a cell may hold a line break)
        if not line or line[0].lstrip().startswith("#") or all(not c.strip() for c in line):
            continue
        if not header:
            header = [c.strip() for c in line]
            continue
        rows.append((number, list(line)))
    return header, rows


def _resolve_header(header: list[str]) -> tuple[dict[str, int], list[str]]:
    """Column index per key, and the problems of the header. With only one of 检查项目/检查内容 it is the content;
    with both, 检查项目 is the item's heading (检查类别 when that column is absent)."""
    index: dict[str, int] = {}
    for position, title in enumerate(header):
        for key, names, _ in COLUMNS:
            if title in names and key not in index:
                index[key] = position
    if "content" not in index and "item" in index:
        index["content"] = index.pop("item")
    elif "item" in index and "category" not in index:
        index["category"] = index.pop("item")
    else:
        index.pop("item", None)
    problems = []
    missing = [TITLES[key] for key, _, required in COLUMNS if required and key not in index]
    if "content" not in index:
        missing.insert(0, "检查项目/检查内容")
    if missing:
        problems.append(f"表头缺少必填列：{'、'.join(missing)}（第一行应为列名）")
    return index, problems


def _date(value: Any, raw: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = raw.replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-").replace(".", "-")
    try:
        y, m, d = (int(p) for p in text.split("-"))
        return dt.date(y, m, d)
    except ValueError as exc:
        raise ValueError(f"日期「{raw}」格式应为 YYYY-MM-DD") from exc


def parse_checklists(data: bytes, filename: str) -> ParseResult:
    """Read and validate a checklist file. Every problem is reported with its line (第N行), none is written."""
    header, rows = read_table(data, filename)
    index, errors = _resolve_header(header)
    warnings: list[str] = []
    if errors:
        return ParseResult([], errors, warnings, len(rows))
    groups: dict[tuple[str, str], ParsedChecklist] = {}
    for line, cells in rows:
        def get(key: str, cells: list[Any] = cells) -> str:
            position = index.get(key)
            return _text(cells[position]) if position is not None and position < len(cells) else ""

        def raw_cell(key: str, cells: list[Any] = cells) -> Any:
            position = index.get(key)
            return cells[position] if position is not None and position < len(cells) else None

        problems: list[str] = []
        name, version = get("name"), get("version")
        if not name:
            problems.append("检查表名称必填")
        elif len(name) > 120:
            problems.append("检查表名称过长（不超过120字）")
        if not version:
            problems.append("版本必填")
        elif len(version) > 40:
            problems.append("版本过长（不超过40字）")
        group = groups.get((name, version))
        # checklist-level values: blank in a later row means "as in the first row"
        industries: list[str] = []
        for text in SEPARATORS.split(get("industries")):
            if not text:
                continue
            if text not in INDUSTRY_BY_TEXT:
                problems.append(f"行业「{text}」无效，应为：{'、'.join(Industry.labels)}")
            elif INDUSTRY_BY_TEXT[text] not in industries:
                industries.append(INDUSTRY_BY_TEXT[text])
        effective_from = None
        if get("effective_from"):
            try:
                effective_from = _date(raw_cell("effective_from"), get("effective_from"))
            except ValueError as exc:
                problems.append(str(exc))
        source, reference = get("source"), get("reference")
        if len(source) > 300:
            problems.append("制定依据过长（不超过300字）")
        if reference and not reference.startswith(("http://", "https://")):
            problems.append("来源链接应以 http:// 或 https:// 开头")
        if group is None:
            if not get("industries"):
                problems.append("行业必填（检查表的第一行）")
            if not get("effective_from"):
                problems.append("生效日期必填（检查表的第一行）")
            if not source:
                problems.append("制定依据必填（检查表的第一行）")
        else:
            for key, value in (("industries", industries), ("effective_from", effective_from), ("source", source),
                               ("reference", reference)):
                if value and value != getattr(group, key):
                    problems.append(f"{TITLES[key]}与同一检查表第{group.first_line}行不一致")
        chosen_industries = group.industries if group else industries
        # the item
        content, category = get("content"), get("category") or "综合"
        if not content:
            problems.append("检查内容必填")
        elif len(content) > 500:
            problems.append("检查内容过长（不超过500字）")
        if len(category) > 60:
            problems.append("检查项目（类别）过长（不超过60字）")
        method = get("method")
        if len(method) > 200:
            problems.append("检查方法过长（不超过200字）")
        legal = get("legal")
        law_title = law_article = ""
        match = CITATION_RE.search(legal)
        if not legal:
            problems.append("法律依据必填")
        elif match is None or not match.group(2).strip():
            problems.append(f"法律依据「{legal[:40]}」应写成《法规名称》加条款，如《中华人民共和国安全生产法》第二十八条")
        else:
            # the article without a leading document number: 《…》（应急管理部令第10号）第四条 → 第四条
            law_title = match.group(1).strip()
            law_article = re.sub(r"^[（(][^）)]*[）)]\s*", "", match.group(2).strip())[:80] or match.group(2).strip()[:80]
            if len(legal) > 300:
                problems.append("法律依据过长（不超过300字）")
        penalty = get("penalty")
        if len(penalty) > 300:
            problems.append("处罚依据过长（不超过300字）")
        codes: list[str] = []
        for code in SEPARATORS.split(get("codes").upper()):
            if not code:
                continue
            if not CODE_RE.match(code):
                problems.append(f"违法行为代码「{code}」格式应为 法规简称-条-项，如 AQSCF-97-7")
            elif code not in codes:
                codes.append(code)
                if code.split("-")[0] not in KNOWN_LAWS:
                    warnings.append(f"第{line}行：违法行为代码「{code}」的法规简称不在已知列表中"
                                    f"（{'、'.join(KNOWN_LAWS)}），请核对")
        # 子行业: sub-sectors, or whole industries of the checklist, the item is limited to
        sub_sectors: list[str] = []
        for text in SEPARATORS.split(get("sub_sectors")):
            if not text:
                continue
            code = SUB_SECTOR_BY_TEXT.get(text) or INDUSTRY_BY_TEXT.get(text)
            if code is None:
                problems.append(f"子行业「{text}」无效，应为：{'、'.join(SubSector.labels)}（或本检查表适用的行业）")
                continue
            industry = SUB_SECTOR_INDUSTRY.get(code, code)
            if chosen_industries and industry not in chosen_industries:
                problems.append(f"子行业「{text}」不属于本检查表的适用行业")
            elif code not in sub_sectors:
                sub_sectors.append(code)
        seq_text = get("seq")
        seq = 0
        if seq_text:
            if not seq_text.isdigit() or not 0 < int(seq_text) < 10000:
                problems.append(f"序号「{seq_text}」应为正整数")
            else:
                seq = int(seq_text)
        if problems:
            errors.extend(f"第{line}行：{p}" for p in problems)
            continue
        if group is None:
            assert effective_from is not None  # required above
            group = groups[(name, version)] = ParsedChecklist(
                name=name, version=version, industries=industries, effective_from=effective_from, source=source,
                reference=reference, first_line=line)
        seq = seq or (max((i.seq for i in group.items), default=0) + 1)
        clash = next((i for i in group.items if i.seq == seq), None)
        if clash is not None:
            errors.append(f"第{line}行：序号 {seq} 与第{clash.line}行重复")
            continue
        group.items.append(ParsedItem(
            line=line, seq=seq, category=category, content=content, method=method, law_title=law_title,
            law_article=law_article, legal_reference=legal, legal_basis=get("legal_text"), penalty_basis=penalty,
            violation_codes=codes, sub_sectors=sub_sectors))
    if not rows:
        errors.append("文件中没有数据行")
    checklists = list(groups.values())
    for checklist in checklists:
        checklist.items.sort(key=lambda i: i.seq)
    return ParseResult(checklists, errors, warnings, len(rows))


# ---- planning and saving (database) --------------------------------------------------------------------------------

def may_import(actor: Any) -> bool:
    """Official checklists are loaded for the whole city: by the city bureau's 系统管理员, 科室负责人 or 分管负责人."""
    if actor is None:
        return False
    if getattr(actor, "is_superuser", False):
        return True
    org = getattr(actor, "organisation", None)
    return bool(org is not None and not getattr(actor, "enterprise_id", None) and actor.has_role(*IMPORTER_ROLES)
                and org.bureau.region_id == settings.CITY_REGION_CODE)


def plan(result: ParseResult) -> ParseResult:
    """What saving would do with each checklist: first version, new version (closing which), already imported (same
    content: skipped) or refused (a different content under an existing version, or an effective date not after the
    current version's). Refusals are added to the errors. Versions of one name in the same file are taken in the
    order of their effective dates."""
    planned: dict[str, list[Any]] = {}
    for checklist in sorted(result.checklists, key=lambda c: (c.name, c.effective_from)):
        if checklist.name not in planned:
            planned[checklist.name] = list(Checklist.objects.filter(name=checklist.name)
                                           .order_by("-effective_from", "-id"))
        versions = planned[checklist.name]
        existing = next((v for v in versions if v.version == checklist.version), None)
        if existing is not None:
            if isinstance(existing, Checklist) and existing.digest == checklist.digest:
                checklist.status = "same"
                continue
            checklist.status = "refused"
            result.errors.append(
                f"第{checklist.first_line}行：《{checklist.name}》版本「{checklist.version}」已导入，内容与本文件不同；"
                f"已导入的版本不能修改（历史检查仍使用它），请使用新的版本号")
            continue
        latest = versions[0] if versions else None
        if latest is not None and checklist.effective_from <= latest.effective_from:
            checklist.status = "refused"
            result.errors.append(
                f"第{checklist.first_line}行：《{checklist.name}》新版本的生效日期（{checklist.effective_from:%Y-%m-%d}）"
                f"应晚于现行版本「{latest.version}」的生效日期（{latest.effective_from:%Y-%m-%d}）")
            continue
        checklist.status = "new_version" if versions else "new"
        checklist.closes = [v for v in versions if v.effective_to is None or v.effective_to >= checklist.effective_from]
        versions.insert(0, _Planned(checklist.version, checklist.effective_from))
    return result


@dataclass
class _Planned:
    """A version planned earlier in the same file (for the checks of a later version of the same name)."""

    version: str
    effective_from: dt.date
    effective_to: dt.date | None = None

    def __str__(self) -> str:
        return self.version


def preview(*, actor: Any, data: bytes, filename: str) -> ParseResult:
    """Parse, validate and plan a file for the preview page; nothing is written."""
    if not may_import(actor):
        raise PermissionDenied("只有市局系统管理员、科室负责人或分管负责人可以导入执法检查表")
    if len(data) > MAX_BYTES:
        raise DomainError(f"文件不能超过 {MAX_BYTES // 1024 // 1024} MB", field="file")
    return plan(parse_checklists(data, filename))


def import_checklists(*, actor: User | None, data: bytes, filename: str, system: bool = False) -> list[Checklist]:
    """Save a file's checklists (all or nothing). Returns the checklists created (already imported ones are
    skipped). `system`: the data files loaded by the installation or the demo (no user)."""
    if not system and not may_import(actor):
        raise PermissionDenied("只有市局系统管理员、科室负责人或分管负责人可以导入执法检查表")
    with transaction.atomic():
        result = plan(parse_checklists(data, filename))
        if result.errors:
            raise DomainError("执法检查表导入被拒绝：" + "；".join(result.errors[:20])
                              + ("……" if len(result.errors) > 20 else ""), code="checklist_invalid", field="file")
        created = []
        now = timezone.now()
        for parsed in sorted(result.checklists, key=lambda c: (c.name, c.effective_from)):
            if parsed.status == "same":
                continue
            closed = list(Checklist.objects.filter(name=parsed.name, effective_from__lt=parsed.effective_from)
                          .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=parsed.effective_from)))
            Checklist.objects.filter(pk__in=[c.pk for c in closed]).update(
                effective_to=parsed.effective_from - dt.timedelta(days=1))
            checklist = Checklist.objects.create(
                name=parsed.name, version=parsed.version, industries=parsed.industries, source=parsed.source,
                reference=parsed.reference, effective_from=parsed.effective_from, digest=parsed.digest,
                imported_by=actor if getattr(actor, "pk", None) else None, imported_at=now)
            ChecklistItem.objects.bulk_create([ChecklistItem(checklist=checklist, **item.as_dict())
                                               for item in parsed.items])
            audit(actor, "inspection.checklist_import", checklist,
                  summary=f"导入执法检查表：《{checklist.name}》版本 {checklist.version}（{len(parsed.items)} 项，"
                          f"{checklist.effective_from:%Y-%m-%d} 起施行）",
                  data={"filename": filename, "digest": parsed.digest, "items": len(parsed.items),
                        "closes": [c.version for c in closed]})
            created.append(checklist)
    return created


def encode_upload(data: bytes) -> str:
    """The file as carried by the preview page's confirm form (re-validated when confirmed)."""
    return base64.b64encode(data).decode("ascii")


def decode_upload(text: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError) as exc:
        raise DomainError("预览数据已损坏，请重新上传文件", field="file") from exc


def data_files() -> list[Path]:
    return sorted(DATA_DIR.glob("*.csv"))


def load_checklists(files: Iterable[Path] | None = None) -> list[Checklist]:
    """Load the shipped checklists (data/*.csv) through the import; idempotent (a file already loaded is skipped)."""
    created: list[Checklist] = []
    for path in files or data_files():
        created.extend(import_checklists(actor=None, data=path.read_bytes(), filename=path.name, system=True))
    return created


# ---- choosing a checklist --------------------------------------------------------------------------------------------

def checklist_in_force(industry: str, on: dt.date | None = None) -> Checklist | None:
    """The checklist version in force on a day for an industry (the latest to take effect; ties: the first made)."""
    rows = checklists_in_force(on).order_by("-effective_from", "id")
    return next((c for c in rows if industry in (c.industries or [])), None)


def checklists_in_force(on: dt.date | None = None) -> QuerySet[Checklist]:
    """The active checklist versions in force on a day (today), by name."""
    day = on or timezone.localdate()
    return Checklist.objects.filter(is_active=True, effective_from__lte=day).exclude(effective_to__lt=day).order_by(
        "name", "-effective_from")


def draw_filters(checklist: Checklist | None, filters: dict[str, str], day: dt.date | None = None) -> dict[str, str]:
    """A 双随机 draw publishes its 检查事项 (the checklist): a chosen checklist must be in force and fit the industry
    drawn, so that the published 检查事项 is the one the drawn enterprises' tasks use (a metallurgy checklist is never
    published for mines). Without an industry filter the checklist's own industry is drawn when it has one;
    a checklist covering several industries needs the industry chosen."""
    if checklist is None:
        return filters
    day = day or timezone.localdate()
    labels = dict(Industry.choices)
    covered = "、".join(labels.get(c, c) for c in checklist.industries or [])
    if not checklist.in_force(day):
        raise DomainError(f"《{checklist.name}》（{checklist.version}）在 {day:%Y-%m-%d} 不在有效期内，请选择现行版本",
                          code="checklist_not_in_force", field="checklist")
    industry = filters.get("industry", "")
    if not industry:
        if len(checklist.industries or []) != 1:
            raise DomainError(f"《{checklist.name}》适用于{covered}，请同时选择抽查的行业", code="checklist_industry",
                              field="industry")
        return {**filters, "industry": checklist.industries[0]}
    if industry not in (checklist.industries or []):
        raise DomainError(f"所选检查事项《{checklist.name}》适用于{covered}，与抽查行业「{labels.get(industry, industry)}」"
                          f"不符；请选择该行业的检查表，或留空按企业所属行业的检查表检查", code="checklist_industry",
                          field="checklist")
    return filters
