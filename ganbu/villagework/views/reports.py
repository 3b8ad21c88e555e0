"""驻村工作 views: the numbers (overview of a scope, a village, a cadre) and the 驻村蹲点工作记录表
exports. Each module owns its `urlpatterns` (merged in villagework/urls.py).

Definitions of every number are in villagework.selectors.stats. Scope: everything starts from
villagework.selectors.scope; a 驻村干部 sees only their own cadre page and the villages they are
stationed in (and on a village page only their own row of cadres)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.apps import apps
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from ganbu.core.dates import year_period
from ganbu.core.downloads import DOCX, XLSX
from ganbu.core.office import audited_attachment
from ganbu.org.access import request_user, requires
from ganbu.org.models import Unit
from ganbu.org.permissions import has_capability
from ganbu.villagework import events
from ganbu.villagework.documents import record_docx, record_filename, record_xlsx, townships_xlsx
from ganbu.villagework.forms import PeriodForm
from ganbu.villagework.models import VillageWorkSettings
from ganbu.villagework.selectors import stats
from ganbu.villagework.selectors.records import work_record
from ganbu.villagework.selectors.scope import (
    cadre_villages,
    get_stationed_cadre,
    get_village,
    own_cadre,
    own_only,
)
from ganbu.villagework.selectors.villages import cadre_assignments

if TYPE_CHECKING:
    from ganbu.cadres.models import Cadre

# the model the cadre pages expose, named for their access declarations (the registry's table is
# read only through cadres.selectors)
CADRE = apps.get_model("cadres", "Cadre")
OVERDUE_ON_PAGE = 50
UNVISITED_ON_PAGE = 500


# --------------------------------------------------------------------------------------------------
# Period
# --------------------------------------------------------------------------------------------------


def _period(request: HttpRequest, today: date) -> tuple[PeriodForm, date, date]:
    form = PeriodForm(request.GET or None, today=today)
    start, end = form.period()
    return form, start, end


def _period_context(form: PeriodForm, start: date, end: date, today: date) -> dict[str, Any]:
    return {
        "form": form,
        "start": start,
        "end": end,
        "today": today,
        "years": list(range(today.year, today.year - 6, -1)),
        "is_year": (start, end) == year_period(start.year),
        "period_query": urlencode({"start": start.isoformat(), "end": end.isoformat()}),
    }


# --------------------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------------------


def _bar(rows: list[Any], label: Any, numbers: Any) -> dict[str, Any]:
    return {
        "labels": [label(r) for r in rows],
        "coverage": [str(numbers(r).coverage) for r in rows],
        "quota": [str(numbers(r).quota_rate) for r in rows],
    }


@requires("villagework.view", kind="page")
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if own_only(user):
        cadre = own_cadre(user)
        if cadre is not None:
            query = request.GET.urlencode()
            url = f"{reverse_cadre(cadre)}{'?' + query if query else ''}"
            return redirect(url)
        return render(request, "villagework/reports/no_cadre.html", status=200)
    today = timezone.localdate()
    form, start, end = _period(request, today)
    table = stats.township_table(user, start=start, end=end, today=today)
    scope = user.scope_unit
    township_user = (
        scope is not None and scope.is_township and not user.is_superuser and len(table.townships) <= 1
    )
    if township_user:
        chart = _bar(table.villages, lambda r: r.village.name, lambda r: r.numbers)
    else:
        chart = _bar(table.townships, lambda r: r.township.name, lambda r: r.numbers)
    statuses = stats.requests_by_status(user, start=start, end=end)
    overdue = stats.overdue_requests(user, today=today)
    context = {
        **_period_context(form, start, end, today),
        "table": table,
        "totals": table.totals,
        "township_user": township_user,
        "can_export_ranking": has_capability(user, "villagework.manage"),
        "statuses": statuses,
        "overdue": [(r, (today - r.due_on).days) for r in overdue[:OVERDUE_ON_PAGE]],
        "overdue_count": overdue.count(),
        "charts": {
            "coverage": chart,
            "statuses": [{"label": label, "count": n, "status": s} for s, label, n in statuses],
        },
    }
    return render(request, "villagework/reports/overview.html", context)


@requires("villagework.manage", kind="page")
@require_GET
def overview_export(request: HttpRequest) -> HttpResponse:
    """The ranking of townships for the period, to Excel (numbers as numbers). Declared as a page
    like the overview it exports: both show aggregates of the user's scope (stats.township_table)."""
    user = request_user(request)
    today = timezone.localdate()
    _, start, end = _period(request, today)
    table = stats.township_table(user, start=start, end=end, today=today)
    scope = user.scope_unit
    return audited_attachment(
        townships_xlsx(table, period=f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}"),
        f"驻村工作乡镇排名_{start:%Y%m%d}-{end:%Y%m%d}.xlsx",
        XLSX,
        actor=user,
        action=events.OVERVIEW_EXPORT,
        unit_path=scope.path if scope else "",
        payload={"start": start, "end": end, "format": "xlsx"},
    )


