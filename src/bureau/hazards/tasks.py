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


@task()
def check_schedule_generate() -> int:
    """Scheduled: schedule the checks of every active 排查清单 line ahead (idempotent: unique per item and period)."""
    return services.checks_schedule()


@task()
def missed_check_sweep() -> int:
    """Scheduled: mark every check past its period (and grace) missed, in one set-based UPDATE, and tell the
    enterprises."""
    return services.missed_check_sweep()
