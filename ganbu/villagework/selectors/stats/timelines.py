"""Lists behind the report pages: requests by status and overdue ones in a scope, the cadres and
the households not yet visited of a village, a cadre's timeline and the rows of their 记录表."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Prefetch, Q, QuerySet

from ganbu.core.dates import WEEK, monday_of, month_index
from ganbu.org.models import Unit, User
from ganbu.villagework.models import (
    Assignment,
    Household,
    RequestStatus,
    VillagerRequest,
    Visit,
    WorkLog,
)
from ganbu.villagework.selectors.requests import overdue_q
from ganbu.villagework.selectors.scope import logs_for, own_cadre, own_only, requests_for
from ganbu.villagework.selectors.stats.numbers import as_of_day, check_period

if TYPE_CHECKING:
    from ganbu.cadres.models import Cadre

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
        .filter(overdue_q(as_of_day(today)))
        .select_related("village__parent")
        .order_by("due_on", "id")
    )


# --------------------------------------------------------------------------------------------------
# Village detail: cadres, households not visited
# --------------------------------------------------------------------------------------------------


def village_assignments(
    village: Unit, *, start: date, end: date, user: User | None = None
) -> QuerySet[Assignment]:
    """Assignments to the village overlapping the period (for a 驻村干部 `user`: their own only)."""
    queryset = (
        Assignment.objects.filter(village=village, started_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .select_related("cadre", "cadre__unit")
        .order_by("started_on", "id")
    )
    if user is not None and own_only(user):
        queryset = queryset.filter(cadre=own_cadre(user))
    return queryset


def unvisited_households(village: Unit, *, start: date, end: date) -> QuerySet[Household]:
    """Active households of the village with no visit in the period (whom to visit next)."""
    visited = Visit.objects.filter(village=village, visited_on__range=(start, end)).values("household_id")
    return (
        Household.objects.filter(village=village, is_active=True)
        .exclude(pk__in=visited)
        .order_by("group_order", "group_name", "head_pinyin", "id")
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
    check_period(start, end)
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
        following = month_index(first) + 1
        first = date(following // 12, following % 12 + 1, 1)

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
