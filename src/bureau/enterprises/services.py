"""Use cases of the register. Every change runs in a transaction and writes the audit trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from bureau.accounts.authority import require_change
from bureau.accounts.models import Organisation, OrganisationKind, User
from bureau.accounts.scope import scope_for
from bureau.enterprises import rules
from bureau.enterprises.models import Enterprise, EnterpriseStatus, ImportJob, SupervisionAssignment
from bureau.enterprises.tasks import run_enterprise_import
from bureau.kernel.attachments import check_upload
from bureau.kernel.audit import audit
from bureau.kernel.errors import Conflict, DomainError, NotFound, PermissionDenied
from bureau.kernel.excel import read_rows
from bureau.kernel.jobs import enqueue

EDITABLE_FIELDS = [
    "name", "region", "address", "industry", "sub_sector", "business_scope", "legal_representative", "legal_rep_id_number",
    "contact_name", "contact_phone", "employees", "established_on", "standardization_grade", "credit_grade",
    "is_key", "chemical_park", "status",
]
MASKED = {"legal_rep_id_number", "contact_phone"}


def enterprise_save(*, actor: User, enterprise: Enterprise, changed: list[str] | None = None) -> Enterprise:
    """Create or update an enterprise (administrators; a county administrator only in the county)."""
    require_change(actor, Enterprise, region=enterprise.region_id)
    creating = enterprise.pk is None
    with transaction.atomic():
        enterprise.save()
        summary_fields = [f for f in (changed or []) if f not in MASKED] + [f"{f}（已脱敏）" for f in (changed or [])
                                                                             if f in MASKED]
        audit(actor, "enterprises.create" if creating else "enterprises.update", enterprise,
              summary=("登记企业：" if creating else "修改企业：") + enterprise.name,
              data={"changed": summary_fields})
    return enterprise


def import_job_create(*, actor: User, upload: UploadedFile) -> ImportJob:
    require_change(actor, Enterprise)
    check_upload(upload, allowed=frozenset({"xlsx"}), max_bytes=50 * 1024 * 1024)
    with transaction.atomic():
        job = ImportJob(kind="enterprises", original_name=(upload.name or "")[:200], created_by=actor)
        job.file.save(f"enterprises-{timezone.now():%Y%m%d%H%M%S}.xlsx", upload, save=False)
        job.save()
        audit(actor, "enterprises.import_queued", job, summary=f"上传企业名录导入文件：{job.original_name}")
        enqueue(run_enterprise_import, job.pk)
    return job


def ensure_visible(actor: User, enterprise_id: int) -> Enterprise:
    enterprise = Enterprise.objects.restrict(actor).filter(pk=enterprise_id).first()
    if enterprise is None:
        raise DomainError("企业不存在或不在您的管辖范围内", code="not_found")
    return enterprise


# ---- 分级分类监管: the year's assignments, rolled over or imported (安全生产法 第62条第2款; measure II.3) --------------

BUREAU_KINDS = (OrganisationKind.CITY_BUREAU, OrganisationKind.COUNTY_BUREAU, OrganisationKind.ZONE)


def supervising_bureaus() -> list[Organisation]:
    """The bureaus that supervise enterprises: the city bureau, the county bureaus and the development zone's."""
    return list(Organisation.objects.filter(kind__in=BUREAU_KINDS, is_active=True, region__isnull=False)
                .order_by("sort", "code"))


def actor_bureau(actor: User) -> Organisation:
    """The bureau a section head or leader acts for (a section acts for the city bureau)."""
    org = actor.organisation
    if org is None or actor.enterprise_id or org.bureau.kind not in BUREAU_KINDS or org.bureau.region_id is None:
        raise PermissionDenied("只有应急管理部门的科室负责人和分管负责人可以维护分级分类监管分工")
    return org.bureau


def assignable_years(today: dt.date | None = None) -> tuple[int, int]:
    """The years whose assignments may still be written: this year and the next (earlier years are history)."""
    year = (today or timezone.localdate()).year
    return year, year + 1


def _check_year(year: int) -> None:
    first, last = assignable_years()
    if not first <= year <= last:
        raise DomainError(f"只能维护 {first} 年和 {last} 年的分级分类监管分工（往年分工为历史记录，不再修改）",
                          field="year")


