"""Build register import workbooks for tests."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from bureau.enterprises.rules import COLUMNS


def workbook(rows: list[dict[str, Any]], *, header: list[str] | None = None) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    titles = header or [title for _, title, _ in COLUMNS]
    ws.append(titles)
    keys = {title: key for key, title, _ in COLUMNS}
    for row in rows:
        ws.append([row.get(keys.get(t, t), "") for t in titles])
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile("名录.xlsx", buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def good_row(uscc: str, name: str, region: str = "140802") -> dict[str, Any]:
    return {"uscc": uscc, "name": name, "region": region, "industry": "危险化学品经营", "legal_representative": "王五",
            "contact_phone": "13912345678", "standardization_grade": "二级", "credit_grade": "B1", "is_key": "否"}
