"""The county's 驻村 settings (one row, `VillageWorkSettings`; read with
`VillageWorkSettings.current()`). Changed only by `settings_update`, which validates every rule,
saves the locked row, and records the before and after of each changed field in the audit log."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from itertools import pairwise
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import model_to_dict

from ganbu.audit.services import record_event
from ganbu.core.conf import changed_fields
from ganbu.org.models import User
from ganbu.villagework import errors, events, rules
from ganbu.villagework.models import VillageWorkSettings

__all__ = ["settings_update", "validate_rules"]


def _number(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _plain(number: Decimal) -> int | str:
    """A whole number as an int, else its text (JSON keeps decimals exact as strings)."""
    return int(number) if number == int(number) else str(number)


def _weighted_list(value: Any, field: str, label: str, problems: dict[str, str]) -> list[dict[str, Any]]:
    """[{"name": str, "weight": number > 0}], names unique, at least one."""
    if not isinstance(value, list) or not value:
        problems[field] = f"{label}至少要有一项"
        return []
    cleaned: list[dict[str, Any]] = []
    for index, item in enumerate(value, start=1):
        name = str(item.get("name", "")).strip() if isinstance(item, dict) else ""
        weight = _number(item.get("weight")) if isinstance(item, dict) else None
        if not name:
            problems[field] = f"{label}第{index}项缺少名称"
            return []
        if weight is None or weight <= 0:
            problems[field] = f"{label}「{name}」的权重应为大于0的数"
            return []
        if any(c["name"] == name for c in cleaned):
            problems[field] = f"{label}「{name}」重复"
            return []
        cleaned.append({"name": name, "weight": _plain(weight)})
    return cleaned


def _part_weights(parts: Any, problems: dict[str, str]) -> dict[str, int | str] | None:
    if not isinstance(parts, dict) or set(parts) != set(rules.PARTS):
        problems["part_weights"] = (
            "综合得分构成应包含 评议（ballot）、捆绑考核（bundled）、工作实绩（work） 三项"
        )
        return None
    numbers = {k: _number(v) for k, v in parts.items()}
    if any(n is None or n < 0 for n in numbers.values()):
        problems["part_weights"] = "综合得分构成的各项比例应为不小于0的数"
        return None
    if sum(n for n in numbers.values() if n is not None) != 100:
        problems["part_weights"] = "综合得分构成的三项比例之和应为100"
        return None
    return {k: _plain(v) for k, v in numbers.items() if v is not None}


def _grade_thresholds(thresholds: Any, problems: dict[str, str]) -> list[dict[str, Any]] | None:
    ok = isinstance(thresholds, list) and [t.get("grade") for t in thresholds if isinstance(t, dict)] == list(
        rules.GRADE_CODES
    )
    mins = [_number(t.get("min")) for t in thresholds] if ok else []
    if not ok or any(m is None or not 0 <= m <= 100 for m in mins):
        problems["grade_thresholds"] = "建议等次分数线应依次给出 优秀、称职、基本称职 的最低分（0–100）"
        return None
    if not all(a > b for a, b in pairwise(mins)):  # type: ignore[operator]
        problems["grade_thresholds"] = "建议等次分数线应从高到低：优秀 > 称职 > 基本称职"
        return None
    return [
        {"grade": g, "min": _plain(m)}  # type: ignore[arg-type]
        for g, m in zip(rules.GRADE_CODES, mins, strict=True)
    ]


def validate_rules(data: dict[str, Any]) -> dict[str, Any]:
    """Check and normalise settings values; raises ValidationError naming each bad field (the
    range accepted for each integer is `rules.SETTING_RANGES`)."""
    problems: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    labels = {
        f.name: str(f.verbose_name)
        for f in VillageWorkSettings._meta.get_fields()
        if hasattr(f, "verbose_name")
    }
    for field, (low, high) in rules.SETTING_RANGES.items():
        if field not in data:
            continue
        number = _number(data[field])
        if number is None or number != int(number) or not low <= number <= high:
            problems[field] = f"{labels[field]}应为{low}到{high}之间的整数"
        else:
            cleaned[field] = int(number)
    if "rater_groups" in data:
        cleaned["rater_groups"] = _weighted_list(data["rater_groups"], "rater_groups", "评议层面", problems)
    if "bundled_items" in data:
        cleaned["bundled_items"] = _weighted_list(
            data["bundled_items"], "bundled_items", "捆绑考核项目", problems
        )
    if "part_weights" in data:
        cleaned["part_weights"] = _part_weights(data["part_weights"], problems)
    if "grade_thresholds" in data:
        cleaned["grade_thresholds"] = _grade_thresholds(data["grade_thresholds"], problems)
    if problems:
        raise ValidationError(problems, code=errors.SETTINGS_INVALID)
    return cleaned


def settings_update(*, actor: User | None, **data: Any) -> VillageWorkSettings:
    """Change some settings (the others keep their value). One audit event with the before and
    after of every changed field; none when nothing changed."""
    cleaned = validate_rules(data)
    with transaction.atomic():
        row = VillageWorkSettings.for_update()
        before = model_to_dict(row)
        for field, value in cleaned.items():
            setattr(row, field, value)
        row.full_clean()
        change = changed_fields(before, row)
        if not change["after"]:
            return row
        row.save(update_fields=[*change["after"], "updated_at"])
        record_event(actor=actor, action=events.SETTINGS, obj=row, payload=change)
    row.forget()
    return row
