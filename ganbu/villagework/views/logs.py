"""驻村工作 views: the 驻村干部's phone pages (my work, write a log, household search) and the work
logs (list, detail, edit, delete, photos). Each module owns its `urlpatterns` (merged in
villagework/urls.py)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ganbu.core.forms import add_errors, export_too_large, filters_text
from ganbu.core.listing import Sorts, listing
from ganbu.core.office import XLSX, audited_attachment
from ganbu.org.access import request_user, requires
from ganbu.org.models import Unit
from ganbu.org.permissions import has_capability
from ganbu.villagework import documents, events
from ganbu.villagework.forms import LogEditForm, LogFilterForm, LogForm, photo_uploads, request_rows
from ganbu.villagework.models import (
    SIX_ROLES,
    WORK_METHODS,
    Assignment,
    LogKind,
    RequestCategory,
    VillageWorkSettings,
    WorkLog,
)
from ganbu.villagework.selectors import logs as log_selectors
from ganbu.villagework.selectors.history import audit_history
from ganbu.villagework.selectors.requests import days_overdue, open_requests, raised_in_log
from ganbu.villagework.selectors.rights import edit_deadline, edit_right
from ganbu.villagework.selectors.scope import get_assignment, get_log, get_village, own_cadre, own_only
from ganbu.villagework.services import logs as services
from ganbu.villagework.views.common import flash_errors

if TYPE_CHECKING:
    from ganbu.cadres.models import Cadre

# the columns the work-log list sorts by (core.listing); newest first by default
LOG_SORTS = Sorts(
    {
        "date": ("logged_on", "id"),
        "cadre": ("cadre__name_pinyin", "logged_on", "id"),
        "village": ("village__path", "logged_on", "id"),
        "kind": ("kind", "logged_on", "id"),
    },
    default="-date",
)
OPEN_REQUESTS_SHOWN = 30


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _error_dict(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {field: list(msgs) for field, msgs in exc.message_dict.items()}
    return {"__all__": list(exc.messages)}


def _extra_errors(exc: ValidationError, fields: set[str]) -> list[str]:
    """Messages of fields the form does not render (households, requests, photos)."""
    return [m for field, msgs in _error_dict(exc).items() if field not in fields for m in msgs]


def _photos(request: HttpRequest) -> list[bytes]:
    settings = VillageWorkSettings.current()
    return photo_uploads(request.FILES, max_files=settings.photos_per_log, max_kb=settings.photo_max_kb)


# --- the 驻村干部's home ---------------------------------------------------------------------------


@requires("villagework.log", kind="page")
@require_GET
def my_work(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    cadre = own_cadre(user)
    if cadre is None:
        return render(request, "villagework/logs/my_work.html", {"cadre": None})
    today = timezone.localdate()
    assignments = log_selectors.my_assignments(user, cadre, today)
    villages = [a.village for a in assignments]
    recent = log_selectors.recent_logs(user, cadre)
    for log in recent:
        log.right = edit_right(log, user, today)  # type: ignore[attr-defined]
    requests = open_requests(user, villages, limit=OPEN_REQUESTS_SHOWN)
    overdue_count = 0
    for item in requests:
        item.days_overdue = days_overdue(item, today)  # type: ignore[attr-defined]
        overdue_count += 1 if item.days_overdue else 0  # type: ignore[attr-defined]
    context = {
        "cadre": cadre,
        "today": today,
        "assignments": assignments,
        "six_roles": SIX_ROLES,
        "work_methods": WORK_METHODS,
        "week": log_selectors.week_summary(cadre, today),
        "villages": log_selectors.village_summaries(villages, today.year),
        "recent": recent,
        "open_requests": requests,
        "overdue_count": overdue_count,
        "edit_window_days": VillageWorkSettings.current().edit_window_days,
    }
    return render(request, "villagework/logs/my_work.html", context)


# --- writing a log (the phone form) --------------------------------------------------------------


def _log_form_context(
    request: HttpRequest, form: LogForm, villages: QuerySet[Unit], extra_errors: list[str]
) -> dict[str, Any]:
    post = request.POST if request.method == "POST" else None
    rows = request_rows(post) if post is not None else []
    chosen = (
        log_selectors.chosen_households(request_user(request), villages, post.getlist("households"))
        if post is not None
        else []
    )
    return {
        "form": form,
        "villages": list(villages),
        "kinds": LogKind.choices,
        "categories": RequestCategory.choices,
        "household_groups": log_selectors.household_groups(villages),
        "chosen": chosen,
        "request_rows": rows or [{}],
        "extra_errors": extra_errors,
        "settings": VillageWorkSettings.current(),
        "today": timezone.localdate(),
    }


@requires("villagework.log", kind="page")
@require_http_methods(["GET", "POST"])
def log_create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    cadre = own_cadre(user)
    if cadre is None:
        if _wants_json(request):
            return JsonResponse({"ok": False, "errors": {"__all__": ["您的账号未关联干部档案"]}}, status=400)
        messages.error(request, "您的账号还没有关联干部档案，请联系乡镇组织委员关联账号")
        return redirect("villagework:my_work")
    today = timezone.localdate()
    villages = log_selectors.loggable_villages(cadre, user, today)
    if request.method == "GET" and not villages.exists():
        messages.error(request, "您当前没有驻村安排，不能填写工作记录")
        return redirect("villagework:my_work")
    initial: dict[str, Any] = {"logged_on": today}
    if villages.count() == 1:
        initial["village"] = villages.first()

    def saved(log: WorkLog) -> tuple[str, str]:
        visits = log.visits.count()
        message = f"已保存 {log.logged_on:%m月%d日} {log.get_kind_display()}" + (
            f"，走访{visits}户" if visits else ""
        )
        return message, reverse("villagework:my_work")

    return _log_form_page(request, cadre=cadre, villages=villages, initial=initial, saved=saved, today=today)


@requires("villagework.manage", kind="action", model=Assignment)
@require_http_methods(["GET", "POST"])
def log_backfill(request: HttpRequest, pk: int) -> HttpResponse:
    """乡镇补录: the township enters a log for a stationed cadre (e.g. one older than the cadre's own
    edit window), with a required reason; the service audits it as a correction."""
    user = request_user(request)
    assignment = get_assignment(user, pk)
    today = timezone.localdate()
    reason = request.POST.get("reason", "") if request.method == "POST" else ""

    def saved(log: WorkLog) -> tuple[str, str]:
        message = f"已为{assignment.cadre.name}补录 {log.logged_on:%Y-%m-%d} {log.get_kind_display()}"
        return message, reverse("villagework:log", args=[log.pk])

    return _log_form_page(
        request,
        cadre=assignment.cadre,
        villages=log_selectors.village_of(assignment),
        initial={"logged_on": min(today, assignment.ended_on or today), "village": assignment.village},
        saved=saved,
        today=today,
        reason=reason,
        context={
            "heading": f"补录工作记录 · {assignment.cadre.name}",
            "backfill": assignment,
            "form_action": reverse("villagework:log_backfill", args=[assignment.pk]),
            "draft_key": f"vwlog:{user.pk}:backfill:{assignment.pk}",
            "back_url": reverse("villagework:assignment", args=[assignment.pk]),
            "reason": reason,
        },
    )


def _log_form_page(
    request: HttpRequest,
    *,
    cadre: Cadre,
    villages: QuerySet[Unit],
    initial: dict[str, Any],
    saved: Callable[[WorkLog], tuple[str, str]],
    today: date,
    reason: str = "",
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """The log form (phone page, also posted by log.js with fetch and answered in JSON): the
    cadre's own entry and the township's 补录 differ only in who, where and where to go after."""
    form = LogForm(
        request.POST or None,
        initial={"kind": LogKind.VISIT, "client_key": uuid.uuid4().hex, **initial},
        villages=villages,
    )
    extra: list[str] = []
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                log = services.log_create(
                    actor=request_user(request),
                    cadre=cadre,
                    village=data["village"],
                    logged_on=data["logged_on"],
                    kind=data["kind"],
                    content=data["content"],
                    household_ids=request.POST.getlist("households"),
                    requests=request_rows(request.POST),
                    client_key=data["client_key"] or None,
                    photos=_photos(request),
                    reason=reason,
                    today=today,
                )
            except ValidationError as exc:
                if _wants_json(request):
                    return JsonResponse({"ok": False, "errors": _error_dict(exc)}, status=400)
                add_errors(form, exc)
                extra = _extra_errors(exc, set(form.fields))
            else:
                message, url = saved(log)
                messages.success(request, message)
                if _wants_json(request):
                    return JsonResponse({"ok": True, "url": url, "log": log.pk, "message": message})
                return redirect(url)
        elif _wants_json(request):
            return JsonResponse({"ok": False, "errors": form.errors.get_json_data()}, status=400)
    page = _log_form_context(request, form, villages, extra)
    page.update(context or {})
    page["reason_error"] = any("原因" in m for m in extra)
    return render(request, "villagework/logs/log_form.html", page)


@requires("villagework.view", kind="detail", model=Unit)
@require_GET
def household_search(request: HttpRequest, pk: int) -> JsonResponse:
    """Type-ahead for the household picker: by 户主, pinyin initials or full pinyin, or 小组.
    Without a query, households not yet visited this year come first."""
    user = request_user(request)
    village = get_village(user, pk)
    results = log_selectors.household_search(
        user, village, request.GET.get("q", ""), today=timezone.localdate()
    )
    response = JsonResponse({"village": village.pk, "results": results})
    response["Cache-Control"] = "no-store"
    return response


# --- logs: list, detail, edit, delete, photos ---------------------------------------------------


@requires("villagework.view", kind="list", model=WorkLog)
@require_GET
def log_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = LogFilterForm(request.GET or None, user=user, cadres=log_selectors.log_cadres(user))
    logs = log_selectors.log_list(user, **form.filters())
    found = listing(request, logs, LOG_SORTS)
    context = {
        "form": form,
        "page": found.page,
        "listing": found,
        "query": found.query,
        "own_only": own_only(user),
    }
    return render(request, "villagework/logs/log_list.html", context)


@requires("villagework.view", kind="export", model=WorkLog)
@require_GET
def log_export(request: HttpRequest) -> HttpResponse:
    """The list exactly as filtered, to Excel (at most documents.LIST_MAX rows)."""
    user = request_user(request)
    form = LogFilterForm(request.GET or None, user=user, cadres=log_selectors.log_cadres(user))
    logs = log_selectors.log_list(user, **form.filters()).select_related("cadre")
    if export_too_large(request, logs.count(), documents.LIST_MAX):
        return redirect(f"{reverse('villagework:log_list')}?{request.GET.urlencode()}")
    scope = user.scope_unit
    return audited_attachment(
        documents.logs_xlsx(logs, filters=filters_text(form)),
        f"驻村工作记录_{timezone.localdate():%Y%m%d}.xlsx",
        XLSX,
        actor=user,
        action=events.LOG_LIST_EXPORT,
        unit_path=scope.path if scope else "",
        payload={"filters": request.GET.dict(), "format": "xlsx"},
    )


@requires("villagework.view", kind="detail", model=WorkLog)
@require_GET
def log_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    log = get_log(user, pk)
    today = timezone.localdate()
    raised = raised_in_log(user, log)
    for item in raised:
        item.days_overdue = days_overdue(item, today)  # type: ignore[attr-defined]
    context = {
        "log": log,
        "visits": log_selectors.log_visits(log),
        "raised": raised,
        "photos": log_selectors.log_photos(log),
        "right": edit_right(log, user, today),
        "deadline": edit_deadline(log.logged_on),
        "history": audit_history(user, "villagework.worklog", log.pk),
        "can_raise": has_capability(user, "villagework.log") or has_capability(user, "villagework.manage"),
    }
    return render(request, "villagework/logs/log_detail.html", context)


@requires("villagework.view", kind="action", model=WorkLog)
@require_http_methods(["GET", "POST"])
def log_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    log = get_log(user, pk)
    today = timezone.localdate()
    right = edit_right(log, user, today)
    if not right.allowed:
        raise PermissionDenied(right.message)
    initial = {"logged_on": log.logged_on, "kind": log.kind, "content": log.content}
    form = LogEditForm(request.POST or None, initial=initial)
    extra: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.log_update(
                log=log,
                actor=user,
                logged_on=data["logged_on"],
                kind=data["kind"],
                content=data["content"],
                household_ids=request.POST.getlist("households"),
                reason=data["reason"],
                add_photos=_photos(request),
                remove_photo_ids=[int(i) for i in request.POST.getlist("remove_photos") if i.isdecimal()],
                today=today,
            )
        except ValidationError as exc:
            add_errors(form, exc)
            extra = _extra_errors(exc, set(form.fields))
        else:
            messages.success(request, "工作记录已修改")
            return redirect("villagework:log", pk=log.pk)
    if request.method == "POST":
        chosen_ids = request.POST.getlist("households")
    else:
        chosen_ids = log_selectors.log_household_ids(log)
    context = {
        "form": form,
        "log": log,
        "right": right,
        "kinds": LogKind.choices,
        "chosen": log_selectors.chosen_households(user, [log.village_id], chosen_ids),
        "household_groups": log_selectors.household_groups(log_selectors.village_of(log)),
        "search_url": reverse("villagework:household_search", args=[log.village_id]),
        "photos": log_selectors.log_photos(log),
        "extra_errors": extra,
        "settings": VillageWorkSettings.current(),
        "today": today,
    }
    return render(request, "villagework/logs/log_edit.html", context)


@requires("villagework.view", kind="action", model=WorkLog)
@require_POST
def log_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    log = get_log(user, pk)
    try:
        services.log_delete(log=log, actor=user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect("villagework:log", pk=log.pk)
    messages.success(request, "工作记录已删除")
    return redirect("villagework:my_work" if own_only(user) else "villagework:log_list")


@requires("villagework.view", kind="detail", model=WorkLog)
@require_GET
def log_photo(request: HttpRequest, pk: int, photo_id: int) -> HttpResponse:
    """A photo of a log, served through the scope check and never cached."""
    found = log_selectors.photo_content(get_log(request_user(request), pk), photo_id)
    if found is None:
        raise Http404("没有该照片")
    content, content_type = found
    response = HttpResponse(content, content_type=content_type)
    response["Cache-Control"] = "no-store"
    return response


urlpatterns: list[URLPattern] = [
    path("my/", my_work, name="my_work"),
    path("logs/", log_list, name="log_list"),
    path("logs/export.xlsx", log_export, name="log_export"),
    path("logs/new/", log_create, name="log_create"),
    path("assignments/<int:pk>/backfill/", log_backfill, name="log_backfill"),
    path("logs/<int:pk>/", log_detail, name="log"),
    path("logs/<int:pk>/edit/", log_edit, name="log_edit"),
    path("logs/<int:pk>/delete/", log_delete, name="log_delete"),
    path("logs/<int:pk>/photos/<int:photo_id>/", log_photo, name="log_photo"),
    path("villages/<int:pk>/households/search", household_search, name="household_search"),
]
