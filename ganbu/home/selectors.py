"""Dashboard figures, all within the user's scope: units, teams and posts through `org.selectors`,
cadres through `cadres.selectors` (never their tables directly)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, Sum

from ganbu.cadres.selectors import active_cadres_in_scope
from ganbu.org.models import UnitKind, User
from ganbu.org.scoping import units_in_scope
from ganbu.org.selectors import county_root, posts_in_scope, teams_in_scope


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


def cadres_by_child_unit(*, user: User) -> list[dict[str, Any]]:
    """Active cadres per top-level unit under the user's scope root (townships and departments for
    the county; villages for a township). One grouped query over the materialized path."""
    root = user.scope_unit
    if root is None and user.is_superuser:
        root = county_root()
    if root is None:
        return []
    children = list(
        units_in_scope(user).filter(parent=root).order_by("sort_order", "code").values("name", "path")
    )
    if not children:
        return []
    depth_prefix = len(root.path)
    counts: dict[str, int] = {}
    rows = active_cadres_in_scope(user).values("unit__path").annotate(n=Count("id"))
    for row in rows:
        path: str = row["unit__path"]
        rest = path[depth_prefix:]
        if not rest:
            continue
        child_path = path[: depth_prefix + rest.index("/") + 1]
        counts[child_path] = counts.get(child_path, 0) + row["n"]
    return [{"name": c["name"], "count": counts.get(c["path"], 0)} for c in children]
