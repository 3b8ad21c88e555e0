"""Small helpers shared by the 驻村工作 view modules (no views, no urlpatterns here)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def page_query(request: HttpRequest) -> str:
    """The query string without `page`, for the pagination links of a filtered list."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def flash_errors(request: HttpRequest, exc: ValidationError) -> None:
    """A refused action's messages on the next page, one line."""
    messages.error(request, "；".join(exc.messages))
