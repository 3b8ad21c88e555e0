"""manage.py export_cadres --unit CODE --out FILE.xlsx: the cadres of a unit's subtree as the
import template's columns (plus 现任职务 and 年龄), in stroke order. Runs as the system."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from ganbu.audit.services import record_event
from ganbu.cadres.documents import write_cadres_xlsx
from ganbu.cadres.models import Cadre
from ganbu.org.scoping import filter_in_subtree
from ganbu.org.selectors import county_root, unit_by_code


class Command(BaseCommand):
    help = "导出单位（含下级）的干部信息为 Excel(.xlsx)，列与导入模板一致，可修改后重新导入。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", help="单位代码（默认：全县）")
        parser.add_argument("--out", required=True, help="输出的 .xlsx 文件")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["unit"]:
            unit = unit_by_code(options["unit"])
            if unit is None:
                raise CommandError(f"未找到单位代码为 {options['unit']} 的单位")
        else:
            unit = county_root()
            if unit is None:
                raise CommandError("系统中还没有单位")
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CommandError(f"目录不存在：{out.parent}")
        queryset = filter_in_subtree(Cadre.objects.all(), unit)
        count = write_cadres_xlsx(queryset, out)
        with transaction.atomic():
            record_event(
                actor=None,
                action="cadre.export",
                obj=unit,
                unit_path=unit.path,
                payload={"format": "xlsx", "rows": count, "filename": out.name},
            )
        self.stdout.write(f"已导出 {count} 名干部到 {out}")
