"""The 记实 page's filters."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from ganbu.audit import catalogue

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": "日期格式应为 2026-01-31"}


def _action_choices() -> list[Any]:
    """Actions grouped by module, in the order of the apps."""
    groups: list[Any] = [("", "全部操作")]
    for app_label, module in catalogue.modules():
        options = [(action, label) for action, label in catalogue.actions(app_label)]
        if options:
            groups.append((module, options))
    return groups


class EventFilterForm(forms.Form):
    module = forms.ChoiceField(label="模块", required=False)
    action = forms.ChoiceField(label="操作", required=False)
    person = forms.CharField(label="操作人", required=False, max_length=50)
    object = forms.CharField(label="对象", required=False, max_length=100)
    start = forms.DateField(label="起始日期", required=False, widget=DATE_INPUT, error_messages=DATE_ERRORS)
    end = forms.DateField(label="截止日期", required=False, widget=DATE_INPUT, error_messages=DATE_ERRORS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        module_field = self.fields["module"]
        action_field = self.fields["action"]
        assert isinstance(module_field, forms.ChoiceField) and isinstance(action_field, forms.ChoiceField)
        module_field.choices = [("", "全部模块"), *catalogue.modules()]
        action_field.choices = _action_choices()
        module_field.error_messages["invalid_choice"] = "没有这个模块"
        action_field.error_messages["invalid_choice"] = "没有这个操作"
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs.setdefault("class", css)
        self.fields["person"].widget.attrs["placeholder"] = "姓名或登录名"
        self.fields["object"].widget.attrs["placeholder"] = "如 干部姓名、单位名称"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: date | None = data.get("start")
        end: date | None = data.get("end")
        if start and end and start > end:
            self.add_error("end", "截止日期不能早于起始日期")
        return data
