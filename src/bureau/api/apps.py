from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "bureau.api"
    label = "api"
    verbose_name = "接口"

    def ready(self) -> None:
        from bureau.kernel.registry import autodiscover_area

        autodiscover_area(self.name)
