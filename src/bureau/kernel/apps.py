from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate, pre_migrate


def migrations_unprepared(sender: Any = None, using: str = "default", **kwargs: Any) -> None:
    """No statement is prepared while migrations run: psycopg prepares a statement sent `prepare_threshold` times on
    a connection (settings.postgres_options), and a migration may send the same statement of several commands
    (ALTER TABLE …; SET CONSTRAINTS …) more than once, which PostgreSQL cannot prepare."""
    conn = connections[using]
    if conn.vendor == "postgresql":
        conn.ensure_connection()
        conn.connection.prepare_threshold = None


def migrations_done(sender: Any = None, using: str = "default", **kwargs: Any) -> None:
    """Statements are prepared again as the settings say once the migrations have run."""
    conn = connections[using]
    if conn.vendor == "postgresql" and conn.connection is not None:
        conn.connection.prepare_threshold = conn.settings_dict.get("OPTIONS", {}).get("prepare_threshold")


class KernelConfig(AppConfig):
    name = "bureau.kernel"
    label = "kernel"
    verbose_name = "公共内核"

    def ready(self) -> None:
        from bureau.kernel import converters, signals  # noqa: F401
        from bureau.kernel.reference import seed_regions
        from bureau.kernel.registry import autodiscover_area
        from bureau.kernel.rules import seed_default_rules

        pre_migrate.connect(migrations_unprepared, sender=self, dispatch_uid="kernel.migrations_unprepared")
        post_migrate.connect(migrations_done, sender=self, dispatch_uid="kernel.migrations_done")
        post_migrate.connect(seed_regions, sender=self, dispatch_uid="kernel.seed_regions")
        post_migrate.connect(seed_default_rules, sender=self, dispatch_uid="kernel.seed_default_rules")
        converters.register()
        autodiscover_area(self.name)
