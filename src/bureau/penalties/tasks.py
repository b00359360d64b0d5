from __future__ import annotations

from django_tasks import task

from bureau.penalties import publishing


@task()
def publish_decisions() -> int:
    """Scheduled: publish the decisions that are served or due (行政执法公示, 国办发〔2018〕118号); idempotent."""
    return publishing.publish_due()
