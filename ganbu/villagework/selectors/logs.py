"""Reads of work logs: the 驻村干部's phone pages (their week, their villages, the household
picker), the log list and the pieces of a log's page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from ganbu.cadres.selectors import cadres_by_ids
from ganbu.core.dates import monday_of
from ganbu.org.models import Unit, User
from ganbu.org.scoping import filter_in_subtree
from ganbu.org.selectors import units_by_pk
from ganbu.villagework import rules
from ganbu.villagework.models import (
    Assignment,
    Household,
    LogPhoto,
    VillagerRequest,
    VillageWorkSettings,
    Visit,
    WorkLog,
)
from ganbu.villagework.selectors.rights import workable_assignments
from ganbu.villagework.selectors.scope import households_for, logs_for, villages_for
from ganbu.villagework.selectors.villages import search_households

if TYPE_CHECKING:
    from ganbu.cadres.models import Cadre

SEARCH_LIMIT = 20
RECENT_LOGS = 10
PHOTO_TYPES = {b"\xff\xd8\xff": ("jpg", "image/jpeg"), b"\x89PNG\r\n\x1a\n": ("png", "image/png")}


# --------------------------------------------------------------------------------------------------
# Photos
# --------------------------------------------------------------------------------------------------


def photo_kind(content: bytes) -> tuple[str, str] | None:
    """(extension, content type) of a JPEG or PNG, recognised by its first bytes; None otherwise."""
    return next((kind for magic, kind in PHOTO_TYPES.items() if content.startswith(magic)), None)


def photo_content(log: WorkLog, photo_id: int) -> tuple[bytes, str] | None:
    """A photo of the log: its bytes and content type (None when the log has no such photo)."""
    photo = log.photos.filter(pk=photo_id).first()
    if photo is None:
        return None
    with photo.image.open("rb") as handle:
        content = handle.read()
    kind = photo_kind(content)
    return content, kind[1] if kind else "application/octet-stream"


def log_photos(log: WorkLog) -> QuerySet[LogPhoto]:
    return log.photos.all()


# --------------------------------------------------------------------------------------------------
# The phone pages
# --------------------------------------------------------------------------------------------------


def households_matching(queryset: QuerySet[Household], q: str) -> QuerySet[Household]:
    """Households whose pinyin initials or full pinyin start with `q` ("wjg" / "wangjian" → 王建国),
    or whose 户主 or 村民小组 contains it; empty `q` matches all. The one search rule of the register
    (selectors.villages.search_households), without its active filter (callers choose)."""
    return search_households(queryset, q=q or "", active=None)


def visited_ids(household_ids: list[int], year: int) -> set[int]:
    return set(
        Visit.objects.filter(household_id__in=household_ids, visited_on__year=year).values_list(
            "household_id", flat=True
        )
    )


def household_search(user: User, village: Unit, q: str, *, today: date) -> list[dict[str, Any]]:
    """The household picker's answer: at most `SEARCH_LIMIT` active households of the village the
    user may see matching `q`; without `q`, households not yet visited this year first."""
    queryset = households_for(user).filter(village=village, is_active=True)
    if q.strip():
        matches = list(households_matching(queryset, q)[:SEARCH_LIMIT])
    else:
        seen = Visit.objects.filter(village=village, visited_on__year=today.year).values("household_id")
        matches = list(queryset.exclude(pk__in=seen)[:SEARCH_LIMIT])
        if len(matches) < SEARCH_LIMIT:
            matches += list(queryset.filter(pk__in=seen)[: SEARCH_LIMIT - len(matches)])
    visited = visited_ids([h.pk for h in matches], today.year)
    return [
        {
            "id": h.pk,
            "head_name": h.head_name,
            "group_name": h.group_name,
            "category": h.category,
            "category_label": h.get_category_display(),
            "visited": h.pk in visited,
        }
        for h in matches
    ]


def week_of(day: date) -> tuple[date, date]:
    """Monday and Sunday of the week containing `day`."""
    monday = monday_of(day)
    return monday, monday + timedelta(days=6)


@dataclass(frozen=True)
class VillageSummary:
    village: Unit
    households: int
    visited_this_year: int


@dataclass(frozen=True)
class WeekSummary:
    start: date
    end: date
    visits: int  # household visits (户次) in the week
    quota: int

    @property
    def met(self) -> bool:
        return rules.week_met(self.visits, rules.week_requirement(self.quota))

    @property
    def remaining(self) -> int:
        return max(0, rules.week_requirement(self.quota) - self.visits)


def week_summary(cadre: Cadre, today: date) -> WeekSummary:
    """The cadre's visits of the running week against the quota in force."""
    start, end = week_of(today)
    visits = Visit.objects.filter(cadre=cadre, visited_on__range=(start, end)).count()
    return WeekSummary(start, end, visits, VillageWorkSettings.current().weekly_visit_quota)


def village_summaries(villages: list[Unit], year: int) -> list[VillageSummary]:
    """Active households and households visited at least once in `year`, per village."""
    ids = [v.pk for v in villages]
    totals = dict(
        Household.objects.filter(village_id__in=ids, is_active=True)
        .values("village_id")
        .annotate(n=Count("id"))
        .values_list("village_id", "n")
    )
    visited = dict(
        Visit.objects.filter(village_id__in=ids, visited_on__year=year, household__is_active=True)
        .values("village_id")
        .annotate(n=Count("household_id", distinct=True))
        .values_list("village_id", "n")
    )
    return [VillageSummary(v, totals.get(v.pk, 0), visited.get(v.pk, 0)) for v in villages]


