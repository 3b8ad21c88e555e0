"""Small helpers shared by the 驻村工作 view modules (no views, no urlpatterns here)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from ganbu.audit.models import AuditEvent
from ganbu.audit.selectors import events_for_object
from ganbu.org.models import User

HISTORY_SHOWN = 50


def request_user(request: HttpRequest) -> User:
    """The logged-in user (every villagework view is behind `requires`)."""
    return request.user  # type: ignore[return-value]


def add_errors(form: forms.Form, exc: ValidationError) -> None:
    """A service's ValidationError onto the form: messages of a field the form has go next to it,
    the others (and errors without a field) to the top of the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


def page_query(request: HttpRequest) -> str:
    """The query string without `page`, for the pagination links of a filtered list."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def audit_history(user: User, object_type: str, pk: int) -> list[AuditEvent]:
    """The audit events of one object the user may see, oldest first (the history shown on detail
    pages), read through the audit app's selector."""
    events = events_for_object(user=user, object_type=object_type, object_id=str(pk))
    return list(events.order_by("seq")[:HISTORY_SHOWN])
