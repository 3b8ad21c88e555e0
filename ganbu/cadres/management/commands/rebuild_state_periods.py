from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ganbu.cadres.services import state_periods_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the derived state periods (structure analysis for past dates) from the cadres' "
        "appointments, ranks and education: all cadres, or those given with --cadre."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cadre", type=int, action="append", help="a cadre id (repeatable)")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        rows = state_periods_rebuild(cadre_ids=options["cadre"])
        who = f"{len(set(options['cadre']))} 名干部" if options["cadre"] else "全部干部"
        self.stdout.write(f"已重建{who}的状态时段：{rows} 行，用时 {time.perf_counter() - started:.1f} 秒。")