def current_assignments(cadre: Cadre, today: date) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(cadre=cadre, started_on__lte=today)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .select_related("village", "village__parent")
        .order_by("village__name", "id")
    )


def my_assignments(user: User, cadre: Cadre, today: date) -> list[Assignment]:
    """The cadre's assignments in force today, in the villages the user sees."""
    return list(current_assignments(cadre, today).filter(village__in=villages_for(user)))


def loggable_villages(cadre: Cadre, user: User, today: date) -> QuerySet[Unit]:
    """Villages the cadre may write logs for now: an assignment that has not ended before the
    first day still inside the edit window, and the village within the user's villages."""
    village_ids = workable_assignments(cadre, today).values("village_id")
    return villages_for(user).filter(pk__in=village_ids).order_by("name")


def covering_assignment(cadre: Cadre, village: Unit, on: date) -> Assignment | None:
    return (
        Assignment.objects.filter(cadre=cadre, village=village, started_on__lte=on)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
        .order_by("-started_on", "-id")
        .first()
    )


def first_assignment(cadre: Cadre, village: Unit) -> Assignment | None:
    return Assignment.objects.filter(cadre=cadre, village=village).order_by("started_on").first()


def recent_logs(user: User, cadre: Cadre, *, limit: int = RECENT_LOGS) -> list[WorkLog]:
    return list(
        logs_for(user)
        .filter(cadre=cadre)
        .annotate(visit_count=Count("visits"))
        .order_by("-logged_on", "-id")[:limit]
    )


# --------------------------------------------------------------------------------------------------
# The log form
# --------------------------------------------------------------------------------------------------


def village_of(record: Assignment | WorkLog) -> QuerySet[Unit]:
    """The village of an assignment or a log as a queryset (the choices of a form that allows only it)."""
    return units_by_pk([record.village_id])


def household_groups(villages: QuerySet[Unit]) -> list[dict[str, Any]]:
    """Households of the villages grouped by village and 小组, for the no-JavaScript form."""
    groups: dict[tuple[int, str], dict[str, Any]] = {}
    households = Household.objects.filter(village__in=villages, is_active=True).select_related("village")
    for household in households.order_by("village__name", "group_order", "group_name", "head_pinyin", "id"):
        key = (household.village_id, household.group_name)
        group = groups.setdefault(
            key,
            {"village": household.village, "group": household.group_name or "未分组", "households": []},
        )
        group["households"].append(household)
    return list(groups.values())


def chosen_households(user: User, village_ids: Any, household_ids: list[str]) -> list[dict[str, Any]]:
    """The households chosen in a (re-shown) form, taken only from the user's scoped register of
    those villages, so an id typed into the POST body never echoes another village's household."""
    ids = [int(i) for i in household_ids if str(i).isdecimal()]
    households = households_for(user).filter(village__in=village_ids, pk__in=ids)
    return [{"id": h.pk, "label": str(h)} for h in households.order_by("group_order", "group_name", "id")]


# --------------------------------------------------------------------------------------------------
# The log list and a log's page
# --------------------------------------------------------------------------------------------------


def log_cadres(user: User) -> QuerySet[Cadre]:
    """The cadres whose logs the user may see (the choices of the list's filter)."""
    ids = logs_for(user).order_by().values_list("cadre_id", flat=True).distinct()
    return cadres_by_ids(ids).order_by("name_pinyin", "id")


def log_list(
    user: User,
    *,
    township: Unit | None = None,
    village: Unit | None = None,
    cadre: Cadre | None = None,
    kind: str = "",
    start: date | None = None,
    end: date | None = None,
) -> QuerySet[WorkLog]:
    """The logs the user may see, filtered, newest first, with their visit and request counts."""
    queryset = logs_for(user)
    if township is not None:
        queryset = filter_in_subtree(queryset, township, "village")
    if village is not None:
        queryset = queryset.filter(village=village)
    if cadre is not None:
        queryset = queryset.filter(cadre=cadre)
    if kind:
        queryset = queryset.filter(kind=kind)
    if start is not None:
        queryset = queryset.filter(logged_on__gte=start)
    if end is not None:
        queryset = queryset.filter(logged_on__lte=end)
    # The counts are correlated subqueries, not joins with GROUP BY: the database walks the date
    # index newest first, stops at the page's last row and counts for those rows only (bench/
    # village_log_list.py: 25,000 logs, county-wide, from 1.3 s to milliseconds).
    return (
        queryset.select_related("village__parent")
        .annotate(visit_count=_count_of(Visit), request_count=_count_of(VillagerRequest, "source_log"))
        .order_by("-logged_on", "-id")
    )


def _count_of(model: type[Visit] | type[VillagerRequest], field: str = "log") -> Coalesce:
    rows = model.objects.filter(**{field: OuterRef("pk")}).order_by().values(field)
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")[:1]), 0)


def log_visits(log: WorkLog) -> QuerySet[Visit]:
    return log.visits.select_related("household").order_by(
        "household__group_order", "household__group_name", "household__head_pinyin"
    )


def log_household_ids(log: WorkLog) -> list[str]:
    return [str(i) for i in log.visits.values_list("household_id", flat=True)]
