"""manage.py import_cadres FILE.xlsx [--dry-run] [--unit CODE]: import the 干部信息 Excel file.

All-or-nothing: on any error every bad row is printed and nothing is written (exit status 1).
Runs as the system (no acting user); the scope is the subtree of --unit (default: the county)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ganbu.cadres.imports import import_file
from ganbu.org.selectors import county_root, unit_by_code


class Command(BaseCommand):
    help = "从 Excel(.xlsx)导入干部信息：按身份证号新增或更新；整个文件有任何错误则不导入。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="干部信息 .xlsx 文件（格式见导入模板）")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        parser.add_argument("--unit", help="导入范围的单位代码（默认：全县）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["unit"]:
            unit = unit_by_code(options["unit"])
            if unit is None:
                raise CommandError(f"未找到单位代码为 {options['unit']} 的单位")
        else:
            unit = county_root()
            if unit is None:
                raise CommandError("系统中还没有单位，请先建立单位（或运行 seed_demo）")
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")

        def progress(done: int, total: int) -> None:
            if sys.stderr.isatty() or options["verbosity"] > 1:
                self.stderr.write(f"已处理 {done}/{total} 行")

        result = import_file(
            path, unit=unit, actor=None, filename=path.name, dry_run=options["dry_run"], progress=progress
        )
        if not result.ok:
            for error in result.errors:
                self.stdout.write(str(error))
            raise CommandError(result.summary)
        self.stdout.write(result.summary)
