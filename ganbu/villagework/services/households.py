"""The household register of a village (农户花名册): create, edit, 迁出/注销 and restore.

One validation (`clean_household`) serves the forms, the Excel import and these services, so a row
of a file and a form field are refused with the same Chinese message naming the field. A household
that has visits or requests is never deleted: it is deactivated (`is_active` False) and keeps its
history; only a household without any history (e.g. entered by mistake) may be deleted.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from ganbu.audit.services import record_event
from ganbu.core.pinyin import name_keys
from ganbu.org.models import VILLAGE_KINDS, Unit, User
from ganbu.org.permissions import has_capability
from ganbu.org.scoping import unit_in_scope
from ganbu.org.selectors import lock_unit
from ganbu.villagework import errors, events
from ganbu.villagework.models import Household, HouseholdCategory
from ganbu.villagework.selectors.villages import household_has_history

__all__ = [
    "HOUSEHOLD_FIELDS",
    "HOUSEHOLD_LABELS",
    "MAX_MEMBERS",
    "clean_household",
    "household_create",
    "household_deactivate",
    "household_delete",
    "household_reactivate",
    "household_update",
    "lock_village",
    "require_village_manager",
]

# field → label (the column headers of the import file are these labels)
HOUSEHOLD_LABELS: dict[str, str] = {
    "head_name": "户主",
    "group_name": "村民小组",
    "members": "人口",
    "phone": "联系电话",
    "category": "类别",
    "address": "住址",
    "note": "备注",
}
HOUSEHOLD_FIELDS: tuple[str, ...] = tuple(HOUSEHOLD_LABELS)
MAX_MEMBERS = 99
_PHONE = re.compile(r"^\d+(?:-\d+)*$")
_SPACES = re.compile(r"\s+")
CATEGORY_BY_TEXT: dict[str, str] = {
    **{str(label): str(value) for value, label in HouseholdCategory.choices},
    **{str(value): str(value) for value in HouseholdCategory.values},
}


def _text(value: Any) -> str:
    """A value as stripped text, inner runs of whitespace collapsed; whole floats without '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _SPACES.sub(" ", str(value)).strip()


