"""年度考核设置 - the county's grading settings (`assessment.configure`, whole county in scope). The
page is core.rulesettings' over every labelled setting; validation and the audit event are in
services.settings.settings_update."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

from ganbu.assessment.conf import grading_settings
from ganbu.assessment.grading.settings import LABELS, GradingSettings
from ganbu.assessment.services import cycles
from ganbu.assessment.services.settings import settings_update
from ganbu.core.rulesettings import settings_view
from ganbu.org.access import request_user, requires


@requires("assessment.configure", kind="page", county_wide=True)
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    return settings_view(
        request,
        defaults=GradingSettings(),
        labels=LABELS,
        current=grading_settings,
        update=lambda values: settings_update(actor=user, values=values),
        template="assessment/settings.html",
        saved="年度考核设置已保存。",
        context={"office": cycles.is_office(user)},
    )


urlpatterns: list[URLPattern] = [path("settings/", settings_page, name="settings")]
