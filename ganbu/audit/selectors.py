from __future__ import annotations

from django.db.models import QuerySet

from ganbu.audit.models import AuditEvent
from ganbu.org.models import User
from ganbu.org.scoping import scope_path


def events_in_scope(*, user: User) -> QuerySet[AuditEvent]:
    """Events about units inside the user's scope. Events with no unit (system-wide) are for
    county-wide users only."""
    prefix = scope_path(user)
    qs = AuditEvent.objects.all()
    if prefix is None:
        return qs
    if prefix == user.scope_unit.path and user.scope_unit.parent_id is None:  # type: ignore[union-attr]
        return qs
    return qs.filter(unit_path__startswith=prefix)


def events_for_object(*, user: User, object_type: str, object_id: str) -> QuerySet[AuditEvent]:
    return events_in_scope(user=user).filter(object_type=object_type, object_id=object_id).order_by("-seq")
