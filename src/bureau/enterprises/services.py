"""Use cases of the register. Every change runs in a transaction and writes the audit trail."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from bureau.accounts.authority import require_change
from bureau.accounts.models import User
from bureau.enterprises.models import Enterprise, ImportJob
from bureau.enterprises.tasks import run_enterprise_import
from bureau.kernel.attachments import check_upload
from bureau.kernel.audit import audit
from bureau.kernel.errors import DomainError
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
