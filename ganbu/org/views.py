from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from ganbu.org import selectors, services
from ganbu.org.access import requires
from ganbu.org.forms import UnitEditForm
from ganbu.org.models import Unit, User
from ganbu.org.permissions import has_capability
from ganbu.org.scoping import get_in_scope_or_404, units_in_scope


def _get_unit(user: User, pk: int) -> Unit:
    return get_in_scope_or_404(Unit.objects.select_related("parent"), user, unit_field="", pk=pk)


@requires("org.view", kind="list", model=Unit)
@require_GET
def unit_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    units = list(
        units_in_scope(user)
        .order_by("path")
        .only("id", "name", "kind", "code", "category", "depth", "households", "path")
    )
    return render(request, "org/unit_list.html", {"units": units})


@requires("org.view", kind="detail", model=Unit)
@require_GET
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
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
    user: User = request.user  # type: ignore[assignment]
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
