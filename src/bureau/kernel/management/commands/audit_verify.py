"""Verify the audit chain; exit status 1 and the first broken entry when it was tampered with."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bureau.kernel.audit import verify_chain


class Command(BaseCommand):
    help = "校验审计日志哈希链，指出第一条被篡改或缺失的日志"

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if report.ok:
            self.stdout.write(self.style.SUCCESS(f"审计日志链完整：共校验 {report.checked} 条"))
            return
        raise CommandError(f"审计日志链在第 {report.first_broken_seq} 条断开：{report.reason}"
                           f"（此前 {report.checked} 条完好）")
