"""班子配备 pages: one unit's teams (posts, holders, 职数 vs 实配, the composition check, 到龄), and the
table of every vacancy and over-quota post in the user's scope with its Excel export (see
analytics/README.md)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from ganbu.analytics.documents import staffing_gaps_title, staffing_gaps_xlsx
from ganbu.analytics.selectors.staffing import (
    GAP_LABELS,
    GapTable,
    staffing_gaps,
    unit_categories,
    unit_staffing,
)
from ganbu.analytics.views.common import export_response, home_unit, query_without, scoped_unit
from ganbu.org.access import request_user, requires
from ganbu.org.models import Post, Unit, User
from ganbu.org.selectors import code_map


class GapFilterForm(forms.Form):
    """The table's filter (a GET form). It lives beside its two views while forms.py is being
    changed by other work of the same issue; it is a plain form and moves there unchanged."""

    category = forms.ChoiceField(label="单位分类", required=False)
    gap = forms.ChoiceField(label="情况", required=False, choices=[("", "空缺和超职数"), *GAP_LABELS.items()])

    def __init__(self, *args: object, categories: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["category"].choices = [("", "全部分类"), *((c, c) for c in categories)]  # type: ignore[attr-defined]


@requires("analytics.view", kind="detail", model=Unit)
@require_GET
def unit_staffing_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    unit = scoped_unit(user, pk)
    today = timezone.localdate()
    staffing = unit_staffing(user=user, unit=unit, on=today, today=today)
    context = {
        "unit": unit,
        "staffing": staffing,
        "level_names": code_map("leadership_level"),
    }
    return render(request, "analytics/staffing_unit.html", context)


def _gap_table(request: HttpRequest, user: User) -> tuple[GapFilterForm, GapTable | None]:
    form = GapFilterForm(request.GET or None, categories=unit_categories(user))
    if request.GET and not form.is_valid():
        return form, None
    data = form.cleaned_data if request.GET else {}
    table = staffing_gaps(
        user=user, on=timezone.localdate(), category=data.get("category", ""), gap=data.get("gap", "")
    )
    return form, table


def _scope_unit(user: User) -> Unit:
    unit = home_unit(user)
    if unit is None:
        raise PermissionDenied("您的账号没有数据范围")
    return unit


@requires("analytics.view", kind="list", model=Post)
@require_GET
def staffing_gaps_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    scope = _scope_unit(user)
    form, table = _gap_table(request, user)
    context = {
        "scope": scope,
        "title": staffing_gaps_title(scope.name),
        "form": form,
        "table": table,
        "level_names": code_map("leadership_level"),
        "query": query_without(request, "page"),
    }
    return render(request, "analytics/staffing_gaps.html", context)


@requires("analytics.view", kind="export", model=Post)
@require_GET
def staffing_gaps_export(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    scope = _scope_unit(user)
    _, table = _gap_table(request, user)
    if table is None:
        messages.error(request, "筛选条件有误，请修改后再导出")
        return redirect(f"{reverse('analytics:staffing_gaps')}?{request.GET.urlencode()}")
    content = staffing_gaps_xlsx(table, scope_name=scope.name, level_names=code_map("leadership_level"))
    return export_response(
        request,
        scope,
        report="staffing_gaps",
        fmt="xlsx",
        content=content,
        filename=f"{scope.name}_班子空缺与超职数_{table.on:%Y%m%d}.xlsx",
    )
