"""The register import job: every row is validated first, and all rows are written in one transaction only if none
has an error (run by the background job `bureau.enterprises.tasks.run_enterprise_import`)."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from bureau.accounts.scope import scope_for
from bureau.enterprises.models import ChemicalPark, Enterprise, ImportJob
from bureau.enterprises.rules import COLUMNS, validate_row
from bureau.kernel.audit import audit
from bureau.kernel.excel import read_rows
from bureau.kernel.models import Region

PROGRESS_EVERY = 200


def import_job_run(job_id: int) -> ImportJob:
    """Validate every row first; write all of them in one transaction only if none has an error."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status not in {ImportJob.Status.QUEUED, ImportJob.Status.VALIDATING}:
        return job
    actor = job.created_by
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.VALIDATING)
    try:
        with job.file.open("rb") as handle:
            header, rows = read_rows(handle.read())
    except Exception:  # not a readable workbook
        return _finish(job, ImportJob.Status.FAILED, "文件无法读取，请使用系统提供的 Excel 模板（.xlsx）")
    titles = {title: key for key, title, _ in COLUMNS}
    header_index = {titles[h]: i for i, h in enumerate(header) if h in titles}
    missing = [title for key, title, required in COLUMNS if required and key not in header_index]
    if missing:
        return _finish(job, ImportJob.Status.FAILED, f"表头缺少必填列：{'、'.join(missing)}")
    regions = set(Region.objects.values_list("code", flat=True))
    parks = set(ChemicalPark.objects.values_list("code", flat=True))
    scope = scope_for(actor)
    valid: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    all_rows = list(rows)
    ImportJob.objects.filter(pk=job.pk).update(total_rows=len(all_rows))
    for i, (number, cells) in enumerate(all_rows, start=1):
        result = validate_row(number, cells, header_index, regions=regions, parks=parks)
        uscc = result.values.get("uscc")
        if uscc and uscc in seen:
            result.errors.append(("统一社会信用代码", f"与第 {seen[uscc]} 行重复"))
        elif uscc:
            seen[uscc] = number
        region = result.values.get("region")
        if region and not scope.covers_region(region):
            result.errors.append(("所在区划代码", "不在您的管辖区域内"))
        if result.errors:
            errors.extend({"row": number, "column": c, "message": m} for c, m in result.errors)
        else:
            valid.append(result.values)
        if i % PROGRESS_EVERY == 0:
            ImportJob.objects.filter(pk=job.pk).update(processed_rows=i)
    if not all_rows:
        return _finish(job, ImportJob.Status.FAILED, "文件中没有数据行")
    if errors:
        job.errors = errors[:5000]
        return _finish(job, ImportJob.Status.FAILED,
                       f"共 {len(all_rows)} 行，{len({e['row'] for e in errors})} 行有错误，未导入任何数据。请修改后重新上传。",
                       processed=len(all_rows))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.WRITING, processed_rows=len(all_rows))
    created, updated = _write(valid)
    with transaction.atomic():
        job.created_count, job.updated_count = created, updated
        job = _finish(job, ImportJob.Status.DONE, f"导入完成：新增 {created} 家，更新 {updated} 家。",
                      processed=len(all_rows))
        audit(actor, "enterprises.import", job, summary=job.message, data={"created": created, "updated": updated})
    return job


def _write(rows: list[dict[str, Any]]) -> tuple[int, int]:
    park_ids = dict(ChemicalPark.objects.values_list("code", "id"))
    existing = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=[r["uscc"] for r in rows])}
    to_create, to_update = [], []
    for values in rows:
        park_code = values.pop("chemical_park", "")
        values["chemical_park_id"] = park_ids.get(park_code) if park_code else None
        values["region_id"] = values.pop("region")
        current = existing.get(values["uscc"])
        if current is None:
            # bulk_create bypasses save(), so the check-in token is set here
            to_create.append(Enterprise(**values, checkin_token=secrets.token_urlsafe(18)))
        else:
            for key, value in values.items():
                setattr(current, key, value)
            to_update.append(current)
    with transaction.atomic():
        Enterprise.objects.bulk_create(to_create, batch_size=500)
        if to_update:
            Enterprise.objects.bulk_update(
                to_update,
                ["name", "region_id", "industry", "sub_sector", "address", "legal_representative", "legal_rep_id_number",
                 "contact_name", "contact_phone", "employees", "standardization_grade", "credit_grade", "is_key",
                 "chemical_park_id", "established_on"],
                batch_size=500,
            )
    return len(to_create), len(to_update)


def _finish(job: ImportJob, status: str, message: str, processed: int | None = None) -> ImportJob:
    job.status = status
    job.message = message
    job.finished_at = timezone.now()
    if processed is not None:
        job.processed_rows = processed
    job.save(update_fields=["status", "message", "finished_at", "processed_rows", "errors", "created_count",
                            "updated_count"])
    return job
