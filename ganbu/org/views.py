from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ganbu.core.calendar import known_by_package
from ganbu.core.forms import add_errors
from ganbu.org import selectors, services
from ganbu.org.access import request_user, requires
from ganbu.org.forms import CalendarDayForm, CalendarYearForm, UnitEditForm, UnitListFilterForm
from ganbu.org.models import CalendarDay, Unit, User
from ganbu.org.permissions import has_capability
from ganbu.org.scoping import scope_path


def _get_unit(user: User, pk: int) -> Unit:
    return selectors.get_unit_for_user(user, pk)


@requires("org.view", kind="list", model=Unit)
@require_GET
def unit_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    prefix = scope_path(user)  # asked once: the list and the calendar link both depend on it
    form = UnitListFilterForm(request.GET or None)
    kind = form.kind_value()
    units = list(selectors.unit_list_rows(prefix=prefix, kind=kind))
    context = {
        "form": form,
        "kind": kind,
        "units": units,
        "totals": {
            "teams": sum(u.team_count for u in units),  # type: ignore[attr-defined]
            "posts": sum(u.post_quota for u in units),  # type: ignore[attr-defined]
            "households": sum(u.households or 0 for u in units),
        },
        # what `requires("org.manage", county_wide=True)` on the calendar page lets through
        "can_manage_calendar": prefix is None and has_capability(user, "org.manage"),
    }
    return render(request, "org/unit_list.html", context)


@requires("org.view", kind="detail", model=Unit)
@require_GET
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    unit = _get_unit(user, pk)
    context = {
        "unit": unit,
        "children": selectors.unit_children(user=user, unit=unit),
        "teams": selectors.unit_teams(user=user, unit=unit),
        "posts": selectors.unit_posts(user=user, unit=unit),
        "level_names": selectors.code_map("leadership_level"),
        "can_manage": has_capability(user, "org.manage"),
    }
    return render(request, "org/unit_detail.html", context)


@requires("org.manage", kind="action", model=Unit)
@require_http_methods(["GET", "POST"])
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    unit = _get_unit(user, pk)
    initial = {
        "name": unit.name,
        "category": unit.category,
        "households": unit.households,
        "sort_order": unit.sort_order,
    }
    form = UnitEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(unit=unit, actor=user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "单位信息已保存")
            return redirect("org:unit_detail", pk=unit.pk)
    return render(request, "org/unit_edit.html", {"unit": unit, "form": form})


# --- 节假日安排 -------------------------------------------------------------------------------


@requires("org.manage", kind="page", county_wide=True)
@require_http_methods(["GET", "POST"])
def calendar(request: HttpRequest) -> HttpResponse:
    """The official schedule of holidays and make-up working days by year: what the built-in
    holiday table knows, and what administrators entered for the years it does not."""
    user = request_user(request)
    today = timezone.localdate()
    year_form = CalendarYearForm(request.GET or None)
    year = year_form.cleaned_data["year"] if year_form.is_valid() else today.year + (today.month >= 11)
    form = CalendarDayForm(request.POST or None, initial={"day": date(year, 1, 1)})
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.calendar_day_set(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, f"已保存：{entry.day:%Y-%m-%d} {'调休上班' if entry.is_workday else '放假'}"
            )
            return redirect(f"{reverse('org:calendar')}?year={entry.day.year}")
    work = selectors.work_calendar()
    context = {
        "year": year,
        "years": range(today.year - 1, today.year + 3),
        "entries": selectors.calendar_days(year=year),
        "form": form,
        "built_in": known_by_package(year),
        "working_days": work.working_days_between(date(year, 1, 1), date(year, 12, 31)),
        "warning": work.warning(),
    }
    return render(request, "org/calendar.html", context)


@requires("org.manage", kind="action", model=CalendarDay, county_wide=True)
@require_POST
def calendar_day_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.calendar_day_by_pk(pk)
    if entry is None:
        raise Http404("该日期的安排不存在")
    year = entry.day.year
    services.calendar_day_delete(entry=entry, actor=request_user(request))
    messages.success(request, "已删除")
    return redirect(f"{reverse('org:calendar')}?year={year}")
