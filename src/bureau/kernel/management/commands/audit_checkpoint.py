"""Write a signed checkpoint of the audit chain (sequence, head, time) outside the database (AUDIT_CHECKPOINT_DIR)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from bureau.kernel.tasks import write_audit_checkpoint


class Command(BaseCommand):
    help = "将审计日志链的签名检查点（序号、链尾摘要、时间）写到数据库之外的目录"

    def handle(self, *args: Any, **options: Any) -> None:
        path = write_audit_checkpoint.call()
        self.stdout.write(f"已写入检查点：{path}" if path else "审计日志为空，未写入检查点")
