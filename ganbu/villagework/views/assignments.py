"""驻村工作 views: assignments (who is stationed where), the cadre's login link, and the rotation
alert list. Each module owns its `urlpatterns` (merged in villagework/urls.py).

Picking the cadre to station: among the cadres the user can see (name, pinyin initials, 身份证号),
plus, for any manager, the active cadre whose *exact* 18-digit 身份证号 is typed even when the
cadre's unit is outside the user's scope: county departments' cadres are stationed in townships'
villages, and the township must be able to record that. Only name and unit of such a cadre are
shown, and only to someone who already knows the full 身份证号."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ganbu.audit.services import record_event
from ganbu.core.downloads import attachment
from ganbu.core.forms import add_errors
from ganbu.org.access import request_user, requires
from ganbu.org.models import Unit, User
from ganbu.org.permissions import has_capability
from ganbu.org.scoping import filter_in_subtree
from ganbu.villagework.models import SIX_ROLES, WORK_METHODS, Assignment, AssignmentRole
from ganbu.villagework.selectors.scope import (
    assignments_for,
    get_assignment,
    own_only,
    townships_for,
    villages_for,
)
from ganbu.villagework.selectors.villages import (
    Stay,
    cadre_candidates,
    current_q,
    get_pickable_cadre,
    rotation_due,
    rotation_upcoming,
    stay_of,
)
from ganbu.villagework.services import assignments as services
from ganbu.villagework.services.config import get_settings
from ganbu.villagework.views.common import page_query

PAGE_SIZE = 50
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# --- forms ------------------------------------------------------------------------------------


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.parent.name} · {obj.name}" if obj.parent_id else obj.name


class BootstrapForm(forms.Form):
    """Renders its widgets with Bootstrap classes (templates use {{ field }})."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.HiddenInput):
                continue
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} {css}".strip()


