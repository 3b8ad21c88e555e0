"""选拔任用设置 - the county's numbers of the selection rules (`selection.configure`, whole county in
scope). The page is core.rulesettings' over every labelled setting; validation and the audit event
are in services.settings.settings_update."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

from ganbu.core.rulesettings import settings_view
from ganbu.org.access import request_user, requires
from ganbu.selection.conf import selection_settings
from ganbu.selection.rules.settings import LABELS, SelectionSettings
from ganbu.selection.services.settings import settings_update


@requires("selection.configure", kind="page", county_wide=True)
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    return settings_view(
        request,
        defaults=SelectionSettings(),
        labels=LABELS,
        current=selection_settings,
        update=lambda values: settings_update(actor=user, values=values),
        template="selection/settings.html",
        saved="选拔任用设置已保存。",
    )


urlpatterns: list[URLPattern] = [path("settings/", settings_page, name="settings")]
