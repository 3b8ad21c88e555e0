"""驻村工作 views: the 驻村干部's phone pages (my work, write a log, household search) and the work
logs (list, detail, edit, delete, photos). Each module owns its `urlpatterns` (merged in
villagework/urls.py)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ganbu.cadres.models import Cadre
from ganbu.core.forms import add_errors
from ganbu.org.access import request_user, requires
from ganbu.org.models import Unit, User
from ganbu.org.permissions import has_capability
from ganbu.org.scoping import filter_in_subtree
from ganbu.villagework.models import (
    OPEN_REQUEST_STATUSES,
    SIX_ROLES,
    WORK_METHODS,
    Assignment,
    Household,
    LogKind,
    RequestCategory,
    Visit,
    WorkLog,
)
from ganbu.villagework.selectors.scope import (
    get_assignment,
    get_log,
    get_village,
    households_for,
    logs_for,
    own_cadre,
    own_only,
    requests_for,
    townships_for,
    villages_for,
)
from ganbu.villagework.services import logs as services
from ganbu.villagework.services.config import get_settings
from ganbu.villagework.services.requests import days_overdue, order_for_handling
from ganbu.villagework.views.common import audit_history, page_query

PAGE_SIZE = 50


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _error_dict(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {field: list(msgs) for field, msgs in exc.message_dict.items()}
    return {"__all__": list(exc.messages)}


def _extra_errors(exc: ValidationError, fields: set[str]) -> list[str]:
    """Messages of fields the form does not render (households, requests, photos)."""
    return [m for field, msgs in _error_dict(exc).items() if field not in fields for m in msgs]


# --- forms ---------------------------------------------------------------------------------------

DATE_ERRORS = {"invalid": "日期格式应为 YYYY-MM-DD", "required": "请填写日期"}


class LogForm(forms.Form):
    logged_on = forms.DateField(label="日期", error_messages=DATE_ERRORS)
    village = forms.ModelChoiceField(
        label="村（社区）",
        queryset=Unit.objects.none(),
        empty_label=None,
        error_messages={"required": "请选择村", "invalid_choice": "请选择您驻的村"},
    )
    kind = forms.ChoiceField(
        label="工作类型",
        choices=LogKind.choices,
        initial=LogKind.VISIT,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择工作类型", "invalid_choice": "请选择工作类型"},
    )
    content = forms.CharField(label="工作内容", required=False, widget=forms.Textarea)
    client_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args: Any, villages: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        village_field = self.fields["village"]
        assert isinstance(village_field, forms.ModelChoiceField)
        village_field.queryset = villages


class LogEditForm(forms.Form):
    logged_on = forms.DateField(label="日期", error_messages=DATE_ERRORS)
    kind = forms.ChoiceField(
        label="工作类型",
        choices=LogKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择工作类型", "invalid_choice": "请选择工作类型"},
    )
    content = forms.CharField(label="工作内容", required=False, widget=forms.Textarea)
    reason = forms.CharField(label="修改原因", required=False, max_length=500, widget=forms.Textarea)


class LogFilterForm(forms.Form):
    township = forms.ModelChoiceField(label="乡镇", queryset=Unit.objects.none(), required=False)
    village = forms.ModelChoiceField(label="村（社区）", queryset=Unit.objects.none(), required=False)
    cadre = forms.ModelChoiceField(label="驻村干部", queryset=Cadre.objects.none(), required=False)
    kind = forms.ChoiceField(label="工作类型", choices=[("", "全部"), *LogKind.choices], required=False)
    start = forms.DateField(label="起始日期", required=False, error_messages=DATE_ERRORS)
    end = forms.DateField(label="截止日期", required=False, error_messages=DATE_ERRORS)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        villages = villages_for(user).select_related("parent").order_by("path")
        self.fields["township"].queryset = townships_for(user).order_by("path")  # type: ignore[attr-defined]
        self.fields["village"].queryset = villages  # type: ignore[attr-defined]
        self.fields["cadre"].queryset = (  # type: ignore[attr-defined]
            Cadre.objects.filter(pk__in=logs_for(user).values("cadre_id")).order_by("name_pinyin", "id")
        )

    def apply(self, queryset: QuerySet[WorkLog]) -> QuerySet[WorkLog]:
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["township"]:
            queryset = filter_in_subtree(queryset, data["township"], "village")
        if data["village"]:
            queryset = queryset.filter(village=data["village"])
        if data["cadre"]:
            queryset = queryset.filter(cadre=data["cadre"])
        if data["kind"]:
            queryset = queryset.filter(kind=data["kind"])
        if data["start"]:
            queryset = queryset.filter(logged_on__gte=data["start"])
        if data["end"]:
            queryset = queryset.filter(logged_on__lte=data["end"])
        return queryset


def _request_rows(post: Any) -> list[dict[str, Any]]:
    """The requests raised inline in the log form (parallel lists); blank rows are skipped."""
    categories = post.getlist("req_category")
    descriptions = post.getlist("req_description")
    households = post.getlist("req_household")
    rows = []
    for index, description in enumerate(descriptions):
        category = categories[index] if index < len(categories) else ""
        household = households[index] if index < len(households) else ""
        if not description.strip() and not category:
            continue
        rows.append({"category": category, "description": description, "household_id": household or None})
    return rows


def _photos(request: HttpRequest, max_files: int) -> list[bytes]:
    files = [f for f in request.FILES.getlist("photos") if f.size]
    if len(files) > max_files:
        raise ValidationError({"photos": f"每条记录最多{max_files}张照片"}, code="photo_count")
    limit = get_settings().photo_max_kb * 1024
    for index, upload in enumerate(files, start=1):
        if upload.size and upload.size > limit:  # refuse before reading it into memory
            raise ValidationError(
                {
                    "photos": f"第{index}张照片为{upload.size // 1024}KB，超过{limit // 1024}KB的上限，请压缩后再上传"
                },
                code="photo_too_large",
            )
    return [f.read() for f in files]


def _household_options(villages: QuerySet[Unit]) -> list[dict[str, Any]]:
    """Households of the villages grouped by village and 小组, for the no-JavaScript form."""
    groups: dict[tuple[int, str], dict[str, Any]] = {}
    households = Household.objects.filter(village__in=villages, is_active=True).select_related("village")
    for household in households.order_by("village__name", "group_name", "head_pinyin", "id"):
        key = (household.village_id, household.group_name)
        group = groups.setdefault(
            key,
            {"village": household.village, "group": household.group_name or "未分组", "households": []},
        )
        group["households"].append(household)
    return list(groups.values())


def _chips(households: QuerySet[Household], household_ids: list[str]) -> list[dict[str, Any]]:
    """The households chosen in a (re-shown) form, taken only from `households` (the user's scoped
    register), so an id typed into the POST body never echoes another village's household."""
    ids = [int(i) for i in household_ids if str(i).isdecimal()]
    return [{"id": h.pk, "label": str(h)} for h in households.filter(pk__in=ids).order_by("group_name", "id")]


