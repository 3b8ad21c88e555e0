"""The numbers of 驻村 work (coverage of the household register, visits against the weekly
quota, villagers' requests) for one cadre, one village, or a cadre over several villages, and the
weekly series of the charts. Definitions: the package docstring (`selectors/stats/__init__.py`).

Everything is computed with a fixed number of aggregate queries whatever the number of villages
(households, visits, weekly visits, logs, requests, resolve durations, assignments).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q
from django.utils import timezone

from ganbu.core.dates import WEEK, full_weeks, monday_of
from ganbu.core.numbers import HUNDRED, percent, quantize
from ganbu.org.models import Unit
from ganbu.villagework import rules
from ganbu.villagework.models import (
    Assignment,
    Household,
    RequestStatus,
    VillagerRequest,
    VillageWorkSettings,
    Visit,
    WorkLog,
)
from ganbu.villagework.selectors.requests import overdue_q

if TYPE_CHECKING:
    from ganbu.cadres.models import Cadre

TENTH = Decimal("0.1")

# --------------------------------------------------------------------------------------------------
# Arithmetic
# --------------------------------------------------------------------------------------------------


def median_days(durations: Iterable[int]) -> Decimal | None:
    values = list(durations)
    if not values:
        return None
    return quantize(Decimal(str(statistics.median(values))), TENTH)


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
class Parts:
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

    def add(self, other: Parts) -> None:
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


def as_of_day(today: date | None) -> date:
    return today or timezone.localdate()


def quota_in_force(quota: int | None) -> int:
    """The quota asked for, else the one in force."""
    return VillageWorkSettings.current().weekly_visit_quota if quota is None else quota


def check_period(start: date, end: date) -> None:
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


def collect(
    village_ids: list[int],
    *,
    cadre_id: int | None,
    start: date,
    end: date,
    today: date,
    quota: int,
) -> dict[int, Parts]:
    """Raw counts per village, in seven aggregate queries."""
    check_period(start, end)
    parts: dict[int, Parts] = {pk: Parts() for pk in village_ids}
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
            overdue=Count("id", filter=overdue_q(today)),
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
            1
            for monday, cadres in weeks.items()
            if rules.week_met(done.get(monday, 0), rules.week_requirement(quota, len(cadres)))
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
    q = quota_in_force(quota)
    parts = collect([village.pk], cadre_id=cadre.pk, start=start, end=end, today=as_of_day(today), quota=q)
    return parts[village.pk].numbers(q)


def village_numbers(
    *, village: Unit, start: date, end: date, today: date | None = None, quota: int | None = None
) -> Numbers:
    """A village's numbers, all its cadres together."""
    q = quota_in_force(quota)
    parts = collect([village.pk], cadre_id=None, start=start, end=end, today=as_of_day(today), quota=q)
    return parts[village.pk].numbers(q)


def combine(parts: Iterable[Parts], quota: int) -> Numbers:
    total = Parts()
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
    q = quota_in_force(quota)
    ids = [v.pk for v in villages]
    parts = collect(ids, cadre_id=cadre.pk, start=start, end=end, today=as_of_day(today), quota=q)
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
        return None if self.required is None else rules.week_met(self.visits, self.required)


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
    check_period(start, end)
    q = quota_in_force(quota)
    window_end = min(end, as_of_day(today))
    if window_end < start:
        return []
    ids = [v.pk for v in villages]
    cadre_id = cadre.pk if cadre else None
    required: dict[date, int] = defaultdict(int)
    for weeks in _week_requirements(ids, cadre_id, start, window_end).values():
        for monday, cadres in weeks.items():
            required[monday] += rules.week_requirement(q, len(cadres))
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
