from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _seed_checklists(using: str = "default", **_: Any) -> None:
    """Load the industry checklists after migrate (never when the tables are absent, e.g. `migrate … zero`)."""
    from django.db import connections

    from bureau.inspection.checklists import load_checklists
    from bureau.inspection.models import Checklist, ChecklistItem

    tables = set(connections[using].introspection.table_names())
    if {Checklist._meta.db_table, ChecklistItem._meta.db_table} <= tables:
        load_checklists()


class InspectionConfig(AppConfig):
    name = "bureau.inspection"
    label = "inspection"
    verbose_name = "执法检查"

    def ready(self) -> None:
        from bureau.kernel.registry import autodiscover_area

        autodiscover_area(self.name)
        post_migrate.connect(_seed_checklists, sender=self, dispatch_uid="inspection.seed_checklists")
