"""Job helpers on top of django-tasks-db."""

from __future__ import annotations

import datetime as dt
from typing import Any

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


def enqueue(task: Any, *args: Any, **kwargs: Any) -> None:
    """Queue a job as part of the current transaction.

    With the database backend the job row is written in the same transaction as the change that needs it
    (a transactional outbox: both commit or neither); the immediate backend (tests) runs it inline. Any other
    backend (a broker outside the database) is only told after the commit.
    """
    from django.db import transaction
    from django_tasks import task_backends

    backend = task_backends[task.backend].__class__.__name__
    if backend in {"DatabaseBackend", "ImmediateBackend"}:
        task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(*args, **kwargs))
