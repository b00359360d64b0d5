from django.apps import AppConfig
from django.db.models.signals import post_migrate


class HazardsConfig(AppConfig):
    name = "bureau.hazards"
    label = "hazards"
    verbose_name = "双重预防"

    def ready(self) -> None:
        from bureau.hazards.reference import seed_check_frequencies
        from bureau.kernel.registry import autodiscover_area

        post_migrate.connect(seed_check_frequencies, sender=self, dispatch_uid="hazards.seed_check_frequencies")
        autodiscover_area(self.name)
