"""Small helpers shared by the 驻村工作 view modules (no views, no urlpatterns here)."""

from __future__ import annotations

from django.http import HttpRequest

from ganbu.audit.models import AuditEvent
from ganbu.audit.selectors import events_for_object
from ganbu.org.models import User
from ganbu.org.scoping import scope_path

HISTORY_SHOWN = 50


def page_query(request: HttpRequest) -> str:
    """The query string without `page`, for the pagination links of a filtered list."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def audit_history(user: User, object_type: str, pk: int) -> list[AuditEvent]:
    """The audit events of one object the user may see, oldest first (the history shown on detail
    pages), read through the audit app's selector."""
    events = events_for_object(prefix=scope_path(user), object_type=object_type, object_id=str(pk))
    return list(events.order_by("seq")[:HISTORY_SHOWN])
