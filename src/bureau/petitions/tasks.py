from __future__ import annotations

from django_tasks import task

from bureau.petitions import services


@task()
def petitions_overdue_sweep() -> int:
    """Periodic: supervise overdue petitions (督办)."""
    return services.overdue_sweep()
