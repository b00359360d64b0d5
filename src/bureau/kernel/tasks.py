from __future__ import annotations

from django_tasks import task

from bureau.kernel.audit import audit
from bureau.kernel.registry import registry


@task()
def recompute_provisional_deadlines() -> int:
    """After a calendar year is entered: every area recomputes its stored provisional deadlines."""
    changed = sum(func() for func in registry.deadline_recomputers)
    audit(None, "kernel.deadlines_recomputed", summary=f"工作日历变更后重算暂定期限 {changed} 项", data={"changed": changed})
    return changed
