from __future__ import annotations

from django_tasks import task

from bureau.kernel.audit import audit, write_checkpoint
from bureau.kernel.models import WorkerHeartbeat
from bureau.kernel.registry import registry
from bureau.kernel.staging import purge_expired
from bureau.kernel.throttle import DatabaseStore, clock


@task()
def recompute_provisional_deadlines() -> int:
    """After a calendar year is entered: every area recomputes its stored provisional deadlines."""
    changed = sum(func() for func in registry.deadline_recomputers)
    audit(None, "kernel.deadlines_recomputed", summary=f"工作日历变更后重算暂定期限 {changed} 项", data={"changed": changed})
    return changed


@task()
def write_audit_checkpoint() -> str:
    """Daily: sign the audit chain's head and write it outside the database, so that a cut tail shows (the
    checkpoint covers its own audit entry)."""
    from django.db import transaction

    with transaction.atomic():
        audit(None, "kernel.audit_checkpoint", summary="写入审计日志检查点")
        checkpoint = write_checkpoint()
    return checkpoint.path if checkpoint else ""


@task()
def housekeeping() -> int:
    """Hourly: drop failure counters whose window and wait have passed, heartbeats of workers gone for a day and
    staged uploads past their period (rule kernel.staged_upload_hours)."""
    import datetime as dt

    from django.utils import timezone

    counters = DatabaseStore.purge(clock())
    beats, _ = WorkerHeartbeat.objects.filter(beat_at__lt=timezone.now() - dt.timedelta(days=1)).delete()
    return counters + beats + purge_expired()
