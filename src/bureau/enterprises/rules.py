"""Pure rules of the register: validating one import row (no database access; lookups are passed in)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from bureau.enterprises.models import (
    SUB_SECTOR_INDUSTRY,
    CreditGrade,
    Industry,
    StandardizationGrade,
    SubSector,
)
from bureau.kernel.identifiers import IdentifierError, validate_id_number, validate_mobile, validate_uscc

# The columns of the import template, in order (also the export's columns, less the masked ones).
COLUMNS = [
    ("uscc", "统一社会信用代码", True),
    ("name", "企业名称", True),
    ("region", "所在区划代码", True),
    ("industry", "行业类别", True),
    ("sub_sector", "子行业", False),
    ("address", "地址", False),
    ("legal_representative", "法定代表人", True),
    ("legal_rep_id_number", "法定代表人身份证号", False),
    ("contact_name", "安全联系人", False),
    ("contact_phone", "联系电话", False),
    ("employees", "从业人员数", False),
    ("standardization_grade", "安全生产标准化等级", False),
    ("credit_grade", "诚信等级", False),
    ("is_key", "重点检查企业", False),
    ("chemical_park", "化工园区代码", False),
    ("established_on", "成立日期", False),
]
INDUSTRY_BY_LABEL = {label: code for code, label in Industry.choices} | {code: code for code in Industry.values}
SUB_SECTOR_BY_LABEL = {label: code for code, label in SubSector.choices} | {code: code for code in SubSector.values}
GRADE_BY_LABEL = {label: code for code, label in StandardizationGrade.choices if code} | {
    code: code for code in StandardizationGrade.values if code} | {"": "", "无": "", "未达标": ""}
CREDIT_VALUES = {code for code in CreditGrade.values}
YES = {"是", "Y", "y", "yes", "1", "true", "TRUE", "True"}
NO = {"否", "N", "n", "no", "0", "false", "FALSE", "False", ""}


@dataclass
class RowResult:
    row: int
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def validate_row(row_number: int, cells: list[Any], header_index: dict[str, int], *, regions: set[str],
                 parks: set[str]) -> RowResult:
    """Validate one row of the import; every problem is reported, not only the first."""
    result = RowResult(row_number)

    def get(key: str) -> str:
        index = header_index.get(key)
        return _text(cells[index]) if index is not None and index < len(cells) else ""

    for key, title, required in COLUMNS:
        if key == "sub_sector" and key not in header_index:
            continue  # a file without the column leaves the recorded sub-sector alone
        raw = get(key)
        if required and not raw:
            result.errors.append((title, "必填"))
            continue
        try:
            result.values[key] = _convert(key, raw, regions=regions, parks=parks, cells=cells,
                                          index=header_index.get(key))
        except (IdentifierError, ValueError) as exc:
            result.errors.append((title, str(exc)))
    sub_sector, industry = result.values.get("sub_sector"), result.values.get("industry")
    if sub_sector and industry and SUB_SECTOR_INDUSTRY.get(sub_sector) != industry:
        result.errors.append(("子行业", f"「{SubSector(sub_sector).label}」不属于行业「{Industry(industry).label}」"))
    return result


def _convert(key: str, raw: str, *, regions: set[str], parks: set[str], cells: list[Any], index: int | None
             ) -> Any:
    if key == "uscc":
        return validate_uscc(raw)
    if key == "name":
        if len(raw) > 120:
            raise ValueError("企业名称过长（不超过120字）")
        return raw
    if key == "region":
        if raw not in regions:
            raise ValueError(f"区划代码「{raw}」不在运城市区划代码表中")
        return raw
    if key == "industry":
        if raw not in INDUSTRY_BY_LABEL:
            raise ValueError(f"行业类别「{raw}」无效，应为：{'、'.join(Industry.labels)}")
        return INDUSTRY_BY_LABEL[raw]
    if key == "sub_sector":
        if raw and raw not in SUB_SECTOR_BY_LABEL:
            raise ValueError(f"子行业「{raw}」无效，应为：{'、'.join(SubSector.labels)}")
        return SUB_SECTOR_BY_LABEL.get(raw, "")
    if key == "legal_rep_id_number":
        return validate_id_number(raw) if raw else ""
    if key == "contact_phone":
        return validate_mobile(raw) if raw else ""
    if key == "employees":
        if not raw:
            return 0
        if not raw.isdigit():
            raise ValueError("从业人员数应为非负整数")
        return int(raw)
    if key == "standardization_grade":
        if raw not in GRADE_BY_LABEL:
            raise ValueError("标准化等级应为 一级、二级、三级 或留空")
        return GRADE_BY_LABEL[raw]
    if key == "credit_grade":
        if raw and raw.upper() not in CREDIT_VALUES:
            raise ValueError("诚信等级应为 A1、A2、B1、B2、B3、C1、C2、C3、D 或留空")
        return raw.upper()
    if key == "is_key":
        if raw in YES:
            return True
        if raw in NO:
            return False
        raise ValueError("应填“是”或“否”")
    if key == "chemical_park":
        if raw and raw not in parks:
            raise ValueError(f"化工园区代码「{raw}」不存在")
        return raw
    if key == "established_on":
        if not raw:
            return None
        value = cells[index] if index is not None else raw
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(raw.replace("/", "-"))
        except ValueError:
            raise ValueError("日期格式应为 YYYY-MM-DD")
    return raw


# ---- 分级分类监管: which bureau supervises which enterprise in a year ---------------------------------------------
# 安全生产法 第62条第2款 (应急管理部门应当按照分类分级监督管理的要求，制定安全生产年度监督检查计划); measure II.3 (一个企业
# 一年只由一个层级检查). The columns of the assignment workbook (the export of a year is a filled-in template).
SUPERVISION_COLUMNS = [
    ("uscc", "统一社会信用代码", True),
    ("name", "企业名称", False),
    ("level", "监管层级", False),
    ("organisation", "监管单位", True),
]
LEVEL_LABELS = {"city": "市级", "county": "县级"}
LEVEL_BY_LABEL = {"市级": "city", "县级": "county", "市": "city", "县": "county", "city": "city", "county": "county"}


def validate_supervision_row(row_number: int, cells: list[Any], header_index: dict[str, int]) -> RowResult:
    """One row of an assignment workbook: the code is checked (check digit), the level is 市级/县级 or empty, the
    supervising unit is named. Lookups (the enterprise, the unit) are the service's."""
    result = RowResult(row_number)

    def get(key: str) -> str:
        index = header_index.get(key)
        return _text(cells[index]) if index is not None and index < len(cells) else ""

    for key, title, required in SUPERVISION_COLUMNS:
        raw = get(key)
        if required and not raw:
            result.errors.append((title, "必填"))
            continue
        if key == "uscc":
            try:
                result.values[key] = validate_uscc(raw)
            except IdentifierError as exc:
                result.errors.append((title, str(exc)))
        elif key == "level":
            if raw and raw not in LEVEL_BY_LABEL:
                result.errors.append((title, "监管层级应为“市级”或“县级”（可留空，按监管单位确定）"))
            else:
                result.values[key] = LEVEL_BY_LABEL.get(raw, "")
        else:
            result.values[key] = raw
    return result


