"""Make sure the bureau's signing key and certificate exist: outside production a demo key pair and self-signed
certificate are generated on first run (`make run`); in production the configured files must exist."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from bureau.kernel import signing


class Command(BaseCommand):
    help = "检查电子签名密钥和证书；非生产环境首次运行时生成演示密钥和自签名证书"

    def handle(self, *args: Any, **options: Any) -> None:
        signing.ensure_identity()
        self.stdout.write(f"电子签名证书：{settings.SIGNING_CERT_PATH}（{signing.signer_name()}）")