@dataclass
class Verdict:
    """What writing one assignment would do: NEW, UNCHANGED or REFUSED (with the reason)."""

    enterprise: Enterprise | None
    organisation: Organisation | None
    level: str
    status: str
    message: str
    row: int | None = None  # the workbook row, for an import
    uscc: str = ""
    name: str = ""

    @property
    def level_label(self) -> str:
        return rules.LEVEL_LABELS.get(self.level, "")


def _chunks(values: Sequence[Any], size: int = 900) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _assignments(year: int, enterprise_ids: Sequence[int]) -> dict[int, SupervisionAssignment]:
    found: dict[int, SupervisionAssignment] = {}
    for chunk in _chunks(list(enterprise_ids)):
        for a in SupervisionAssignment.objects.filter(year=year, enterprise_id__in=chunk).select_related("organisation"):
            found[a.enterprise_id] = a
    return found


def _label(assignment: SupervisionAssignment) -> str:
    return f"{assignment.organisation.name}（{assignment.get_level_display()}）"


def assignment_verdicts(*, actor: User, year: int, wanted: Sequence[tuple[Enterprise, Organisation]]
                        ) -> list[Verdict]:
    """For each (enterprise, bureau) the actor wants for `year`: would it be written, left as it is, or refused?
    Two set-based reads (the year's and the year before's assignments), then the rule per row."""
    bureau = actor_bureau(actor)
    scope = scope_for(actor)
    city = settings.CITY_REGION_CODE
    ids = [e.pk for e, _ in wanted]
    existing = _assignments(year, ids)
    previous = _assignments(year - 1, ids)
    verdicts = []
    for enterprise, organisation in wanted:
        current, before = existing.get(enterprise.pk), previous.get(enterprise.pk)
        facts = rules.AssignmentFacts(
            year=year, city_region=city, enterprise_region=enterprise.region_id,
            enterprise_closed=enterprise.status == EnterpriseStatus.CLOSED,
            in_actor_jurisdiction=scope.covers_region(enterprise.region_id),
            actor_is_city=bureau.region_id == city, actor_bureau_id=bureau.pk, organisation_id=organisation.pk,
            organisation_name=organisation.name, organisation_region=organisation.region_id,
            organisation_is_bureau=organisation.is_active and organisation.kind in BUREAU_KINDS,
            existing_organisation_id=current.organisation_id if current else None,
            existing_label=_label(current) if current else "",
            previous_organisation_id=before.organisation_id if before else None,
            previous_is_city=before is not None and before.level == "city")
        status, message = rules.assignment_verdict(facts)
        verdicts.append(Verdict(enterprise, organisation, rules.level_for(organisation.region_id, city), status,
                                message, uscc=enterprise.uscc, name=enterprise.name))
    return verdicts


def _write(year: int, verdicts: Sequence[Verdict]) -> list[SupervisionAssignment]:
    rows = [SupervisionAssignment(enterprise=v.enterprise, year=year, level=v.level, organisation=v.organisation)
            for v in verdicts if v.status == rules.NEW]
    try:
        with transaction.atomic():
            SupervisionAssignment.objects.bulk_create(rows, batch_size=500)
    except IntegrityError as exc:  # someone assigned one of them meanwhile (one enterprise, one year: one row)
        raise Conflict("其他人刚刚修改了部分企业的监管分工，请刷新后重试") from exc
    return rows


def _refusal(verdicts: Sequence[Verdict], limit: int = 5) -> str:
    refused = [v for v in verdicts if v.status == rules.REFUSED]
    shown = "；".join(f"{f'第 {v.row} 行 ' if v.row else ''}{v.name or v.uscc}：{v.message}" for v in refused[:limit])
    more = f"等 {len(refused)} 家" if len(refused) > limit else ""
    return f"{shown}{more}。未写入任何分工，请取消勾选这些企业或调整后重试"


@dataclass
class RolloverResult:
    year: int
    created: int
    unchanged: int
    skipped: list[Verdict]


