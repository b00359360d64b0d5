from __future__ import annotations

from django_tasks import task

from bureau.hazards import services


@task()
def hazard_overdue_sweep() -> int:
    """Scheduled: flag and remind overdue hazards (exactly once per interval, claimed in the Hazard row)."""
    return services.overdue_sweep()
