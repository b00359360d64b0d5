"""Serve the local 12345 platform simulator (the receiving side of the outbox contract, docs/petitions.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bureau.petitions.simulator import serve


class Command(BaseCommand):
    help = "本地12345平台模拟器：接收诉求办理结果回传（按幂等键去重）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8089)
        parser.add_argument("--fail-rate", type=float, default=0.0, help="随机拒收比例（演示重试）")
        parser.add_argument("--token", default="", help="要求的 Bearer 令牌（与 PETITIONS_HOTLINE_TOKEN 一致）")

    def handle(self, *args: Any, **options: Any) -> None:
        server = serve(options["port"], fail_rate=options["fail_rate"], token=options["token"])
        self.stdout.write(f"12345 模拟器：http://127.0.0.1:{options['port']}/12345/results（Ctrl-C 结束）")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            server.server_close()
