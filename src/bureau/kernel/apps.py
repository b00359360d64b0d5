from django.apps import AppConfig
from django.db.models.signals import post_migrate


class KernelConfig(AppConfig):
    name = "bureau.kernel"
    label = "kernel"
    verbose_name = "公共内核"

    def ready(self) -> None:
        from bureau.kernel import converters, signals  # noqa: F401
        from bureau.kernel.reference import seed_regions
        from bureau.kernel.registry import autodiscover_area
        from bureau.kernel.rules import seed_default_rules

        post_migrate.connect(seed_regions, sender=self, dispatch_uid="kernel.seed_regions")
        post_migrate.connect(seed_default_rules, sender=self, dispatch_uid="kernel.seed_default_rules")
        converters.register()
        autodiscover_area(self.name)
