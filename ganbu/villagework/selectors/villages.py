"""Reads for the village pages: the villages in scope with their teams, the household register and
its search, the cadres that may be stationed, and the rotation rule (轮岗提醒).

Rotation rule (seed 000 / issue 6 §7): a cadre is *due* for rotation when their continuous stay in
one village has lasted the set number of years (`VillageWorkSettings.rotation_years`, default
`rules.ROTATION_YEARS`).
- Assignments of the same cadre to the same village are merged into one stay when they overlap or
  are back to back (the next starts on or before the day after the previous one's last day);
  a gap of one day or more starts a new stay. The role does not matter (工作队员 then 第一书记 in the
  same village is one stay).
- Only stays that are current on the date count (the last assignment is open or ends on or after
  the date); ended stays are history, not a rotation case.
- "Exactly N years": the stay counts its first and last day, so on the N-th anniversary of the
  start it has lasted N years and one day, i.e. more than N years: the cadre is due from the
  anniversary on (started 2023-03-01, 3 years → due on 2026-03-01, not on 2026-02-28;
  `rules.rotation_due_on`). A start on 29 February has its anniversary on 1 March in common years
  (`core.dates.add_years`, as ages are counted).
- Years are shown with one decimal, rounded down (2.99 years shows as 2.9, so "3.0" is shown only
  when due).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from ganbu.cadres.selectors import (
    active_cadres_in_scope,
    active_cadres_in_units,
    cadre_by_id_number,
    cadres_by_ids,
)
from ganbu.core.dates import stay_years
from ganbu.core.db import prefix_range
from ganbu.org.models import Role, Unit, User
from ganbu.org.scoping import filter_by_scope, filter_in_subtree, unit_in_scope
from ganbu.org.selectors import users_with_role
from ganbu.villagework import rules
from ganbu.villagework.models import Assignment, Household, VillagerRequest, VillageWorkSettings, Visit
from ganbu.villagework.selectors.scope import (
    assignments_for,
    households_for,
    logs_for,
    townships_for,
    villages_for,
)

if TYPE_CHECKING:
    from ganbu.cadres.models import Cadre

_LETTERS = re.compile(r"^[A-Za-z]+$")
_ID_LIKE = re.compile(r"^\d{6,17}[\dXx]?$")


# --------------------------------------------------------------------------------------------------
# Villages and teams
# --------------------------------------------------------------------------------------------------


def current_q(on: dt.date, prefix: str = "") -> Q:
    """Assignments in force on `on` (started, and open or ending on/after it)."""
    return Q(**{f"{prefix}started_on__lte": on}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": on})
    )


@dataclass
class VillageRow:
    village: Unit
    households: int
    team: list[Assignment]
    last_logged_on: dt.date | None


@dataclass
class TownshipGroup:
    township: Unit | None
    villages: list[VillageRow] = field(default_factory=list)

    @property
    def households(self) -> int:
        return sum(v.households for v in self.villages)


def village_overview(user: User, *, on: dt.date, township: Unit | None = None) -> list[TownshipGroup]:
    """The villages the user sees, grouped by township: registered (active) households, the
    current team, the date of the last work log the user may see. A fixed number of queries."""
    villages = villages_for(user).select_related("parent")
    if township is not None:
        villages = filter_in_subtree(villages, township, "")
    last_log = (
        logs_for(user)
        .filter(village=OuterRef("pk"))
        .order_by()
        .values("village")
        .annotate(last=Max("logged_on"))
        .values("last")
    )
    households = (
        Household.objects.filter(village=OuterRef("pk"), is_active=True)
        .order_by()
        .values("village")
        .annotate(n=Count("id"))
        .values("n")
    )
    villages = villages.annotate(
        household_count=Coalesce(Subquery(households), 0), last_logged_on=Subquery(last_log)
    ).order_by("parent__path", "code")
    team_qs = Assignment.objects.filter(current_q(on)).select_related("cadre").order_by("role", "started_on")
    rows = list(villages)
    teams: dict[int, list[Assignment]] = defaultdict(list)
    for assignment in team_qs.filter(village_id__in=[v.pk for v in rows]):
        teams[assignment.village_id].append(assignment)
    groups: dict[int | None, TownshipGroup] = {}
    for village in rows:
        group = groups.setdefault(village.parent_id, TownshipGroup(village.parent))
        group.villages.append(
            VillageRow(
                village=village,
                households=village.household_count,
                team=teams.get(village.pk, []),
                last_logged_on=village.last_logged_on,
            )
        )
    return list(groups.values())


@dataclass
class Team:
    current: list[Assignment]
    upcoming: list[Assignment]
    past: list[Assignment]


def village_team(village: Unit, *, on: dt.date) -> Team:
    """Everyone ever stationed in the village: in force on `on`, starting later, ended."""
    team = Team([], [], [])
    assignments = (
        Assignment.objects.filter(village=village).select_related("cadre").order_by("-started_on", "id")
    )
    for assignment in assignments:
        if assignment.started_on > on:
            team.upcoming.append(assignment)
        elif assignment.ended_on is not None and assignment.ended_on < on:
            team.past.append(assignment)
        else:
            team.current.append(assignment)
    role_order = {"first_secretary": 0, "stationed": 1, "team_member": 2}
    team.current.sort(key=lambda a: (role_order.get(a.role, 9), a.started_on))
    return team


# --------------------------------------------------------------------------------------------------
# Household register
# --------------------------------------------------------------------------------------------------


def search_households(
    queryset: QuerySet[Household],
    *,
    q: str = "",
    category: str = "",
    group: str = "",
    active: bool | None = True,
) -> QuerySet[Household]:
    """Filter a (scoped) household queryset. `q`: letters match the start of the 户主's pinyin
    initials or full pinyin (「wjg」「wang」 → 王建国); other text matches part of the 户主's name
    or the 村民小组 (「建国」「二组」). `active`: True = on the register, False = moved out, None = all."""
    q = q.strip()
    if q:
        if _LETTERS.match(q):
            lowered = q.lower()
            queryset = queryset.filter(
                prefix_range("head_initials", lowered) | prefix_range("head_pinyin", lowered)
            )
        else:
            queryset = queryset.filter(Q(head_name__contains=q) | Q(group_name__contains=q))
    if category:
        queryset = queryset.filter(category=category)
    if group:
        queryset = queryset.filter(group_name=group)
    if active is not None:
        queryset = queryset.filter(is_active=active)
    return queryset


def group_names(village: Unit) -> list[str]:
    """The 村民小组 names used in a village's register, in order."""
    names = (
        Household.objects.filter(village=village).order_by().values_list("group_name", flat=True).distinct()
    )
    return sorted({n for n in names if n}, key=lambda n: (rules.group_order(n), n))


