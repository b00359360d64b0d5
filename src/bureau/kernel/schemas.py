"""Bounded API input types shared by every area's router: ids, paging, numbers, dates, text.

Every id or number an operation reads is bounded here, so the OpenAPI schema states the range and an
out-of-range value is answered 400 by validation before it reaches the database (where SQLite raises
OverflowError and PostgreSQL refuses the cast). Input schemas derive from `InputSchema`: their text fields are
single-line unless annotated `Text`, and control characters are refused with the field named.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from bureau.kernel.validation import FIRST_DAY, LAST_DAY, LINE_PATTERN, MAX_ID, TEXT_PATTERN, control_character


def _multi_line(value: str) -> str:
    code = control_character(value, multiline=True)
    if code:
        raise PydanticCustomError("control_character", "不能包含控制字符（{code}）", {"code": code})
    return value


# A record id in a path, a query or a body: 1 ≤ id ≤ 2^63−1 (a 64-bit primary key).
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# Paging of API lists: at most 200 rows a page, at most 10 000 rows deep (deeper pages are exports' job).
Limit = Annotated[int, Field(ge=1, le=200)]
Offset = Annotated[int, Field(ge=0, le=10000)]
# Paging of the data-sharing API (bulk reads by other departments): 500 rows a page, 100 000 deep.
LongLimit = Annotated[int, Field(ge=1, le=500)]
LongOffset = Annotated[int, Field(ge=0, le=100000)]
# A whole number a user types (a version, a count): non-negative and within 64 bits.
Natural = Annotated[int, Field(ge=0, le=MAX_ID)]
# A multi-line text (descriptions, notes, measures): tabs and line breaks allowed, other controls refused.
Text = Annotated[str, AfterValidator(_multi_line), Field(json_schema_extra={"x-multiline": True, "pattern": TEXT_PATTERN})]
# Money in 元 with two decimals, as the columns store it.
Money = Annotated[Decimal, Field(ge=0, le=Decimal("999999999999.99"), max_digits=14, decimal_places=2, allow_inf_nan=False)]
# A date within the working-day calendar's range (kernel.calendar.year_days: 1990—2200), so every deadline
# computed from it can be counted; the services apply the finer rules (past events, deadlines).
Day = Annotated[dt.date, Field(ge=FIRST_DAY, le=LAST_DAY)]


def _is_multiline(field: Any) -> bool:
    """Whether a model field is declared `Text` (pydantic folds the Field of an Annotated type into the field)."""
    for extra in [getattr(field, "json_schema_extra", None),
                  *(getattr(item, "json_schema_extra", None) for item in getattr(field, "metadata", []))]:
        if isinstance(extra, dict) and extra.get("x-multiline"):
            return True
    return False


def _document_single_line(schema: dict[str, Any], cls: type) -> None:
    """State the single-line rule in the JSON schema of plain text fields (generated clients and the
    property-based test then send what the server accepts)."""
    for prop in schema.get("properties", {}).values():
        for option in [prop, *prop.get("anyOf", [])]:
            if option.get("type") == "string" and not {"format", "enum", "pattern", "x-multiline"} & option.keys():
                option["pattern"] = LINE_PATTERN
            items = option.get("items")
            if isinstance(items, dict) and items.get("type") == "string" and not {"format", "enum"} & items.keys():
                items.setdefault("pattern", LINE_PATTERN)


class InputSchema(Schema):
    """Base of every API input schema: each text field, also inside lists, is single-line unless declared
    `Text`; control characters are refused with the field named (400)."""

    model_config = ConfigDict(json_schema_extra=_document_single_line)

    @field_validator("*", mode="after")
    @classmethod
    def _refuse_control_characters(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        multiline = field is not None and _is_multiline(field)
        for item in value if isinstance(value, list | tuple) else [value]:
            if isinstance(item, str):
                code = control_character(item, multiline=multiline)
                if code:
                    raise PydanticCustomError("control_character", "不能包含控制字符{extra}（{code}）",
                                              {"code": code, "extra": "" if multiline else "或换行符"})
        return value
