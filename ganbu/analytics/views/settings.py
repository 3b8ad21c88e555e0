"""The composition rules and the age caps: a page anyone with the analysis may read, and the edit
pages of these county-wide settings (declared `county_wide`; the services check again and audit)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ganbu.analytics import services
from ganbu.analytics.forms import (
    AgeCapsForm,
    RuleForm,
    cap_field_name,
)
from ganbu.analytics.models import CompositionRule, Metric, RuleScope
from ganbu.analytics.selectors.composition import all_rules, metric_label, rule_by_pk
from ganbu.analytics.selectors.forecast import age_caps
from ganbu.analytics.views.common import (
    home_unit,
)
from ganbu.core.forms import add_errors
from ganbu.org.access import request_user, requires
from ganbu.org.models import TeamKind
from ganbu.org.selectors import code_map

# --- rules and age caps -----------------------------------------------------------------------


def _kind_labels() -> dict[str, str]:
    return dict(TeamKind.choices)


@requires("analytics.view", kind="page")
@require_GET
def rules(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    kinds = _kind_labels()
    rows: list[dict[str, Any]] = [
        {
            "rule": r,
            "metric": metric_label(r),
            "kinds": "、".join(kinds.get(k, k) for k in r.kinds) or "全部班子",
        }
        for r in all_rules()
    ]
    level_names = code_map("leadership_level")
    caps = [
        {
            "level": level_names.get(c.level, c.level),
            "gender": "男" if c.gender == "1" else "女",
            "age": c.age,
        }
        for c in age_caps()
    ]
    context = {
        "team_rows": [r for r in rows if r["rule"].scope == RuleScope.TEAM],
        "population_rows": [r for r in rows if r["rule"].scope == RuleScope.POPULATION],
        "caps": caps,
        "can_manage_rules": services.can_manage_rules(user),
        "home": home_unit(user),
    }
    return render(request, "analytics/rules.html", context)


def _rule_initial(rule: CompositionRule) -> dict[str, Any]:
    return {
        "name": rule.name,
        "scope": rule.scope,
        "metric": rule.metric,
        "age": rule.age,
        "min_count": rule.min_count,
        "min_percent": rule.min_percent,
        "team_kinds": rule.kinds,
        "source": rule.source,
        "is_active": rule.is_active,
        "sort_order": rule.sort_order,
    }


@requires("analytics.manage_rules", kind="page", county_wide=True)
@require_http_methods(["GET", "POST"])
def rule_create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = RuleForm(
        request.POST or None, initial={"scope": RuleScope.TEAM, "metric": Metric.WOMEN, "is_active": True}
    )
    if request.method == "POST" and form.is_valid():
        try:
            rule = services.rule_create(data=form.data_for_service(), actor=user)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"已新增规则「{rule.name}」")
            return redirect("analytics:rules")
    return render(request, "analytics/rule_form.html", {"form": form, "title": "新增结构规则"})


@requires("analytics.manage_rules", kind="action", model=CompositionRule, county_wide=True)
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    rule = rule_by_pk(pk)
    if rule is None:
        raise Http404("规则不存在")
    form = RuleForm(request.POST or None, initial=_rule_initial(rule))
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_update(rule=rule, data=form.data_for_service(), actor=user)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"已保存规则「{rule.name}」")
            return redirect("analytics:rules")
    return render(request, "analytics/rule_form.html", {"form": form, "title": "编辑结构规则", "rule": rule})


@requires("analytics.manage_rules", kind="action", model=CompositionRule, county_wide=True)
@require_POST
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    rule = rule_by_pk(pk)
    if rule is None:
        raise Http404("规则不存在")
    name = rule.name
    services.rule_delete(rule=rule, actor=user)
    messages.success(request, f"已删除规则「{name}」")
    return redirect("analytics:rules")


@requires("analytics.manage_rules", kind="page", county_wide=True)
@require_http_methods(["GET", "POST"])
def age_caps_edit(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    level_names = code_map("leadership_level")
    initial = {cap_field_name(c.level, c.gender): c.age for c in age_caps()}
    form = AgeCapsForm(request.POST or None, initial=initial, level_names=level_names)
    if request.method == "POST" and form.is_valid():
        try:
            changes = services.age_caps_set(caps=form.caps(), actor=user)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"已保存任职年龄界限（{len(changes)} 项修改）")
            return redirect("analytics:rules")
    return render(request, "analytics/age_caps.html", {"form": form})
