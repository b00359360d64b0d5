"""A task for the supervision test: it sends one SMS with an idempotency key (as certificate reminders do), then, on
its first run only, stays busy until the worker is killed."""

from __future__ import annotations

import time
from pathlib import Path

from django_tasks import task

from bureau.kernel.sms import send_sms


@task()
def send_then_hang(marker: str, key: str) -> str:
    result = send_sms("13912345678", "【测试】提醒", key=key)
    path = Path(marker)
    if not path.exists():
        path.write_text("started", encoding="utf-8")
        time.sleep(120)  # killed here by the test
    return result
