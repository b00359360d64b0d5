"""Scheduled sweeps: 5-day deemed acceptance (行政许可法 第32条) and commitment reminders/escalation (I.3)."""

from __future__ import annotations

from django_tasks import task


@task()
def licensing_daily_sweep() -> dict[str, int]:
    from bureau.licensing import services, tolerance

    result = services.commitment_sweep()
    result.update(tolerance.consequence_sweep())  # measure I.3: the consequences the rule table names
    result["deemed_accepted"] = services.deemed_acceptance_sweep()
    return result
