"""Excel helpers: streamed write-only exports with formula-injection escaping, and read-only imports."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

from django.http import FileResponse
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

_DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Escape text that a spreadsheet would run as a formula (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(_DANGEROUS_PREFIXES):
        return "'" + value
    return value


def xlsx_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]], sheet: str = "Sheet1"
                  ) -> FileResponse:
    """Write rows with openpyxl's write-only mode into a spooled temp file and stream it back."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DCE6F5")
    head_cells = []
    for title in header:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = bold
        cell.fill = fill
        head_cells.append(cell)
    ws.append(head_cells)
    for row in rows:
        ws.append([safe_cell(v) for v in row])
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    wb.save(out)
    out.seek(0)
    response = FileResponse(out, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def read_rows(data: bytes | io.BufferedIOBase) -> tuple[list[str], Iterable[tuple[int, list[Any]]]]:
    """Header and (row number, values) of the first sheet, read in read-only mode."""
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    wb = load_workbook(stream, read_only=True, data_only=True)
    ws = wb.worksheets[0]
    iterator = ws.iter_rows(values_only=True)
    try:
        header = [str(c).strip() if c is not None else "" for c in next(iterator)]
    except StopIteration:
        return [], iter(())

    def rows() -> Iterable[tuple[int, list[Any]]]:
        for number, values in enumerate(iterator, start=2):
            cells = list(values)
            if all(v is None or str(v).strip() == "" for v in cells):
                continue
            yield number, cells
        wb.close()

    return header, rows()
