"""Reads for units, teams, posts, code tables, accounts and the holiday calendar: the API other
apps use (`__all__`). Scoped reads start from the user (`org.scoping`); the others are lookups by
code, path or id for commands, imports and the analysis SQL."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from ganbu.core.calendar import WorkCalendar
from ganbu.org.models import (
    TOWNSHIP_KINDS,
    VILLAGE_KINDS,
    CalendarDay,
    CodeItem,
    Post,
    Team,
    Unit,
    UnitKind,
    User,
)
from ganbu.org.scoping import (
    filter_by_scope,
    filter_in_subtree,
    get_in_scope_or_404,
    units_in_scope,
    units_under,
)

__all__ = [
    "account_for_admin",
    "accounts_in_scope",
    "active_code_choices",
    "all_code_names",
    "audit_names",
    "calendar_day_by_pk",
    "calendar_days",
    "code_choices",
    "code_exists",
    "code_groups",
    "code_map",
    "code_name",
    "codes_in_groups",
    "county_root",
    "get_unit_for_user",
    "group_codes",
    "is_only_root",
    "lock_unit",
    "posts_by_pk",
    "posts_in_scope",
    "posts_of_unit_kinds",
    "teams_in_scope",
    "teams_in_subtree",
    "unit_by_code",
    "unit_by_name",
    "unit_by_path",
    "unit_categories",
    "unit_children",
    "unit_list",
    "unit_list_rows",
    "unit_names",
    "unit_posts",
    "unit_teams",
    "units_by_path",
    "units_by_pk",
    "units_exist",
    "units_of_category",
    "user_by_username",
    "user_ids_matching",
    "user_labels",
    "users_by_usernames",
    "users_with_role",
    "work_calendar",
]


def unit_list(*, user: User, kind: str | None = None, parent: Unit | None = None) -> QuerySet[Unit]:
    qs = units_in_scope(user).select_related("parent")
    if kind:
        qs = qs.filter(kind=kind)
    if parent is not None:
        qs = qs.filter(parent=parent)
    return qs.order_by("path")


# the 单位与班子 list's `?kind=` filters, each the set of units a home figure counts
# (home.selectors.dashboard_figures): 乡镇, 村（社区）, 县直部门, and the units with a 领导班子 or
# 核定职数 (the figures 领导班子 and 核定职数 are the totals of that list's columns)
UNIT_LIST_KINDS: dict[str, Q] = {
    "township": Q(kind__in=TOWNSHIP_KINDS),
    "village": Q(kind__in=VILLAGE_KINDS),
    "department": Q(kind=UnitKind.DEPARTMENT),
    "leadership": Q(team_count__gt=0) | Q(post_quota__gt=0),
}


def unit_list_rows(*, prefix: str | None, kind: str = "") -> QuerySet[Unit]:
    """The units of a scope already computed (`scope_path(user)`), in tree order, each with its
    number of teams (`team_count`) and the sum of its posts' quotas (`post_quota`); `kind` is a key
    of UNIT_LIST_KINDS ("" or an unknown key: every unit)."""

    def per_unit(queryset: QuerySet[Team] | QuerySet[Post], total: Count | Sum) -> Coalesce:
        rows = queryset.filter(unit=OuterRef("pk")).order_by().values("unit").annotate(n=total).values("n")
        return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))

    qs = (
        units_under(prefix)
        .annotate(
            team_count=per_unit(Team.objects.all(), Count("id")),
            post_quota=per_unit(Post.objects.all(), Sum("quota")),
        )
        .order_by("path")
        .only("id", "name", "kind", "code", "category", "depth", "households", "path")
    )
    condition = UNIT_LIST_KINDS.get(kind)
    return qs.filter(condition) if condition is not None else qs


def get_unit_for_user(user: User, pk: int) -> Unit:
    """One unit (with its parent), 404 when missing or out of the user's scope."""
    return get_in_scope_or_404(Unit.objects.select_related("parent"), user, unit_field="", pk=pk)


def county_root() -> Unit | None:
    """The root of the unit tree (the county), or None before any unit exists."""
    return Unit.objects.filter(parent__isnull=True).order_by("path").first()


def unit_by_path(path: str) -> Unit:
    """The unit at a materialized path (raises Unit.DoesNotExist)."""
    return Unit.objects.get(path=path)


def unit_children(*, user: User, unit: Unit) -> QuerySet[Unit]:
    return (
        units_in_scope(user)
        .filter(parent=unit)
        .annotate(n_children=Count("children"))
        .order_by("sort_order", "code")
    )


def unit_teams(*, user: User, unit: Unit) -> QuerySet[Team]:
    return filter_by_scope(Team.objects.filter(unit=unit), user).prefetch_related("posts")


