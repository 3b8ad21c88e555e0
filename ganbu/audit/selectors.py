"""Reads of the audit log. The audit app sits below `org`, so it knows nothing of users: callers
pass the unit-path prefix of the reader's scope (`org.scoping.scope_path(user)`; None = the whole
county, including events that belong to no unit)."""

from __future__ import annotations

from django.db.models import QuerySet

from ganbu.audit.models import AuditEvent
from ganbu.core.db import prefix_range

__all__ = ["event_for_object_latest", "events_for_object", "events_in_scope"]


def events_in_scope(*, prefix: str | None) -> QuerySet[AuditEvent]:
    """Events about units under `prefix`. Events with no unit (system-wide) are for county-wide
    readers only (prefix None)."""
    qs = AuditEvent.objects.all()
    if prefix is None:
        return qs
    return qs.filter(prefix_range("unit_path", prefix))


def events_for_object(*, prefix: str | None, object_type: str, object_id: str) -> QuerySet[AuditEvent]:
    return (
        events_in_scope(prefix=prefix).filter(object_type=object_type, object_id=object_id).order_by("-seq")
    )


def event_for_object_latest(*, action: str, object_type: str, object_id: str) -> AuditEvent | None:
    """The newest event of `action` about one object, whatever its unit (for integrity checks such
    as a sealed ballot's tally hash, which compare what the chain recorded)."""
    return (
        AuditEvent.objects.filter(action=action, object_type=object_type, object_id=object_id)
        .order_by("-seq")
        .first()
    )
