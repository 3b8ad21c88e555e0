"""The cadre record: validation, create, update, delete."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from ganbu.audit.services import record_event
from ganbu.cadres.errors import CADRE_INVALID
from ganbu.cadres.models import Cadre
from ganbu.cadres.rules import parse_id_number
from ganbu.cadres.services.common import (
    CADRE_FIELDS,
    CODE_FIELDS,
    PARTY_CODES,
    PERIOD_SOURCE_FIELDS,
    CodeBook,
    label,
    raise_errors,
    require_scope,
)
from ganbu.cadres.services.derived import cadre_refresh_derived
from ganbu.core.dates import age_on
from ganbu.core.pinyin import name_keys
from ganbu.org.models import Unit, User


def validate_cadre(
    data: dict[str, Any], *, codes: CodeBook, existing_pk: int | None = None
) -> dict[str, str]:
    """All problems with a cadre record, as {field: Chinese message}. Empty when valid."""
    errors: dict[str, str] = {}

    def err(field: str, message: str) -> None:
        errors.setdefault(field, message)

    name = (data.get("name") or "").strip()
    if not name:
        err("name", "姓名不能为空")
    elif len(name) > 50:
        err("name", "姓名过长")
    for field, table in CODE_FIELDS.items():
        value = data.get(field) or ""
        if field == "establishment" and not value:
            continue
        if not value:
            err(field, f"{label(Cadre, field)}不能为空")
        elif not codes.valid(table, value):
            err(field, codes.unknown_message(table, value, label(Cadre, field)))
    born: date | None = data.get("birth_date")
    if born is None:
        err("birth_date", "出生日期不能为空")
    id_number = (data.get("id_number") or "").strip().upper()
    if id_number:
        try:
            info = parse_id_number(id_number)
        except ValueError as exc:
            err("id_number", str(exc))
        else:
            if born and info.birth_date != born:
                err(
                    "id_number",
                    f"身份证号中的出生日期 {info.birth_date:%Y-%m-%d} 与出生日期 {born:%Y-%m-%d} 不一致",
                )
            if data.get("gender") in ("1", "2") and info.gender != data.get("gender"):
                err(
                    "id_number",
                    f"身份证号显示性别为{'男' if info.gender == '1' else '女'}，与填写的性别不一致",
                )
            clash = Cadre.objects.filter(id_number=id_number)
            if existing_pk:
                clash = clash.exclude(pk=existing_pk)
            if clash.exists():
                err("id_number", "该身份证号已存在于干部档案中")
    today = timezone.localdate()
    if born:
        if born >= today:
            err("birth_date", "出生日期应早于今天")
        elif age_on(born, today) > 100:
            err("birth_date", "出生日期不合理（年龄超过100岁）")
    work = data.get("work_started_on")
    if work and born and work <= born:
        err("work_started_on", "参加工作时间应晚于出生日期")
    if work and work > today:
        err("work_started_on", "参加工作时间不能晚于今天")
    party = data.get("party_joined_on")
    political = data.get("political_status") or ""
    if party:
        if political not in PARTY_CODES:
            err("party_joined_on", "政治面貌不是中共党员或预备党员，不应填写入党时间")
        elif born and age_on(born, party) < 18:
            err("party_joined_on", "入党时间应在年满18周岁之后")
        if party > today:
            err("party_joined_on", "入党时间不能晚于今天")
    elif political in PARTY_CODES:
        err("party_joined_on", "中共党员应填写入党时间")
    return errors


def _snapshot(obj: models.Model, fields: tuple[str, ...] | list[str]) -> dict[str, Any]:
    return {f: getattr(obj, f) for f in fields}


def cadre_create(
    *, data: dict[str, Any], unit: Unit, actor: User | None, codes: CodeBook | None = None
) -> Cadre:
    codes = codes or CodeBook()
    require_scope(actor, unit)
    data = {**data, "id_number": (data.get("id_number") or "").strip().upper() or None}
    raise_errors(validate_cadre(data, codes=codes), CADRE_INVALID)
    cadre = Cadre(unit=unit, **{f: data.get(f) for f in CADRE_FIELDS if f in data})
    cadre.name_pinyin, cadre.name_initials, cadre.stroke_key = name_keys(cadre.name)
    for field in ("native_place", "birthplace", "health", "professional_title", "expertise", "establishment"):
        if getattr(cadre, field) is None:
            setattr(cadre, field, "")
    with transaction.atomic():
        cadre.full_clean(exclude=["photo"])
        cadre.save()
        record_event(
            actor=actor,
            action="cadre.create",
            obj=cadre,
            unit_path=unit.path,
            payload={
                "fields": _snapshot(cadre, [f for f in CADRE_FIELDS if f != "id_number"]),
                "unit": unit.code,
            },
        )
    return cadre


def cadre_update(
    *, cadre: Cadre, data: dict[str, Any], actor: User | None, codes: CodeBook | None = None
) -> Cadre:
    """Update the editable fields present in `data`; audit the before/after of the changed ones."""
    codes = codes or CodeBook()
    require_scope(actor, cadre.unit)
    merged = {f: getattr(cadre, f) for f in CADRE_FIELDS}
    merged.update({k: v for k, v in data.items() if k in CADRE_FIELDS})
    merged["id_number"] = (merged.get("id_number") or "").strip().upper() or None
    raise_errors(validate_cadre(merged, codes=codes, existing_pk=cadre.pk), CADRE_INVALID)
    changed = [
        f
        for f in CADRE_FIELDS
        if merged[f] != getattr(cadre, f)
        and not (merged[f] in (None, "") and getattr(cadre, f) in (None, ""))
    ]
    if not changed:
        return cadre
    before = {f: ("***" if f == "id_number" else getattr(cadre, f)) for f in changed}
    for f in changed:
        setattr(
            cadre,
            f,
            merged[f]
            if merged[f] is not None or f in ("id_number", "party_joined_on", "work_started_on")
            else "",
        )
    with transaction.atomic():
        cadre.full_clean(exclude=["photo"])
        cadre.save(update_fields=[*changed, "updated_at"])
        if "name" in changed or PERIOD_SOURCE_FIELDS.intersection(changed):
            cadre_refresh_derived(cadre=cadre)
        after = {f: ("***" if f == "id_number" else getattr(cadre, f)) for f in changed}
        record_event(
            actor=actor,
            action="cadre.update",
            obj=cadre,
            unit_path=cadre.unit.path,
            payload={"before": before, "after": after},
        )
    return cadre


def cadre_delete(*, cadre: Cadre, actor: User) -> None:
    require_scope(actor, cadre.unit)
    with transaction.atomic():
        record_event(
            actor=actor,
            action="cadre.delete",
            obj=cadre,
            unit_path=cadre.unit.path,
            payload={"name": cadre.name},
        )
        cadre.delete()
