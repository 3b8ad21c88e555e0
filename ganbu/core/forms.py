"""Form helpers shared by the apps' views."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def add_errors(form: forms.Form, exc: ValidationError) -> None:
    """A service's ValidationError onto the form: messages of a field the form has go next to it,
    the others (and errors without a field) to the top of the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


def filters_text(form: forms.Form) -> str:
    """The filters in force on a list, in words, for the title of its export (「乡镇：青山镇；…」);
    choices by their labels (grouped choices too)."""
    if not form.is_bound or not form.is_valid():
        return ""
    parts = []
    for name, value in form.cleaned_data.items():
        if value in (None, "", [], ()):
            continue
        field = form.fields[name]
        choices = _flat_choices(field.choices) if isinstance(field, forms.ChoiceField) else {}
        parts.append(f"{field.label}：{choices.get(value, value)}")
    return "；".join(parts)


def _flat_choices(choices: Any) -> dict[Any, Any]:
    """{value: label} of a field's choices, groups (「测评投票」: [(action, label) …]) opened."""
    flat: dict[Any, Any] = {}
    for value, label in choices:
        if isinstance(label, list | tuple):
            flat.update(dict(label))
        else:
            flat[value] = label
    return flat


def export_too_large(request: HttpRequest, count: int, limit: int) -> bool:
    """An export of more than `limit` rows is refused with the count, on the list page."""
    if count <= limit:
        return False
    messages.error(request, f"筛选结果有 {count} 条，超过一次导出的上限 {limit} 条，请缩小范围")
    return True
