"""Writes of structure analysis: the composition rules and the age caps, the analysis' settings
(rule tables: lists an administrator edits, one row per rule or cap; their defaults are loaded by
migration 0002). They are county-wide, so only a user with `analytics.manage_rules` whose scope is
the whole county may change them (the pages declare it too); every change is validated, saved in
one transaction and audited (before/after). Nothing writes them on read."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from ganbu.analytics import errors
from ganbu.analytics.models import AgeCap, CompositionRule, Metric, RuleScope
from ganbu.analytics.rules import CAP_AGE_MAX, CAP_AGE_MIN, CAP_LEVELS, RULE_AGE_MAX, RULE_AGE_MIN
from ganbu.audit.services import record_event
from ganbu.org.models import TeamKind, User
from ganbu.org.permissions import has_capability
from ganbu.org.scoping import scope_path

RULE_FIELDS = (
    "name",
    "scope",
    "metric",
    "age",
    "min_count",
    "min_percent",
    "team_kinds",
    "source",
    "is_active",
    "sort_order",
)


def can_manage_rules(user: User) -> bool:
    """The rules apply to the whole county: editing them needs the capability and a county-wide scope."""
    return has_capability(user, "analytics.manage_rules") and scope_path(user) is None


def _require_manager(actor: User | None) -> None:
    if actor is not None and not can_manage_rules(actor):
        raise PermissionDenied("只有全县范围的组织部管理员可以修改结构规则")


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def validate_rule(data: dict[str, Any]) -> dict[str, str]:
    """All problems with a rule, as {field: Chinese message}."""
    problems: dict[str, str] = {}
    if not (data.get("name") or "").strip():
        problems["name"] = "规则名称不能为空"
    scope = data.get("scope")
    if scope not in RuleScope.values:
        problems["scope"] = "适用对象应为每个班子或领导干部总体"
    metric = data.get("metric")
    if metric not in Metric.values:
        problems["metric"] = "指标不在可选范围内"
    age = data.get("age")
    if metric == Metric.AGE_AT_MOST:
        if age is None or not RULE_AGE_MIN <= int(age) <= RULE_AGE_MAX:
            problems["age"] = f"年龄指标需填写 {RULE_AGE_MIN}–{RULE_AGE_MAX} 之间的年龄上限"
    elif age is not None:
        problems["age"] = "只有「不超过规定年龄」指标需要填写年龄上限"
    if scope == RuleScope.TEAM:
        if data.get("min_count") is None or int(data["min_count"]) < 1:
            problems["min_count"] = "班子规则需填写每班子至少人数（≥1）"
        if data.get("min_percent") is not None:
            problems["min_percent"] = "班子规则按人数要求，不填比例"
    elif scope == RuleScope.POPULATION:
        percent = data.get("min_percent")
        if percent is None or not Decimal(0) < Decimal(percent) <= Decimal(100):
            problems["min_percent"] = "总体规则需填写 0–100 之间的比例"
        if data.get("min_count") is not None:
            problems["min_count"] = "总体规则按比例要求，不填人数"
        if (data.get("team_kinds") or "").strip():
            problems["team_kinds"] = "总体规则不区分班子类型"
    kinds = [k.strip() for k in (data.get("team_kinds") or "").split(",") if k.strip()]
    unknown = [k for k in kinds if k not in TeamKind.values]
    if unknown:
        problems["team_kinds"] = f"班子类型 {'、'.join(unknown)} 不存在"
    return problems


def _raise(problems: dict[str, str], code: str) -> None:
    if problems:
        raise ValidationError({k: [ValidationError(v, code=code)] for k, v in problems.items()})


def _normalise(data: dict[str, Any]) -> dict[str, Any]:
    values = {f: data.get(f) for f in RULE_FIELDS}
    values["name"] = (values["name"] or "").strip()
    values["team_kinds"] = ",".join(k.strip() for k in (values["team_kinds"] or "").split(",") if k.strip())
    values["source"] = (values["source"] or "").strip()
    values["is_active"] = bool(values["is_active"]) if data.get("is_active") is not None else True
    values["sort_order"] = int(values["sort_order"] or 0)
    return values


def rule_create(*, data: dict[str, Any], actor: User | None) -> CompositionRule:
    _require_manager(actor)
    values = _normalise(data)
    _raise(validate_rule(values), errors.RULE_INVALID)
    rule = CompositionRule(**values)
    with transaction.atomic():
        rule.full_clean()
        rule.save()
        record_event(
            actor=actor,
            action="analytics.rule.create",
            obj=rule,
            payload={"after": {f: _plain(getattr(rule, f)) for f in RULE_FIELDS}},
        )
    return rule


def rule_update(*, rule: CompositionRule, data: dict[str, Any], actor: User | None) -> CompositionRule:
    _require_manager(actor)
    values = _normalise(data)
    _raise(validate_rule(values), errors.RULE_INVALID)
    changed = [f for f in RULE_FIELDS if values[f] != getattr(rule, f)]
    if not changed:
        return rule
    before = {f: _plain(getattr(rule, f)) for f in changed}
    for f in changed:
        setattr(rule, f, values[f])
    with transaction.atomic():
        rule.full_clean()
        rule.save(update_fields=[*changed, "updated_at"])
        record_event(
            actor=actor,
            action="analytics.rule.update",
            obj=rule,
            payload={"before": before, "after": {f: _plain(getattr(rule, f)) for f in changed}},
        )
    return rule


def rule_delete(*, rule: CompositionRule, actor: User | None) -> None:
    _require_manager(actor)
    with transaction.atomic():
        record_event(
            actor=actor,
            action="analytics.rule.delete",
            obj=rule,
            payload={"before": {f: _plain(getattr(rule, f)) for f in RULE_FIELDS}},
        )
        rule.delete()


@dataclass(frozen=True)
class CapChange:
    level: str
    gender: str
    before: int | None
    after: int | None


def age_caps_set(*, caps: dict[tuple[str, str], int | None], actor: User | None) -> list[CapChange]:
    """Set the caps for (level, gender); None removes a cap. One audit event lists every change."""
    _require_manager(actor)
    problems: dict[str, str] = {}
    for (level, gender), age in caps.items():
        if level not in CAP_LEVELS or gender not in ("1", "2"):
            problems[f"{level}_{gender}"] = "职务层次或性别不正确"
        elif age is not None and not CAP_AGE_MIN <= age <= CAP_AGE_MAX:
            problems[f"{level}_{gender}"] = f"年龄界限应在 {CAP_AGE_MIN}–{CAP_AGE_MAX} 周岁之间"
    _raise(problems, errors.AGE_CAP_INVALID)
    changes: list[CapChange] = []
    with transaction.atomic():
        existing = {
            (c.level, c.gender): c for c in AgeCap.objects.select_for_update().order_by("level", "gender")
        }
        for (level, gender), age in sorted(caps.items()):
            current = existing.get((level, gender))
            before = current.age if current else None
            if before == age:
                continue
            if age is None:
                assert current is not None
                current.delete()
            elif current is None:
                cap = AgeCap(level=level, gender=gender, age=age)
                cap.full_clean()
                cap.save()
            else:
                current.age = age
                current.full_clean()
                current.save(update_fields=["age", "updated_at"])
            changes.append(CapChange(level, gender, before, age))
        if changes:
            record_event(
                actor=actor,
                action="analytics.age_caps.update",
                object_type="analytics.agecap",
                object_label="任职年龄界限",
                payload={
                    "changes": [
                        {"level": c.level, "gender": c.gender, "before": c.before, "after": c.after}
                        for c in changes
                    ]
                },
            )
    return changes
