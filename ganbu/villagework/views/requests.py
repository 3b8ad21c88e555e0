"""驻村工作 views: villagers' requests (群众诉求): list with overdue flags, register, detail with
history, state transitions. Each module owns its `urlpatterns` (merged in villagework/urls.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ganbu.core.forms import add_errors, export_too_large, filters_text
from ganbu.core.listing import Sorts, listing
from ganbu.core.office import XLSX, audited_attachment
from ganbu.org.access import request_user, requires
from ganbu.org.models import Unit, User
from ganbu.org.permissions import has_capability
from ganbu.villagework import documents, events
from ganbu.villagework.forms import RequestFilterForm, RequestForm, TransitionForm
from ganbu.villagework.models import RequestStatus, VillagerRequest, VillageWorkSettings
from ganbu.villagework.selectors.history import audit_history
from ganbu.villagework.selectors.requests import (
    days_overdue,
    handling_cadres,
    overdue_count,
)
from ganbu.villagework.selectors.requests import (
    request_list as requests_filtered,
)
from ganbu.villagework.selectors.rights import allowed_transitions
from ganbu.villagework.selectors.scope import get_log, get_request, get_village, own_only
from ganbu.villagework.selectors.villages import village_register, villages_in_order
from ganbu.villagework.services import requests as services
from ganbu.villagework.views.common import flash_errors

# the columns the request list sorts by (core.listing); by default as the selector orders them
# (escalated first, then by due date)
REQUEST_SORTS = Sorts(
    {
        "due": ("due_on", "id"),
        "raised": ("raised_on", "id"),
        "village": ("village__path", "due_on", "id"),
        "status": ("status", "due_on", "id"),
        "category": ("category", "due_on", "id"),
    },
    default="",
)


def _may_raise(user: User) -> bool:
    return has_capability(user, "villagework.log") or has_capability(user, "villagework.manage")


# --- views -----------------------------------------------------------------------------------------


@requires("villagework.view", kind="list", model=VillagerRequest)
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    today = timezone.localdate()
    form = RequestFilterForm(request.GET or None, user=user)
    found = listing(request, requests_filtered(user, today=today, **form.filters()), REQUEST_SORTS)
    page = found.page
    for item in page:
        item.days_overdue = days_overdue(item, today)
    overdue_total = overdue_count(user, today)
    context = {
        "form": form,
        "page": page,
        "query": found.query,
        "listing": found,
        "own_only": own_only(user),
        "can_raise": _may_raise(user),
        "overdue_total": overdue_total,
        "today": today,
    }
    return render(request, "villagework/requests/request_list.html", context)


@requires("villagework.view", kind="export", model=VillagerRequest)
@require_GET
def request_export(request: HttpRequest) -> HttpResponse:
    """The list exactly as filtered, to Excel (at most documents.LIST_MAX rows)."""
    user = request_user(request)
    today = timezone.localdate()
    form = RequestFilterForm(request.GET or None, user=user)
    rows = requests_filtered(user, today=today, **form.filters())
    if export_too_large(request, rows.count(), documents.LIST_MAX):
        return redirect(f"{reverse('villagework:request_list')}?{request.GET.urlencode()}")
    scope = user.scope_unit
    return audited_attachment(
        documents.requests_xlsx(rows, filters=filters_text(form), today=today),
        f"群众诉求_{today:%Y%m%d}.xlsx",
        XLSX,
        actor=user,
        action=events.REQUEST_LIST_EXPORT,
        unit_path=scope.path if scope else "",
        payload={"filters": request.GET.dict(), "format": "xlsx"},
    )


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
    villages = villages_in_order(user)
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
    form = RequestForm(
        request.POST or None,
        initial=initial,
        households=village_register(village),
        # a 驻村干部 registers requests they handle themself
        cadres=None if own_only(user) else handling_cadres(village, today),
    )
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
        "due_days": VillageWorkSettings.current().request_due_days,
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
    allowed = allowed_transitions(item, user)
    context = {
        "item": item,
        "today": today,
        "days_overdue": days_overdue(item, today),
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
        flash_errors(request, exc)
    else:
        messages.success(request, f"诉求状态已改为「{RequestStatus(to).label}」")
    return redirect("villagework:request", pk=item.pk)


urlpatterns: list[URLPattern] = [
    path("requests/", request_list, name="request_list"),
    path("requests/export.xlsx", request_export, name="request_export"),
    path("requests/new/", request_create, name="request_create"),
    path("requests/<int:pk>/", request_detail, name="request"),
    path("requests/<int:pk>/transition/", request_transition, name="request_transition"),
]
