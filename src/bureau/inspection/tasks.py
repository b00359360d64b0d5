from __future__ import annotations

from django_tasks import task


@task()
def create_draw_inspections(draw_id: int, actor_id: int) -> int:
    """Background job: create the inspection tasks of a large draw (idempotent: existing ones are skipped)."""
    from bureau.inspection import services

    return services.draw_create_inspections(draw_id=draw_id, actor_id=actor_id)
