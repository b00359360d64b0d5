from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _seed_checklists(**_: Any) -> None:
    from bureau.inspection.checklists import load_checklists

    load_checklists()


class InspectionConfig(AppConfig):
    name = "bureau.inspection"
    label = "inspection"
    verbose_name = "执法检查"

    def ready(self) -> None:
        from bureau.kernel.registry import autodiscover_area

        autodiscover_area(self.name)
        post_migrate.connect(_seed_checklists, sender=self, dispatch_uid="inspection.seed_checklists")
