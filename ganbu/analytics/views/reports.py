"""The analysis pages: the structure table with charts and documents, two dates compared, the
composition check and the age-cap forecast. Every page is about one unit subtree (`<pk>` in the
URL), fetched through the scope helper, so a unit outside the user's scope is a 404."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from ganbu.analytics.documents import (
    comparison_xlsx,
    forecast_xlsx,
    structure_docx,
    structure_json,
    structure_xlsx,
)
from ganbu.analytics.forms import (
    AsOfForm,
    CompareForm,
    ForecastForm,
    RegistryFilterForm,
    StructureForm,
    StructureOptionsForm,
)
from ganbu.analytics.selectors.comparison import compare
from ganbu.analytics.selectors.composition import composition_check, metric_label
from ganbu.analytics.selectors.forecast import age_cap_forecast
from ganbu.analytics.selectors.state import Population
from ganbu.analytics.selectors.structure import (
    StructureQuery,
    StructureTable,
    registry_filter_ids,
    structure_table,
)
from ganbu.analytics.views.common import (
    PAGES,
    PEOPLE_ON_PAGE,
    export_response,
    home_unit,
    page_context,
    params_with_defaults,
    query_without,
    scoped_unit,
    today_iso,
)
from ganbu.cadres.rules import RETIREMENT_GROUP_LABELS
from ganbu.core.office import DOCX, XLSX
from ganbu.org.access import request_user, requires
from ganbu.org.models import Unit, User
from ganbu.org.selectors import all_code_names


@requires("analytics.view", kind="page")
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Entry point and the unit switcher: ?unit=<pk>&view=<page> goes to that page of the unit."""
    user = request_user(request)
    target = PAGES.get(request.GET.get("view", ""), PAGES["structure"])
    raw = request.GET.get("unit", "")
    unit = scoped_unit(user, int(raw)) if raw.isdigit() else home_unit(user)
    if unit is None:
        raise PermissionDenied("您的账号没有数据范围")
    query = query_without(request, "unit", "view")
    return redirect(reverse(target, kwargs={"pk": unit.pk}) + (f"?{query}" if query else ""))


# --- structure table --------------------------------------------------------------------------


def _filter_form(request: HttpRequest, user: User) -> RegistryFilterForm:
    return RegistryFilterForm(request.GET or None, prefix="f", user=user)


def _structure_query(
    unit: Unit, form: StructureOptionsForm, as_of: Any, filter_form: RegistryFilterForm, user: User
) -> StructureQuery:
    population = form.population_value()
    filter_ids = None
    filter_label = ""
    if population == Population.FILTER:
        filter_ids = registry_filter_ids(user=user, filters=filter_form.filters())
        filter_label = filter_form.label()
    return StructureQuery(
        unit=unit,
        as_of=as_of,
        population=population,
        bands=form.age_bands(),
        education=form.education_mode(),
        filter_ids=filter_ids,
        filter_label=filter_label,
    )


def _invalid_export(request: HttpRequest, page: str, unit: Unit) -> HttpResponse:
    """Back to the page with the same query (it shows the form's errors)."""
    messages.error(request, "查询条件有误，请修改后再导出")
    return redirect(f"{reverse(PAGES[page], kwargs={'pk': unit.pk})}?{query_without(request, 'format')}")


def chart_data(table: StructureTable) -> dict[str, Any]:
    return {
        "total": table.total,
        "dimensions": [
            {
                "key": d.key,
                "label": d.label,
                "categories": [
                    {"label": c.label, "count": c.count, "percent": c.percent} for c in d.shown_categories
                ],
            }
            for d in table.dimensions
        ],
        "pyramid": [{"band": r.band, "men": r.men, "women": r.women} for r in table.pyramid],
    }


