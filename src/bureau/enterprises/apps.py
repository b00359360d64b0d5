from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "bureau.enterprises"
    label = "enterprises"
    verbose_name = "企业名录"

    def ready(self) -> None:
        from bureau.kernel.registry import autodiscover_area

        autodiscover_area(self.name)
