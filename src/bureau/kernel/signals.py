from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from bureau.kernel import calendar
from bureau.kernel.jobs import enqueue
from bureau.kernel.models import CalendarDay, CalendarYear
from bureau.kernel.tasks import recompute_provisional_deadlines


@receiver([post_save, post_delete], sender=CalendarDay, dispatch_uid="calendar_day_changed")
@receiver([post_save, post_delete], sender=CalendarYear, dispatch_uid="calendar_year_changed")
def calendar_changed(**_: Any) -> None:
    calendar.invalidate()
    enqueue(recompute_provisional_deadlines)