def supervision_rollover(*, actor: User, source_year: int, enterprise_ids: Sequence[int],
                         organisation: Organisation | None = None, skip_refused: bool = False) -> RolloverResult:
    """Copy the selected enterprises' assignments of `source_year` to the next year, each to the same bureau or, for
    all of them, to `organisation` (the change). A refused row refuses the batch, naming it — unless `skip_refused`
    (copying "all that match the filters"): then the rows that cannot be copied are left out and reported. Rows
    already assigned alike are left as they are, so submitting twice writes nothing more (idempotent)."""
    require_change(actor, SupervisionAssignment)
    year = source_year + 1
    _check_year(year)
    ids = sorted({int(i) for i in enterprise_ids})
    if not ids:
        raise DomainError("请勾选要结转的企业", field="enterprises")
    sources = []
    for chunk in _chunks(ids):
        sources += list(SupervisionAssignment.objects.restrict(actor).filter(year=source_year, enterprise_id__in=chunk)
                        .select_related("enterprise", "organisation"))
    if len(sources) != len(ids):
        raise DomainError(f"有 {len(ids) - len(sources)} 家企业 {source_year} 年没有监管分工或不在您的管辖范围内",
                          field="enterprises")
    verdicts = assignment_verdicts(actor=actor, year=year,
                                   wanted=[(a.enterprise, organisation or a.organisation) for a in sources])
    skipped = [v for v in verdicts if v.status == rules.REFUSED]
    if skipped and not skip_refused:
        raise DomainError(_refusal(verdicts), code="refused", field="enterprises")
    with transaction.atomic():
        created = _write(year, verdicts)
        unchanged = len(verdicts) - len(created) - len(skipped)
        audit(actor, "enterprises.supervision_rollover", object_type="enterprises.supervisionassignment",
              object_id=str(year), summary=f"分级分类监管分工由 {source_year} 年结转至 {year} 年：新增 {len(created)} 家，{unchanged} 家不变"
                      + (f"，改由{organisation.name}监管" if organisation else ""),
              data={"source_year": source_year, "year": year, "organisation": organisation.pk if organisation else None,
                    "created": [a.enterprise_id for a in created][:2000], "unchanged": unchanged,
                    "skipped": [v.enterprise.pk for v in skipped if v.enterprise][:2000]})
    return RolloverResult(year, len(created), unchanged, skipped)


# ---- the Excel import of a year's assignments: validated row by row, previewed, confirmed ------------------------

MAX_IMPORT_ROWS = 20000


def _find_organisation(text: str, bureaus: Sequence[Organisation]) -> Organisation | None | str:
    """The bureau a workbook names (full name, short name or code); a Chinese problem when none or several match."""
    matches = [b for b in bureaus if text in {b.name, b.short_name, b.code}]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        return f"监管单位「{text}」不存在，应为市局、县级应急管理局或开发区监管部门的名称"
    return f"监管单位「{text}」对应多个机构，请填写全称"