def household_counts(village: Unit) -> dict[str, int]:
    """Registered households by category (active only) plus "total" and "inactive"."""
    counts: dict[str, int] = {"total": 0, "inactive": 0}
    rows = (
        Household.objects.filter(village=village)
        .order_by()
        .values("category", "is_active")
        .annotate(n=Count("id"))
    )
    for row in rows:
        if row["is_active"]:
            counts[row["category"]] = counts.get(row["category"], 0) + row["n"]
            counts["total"] += row["n"]
        else:
            counts["inactive"] += row["n"]
    return counts


# --------------------------------------------------------------------------------------------------
# Cadres who may be stationed
# --------------------------------------------------------------------------------------------------


def cadre_candidates(user: User, q: str, *, limit: int = 30) -> list[Cadre]:
    """Active cadres matching `q` (name part, pinyin/initials prefix, 身份证号 prefix) among those
    the user can see; in addition, for any user, the active cadre whose 身份证号 is exactly `q`
    anywhere in the county (a township stationing a county department's cadre in its village:
    knowing the full 身份证号 is the proof of need; only name and unit are shown)."""
    q = q.strip()
    if not q:
        return []
    qs = active_cadres_in_scope(user).select_related("unit")
    if _ID_LIKE.match(q):
        upper = q.upper()
        qs = qs.filter(id_number=upper) if len(q) == 18 else qs.filter(prefix_range("id_number", upper))
    elif _LETTERS.match(q):
        lowered = q.lower()
        qs = qs.filter(prefix_range("name_initials", lowered) | prefix_range("name_pinyin", lowered))
    else:
        qs = qs.filter(name__contains=q)
    found = list(qs.order_by("stroke_key", "id")[:limit])
    if len(q) == 18 and _ID_LIKE.match(q) and not found:
        exact = cadre_by_id_number(q)
        if exact is not None and is_active_cadre(exact):
            found.append(exact)
    return found


def is_active_cadre(cadre: Cadre) -> bool:
    """In service (在职), as the registry says."""
    return active_cadres_in_units([cadre.unit_id]).filter(pk=cadre.pk).exists()


