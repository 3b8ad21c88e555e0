"""The 驻村工作 landing page: a 驻村干部 goes straight to their phone log page; others get the
overview (coverage, requests, alerts) of their scope."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from ganbu.org.access import requires
from ganbu.villagework.selectors.scope import own_only


@requires("villagework.view", kind="page")
def index(request: HttpRequest) -> HttpResponse:
    if own_only(request.user):  # type: ignore[arg-type]
        return redirect("villagework:my_work")
    return redirect("villagework:overview")
