from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "bureau.feedback"
    label = "feedback"
    verbose_name = "服务评价（好差评）"

    def ready(self) -> None:
        from bureau.kernel.registry import autodiscover_area

        autodiscover_area(self.name)
