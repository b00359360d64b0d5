from __future__ import annotations

from django_tasks import task

from bureau.petitions import outbox, services


@task()
def petitions_overdue_sweep() -> int:
    """Periodic: escalate overdue open petitions (催办/督办; repeats until someone acts)."""
    return services.overdue_sweep()


@task()
def petitions_hotline_outbox() -> int:
    """Periodic: deliver the results and status changes owed to the 12345 platform (outbox, leased claims)."""
    return outbox.deliver_due().delivered
