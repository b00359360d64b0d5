"""Observability (issue 12, item 7): /metrics for Prometheus, not public; JSON logs as an option."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bureau.kernel.logs import JsonFormatter
from bureau.kernel.masking import MaskingLogFilter

pytestmark = pytest.mark.django_db


def test_metrics_are_not_public(client, settings):
    settings.METRICS_TOKEN = "scrape-secret-token"
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    # behind the proxy the peer is local but the request came from outside: still refused
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9",
                      HTTP_AUTHORIZATION="Bearer scrape-secret-token").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200


def test_metrics_show_latency_per_view_errors_queue_and_backlog(client):
    client.get("/portal/faq/")
    client.get("/healthz")
    DBTaskResult.objects.create(task_path="x", args_kwargs={}, backend_name="default", status="READY",
                                run_after=timezone.now())
    DBTaskResult.objects.filter().update(enqueued_at=timezone.now() - dt.timedelta(minutes=3))
    DBTaskResult.objects.create(task_path="y", args_kwargs={}, backend_name="default", status="FAILED",
                                run_after=timezone.now(), finished_at=timezone.now())
    text = client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
    assert 'bureau_http_request_duration_seconds_bucket{le="0.005",method="GET",view="portal:faq"}' in text
    assert 'bureau_http_responses_total{method="GET",status="200",view="healthz"}' in text
    assert "bureau_jobs_ready 1.0" in text and "bureau_jobs_failed_last_day 1.0" in text
    age = float(next(line.split()[1] for line in text.splitlines()
                     if line.startswith("bureau_jobs_oldest_ready_age_seconds ")))
    assert 170 <= age <= 400
    assert 'bureau_backlog{name="certificate_reminders"} 0.0' in text
    assert 'bureau_processes_alive{kind="worker"} 0.0' in text


def test_server_errors_are_counted(client, monkeypatch):
    from bureau.kernel import metrics

    before = metrics.ERRORS.labels("portal:faq")._value.get()
    monkeypatch.setattr("bureau.portal.views.paginate", lambda *a, **k: 1 / 0)
    client.raise_request_exception = False
    assert client.get("/portal/faq/?q=boom").status_code == 500
    assert metrics.ERRORS.labels("portal:faq")._value.get() == before + 1  # counted once


def test_json_log_lines_are_one_object_each_with_personal_data_masked():
    record = logging.LogRecord("bureau.test", logging.WARNING, __file__, 1, "短信发送到 %s 失败", ("13912345678",),
                               None)
    MaskingLogFilter().filter(record)
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert entry["level"] == "WARNING" and entry["logger"] == "bureau.test"
    assert entry["message"] == "短信发送到 139****5678 失败" and "\n" not in line


def test_server_timing_splits_total_sql_and_python_only_when_switched_on(client, settings, tmp_path):
    """Issue 18: operators see per request where the time goes (Server-Timing: total, SQL with the number of
    queries, Python); off by default, and the per-request profile is written only when a folder is set."""
    assert "Server-Timing" not in client.get("/healthz")
    settings.SERVER_TIMING = True
    settings.PROFILE_REQUESTS_DIR = str(tmp_path / "prof")
    header = client.get("/healthz")["Server-Timing"]
    assert header.startswith("total;dur=") and 'sql;dur=' in header and " queries" in header and "app;dur=" in header
    assert [p.name for p in (tmp_path / "prof").iterdir()][0].startswith("healthz-")
