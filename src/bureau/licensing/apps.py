from django.apps import AppConfig


class LicensingConfig(AppConfig):
    name = "bureau.licensing"
    label = "licensing"
    verbose_name = "行政审批"

    def ready(self) -> None:
        from bureau.kernel.registry import autodiscover_area

        autodiscover_area(self.name)
