"""The numbers of 驻村 work: coverage of the household register, visits against the weekly quota,
villagers' requests, per cadre, village, township and county, for any period.

Definitions (also in villagework/README.md):

- **Period** `[start, end]`, both days included. `today` (default: the local date) is the day the
  numbers are "as of": quota weeks stop at it and "overdue" is judged on it.
- **households**: the village's *active* registered households at query time (the register is not
  versioned, so a household that moved out is not in the denominator of a past period either).
- **households_visited**: distinct active households with at least one Visit dated in the period
  (a visit to a household since deactivated still counts in `visits`, not here), so coverage is
  never above 100%.
- **coverage** = households_visited / households, as a percent with 2 decimals rounded half up from
  the exact fraction; 0.00 when there are no households.
- **visits**: Visit rows (one household in one log) dated in the period; **logs**: WorkLog rows.
- **Quota weeks**: Monday–Sunday weeks whose seven days all lie inside `[start, min(end, today)]`
  and inside an assignment of the cadre to the village (`started_on` .. `ended_on`, open-ended when
  empty). Partial first/last weeks and the running week are not counted. A week is **met** when the
  visits of that week reach the requirement: `weekly_quota` for one cadre; for a village, the sum of
  the quotas of the cadres whose assignment covers the whole week (two cadres stationed → 2 × quota),
  against the visits of all its cadres together. `quota_rate` = weeks_met / weeks (100.00 when there
  is no quota week). For a township or the county, weeks are village-weeks.
- **Requests**: VillagerRequest raised in the period (for a cadre: those they handle, `cadre`);
  *resolved* = status 已办结 now; *overdue* = not resolved (受理/办理中/已上报乡镇) and `due_on`
  before `today`; *median days to resolve* = median of `resolved_on - raised_on` over the resolved
  ones (1 decimal; None when none).
- **Township ranking**: by coverage, then quota rate, then resolution rate (resolved / raised,
  100.00 when none raised), all descending; equal on all three → same rank (1, 2, 2, 4).

Everything is computed with a fixed number of aggregate queries whatever the number of villages
(households, visits, weekly visits, logs, requests, resolve durations, assignments).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from ganbu.cadres.models import Cadre
from ganbu.core.dates import WEEK, full_weeks, monday_of, year_period
from ganbu.core.numbers import HUNDRED, percent
from ganbu.org.models import TOWNSHIP_KINDS, VILLAGE_KINDS, Unit, User
from ganbu.org.scoping import units_in_subtree
from ganbu.villagework.models import (
    OPEN_REQUEST_STATUSES,
    Assignment,
    Household,
    RequestStatus,
    VillagerRequest,
    Visit,
    WorkLog,
)
from ganbu.villagework.selectors.scope import logs_for, requests_for, villages_for
from ganbu.villagework.services.config import get_settings

# --------------------------------------------------------------------------------------------------
# Arithmetic
# --------------------------------------------------------------------------------------------------


def median_days(durations: Iterable[int]) -> Decimal | None:
    values = list(durations)
    if not values:
        return None
    return Decimal(str(statistics.median(values))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Numbers:
    households: int  # active households in the register of the village(s)
    households_visited: int  # distinct active households with >= 1 Visit in [start, end]
    coverage: Decimal  # percent, 2 decimals
    visits: int  # Visit rows in [start, end]
    logs: int  # WorkLog rows in [start, end]
    weeks: int  # quota weeks (see module docstring)
    weekly_quota: int
    weeks_met: int
    quota_rate: Decimal  # weeks_met / weeks percent; 100.00 when weeks == 0
    requests_raised: int
    requests_resolved: int
    requests_overdue: int
    median_days_to_resolve: Decimal | None

    @property
    def resolution_rate(self) -> Decimal:
        """Resolved / raised percent; 100.00 when nothing was raised (nothing left undone)."""
        return percent(self.requests_resolved, self.requests_raised, empty=HUNDRED)

    @property
    def households_unvisited(self) -> int:
        return self.households - self.households_visited

    def to_json(self) -> dict[str, Any]:
        """The keys of the village_coverage command."""
        return {
            "households": self.households,
            "households_visited": self.households_visited,
            "coverage": str(self.coverage),
            "visits": self.visits,
            "requests_raised": self.requests_raised,
            "requests_resolved": self.requests_resolved,
            "requests_overdue": self.requests_overdue,
        }


@dataclass
class _Parts:
    """Raw counts of one village (or a sum of villages) before rates are taken."""

    households: int = 0
    households_visited: int = 0
    visits: int = 0
    logs: int = 0
    weeks: int = 0
    weeks_met: int = 0
    requests_raised: int = 0
    requests_resolved: int = 0
    requests_overdue: int = 0
    durations: list[int] = field(default_factory=list)

    def add(self, other: _Parts) -> None:
        for name in (
            "households",
            "households_visited",
            "visits",
            "logs",
            "weeks",
            "weeks_met",
            "requests_raised",
            "requests_resolved",
            "requests_overdue",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.durations.extend(other.durations)

    def numbers(self, quota: int) -> Numbers:
        return Numbers(
            households=self.households,
            households_visited=self.households_visited,
            coverage=percent(self.households_visited, self.households),
            visits=self.visits,
            logs=self.logs,
            weeks=self.weeks,
            weekly_quota=quota,
            weeks_met=self.weeks_met,
            quota_rate=percent(self.weeks_met, self.weeks, empty=HUNDRED),
            requests_raised=self.requests_raised,
            requests_resolved=self.requests_resolved,
            requests_overdue=self.requests_overdue,
            median_days_to_resolve=median_days(self.durations),
        )


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _quota(quota: int | None) -> int:
    return get_settings().weekly_visit_quota if quota is None else quota


def _check_period(start: date, end: date) -> None:
    if start > end:
        raise ValueError("统计开始日期不能晚于结束日期")


def _week_requirements(
    village_ids: list[int], cadre_id: int | None, start: date, window_end: date
) -> dict[int, dict[date, set[int]]]:
    """village → quota-week Monday → the cadres whose assignment covers that whole week."""
    required: dict[int, dict[date, set[int]]] = defaultdict(lambda: defaultdict(set))
    if window_end < start:
        return required
    assignments = Assignment.objects.filter(village_id__in=village_ids, started_on__lte=window_end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=start)
    )
    if cadre_id is not None:
        assignments = assignments.filter(cadre_id=cadre_id)
    for village_id, assigned_cadre, started_on, ended_on in assignments.values_list(
        "village_id", "cadre_id", "started_on", "ended_on"
    ):
        first = max(start, started_on)
        last = min(window_end, ended_on) if ended_on else window_end
        for monday in full_weeks(first, last):
            required[village_id][monday].add(assigned_cadre)
    return required


def _week_visits(
    village_ids: list[int], cadre_id: int | None, start: date, window_end: date
) -> dict[int, dict[date, int]]:
    """village → Monday → visits that week (within [start, window_end]).

    Grouped by day in SQL and summed into weeks here: at most 7 rows per village-week come back,
    and no per-row date function runs in the database (SQLite's date_trunc is a Python callback)."""
    visits: dict[int, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    if window_end < start:
        return visits
    rows = Visit.objects.filter(village_id__in=village_ids, visited_on__range=(start, window_end))
    if cadre_id is not None:
        rows = rows.filter(cadre_id=cadre_id)
    for village_id, day, n in (
        rows.values("village_id", "visited_on")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("village_id", "visited_on", "n")
    ):
        visits[village_id][monday_of(day)] += n
    return visits


def _collect(
    village_ids: list[int],
    *,
    cadre_id: int | None,
    start: date,
    end: date,
    today: date,
    quota: int,
) -> dict[int, _Parts]:
    """Raw counts per village, in seven aggregate queries."""
    _check_period(start, end)
    parts: dict[int, _Parts] = {pk: _Parts() for pk in village_ids}
    if not village_ids:
        return parts
    for row in (
        Household.objects.filter(village_id__in=village_ids, is_active=True)
        .values("village_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        parts[row["village_id"]].households = row["n"]

    visits = Visit.objects.filter(village_id__in=village_ids, visited_on__range=(start, end))
    logs = WorkLog.objects.filter(village_id__in=village_ids, logged_on__range=(start, end))
    requests = VillagerRequest.objects.filter(village_id__in=village_ids, raised_on__range=(start, end))
    if cadre_id is not None:
        visits = visits.filter(cadre_id=cadre_id)
        logs = logs.filter(cadre_id=cadre_id)
        requests = requests.filter(cadre_id=cadre_id)
    for row in (
        visits.values("village_id")
        .annotate(
            visits=Count("id"),
            visited=Count("household_id", distinct=True, filter=Q(household__is_active=True)),
        )
        .order_by()
    ):
        parts[row["village_id"]].visits = row["visits"]
        parts[row["village_id"]].households_visited = row["visited"]
    for row in logs.values("village_id").annotate(n=Count("id")).order_by():
        parts[row["village_id"]].logs = row["n"]
    resolved = Q(status=RequestStatus.RESOLVED)
    for row in (
        requests.values("village_id")
        .annotate(
            raised=Count("id"),
            resolved=Count("id", filter=resolved),
            overdue=Count("id", filter=~resolved & Q(due_on__lt=today)),
        )
        .order_by()
    ):
        p = parts[row["village_id"]]
        p.requests_raised, p.requests_resolved, p.requests_overdue = (
            row["raised"],
            row["resolved"],
            row["overdue"],
        )
    for village_id, raised_on, resolved_on in requests.filter(
        resolved, resolved_on__isnull=False
    ).values_list("village_id", "raised_on", "resolved_on"):
        if resolved_on is not None:
            parts[village_id].durations.append((resolved_on - raised_on).days)

    window_end = min(end, today)
    required = _week_requirements(village_ids, cadre_id, start, window_end)
    week_visits = _week_visits(village_ids, cadre_id, start, window_end)
    for village_id, weeks in required.items():
        done = week_visits.get(village_id, {})
        p = parts[village_id]
        p.weeks += len(weeks)
        p.weeks_met += sum(
            1 for monday, cadres in weeks.items() if done.get(monday, 0) >= quota * len(cadres)
        )
    return parts


def cadre_numbers(
    *,
    cadre: Cadre,
    village: Unit,
    start: date,
    end: date,
    today: date | None = None,
    quota: int | None = None,
) -> Numbers:
    """One cadre's numbers in one village (households = the village's register)."""
    q = _quota(quota)
    parts = _collect([village.pk], cadre_id=cadre.pk, start=start, end=end, today=_today(today), quota=q)
    return parts[village.pk].numbers(q)


def village_numbers(
    *, village: Unit, start: date, end: date, today: date | None = None, quota: int | None = None
) -> Numbers:
    """A village's numbers, all its cadres together."""
    q = _quota(quota)
    parts = _collect([village.pk], cadre_id=None, start=start, end=end, today=_today(today), quota=q)
    return parts[village.pk].numbers(q)


def combine(parts: Iterable[_Parts], quota: int) -> Numbers:
    total = _Parts()
    for p in parts:
        total.add(p)
    return total.numbers(quota)


def cadre_total(
    *,
    cadre: Cadre,
    villages: Iterable[Unit],
    start: date,
    end: date,
    today: date | None = None,
    quota: int | None = None,
) -> tuple[dict[int, Numbers], Numbers]:
    """A cadre's numbers per village and over all of them (households of all the villages; quota
    weeks are (village, week) pairs)."""
    q = _quota(quota)
    ids = [v.pk for v in villages]
    parts = _collect(ids, cadre_id=cadre.pk, start=start, end=end, today=_today(today), quota=q)
    return {pk: p.numbers(q) for pk, p in parts.items()}, combine(parts.values(), q)


# --------------------------------------------------------------------------------------------------
# Weekly series (charts)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WeekPoint:
    monday: date
    visits: int
    required: int | None  # None: not a quota week (partial, future, or nobody assigned)

    @property
    def met(self) -> bool | None:
        return None if self.required is None else self.visits >= self.required


def weekly_points(
    *,
    villages: Iterable[Unit],
    start: date,
    end: date,
    cadre: Cadre | None = None,
    today: date | None = None,
    quota: int | None = None,
) -> list[WeekPoint]:
    """Visits per Monday–Sunday week from the week of `start` to the week of min(end, today), with
    the requirement of the quota weeks, for the villages together (one cadre's when `cadre`)."""
    _check_period(start, end)
    q = _quota(quota)
    window_end = min(end, _today(today))
    if window_end < start:
        return []
    ids = [v.pk for v in villages]
    cadre_id = cadre.pk if cadre else None
    required: dict[date, int] = defaultdict(int)
    for weeks in _week_requirements(ids, cadre_id, start, window_end).values():
        for monday, cadres in weeks.items():
            required[monday] += q * len(cadres)
    visits: dict[date, int] = defaultdict(int)
    for weeks_visits in _week_visits(ids, cadre_id, start, window_end).values():
        for monday, n in weeks_visits.items():
            visits[monday] += n
    points = []
    monday = monday_of(start)
    while monday <= window_end:
        points.append(WeekPoint(monday, visits.get(monday, 0), required.get(monday)))
        monday += WEEK
    return points


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
    ancestors = {u.path: u for u in Unit.objects.filter(path__in=prefixes)}
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
    q = _quota(quota)
    as_of = _today(today)
    village_list = list(villages.filter(kind__in=VILLAGE_KINDS, is_active=True).order_by("path"))
    parts = _collect([v.pk for v in village_list], cadre_id=None, start=start, end=end, today=as_of, quota=q)
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
    as_of = _today(today)
    if start is None or end is None:
        year_start, year_end = year_period(year or as_of.year)
        start, end = start or year_start, end or year_end
    return coverage_table(villages_for(user), start=start, end=end, today=as_of, quota=quota)


def villages_of_unit(unit: Unit) -> QuerySet[Unit]:
    """The villages in a unit's subtree (the unit itself when it is a village)."""
    return units_in_subtree(unit).filter(kind__in=VILLAGE_KINDS)


# --------------------------------------------------------------------------------------------------
# Requests in a scope (overview)
# --------------------------------------------------------------------------------------------------


def requests_by_status(user: User, *, start: date, end: date) -> list[tuple[str, str, int]]:
    """(status, label, count) of the requests raised in the period that the user may see."""
    counts = dict(
        requests_for(user)
        .filter(raised_on__range=(start, end))
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("status", "n")
    )
    return [(value, str(label), counts.get(value, 0)) for value, label in RequestStatus.choices]


def overdue_requests(user: User, *, today: date | None = None) -> QuerySet[VillagerRequest]:
    """Requests still open past their due date (whenever raised), oldest due first."""
    return (
        requests_for(user)
        .filter(status__in=OPEN_REQUEST_STATUSES, due_on__lt=_today(today))
        .select_related("village__parent")
        .order_by("due_on", "id")
    )


# --------------------------------------------------------------------------------------------------
# Village detail: cadres, households not visited
# --------------------------------------------------------------------------------------------------


def village_assignments(village: Unit, *, start: date, end: date) -> QuerySet[Assignment]:
    """Assignments to the village overlapping the period."""
    return (
        Assignment.objects.filter(village=village, started_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .select_related("cadre", "cadre__unit")
        .order_by("started_on", "id")
    )


def unvisited_households(village: Unit, *, start: date, end: date) -> QuerySet[Household]:
    """Active households of the village with no visit in the period (whom to visit next)."""
    visited = Visit.objects.filter(village=village, visited_on__range=(start, end)).values("household_id")
    return (
        Household.objects.filter(village=village, is_active=True)
        .exclude(pk__in=visited)
        .order_by("group_name", "head_pinyin", "id")
    )


# --------------------------------------------------------------------------------------------------
# A cadre's timeline
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bucket:
    start: date
    label: str
    logs: int
    visits: int
    requests: int


@dataclass(frozen=True)
class TimelineEntry:
    day: date
    village: Unit
    kind: str
    content: str
    households: list[str]
    requests: list[VillagerRequest]
    log: WorkLog | None  # None: a request registered without a log


@dataclass(frozen=True)
class Timeline:
    weeks: list[Bucket]
    months: list[Bucket]
    entries: list[TimelineEntry]  # chronological


def _buckets(
    bucket_of: Callable[[date], date],
    logs: QuerySet[WorkLog],
    visits: QuerySet[Visit],
    requests: QuerySet[VillagerRequest],
) -> dict[date, list[int]]:
    """bucket start → [logs, visits, requests], counted per day in SQL and summed here."""
    counts: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0])
    sources: tuple[tuple[QuerySet[Any], str], ...] = (
        (logs, "logged_on"),
        (visits, "visited_on"),
        (requests, "raised_on"),
    )
    for index, (queryset, field_name) in enumerate(sources):
        for day, n in (
            queryset.values(field_name).annotate(n=Count("id")).order_by().values_list(field_name, "n")
        ):
            counts[bucket_of(day)][index] += n
    return counts


_VISITS = Prefetch("visits", queryset=Visit.objects.select_related("household").order_by("id"))
_REQUESTS = Prefetch("requests", queryset=VillagerRequest.objects.order_by("raised_on", "id"))


def cadre_timeline(
    cadre: Cadre, start: date, end: date, *, villages: QuerySet[Unit] | None = None
) -> Timeline:
    """A cadre's logs, visits and requests per week and per month (zero-filled) and their
    chronological list (logs with households and the requests raised from them; requests registered
    without a log as entries of their own). `villages` restricts to those villages (scope)."""
    _check_period(start, end)
    logs = WorkLog.objects.filter(cadre=cadre, logged_on__range=(start, end))
    visits = Visit.objects.filter(cadre=cadre, visited_on__range=(start, end))
    requests = VillagerRequest.objects.filter(cadre=cadre, raised_on__range=(start, end))
    if villages is not None:
        logs = logs.filter(village__in=villages)
        visits = visits.filter(village__in=villages)
        requests = requests.filter(village__in=villages)

    weekly = _buckets(monday_of, logs, visits, requests)
    weeks = []
    monday = monday_of(start)
    while monday <= end:
        n = weekly.get(monday, [0, 0, 0])
        weeks.append(Bucket(monday, f"{monday:%m-%d}", *n))
        monday += WEEK
    monthly = _buckets(lambda day: day.replace(day=1), logs, visits, requests)
    months = []
    first = start.replace(day=1)
    while first <= end:
        n = monthly.get(first, [0, 0, 0])
        months.append(Bucket(first, f"{first.year}年{first.month}月", *n))
        first = date(first.year + (first.month == 12), first.month % 12 + 1, 1)

    entries = [
        TimelineEntry(
            day=log.logged_on,
            village=log.village,
            kind=log.get_kind_display(),
            content=log.content,
            households=[str(v.household) for v in log.visits.all()],
            requests=list(log.requests.all()),
            log=log,
        )
        for log in logs.select_related("village").prefetch_related(_VISITS, _REQUESTS)
    ]
    entries += [
        TimelineEntry(
            day=r.raised_on,
            village=r.village,
            kind="群众诉求",
            content=r.description,
            households=[str(r.household)] if r.household else [],
            requests=[r],
            log=None,
        )
        for r in requests.filter(source_log__isnull=True).select_related("village", "household")
    ]
    entries.sort(key=lambda e: (e.day, e.log is None, e.log.pk if e.log else 0))
    return Timeline(weeks=weeks, months=months, entries=entries)


def cadre_logs(user: User, cadre: Cadre, *, start: date, end: date) -> QuerySet[WorkLog]:
    """The cadre's logs in the period that the user may see (the 记录表 rows)."""
    return (
        logs_for(user)
        .filter(cadre=cadre, logged_on__range=(start, end))
        .select_related("village__parent")
        .prefetch_related(_VISITS, _REQUESTS)
        .order_by("logged_on", "id")
    )
