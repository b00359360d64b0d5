"""Issue an API token from a script: the raw token is printed once, alone on the last line of the output.

    manage.py token_issue --user energy --scopes enterprises:read,certificates:read \
        --regions 140802,140821 --fields enterprises:uscc,name --days 90

The same validation as the administrators' page (accounts.tokens.issue): known scopes only, an administrator's or
leader's token needs the scope `privileged`, regions and fields must exist. Audited as issued by the operator.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from bureau.accounts.models import User
from bureau.accounts.tokens import issue, scope_catalogue
from bureau.kernel.errors import DomainError


def parse_fields(values: list[str]) -> dict[str, list[str]]:
    """`enterprises:uscc,name` (repeat the option, or separate data sets with `;`) → {"enterprises": [...]}."""
    result: dict[str, list[str]] = {}
    for value in values:
        for part in value.split(";"):
            part = part.strip()
            if not part:
                continue
            dataset, sep, columns = part.partition(":")
            if not sep or not dataset.strip() or not columns.strip():
                raise CommandError(f"--fields 格式应为 数据集:字段1,字段2（收到 {part}）")
            result.setdefault(dataset.strip(), []).extend(c.strip() for c in columns.split(",") if c.strip())
    return result


class Command(BaseCommand):
    help = "签发接口令牌（原始令牌只输出一次，位于最后一行）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="令牌代表的用户名")
        parser.add_argument("--scopes", required=True, help="授权范围，逗号分隔；--list-scopes 列出全部")
        parser.add_argument("--regions", default="", help="限定区划代码，逗号分隔（不填为该用户的全部管辖范围）")
        parser.add_argument("--fields", action="append", default=[], help="可见字段，如 enterprises:uscc,name")
        parser.add_argument("--days", type=int, default=90, help="有效天数（默认 90，最多 3650）")
        parser.add_argument("--name", default="", help="令牌名称（默认：用户名-签发日期）")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"用户不存在：{options['user']}")
        days = options["days"]
        if not 1 <= days <= 3650:
            raise CommandError("--days 应在 1 到 3650 之间")
        scopes = [s.strip() for s in options["scopes"].split(",") if s.strip()]
        regions = [r.strip() for r in options["regions"].split(",") if r.strip()]
        expires = timezone.now() + dt.timedelta(days=days)
        name = options["name"] or f"{user.username}-{timezone.localdate():%Y%m%d}"
        try:
            token, raw = issue(actor=None, user=user, name=name, scopes=scopes, regions=regions,
                               fields=parse_fields(options["fields"]), expires_at=expires)
        except DomainError as exc:
            known = "、".join(scope_catalogue())
            raise CommandError(f"{exc.message}（可用范围：{known}）" if exc.field == "scopes" else exc.message) from exc
        self.stdout.write(f"已签发令牌「{token.name}」（{token.prefix}…），代表 {user.username}，"
                          f"范围 {','.join(token.scopes)}，有效期至 {timezone.localtime(expires):%Y-%m-%d}。"
                          "原始令牌只显示这一次：")
        self.stdout.write(raw)
