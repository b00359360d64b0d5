"""The periodic scheduler: enqueues each area's sweeps at their times (the tasks backend has no periodic jobs).

It only enqueues. Exactly-once lives in the domain tables (a unique key per reminder), so a sweep enqueued twice
or re-run after a crash does no harm. It beats like the workers and re-queues jobs of dead workers (the reaper).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from bureau.kernel.jobs import SCHEDULER_TICK_SECONDS, beat, new_worker_id, reap_stale_tasks
from bureau.kernel.registry import registry


class Command(BaseCommand):
    help = "周期任务调度：按时将各业务的定时扫描放入任务队列"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="立即放入全部定时任务一次后退出")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            for job in registry.schedules:
                job.task.enqueue()
            return
        scheduler_id = new_worker_id("scheduler")
        started = timezone.now()
        last_run: dict[str, dt.datetime] = {}
        try:
            while True:
                now = timezone.now()
                beat(scheduler_id, "scheduler", started_at=started)
                for job in registry.schedules:
                    previous = last_run.get(job.name)
                    if previous is None or (now - previous).total_seconds() >= job.every_seconds:
                        job.task.enqueue()
                        last_run[job.name] = now
                reap_stale_tasks()
                close_old_connections()
                time.sleep(SCHEDULER_TICK_SECONDS)
        finally:
            try:
                beat(scheduler_id, "scheduler", stopped=True)
            except Exception:  # shutting down without a database: the health check sees the old beat
                pass
