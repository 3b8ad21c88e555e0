"""驻村工作 views: the villages in scope, a village's page (team + household register), and the
register's maintenance (add, edit, 迁出/注销, restore, delete a mistaken entry, Excel import).

Everyone with `villagework.view` sees the villages of their scope (a 驻村干部 only their own, read
only); `villagework.manage` (township, county) changes the register. Each module owns its
`urlpatterns` (merged in villagework/urls.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ganbu.core.downloads import XLSX, attachment
from ganbu.core.forms import add_errors, filters_text
from ganbu.core.listing import Sorts, listing
from ganbu.core.office import audited_attachment
from ganbu.org.access import request_user, requires
from ganbu.org.models import Unit
from ganbu.org.permissions import has_capability
from ganbu.villagework import documents, events, imports
from ganbu.villagework.forms import HouseholdFilterForm, HouseholdForm, ImportForm, ReasonForm
from ganbu.villagework.models import Household, HouseholdCategory
from ganbu.villagework.selectors.scope import get_household, get_village, own_only
from ganbu.villagework.selectors.villages import (
    group_names,
    household_counts,
    household_has_history,
    townships_in_order,
    village_households,
    village_overview,
    village_team,
    visible_assignment_ids,
)
from ganbu.villagework.services import households as services
from ganbu.villagework.views.common import flash_errors

# the columns the register sorts by (core.listing); by 村民小组 number and pinyin by default
HOUSEHOLD_SORTS = Sorts(
    {
        "group": ("group_order", "group_name", "head_pinyin", "id"),
        "head": ("head_pinyin", "id"),
        "members": ("members", "head_pinyin", "id"),
        "category": ("category", "group_order", "head_pinyin", "id"),
    },
    default="",
)
IMPORT_ERRORS_KEY = "villagework.household_import_errors.{pk}"
SHOWN_IMPORT_ERRORS = 500


# --- villages ---------------------------------------------------------------------------------


@requires("villagework.view", kind="list", model=Unit)
@require_GET
def village_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    townships = townships_in_order(user) if not own_only(user) else []
    township = next((t for t in townships if str(t.pk) == request.GET.get("township")), None)
    groups = village_overview(user, on=timezone.localdate(), township=township)
    context = {
        "groups": groups,
        "townships": townships,
        "township": township,
        "village_count": sum(len(g.villages) for g in groups),
        "can_manage": has_capability(user, "villagework.manage"),
    }
    return render(request, "villagework/households/village_list.html", context)


@requires("villagework.view", kind="detail", model=Unit)
@require_GET
def village(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    village = get_village(user, pk)
    today = timezone.localdate()
    form = HouseholdFilterForm(request.GET or None)
    households = village_households(user, village, **form.filters())
    found = listing(request, households, HOUSEHOLD_SORTS)
    page = found.page
    counts = household_counts(village)
    context = {
        "village": village,
        "team": village_team(village, on=today),
        "visible_assignments": visible_assignment_ids(user, village),
        "form": form,
        "page": page,
        "listing": found,
        "query": found.query,
        "groups": group_names(village),
        "counts": counts,
        "category_counts": [
            (label, counts[value]) for value, label in HouseholdCategory.choices if counts.get(value)
        ],
        "can_manage": has_capability(user, "villagework.manage"),
        "today": today,
    }
    return render(request, "villagework/households/village_detail.html", context)


# --- the register -----------------------------------------------------------------------------


@requires("villagework.view", kind="export", model=Unit)
@require_GET
def household_export(request: HttpRequest, pk: int) -> HttpResponse:
    """A village's register exactly as filtered, to Excel."""
    user = request_user(request)
    village = get_village(user, pk)
    form = HouseholdFilterForm(request.GET or None)
    households = village_households(user, village, **form.filters())
    return audited_attachment(
        documents.households_xlsx(households, village=village.name, filters=filters_text(form)),
        f"{village.name}农户花名册_{timezone.localdate():%Y%m%d}.xlsx",
        XLSX,
        actor=user,
        action=events.HOUSEHOLD_LIST_EXPORT,
        obj=village,
        unit_path=village.path,
        payload={"filters": request.GET.dict(), "format": "xlsx"},
    )


@requires("villagework.manage", kind="action", model=Unit)
@require_http_methods(["GET", "POST"])
def household_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    village = get_village(user, pk)
    form = HouseholdForm(request.POST or None, initial={"category": HouseholdCategory.GENERAL})
    if request.method == "POST" and form.is_valid():
        try:
            household = services.household_create(village=village, actor=user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"已登记农户「{household}」。")
            if "add_another" in request.POST:
                return redirect("villagework:household_create", pk=village.pk)
            return redirect("villagework:village", pk=village.pk)
    return render(
        request,
        "villagework/households/household_form.html",
        {"form": form, "village": village, "household": None},
    )