# --- the 驻村干部's home ---------------------------------------------------------------------------


@requires("villagework.log", kind="page")
@require_GET
def my_work(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    cadre = own_cadre(user)
    if cadre is None:
        return render(request, "villagework/logs/my_work.html", {"cadre": None})
    today = timezone.localdate()
    assignments = list(services.current_assignments(cadre, today).filter(village__in=villages_for(user)))
    villages = [a.village for a in assignments]
    recent = list(
        logs_for(user)
        .filter(cadre=cadre)
        .annotate(visit_count=Count("visits"))
        .order_by("-logged_on", "-id")[:10]
    )
    for log in recent:
        log.right = services.edit_right(log, user, today)  # type: ignore[attr-defined]
    open_requests = list(
        order_for_handling(requests_for(user).filter(village__in=villages, status__in=OPEN_REQUEST_STATUSES))[
            :30
        ]
    )
    overdue_count = 0
    for item in open_requests:
        item.days_overdue = days_overdue(item, today)  # type: ignore[attr-defined]
        overdue_count += 1 if item.days_overdue else 0  # type: ignore[attr-defined]
    context = {
        "cadre": cadre,
        "today": today,
        "assignments": assignments,
        "six_roles": SIX_ROLES,
        "work_methods": WORK_METHODS,
        "week": services.week_summary(cadre, today),
        "villages": services.village_summaries(villages, today.year),
        "recent": recent,
        "open_requests": open_requests,
        "overdue_count": overdue_count,
        "edit_window_days": get_settings().edit_window_days,
    }
    return render(request, "villagework/logs/my_work.html", context)


# --- writing a log (the phone form) --------------------------------------------------------------


def _log_form_context(
    request: HttpRequest, form: LogForm, villages: QuerySet[Unit], extra_errors: list[str]
) -> dict[str, Any]:
    settings = get_settings()
    post = request.POST if request.method == "POST" else None
    request_rows = _request_rows(post) if post is not None else []
    return {
        "form": form,
        "villages": list(villages),
        "kinds": LogKind.choices,
        "categories": RequestCategory.choices,
        "household_groups": _household_options(villages),
        "chosen": _chips(
            households_for(request_user(request)).filter(village__in=villages), post.getlist("households")
        )
        if post is not None
        else [],
        "request_rows": request_rows or [{}],
        "extra_errors": extra_errors,
        "settings": settings,
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
    villages = services.loggable_villages(cadre, user, today)
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
        villages=Unit.objects.filter(pk=assignment.village_id),
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
                    requests=_request_rows(request.POST),
                    client_key=data["client_key"] or None,
                    photos=_photos(request, get_settings().photos_per_log),
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
    today = timezone.localdate()
    queryset = households_for(user).filter(village=village, is_active=True)
    q = request.GET.get("q", "")
    if q.strip():
        matches = list(services.households_matching(queryset, q)[: services.SEARCH_LIMIT])
    else:
        seen = Visit.objects.filter(village=village, visited_on__year=today.year).values("household_id")
        matches = list(queryset.exclude(pk__in=seen)[: services.SEARCH_LIMIT])
        if len(matches) < services.SEARCH_LIMIT:
            matches += list(queryset.filter(pk__in=seen)[: services.SEARCH_LIMIT - len(matches)])
    visited = services.visited_ids([h.pk for h in matches], today.year)
    results = [
        {
            "id": h.pk,
            "head_name": h.head_name,
            "group_name": h.group_name,
            "category": h.category,
            "category_label": h.get_category_display(),
            "visited": h.pk in visited,
        }
        for h in matches
    ]
    response = JsonResponse({"village": village.pk, "results": results})
    response["Cache-Control"] = "no-store"
    return response


# --- logs: list, detail, edit, delete, photos ---------------------------------------------------


@requires("villagework.view", kind="list", model=WorkLog)
@require_GET
def log_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = LogFilterForm(request.GET or None, user=user)
    logs = (
        form.apply(logs_for(user))
        .select_related("village__parent")
        .annotate(visit_count=Count("visits", distinct=True), request_count=Count("requests", distinct=True))
        .order_by("-logged_on", "-id")
    )
    page = Paginator(logs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "query": page_query(request), "own_only": own_only(user)}
    return render(request, "villagework/logs/log_list.html", context)


@requires("villagework.view", kind="detail", model=WorkLog)
@require_GET
def log_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    log = get_log(user, pk)
    today = timezone.localdate()
    visits = log.visits.select_related("household").order_by(
        "household__group_name", "household__head_pinyin"
    )
    raised = list(requests_for(user).filter(source_log=log).order_by("id"))
    for item in raised:
        item.days_overdue = days_overdue(item, today)  # type: ignore[attr-defined]
    context = {
        "log": log,
        "visits": visits,
        "raised": raised,
        "photos": log.photos.all(),
        "right": services.edit_right(log, user, today),
        "deadline": services.edit_deadline(log.logged_on),
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
    right = services.edit_right(log, user, today)
    if not right.allowed:
        raise PermissionDenied(right.message)
    initial = {"logged_on": log.logged_on, "kind": log.kind, "content": log.content}
    form = LogEditForm(request.POST or None, initial=initial)
    extra: list[str] = []
    current_ids = [str(i) for i in log.visits.values_list("household_id", flat=True)]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            photos = _photos(request, get_settings().photos_per_log)
            services.log_update(
                log=log,
                actor=user,
                logged_on=data["logged_on"],
                kind=data["kind"],
                content=data["content"],
                household_ids=request.POST.getlist("households"),
                reason=data["reason"],
                add_photos=photos,
                remove_photo_ids=[int(i) for i in request.POST.getlist("remove_photos") if i.isdecimal()],
                today=today,
            )
        except ValidationError as exc:
            add_errors(form, exc)
            extra = _extra_errors(exc, set(form.fields))
        else:
            messages.success(request, "工作记录已修改")
            return redirect("villagework:log", pk=log.pk)
    chosen_ids = request.POST.getlist("households") if request.method == "POST" else current_ids
    villages = Unit.objects.filter(pk=log.village_id)
    context = {
        "form": form,
        "log": log,
        "right": right,
        "kinds": LogKind.choices,
        "chosen": _chips(households_for(user).filter(village_id=log.village_id), chosen_ids),
        "household_groups": _household_options(villages),
        "search_url": reverse("villagework:household_search", args=[log.village_id]),
        "photos": log.photos.all(),
        "extra_errors": extra,
        "settings": get_settings(),
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
        messages.error(request, "；".join(exc.messages))
        return redirect("villagework:log", pk=log.pk)
    messages.success(request, "工作记录已删除")
    return redirect("villagework:my_work" if own_only(user) else "villagework:log_list")


@requires("villagework.view", kind="detail", model=WorkLog)
@require_GET
def log_photo(request: HttpRequest, pk: int, photo_id: int) -> HttpResponse:
    """A photo of a log, served through the scope check and never cached."""
    log = get_log(request_user(request), pk)
    photo = log.photos.filter(pk=photo_id).first()
    if photo is None:
        raise Http404("没有该照片")
    with photo.image.open("rb") as handle:
        content = handle.read()
    response = HttpResponse(content, content_type=services.photo_content_type(content))
    response["Cache-Control"] = "no-store"
    return response


urlpatterns: list[URLPattern] = [
    path("my/", my_work, name="my_work"),
    path("logs/", log_list, name="log_list"),
    path("logs/new/", log_create, name="log_create"),
    path("assignments/<int:pk>/backfill/", log_backfill, name="log_backfill"),
    path("logs/<int:pk>/", log_detail, name="log"),
    path("logs/<int:pk>/edit/", log_edit, name="log_edit"),
    path("logs/<int:pk>/delete/", log_delete, name="log_delete"),
    path("logs/<int:pk>/photos/<int:photo_id>/", log_photo, name="log_photo"),
    path("villages/<int:pk>/households/search", household_search, name="household_search"),
]
