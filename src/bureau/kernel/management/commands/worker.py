"""The job worker: django-tasks-db's `db_worker` with a heartbeat (kernel/jobs.py).

A worker that dies (kill -9, out of memory, power) stops beating; the tasks it held go back to the queue and the
supervisor (systemd, or `run_platform` on a developer's machine) starts a new worker.
"""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from bureau.kernel.jobs import Heartbeat, new_worker_id, reap_stale_tasks


class Command(DbWorkerCommand):
    help = "后台任务进程（带心跳；被杀死后其任务会重新排队）"

    def handle(self, *args: Any, **options: Any) -> None:
        options["worker_id"] = new_worker_id("worker")
        options["reload"] = False
        heartbeat = Heartbeat(options["worker_id"], "worker").start()
        reap_stale_tasks()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
