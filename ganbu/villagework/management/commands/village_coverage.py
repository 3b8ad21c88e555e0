"""Household-visit coverage and villagers' requests per village and township for a year.

    python manage.py village_coverage --unit CODE --year YYYY [--format json|text] [--today YYYY-MM-DD]

`--unit` is the county, a township or a village (its subtree is counted). The definitions are those
of villagework.selectors.stats (coverage = distinct active households visited in the year / active
households in the register; overdue judged on `--today`, default today).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ganbu.core.dates import year_period
from ganbu.org.models import Unit
from ganbu.org.selectors import unit_by_code
from ganbu.villagework.selectors.stats import CoverageTable, coverage_table, villages_of_unit


def table_json(unit: Unit, year: int, table: CoverageTable) -> dict[str, Any]:
    return {
        "unit": {"code": unit.code, "name": unit.name},
        "year": year,
        "as_of": table.as_of.isoformat(),
        "townships": [
            {
                "code": t.township.code,
                "name": t.township.name,
                **t.numbers.to_json(),
                "villages": [
                    {"code": v.village.code, "name": v.village.name, **v.numbers.to_json()}
                    for v in t.villages
                ],
            }
            for t in table.townships
        ],
        "totals": table.totals.to_json(),
    }


TEXT_COLUMNS = (
    ("户数", "households"),
    ("已走访", "households_visited"),
    ("覆盖率%", "coverage"),
    ("走访户次", "visits"),
    ("诉求", "requests_raised"),
    ("已办结", "requests_resolved"),
    ("逾期", "requests_overdue"),
)


def table_text(unit: Unit, year: int, table: CoverageTable) -> str:
    lines = [f"{unit.name}（{unit.code}）{year}年驻村走访覆盖情况（截至{table.as_of.isoformat()}）"]
    header = f"{'单位':<16}" + "".join(f"{label:>10}" for label, _ in TEXT_COLUMNS)
    lines.append(header)

    def row(name: str, data: dict[str, Any]) -> str:
        return f"{name:<16}" + "".join(f"{data[key]!s:>10}" for _, key in TEXT_COLUMNS)

    for township in table.townships:
        lines.append(row(township.township.name, township.numbers.to_json()))
        lines.extend(row(f"  {v.village.name}", v.numbers.to_json()) for v in township.villages)
    lines.append(row("合计", table.totals.to_json()))
    return "\n".join(lines)


class Command(BaseCommand):
    help = "按村和乡镇统计某年度农户走访覆盖率、走访户次及群众诉求办理情况（JSON 或文本）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", required=True, help="单位代码：县、乡镇或村（统计其全部下级村）")
        parser.add_argument("--year", required=True, type=int, help="年度，如 2025")
        parser.add_argument("--format", choices=["json", "text"], default="json")
        parser.add_argument("--today", default="", help="统计截止日 YYYY-MM-DD（判断逾期，默认今天）")

    def handle(self, *args: Any, **options: Any) -> None:
        unit = unit_by_code(options["unit"])
        if unit is None:
            raise CommandError(f"单位代码 {options['unit']} 不存在")
        year = options["year"]
        if not 1900 <= year <= 2999:
            raise CommandError(f"年度 {year} 无效，应为四位数年份")
        try:
            today = date.fromisoformat(options["today"]) if options["today"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError("--today 应为 YYYY-MM-DD 格式的日期") from exc
        start, end = year_period(year)
        table = coverage_table(villages_of_unit(unit), start=start, end=end, today=today)
        if options["format"] == "text":
            self.stdout.write(table_text(unit, year, table))
        else:
            self.stdout.write(json.dumps(table_json(unit, year, table), ensure_ascii=False, indent=2))