def unit_posts(*, user: User, unit: Unit) -> QuerySet[Post]:
    return filter_by_scope(Post.objects.filter(unit=unit), user).select_related("team")


def teams_in_scope(user: User) -> QuerySet[Team]:
    return filter_by_scope(Team.objects.all(), user)


def posts_in_scope(user: User) -> QuerySet[Post]:
    return filter_by_scope(Post.objects.all(), user)


def teams_in_subtree(unit: Unit) -> QuerySet[Team]:
    """The teams of every unit in `unit`'s subtree, whoever asks (callers check scope)."""
    return filter_in_subtree(Team.objects.all(), unit)


def code_map(table_key: str) -> dict[str, str]:
    """code → name for one code table. One small query; call it once per page, not per row."""
    return dict(CodeItem.objects.filter(table__key=table_key).values_list("code", "name"))


def code_name(table_key: str, code: str | None) -> str:
    if not code:
        return ""
    return code_map(table_key).get(code, code)


def active_code_choices() -> dict[str, list[tuple[str, str]]]:
    """Choices of every code table in one query: {table key: [(code, name), ...]} in display order."""
    tables: dict[str, list[tuple[str, str]]] = {}
    rows = CodeItem.objects.filter(is_active=True).order_by("table__key", "sort_order", "code")
    for key, code, name in rows.values_list("table__key", "code", "name"):
        tables.setdefault(key, []).append((code, name))
    return tables


def all_code_names() -> dict[str, dict[str, str]]:
    """{table key: {code: name}} for every table (inactive codes included, for old records)."""
    tables: dict[str, dict[str, str]] = {}
    for key, code, name in CodeItem.objects.values_list("table__key", "code", "name"):
        tables.setdefault(key, {})[code] = name
    return tables


def code_choices(table_key: str, *, blank: bool = True) -> list[tuple[str, str]]:
    items = list(
        CodeItem.objects.filter(table__key=table_key, is_active=True)
        .order_by("sort_order", "code")
        .values_list("code", "name")
    )
    return ([("", "—")] if blank else []) + items


def code_groups(*tables: str) -> dict[str, dict[str, list[str]]]:
    """{table: {group: [codes]}} from the code tables' 归类 (one query)."""
    groups: dict[str, dict[str, list[str]]] = {t: {} for t in tables}
    rows = CodeItem.objects.filter(table__key__in=tables).exclude(group="").order_by("sort_order", "code")
    for table_key, code, group in rows.values_list("table__key", "code", "group"):
        groups[table_key].setdefault(group, []).append(code)
    return groups


def group_codes(table_key: str, group: str) -> list[str]:
    """The codes of one 归类 of a code table (党外, 少数民族 …)."""
    return list(CodeItem.objects.filter(table__key=table_key, group=group).values_list("code", flat=True))


def work_calendar() -> WorkCalendar:
    """The working-day calendar in force: the administrator's 节假日安排 over the holiday package,
    Monday–Friday (with a warning) for years neither knows. One small query; build it once per
    request or command and pass it on."""
    return WorkCalendar(overrides=dict(CalendarDay.objects.values_list("day", "is_workday")))


def calendar_day_by_pk(pk: int) -> CalendarDay | None:
    return CalendarDay.objects.filter(pk=pk).first()


def calendar_days(*, year: int) -> list[CalendarDay]:
    return list(CalendarDay.objects.filter(day__year=year).order_by("day"))


def unit_by_code(code: str) -> Unit | None:
    """The unit with this code, or None (command-line arguments, imports)."""
    return Unit.objects.filter(code=code).first()


def unit_by_name(name: str) -> Unit | None:
    """An active unit by its name, else its short name, else its code (a scheme's 牵头单位)."""
    if not name:
        return None
    return (
        Unit.objects.filter(is_active=True, name=name).first()
        or Unit.objects.filter(is_active=True, short_name=name).first()
        or Unit.objects.filter(code=name).first()
    )


def unit_categories() -> list[tuple[str, int]]:
    """The ranking categories units carry (山区乡镇, 中心镇, 党群部门 …) with their active units."""
    rows = (
        Unit.objects.filter(is_active=True)
        .exclude(category="")
        .values("category")
        .annotate(n=Count("id"))
        .order_by("category")
    )
    return [(r["category"], r["n"]) for r in rows]


def units_of_category(category: str) -> list[Unit]:
    return list(Unit.objects.filter(is_active=True, category=category).order_by("path"))


def units_by_path(paths: Iterable[str]) -> dict[str, Unit]:
    return {u.path: u for u in Unit.objects.filter(path__in=list(paths))}


def unit_names(pks: Iterable[int]) -> dict[int, str]:
    return dict(Unit.objects.filter(pk__in=list(pks)).values_list("pk", "name"))


