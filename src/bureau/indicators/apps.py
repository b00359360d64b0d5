from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "bureau.indicators"
    label = "indicators"
    verbose_name = "法治化指标"

    def ready(self) -> None:
        from bureau.kernel.registry import autodiscover_area

        autodiscover_area(self.name)
