from __future__ import annotations

from django_tasks import task

from bureau.petitions import services


@task()
def petitions_overdue_sweep() -> int:
    """Periodic: supervise overdue petitions (督办)."""
    return services.overdue_sweep()


@task()
def petitions_hotline_outbox() -> int:
    """Periodic: deliver the results and status changes owed to the 12345 platform (outbox, leased claims)."""
    from bureau.petitions import outbox

    return outbox.deliver_due().delivered
