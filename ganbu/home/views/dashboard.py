from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ganbu.home.selectors import cadres_by_child_unit, dashboard_figures
from ganbu.org.access import public, requires


@requires("org.view", kind="page")
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    f = dashboard_figures(user=user)  # type: ignore[arg-type]
    stat_cards = [
        ("乡镇", f["townships"]),
        ("村（社区）", f["villages"]),
        ("县直部门", f["departments"]),
        ("农户", f["households"]),
        ("在职干部", f["cadres"]),
        ("领导干部", f["leaders"]),
        ("女干部", f["women"]),
        ("领导班子", f["teams"]),
        ("核定职数", f["posts"]),
    ]
    by_unit = cadres_by_child_unit(user=user)  # type: ignore[arg-type]
    return render(request, "home/dashboard.html", {"stat_cards": stat_cards, "by_unit": by_unit})


@public("load balancer health check; reveals nothing but liveness")
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
