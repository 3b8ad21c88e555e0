"""The one data-scope mechanism. Every query for scoped data goes through these functions.

A user's scope is the subtree of `user.scope_unit`; superusers see the whole county. Objects are
tied to a unit through a lookup path (e.g. "unit" for a Post, "unit" for a Cadre), and filtering is
a prefix match on the unit's materialized path, written as a range (`core.db.prefix_range`) so that
both SQLite and PostgreSQL answer it from the path index.
"""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404

from ganbu.core.db import prefix_range
from ganbu.org.models import Unit, User

M = TypeVar("M", bound=Model)

NO_SCOPE = "\x00no-scope"  # matches nothing


def scope_path(user: User) -> str | None:
    """The path prefix the user may see; None means everything: a superuser, or a user scoped to
    the root of the only tree (the county), for whom a filter would match every row and only cost
    time on large tables."""
    if not user.is_authenticated or not user.is_active:
        return NO_SCOPE
    if user.is_superuser:
        return None
    if user.scope_unit is None:
        return NO_SCOPE
    if user.scope_unit.parent_id is None:
        roots = list(Unit.objects.filter(parent__isnull=True).values_list("id", flat=True)[:2])
        if roots == [user.scope_unit.pk]:
            return None
    return user.scope_unit.path


def _path_lookup(unit_field: str) -> str:
    """The path column reached by `unit_field`: "unit" → "unit__path"; "" → "path" (Unit itself);
    a field that is itself a stored path (named "…path", e.g. a job's `scope_path`) as it is."""
    if not unit_field:
        return "path"
    return unit_field if unit_field.endswith("path") else f"{unit_field}__path"


def filter_by_scope(queryset: QuerySet[M], user: User, unit_field: str = "unit") -> QuerySet[M]:
    """Restrict `queryset` to rows whose unit (reached via `unit_field`) is in the user's scope.

    `unit_field` is "" when the queryset is of Unit itself, or the name of a stored unit path
    (ending in "path") for rows that keep the path instead of a foreign key (jobs, audit events).
    """
    return filter_by_prefix(queryset, scope_path(user), unit_field)


def filter_by_prefix(queryset: QuerySet[M], prefix: str | None, unit_field: str = "unit") -> QuerySet[M]:
    """`filter_by_scope` for a scope already computed (`scope_path(user)`; None = everything), for
    a view that needs the scope for more than one thing and asks for it once."""
    if prefix is None:
        return queryset
    return queryset.filter(prefix_range(_path_lookup(unit_field), prefix))


def units_in_scope(user: User) -> QuerySet[Unit]:
    return filter_by_scope(Unit.objects.all(), user, unit_field="")


def units_under(prefix: str | None) -> QuerySet[Unit]:
    """The units of a scope already computed (`scope_path(user)`; None = every unit)."""
    return filter_by_prefix(Unit.objects.all(), prefix, unit_field="")


def get_in_scope_or_404(queryset: QuerySet[M], user: User, unit_field: str = "unit", **lookup: object) -> M:
    """Fetch one object, 404 when it does not exist *or* is out of the user's scope (no oracle)."""
    try:
        return filter_by_scope(queryset, user, unit_field).get(**lookup)
    except ObjectDoesNotExist as exc:
        raise Http404("对象不存在或不在您的数据范围内") from exc


def unit_in_scope(user: User, unit: Unit) -> bool:
    prefix = scope_path(user)
    return prefix is None or unit.path.startswith(prefix)


def filter_in_subtree(queryset: QuerySet[M], unit: Unit | str, unit_field: str = "unit") -> QuerySet[M]:
    """Restrict `queryset` to rows whose unit (via `unit_field`; "" for Unit itself) lies in the
    subtree of `unit` (a Unit or its path), whoever asks: for filters a user picks within their
    scope, and for commands that act on a subtree."""
    path = unit if isinstance(unit, str) else unit.path
    return queryset.filter(prefix_range(_path_lookup(unit_field), path))


def units_in_subtree(unit: Unit | str) -> QuerySet[Unit]:
    return filter_in_subtree(Unit.objects.all(), unit, unit_field="")