def _members(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    text = unicodedata.normalize("NFKC", _text(value))
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or number != number.to_integral_value():
        return None
    return int(number)


def clean_household(
    data: Mapping[str, Any], *, partial: bool = False
) -> tuple[dict[str, Any], dict[str, str]]:
    """Normalise and check raw household values (form fields, Excel cells).

    Returns (cleaned values, {field: Chinese message}). With `partial` only the fields present in
    `data` are checked (an update of some fields); otherwise absent fields get their defaults.
    类别 accepts the label (脱贫户) or the stored value (lifted); blank means 一般户.
    """
    cleaned: dict[str, Any] = {}
    problems: dict[str, str] = {}

    def present(field: str) -> bool:
        return not partial or field in data

    if present("head_name"):
        head = _text(data.get("head_name")).replace(" ", "")
        if not head:
            problems["head_name"] = "户主不能为空"
        elif len(head) > 50:
            problems["head_name"] = f"户主不能超过50字（现为{len(head)}字）"
        cleaned["head_name"] = head
    if present("group_name"):
        group = _text(data.get("group_name"))
        if len(group) > 50:
            problems["group_name"] = f"村民小组不能超过50字（现为{len(group)}字）"
        cleaned["group_name"] = group
    if present("members"):
        raw = _text(data.get("members"))
        members = _members(raw)
        if not raw:
            problems["members"] = "人口不能为空，应为1到99之间的整数"
        elif members is None or not 1 <= members <= MAX_MEMBERS:
            problems["members"] = f"人口「{raw}」应为1到{MAX_MEMBERS}之间的整数"
        else:
            cleaned["members"] = members
    if present("phone"):
        phone = unicodedata.normalize("NFKC", _text(data.get("phone"))).replace(" ", "")
        phone = phone.replace("—", "-").replace("–", "-")
        digits = sum(ch.isdigit() for ch in phone)
        if phone and (not _PHONE.match(phone) or digits < 7 or len(phone) > 20):
            problems["phone"] = f"联系电话「{phone}」应为7到20位数字，可用“-”分隔"
        cleaned["phone"] = phone
    if present("category"):
        raw_category = _text(data.get("category"))
        category = CATEGORY_BY_TEXT.get(raw_category) if raw_category else HouseholdCategory.GENERAL.value
        if category is None:
            allowed = "、".join(str(label) for label in HouseholdCategory.labels)
            problems["category"] = f"类别「{raw_category}」不正确，应为 {allowed} 之一"
        else:
            cleaned["category"] = category
    for field, limit in (("address", 200), ("note", 200)):
        if present(field):
            value = _text(data.get(field))
            if len(value) > limit:
                problems[field] = f"{HOUSEHOLD_LABELS[field]}不能超过{limit}字（现为{len(value)}字）"
            cleaned[field] = value
    unknown = set(data) - set(HOUSEHOLD_FIELDS)
    if unknown:
        raise TypeError(f"unknown household fields: {sorted(unknown)}")
    return cleaned, problems


def duplicate_message(head_name: str, group_name: str) -> str:
    where = f"村民小组「{group_name}」" if group_name else "未分组农户中"
    return f"本村{where}已有户主为「{head_name}」的农户"


def require_village_manager(actor: User | None, village: Unit) -> None:
    """The actor (None = the system) may change the register of `village`: it is a 村/社区 in
    their scope and their role manages 驻村 data."""
    if village.kind not in VILLAGE_KINDS:
        raise ValidationError(
            {"village": f"「{village.name}」不是村或社区，不能登记农户"}, code=errors.NOT_VILLAGE
        )
    if actor is None:
        return
    if not has_capability(actor, "villagework.manage"):
        raise PermissionDenied("您的角色不能维护农户花名册")
    if not unit_in_scope(actor, village):
        raise PermissionDenied("该村不在您的数据范围内")


def lock_village(village: Unit) -> None:
    """Every write to a village's register (and its Excel import) locks the village row first, so
    the 户主+村民小组 uniqueness check and the write cannot interleave with another writer's."""
    lock_unit(village)


def _check_unique(village: Unit, head_name: str, group_name: str, exclude_pk: int | None) -> None:
    clash = Household.objects.filter(village=village, head_name=head_name, group_name=group_name)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError(
            {"head_name": duplicate_message(head_name, group_name)}, code=errors.HOUSEHOLD_DUPLICATE
        )


def _snapshot(household: Household) -> dict[str, Any]:
    return {field: getattr(household, field) for field in (*HOUSEHOLD_FIELDS, "is_active")}


def household_create(*, village: Unit, actor: User | None, **fields: Any) -> Household:
    require_village_manager(actor, village)
    cleaned, problems = clean_household(fields)
    if problems:
        raise ValidationError(problems, code=errors.HOUSEHOLD_INVALID)
    pinyin, initials, _ = name_keys(cleaned["head_name"])
    with transaction.atomic():
        lock_village(village)
        _check_unique(village, cleaned["head_name"], cleaned["group_name"], None)
        household = Household(
            village=village, head_pinyin=pinyin[:200], head_initials=initials[:50], **cleaned
        )
        household.full_clean()
        household.save()
        record_event(
            actor=actor,
            action=events.HOUSEHOLD_CREATE,
            obj=household,
            unit_path=village.path,
            payload=_snapshot(household),
        )
    return household


def household_update(*, household: Household, actor: User | None, **fields: Any) -> Household:
    """Change some fields of a household; unchanged fields may be left out."""
    require_village_manager(actor, household.village)
    cleaned, problems = clean_household(fields, partial=True)
    if problems:
        raise ValidationError(problems, code=errors.HOUSEHOLD_INVALID)
    with transaction.atomic():
        lock_village(household.village)
        household = Household.objects.select_for_update().select_related("village").get(pk=household.pk)
        before = _snapshot(household)
        for field, value in cleaned.items():
            setattr(household, field, value)
        changed = [f for f in HOUSEHOLD_FIELDS if getattr(household, f) != before[f]]
        if not changed:
            return household
        if {"head_name", "group_name"} & set(changed):
            _check_unique(household.village, household.head_name, household.group_name, household.pk)
        if "head_name" in changed:
            pinyin, initials, _ = name_keys(household.head_name)
            household.head_pinyin, household.head_initials = pinyin[:200], initials[:50]
            changed += ["head_pinyin", "head_initials"]
        household.full_clean()
        household.save(update_fields=[*changed, "updated_at"])
        record_event(
            actor=actor,
            action=events.HOUSEHOLD_UPDATE,
            obj=household,
            unit_path=household.village.path,
            payload={
                "before": {f: before[f] for f in changed if f in before},
                "after": {f: getattr(household, f) for f in changed if f in before},
            },
        )
    return household


def _set_active(
    household: Household, active: bool, actor: User | None, action: str, reason: str
) -> Household:
    require_village_manager(actor, household.village)
    reason = _text(reason)
    if len(reason) > 200:
        raise ValidationError({"reason": "原因不能超过200字"}, code=errors.REASON_TOO_LONG)
    with transaction.atomic():
        household = Household.objects.select_for_update().select_related("village").get(pk=household.pk)
        if household.is_active == active:
            state = "在册" if active else "已注销"
            raise ValidationError(f"农户「{household}」已是{state}状态", code=errors.HOUSEHOLD_STATE)
        household.is_active = active
        household.save(update_fields=["is_active", "updated_at"])
        record_event(
            actor=actor,
            action=action,
            obj=household,
            unit_path=household.village.path,
            payload={"reason": reason} if reason else {},
        )
    return household


def household_deactivate(*, household: Household, actor: User | None, reason: str = "") -> Household:
    """迁出/注销: the household leaves the register (no longer counted for coverage or offered for
    visits) but keeps its visits and requests."""
    return _set_active(household, False, actor, events.HOUSEHOLD_DEACTIVATE, reason)


def household_reactivate(*, household: Household, actor: User | None, reason: str = "") -> Household:
    return _set_active(household, True, actor, events.HOUSEHOLD_REACTIVATE, reason)


def household_delete(*, household: Household, actor: User | None) -> None:
    """Delete a household entered by mistake. Refused once it has visits or requests (then it can
    only be deactivated, so the history stays)."""
    require_village_manager(actor, household.village)
    with transaction.atomic():
        household = Household.objects.select_for_update().select_related("village").get(pk=household.pk)
        if household_has_history(household):
            raise ValidationError(
                f"农户「{household}」已有走访或诉求记录，不能删除；如已迁出请改为注销",
                code=errors.HOUSEHOLD_HAS_HISTORY,
            )
        snapshot = _snapshot(household)
        record_event(
            actor=actor,
            action=events.HOUSEHOLD_DELETE,
            obj=household,
            unit_path=household.village.path,
            payload=snapshot,
        )
        household.delete()
