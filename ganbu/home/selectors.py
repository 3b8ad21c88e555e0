"""The home pages (工作台) and the 记实, all within the user's scope. Home: which page a role gets,
its figures (units, teams and posts through `org.selectors`, cadres through `cadres.selectors`)
and its to-dos, each read from the app that owns the rule (到龄 from the analytics forecast,
statutory retirement from `cadres`, 轮岗 and overdue requests from `villagework`, ballots from
`ballots`, import jobs from `cadres`); nobody's rule is recomputed here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from ganbu.analytics.selectors import age_cap_forecast
from ganbu.audit import catalogue
from ganbu.audit.catalogue import EventView
from ganbu.audit.selectors import events_in_scope
from ganbu.ballots.selectors import member_entitlements, sessions_to_follow
from ganbu.cadres.selectors import (
    active_cadres_in_scope,
    history_rows,
    import_jobs_to_watch,
    retiring_by,
)
from ganbu.core.dates import months_after
from ganbu.org.models import VILLAGE_KINDS, Role, Unit, UnitKind, User
from ganbu.org.permissions import has_capability
from ganbu.org.scoping import scope_path, units_in_scope
from ganbu.org.selectors import (
    county_root,
    posts_in_scope,
    teams_in_scope,
    user_ids_matching,
)
from ganbu.villagework.selectors import (
    current_stays,
    overdue_requests,
    rotation_reminders,
    township_table,
)

if TYPE_CHECKING:
    from ganbu.analytics.selectors.forecast import ForecastPerson
    from ganbu.audit.models import AuditEvent
    from ganbu.ballots.models import BallotSession, SessionVoter
    from ganbu.cadres.models import Cadre
    from ganbu.cadres.rules import Retirement
    from ganbu.core.models import Job
    from ganbu.villagework.models import VillagerRequest
    from ganbu.villagework.selectors.villages import Stay

# --- the home pages ------------------------------------------------------------------------------

TODO_MONTHS = 6  # 到龄 and statutory retirement: reminded this many months ahead
TODO_ROWS = 5  # rows shown under a to-do (its list page has them all)
RETIRING_ROWS = 20  # statutory retirement has no list page of its own: more rows on the home page
FAILED_JOB_DAYS = 7  # a failed import stays on the to-do list this many days
LEADERS_SHOWN = 60  # a township's own cadres listed on its home page

# the home page of each role; a superuser gets the county's
HOME_KINDS: dict[str, str] = {
    Role.COUNTY: "county",
    Role.TOWNSHIP: "township",
    Role.DEPARTMENT: "department",
    Role.VILLAGE_CADRE: "village_cadre",
    Role.COMMITTEE: "committee",
    Role.SUPERVISION: "supervision",
}


def home_kind(user: User) -> str:
    if user.is_superuser:
        return "county"
    return HOME_KINDS.get(user.role, "supervision")


def scope_root(user: User) -> Unit | None:
    """The root of the user's scope (the county for a superuser without one)."""
    if user.scope_unit is None and user.is_superuser:
        return county_root()
    return user.scope_unit


def dashboard_figures(*, user: User) -> dict[str, Any]:
    units = units_in_scope(user).aggregate(
        townships=Count("id", filter=Q(kind__in=[UnitKind.TOWNSHIP, UnitKind.TOWN])),
        villages=Count("id", filter=Q(kind__in=[UnitKind.VILLAGE, UnitKind.COMMUNITY])),
        departments=Count("id", filter=Q(kind=UnitKind.DEPARTMENT)),
        households=Sum("households"),
    )
    cadres = active_cadres_in_scope(user).aggregate(
        total=Count("id"),
        leaders=Count("id", filter=Q(is_leader=True)),
        women=Count("id", filter=Q(gender="2")),
    )
    return {
        "townships": units["townships"],
        "villages": units["villages"],
        "departments": units["departments"],
        "households": units["households"] or 0,
        "cadres": cadres["total"],
        "leaders": cadres["leaders"],
        "women": cadres["women"],
        "teams": teams_in_scope(user).count(),
        "posts": posts_in_scope(user).aggregate(n=Sum("quota"))["n"] or 0,
    }


@dataclass(frozen=True)
class UnitCount:
    pk: int
    name: str
    kind: str
    cadres: int
    leaders: int
    women: int

    @property
    def kind_label(self) -> str:
        """The group the unit is listed under: 乡镇 (乡 and 镇 together) or its kind."""
        if self.kind in (UnitKind.TOWNSHIP, UnitKind.TOWN):
            return "乡镇"
        return str(UnitKind(self.kind).label)


