"""Prometheus metrics at /metrics (prometheus_client): request latency per view, errors, the job queue, workers and
the backlogs areas register.

Under gunicorn each worker process counts its own requests; with PROMETHEUS_MULTIPROC_DIR set (run_platform and
bureau-web.service set it) the scrape adds them up across processes. The queue, worker and backlog figures are read
from the database at scrape time, so every scrape sees the same truth whichever process answers it.
/metrics is not public: it answers a request from the machine itself, or one carrying `Authorization: Bearer
<METRICS_TOKEN>`; everyone else gets 404.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from bureau.kernel.access import is_api, public_view
from bureau.kernel.jobs import process_health, queue_health
from bureau.kernel.net import is_local
from bureau.kernel.registry import registry

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
REQUEST_SECONDS = Histogram("bureau_http_request_duration_seconds", "每个视图的请求耗时", ["view", "method"],
                            buckets=BUCKETS)
RESPONSES = Counter("bureau_http_responses_total", "按视图和状态码分类的响应数", ["view", "method", "status"])
ERRORS = Counter("bureau_http_errors_total", "服务器错误（5xx 或未处理的异常）", ["view"])


class MetricsMiddleware:
    """Times each request and labels it with the view's route name (bounded: never the raw path)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # an unhandled exception reaches here already turned into a 500 response (Django wraps every middleware)
        started = time.perf_counter()
        response = self.get_response(request)
        view = _view(request)
        REQUEST_SECONDS.labels(view, request.method or "").observe(time.perf_counter() - started)
        RESPONSES.labels(view, request.method or "", str(response.status_code)).inc()
        if response.status_code >= 500:
            ERRORS.labels(view).inc()
        return response


def _view(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "static" if request.path.startswith("/static/") else "unmatched"
    if is_api(request):
        return f"api:{match.route}"[:120]
    return (match.view_name or match.route or "unnamed")[:120]


class PlatformCollector(Collector):
    """The job queue, the workers and the registered backlogs, read from the database at scrape time."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        queue = queue_health()
        yield GaugeMetricFamily("bureau_jobs_ready", "排队等待执行的后台任务数", value=queue["ready"])
        yield GaugeMetricFamily("bureau_jobs_running", "正在执行的后台任务数", value=queue["running"])
        yield GaugeMetricFamily("bureau_jobs_oldest_ready_age_seconds", "最早排队任务已等待的秒数",
                                value=queue["oldest_ready_seconds"])
        yield GaugeMetricFamily("bureau_jobs_failed_last_day", "最近24小时失败的后台任务数", value=queue["failed_last_day"])
        alive = GaugeMetricFamily("bureau_processes_alive", "心跳正常的后台进程数", labels=["kind"])
        age = GaugeMetricFamily("bureau_process_last_beat_age_seconds", "最近一次心跳距今的秒数（无进程为 -1）",
                                labels=["kind"])
        for kind in ("worker", "scheduler"):
            health = process_health(kind)
            alive.add_metric([kind], health.alive)
            age.add_metric([kind], -1 if health.last_beat_seconds is None else health.last_beat_seconds)
        yield alive
        yield age
        backlog = GaugeMetricFamily("bureau_backlog", "应做而未做的工作量（如尚未发出的到期提醒）", labels=["name"])
        for name, (_, count) in sorted(registry.backlogs.items()):
            backlog.add_metric([name], count())
        yield backlog


def _registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        from prometheus_client import REGISTRY

        registry = REGISTRY
    return registry


_PLATFORM = PlatformCollector()


def allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and given.startswith("Bearer ") and hmac.compare_digest(given[7:].strip(), token):
        return True
    return is_local(request)


@public_view
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus exposition; 404 to anyone who is neither local nor holds the token (nothing to discover)."""
    if not allowed(request):
        raise Http404
    registry = _registry()
    body = generate_latest(registry) + generate_latest(_single(_PLATFORM))
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)


def _single(collector: Any) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(collector)
    return registry
