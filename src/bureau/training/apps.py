from django.apps import AppConfig
from django.db.models.signals import post_migrate


class TrainingConfig(AppConfig):
    name = "bureau.training"
    label = "training"
    verbose_name = "培训考试"

    def ready(self) -> None:
        from bureau.kernel.registry import autodiscover_area
        from bureau.training.reference import seed_job_types

        post_migrate.connect(seed_job_types, sender=self, dispatch_uid="training.seed_job_types")
        autodiscover_area(self.name)
