"""考核方案 pages (the county office): the list with import, a scheme's indicator tree with its
problems and an editor per indicator, export as JSON, copy to a new version."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ganbu.assessment import events, rules, services
from ganbu.assessment.forms import HeaderForm, IndicatorForm, SchemeCopyForm, SchemeImportForm, initial_of
from ganbu.assessment.models import Scheme
from ganbu.assessment.services.schemes import walk
from ganbu.core.forms import add_errors
from ganbu.core.office import audited_attachment
from ganbu.org.access import request_user, requires

JSON = "application/json; charset=utf-8"


@requires("assessment.manage", kind="list", model=Scheme, county_wide=True)
@require_http_methods(["GET", "POST"])
def scheme_list(request: HttpRequest) -> HttpResponse:
    form = SchemeImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                data = services.read_scheme_file(form.cleaned_data["file"].read())
                scheme = services.import_scheme(
                    actor=request_user(request), data=data, year=form.cleaned_data["year"]
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, f"已导入考核方案「{scheme}」。")
                return redirect("assessment:scheme_detail", pk=scheme.pk)
        status = 400
    schemes = [(s, services.problems(s.definition)) for s in Scheme.objects.all()]
    return render(request, "assessment/scheme_list.html", {"form": form, "schemes": schemes}, status=status)


PARAMETER_LABELS = {
    "cap": "完成率上限",
    "top": "第一名得分",
    "bottom": "最后一名得分",
    "step": "每低一名扣减比例",
    "raters": "评价人数",
    "share_of": "按得票率分档的选项",
    "max": "加分上限",
    "grade": "否决后最高等次",
}


def parameters_text(node: dict[str, object]) -> str:
    """A leaf's rule parameters in words (「完成率上限 1.1；…」), for a frozen scheme too."""
    parts = [
        f"{label} {node[key]}" for key, label in PARAMETER_LABELS.items() if node.get(key) not in (None, "")
    ]
    for key, label in (("levels", "加分级别"), ("values", "选项分值"), ("groups", "评议人类别及权重")):
        value = node.get(key)
        if isinstance(value, dict) and value:
            parts.append(f"{label}：" + "、".join(f"{k} {v}" for k, v in value.items()))
    brackets = node.get("brackets")
    if isinstance(brackets, list) and brackets:
        parts.append(
            "区间分档："
            + "、".join(f"≥{b[0]} 得 {b[1]}" for b in brackets if isinstance(b, list) and len(b) == 2)
        )
    override = node.get("override")
    if isinstance(override, dict):
        parts.append(
            f"{'、'.join(map(str, override.get('options', [])))}合计达 {override.get('share')} 得 {override.get('points')}"
        )
    return "；".join(parts)


def _tree(scheme: Scheme) -> list[dict[str, object]]:
    rows = []
    for depth, node, parent in walk(scheme.definition):
        rows.append(
            {
                "depth": depth,
                "indent": "　" * depth,
                "node": node,
                "parent": parent,
                "rule_label": rules.RULE_LABELS.get(str(node.get("rule", "")), ""),
                "params": parameters_text(node),
                "form": IndicatorForm(initial=initial_of(node, parent), prefix=f"i-{node.get('code', '')}"),
            }
        )
    return rows


def _detail(
    request: HttpRequest,
    scheme: Scheme,
    *,
    form: IndicatorForm | None = None,
    header: HeaderForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "scheme": scheme,
        "rows": _tree(scheme),
        "problems": services.problems(scheme.definition),
        "add_form": form or IndicatorForm(prefix="new"),
        "header_form": header or HeaderForm(initial=HeaderForm.initial_of(scheme.definition)),
        "copy_form": SchemeCopyForm(initial={"year": scheme.year + 1}),
        "grades": scheme.definition.get("grades") or [],
        "cycles": sorted({t.cycle for t in scheme.tracks.select_related("cycle")}, key=lambda c: -c.year),
    }
    return render(request, "assessment/scheme_detail.html", context, status=status)


