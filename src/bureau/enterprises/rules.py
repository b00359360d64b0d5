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
