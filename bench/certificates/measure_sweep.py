"""Time the daily reminder scan on the bench database (see generate.py): status sweep + reminder slot claims, a
same-day re-run (must claim nothing), and the delivery rate of reminders (inbox + SMS adapter, one transaction each).

  DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_certificates .venv/bin/python bench/certificates/measure_sweep.py
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bureau.settings")

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

from django.utils import timezone  # noqa: E402

from bureau.certificates import services  # noqa: E402
from bureau.certificates.models import Certificate, Reminder  # noqa: E402

logging.getLogger("bureau.sms").setLevel(logging.WARNING)


def timed(label: str, func):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - start
    print(f"{label}: {elapsed:.2f} s → {result}", flush=True)
    return elapsed, result


def main() -> None:
    today = timezone.localdate() + dt.timedelta(days=int(os.environ.get("DAY_OFFSET", "0")))
    print(f"certificates: {Certificate.objects.count():,}; reminders before: {Reminder.objects.count():,}")
    t1, (_, scan) = timed("DAILY SCAN (status sweep + reminder slots)", lambda: services.daily_scan(today))
    t2, (_, again) = timed("same-day re-run of the scan", lambda: services.daily_scan(today))
    t3, (_, full) = timed("full scan without the last run (first run / catch-up worst case)",
                          lambda: (None, (services.sweep_statuses(today).__dict__, services.generate_reminders(today))))
    sample = 2000
    t4, sent = timed(f"deliver {sample} reminders", lambda: services.deliver_pending_reminders(limit=sample))
    print(f"DELIVERY RATE: {sent[0] / t4:.0f} reminders/s")


if __name__ == "__main__":
    main()
