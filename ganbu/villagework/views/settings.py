"""驻村工作 views: the county's settings (`villagework.configure`). One page, one form: the
integers (edit window, weekly quota, rotation years, request due days, photo limits), the rater
groups and bundled items (rows of name + weight, with blank rows to add more), the part weights and
the grade thresholds. Validation and the audit event are in services.config.settings_update; its
Chinese messages are shown next to the field or section they name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

from ganbu.org.access import request_user, requires
from ganbu.villagework import scoring
from ganbu.villagework.models import VillageWorkSettings
from ganbu.villagework.services.config import GRADE_CODES, INT_FIELDS, get_settings, settings_update

LIST_FIELDS = {"rater_groups": ("rater", "评议层面"), "bundled_items": ("item", "捆绑考核项目")}
EXTRA_ROWS = 2
MAX_ROWS = 20


def _text(value: Any) -> str:
    return "" if value is None else str(value)


class SettingsForm(forms.Form):
    """All inputs as text: settings_update checks them and names the field in its message."""

    def __init__(self, *args: Any, current: VillageWorkSettings, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        meta = VillageWorkSettings._meta
        for name in INT_FIELDS:
            model_field = meta.get_field(name)
            low, high = INT_FIELDS[name]
            self.fields[name] = forms.CharField(
                label=str(model_field.verbose_name),  # type: ignore[union-attr]
                help_text=f"{model_field.help_text or ''}（{low}–{high}）",  # type: ignore[union-attr]
                initial=getattr(current, name),
                max_length=10,
            )
        self.row_counts: dict[str, int] = {}
        for field, (prefix, _label) in LIST_FIELDS.items():
            rows = list(getattr(current, field))
            posted = self._posted_rows(prefix)
            count = min(max(len(rows) + EXTRA_ROWS, posted), MAX_ROWS)
            self.row_counts[field] = count
            for index in range(count):
                row = rows[index] if index < len(rows) else {}
                self.fields[f"{prefix}_name_{index}"] = forms.CharField(
                    label="名称", required=False, max_length=50, initial=row.get("name", "")
                )
                self.fields[f"{prefix}_weight_{index}"] = forms.CharField(
                    label="权重", required=False, max_length=10, initial=_text(row.get("weight"))
                )
        for part in scoring.PARTS:
            self.fields[f"part_{part}"] = forms.CharField(
                label=f"{scoring.PART_LABELS[part]}得分占比（%）",
                max_length=10,
                initial=_text(current.part_weights.get(part)),
            )
        minimums = {str(t.get("grade")): t.get("min") for t in current.grade_thresholds}
        for grade in GRADE_CODES:
            self.fields[f"threshold_{grade}"] = forms.CharField(
                label=f"{scoring.GRADE_LABELS[grade]}最低分",
                max_length=10,
                initial=_text(minimums.get(grade)),
            )

    def _posted_rows(self, prefix: str) -> int:
        """How many rows a submitted form had (so rows added in the browser are kept on errors)."""
        if not self.is_bound:
            return 0
        indexes = [
            int(key.rsplit("_", 1)[1])
            for key in self.data
            if key.startswith(f"{prefix}_name_") and key.rsplit("_", 1)[1].isdecimal()
        ]
        return max(indexes) + 1 if indexes else 0

    def rows(self, field: str) -> list[dict[str, Any]]:
        prefix = LIST_FIELDS[field][0]
        return [
            {"name": self[f"{prefix}_name_{i}"], "weight": self[f"{prefix}_weight_{i}"]}
            for i in range(self.row_counts[field])
        ]

    def settings_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {name: self.cleaned_data[name].strip() for name in INT_FIELDS}
        for field, (prefix, _label) in LIST_FIELDS.items():
            items = []
            for index in range(self.row_counts[field]):
                name = self.cleaned_data.get(f"{prefix}_name_{index}", "").strip()
                weight = self.cleaned_data.get(f"{prefix}_weight_{index}", "").strip()
                if name or weight:
                    items.append({"name": name, "weight": weight})
            data[field] = items
        data["part_weights"] = {p: self.cleaned_data[f"part_{p}"].strip() for p in scoring.PARTS}
        data["grade_thresholds"] = [
            {"grade": g, "min": self.cleaned_data[f"threshold_{g}"].strip()} for g in GRADE_CODES
        ]
        return data


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


@requires("villagework.configure", kind="page")
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    current = get_settings()
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
        "int_fields": [form[name] for name in INT_FIELDS],
        "rater_rows": form.rows("rater_groups"),
        "item_rows": form.rows("bundled_items"),
        "part_fields": [form[f"part_{p}"] for p in scoring.PARTS],
        "threshold_fields": [form[f"threshold_{g}"] for g in GRADE_CODES],
        "sections": sections,
        "has_errors": bool(sections) or bool(form.errors),
        "settings": current,
    }
    return render(request, "villagework/settings/form.html", context, status=status)


urlpatterns: list[URLPattern] = [
    path("settings/", settings_page, name="settings"),
]
