from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ganbu.cadres.services import cadres_refresh_due


class Command(BaseCommand):
    help = (
        "Recompute the derived current post/rank/education of cadres whose records took effect or "
        "ended since --since (default: yesterday). Run daily (cron); see README."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", help="YYYY-MM-DD, default yesterday")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        since = today - timedelta(days=1)
        if options["since"]:
            try:
                since = date.fromisoformat(options["since"])
            except ValueError as exc:
                raise CommandError(f"--since 应为 YYYY-MM-DD 格式：{options['since']}") from exc
        count = cadres_refresh_due(since=since, today=today)
        self.stdout.write(f"已刷新 {count} 名干部的现任职务、职级、学历（变动日期 {since:%Y-%m-%d} 之后）。")
