"""Verify the audit chain against its key and the latest signed checkpoint; exit status 1 and the first broken entry
when it was tampered with."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bureau.kernel.audit import CheckpointError, read_checkpoint, verify_chain


class Command(BaseCommand):
    help = "校验审计日志链（HMAC-SM3）并与最新的签名检查点比对，指出第一条被篡改或缺失的日志"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--checkpoint", help="与指定的检查点文件比对（如恢复备份后，用备份时的检查点）")
        parser.add_argument("--no-checkpoint", action="store_true", help="只校验链本身，不与检查点比对")

    def handle(self, *args: Any, **options: Any) -> None:
        checkpoint: Any = True
        if options["no_checkpoint"]:
            checkpoint = False
        elif options["checkpoint"]:
            try:
                checkpoint = read_checkpoint(Path(options["checkpoint"]))
            except CheckpointError as exc:
                raise CommandError(str(exc)) from exc
        report = verify_chain(checkpoint=checkpoint)
        cp = report.checkpoint
        cp_text = f"；检查点 {cp.at} 第 {cp.seq} 条相符" if cp and report.ok else ("；未找到检查点" if checkpoint else "")
        if report.ok:
            self.stdout.write(self.style.SUCCESS(f"审计日志链完整：共校验 {report.checked} 条{cp_text}"))
            return
        where = f"在第 {report.first_broken_seq} 条断开：" if report.first_broken_seq else "校验失败："
        raise CommandError(f"审计日志链{where}{report.reason}（此前 {report.checked} 条完好）")