def cadres_by_child_unit(*, user: User) -> list[UnitCount]:
    """Active cadres, leaders and women per unit directly under the user's scope root (townships
    and departments for the county), each with its subtree. Two queries: the units, and one
    grouped count over the materialized path."""
    root = scope_root(user)
    if root is None:
        return []
    children = list(
        units_in_scope(user)
        .filter(parent=root)
        .exclude(kind__in=VILLAGE_KINDS)
        .order_by("sort_order", "code")
        .values("pk", "name", "kind", "path")
    )
    if not children:
        return []
    depth_prefix = len(root.path)
    counts: dict[str, list[int]] = {}
    rows = (
        active_cadres_in_scope(user)
        .values("unit__path")
        .annotate(
            n=Count("id"),
            leaders=Count("id", filter=Q(is_leader=True)),
            women=Count("id", filter=Q(gender="2")),
        )
        .order_by()
    )
    for row in rows:
        path: str = row["unit__path"]
        rest = path[depth_prefix:]
        if not rest:
            continue
        child_path = path[: depth_prefix + rest.index("/") + 1]
        total = counts.setdefault(child_path, [0, 0, 0])
        total[0] += row["n"]
        total[1] += row["leaders"]
        total[2] += row["women"]
    return [UnitCount(c["pk"], c["name"], c["kind"], *counts.get(c["path"], [0, 0, 0])) for c in children]


@dataclass
class Todos:
    """The to-dos of a home page; None: not for this role (the panel leaves the item out)."""

    horizon: date
    months: int = TODO_MONTHS  # the horizon in months (the 到龄 link: the forecast page's ?months=)
    age_cap: list[ForecastPerson] | None = None  # leaders reaching their post's age cap (已到龄 too)
    age_cap_unit: Unit | None = None  # the unit of the forecast page the item links to
    retiring: list[tuple[Cadre, Retirement, bool]] | None = None  # bool: the month has passed
    rotation_due: list[Stay] | None = None
    rotation_upcoming: list[Stay] | None = None
    overdue_count: int | None = None
    overdue: list[VillagerRequest] = field(default_factory=list)
    ballots: list[BallotSession] | None = None
    jobs: list[Job] | None = None

    @property
    def retiring_hidden(self) -> int:
        """Statutory retirements beyond the RETIRING_ROWS listed."""
        return max(0, len(self.retiring or []) - RETIRING_ROWS)

    @property
    def total(self) -> int:
        """How many things wait (the badge of the panel)."""
        return sum(
            len(items)
            for items in (self.age_cap, self.retiring, self.rotation_due, self.ballots, self.jobs)
            if items
        ) + (self.overdue_count or 0)


def home_todos(*, user: User, today: date) -> Todos:
    """The to-dos of the user's scope that the user's role acts on: 到龄 and statutory retirement
    within TODO_MONTHS (registry editors), 轮岗 due and overdue requests (驻村 managers), ballots
    being voted or waiting to be sealed (organisers), import jobs queued, running or failed in the
    last FAILED_JOB_DAYS days (importers)."""
    todos = Todos(horizon=months_after(today, TODO_MONTHS))
    root = scope_root(user)
    if has_capability(user, "cadres.edit"):
        if root is not None and has_capability(user, "analytics.view"):
            # the list of the forecast page the item links to (?months=TODO_MONTHS), not a copy of it
            forecast = age_cap_forecast(unit=root, as_of=today, years=1, today=today, until=todos.horizon)
            todos.age_cap = list(forecast.people)
            todos.age_cap_unit = root
        this_month = (today.year, today.month)
        todos.retiring = [
            (cadre, retirement, (retirement.year, retirement.month) < this_month)
            for cadre, retirement in retiring_by(user=user, today=today, months=TODO_MONTHS)
        ]
    if has_capability(user, "villagework.manage"):
        todos.rotation_due, todos.rotation_upcoming = rotation_reminders(user, on=today)
        overdue = overdue_requests(user, today=today)
        todos.overdue = list(overdue[:TODO_ROWS])
        todos.overdue_count = overdue.count()
    if has_capability(user, "ballots.manage"):
        todos.ballots = list(sessions_to_follow(user))
    if has_capability(user, "cadres.import"):
        since = timezone.now() - timedelta(days=FAILED_JOB_DAYS)
        todos.jobs = list(import_jobs_to_watch(user, failed_since=since))
    return todos


def township_cadres(*, user: User) -> list[Cadre]:
    """The active cadres of the user's township itself and its organs (not its villages): leaders
    (领导职务) first by level, then the others, each in stroke order; at most LEADERS_SHOWN."""
    return list(
        active_cadres_in_scope(user)
        .exclude(unit__kind__in=VILLAGE_KINDS)
        .select_related("unit")
        .only(
            "id", "name", "gender", "birth_date", "current_title", "current_level", "is_leader", "unit__name"
        )
        .order_by("-is_leader", "current_level", "stroke_key", "id")[:LEADERS_SHOWN]
    )