@requires("analytics.view", kind="detail", model=Unit)
@require_GET
def structure(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    unit = scoped_unit(user, pk)
    form = StructureForm(params_with_defaults(request, as_of=today_iso()))
    table = None
    filter_form = _filter_form(request, user)
    if form.is_valid():
        query = _structure_query(unit, form, form.as_of_date(), filter_form, user)
        table = structure_table(query, today=timezone.localdate())
    context = page_context(
        request,
        unit,
        "structure",
        form=form,
        filter_form=filter_form,
        table=table,
        charts=chart_data(table) if table else None,
    )
    return render(request, "analytics/structure.html", context)


@requires("analytics.view", kind="export", model=Unit)
@require_GET
def structure_export(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    unit = scoped_unit(user, pk)
    form = StructureForm(params_with_defaults(request, as_of=today_iso()))
    if not form.is_valid():
        return _invalid_export(request, "structure", unit)
    query = _structure_query(unit, form, form.as_of_date(), _filter_form(request, user), user)
    table = structure_table(query, today=timezone.localdate())
    fmt = request.GET.get("format", "xlsx")
    stem = f"{unit.name}_队伍结构_{table.as_of:%Y%m%d}"
    if fmt == "docx":
        content, filename, content_type = structure_docx([table]), f"{stem}.docx", DOCX
    elif fmt == "json":
        content, filename, content_type = structure_json(table), f"{stem}.json", "application/json"
    else:
        content, filename, content_type = structure_xlsx(table), f"{stem}.xlsx", XLSX
    return export_response(
        request,
        unit,
        report="structure",
        fmt=fmt,
        content=content,
        filename=filename,
        content_type=content_type,
    )


# --- two dates compared -----------------------------------------------------------------------


def _comparison(request: HttpRequest, user: User, unit: Unit, form: CompareForm) -> Any:
    before, after = form.dates()
    today = timezone.localdate()
    filter_form = _filter_form(request, user)
    query_a = _structure_query(unit, form, before, filter_form, user)
    query_b = _structure_query(unit, form, after, filter_form, user)
    return compare(structure_table(query_a, today=today), structure_table(query_b, today=today))


def _compare_params(request: HttpRequest) -> Any:
    today = timezone.localdate()
    return params_with_defaults(
        request,
        after=today.isoformat(),
        before=date(today.year - 5, today.month, min(today.day, 28)).isoformat(),
    )


@requires("analytics.view", kind="detail", model=Unit)
@require_GET
def compare_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    unit = scoped_unit(user, pk)
    form = CompareForm(_compare_params(request))
    comparison = None
    if form.is_valid():
        comparison = _comparison(request, user, unit, form)
    charts = None
    if comparison is not None:
        charts = {
            "before": f"{comparison.before.as_of:%Y-%m-%d}",
            "after": f"{comparison.after.as_of:%Y-%m-%d}",
            "dimensions": [
                {
                    "key": d.key,
                    "label": d.label,
                    "categories": [r.label for r in d.rows],
                    "before": [r.before.percent for r in d.rows],
                    "after": [r.after.percent for r in d.rows],
                }
                for d in comparison.dimensions
            ],
        }
    context = page_context(request, unit, "compare", form=form, comparison=comparison, charts=charts)
    return render(request, "analytics/compare.html", context)


@requires("analytics.view", kind="export", model=Unit)
@require_GET
def compare_export(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    unit = scoped_unit(user, pk)
    form = CompareForm(_compare_params(request))
    if not form.is_valid():
        return _invalid_export(request, "compare", unit)
    comparison = _comparison(request, user, unit, form)
    fmt = request.GET.get("format", "xlsx")
    stem = f"{unit.name}_队伍结构对比_{comparison.before.as_of:%Y%m%d}_{comparison.after.as_of:%Y%m%d}"
    if fmt == "docx":
        content = structure_docx([comparison.before, comparison.after], comparison=comparison)
        filename, content_type = f"{stem}.docx", DOCX
    else:
        content, filename, content_type = comparison_xlsx(comparison), f"{stem}.xlsx", XLSX
    return export_response(
        request,
        unit,
        report="compare",
        fmt=fmt,
        content=content,
        filename=filename,
        content_type=content_type,
    )


# --- composition check ------------------------------------------------------------------------


@requires("analytics.view", kind="detail", model=Unit)
@require_GET
def composition(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    unit = scoped_unit(user, pk)
    form = AsOfForm(params_with_defaults(request, as_of=today_iso()))
    report = None
    if form.is_valid():
        report = composition_check(unit=unit, as_of=form.as_of_date(), today=timezone.localdate())
    charts = None
    if report is not None:
        charts = {
            "population": [
                {
                    "label": metric_label(p.rule),
                    "percent": p.percent,
                    "target": p.target_label,
                    "passed": p.passed,
                }
                for p in report.population
            ],
        }
    context = page_context(request, unit, "composition", form=form, report=report, charts=charts)
    return render(request, "analytics/composition.html", context)


# --- age-cap forecast -------------------------------------------------------------------------


def _forecast(form: ForecastForm, unit: Unit) -> Any:
    return age_cap_forecast(
        unit=unit,
        as_of=form.as_of_date(),
        years=form.years_value(),
        today=timezone.localdate(),
        until=form.until_date(),
    )


@requires("analytics.view", kind="detail", model=Unit)
@require_GET
def forecast(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    unit = scoped_unit(user, pk)
    form = ForecastForm(params_with_defaults(request, as_of=today_iso(), years="5"))
    result = None
    if form.is_valid():
        result = _forecast(form, unit)
    charts = None
    if result is not None:
        charts = {
            "years": [str(y.year) for y in result.years],
            "reaching": [y.reaching.total for y in result.years],
            "women": [y.reaching.women for y in result.years],
            "cumulative": [y.cumulative.total for y in result.years],
            "share": [y.share for y in result.years],
            "overdue": result.overdue.total,
        }
    context = page_context(
        request,
        unit,
        "forecast",
        form=form,
        forecast=result,
        people=result.people[:PEOPLE_ON_PAGE] if result else [],
        people_truncated=bool(result and len(result.people) > PEOPLE_ON_PAGE),
        charts=charts,
        codes=all_code_names(),
        group_labels={g.value: label for g, label in RETIREMENT_GROUP_LABELS.items()},
    )
    return render(request, "analytics/forecast.html", context)


@requires("analytics.view", kind="export", model=Unit)
@require_GET
def forecast_export(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    unit = scoped_unit(user, pk)
    form = ForecastForm(params_with_defaults(request, as_of=today_iso(), years="5"))
    if not form.is_valid():
        return _invalid_export(request, "forecast", unit)
    result = _forecast(form, unit)
    return export_response(
        request,
        unit,
        report="forecast",
        fmt="xlsx",
        content=forecast_xlsx(result, all_code_names()),
        filename=f"{unit.name}_到龄预测_{result.as_of:%Y%m%d}.xlsx",
    )