def audit_names(wanted: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The names of the units ("unit": pk, "unit_code": code) and accounts ("user": pk) audit
    events name (`audit.catalogue.referenced`), one query per kind: {(kind, key): name}."""
    keys: dict[str, set[str]] = {}
    for kind, key in wanted:
        keys.setdefault(kind, set()).add(key)
    units = [int(k) for k in keys.get("unit", ()) if k.isdigit()]
    users = [int(k) for k in keys.get("user", ()) if k.isdigit()]
    found: dict[tuple[str, str], str] = {}
    if units:
        found.update((("unit", str(pk)), name) for pk, name in unit_names(units).items())
    if keys.get("unit_code"):
        rows = Unit.objects.filter(code__in=keys["unit_code"]).values_list("code", "name")
        found.update((("unit_code", code), name) for code, name in rows)
    if users:
        found.update((("user", str(pk)), label) for pk, label in user_labels(users).items())
    return found


def posts_by_pk(pks: Iterable[int]) -> QuerySet[Post]:
    return Post.objects.filter(pk__in=list(pks)).select_related("unit")


def posts_of_unit_kinds(kinds: Iterable[str]) -> QuerySet[Post]:
    """Posts of active units of the kinds (乡镇 - town, township), by unit then the posts' order."""
    return (
        Post.objects.filter(unit__kind__in=list(kinds), unit__is_active=True)
        .select_related("unit")
        .order_by("unit__path", "sort_order", "id")
    )


def units_by_pk(pks: Iterable[int]) -> QuerySet[Unit]:
    return Unit.objects.filter(pk__in=list(pks))


def is_only_root(unit: Unit) -> bool:
    """True when `unit` is the root of the only unit tree (the county)."""
    return (
        unit.parent_id is None and not Unit.objects.filter(parent__isnull=True).exclude(pk=unit.pk).exists()
    )


def units_exist() -> bool:
    return Unit.objects.exists()


def lock_unit(unit: Unit) -> None:
    """Take the row lock of a unit for the rest of the transaction (one writer per village register,
    per team …)."""
    Unit.objects.select_for_update().filter(pk=unit.pk).first()


def user_by_username(username: str) -> User | None:
    return User.objects.filter(username__iexact=username).first()


def users_by_usernames(usernames: Iterable[str]) -> list[User]:
    return list(User.objects.filter(username__in=list(usernames)))


def user_labels(ids: Iterable[int]) -> dict[int, str]:
    """{user id: 「姓名（角色）」} for the 记实 - the person, not the login (the login when the account
    has no name; superusers are 「系统管理员」)."""
    labels = {}
    for user in User.objects.filter(pk__in=set(ids)).only("username", "display_name", "role", "is_superuser"):
        role = "系统管理员" if user.is_superuser else user.get_role_display()
        labels[user.pk] = f"{user.display_name or user.username}（{role}）"
    return labels


def user_ids_matching(text: str) -> list[int]:
    """Accounts whose name or login contains `text` (the 记实's filter by person)."""
    text = text.strip()
    if not text:
        return []
    return list(
        User.objects.filter(Q(display_name__icontains=text) | Q(username__icontains=text)).values_list(
            "pk", flat=True
        )[:200]
    )


def accounts_in_scope(
    user: User, *, q: str = "", role: str = "", active: bool | None = None
) -> QuerySet[User]:
    """The accounts an administrator manages: those scoped within their own scope (all of them for
    a county-wide administrator); system administrators only for system administrators."""
    qs = filter_by_scope(User.objects.select_related("scope_unit"), user, unit_field="scope_unit")
    if not user.is_superuser:
        qs = qs.filter(is_superuser=False)
    if q.strip():
        qs = qs.filter(Q(display_name__icontains=q.strip()) | Q(username__icontains=q.strip()))
    if role:
        qs = qs.filter(role=role)
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.order_by("scope_unit__path", "role", "username")


def account_for_admin(user: User, pk: int) -> User:
    """One account the administrator manages, else 404 (outside the scope is not there)."""
    account = accounts_in_scope(user).filter(pk=pk).first()
    if account is None:
        raise Http404("没有这个账号")
    return account


def users_with_role(role: str) -> QuerySet[User]:
    """Active, non-superuser accounts of one role (callers restrict by scope)."""
    return User.objects.filter(role=role, is_active=True, is_superuser=False)


def code_exists(table_key: str, code: str, *, active_only: bool = True) -> bool:
    qs = CodeItem.objects.filter(table__key=table_key, code=code)
    return (qs.filter(is_active=True) if active_only else qs).exists()


def codes_in_groups(table_key: str, groups: Iterable[str]) -> list[str]:
    """The codes of a code table whose 归类 is one of `groups`."""
    return list(
        CodeItem.objects.filter(table__key=table_key, group__in=list(groups)).values_list("code", flat=True)
    )
