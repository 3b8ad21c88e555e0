"""manage.py import_households --village CODE FILE.xlsx [--dry-run]: import a village's 农户花名册.

All-or-nothing: on any error every bad row is printed (行号 [列名] 原因) and nothing is written
(exit status 1). Runs as the system (no acting user); the audit event says 系统."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ganbu.org.selectors import unit_by_code
from ganbu.villagework.imports import import_households


class Command(BaseCommand):
    help = "从 Excel(.xlsx)导入一个村的农户花名册：按户主+村民小组新增或更新；文件有任何错误则不导入。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="农户花名册 .xlsx 文件（格式见导入模板）")
        parser.add_argument("--village", required=True, help="村（社区）的单位代码")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")

    def handle(self, *args: Any, **options: Any) -> None:
        village = unit_by_code(options["village"])
        if village is None:
            raise CommandError(f"未找到单位代码为 {options['village']} 的村（社区）")
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            result = import_households(path, village=village, actor=None, dry_run=options["dry_run"])
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        if not result.ok:
            for error in result.errors:
                self.stdout.write(str(error))
            raise CommandError(f"{village.name}：{result.summary}")
        self.stdout.write(f"{village.name}：{result.summary}")
