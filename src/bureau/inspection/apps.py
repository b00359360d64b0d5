from django.apps import AppConfig


class InspectionConfig(AppConfig):
    name = "bureau.inspection"
    label = "inspection"
    verbose_name = "执法检查"

    def ready(self) -> None:
        from bureau.kernel.registry import autodiscover_area

        autodiscover_area(self.name)
