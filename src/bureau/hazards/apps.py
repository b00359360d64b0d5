from django.apps import AppConfig


class HazardsConfig(AppConfig):
    name = "bureau.hazards"
    label = "hazards"
    verbose_name = "双重预防"

    def ready(self) -> None:
        from bureau.kernel.registry import autodiscover_area

        autodiscover_area(self.name)
