"""Serve the platform: the web server (gunicorn) and the background job worker side by side."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "启动 Web 服务（127.0.0.1:PORT）和后台任务进程"

    def handle(self, *args: Any, **options: Any) -> None:
        python = sys.executable
        manage = str(settings.PROJECT_DIR / "manage.py")
        env = os.environ.copy()
        worker = subprocess.Popen([python, manage, "db_worker", "--interval", "1"], env=env)
        scheduler = subprocess.Popen([python, manage, "scheduler"], env=env)
        web = subprocess.Popen(
            [python, "-m", "gunicorn", "bureau.wsgi:application", "--bind", f"127.0.0.1:{settings.PORT}",
             "--workers", os.environ.get("WEB_WORKERS", "2"), "--threads", os.environ.get("WEB_THREADS", "4"),
             "--access-logfile", "-", "--pythonpath", str(settings.PROJECT_DIR / "src")],
            env=env,
        )
        self.stdout.write(f"平台已启动：{settings.SITE_URL}/ （Ctrl+C 停止）")
        children = [web, worker, scheduler]

        def stop(*_: Any) -> None:
            for child in children:
                if child.poll() is None:
                    child.terminate()

        signal.signal(signal.SIGTERM, stop)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(1)
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
