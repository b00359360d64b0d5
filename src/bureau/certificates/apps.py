from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CertificatesConfig(AppConfig):
    name = "bureau.certificates"
    label = "certificates"
    verbose_name = "证照管理"

    def ready(self) -> None:
        from bureau.certificates.reference import seed_certificate_types
        from bureau.kernel.registry import autodiscover_area

        post_migrate.connect(seed_certificate_types, sender=self, dispatch_uid="certificates.seed_types")
        autodiscover_area(self.name)
