"""一人一档 - the selection cases a cadre was a candidate in, with how far each went and why it ended
for them; the registry's cadre page links here through `core.links` (registered in
`selection.apps`)."""

from __future__ import annotations

from django.apps import apps
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from ganbu.cadres import selectors as cadre_selectors
from ganbu.org.access import request_user, requires
from ganbu.selection import selectors

CADRE = apps.get_model("cadres", "Cadre")


@requires("selection.view", kind="detail", model=CADRE)
@require_GET
def cadre_cases(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    cadre = cadre_selectors.get_cadre_for_user(user, pk)
    rows = selectors.cases_of_cadre(user, cadre.pk)
    return render(request, "selection/cadre_cases.html", {"cadre": cadre, "rows": rows})


urlpatterns: list[URLPattern] = [path("cadres/<int:pk>/", cadre_cases, name="cadre_cases")]
