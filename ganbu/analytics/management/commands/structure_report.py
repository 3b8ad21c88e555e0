"""The structure table of a unit subtree on a date, as JSON, Excel or Word (see analytics/README.md).

    python manage.py structure_report --unit 469099 --as-of 2015-10-31 --population section \\
        --age-bands seed001 --education highest --format json [--out FILE]
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ganbu.analytics.documents import structure_docx, structure_json, structure_xlsx
from ganbu.analytics.rules import BAND_PRESETS, bands_from_cuts, parse_cuts
from ganbu.analytics.selectors.state import EducationMode, Population
from ganbu.analytics.selectors.structure import StructureQuery, structure_table
from ganbu.org.selectors import unit_by_code


class Command(BaseCommand):
    help = "输出某单位（含下级）在某一时点的队伍结构统计表：JSON、Excel 或 Word。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", required=True, help="单位代码（统计该单位及其全部下级单位）")
        parser.add_argument("--as-of", default="", help="统计时点 YYYY-MM-DD（默认今天）")
        parser.add_argument(
            "--population",
            choices=[Population.ALL, Population.SECTION, Population.LEADERS],
            default=Population.ALL,
            help="all 全部干部；section 科级以上；leaders 领导职务",
        )
        parser.add_argument(
            "--age-bands",
            default="seed001",
            help="seed001（35岁以下/36-40/41-50/51岁以上）、seed000（30岁以下/30-34/35-40/41-45/45岁以上）或分界年龄如 35,40,50",
        )
        parser.add_argument(
            "--education",
            choices=[EducationMode.HIGHEST, EducationMode.FULLTIME],
            default=EducationMode.HIGHEST,
        )
        parser.add_argument("--format", choices=["json", "xlsx", "docx"], default="json")
        parser.add_argument("--out", default="", help="输出文件（JSON 默认输出到标准输出）")

    def handle(self, *args: Any, **options: Any) -> None:
        unit = unit_by_code(options["unit"])
        if unit is None:
            raise CommandError(f"单位代码 {options['unit']} 不存在")
        today = timezone.localdate()
        try:
            as_of = date.fromisoformat(options["as_of"]) if options["as_of"] else today
        except ValueError as exc:
            raise CommandError("--as-of 应为 YYYY-MM-DD 格式的日期") from exc
        if as_of > today:
            raise CommandError("统计时点不能晚于今天")
        bands_option = options["age_bands"]
        if bands_option in BAND_PRESETS:
            bands = BAND_PRESETS[bands_option]
        else:
            try:
                bands = bands_from_cuts(parse_cuts(bands_option))
            except ValueError as exc:
                raise CommandError(f"--age-bands:{exc}") from exc
        table = structure_table(
            StructureQuery(
                unit=unit,
                as_of=as_of,
                population=options["population"],
                bands=bands,
                education=options["education"],
            ),
            today=today,
        )
        fmt = options["format"]
        content = {"json": structure_json, "xlsx": structure_xlsx}.get(fmt, lambda t: structure_docx([t]))(
            table
        )
        out = options["out"]
        if out:
            Path(out).write_bytes(content)
            self.stderr.write(f"已写入 {out}（{table.total} 人）")
        elif fmt == "json":
            self.stdout.write(content.decode("utf-8"))
        else:
            if sys.stdout.isatty():
                raise CommandError("Excel/Word 格式请用 --out 指定输出文件")
            sys.stdout.buffer.write(content)