class AssignmentFieldsForm(BootstrapForm):
    role = forms.ChoiceField(
        label="驻村身份", choices=AssignmentRole.choices, initial=AssignmentRole.STATIONED
    )
    started_on = forms.DateField(
        label="驻村开始",
        widget=DATE_INPUT,
        error_messages={"required": "请填写驻村开始日期", "invalid": "驻村开始日期不正确"},
    )
    ended_on = forms.DateField(
        label="驻村结束（不填表示至今）",
        widget=DATE_INPUT,
        required=False,
        error_messages={"invalid": "驻村结束日期不正确"},
    )
    document_number = forms.CharField(label="派驻文号", required=False, max_length=100)
    duties = forms.CharField(
        label="本村具体任务（六大员之外）",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note = forms.CharField(label="备注", required=False, max_length=200)


class AssignmentCreateForm(AssignmentFieldsForm):
    cadre = forms.IntegerField(widget=forms.HiddenInput)
    q = forms.CharField(widget=forms.HiddenInput, required=False)
    village = VillageChoiceField(
        label="村（社区）", queryset=Unit.objects.none(), error_messages={"required": "请选择村（社区）"}
    )
    field_order = ["village", "role", "started_on", "ended_on", "document_number", "duties", "note"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages_for(user).select_related("parent").order_by("path")  # type: ignore[attr-defined]


class EndForm(BootstrapForm):
    ended_on = forms.DateField(
        label="驻村结束日期（最后一天）",
        widget=DATE_INPUT,
        error_messages={"required": "请填写驻村结束日期", "invalid": "驻村结束日期不正确"},
    )


class AccountForm(BootstrapForm):
    user = forms.ModelChoiceField(
        label="选择已有的驻村干部账号", queryset=User.objects.none(), required=False
    )
    new_username = forms.CharField(label="或新建账号（用户名）", required=False, max_length=150)

    def __init__(self, *args: Any, choices: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        field.queryset = User.objects.filter(pk__in=[u.pk for u in choices]).order_by("username")  # type: ignore[attr-defined]
        field.label_from_instance = lambda u: (  # type: ignore[attr-defined]
            f"{u.username}（{u.display_name or '未填姓名'}，{u.scope_unit.name if u.scope_unit else ''}）"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("user") and not (data.get("new_username") or "").strip():
            raise forms.ValidationError("请选择已有账号，或填写新账号的用户名")
        return data


class ListFilterForm(forms.Form):
    township = forms.ModelChoiceField(
        label="乡镇", queryset=Unit.objects.none(), required=False, empty_label="全部乡镇"
    )
    village = forms.ModelChoiceField(
        label="村（社区）", queryset=Unit.objects.none(), required=False, empty_label="全部村"
    )
    role = forms.ChoiceField(
        label="驻村身份", required=False, choices=[("", "全部身份"), *AssignmentRole.choices]
    )
    state = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("", "在驻"), ("ended", "已结束"), ("upcoming", "未开始"), ("all", "全部")],
    )
    q = forms.CharField(label="干部姓名", required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships_for(user).order_by("path")  # type: ignore[attr-defined]
        self.fields["village"].queryset = villages_for(user).order_by("path")  # type: ignore[attr-defined]

    def apply(self, qs: QuerySet[Assignment], today: dt.date) -> QuerySet[Assignment]:
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("township"):
            qs = filter_in_subtree(qs, data["township"], "village")
        if data.get("village"):
            qs = qs.filter(village=data["village"])
        if data.get("role"):
            qs = qs.filter(role=data["role"])
        state = data.get("state", "")
        if state == "":
            qs = qs.filter(current_q(today))
        elif state == "ended":
            qs = qs.filter(ended_on__lt=today)
        elif state == "upcoming":
            qs = qs.filter(started_on__gt=today)
        q = (data.get("q") or "").strip()
        if q:
            qs = qs.filter(Q(cadre__name__contains=q) | Q(cadre__name_initials__startswith=q.lower()))
        return qs


class RotationForm(BootstrapForm):
    on = forms.DateField(label="截至日期", required=False, widget=DATE_INPUT)


# --- assignments ------------------------------------------------------------------------------


@requires("villagework.view", kind="list", model=Assignment)
@require_GET
def assignment_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    today = timezone.localdate()
    form = ListFilterForm(request.GET or None, user=user)
    qs = form.apply(assignments_for(user), today).select_related("cadre", "village", "village__parent")
    page = Paginator(qs.order_by("village__path", "role", "-started_on", "id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page": page,
        "query": page_query(request),
        "today": today,
        "own_only": own_only(user),
        "can_manage": has_capability(user, "villagework.manage"),
    }
    return render(request, "villagework/assignments/assignment_list.html", context)


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
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已结束{assignment.cadre.name}在{assignment.village.name}的驻村安排。")
    return redirect("villagework:assignment", pk=assignment.pk)


@requires("villagework.manage", kind="action", model=Assignment)
@require_http_methods(["GET", "POST"])
def assignment_link_account(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    assignment = get_assignment(user, pk)
    cadre = assignment.cadre
    choices = services.linkable_accounts(user, cadre)
    form = AccountForm(
        request.POST or None, choices=choices, initial={"user": cadre.account_id, "new_username": ""}
    )
    if request.method == "POST" and "unlink" in request.POST:
        try:
            services.assignment_link_account(assignment=assignment, actor=user, user=None)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
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


def _rotation(request: HttpRequest) -> tuple[RotationForm, dt.date, int, list[Stay], list[Stay]]:
    user = request_user(request)
    form = RotationForm(request.GET or None)
    on = (form.cleaned_data.get("on") if form.is_valid() else None) or timezone.localdate()
    years = get_settings().rotation_years
    return (
        form,
        on,
        years,
        rotation_due(user, on=on, years=years),
        rotation_upcoming(user, on=on, years=years),
    )


@requires("villagework.view", kind="list", model=Assignment)
@require_GET
def rotation(request: HttpRequest) -> HttpResponse:
    form, on, years, due, upcoming = _rotation(request)
    query = request.GET.urlencode()
    context = {"form": form, "on": on, "years": years, "due": due, "upcoming": upcoming, "query": query}
    return render(request, "villagework/assignments/rotation.html", context)


@requires("villagework.view", kind="export", model=Assignment)
@require_GET
def rotation_export(request: HttpRequest) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    user = request_user(request)
    _form, on, years, due, upcoming = _rotation(request)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "轮岗提醒"
    ws.append([f"驻村干部轮岗提醒名单（截至 {on:%Y-%m-%d}，同一村连续驻村满 {years} 年）"])
    ws["A1"].font = Font(bold=True)
    ws.append(["状态", "乡镇", "村（社区）", "干部", "驻村身份", "连续驻村起始", "已驻村（年）", "满期日期"])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for label, stays in (("已满期", due), ("一年内满期", upcoming)):
        for stay in stays:
            ws.append(
                [
                    label,
                    stay.township.name if stay.township else "",
                    stay.village.name,
                    stay.cadre.name,
                    stay.role_label,
                    stay.since,
                    stay.years,
                    stay.due_on,
                ]
            )
    for row in ws.iter_rows(min_row=3):
        for cell in (row[5], row[7]):
            cell.number_format = "yyyy-mm-dd"
    for letter, width in zip("ABCDEFGH", (12, 14, 16, 10, 14, 14, 12, 12), strict=True):
        ws.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    with transaction.atomic():
        record_event(
            actor=user,
            action="villagework.rotation.export",
            unit_path=user.scope_unit.path if user.scope_unit else "",
            payload={"on": on, "due": len(due), "upcoming": len(upcoming)},
        )
    return attachment(buffer.getvalue(), f"驻村轮岗提醒_{on:%Y%m%d}.xlsx")


urlpatterns: list[URLPattern] = [
    path("assignments/", assignment_list, name="assignment_list"),
    path("assignments/new/", assignment_create, name="assignment_create"),
    path("assignments/<int:pk>/", assignment_detail, name="assignment"),
    path("assignments/<int:pk>/edit/", assignment_edit, name="assignment_edit"),
    path("assignments/<int:pk>/end/", assignment_end, name="assignment_end"),
    path("assignments/<int:pk>/account/", assignment_link_account, name="assignment_link_account"),
    path("rotation/", rotation, name="rotation"),
    path("rotation/export.xlsx", rotation_export, name="rotation_export"),
]
