"""Job helpers on top of django-tasks-db."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

STALE_AFTER = dt.timedelta(minutes=30)


def reap_stale_tasks() -> int:
    """A worker killed mid-task leaves its row RUNNING: put such rows back to READY so that they run again.

    Our tasks are idempotent (exactly-once is enforced in the domain tables), so re-running is safe.
    """
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - STALE_AFTER
    return DBTaskResult.objects.filter(status="RUNNING", started_at__lt=cutoff).update(status="READY",
                                                                                     started_at=None)