def get_pickable_cadre(user: User, pk: Any, id_number: str = "") -> Cadre:
    """The cadre to station: active, and in the user's scope or named by its exact 身份证号. 404
    otherwise (no oracle)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404("干部不存在") from exc
    cadre = cadres_by_ids([pk]).first()
    if cadre is None or not is_active_cadre(cadre):
        raise Http404("干部不存在或不在您的数据范围内")
    if unit_in_scope(user, cadre.unit):
        return cadre
    if id_number and cadre.id_number and id_number.strip().upper() == cadre.id_number:
        return cadre
    raise Http404("干部不存在或不在您的数据范围内")


# --------------------------------------------------------------------------------------------------
# Rotation (轮岗提醒)
# --------------------------------------------------------------------------------------------------


@dataclass
class Stay:
    """A cadre's continuous stay in one village (merged assignments)."""

    cadre: Cadre
    village: Unit
    since: dt.date
    until: dt.date | None  # last day, None = open
    role: str  # role of the latest assignment
    assignments: list[Assignment]
    years: float = 0.0
    due_on: dt.date | None = None

    @property
    def latest(self) -> Assignment:
        return self.assignments[-1]

    @property
    def role_label(self) -> str:
        return self.latest.get_role_display()

    @property
    def township(self) -> Unit | None:
        return self.village.parent


def merge_stays(assignments: Iterable[Assignment]) -> list[Stay]:
    """Merge the assignments of each (cadre, village) into continuous stays."""
    by_pair: dict[tuple[int, int], list[Assignment]] = defaultdict(list)
    for assignment in assignments:
        by_pair[(assignment.cadre_id, assignment.village_id)].append(assignment)
    stays: list[Stay] = []
    for items in by_pair.values():
        items.sort(key=lambda a: (a.started_on, a.pk or 0))
        current: Stay | None = None
        for a in items:
            if current is not None and (
                current.until is None or a.started_on <= current.until + dt.timedelta(days=1)
            ):
                current.assignments.append(a)
                if current.until is not None:
                    current.until = None if a.ended_on is None else max(current.until, a.ended_on)
                current.role = a.role
                continue
            current = Stay(a.cadre, a.village, a.started_on, a.ended_on, a.role, [a])
            stays.append(current)
    return stays


def _assignments(user_or_queryset: User | QuerySet[Assignment]) -> QuerySet[Assignment]:
    if isinstance(user_or_queryset, QuerySet):
        return user_or_queryset
    return assignments_for(user_or_queryset)


def current_stays(user_or_queryset: User | QuerySet[Assignment], *, on: dt.date) -> list[Stay]:
    """Every stay in force on `on`, with its length in years."""
    queryset = _assignments(user_or_queryset).filter(started_on__lte=on)
    current = queryset.filter(current_q(on))
    pairs = set(current.values_list("cadre_id", "village_id"))
    if not pairs:
        return []
    history = queryset.filter(
        cadre_id__in={c for c, _ in pairs}, village_id__in={v for _, v in pairs}
    ).select_related("cadre", "village", "village__parent")
    stays = [
        s
        for s in merge_stays(a for a in history if (a.cadre_id, a.village_id) in pairs)
        if s.since <= on and (s.until is None or s.until >= on)
    ]
    for stay in stays:
        stay.years = stay_years(stay.since, on)
    return stays


def _sorted(stays: list[Stay]) -> list[Stay]:
    return sorted(stays, key=lambda s: (s.since, s.village.path, s.cadre.name))


def rotation_due(user_or_queryset: User | QuerySet[Assignment], *, on: dt.date, years: int) -> list[Stay]:
    """Stays in force on `on` that have lasted `years` or more (due from the anniversary on),
    longest first."""
    due = []
    for stay in current_stays(user_or_queryset, on=on):
        stay.due_on = rules.rotation_due_on(stay.since, years)
        if stay.due_on <= on:
            due.append(stay)
    return _sorted(due)


def rotation_upcoming(
    user_or_queryset: User | QuerySet[Assignment],
    *,
    on: dt.date,
    years: int,
    within_days: int = rules.ROTATION_UPCOMING_DAYS,
) -> list[Stay]:
    """Stays in force on `on` that become due within `within_days` (for planning)."""
    upcoming = []
    for stay in current_stays(user_or_queryset, on=on):
        stay.due_on = rules.rotation_due_on(stay.since, years)
        if on < stay.due_on <= on + dt.timedelta(days=within_days):
            upcoming.append(stay)
    return _sorted(upcoming)


