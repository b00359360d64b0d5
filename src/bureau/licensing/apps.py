from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class LicensingConfig(AppConfig):
    name = "bureau.licensing"
    label = "licensing"
    verbose_name = "行政审批"

    def ready(self) -> None:
        from bureau.kernel.registry import autodiscover_area

        autodiscover_area(self.name)
        post_migrate.connect(_seed, sender=self, dispatch_uid="licensing.seed_consequence_rules")


def _seed(**_: Any) -> None:
    from bureau.licensing.tolerance import seed_consequence_rules

    seed_consequence_rules()
