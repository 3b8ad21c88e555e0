"""驻村工作 views: the county's settings (`villagework.configure`). One page, one form: the
integers (edit window, weekly quota, rotation years, request due days, photo limits), the rater
groups and bundled items (rows of name + weight, with blank rows to add more), the part weights and
the grade thresholds. Validation and the audit event are in services.settings.settings_update; its
Chinese messages are shown next to the field or section they name. County-wide: only a user whose
scope is the whole county may change it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

from ganbu.org.access import request_user, requires
from ganbu.villagework import rules
from ganbu.villagework.forms import SettingsForm
from ganbu.villagework.models import VillageWorkSettings
from ganbu.villagework.selectors.evaluation import unfit_warning_percent
from ganbu.villagework.services.settings import settings_update


def _section_errors(exc: ValidationError, form: SettingsForm) -> dict[str, list[str]]:
    """Errors of integer fields go onto the field; list and rule errors to their section."""
    sections: dict[str, list[str]] = {}
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return sections
    for field, errors in exc.message_dict.items():
        if field in form.fields:
            for error in errors:
                form.add_error(field, error)
        else:
            sections.setdefault(field, []).extend(errors)
    return sections


@requires("villagework.configure", kind="page", county_wide=True)
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    current = VillageWorkSettings.current()
    form = SettingsForm(request.POST or None, current=current)
    sections: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                settings_update(actor=user, **form.settings_data())
            except ValidationError as exc:
                sections = _section_errors(exc, form)
            else:
                messages.success(request, "驻村工作设置已保存。已发起的年度考核仍按发起时的规则计分。")
                return redirect("villagework:settings")
        status = 400
    context = {
        "form": form,
        "int_fields": [form[name] for name in rules.SETTING_RANGES],
        "rater_rows": form.rows("rater_groups"),
        "item_rows": form.rows("bundled_items"),
        "part_fields": [form[f"part_{p}"] for p in rules.PARTS],
        "threshold_fields": [form[f"threshold_{g}"] for g in rules.GRADE_CODES],
        "sections": sections,
        "has_errors": bool(sections) or bool(form.errors),
        "settings": current,
        "unfit_percent": unfit_warning_percent(),  # the ballot engine's, stated next to the grades
    }
    return render(request, "villagework/settings/form.html", context, status=status)


urlpatterns: list[URLPattern] = [
    path("settings/", settings_page, name="settings"),
]
