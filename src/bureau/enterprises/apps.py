from django.apps import AppConfig
from django.db.models.signals import post_migrate


class EnterprisesConfig(AppConfig):
    name = "bureau.enterprises"
    label = "enterprises"
    verbose_name = "企业名录"

    def ready(self) -> None:
        from bureau.enterprises.credit import seed_credit_rules
        from bureau.kernel.registry import autodiscover_area

        post_migrate.connect(seed_credit_rules, sender=self, dispatch_uid="enterprises.seed_credit_rules")
        autodiscover_area(self.name)
