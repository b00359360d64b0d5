"""Back up the database, the stored files and a manifest of SHA-256 digests into a new directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bureau.kernel.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "备份数据库、存储文件和清单（每个文件的 SHA-256）到一个新目录；密钥不在备份中（见 docs/operations.md）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--to", required=True, metavar="DIR", help="备份目录：必须不存在或为空")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = create_backup(Path(options["to"]), progress=self.stdout.write)
        except BackupError as exc:
            raise CommandError(f"备份失败：{exc}")
        self.stdout.write(self.style.SUCCESS(
            f"备份完成：{result.directory}（{result.files} 个文件，{result.total_bytes} 字节，"
            f"清单 SHA-256 {result.manifest_sha256}）"))
