"""Small helpers shared by the 驻村工作 view modules (no views, no urlpatterns here)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def page_query(request: HttpRequest) -> str:
    """The query string without `page`, for the pagination links of a filtered list."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def flash_errors(request: HttpRequest, exc: ValidationError) -> None:
    """A refused action's messages on the next page, one line."""
    messages.error(request, "；".join(exc.messages))


def filters_text(form: forms.Form) -> str:
    """The filters in force on a list, in words, for the title of its export (「乡镇：青山镇；…」)."""
    if not form.is_bound or not form.is_valid():
        return ""
    parts = []
    for name, value in form.cleaned_data.items():
        if value in (None, "", [], ()):
            continue
        field = form.fields[name]
        choices = dict(getattr(field, "choices", None) or ()) if isinstance(field, forms.ChoiceField) else {}
        text = choices.get(value, value)
        parts.append(f"{field.label}：{text}")
    return "；".join(parts)


def too_many(request: HttpRequest, count: int, limit: int) -> bool:
    """An export over `limit` rows is refused with the count (the list page says so)."""
    if count <= limit:
        return False
    messages.error(request, f"筛选结果有 {count} 条，超过一次导出的上限 {limit} 条，请缩小范围")
    return True
