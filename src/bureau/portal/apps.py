from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "bureau.portal"
    label = "portal"
    verbose_name = "门户网站"

    def ready(self) -> None:
        from bureau.kernel.registry import autodiscover_area

        autodiscover_area(self.name)
