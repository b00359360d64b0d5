from django.apps import AppConfig


class PetitionsConfig(AppConfig):
    name = "bureau.petitions"
    label = "petitions"
    verbose_name = "诉求办理"

    def ready(self) -> None:
        from bureau.kernel.registry import autodiscover_area

        autodiscover_area(self.name)
