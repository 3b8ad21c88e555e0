"""驻村工作 views: villagers' requests (群众诉求): list with overdue flags, register, detail with
history, state transitions. Each module owns its `urlpatterns` (merged in villagework/urls.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ganbu.cadres.models import Cadre
from ganbu.core.forms import add_errors
from ganbu.org.access import request_user, requires
from ganbu.org.models import Unit, User
from ganbu.org.permissions import has_capability
from ganbu.org.scoping import filter_in_subtree
from ganbu.villagework.models import (
    Assignment,
    Household,
    RequestCategory,
    RequestStatus,
    VillagerRequest,
)
from ganbu.villagework.selectors.scope import (
    get_log,
    get_request,
    get_village,
    own_only,
    requests_for,
    townships_for,
    villages_for,
)
from ganbu.villagework.services import requests as services
from ganbu.villagework.services.config import get_settings
from ganbu.villagework.views.common import audit_history, page_query

PAGE_SIZE = 50
DATE_ERRORS = {"invalid": "日期格式应为 YYYY-MM-DD"}


def _may_raise(user: User) -> bool:
    return has_capability(user, "villagework.log") or has_capability(user, "villagework.manage")


# --- forms ---------------------------------------------------------------------------------------


class RequestFilterForm(forms.Form):
    township = forms.ModelChoiceField(label="乡镇", queryset=Unit.objects.none(), required=False)
    village = forms.ModelChoiceField(label="村（社区）", queryset=Unit.objects.none(), required=False)
    status = forms.ChoiceField(
        label="状态", choices=[("", "全部"), ("open", "未办结"), *RequestStatus.choices], required=False
    )
    category = forms.ChoiceField(
        label="类别", choices=[("", "全部"), *RequestCategory.choices], required=False
    )
    overdue = forms.BooleanField(label="只看逾期", required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships_for(user).order_by("path")  # type: ignore[attr-defined]
        self.fields["village"].queryset = (  # type: ignore[attr-defined]
            villages_for(user).select_related("parent").order_by("path")
        )

    def apply(self, queryset: QuerySet[VillagerRequest], today: Any) -> QuerySet[VillagerRequest]:
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["township"]:
            queryset = filter_in_subtree(queryset, data["township"], "village")
        if data["village"]:
            queryset = queryset.filter(village=data["village"])
        if data["status"] == "open":
            queryset = queryset.exclude(status=RequestStatus.RESOLVED)
        elif data["status"]:
            queryset = queryset.filter(status=data["status"])
        if data["category"]:
            queryset = queryset.filter(category=data["category"])
        if data["overdue"]:
            queryset = services.overdue(queryset, today)
        return queryset


class RequestForm(forms.Form):
    household = forms.ModelChoiceField(
        label="农户", queryset=Household.objects.none(), required=False, empty_label="不指定农户"
    )
    category = forms.ChoiceField(
        label="类别",
        choices=[("", "请选择"), *RequestCategory.choices],
        error_messages={"required": "请选择诉求类别"},
    )
    description = forms.CharField(
        label="诉求内容",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": "诉求内容不能为空"},
    )
    raised_on = forms.DateField(
        label="提出日期", error_messages={**DATE_ERRORS, "required": "请填写提出日期"}
    )
    due_on = forms.DateField(label="办理期限", required=False, error_messages=DATE_ERRORS)
    cadre = forms.ModelChoiceField(
        label="承办驻村干部", queryset=Cadre.objects.none(), required=False, empty_label="不指定"
    )

    def __init__(self, *args: Any, village: Unit, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = Household.objects.filter(  # type: ignore[attr-defined]
            village=village, is_active=True
        ).order_by("group_name", "head_pinyin", "id")
        today = timezone.localdate()
        current = Assignment.objects.filter(village=village, started_on__lte=today).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=today)
        )
        self.fields["cadre"].queryset = Cadre.objects.filter(  # type: ignore[attr-defined]
            pk__in=current.values("cadre_id")
        ).order_by("name_pinyin")
        if own_only(user):
            del self.fields["cadre"]  # a 驻村干部 registers requests they handle themself


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=RequestStatus.choices, error_messages={"invalid_choice": "未知的诉求状态"})
    resolution = forms.CharField(required=False, max_length=2000)


# --- views -----------------------------------------------------------------------------------------


@requires("villagework.view", kind="list", model=VillagerRequest)
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    today = timezone.localdate()
    form = RequestFilterForm(request.GET or None, user=user)
    queryset = services.order_for_handling(
        form.apply(requests_for(user), today).select_related("village__parent", "household", "cadre")
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    for item in page:
        item.days_overdue = services.days_overdue(item, today)  # type: ignore[attr-defined]
    overdue_total = services.overdue(requests_for(user), today).count()
    context = {
        "form": form,
        "page": page,
        "query": page_query(request),
        "own_only": own_only(user),
        "can_raise": _may_raise(user),
        "overdue_total": overdue_total,
        "today": today,
    }
    return render(request, "villagework/requests/request_list.html", context)


@requires("villagework.view", kind="page")
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
    """Register a request: first pick the village (GET ?village=), or come from a log (?log=)."""
    user = request_user(request)
    if not _may_raise(user):
        raise PermissionDenied("您的角色不能登记群众诉求")
    params = request.POST if request.method == "POST" else request.GET
    source_log = get_log(user, int(params["log"])) if params.get("log", "").isdecimal() else None
    # with villagework.log or .manage, every village the user sees is one they may raise requests in
    villages = list(villages_for(user).select_related("parent").order_by("path"))
    village: Unit | None = None
    if source_log is not None:
        village = source_log.village
    elif params.get("village", "").isdecimal():
        village = get_village(user, int(params["village"]))
    elif len(villages) == 1:
        village = villages[0]
    if village is None:
        return render(request, "villagework/requests/request_pick_village.html", {"villages": villages})
    today = timezone.localdate()
    initial: dict[str, Any] = {"raised_on": source_log.logged_on if source_log else today}
    form = RequestForm(request.POST or None, initial=initial, village=village, user=user)
    if "cadre" in form.fields and form.fields["cadre"].queryset.count() == 1:  # type: ignore[attr-defined]
        form.fields["cadre"].initial = form.fields["cadre"].queryset.first()  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.request_create(
                actor=user,
                village=village,
                category=data["category"],
                description=data["description"],
                household=data["household"],
                due_on=data["due_on"],
                raised_on=data["raised_on"],
                cadre=data.get("cadre"),
                source_log=source_log,
                today=today,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"已登记诉求，办理期限 {item.due_on:%Y-%m-%d}")
            return redirect("villagework:request", pk=item.pk)
    context = {
        "form": form,
        "village": village,
        "villages": villages,
        "source_log": source_log,
        "due_days": get_settings().request_due_days,
        "today": today,
    }
    return render(request, "villagework/requests/request_form.html", context)


@requires("villagework.view", kind="detail", model=VillagerRequest)
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    item = get_request(user, pk)
    today = timezone.localdate()
    history = audit_history(user, "villagework.villagerrequest", item.pk)
    allowed = services.allowed_transitions(item, user)
    context = {
        "item": item,
        "today": today,
        "days_overdue": services.days_overdue(item, today),
        "transitions": [(to, services.TRANSITION_LABELS[RequestStatus(to)]) for to in allowed],
        "resolve_allowed": RequestStatus.RESOLVED in allowed,
        "status_labels": dict(RequestStatus.choices),
        "history": history,
        "is_final": item.status == RequestStatus.RESOLVED,
    }
    return render(request, "villagework/requests/request_detail.html", context)


@requires("villagework.view", kind="action", model=VillagerRequest)
@require_POST
def request_transition(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    item = get_request(user, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "未知的诉求状态")
        return redirect("villagework:request", pk=item.pk)
    to = form.cleaned_data["to"]
    try:
        services.request_transition(
            request=item, to=to, actor=user, resolution=form.cleaned_data["resolution"]
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"诉求状态已改为「{RequestStatus(to).label}」")
    return redirect("villagework:request", pk=item.pk)


urlpatterns: list[URLPattern] = [
    path("requests/", request_list, name="request_list"),
    path("requests/new/", request_create, name="request_create"),
    path("requests/<int:pk>/", request_detail, name="request"),
    path("requests/<int:pk>/transition/", request_transition, name="request_transition"),
]
