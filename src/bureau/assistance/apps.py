from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "bureau.assistance"
    label = "assistance"
    verbose_name = "主动服务"

    def ready(self) -> None:
        from bureau.kernel.registry import autodiscover_area

        autodiscover_area(self.name)
