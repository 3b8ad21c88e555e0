"""The county's 驻村 settings (one row). Read with `get_settings()`; changed only by
`settings_update`, which validates every rule and records the before/after in the audit log."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from itertools import pairwise
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import model_to_dict

from ganbu.audit.services import record_event
from ganbu.org.models import User
from ganbu.villagework.models import VillageWorkSettings

GRADE_CODES = ("1", "2", "3")  # 优秀 / 称职 / 基本称职; below the last threshold → 4 不称职
PARTS = ("ballot", "bundled", "work")
INT_FIELDS = {
    "edit_window_days": (0, 365),
    "weekly_visit_quota": (0, 200),
    "rotation_years": (1, 30),
    "request_due_days": (1, 365),
    "photo_max_kb": (50, 20480),
    "photos_per_log": (0, 20),
}


def get_settings() -> VillageWorkSettings:
    settings, _ = VillageWorkSettings.objects.get_or_create(pk=1)
    return settings


def _number(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _weighted_list(value: Any, field: str, label: str, errors: dict[str, str]) -> list[dict[str, Any]]:
    """[{"name": str, "weight": number > 0}], names unique, at least one."""
    if not isinstance(value, list) or not value:
        errors[field] = f"{label}至少要有一项"
        return []
    cleaned: list[dict[str, Any]] = []
    for index, item in enumerate(value, start=1):
        name = str(item.get("name", "")).strip() if isinstance(item, dict) else ""
        weight = _number(item.get("weight")) if isinstance(item, dict) else None
        if not name:
            errors[field] = f"{label}第{index}项缺少名称"
            return []
        if weight is None or weight <= 0:
            errors[field] = f"{label}「{name}」的权重应为大于0的数"
            return []
        if any(c["name"] == name for c in cleaned):
            errors[field] = f"{label}「{name}」重复"
            return []
        cleaned.append({"name": name, "weight": int(weight) if weight == int(weight) else str(weight)})
    return cleaned


def validate_rules(data: dict[str, Any]) -> dict[str, Any]:
    """Check and normalise settings values; raises ValidationError naming each bad field."""
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    labels = {
        f.name: str(f.verbose_name)
        for f in VillageWorkSettings._meta.get_fields()
        if hasattr(f, "verbose_name")
    }
    for field, (low, high) in INT_FIELDS.items():
        if field not in data:
            continue
        number = _number(data[field])
        if number is None or number != int(number) or not low <= number <= high:
            errors[field] = f"{labels[field]}应为{low}到{high}之间的整数"
        else:
            cleaned[field] = int(number)
    if "rater_groups" in data:
        cleaned["rater_groups"] = _weighted_list(data["rater_groups"], "rater_groups", "评议层面", errors)
    if "bundled_items" in data:
        cleaned["bundled_items"] = _weighted_list(
            data["bundled_items"], "bundled_items", "捆绑考核项目", errors
        )
    if "part_weights" in data:
        parts = data["part_weights"]
        if not isinstance(parts, dict) or set(parts) != set(PARTS):
            errors["part_weights"] = (
                "综合得分构成应包含 评议（ballot）、捆绑考核（bundled）、工作实绩（work） 三项"
            )
        else:
            numbers = {k: _number(v) for k, v in parts.items()}
            if any(n is None or n < 0 for n in numbers.values()):
                errors["part_weights"] = "综合得分构成的各项比例应为不小于0的数"
            elif sum(n for n in numbers.values() if n is not None) != 100:
                errors["part_weights"] = "综合得分构成的三项比例之和应为100"
            else:
                cleaned["part_weights"] = {
                    k: int(v) if v == int(v) else str(v) for k, v in numbers.items() if v is not None
                }
    if "grade_thresholds" in data:
        thresholds = data["grade_thresholds"]
        ok = isinstance(thresholds, list) and [
            t.get("grade") for t in thresholds if isinstance(t, dict)
        ] == list(GRADE_CODES)
        mins = [_number(t.get("min")) for t in thresholds] if ok else []
        if not ok or any(m is None or not 0 <= m <= 100 for m in mins):
            errors["grade_thresholds"] = "建议等次分数线应依次给出 优秀、称职、基本称职 的最低分（0–100）"
        elif not all(a > b for a, b in pairwise(mins)):  # type: ignore[operator]
            errors["grade_thresholds"] = "建议等次分数线应从高到低：优秀 > 称职 > 基本称职"
        else:
            cleaned["grade_thresholds"] = [
                {"grade": g, "min": int(m) if m == int(m) else str(m)}  # type: ignore[arg-type]
                for g, m in zip(GRADE_CODES, mins, strict=True)
            ]
    if errors:
        raise ValidationError(errors, code="villagework_settings_invalid")
    return cleaned


def settings_update(*, actor: User | None, **data: Any) -> VillageWorkSettings:
    cleaned = validate_rules(data)
    with transaction.atomic():
        settings = VillageWorkSettings.objects.select_for_update().get_or_create(pk=1)[0]
        before = model_to_dict(settings)
        for field, value in cleaned.items():
            setattr(settings, field, value)
        settings.save()
        after = model_to_dict(settings)
        record_event(
            actor=actor,
            action="villagework.settings",
            obj=settings,
            payload={
                "before": {k: v for k, v in before.items() if after.get(k) != v},
                "after": {k: v for k, v in after.items() if before.get(k) != v},
            },
        )
    return settings
