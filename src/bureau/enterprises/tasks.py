from __future__ import annotations

from django_tasks import task

from bureau.enterprises.imports import import_job_run


@task()
def run_enterprise_import(job_id: int) -> None:
    """Background job: validate and import an uploaded register file."""
    import_job_run(job_id)
