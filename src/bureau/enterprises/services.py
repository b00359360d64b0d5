"""Use cases of the register. Every change runs in a transaction and writes the audit trail."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from bureau.accounts.authority import require_change
from bureau.accounts.scope import scope_for
from bureau.enterprises.models import ChemicalPark, Enterprise, ImportJob
from bureau.enterprises.rules import COLUMNS, validate_row
from bureau.kernel.audit import audit
from bureau.kernel.errors import DomainError
from bureau.kernel.excel import read_rows
from bureau.kernel.jobs import enqueue
from bureau.kernel.models import Region

EDITABLE_FIELDS = [
    "name", "region", "address", "industry", "business_scope", "legal_representative", "legal_rep_id_number",
    "contact_name", "contact_phone", "employees", "established_on", "standardization_grade", "credit_grade",
    "is_key", "chemical_park", "status",
]
MASKED = {"legal_rep_id_number", "contact_phone"}


def enterprise_save(*, actor: Any, enterprise: Enterprise, changed: list[str] | None = None) -> Enterprise:
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


def import_job_create(*, actor: Any, upload: Any) -> ImportJob:
    require_change(actor, Enterprise)
    from bureau.kernel.attachments import check_upload

    check_upload(upload, allowed=frozenset({"xlsx"}), max_bytes=50 * 1024 * 1024)
    with transaction.atomic():
        job = ImportJob(kind="enterprises", original_name=upload.name[:200], created_by=actor)
        job.file.save(f"enterprises-{timezone.now():%Y%m%d%H%M%S}.xlsx", upload, save=False)
        job.save()
        audit(actor, "enterprises.import_queued", job, summary=f"上传企业名录导入文件：{job.original_name}")
        from bureau.enterprises.tasks import run_enterprise_import

        enqueue(run_enterprise_import, job.pk)
    return job


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
                ["name", "region_id", "industry", "address", "legal_representative", "legal_rep_id_number",
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


def ensure_visible(actor: Any, enterprise_id: int) -> Enterprise:
    enterprise = Enterprise.objects.restrict(actor).filter(pk=enterprise_id).first()
    if enterprise is None:
        raise DomainError("企业不存在或不在您的管辖范围内", code="not_found")
    return enterprise
