"""Serve the platform on a developer's machine: the web server (gunicorn), the job worker and the scheduler, each
supervised on its own (systemd does this in production: deploy/systemd/).

A child that dies is started again after a back-off (1 s, doubling to 60 s; back to 1 s once it has run for a
minute). The web server keeps serving while the worker is down; /healthz then says `degraded`.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

BACKOFF_START = 1.0
BACKOFF_MAX = 60.0
STABLE_AFTER = 60.0


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    backoff: float = BACKOFF_START
    restart_at: float = 0.0
    restarts: int = field(default=0)


class Command(BaseCommand):
    help = "启动 Web 服务（127.0.0.1:PORT）、后台任务进程和定时调度，任一进程退出都会自动重启"

    def handle(self, *args: Any, **options: Any) -> None:
        python = sys.executable
        manage = str(settings.PROJECT_DIR / "manage.py")
        env = os.environ.copy()
        metrics_dir = tempfile.mkdtemp(prefix="bureau-metrics-")
        web_env = {**env, "PROMETHEUS_MULTIPROC_DIR": metrics_dir}
        children = [
            Child("web", [python, "-m", "gunicorn", "-c", str(settings.PROJECT_DIR / "deploy" / "gunicorn.conf.py"),
                          "--workers", env.get("WEB_WORKERS", "2"), "--threads", env.get("WEB_THREADS", "4"),
                          "--pythonpath", str(settings.PROJECT_DIR / "src"), "bureau.wsgi:application"]),
            Child("worker", [python, manage, "worker", "--interval", "1", "--no-startup-delay"]),
            Child("scheduler", [python, manage, "scheduler"]),
        ]
        stopping = False

        def start(child: Child) -> None:
            child.process = subprocess.Popen(child.argv, env=web_env if child.name == "web" else env)
            child.started = time.monotonic()

        def stop(*_: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        for child in children:
            start(child)
        self.stdout.write(f"平台已启动：{settings.SITE_URL}/ （Ctrl+C 停止）", ending="\n")
        self.stdout.flush()
        try:
            while not stopping:
                now = time.monotonic()
                for child in children:
                    if child.process is not None and child.process.poll() is not None:
                        code = child.process.returncode
                        ran = now - child.started
                        if ran >= STABLE_AFTER:
                            child.backoff = BACKOFF_START
                        child.restart_at = now + child.backoff
                        child.backoff = min(child.backoff * 2, BACKOFF_MAX)
                        child.process = None
                        child.restarts += 1
                        self.stderr.write(f"{child.name} 进程已退出（状态 {code}），"
                                          f"{child.restart_at - now:.0f} 秒后重启（第 {child.restarts} 次）")
                    elif child.process is None and now >= child.restart_at:
                        start(child)
                time.sleep(0.5)
        finally:
            for child in children:
                if child.process is not None and child.process.poll() is None:
                    child.process.terminate()
            for child in children:
                if child.process is not None:
                    try:
                        child.process.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        child.process.kill()
            shutil.rmtree(metrics_dir, ignore_errors=True)