@requires("villagework.manage", kind="action", model=Household)
@require_http_methods(["GET", "POST"])
def household_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    household = get_household(user, pk)
    initial = {f: getattr(household, f) for f in services.HOUSEHOLD_FIELDS}
    form = HouseholdForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            household = services.household_update(household=household, actor=user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"已保存农户「{household}」。")
            return redirect("villagework:village", pk=household.village_id)
    context = {
        "form": form,
        "village": household.village,
        "household": household,
        "reason_form": ReasonForm(),
        "has_history": household_has_history(household),
    }
    return render(request, "villagework/households/household_form.html", context)


def _state_change(request: HttpRequest, pk: int, service: Any, done: str) -> HttpResponse:
    user = request_user(request)
    household = get_household(user, pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        service(household=household, actor=user, reason=reason)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, f"农户「{household}」{done}。")
    return redirect("villagework:village", pk=household.village_id)


@requires("villagework.manage", kind="action", model=Household)
@require_POST
def household_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _state_change(request, pk, services.household_deactivate, "已注销（迁出），走访和诉求记录保留")


@requires("villagework.manage", kind="action", model=Household)
@require_POST
def household_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _state_change(request, pk, services.household_reactivate, "已恢复在册")


@requires("villagework.manage", kind="action", model=Household)
@require_POST
def household_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    household = get_household(user, pk)
    try:
        services.household_delete(household=household, actor=user)
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect("villagework:household_edit", pk=household.pk)
    messages.success(request, f"已删除误登记的农户「{household}」。")
    return redirect("villagework:village", pk=household.village_id)


# --- Excel import -----------------------------------------------------------------------------


@requires("villagework.manage", kind="page")
@require_GET
def household_template(request: HttpRequest) -> HttpResponse:
    """The empty import template (no data: a download without an audit event)."""
    return attachment(imports.template_xlsx(), "农户花名册导入模板.xlsx")


@requires("villagework.manage", kind="action", model=Unit)
@require_http_methods(["GET", "POST"])
def household_import(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    village = get_village(user, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = imports.import_households(
                upload.read(),
                village=village,
                actor=user,
                filename=upload.name[:200],
                dry_run=form.cleaned_data["dry_run"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            key = IMPORT_ERRORS_KEY.format(pk=village.pk)
            if result.ok:
                request.session.pop(key, None)
                if not result.dry_run:
                    messages.success(request, f"{village.name}{result.summary}。")
                    return redirect("villagework:village", pk=village.pk)
            else:
                request.session[key] = [e.as_dict() for e in result.errors]
    context = {
        "form": form,
        "village": village,
        "result": result,
        "errors": result.errors[:SHOWN_IMPORT_ERRORS] if result else [],
        "max_rows": imports.MAX_ROWS,
        "max_mb": imports.MAX_FILE_BYTES // (1024 * 1024),
    }
    return render(request, "villagework/households/household_import.html", context)


@requires("villagework.manage", kind="export", model=Unit)
@require_GET
def household_import_errors(request: HttpRequest, pk: int) -> HttpResponse:
    """The errors of the user's last refused import into this village, as a workbook (the user's
    own upload echoed back: a download without an audit event)."""
    village = get_village(request_user(request), pk)
    errors = request.session.get(IMPORT_ERRORS_KEY.format(pk=village.pk), [])
    return attachment(imports.error_report_xlsx(errors), f"{village.name}_农户导入错误报告.xlsx")


urlpatterns: list[URLPattern] = [
    path("villages/", village_list, name="village_list"),
    path("villages/<int:pk>/", village, name="village"),
    path("villages/<int:pk>/households/export.xlsx", household_export, name="household_export"),
    path("villages/<int:pk>/households/new/", household_create, name="household_create"),
    path("villages/<int:pk>/households/import/", household_import, name="household_import"),
    path(
        "villages/<int:pk>/households/import/errors.xlsx",
        household_import_errors,
        name="household_import_errors",
    ),
    path("households/template.xlsx", household_template, name="household_template"),
    path("households/<int:pk>/edit/", household_edit, name="household_edit"),
    path("households/<int:pk>/deactivate/", household_deactivate, name="household_deactivate"),
    path("households/<int:pk>/reactivate/", household_reactivate, name="household_reactivate"),
    path("households/<int:pk>/delete/", household_delete, name="household_delete"),
]
