"""Helpers shared by the analysis pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from ganbu.analytics import services
from ganbu.core.office import XLSX, audited_attachment
from ganbu.org.access import request_user
from ganbu.org.models import Unit, User
from ganbu.org.scoping import units_in_scope
from ganbu.org.selectors import county_root, get_unit_for_user

PAGES = {
    "structure": "analytics:structure",
    "compare": "analytics:compare",
    "composition": "analytics:composition",
    "forecast": "analytics:forecast",
}
PEOPLE_ON_PAGE = 500


def scoped_unit(user: User, pk: int) -> Unit:
    return get_unit_for_user(user, pk)


def home_unit(user: User) -> Unit | None:
    if user.scope_unit is not None:
        return user.scope_unit
    return county_root()


def query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def params_with_defaults(request: HttpRequest, **defaults: str) -> Any:
    """The query string with defaults filled in, so forms are always bound (an empty form is valid:
    every field has a default) and show the values used."""
    data = request.GET.copy()
    for key, value in defaults.items():
        if not data.get(key):
            data[key] = value
    return data


def today_iso() -> str:
    return timezone.localdate().isoformat()


def page_context(request: HttpRequest, unit: Unit, page: str, **extra: Any) -> dict[str, Any]:
    user = request_user(request)
    return {
        "unit": unit,
        "page": page,
        "units": units_in_scope(user).exclude(kind__in=["village", "community"]).order_by("path"),
        "query": query_without(request, "format"),
        "can_manage_rules": services.can_manage_rules(user),
        **extra,
    }


def export_response(
    request: HttpRequest,
    unit: Unit,
    *,
    report: str,
    fmt: str,
    content: bytes,
    filename: str,
    content_type: str = XLSX,
) -> HttpResponse:
    """The download of an analysis export, audited (`core.office.audited_attachment`): which report,
    in which format, with which query."""
    return audited_attachment(
        content,
        filename,
        content_type,
        actor=request_user(request),
        action="analytics.export",
        obj=unit,
        unit_path=unit.path,
        payload={"report": report, "format": fmt, "params": request.GET.dict()},
    )
