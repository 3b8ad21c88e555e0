"""驻村工作 views: assignments (who is stationed where), the cadre's login link, and the rotation
alert list. Each module owns its `urlpatterns` (merged in villagework/urls.py).

Picking the cadre to station: among the cadres the user can see (name, pinyin initials, 身份证号),
plus, for any manager, the active cadre whose *exact* 18-digit 身份证号 is typed even when the
cadre's unit is outside the user's scope: county departments' cadres are stationed in townships'
villages, and the township must be able to record that. Only name and unit of such a cadre are
shown, and only to someone who already knows the full 身份证号."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ganbu.core.forms import add_errors, export_too_large, filters_text
from ganbu.core.listing import Sorts, listing
from ganbu.core.office import XLSX, audited_attachment
from ganbu.org.access import request_user, requires
from ganbu.org.permissions import has_capability
from ganbu.villagework import documents, events
from ganbu.villagework.documents import rotation_filename, rotation_xlsx
from ganbu.villagework.forms import (
    AccountForm,
    AssignmentCreateForm,
    AssignmentFieldsForm,
    AssignmentFilterForm,
    EndForm,
    RotationForm,
)
from ganbu.villagework.models import SIX_ROLES, WORK_METHODS, Assignment, VillageWorkSettings
from ganbu.villagework.selectors.scope import get_assignment, own_only
from ganbu.villagework.selectors.villages import (
    assignment_list as assignments_filtered,
)
from ganbu.villagework.selectors.villages import (
    cadre_candidates,
    get_pickable_cadre,
    linkable_accounts,
    rotation_due,
    rotation_upcoming,
    stay_of,
)
from ganbu.villagework.services import assignments as services
from ganbu.villagework.views.common import flash_errors

# the columns the assignment list sorts by (core.listing); the selector's order by default
ASSIGNMENT_SORTS = Sorts(
    {
        "village": ("village__path", "started_on", "id"),
        "cadre": ("cadre__name_pinyin", "started_on", "id"),
        "role": ("role", "village__path", "id"),
        "started": ("started_on", "id"),
        "ended": ("ended_on", "id"),
    },
    default="",
)


# --- assignments ------------------------------------------------------------------------------


@requires("villagework.view", kind="list", model=Assignment)
@require_GET
def assignment_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    today = timezone.localdate()
    form = AssignmentFilterForm(request.GET or None, user=user)
    assignments = assignments_filtered(user, today=today, **form.filters())
    found = listing(request, assignments, ASSIGNMENT_SORTS)
    context = {
        "form": form,
        "page": found.page,
        "listing": found,
        "query": found.query,
        "today": today,
        "own_only": own_only(user),
        "can_manage": has_capability(user, "villagework.manage"),
    }
    return render(request, "villagework/assignments/assignment_list.html", context)


@requires("villagework.view", kind="export", model=Assignment)
@require_GET
def assignment_export(request: HttpRequest) -> HttpResponse:
    """The list exactly as filtered, to Excel."""
    user = request_user(request)
    today = timezone.localdate()
    form = AssignmentFilterForm(request.GET or None, user=user)
    rows = assignments_filtered(user, today=today, **form.filters())
    if export_too_large(request, rows.count(), documents.LIST_MAX):
        return redirect(f"{reverse('villagework:assignment_list')}?{request.GET.urlencode()}")
    scope = user.scope_unit
    return audited_attachment(
        documents.assignments_xlsx(rows, filters=filters_text(form)),
        f"驻村安排_{today:%Y%m%d}.xlsx",
        XLSX,
        actor=user,
        action=events.ASSIGNMENT_LIST_EXPORT,
        unit_path=scope.path if scope else "",
        payload={"filters": request.GET.dict(), "format": "xlsx"},
    )


@requires("villagework.manage", kind="page")
@require_http_methods(["GET", "POST"])
def assignment_create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    source = request.POST if request.method == "POST" else request.GET
    q = (source.get("q") or "").strip()
    cadre = get_pickable_cadre(user, source["cadre"], q) if source.get("cadre") else None
    form = None
    if cadre is not None:
        initial = {"cadre": cadre.pk, "q": q, "started_on": timezone.localdate()}
        if request.GET.get("village"):
            initial["village"] = request.GET["village"]
        form = AssignmentCreateForm(request.POST or None, initial=initial, user=user)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                assignment = services.assignment_create(
                    cadre=cadre,
                    village=data["village"],
                    role=data["role"],
                    started_on=data["started_on"],
                    ended_on=data["ended_on"],
                    duties=data["duties"],
                    document_number=data["document_number"],
                    note=data["note"],
                    actor=user,
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, f"已安排{cadre.name}驻{assignment.village.name}。")
                return redirect("villagework:assignment", pk=assignment.pk)
    candidates = cadre_candidates(user, q) if q and cadre is None else []
    context = {
        "q": q,
        "cadre": cadre,
        "form": form,
        "candidates": candidates,
        "village_param": request.GET.get("village", ""),
    }
    return render(request, "villagework/assignments/assignment_create.html", context)


@requires("villagework.view", kind="detail", model=Assignment)
@require_GET
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    assignment = get_assignment(user, pk)
    today = timezone.localdate()
    context = {
        "assignment": assignment,
        "stay": stay_of(assignment, on=today),
        "six_roles": SIX_ROLES,
        "work_methods": WORK_METHODS,
        "today": today,
        "is_open": assignment.ended_on is None,
        "can_manage": has_capability(user, "villagework.manage"),
        "end_form": EndForm(initial={"ended_on": today}),
        "account": assignment.cadre.account,
    }
    return render(request, "villagework/assignments/assignment_detail.html", context)


@requires("villagework.manage", kind="action", model=Assignment)
@require_http_methods(["GET", "POST"])
def assignment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    assignment = get_assignment(user, pk)
    initial = {f: getattr(assignment, f) for f in services.EDITABLE_FIELDS}
    form = AssignmentFieldsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            assignment = services.assignment_update(assignment=assignment, actor=user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "已保存驻村安排。")
            return redirect("villagework:assignment", pk=assignment.pk)
    return render(
        request, "villagework/assignments/assignment_edit.html", {"form": form, "assignment": assignment}
    )


@requires("villagework.manage", kind="action", model=Assignment)
@require_POST
def assignment_end(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    assignment = get_assignment(user, pk)
    form = EndForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("villagework:assignment", pk=assignment.pk)
    try:
        services.assignment_end(assignment=assignment, ended_on=form.cleaned_data["ended_on"], actor=user)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, f"已结束{assignment.cadre.name}在{assignment.village.name}的驻村安排。")
    return redirect("villagework:assignment", pk=assignment.pk)


@requires("villagework.manage", kind="action", model=Assignment)
@require_http_methods(["GET", "POST"])
def assignment_link_account(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    assignment = get_assignment(user, pk)
    cadre = assignment.cadre
    choices = linkable_accounts(user, cadre)
    form = AccountForm(
        request.POST or None, choices=choices, initial={"user": cadre.account_id, "new_username": ""}
    )
    if request.method == "POST" and "unlink" in request.POST:
        try:
            services.assignment_link_account(assignment=assignment, actor=user, user=None)
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, f"已解除{cadre.name}与登录账号的关联。")
        return redirect("villagework:assignment", pk=assignment.pk)
    if request.method == "POST" and form.is_valid():
        try:
            linked, password = services.assignment_link_account(
                assignment=assignment,
                actor=user,
                user=form.cleaned_data["user"],
                new_username="" if form.cleaned_data["user"] else form.cleaned_data["new_username"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if password:
                response = render(
                    request,
                    "villagework/assignments/account_created.html",
                    {"assignment": assignment, "linked": linked, "password": password},
                )
                response["Cache-Control"] = "no-store"
                return response
            messages.success(request, f"已将账号 {linked.username if linked else ''} 关联到{cadre.name}。")
            return redirect("villagework:assignment", pk=assignment.pk)
    context = {"form": form, "assignment": assignment, "account": cadre.account, "choices": choices}
    return render(request, "villagework/assignments/account.html", context)


# --- rotation ---------------------------------------------------------------------------------


@requires("villagework.view", kind="list", model=Assignment)
@require_GET
def rotation(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = RotationForm(request.GET or None)
    on = (form.cleaned_data.get("on") if form.is_valid() else None) or timezone.localdate()
    years = VillageWorkSettings.current().rotation_years
    context = {
        "form": form,
        "on": on,
        "years": years,
        "due": rotation_due(user, on=on, years=years),
        "upcoming": rotation_upcoming(user, on=on, years=years),
        "query": request.GET.urlencode(),
    }
    return render(request, "villagework/assignments/rotation.html", context)


@requires("villagework.view", kind="export", model=Assignment)
@require_GET
def rotation_export(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = RotationForm(request.GET or None)
    on = (form.cleaned_data.get("on") if form.is_valid() else None) or timezone.localdate()
    years = VillageWorkSettings.current().rotation_years
    due = rotation_due(user, on=on, years=years)
    upcoming = rotation_upcoming(user, on=on, years=years)
    return audited_attachment(
        rotation_xlsx(on=on, years=years, due=due, upcoming=upcoming),
        rotation_filename(on),
        actor=user,
        action=events.ROTATION_EXPORT,
        unit_path=user.scope_unit.path if user.scope_unit else "",
        payload={"on": on.isoformat(), "due": len(due), "upcoming": len(upcoming)},
    )


urlpatterns: list[URLPattern] = [
    path("assignments/", assignment_list, name="assignment_list"),
    path("assignments/export.xlsx", assignment_export, name="assignment_export"),
    path("assignments/new/", assignment_create, name="assignment_create"),
    path("assignments/<int:pk>/", assignment_detail, name="assignment"),
    path("assignments/<int:pk>/edit/", assignment_edit, name="assignment_edit"),
    path("assignments/<int:pk>/end/", assignment_end, name="assignment_end"),
    path("assignments/<int:pk>/account/", assignment_link_account, name="assignment_link_account"),
    path("rotation/", rotation, name="rotation"),
    path("rotation/export.xlsx", rotation_export, name="rotation_export"),
]
