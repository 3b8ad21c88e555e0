"""What the forms share: Bootstrap rendering, date inputs and messages, choice helpers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": "日期格式应为 YYYY-MM-DD", "required": "请填写日期"}


def text(value: Any) -> str:
    return "" if value is None else str(value)


def set_choices(field: forms.Field, queryset: QuerySet[Any]) -> None:
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


class BootstrapForm(forms.Form):
    """Renders its widgets with Bootstrap classes (templates use {{ field }})."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.HiddenInput):
                continue
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} {css}".strip()


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.parent.name} · {obj.name}" if obj.parent_id else obj.name
