from __future__ import annotations

from django_tasks import task

from bureau.hazards import alarms, services


@task()
def hazard_overdue_sweep() -> int:
    """Scheduled: flag and remind overdue hazards (exactly once per interval, claimed in the Hazard row)."""
    return services.overdue_sweep()


@task()
def hazard_alarm_lead_sweep() -> int:
    """Scheduled: alarms not cleared within `hazards.alarm_clear_minutes` become hazard leads (exactly once per
    alarm, claimed in the Alarm row)."""
    return alarms.alarm_lead_sweep()
