"""The home page (工作台) of each role (`selectors.home_page`): the county (组织部) and a department
see their figures, each linking to its list, and their to-dos; a township its own cadres, its
villages' 驻村 numbers and its to-dos; a 驻村干部 lands on 我的驻村; a 常委 sees 我的表决; 纪检 their
figures. No chart: every figure is a number or a table row that reads on a 360-px phone."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ganbu.home import selectors
from ganbu.org.access import public, request_user, requires


@requires("org.view", kind="page")
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    page = selectors.home_page(user=request_user(request), today=timezone.localdate())
    if page.kind == "village_cadre":
        return redirect("villagework:my_work")
    context = {
        "page": page,
        "todo_rows": selectors.TODO_ROWS,
        "retiring_rows": selectors.RETIRING_ROWS,
        "leaders_shown": selectors.LEADERS_SHOWN,
        "failed_job_days": selectors.FAILED_JOB_DAYS,
    }
    return render(request, "home/dashboard.html", context)


@public("load balancer health check; reveals nothing but liveness")
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
