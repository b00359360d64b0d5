"""The platform stays up (issue 12, item 4): killing the job worker does not take the web server down; the worker is
restarted with back-off; its task goes back to the queue by heartbeat within the dead limit and runs again, and the
SMS it sent goes out once; /healthz says `degraded` while a worker is missing, late or dead."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bureau.kernel import jobs
from bureau.kernel.models import OutboundMessage, WorkerHeartbeat
from tests.databases import database_url


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _health(port: int) -> dict | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=3) as response:
            return json.loads(response.read())
    except OSError:
        return None


def _wait(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"等待超时：{what}")


def _ready_task(marker: Path, key: str) -> DBTaskResult:
    return DBTaskResult.objects.create(
        task_path="tests.kernel.jobtasks.send_then_hang", args_kwargs={"args": [str(marker), key], "kwargs": {}},
        queue_name="default", backend_name="default", status="READY", run_after=dt.datetime(9999, 1, 1, tzinfo=dt.UTC),
    )


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_is_restarted_its_task_rerun_once_and_the_web_keeps_serving(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"BUREAU_TESTING", "PYTEST_XDIST_WORKER"}}
    env.update(DATABASE_URL=database_url(), PORT=str(port), WEB_WORKERS="1", WEB_THREADS="2",
               WORKER_HEARTBEAT_SECONDS="1", WORKER_DEAD_SECONDS="3", BUREAU_VAR_DIR=str(tmp_path / "var"),
               SITE_URL=f"http://127.0.0.1:{port}")
    platform = subprocess.Popen([sys.executable, str(settings.PROJECT_DIR / "manage.py"), "run_platform"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        _wait(lambda: (_health(port) or {}).get("worker", {}).get("status") == "ok", 120, "平台启动")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=3) as response:
            assert response.headers.get("Server") is None  # the server software is not named (deploy/gunicorn.conf.py)
        marker, key = tmp_path / "started", f"test:{uuid.uuid4().hex[:8]}"
        task = _ready_task(marker, key)
        _wait(marker.exists, 30, "任务开始运行")
        first = WorkerHeartbeat.objects.filter(kind="worker", stopped_at__isnull=True).order_by("-beat_at").first()
        task.refresh_from_db()
        assert task.status == "RUNNING" and task.worker_ids[-1] == first.worker_id
        os.kill(first.pid, signal.SIGKILL)
        assert _health(port) is not None  # the web server did not go down with the worker
        task = _wait(lambda: DBTaskResult.objects.filter(pk=task.pk, status="SUCCESSFUL").first(), 40,
                     "任务重新排队并完成")
        assert len(task.worker_ids) == 2 and task.worker_ids[0] == first.worker_id
        second = WorkerHeartbeat.objects.get(worker_id=task.worker_ids[1])
        assert second.pid != first.pid  # a new worker process took it
        assert OutboundMessage.objects.filter(idempotency_key=key).count() == 1  # the SMS went out once
        _wait(lambda: (_health(port) or {}).get("status") == "ok", 20, "健康状态恢复")
    finally:
        platform.send_signal(signal.SIGTERM)
        try:
            platform.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(platform.pid, signal.SIGKILL)


@pytest.mark.django_db
def test_a_running_task_of_a_dead_worker_goes_back_to_the_queue(settings):
    settings.WORKER_DEAD_SECONDS = 45
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="dead", kind="worker", started_at=now, beat_at=now - dt.timedelta(seconds=60))
    WorkerHeartbeat.objects.create(worker_id="alive", kind="worker", started_at=now, beat_at=now)
    WorkerHeartbeat.objects.create(worker_id="gone", kind="worker", started_at=now, beat_at=now, stopped_at=now)

    def running(worker: str, started_ago: float = 5) -> DBTaskResult:
        return DBTaskResult.objects.create(task_path="x", args_kwargs={}, backend_name="default", status="RUNNING",
                                           worker_ids=[worker], started_at=now - dt.timedelta(seconds=started_ago),
                                           run_after=now)
    of_dead, of_alive, of_gone = running("dead"), running("alive"), running("gone")
    unknown_recent, unknown_old = running("plain-db-worker"), running("plain-db-worker", started_ago=3600)
    assert jobs.reap_stale_tasks() == 3
    status = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert status[of_dead.pk] == status[of_gone.pk] == status[unknown_old.pk] == "READY"
    assert status[of_alive.pk] == status[unknown_recent.pk] == "RUNNING"


@pytest.mark.django_db
def test_health_says_degraded_for_a_missing_or_dead_worker(client, settings):
    jobs.forget_health()
    body = client.get("/healthz").json()
    assert client.get("/healthz").status_code == 200
    assert body["status"] == "degraded" and body["worker"]["status"] == "missing"
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="w", kind="worker", started_at=now, beat_at=now - dt.timedelta(minutes=5))
    WorkerHeartbeat.objects.create(worker_id="s", kind="scheduler", started_at=now, beat_at=now)
    jobs.forget_health()
    body = client.get("/healthz").json()
    assert body["status"] == "degraded" and body["worker"]["status"] == "dead" and body["degraded"] == ["worker"]
    WorkerHeartbeat.objects.filter(worker_id="w").update(beat_at=now)
    jobs.forget_health()
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["queue"]["ready"] == 0
