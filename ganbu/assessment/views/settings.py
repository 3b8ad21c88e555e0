"""年度考核设置: the county's grading settings (`assessment.configure`, whole county in scope). One
form over every labelled setting (core.rulesettings); validation and the audit event are in
services.settings.settings_update."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

from ganbu.assessment.conf import grading_settings
from ganbu.assessment.grading.settings import LABELS, GradingSettings
from ganbu.assessment.services import cycles
from ganbu.assessment.services.settings import settings_update
from ganbu.core.rulesettings import form_rows, posted_values
from ganbu.org.access import request_user, requires


@requires("assessment.configure", kind="page", county_wide=True)
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    defaults = GradingSettings()
    problems: list[str] = []
    if request.method == "POST":
        try:
            settings_update(actor=user, values=posted_values(request.POST, defaults, LABELS))
        except ValidationError as exc:
            problems = exc.messages
        else:
            messages.success(request, "年度考核设置已保存。")
            return redirect("assessment:settings")
    posted = request.POST if problems else None
    context = {
        "rows": form_rows(grading_settings(), defaults, LABELS, posted, problems),
        "problems": problems,
        "office": cycles.is_office(user),
    }
    return render(request, "assessment/settings.html", context, status=400 if problems else 200)


urlpatterns: list[URLPattern] = [path("settings/", settings_page, name="settings")]