def reverse_cadre(cadre: Cadre) -> str:
    return reverse("villagework:cadre_report", kwargs={"pk": cadre.pk})


@requires("villagework.view", kind="detail", model=Unit)
@require_GET
def village_report(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    village = get_village(user, pk)
    today = timezone.localdate()
    form, start, end = _period(request, today)
    quota = VillageWorkSettings.current().weekly_visit_quota
    numbers = stats.village_numbers(village=village, start=start, end=end, today=today, quota=quota)
    assignments = stats.village_assignments(village, start=start, end=end, user=user)
    cadre_rows = [
        (
            a,
            stats.cadre_numbers(
                cadre=a.cadre, village=village, start=start, end=end, today=today, quota=quota
            ),
        )
        for a in assignments
    ]
    points = stats.weekly_points(villages=[village], start=start, end=end, today=today, quota=quota)
    unvisited = stats.unvisited_households(village, start=start, end=end)
    context = {
        **_period_context(form, start, end, today),
        "village": village,
        "own_page": own_only(user),
        "numbers": numbers,
        "cadre_rows": cadre_rows,
        "unvisited": list(unvisited[:UNVISITED_ON_PAGE]),
        "unvisited_count": numbers.households_unvisited,
        "charts": {"weekly": _weekly_chart(points)},
    }
    return render(request, "villagework/reports/village.html", context)


def _weekly_chart(points: list[stats.WeekPoint]) -> dict[str, Any]:
    return {
        "labels": [f"{p.monday:%m-%d}" for p in points],
        "visits": [p.visits for p in points],
        "required": [p.required for p in points],
    }


@requires("villagework.view", kind="detail", model=CADRE)
@require_GET
def cadre_report(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    cadre = get_stationed_cadre(user, pk)
    today = timezone.localdate()
    form, start, end = _period(request, today)
    quota = VillageWorkSettings.current().weekly_visit_quota
    villages = cadre_villages(user, cadre)
    village_list = list(villages)
    per_village, totals = stats.cadre_total(
        cadre=cadre, villages=village_list, start=start, end=end, today=today, quota=quota
    )
    assignments = cadre_assignments(cadre, villages)
    points = stats.weekly_points(
        villages=village_list, cadre=cadre, start=start, end=end, today=today, quota=quota
    )
    timeline = stats.cadre_timeline(cadre, start, end, villages=villages)
    context = {
        **_period_context(form, start, end, today),
        "cadre": cadre,
        "own_page": own_only(user),
        "village_rows": [(v, per_village[v.pk]) for v in village_list],
        "totals": totals,
        "assignments": assignments,
        "timeline": timeline,
        "charts": {
            "weekly": _weekly_chart(points),
            "monthly": {
                "labels": [
                    f"{b.start.month}月" if start.year == end.year else f"{b.start:%Y-%m}"
                    for b in timeline.months
                ],
                "logs": [b.logs for b in timeline.months],
                "visits": [b.visits for b in timeline.months],
                "requests": [b.requests for b in timeline.months],
            },
        },
    }
    return render(request, "villagework/reports/cadre.html", context)


# --------------------------------------------------------------------------------------------------
# 驻村蹲点工作记录表 (Word / Excel)
# --------------------------------------------------------------------------------------------------


def _record(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    user = request_user(request)
    cadre = get_stationed_cadre(user, pk)
    today = timezone.localdate()
    form = PeriodForm(request.GET or None, today=today)
    if form.is_bound and not form.is_valid():
        return HttpResponseBadRequest(
            form.error_text().encode("utf-8"), content_type="text/plain; charset=utf-8"
        )
    start, end = form.period()
    villages = list(cadre_villages(user, cadre))
    record = work_record(user=user, cadre=cadre, villages=villages, start=start, end=end, today=today)
    return audited_attachment(
        record_docx(record) if fmt == "docx" else record_xlsx(record),
        record_filename(record, fmt),
        DOCX if fmt == "docx" else XLSX,
        actor=user,
        action=events.RECORD_EXPORT,
        obj=cadre,
        unit_path=villages[0].path if villages else cadre.unit.path,
        payload={"format": fmt, "start": start.isoformat(), "end": end.isoformat(), "rows": len(record.rows)},
    )


@requires("villagework.view", kind="export", model=CADRE)
@require_GET
def record_docx_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _record(request, pk, "docx")


@requires("villagework.view", kind="export", model=CADRE)
@require_GET
def record_xlsx_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _record(request, pk, "xlsx")


urlpatterns: list[URLPattern] = [
    path("overview/", overview, name="overview"),
    path("overview/export.xlsx", overview_export, name="overview_export"),
    path("villages/<int:pk>/report/", village_report, name="village_report"),
    path("cadres/<int:pk>/", cadre_report, name="cadre_report"),
    path("cadres/<int:pk>/record.docx", record_docx_view, name="record_docx"),
    path("cadres/<int:pk>/record.xlsx", record_xlsx_view, name="record_xlsx"),
]