def stay_of(assignment: Assignment, *, on: dt.date) -> Stay | None:
    """The continuous stay this assignment belongs to (for 'years in the village')."""
    siblings = Assignment.objects.filter(cadre_id=assignment.cadre_id, village_id=assignment.village_id)
    for stay in merge_stays(siblings.select_related("cadre", "village")):
        if any(a.pk == assignment.pk for a in stay.assignments):
            end = on if stay.until is None or stay.until > on else stay.until
            stay.years = stay_years(stay.since, end)
            return stay
    return None


# --------------------------------------------------------------------------------------------------
# List pages
# --------------------------------------------------------------------------------------------------

HOUSEHOLD_STATUS = {"": True, "inactive": False, "all": None}  # 在册 / 已注销 / 全部


def village_households(
    user: User, village: Unit, *, q: str = "", category: str = "", group: str = "", status: str = ""
) -> QuerySet[Household]:
    """The register of one village as the user may see it, searched (`search_households`) and in
    the register's order."""
    households = search_households(
        households_for(user).filter(village=village),
        q=q,
        category=category,
        group=group,
        active=HOUSEHOLD_STATUS.get(status, True),
    )
    return households.order_by("group_order", "group_name", "head_pinyin", "id")


def visible_assignment_ids(user: User, village: Unit) -> set[int]:
    """The assignments of the village the user may open (a 驻村干部: their own)."""
    return set(assignments_for(user).filter(village=village).values_list("pk", flat=True))


def assignment_list(
    user: User,
    *,
    today: dt.date,
    township: Unit | None = None,
    village: Unit | None = None,
    role: str = "",
    state: str = "",
    q: str = "",
) -> QuerySet[Assignment]:
    """Assignments in the user's scope. `state`: "" in force today (the default), "ended",
    "upcoming", "all"; `q` part of the cadre's name or the start of its initials."""
    qs = assignments_for(user)
    if township is not None:
        qs = filter_in_subtree(qs, township, "village")
    if village is not None:
        qs = qs.filter(village=village)
    if role:
        qs = qs.filter(role=role)
    if state == "":
        qs = qs.filter(current_q(today))
    elif state == "ended":
        qs = qs.filter(ended_on__lt=today)
    elif state == "upcoming":
        qs = qs.filter(started_on__gt=today)
    q = q.strip()
    if q:
        qs = qs.filter(Q(cadre__name__contains=q) | Q(cadre__name_initials__startswith=q.lower()))
    return qs.select_related("cadre", "village", "village__parent").order_by(
        "village__path", "role", "-started_on", "id"
    )


def cadre_assignments(cadre: Cadre, villages: QuerySet[Unit]) -> QuerySet[Assignment]:
    """The cadre's assignments to the given villages (those the reader may see), latest first."""
    return (
        Assignment.objects.filter(cadre=cadre, village__in=villages)
        .select_related("village__parent")
        .order_by("-started_on", "id")
    )


def household_has_history(household: Household) -> bool:
    """Visited or named in a request: such a household is deactivated, never deleted."""
    return (
        Visit.objects.filter(household=household).exists()
        or VillagerRequest.objects.filter(household=household).exists()
    )


def linkable_accounts(actor: User, cadre: Cadre) -> list[User]:
    """Logins of role 驻村干部 within the actor's scope that are free (or already this cadre's)."""
    users = filter_by_scope(users_with_role(Role.VILLAGE_CADRE), actor, "scope_unit").select_related(
        "scope_unit"
    )
    return [u for u in users.filter(Q(cadre__isnull=True) | Q(cadre=cadre)).order_by("username")]


def village_register(village: Unit) -> QuerySet[Household]:
    """The active households of a village in the register's order (a form's choices)."""
    return Household.objects.filter(village=village, is_active=True).order_by(
        "group_name", "head_pinyin", "id"
    )


def villages_in_order(user: User) -> list[Unit]:
    """The villages the user sees, with their township, in unit order."""
    return list(villages_for(user).select_related("parent").order_by("path"))


def townships_in_order(user: User) -> list[Unit]:
    """The townships the user sees, in unit order (a list page's filter)."""
    return list(townships_for(user).order_by("path"))


def rotation_reminders(user: User, *, on: dt.date) -> tuple[list[Stay], list[Stay]]:
    """(due, upcoming) stays of the user's villages under the rotation years in force
    (`VillageWorkSettings.rotation_years`): the 轮岗提醒 page's two lists, for the home page."""
    years = VillageWorkSettings.current().rotation_years
    return rotation_due(user, on=on, years=years), rotation_upcoming(user, on=on, years=years)
