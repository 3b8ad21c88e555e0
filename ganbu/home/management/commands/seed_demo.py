from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ganbu.home.demo import SEEDERS, seed_demo
from ganbu.org.selectors import units_exist


class Command(BaseCommand):
    help = "生成示范县（青山县）：单位、班子、职位、农户和 N 名干部；同一 --seed 生成同样的数据。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cadres", type=int, default=1500, help="number of cadres (0 = structure only)")
        parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same county)")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when units already exist")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["cadres"] < 0:
            raise CommandError("--cadres 不能为负数")
        if units_exist():
            if options["if_empty"]:
                self.stdout.write("示范县数据已存在，跳过生成。")
                return
            raise CommandError(
                "数据库中已有单位数据；示范县只能在空库中生成（可删除 var/ganbu.sqlite3 后重试）。"
            )

        def progress(message: str) -> None:
            if sys.stderr.isatty() or options["verbosity"] > 1:
                self.stderr.write(message)

        stats = seed_demo(cadres=options["cadres"], seed=options["seed"], progress=progress)
        self.stdout.write(
            f"示范县已生成：单位 {stats.units} 个，班子 {stats.teams} 个，职位 {stats.posts} 个，"
            f"干部 {stats.cadres} 名，写入 {stats.rows} 行，用时 {stats.seconds:.1f} 秒"
            f"（{'，'.join(f'{s.label} {stats.timings[s.key]:.1f} 秒' for s in SEEDERS if s.key in stats.timings)}）。"
        )