def level_for(organisation_region: str | None, city_region: str) -> str:
    """The level of a supervising bureau: the city bureau's region is the city's (市级), any other is 县级."""
    return "city" if organisation_region == city_region else "county"


@dataclass(frozen=True)
class AssignmentFacts:
    """What decides whether an assignment of an enterprise to a bureau for a year may be written."""

    year: int
    city_region: str
    enterprise_region: str
    enterprise_closed: bool
    in_actor_jurisdiction: bool
    actor_is_city: bool
    actor_bureau_id: int
    organisation_id: int
    organisation_name: str
    organisation_region: str | None
    organisation_is_bureau: bool  # an active city bureau, county bureau or development-zone department
    existing_organisation_id: int | None = None  # the assignment already recorded for the year
    existing_label: str = ""
    previous_organisation_id: int | None = None  # the assignment of the year before
    previous_is_city: bool = False


NEW, UNCHANGED, REFUSED = "new", "unchanged", "refused"


def assignment_verdict(f: AssignmentFacts) -> tuple[str, str]:
    """(NEW | UNCHANGED | REFUSED, the reason in Chinese). Every refusal names its rule."""
    if not f.in_actor_jurisdiction:
        return REFUSED, "企业不在您的管辖区域内"
    if f.enterprise_closed:
        return REFUSED, "企业已关闭注销，不再分配监管层级"
    if not f.organisation_is_bureau:
        return REFUSED, f"「{f.organisation_name}」不是应急管理部门（监管单位应为市局、县级应急管理局或开发区监管部门）"
    if f.organisation_region not in (f.city_region, f.enterprise_region):
        return REFUSED, f"{f.organisation_name}只监管本辖区的企业，该企业在其他县（市、区）"
    if not f.actor_is_city:
        # a county keeps its own list; the level of an enterprise between the city and a county is the city's call
        if f.organisation_id != f.actor_bureau_id:
            return REFUSED, "县级只能将本县企业分配给本局监管，由市局监管的企业由市局确定"
        if f.previous_is_city and f.previous_organisation_id != f.organisation_id:
            return REFUSED, f"该企业 {f.year - 1} 年由市局监管，调整监管层级由市局确定"
    if f.existing_organisation_id is not None:
        if f.existing_organisation_id == f.organisation_id:
            return UNCHANGED, f"{f.year} 年已分配给{f.existing_label}，保持不变"
        # measure II.3: one level per enterprise per year
        return REFUSED, f"该企业 {f.year} 年已由{f.existing_label}负责监管（一个企业一年只由一个层级检查）"
    return NEW, ""
