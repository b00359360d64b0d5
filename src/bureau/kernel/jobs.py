"""Job helpers on top of django-tasks-db: enqueue in the transaction, heartbeats, the reaper, the health of the queue.

django-tasks-db has no notion of a dead worker: a worker killed mid-task leaves its row RUNNING for ever. Each of our
workers (`manage.py worker`) and the scheduler write a heartbeat; a RUNNING task whose worker has stopped beating is
put back in the queue within `WORKER_DEAD_SECONDS` plus one beat. Our tasks are idempotent (exactly-once lives in the
domain tables: a unique key per reminder, SMS sent with an idempotency key the gateway drops when repeated), so
running a task again after a kill does no harm. Tasks claimed by a worker that never wrote a heartbeat (a plain
`db_worker`) fall back to the old rule: RUNNING for longer than `STALE_AFTER`.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from bureau.kernel.models import WorkerHeartbeat

STALE_AFTER = dt.timedelta(minutes=30)
SCHEDULER_TICK_SECONDS = 15
log = logging.getLogger("bureau.jobs")


def dead_after() -> dt.timedelta:
    return dt.timedelta(seconds=settings.WORKER_DEAD_SECONDS)


def new_worker_id(kind: str) -> str:
    return f"{kind}-{socket.gethostname()[:30]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"[:64]


def beat(worker_id: str, kind: str, *, started_at: dt.datetime | None = None, stopped: bool = False) -> None:
    """Record that `worker_id` is alive (or has stopped cleanly)."""
    now = timezone.now()
    defaults: dict[str, Any] = {"kind": kind, "hostname": socket.gethostname()[:100], "pid": os.getpid(),
                                "beat_at": now, "stopped_at": now if stopped else None}
    if started_at is not None:
        defaults["started_at"] = started_at
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(**defaults)
    if not updated:
        defaults.setdefault("started_at", now)
        WorkerHeartbeat.objects.create(worker_id=worker_id, **defaults)


def reap_stale_tasks() -> int:
    """Put RUNNING tasks of dead workers back to READY (a conditional UPDATE: two reapers never double a task)."""
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    running = list(DBTaskResult.objects.filter(status="RUNNING").values("id", "worker_ids", "started_at")[:500])
    if not running:
        return 0
    owners = {row["worker_ids"][-1] for row in running if row["worker_ids"]}
    beats = {hb.worker_id: hb for hb in WorkerHeartbeat.objects.filter(worker_id__in=owners)}
    requeued = 0
    for row in running:
        owner = row["worker_ids"][-1] if row["worker_ids"] else ""
        hb = beats.get(owner)
        if hb is not None:
            dead = hb.stopped_at is not None or hb.beat_at < now - dead_after()
        else:
            dead = row["started_at"] is not None and row["started_at"] < now - STALE_AFTER
        if dead:
            requeued += DBTaskResult.objects.filter(id=row["id"], status="RUNNING", started_at=row["started_at"]
                                                    ).update(status="READY", started_at=None)
    if requeued:
        log.warning("re-queued %s task(s) of stopped workers", requeued)
    return requeued


class Heartbeat:
    """A daemon thread that beats every WORKER_HEARTBEAT_SECONDS and reaps dead workers' tasks (so a killed worker's
    task comes back even when the scheduler is down too)."""

    def __init__(self, worker_id: str, kind: str) -> None:
        self.worker_id = worker_id
        self.kind = kind
        self.started_at = timezone.now()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{kind}", daemon=True)

    def start(self) -> Heartbeat:
        beat(self.worker_id, self.kind, started_at=self.started_at)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(settings.WORKER_HEARTBEAT_SECONDS):
            try:
                beat(self.worker_id, self.kind)
                if self.kind == "worker":
                    reap_stale_tasks()
            except Exception:  # a failed beat must not kill the worker; the next one tries again
                log.exception("heartbeat failed")
            finally:
                close_old_connections()
                connection.close()

    def stop(self) -> None:
        self._stop.set()
        try:
            beat(self.worker_id, self.kind, stopped=True)
        except Exception:  # shutting down: the reaper will see the old beat instead
            pass


@dataclass(frozen=True)
class ProcessHealth:
    status: str  # ok | late | dead | missing
    alive: int
    last_beat_seconds: int | None

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "alive": self.alive, "last_beat_seconds": self.last_beat_seconds}


def process_health(kind: str, now: dt.datetime | None = None) -> ProcessHealth:
    """`ok` when a process of this kind beat within two beats, `late` within the dead limit, else `dead`."""
    now = now or timezone.now()
    rows = list(WorkerHeartbeat.objects.filter(kind=kind, stopped_at__isnull=True).order_by("-beat_at")
                .values_list("beat_at", flat=True)[:50])
    if not rows:
        return ProcessHealth("missing", 0, None)
    late_after = dt.timedelta(seconds=2 * settings.WORKER_HEARTBEAT_SECONDS + 5)
    if kind == "scheduler":
        late_after = dt.timedelta(seconds=2 * SCHEDULER_TICK_SECONDS + 5)
    alive = sum(1 for at in rows if now - at <= late_after)
    newest = int((now - rows[0]).total_seconds())
    if alive:
        return ProcessHealth("ok", alive, newest)
    limit = max(dead_after(), late_after * 2)
    return ProcessHealth("late" if now - rows[0] <= limit else "dead", 0, newest)



def queue_health(now: dt.datetime | None = None) -> dict[str, Any]:
    """Depth and age of the queue, failed jobs of the last day (for /healthz and /metrics)."""
    from django.db.models import Count, Min
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    ready = DBTaskResult.objects.filter(status="READY").aggregate(n=Count("id"), oldest=Min("enqueued_at"))
    running = DBTaskResult.objects.filter(status="RUNNING").count()
    failed = DBTaskResult.objects.filter(status="FAILED", finished_at__gte=now - dt.timedelta(days=1)).count()
    oldest = int((now - ready["oldest"]).total_seconds()) if ready["oldest"] else 0
    return {"ready": ready["n"], "running": running, "oldest_ready_seconds": max(oldest, 0),
            "failed_last_day": failed}


_HEALTH_CACHE: dict[str, tuple[float, dict[str, Any]]] = {}


def platform_health(max_age: float = 5.0) -> dict[str, Any]:
    """The workers' and the queue's health, re-read at most every `max_age` seconds per process (health probes and
    load balancers ask often; a few seconds of staleness is fine)."""
    hit = _HEALTH_CACHE.get("health")
    if hit is not None and time.monotonic() - hit[0] < max_age:
        return hit[1]
    value = {"worker": process_health("worker").as_dict(), "scheduler": process_health("scheduler").as_dict(),
             "queue": queue_health()}
    _HEALTH_CACHE["health"] = (time.monotonic(), value)
    return value


def forget_health() -> None:
    _HEALTH_CACHE.clear()


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
