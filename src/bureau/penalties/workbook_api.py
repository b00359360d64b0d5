"""API of the benchmark workbook import (penalties.workbook), mounted by penalties.api.

POST /api/v1/penalties/benchmark-imports (multipart: the workbook and what the importer states) answers the import's
id and status; the parse runs as a background job. GET …/{id} answers the status, the progress, the problems and,
once parsed, the counts and the earlier rows that would get an end date. POST …/{id}/confirm writes it.
Tokens need `benchmark:write` to upload and confirm, `benchmark:read` to follow an import."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from bureau.accounts.http import AuthenticatedRequest
from bureau.accounts.tokens import token_scope
from bureau.kernel.errors import DomainError
from bureau.kernel.schemas import Day, Id, InputSchema
from bureau.penalties import workbook
from bureau.penalties.models import BenchmarkImport

router = Router(tags=["行政处罚"])


class ProblemOut(Schema):
    sheet: str
    row: int
    column: str
    message: str
    text: str


class ClosureOut(Schema):
    version: str
    source: str
    rows: int
    effective_to: dt.date


class ImportOut(Schema):
    id: int
    status: str
    status_label: str
    running: bool
    percent: int
    processed_rows: int
    total_rows: int
    message: str
    layout: str
    version: str
    source: str
    level: str
    effective_from: dt.date | None
    mapping: dict[str, str]
    rows: int
    violations: int
    created: int
    unchanged: int
    closed: int
    closures: list[ClosureOut]
    problems: list[ProblemOut]
    warnings: list[ProblemOut]
    url: str

    @staticmethod
    def of(imp: BenchmarkImport) -> ImportOut:
        def problems(items: list[dict[str, Any]]) -> list[ProblemOut]:
            return [ProblemOut(sheet=p.get("sheet", ""), row=p.get("row", 0), column=p.get("column", ""),
                               message=p["message"], text=workbook.problem_text(p)) for p in items[:1000]]

        return ImportOut(
            id=imp.pk, status=imp.status, status_label=imp.get_status_display(), running=imp.running,
            percent=imp.percent, processed_rows=imp.processed_rows, total_rows=imp.total_rows, message=imp.message,
            layout=imp.layout, version=imp.version, source=imp.source, level=imp.level,
            effective_from=imp.effective_from, mapping=imp.mapping, rows=len(imp.rows),
            violations=len({r["violation_code"] for r in imp.rows}), created=imp.created_count,
            unchanged=imp.unchanged_count, closed=imp.closed_count,
            closures=[ClosureOut(**c) for c in workbook.closure_summary(imp)], problems=problems(imp.problems),
            warnings=problems(imp.warnings), url=f"/penalties/benchmark/imports/{imp.pk}/")


class ConfirmIn(InputSchema):
    close_earlier: bool = False


@router.post("/benchmark-imports", response={202: ImportOut},
             summary="上传裁量基准表（multipart：file，version，source，level，effective_from；可选 reference、mapping）",
             description="各地公布的裁量基准表（.xlsx）须写明版本名称、来源文件（文号）、层级（national/province/city）和生效"
                         "日期；列按表头自动识别，mapping（JSON：{\"表头\": \"字段\"}，字段见 workbook.FIELD_LABELS）可指明。"
                         "本系统模板格式（.xlsx/.csv，每行自带版本和日期）无需这些参数。解析在后台进行，用 GET 查询进度和问题，"
                         "校验通过后 POST …/confirm 写入。只限市局系统管理员、科室负责人和分管负责人。")
@token_scope("benchmark:write")
def import_create(request: AuthenticatedRequest, file: File[UploadedFile], version: Form[str] = "",
                  source: Form[str] = "", level: Form[str] = "", effective_from: Form[Day | None] = None,
                  reference: Form[str] = "", mapping: Form[str] = "", above_inclusive: Form[bool] = True,
                  below_inclusive: Form[bool] = True) -> tuple[int, ImportOut]:
    chosen: dict[str, str] = {}
    if mapping.strip():
        try:
            value = json.loads(mapping)
        except ValueError as exc:
            raise DomainError("mapping 应为 JSON 对象：{\"表头\": \"字段\"}", field="mapping") from exc
        if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            raise DomainError("mapping 应为 JSON 对象：{\"表头\": \"字段\"}", field="mapping")
        chosen = value
    imp = workbook.import_upload(actor=request.user, upload=file, version=version, source=source, level=level,
                                 effective_from=effective_from, reference=reference, above_inclusive=above_inclusive,
                                 below_inclusive=below_inclusive, mapping=chosen, confirm_mapping=True)
    imp.refresh_from_db()
    return 202, ImportOut.of(imp)


@router.get("/benchmark-imports/{import_id}", response=ImportOut, summary="裁量基准导入的状态、进度、问题和预览统计")
@token_scope("benchmark:read")
def import_detail(request: AuthenticatedRequest, import_id: Id) -> ImportOut:
    return ImportOut.of(workbook.visible(request.user, import_id))


@router.post("/benchmark-imports/{import_id}/confirm", response={202: ImportOut},
             summary="确认写入校验通过的裁量基准导入（旧版本条目须设失效日期时 close_earlier 须为 true）")
@token_scope("benchmark:write")
def import_confirm(request: AuthenticatedRequest, import_id: Id, payload: ConfirmIn) -> tuple[int, ImportOut]:
    imp = workbook.import_confirm(actor=request.user, imp=workbook.visible(request.user, import_id),
                                  close_earlier=payload.close_earlier)
    imp.refresh_from_db()
    return 202, ImportOut.of(imp)
