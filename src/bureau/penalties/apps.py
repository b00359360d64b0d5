from django.apps import AppConfig


class PenaltiesConfig(AppConfig):
    name = "bureau.penalties"
    label = "penalties"
    verbose_name = "行政处罚"

    def ready(self) -> None:
        from bureau.kernel.registry import autodiscover_area

        autodiscover_area(self.name)
