"""选拔任用设置: the county's numbers of the selection rules (`selection.configure`, whole county in
scope). One form over every labelled setting (core.rulesettings); validation and the audit event
are in services.settings.settings_update."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

from ganbu.core.rulesettings import form_rows, posted_values
from ganbu.org.access import request_user, requires
from ganbu.selection.conf import selection_settings
from ganbu.selection.rules.settings import LABELS, SelectionSettings
from ganbu.selection.services.settings import settings_update


@requires("selection.configure", kind="page", county_wide=True)
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    defaults = SelectionSettings()
    problems: list[str] = []
    if request.method == "POST":
        try:
            settings_update(actor=user, values=posted_values(request.POST, defaults, LABELS))
        except ValidationError as exc:
            problems = exc.messages
        else:
            messages.success(request, "选拔任用设置已保存。")
            return redirect("selection:settings")
    posted = request.POST if problems else None
    context = {
        "rows": form_rows(selection_settings(), defaults, LABELS, posted, problems),
        "problems": problems,
    }
    return render(request, "selection/settings.html", context, status=400 if problems else 200)


urlpatterns: list[URLPattern] = [path("settings/", settings_page, name="settings")]
