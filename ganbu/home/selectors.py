"""Dashboard figures, all within the user's scope: units, teams and posts through `org.selectors`,
cadres through `cadres.selectors` (never their tables directly)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from ganbu.audit import catalogue
from ganbu.audit.catalogue import EventView
from ganbu.audit.selectors import events_in_scope
from ganbu.cadres.selectors import active_cadres_in_scope, visible_payload
from ganbu.org.models import UnitKind, User
from ganbu.org.scoping import scope_path, units_in_scope
from ganbu.org.selectors import (
    all_code_names,
    county_root,
    posts_in_scope,
    teams_in_scope,
    user_ids_matching,
    user_labels,
)

if TYPE_CHECKING:
    from ganbu.audit.models import AuditEvent


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
    """Events as `user` reads them: labels, Chinese field names, before → after, the person and
    role who acted; personal data masked for roles without `cadres.view_sensitive`."""
    events = list(events)
    actors = user_labels(e.actor_id for e in events if e.actor_id)
    codes = all_code_names()
    return [
        catalogue.describe(
            e,
            payload=visible_payload(user, e.action, e.payload),
            actor=actors.get(e.actor_id, e.actor_label) if e.actor_id else "系统",
            codes=codes,
            full=full,
        )
        for e in events
    ]