def _evaluate_workbook(actor: User, job: ImportJob) -> tuple[list[Verdict], list[dict[str, Any]], int]:
    """(the verdict of each valid row, the errors [{row, column, message}], the number of data rows)."""
    assert job.year is not None
    try:
        with job.file.open("rb") as handle:
            header, rows = read_rows(handle.read())
        all_rows = list(rows)
    except Exception as exc:  # not a readable workbook
        raise DomainError("文件无法读取，请使用系统提供的 Excel 模板（.xlsx）", field="file") from exc
    titles = {title: key for key, title, _ in rules.SUPERVISION_COLUMNS}
    header_index = {titles[h]: i for i, h in enumerate(header) if h in titles}
    missing = [title for key, title, required in rules.SUPERVISION_COLUMNS if required and key not in header_index]
    if missing:
        raise DomainError(f"表头缺少必填列：{'、'.join(missing)}", field="file")
    if not all_rows:
        raise DomainError("文件中没有数据行", field="file")
    if len(all_rows) > MAX_IMPORT_ROWS:
        raise DomainError(f"一次最多导入 {MAX_IMPORT_ROWS} 行，请分成几个文件导入", field="file")
    bureaus = supervising_bureaus()
    parsed = [rules.validate_supervision_row(number, cells, header_index) for number, cells in all_rows]
    codes = [p.values["uscc"] for p in parsed if p.values.get("uscc")]
    enterprises: dict[str, Enterprise] = {}
    for chunk in _chunks(codes):
        enterprises.update({e.uscc: e for e in Enterprise.objects.filter(uscc__in=chunk)})
    scope = scope_for(actor)
    errors: list[dict[str, Any]] = []
    wanted: list[tuple[Enterprise, Organisation]] = []
    rows_of: list[rules.RowResult] = []
    seen: dict[str, int] = {}
    for result in parsed:
        uscc = result.values.get("uscc")
        if uscc and uscc in seen:
            result.errors.append(("统一社会信用代码", f"与第 {seen[uscc]} 行重复"))
        elif uscc:
            seen[uscc] = result.row
        enterprise = enterprises.get(uscc or "")
        if uscc and enterprise is None:
            result.errors.append(("统一社会信用代码", "企业名录中没有该统一社会信用代码"))
        elif enterprise is not None and scope.covers_region(enterprise.region_id):
            # the name is compared only inside the jurisdiction (another county's enterprise is not described)
            name = result.values.get("name", "")
            if name and name != enterprise.name:
                result.errors.append(("企业名称", f"与企业名录不一致（名录为「{enterprise.name}」）"))
        organisation: Organisation | None = None
        if result.values.get("organisation"):
            found = _find_organisation(result.values["organisation"], bureaus)
            if isinstance(found, str):
                result.errors.append(("监管单位", found))
            else:
                organisation = found
        level = result.values.get("level")
        if organisation is not None and level and level != rules.level_for(organisation.region_id,
                                                                           settings.CITY_REGION_CODE):
            actual = rules.LEVEL_LABELS[rules.level_for(organisation.region_id, settings.CITY_REGION_CODE)]
            result.errors.append(("监管层级", f"与监管单位不符（{organisation.name}为{actual}）"))
        if result.errors:
            errors.extend({"row": result.row, "column": c, "message": m} for c, m in result.errors)
        elif enterprise is not None and organisation is not None:
            wanted.append((enterprise, organisation))
            rows_of.append(result)
    verdicts = assignment_verdicts(actor=actor, year=job.year, wanted=wanted)
    for verdict, result in zip(verdicts, rows_of, strict=True):
        verdict.row = result.row
        if verdict.status == rules.REFUSED:
            errors.append({"row": result.row, "column": "监管分工", "message": verdict.message})
            if not scope.covers_region(verdict.enterprise.region_id if verdict.enterprise else ""):
                verdict.name = ""  # not described outside the jurisdiction
    errors.sort(key=lambda e: e["row"])
    return verdicts, errors, len(all_rows)


def _evaluate_preview(actor: User, job: ImportJob, year: int) -> tuple[list[Verdict], list[dict[str, Any]], int]:
    """The previewed rows checked again against the data as it is now (the workbook is not parsed twice)."""
    rows = [r for r in job.preview if r["status"] != rules.REFUSED]
    bureaus = {b.name: b for b in supervising_bureaus()}
    enterprises: dict[str, Enterprise] = {}
    codes = [r["uscc"] for r in rows]
    for chunk in _chunks(codes):
        enterprises.update({e.uscc: e for e in Enterprise.objects.filter(uscc__in=chunk)})
    errors: list[dict[str, Any]] = []
    wanted, numbers = [], []
    for r in rows:
        enterprise, organisation = enterprises.get(r["uscc"]), bureaus.get(r["organisation"])
        if enterprise is None or organisation is None:
            errors.append({"row": r["row"], "column": "监管分工", "message": "企业或监管单位已不存在"})
            continue
        wanted.append((enterprise, organisation))
        numbers.append(r["row"])
    verdicts = assignment_verdicts(actor=actor, year=year, wanted=wanted)
    for verdict, number in zip(verdicts, numbers, strict=True):
        verdict.row = number
        if verdict.status == rules.REFUSED:
            errors.append({"row": number, "column": "监管分工", "message": verdict.message})
    errors.sort(key=lambda e: e["row"])
    return verdicts, errors, job.total_rows