@dataclass(frozen=True)
class VillageLine:
    village: Unit
    households: int
    households_visited: int
    coverage: Any  # Decimal percent of this year's household coverage (villagework.selectors.stats)
    cadres: list[str]  # the 驻村干部 stationed today
    overdue: int  # requests open past their due date (whenever raised)


def village_lines(*, user: User, today: date) -> list[VillageLine]:
    """Per village of the user's scope: this year's household coverage (the 驻村 numbers), the
    cadres stationed today and the overdue requests. A fixed number of queries."""
    table = township_table(user, year=today.year, today=today)
    stationed: dict[int, list[str]] = {}
    for stay in sorted(current_stays(user, on=today), key=lambda s: (s.since, s.cadre.name)):
        stationed.setdefault(stay.village.pk, []).append(stay.cadre.name)
    overdue = dict(
        overdue_requests(user, today=today)
        .order_by()
        .values("village_id")
        .annotate(n=Count("id"))
        .values_list("village_id", "n")
    )
    return [
        VillageLine(
            village=row.village,
            households=row.numbers.households,
            households_visited=row.numbers.households_visited,
            coverage=row.numbers.coverage,
            cadres=stationed.get(row.village.pk, []),
            overdue=overdue.get(row.village.pk, 0),
        )
        for row in table.villages
    ]


def my_ballots(*, user: User) -> list[SessionVoter]:
    """The member's ballots not yet sealed (「我的表决」)."""
    return list(member_entitlements(user))


@dataclass
class HomePage:
    """What one user's home page shows; the parts of other roles stay empty."""

    kind: str  # HOME_KINDS
    root: Unit | None
    today: date
    figures: dict[str, Any] = field(default_factory=dict)
    capabilities: dict[str, bool] = field(default_factory=dict)
    todos: Todos | None = None
    by_unit: list[UnitCount] = field(default_factory=list)
    leaders: list[Cadre] = field(default_factory=list)
    villages: list[VillageLine] = field(default_factory=list)
    my_ballots: list[SessionVoter] = field(default_factory=list)
    overdue_count: int | None = None  # 纪检: open requests past their due date, to follow


LINK_CAPABILITIES = ("cadres.view", "villagework.view", "audit.view", "analytics.view", "ballots.vote")


def home_page(*, user: User, today: date) -> HomePage:
    """The home page of `user`'s role (a 驻村干部's is 我的驻村: only `kind` is set)."""
    page = HomePage(kind=home_kind(user), root=scope_root(user), today=today)
    if page.kind == "village_cadre":
        return page
    page.figures = dashboard_figures(user=user)
    page.capabilities = {cap.replace(".", "_"): has_capability(user, cap) for cap in LINK_CAPABILITIES}
    if page.kind in ("county", "township", "department"):
        page.todos = home_todos(user=user, today=today)
    if page.kind in ("county", "department", "supervision"):
        page.by_unit = cadres_by_child_unit(user=user)
    if page.kind == "township":
        page.leaders = township_cadres(user=user)
        page.villages = village_lines(user=user, today=today)
    if page.kind == "committee" and has_capability(user, "ballots.vote"):
        page.my_ballots = my_ballots(user=user)
    if page.kind == "supervision" and has_capability(user, "villagework.view"):
        page.overdue_count = overdue_requests(user, today=today).count()
    return page


# --- the 记实 --------------------------------------------------------------------------------------

EXPORT_MAX = 20_000  # rows of one 记实 export


def events_filtered(*, user: User, filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    """The events in `user`'s scope that match the 记实 filters (cleaned data of
    `forms.EventFilterForm`), newest first."""
    qs = events_in_scope(prefix=scope_path(user))
    if filters.get("module"):
        exact, families = catalogue.actions_of_module(filters["module"])
        match = Q(action__in=exact)
        for prefix in families:
            match |= Q(action__startswith=prefix)
        qs = qs.filter(match)
    if filters.get("action"):
        qs = qs.filter(action=filters["action"])
    if filters.get("person"):
        ids = user_ids_matching(filters["person"])
        system = filters["person"].strip() in "系统"
        qs = qs.filter(Q(actor_id__in=ids) | (Q(actor_id__isnull=True) if system else Q(pk__in=[])))
    if filters.get("object"):
        qs = qs.filter(object_label__icontains=filters["object"].strip())
    zone = timezone.get_current_timezone()
    if filters.get("start"):
        qs = qs.filter(created_at__gte=datetime.combine(filters["start"], time.min, tzinfo=zone))
    if filters.get("end"):
        qs = qs.filter(
            created_at__lt=datetime.combine(filters["end"] + timedelta(days=1), time.min, tzinfo=zone)
        )
    return qs.order_by("-seq")


def event_views(*, user: User, events: Iterable[AuditEvent], full: bool = False) -> list[EventView]:
    """Events as `user` reads them, rendered as a cadre's 修改记录 is (`cadres.selectors.history_rows`)."""
    return history_rows(user, events, full=full)
