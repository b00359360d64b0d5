"""Restore a backup made by `manage.py backup` into an empty database and storage, then check it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bureau.kernel.backup import BackupError, check_restored, restore_backup, verify_backup


class Command(BaseCommand):
    help = "从备份目录恢复到空数据库和文件存储：先校验清单中每个文件的 SHA-256，恢复后校验审计日志链和加密字段"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--from", required=True, dest="source", metavar="DIR", help="manage.py backup 写出的目录")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--verify-only", action="store_true", help="只校验备份目录（清单和 SHA-256），不做恢复")
        mode.add_argument("--check", action="store_true",
                          help="不导入，只检查当前数据库与该备份：审计日志链、链头、加密字段能否解密（恢复后复查用）")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["source"])
        try:
            if options["verify_only"]:
                verify_backup(source, progress=self.stdout.write)
                return
            if options["check"]:
                result = check_restored(source)
            else:
                result = restore_backup(source, progress=self.stdout.write)
        except BackupError as exc:
            raise CommandError(f"{'检查未通过' if options['check'] else '恢复失败'}：{exc}")
        for line in result.checks:
            self.stdout.write(self.style.SUCCESS(f"  ✓ {line}"))
        for line in result.warnings:
            self.stdout.write(self.style.WARNING(f"  ! {line}"))
        self.stdout.write(self.style.SUCCESS("检查通过" if options["check"] else "恢复完成"))
