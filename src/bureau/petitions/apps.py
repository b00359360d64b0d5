from django.apps import AppConfig
from django.db.models.signals import post_migrate

CATEGORIES = [
    ("complaint", "投诉举报", 1),
    ("consult", "咨询", 2),
    ("suggest", "意见建议", 3),
    ("help", "求助", 4),
    ("other", "其他", 9),
]


def seed_categories(**_: object) -> None:
    """Reference data: the petition categories of the 12345 platform (insert missing ones, never overwrite)."""
    from bureau.petitions.models import PetitionCategory

    existing = set(PetitionCategory.objects.values_list("code", flat=True))
    PetitionCategory.objects.bulk_create([PetitionCategory(code=c, name=n, sort=s)
                                          for c, n, s in CATEGORIES if c not in existing])


class PetitionsConfig(AppConfig):
    name = "bureau.petitions"
    label = "petitions"
    verbose_name = "诉求办理"

    def ready(self) -> None:
        from bureau.kernel.registry import autodiscover_area

        autodiscover_area(self.name)
        post_migrate.connect(seed_categories, sender=self, dispatch_uid="petitions.seed_categories")
