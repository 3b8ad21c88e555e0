"""The content of a cadre's 驻村蹲点工作记录表 for a period (documents.py writes it as Word and Excel).

One row per work log (日期, 工作类型, 走访农户, 工作内容, 群众诉求及办理情况); requests registered
without a log listed apart; the totals (numbers as defined in selectors.stats) over the cadre's
villages the reader may see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from ganbu.org.models import Unit, User
from ganbu.villagework.models import VillagerRequest
from ganbu.villagework.selectors.stats import Numbers, cadre_logs, cadre_total

if TYPE_CHECKING:
    from ganbu.cadres.models import Cadre

TITLE = "驻村蹲点工作记录表"


@dataclass(frozen=True)
class RecordRow:
    day: date
    kind: str
    households: str
    content: str
    requests: str


@dataclass(frozen=True)
class WorkRecord:
    cadre: Cadre
    unit_post: str
    villages: list[Unit]
    start: date
    end: date
    rows: list[RecordRow]
    other_requests: list[str]  # requests registered without a log
    totals: Numbers

    @property
    def village_label(self) -> str:
        return "、".join(f"{v.parent.name if v.parent else ''}{v.name}" for v in self.villages) or "（无）"

    @property
    def period_label(self) -> str:
        return f"{_day(self.start)}至{_day(self.end)}"

    @property
    def summary(self) -> str:
        t = self.totals
        return (
            f"合计：工作记录 {t.logs} 条，走访 {t.visits} 户次，覆盖 {t.households_visited}/{t.households} 户"
            f"（覆盖率 {t.coverage}%），群众诉求 {t.requests_raised} 件，已办结 {t.requests_resolved} 件。"
        )


def _day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def request_text(request: VillagerRequest) -> str:
    text = f"{request.get_category_display()}：{request.description}（{request.get_status_display()}"
    if request.resolution:
        text += f"；{request.resolution}"
    return text + "）"


def work_record(
    *, user: User, cadre: Cadre, villages: list[Unit], start: date, end: date, today: date | None = None
) -> WorkRecord:
    """Gather the record of `cadre` in `villages` (already restricted to the user's scope)."""
    village_ids = {v.pk for v in villages}
    rows = []
    for log in cadre_logs(user, cadre, start=start, end=end):
        if log.village_id not in village_ids:
            continue
        rows.append(
            RecordRow(
                day=log.logged_on,
                kind=log.get_kind_display(),
                households="、".join(v.household.head_name for v in log.visits.all()),
                content=log.content,
                requests="；".join(request_text(r) for r in log.requests.all()),
            )
        )
    other = [
        f"{r.raised_on:%Y-%m-%d} {r.village.name}{f' {r.household.head_name}' if r.household else ''} "
        + request_text(r)
        for r in VillagerRequest.objects.filter(
            cadre=cadre, village_id__in=village_ids, raised_on__range=(start, end), source_log__isnull=True
        )
        .select_related("village", "household")
        .order_by("raised_on", "id")
    ]
    _, totals = cadre_total(cadre=cadre, villages=villages, start=start, end=end, today=today)
    unit_post = "".join(part for part in (cadre.unit.name, cadre.current_title) if part)
    if cadre.current_title.startswith(cadre.unit.name):
        unit_post = cadre.current_title
    return WorkRecord(cadre, unit_post, villages, start, end, rows, other, totals)
