"""The coverage table: numbers per village, per township and in total, and the ranking of the
townships (definitions: the package docstring)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet

from ganbu.core.dates import year_period
from ganbu.org.models import TOWNSHIP_KINDS, VILLAGE_KINDS, Unit, User
from ganbu.org.scoping import units_in_subtree
from ganbu.org.selectors import units_by_path
from ganbu.villagework.selectors.scope import villages_for
from ganbu.villagework.selectors.stats.numbers import Numbers, as_of_day, collect, combine, quota_in_force

# --------------------------------------------------------------------------------------------------
# Township table (per village, per township, ranking)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VillageRow:
    village: Unit
    numbers: Numbers


@dataclass(frozen=True)
class TownshipRow:
    township: Unit
    numbers: Numbers
    villages: list[VillageRow]
    rank: int = 0


@dataclass(frozen=True)
class CoverageTable:
    start: date
    end: date
    as_of: date
    weekly_quota: int
    townships: list[TownshipRow]  # in unit order, each with its villages
    ranking: list[TownshipRow]  # best first, with ranks
    totals: Numbers

    @property
    def villages(self) -> list[VillageRow]:
        return [v for t in self.townships for v in t.villages]


def ranking_key(numbers: Numbers) -> tuple[Decimal, Decimal, Decimal]:
    """Higher is better: coverage, then quota rate, then resolution rate."""
    return (numbers.coverage, numbers.quota_rate, numbers.resolution_rate)


def rank_townships(rows: list[TownshipRow]) -> list[TownshipRow]:
    ordered = sorted(rows, key=lambda r: (tuple(-x for x in ranking_key(r.numbers)), r.township.path))
    ranked: list[TownshipRow] = []
    for index, row in enumerate(ordered):
        rank = index + 1
        if ranked and ranking_key(ranked[-1].numbers) == ranking_key(row.numbers):
            rank = ranked[-1].rank
        ranked.append(TownshipRow(row.township, row.numbers, row.villages, rank))
    return ranked


def _townships_of(villages: list[Unit]) -> dict[int, Unit]:
    """village pk → its township (nearest ancestor of township kind; the parent otherwise)."""
    prefixes = {
        "/" + "/".join(v.path.strip("/").split("/")[:n]) + "/"
        for v in villages
        for n in range(1, v.path.strip("/").count("/") + 1)
    }
    ancestors = units_by_path(prefixes)
    result: dict[int, Unit] = {}
    for village in villages:
        candidates = [u for path, u in ancestors.items() if village.path.startswith(path)]
        townships = [u for u in candidates if u.kind in TOWNSHIP_KINDS]
        chosen = max(townships or candidates, key=lambda u: len(u.path), default=None)
        result[village.pk] = chosen if chosen is not None else village
    return result


def coverage_table(
    villages: QuerySet[Unit],
    *,
    start: date,
    end: date,
    today: date | None = None,
    quota: int | None = None,
) -> CoverageTable:
    """Numbers per village (active villages of `villages`), per township and in total."""
    q = quota_in_force(quota)
    as_of = as_of_day(today)
    village_list = list(villages.filter(kind__in=VILLAGE_KINDS, is_active=True).order_by("path"))
    parts = collect([v.pk for v in village_list], cadre_id=None, start=start, end=end, today=as_of, quota=q)
    township_of = _townships_of(village_list)
    grouped: dict[int, list[Unit]] = defaultdict(list)
    townships: dict[int, Unit] = {}
    for village in village_list:
        township = township_of[village.pk]
        townships[township.pk] = township
        grouped[township.pk].append(village)
    rows = []
    for township in sorted(townships.values(), key=lambda u: (u.sort_order, u.path)):
        members = grouped[township.pk]
        rows.append(
            TownshipRow(
                township=township,
                numbers=combine((parts[v.pk] for v in members), q),
                villages=[VillageRow(v, parts[v.pk].numbers(q)) for v in members],
            )
        )
    ranking = rank_townships(rows)
    rank_of = {r.township.pk: r.rank for r in ranking}
    rows = [TownshipRow(r.township, r.numbers, r.villages, rank_of[r.township.pk]) for r in rows]
    return CoverageTable(
        start=start,
        end=end,
        as_of=as_of,
        weekly_quota=q,
        townships=rows,
        ranking=ranking,
        totals=combine(parts.values(), q),
    )


def township_table(
    user: User,
    *,
    year: int | None = None,
    start: date | None = None,
    end: date | None = None,
    today: date | None = None,
    quota: int | None = None,
) -> CoverageTable:
    """The coverage table of the villages the user may see, for a year or a period."""
    as_of = as_of_day(today)
    if start is None or end is None:
        year_start, year_end = year_period(year or as_of.year)
        start, end = start or year_start, end or year_end
    return coverage_table(villages_for(user), start=start, end=end, today=as_of, quota=quota)


def villages_of_unit(unit: Unit) -> QuerySet[Unit]:
    """The villages in a unit's subtree (the unit itself when it is a village)."""
    return units_in_subtree(unit).filter(kind__in=VILLAGE_KINDS)