@requires("assessment.manage", kind="detail", model=Scheme, county_wide=True)
@require_GET
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_object_or_404(Scheme, pk=pk))


@requires("assessment.manage", kind="action", model=Scheme, county_wide=True)
@require_POST
def indicator_save(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = get_object_or_404(Scheme, pk=pk)
    prefix = request.POST.get("prefix", "new")
    form = IndicatorForm(request.POST, prefix=prefix if prefix.startswith("i-") else "new")
    if form.is_valid():
        try:
            services.save_indicator(
                scheme=scheme,
                actor=request_user(request),
                original=form.cleaned_data.get("original") or "",
                parent=(form.cleaned_data.get("parent") or "").strip(),
                fields=form.indicator(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"指标 {form.cleaned_data['code']} 已保存。")
            return redirect("assessment:scheme_detail", pk=scheme.pk)
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else str(error))
    return _detail(request, scheme, form=form if prefix == "new" else None, status=400)


@requires("assessment.manage", kind="action", model=Scheme, county_wide=True)
@require_POST
def header_save(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = get_object_or_404(Scheme, pk=pk)
    form = HeaderForm(request.POST)
    if form.is_valid():
        try:
            services.save_header(
                scheme=scheme,
                actor=request_user(request),
                total=str(form.cleaned_data["total"]),
                grades=form.cleaned_data["grades"],
                difficulty=True if form.cleaned_data["difficulty"] else None,
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, "总分与等次已保存。")
            return redirect("assessment:scheme_detail", pk=scheme.pk)
    for field, errors in form.errors.items():
        for error in errors:
            messages.error(
                request, f"{form.fields[field].label}：{error}" if field in form.fields else str(error)
            )
    return _detail(request, scheme, header=form, status=400)


@requires("assessment.manage", kind="action", model=Scheme, county_wide=True)
@require_POST
def indicator_delete(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = get_object_or_404(Scheme, pk=pk)
    try:
        services.remove_indicator(
            scheme=scheme, actor=request_user(request), code=request.POST.get("code", "")
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, "指标已删除。")
    return redirect("assessment:scheme_detail", pk=scheme.pk)


@requires("assessment.manage", kind="action", model=Scheme, county_wide=True)
@require_POST
def scheme_copy(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = get_object_or_404(Scheme, pk=pk)
    form = SchemeCopyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写新版本用于的年度（2000—2100）")
        return redirect("assessment:scheme_detail", pk=scheme.pk)
    new = services.copy_scheme(scheme=scheme, actor=request_user(request), year=form.cleaned_data["year"])
    messages.success(request, f"已复制为「{new}」，可以修改。")
    return redirect("assessment:scheme_detail", pk=new.pk)


@requires("assessment.manage", kind="export", model=Scheme, county_wide=True)
@require_GET
def scheme_export(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = get_object_or_404(Scheme, pk=pk)
    content = json.dumps(scheme.definition, ensure_ascii=False, indent=2).encode()
    return audited_attachment(
        content,
        f"{scheme.name}（第{scheme.version}版）.json",
        JSON,
        actor=request_user(request),
        action=events.SCHEME_EXPORT,
        obj=scheme,
        payload={"version": scheme.version},
    )


urlpatterns: list[URLPattern] = [
    path("schemes/", scheme_list, name="scheme_list"),
    path("schemes/<int:pk>/", scheme_detail, name="scheme_detail"),
    path("schemes/<int:pk>/indicator/", indicator_save, name="indicator_save"),
    path("schemes/<int:pk>/indicator/delete/", indicator_delete, name="indicator_delete"),
    path("schemes/<int:pk>/header/", header_save, name="header_save"),
    path("schemes/<int:pk>/copy/", scheme_copy, name="scheme_copy"),
    path("schemes/<int:pk>/export/", scheme_export, name="scheme_export"),
]
