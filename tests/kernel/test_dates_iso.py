"""Issue 18: dates in tables (`ymd`, `table_date`, `dates.iso`) are written by `date.isoformat()` where it gives the
text `strftime("%Y-%m-%d")` gives; a moment keeps its local `2026-11-26 14:05`."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bureau.kernel import dates


def test_iso_writes_a_date_as_strftime_did():
    day = dt.date(1, 1, 1)
    samples = [day + dt.timedelta(days=n) for n in range(0, 800_000, 997)]
    samples += [dt.date(999, 12, 31), dt.date(1000, 1, 1), dt.date(2026, 2, 28), dt.date(9999, 12, 31)]
    for value in samples:
        assert dates.iso(value) == value.strftime("%Y-%m-%d"), value


def test_iso_writes_a_moment_in_local_time_to_the_minute():
    moment = dt.datetime(2026, 11, 26, 6, 5, 59, tzinfo=dt.UTC)
    assert dates.iso(moment) == timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") == "2026-11-26 14:05"
