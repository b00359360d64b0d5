"""Load the demo data set of every area (idempotent: a loaded set is skipped), then print the demo accounts."""

from __future__ import annotations

import random
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from bureau.kernel.audit import audit
from bureau.kernel.models import DemoLoad
from bureau.kernel.registry import registry

DEMO_PASSWORD = "Yc@2026demo"


class DemoContext:
    """Shared by the loaders: a seeded random generator and the demo password."""

    def __init__(self) -> None:
        self.rng = random.Random(140800)
        self.password = DEMO_PASSWORD


class Command(BaseCommand):
    help = "加载演示数据（已加载的部分自动跳过）并列出演示账号"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        ctx = DemoContext()
        loaded = set(DemoLoad.objects.values_list("name", flat=True))
        for loader in sorted(registry.demo, key=lambda item: item.order):
            if loader.name in loaded:
                continue
            with transaction.atomic():
                loader.func(ctx)
                DemoLoad.objects.create(name=loader.name)
                audit(None, "kernel.demo_load", summary=f"加载演示数据：{loader.name}")
            if not options["quiet"]:
                self.stdout.write(f"  已加载演示数据：{loader.name}")
        if not options["quiet"]:
            self.print_accounts()

    def print_accounts(self) -> None:
        self.stdout.write(f"\n演示账号（密码均为 {DEMO_PASSWORD}）：")
        users = get_user_model().objects.filter(username__in=DEMO_ACCOUNTS).select_related("organisation", "enterprise")
        by_name = {u.username: u for u in users}
        for username, description in DEMO_ACCOUNTS.items():
            user = by_name.get(username)
            if user:
                org = user.enterprise.name if user.enterprise else (user.organisation.name if user.organisation else "")
                self.stdout.write(f"  {username:<18} {description}（{org}）")


DEMO_ACCOUNTS: dict[str, str] = {}


def demo_account(username: str, description: str) -> None:
    """Loaders announce the accounts worth printing."""
    DEMO_ACCOUNTS[username] = description
