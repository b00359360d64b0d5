from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "bureau.training"
    label = "training"
    verbose_name = "培训考试"

    def ready(self) -> None:
        from bureau.kernel.registry import autodiscover_area

        autodiscover_area(self.name)
