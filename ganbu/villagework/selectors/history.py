"""The audit history shown on a record's page, read through the audit app's selector."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ganbu.audit.selectors import events_for_object
from ganbu.org.models import User
from ganbu.org.scoping import scope_path

if TYPE_CHECKING:
    from ganbu.audit.models import AuditEvent

HISTORY_SHOWN = 50


def audit_history(user: User, object_type: str, pk: int) -> list[AuditEvent]:
    """The audit events of one object the user may see, oldest first."""
    events = events_for_object(prefix=scope_path(user), object_type=object_type, object_id=str(pk))
    return list(events.order_by("seq")[:HISTORY_SHOWN])
