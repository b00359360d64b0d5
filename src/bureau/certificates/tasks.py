from __future__ import annotations

from django_tasks import task

from bureau.certificates import services


@task()
def certificates_daily_sweep() -> dict:
    """Daily: statuses of the day, reminder slots (exactly once per certificate and offset), delivery."""
    return services.daily_sweep().__dict__
