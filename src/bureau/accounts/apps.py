from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "bureau.accounts"
    label = "accounts"
    verbose_name = "用户与机构"

    def ready(self) -> None:
        from bureau.accounts.authority import sees
        from bureau.accounts.roles import seed_roles
        from bureau.kernel.registry import autodiscover_area
        from bureau.kernel.workflow import set_visibility_check

        set_visibility_check(lambda process, actor: sees(actor, process))
        post_migrate.connect(seed_roles, sender=self, dispatch_uid="accounts.seed_roles")
        autodiscover_area(self.name)
