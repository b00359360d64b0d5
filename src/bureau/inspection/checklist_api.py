"""API of the official checklists (执法检查表, measure II.5 照单检查), mounted by inspection.api.

GET /api/v1/checklists?industry=&on= lists the versions in force on a date with their items (legal basis, penalty
provision, the violation codes each item can prove, the sub-sectors it applies to). POST /api/v1/checklists/imports
(multipart: the .xlsx/.csv file, `confirm`) checks a file row by row and answers what saving would do (first version,
new version closing the current one, already imported, refused) with every problem naming its line; with
`confirm=true` and no problem it saves all of the file or nothing (checklists.import_checklists). Importing is for
the city bureau's 系统管理员, 科室负责人 and 分管负责人 (checklists.may_import); tokens need `checklists:write`."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile

from bureau.accounts.http import AuthenticatedRequest
from bureau.accounts.tokens import register_scope, token_scope
from bureau.enterprises.models import Industry
from bureau.inspection import checklists
from bureau.inspection.models import Checklist
from bureau.kernel.errors import DomainError
from bureau.kernel.schemas import Day

router = Router(tags=["执法检查表"])
register_scope("checklists:read", "执法检查表（读取）")
register_scope("checklists:write", "执法检查表（导入）")


class ItemOut(Schema):
    seq: int
    category: str
    content: str
    method: str
    law_title: str
    law_article: str
    penalty_basis: str
    violation_codes: list[str]
    sub_sectors: list[str]


class ChecklistOut(Schema):
    id: int
    name: str
    version: str
    industries: list[str]
    effective_from: dt.date
    effective_to: dt.date | None
    source: str
    reference: str
    items: list[ItemOut]


class ChecklistQuery(Schema):
    industry: str = ""
    on: Day | None = None


@router.get("", response=list[ChecklistOut], summary="执法检查表：某日有效的版本及其检查项")
@token_scope("checklists:read")
def checklist_list(request: AuthenticatedRequest, filters: Query[ChecklistQuery]) -> list[ChecklistOut]:
    day = filters.on or timezone.localdate()
    if filters.industry and filters.industry not in Industry.values:
        raise DomainError("行业代码无效", field="industry")
    rows: list[Checklist] = list(checklists.checklists_in_force(day).prefetch_related("items").order_by("name"))
    if filters.industry:
        rows = [c for c in rows if filters.industry in c.industries]
    return [ChecklistOut(id=c.pk, name=c.name, version=c.version, industries=list(c.industries),
                         effective_from=c.effective_from, effective_to=c.effective_to, source=c.source,
                         reference=c.reference,
                         items=[ItemOut(seq=i.seq, category=i.category, content=i.content, method=i.method,
                                        law_title=i.law_title, law_article=i.law_article,
                                        penalty_basis=i.penalty_basis, violation_codes=list(i.violation_codes or []),
                                        sub_sectors=list(i.sub_sectors or []))
                                for i in sorted(c.items.all(), key=lambda item: item.seq)])
            for c in rows]


class PlannedOut(Schema):
    name: str
    version: str
    effective_from: dt.date
    industries: list[str]
    items: int
    status: str  # new | new_version | same | refused
    closes: list[str]


class ImportOut(Schema):
    saved: bool
    rows: int
    checklists: list[PlannedOut]
    errors: list[str]
    warnings: list[str]
    created: list[int]


@router.post("/imports", response=ImportOut, summary="导入执法检查表：逐行校验、预览；confirm=true 时整体保存")
@token_scope("checklists:write")
def checklist_import(request: AuthenticatedRequest, file: File[UploadedFile],
                     confirm: Form[bool] = False) -> ImportOut:
    data = file.read()
    name = (file.name or "checklists.csv")[:200]
    result = checklists.preview(actor=request.user, data=data, filename=name)  # refuses those who may not import
    planned = [PlannedOut(name=c.name, version=c.version, effective_from=c.effective_from,
                          industries=list(c.industries), items=len(c.items), status=c.status,
                          closes=[str(getattr(v, "version", v)) for v in c.closes])
               for c in result.checklists]
    created: list[int] = []
    if confirm and not result.ok:
        raise DomainError("执法检查表导入被拒绝：" + ("；".join(result.errors[:20]) or "文件中没有检查表"),
                          code="checklist_invalid", field="file")
    if confirm:
        created = [c.pk for c in checklists.import_checklists(actor=request.user, data=data, filename=name)]
    return ImportOut(saved=bool(confirm and result.ok), rows=result.rows, checklists=planned, errors=result.errors,
                     warnings=result.warnings, created=created)
