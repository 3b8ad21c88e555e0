"""选人用人工作检查 - every case of a year the user may see, run through the compliance check (the
same as `manage.py selection check --year Y`), as a table."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET

from ganbu.org.access import request_user, requires
from ganbu.org.selectors import work_calendar
from ganbu.selection import selectors
from ganbu.selection.rules import CODES


@requires("selection.view", kind="page")
@require_GET
def check(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    calendar = work_calendar()
    rows: list[dict[str, Any]] = []
    for case in selectors.cases_of_year(user, year):
        violations, notices = selectors.case_violations(case, calendar=calendar, as_of=today)
        rows.append(
            {
                "case": case,
                "violations": [v for v in violations if not v.reason],
                "excused": [v for v in violations if v.reason],
                "notices": [n for n in notices if n.code != "CALENDAR_GUESSED"],
            }
        )
    context = {
        "year": year,
        "rows": rows,
        "codes": CODES,
        "total": sum(len(r["violations"]) for r in rows),
        "warning": calendar.warning(),
    }
    return render(request, "selection/check.html", context)


urlpatterns: list[URLPattern] = [path("check/", check, name="check")]