def _preview_rows(verdicts: Sequence[Verdict]) -> list[dict[str, Any]]:
    return [{"row": v.row, "uscc": v.uscc, "name": v.name, "organisation": v.organisation.name if v.organisation
             else "", "level": v.level_label, "status": v.status, "message": v.message} for v in verdicts]


def supervision_import_preview(*, actor: User, upload: UploadedFile, year: int) -> ImportJob:
    """Upload a workbook of assignments for `year`: every row is checked (the code, the unit, the level, the
    jurisdiction, a closed enterprise, an enterprise already assigned that year) and the outcome kept for the
    preview; nothing is written until the importer confirms."""
    require_change(actor, SupervisionAssignment)
    actor_bureau(actor)
    _check_year(year)
    check_upload(upload, allowed=frozenset({"xlsx"}), max_bytes=10 * 1024 * 1024)
    with transaction.atomic():
        job = ImportJob(kind="supervision", year=year, original_name=(upload.name or "")[:200], created_by=actor,
                        status=ImportJob.Status.VALIDATING)
        job.file.save(f"supervision-{year}-{timezone.now():%Y%m%d%H%M%S}.xlsx", upload, save=False)
        job.save()
        audit(actor, "enterprises.supervision_import_upload", job,
              summary=f"上传 {year} 年分级分类监管分工导入文件：{job.original_name}")
    try:
        verdicts, errors, total = _evaluate_workbook(actor, job)
    except DomainError as exc:
        return _finish(job, ImportJob.Status.FAILED, exc.message)
    job.total_rows = job.processed_rows = total
    job.errors = errors[:5000]
    job.preview = _preview_rows(verdicts)
    job.created_count = sum(1 for v in verdicts if v.status == rules.NEW)
    job.updated_count = sum(1 for v in verdicts if v.status == rules.UNCHANGED)
    if errors:
        return _finish(job, ImportJob.Status.FAILED,
                       f"共 {total} 行，{len({e['row'] for e in errors})} 行有问题，未导入任何数据。请修改后重新上传。")
    return _finish(job, ImportJob.Status.PREVIEW,
                   f"校验通过：将新增 {job.created_count} 家，{job.updated_count} 家已分配相同、保持不变。请核对后确认导入。")


def supervision_import_confirm(*, actor: User, job: ImportJob) -> ImportJob:
    """Write the previewed assignments, checked again against the data as it is now, in one transaction.
    Confirming a job already imported changes nothing (idempotent)."""
    require_change(actor, SupervisionAssignment)
    if job.kind != "supervision" or job.created_by_id != actor.pk or job.year is None:
        raise NotFound("导入记录不存在")
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status == ImportJob.Status.DONE:
            return job
        if job.status != ImportJob.Status.PREVIEW or job.year is None:
            raise DomainError("该文件未通过校验，不能导入；请修改后重新上传", code="not_previewed")
        year = job.year
        _check_year(year)
        verdicts, errors, total = _evaluate_preview(actor, job, year)
        if errors:  # something changed since the preview (e.g. another unit assigned one of them)
            job.errors = errors[:5000]
            job.preview = _preview_rows(verdicts)
            return _finish(job, ImportJob.Status.FAILED,
                           f"确认时重新校验发现 {len({e['row'] for e in errors})} 行有问题（数据在预览后有变化），"
                           "未导入任何数据。")
        created = _write(year, verdicts)
        job.created_count, job.updated_count = len(created), len(verdicts) - len(created)
        job.preview = _preview_rows(verdicts)
        job = _finish(job, ImportJob.Status.DONE,
                      f"导入完成：{job.year} 年新增 {len(created)} 家，{job.updated_count} 家保持不变。")
        audit(actor, "enterprises.supervision_import", job, summary=f"导入 {job.year} 年分级分类监管分工："
              f"新增 {len(created)} 家，{job.updated_count} 家不变（{job.original_name}）",
              data={"year": job.year, "created": [a.enterprise_id for a in created][:2000], "rows": total})
    return job


def _finish(job: ImportJob, status: str, message: str) -> ImportJob:
    job.status = status
    job.message = message[:300]
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "message", "finished_at", "total_rows", "processed_rows", "errors", "preview",
                            "created_count", "updated_count"])
    return job
