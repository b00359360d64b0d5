"""Print the authority matrix: every declared rule (record kind × view/change/action × role × jurisdiction →
allowed/refused, with its preconditions) as CSV, or as the Markdown page docs/authority.md (`--markdown`).

    manage.py authority_matrix > authority.csv
    manage.py authority_matrix --markdown > docs/authority.md
"""

from __future__ import annotations

import csv
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bureau.accounts.authority import markdown, matrix
from bureau.accounts.tokens import scope_catalogue

HEADER = ["area", "record", "action", "action_label", "role", "jurisdiction", "decision", "conditions"]


class Command(BaseCommand):
    help = "输出权限矩阵（CSV；--markdown 输出 docs/authority.md）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--markdown", action="store_true", help="输出 Markdown 页面（docs/authority.md）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["markdown"]:
            self.stdout.write(markdown(scope_catalogue()), ending="")
            return
        writer = csv.writer(self.stdout, lineterminator="\n")
        try:
            writer.writerow(HEADER)
            for rule in matrix():
                writer.writerow([rule.area, rule.record, rule.action, rule.label, rule.role, rule.jurisdiction,
                                 rule.decision, rule.conditions])
        except BrokenPipeError:  # the reader stopped early (`| head`): not an error of the matrix
            sys.stderr.close()
