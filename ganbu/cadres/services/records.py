"""Sub-records of a cadre (education, appointments, ranks, rewards, assessments, family): one pair
of functions, `record_save` / `record_delete`, with a validator per kind."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone

from ganbu.audit.services import record_event
from ganbu.cadres.errors import APPOINTMENT_INVALID, RECORD_INVALID
from ganbu.cadres.models import (
    AnnualAssessment,
    Appointment,
    AppointmentMethod,
    Cadre,
    Education,
    EducationKind,
    FamilyMember,
    RankRecord,
    RewardKind,
    RewardPunishment,
)
from ganbu.cadres.rules import parse_id_number
from ganbu.cadres.services.common import (
    CodeBook,
    label,
    model_field,
    plain,
    raise_errors,
    require_scope,
)
from ganbu.cadres.services.derived import cadre_refresh_derived
from ganbu.org.models import Post, User


@dataclass(frozen=True)
class RecordKind:
    model: type[models.Model]
    fields: tuple[str, ...]
    validate: Callable[[Cadre, dict[str, Any], CodeBook, int | None], dict[str, str]]
    refresh: bool  # whether derived fields depend on it


def _check_code(
    errors: dict[str, str],
    model: type[models.Model],
    field: str,
    table: str,
    value: str,
    codes: CodeBook,
    *,
    required: bool,
) -> None:
    if not value:
        if required:
            errors.setdefault(field, f"{label(model, field)}不能为空")
        return
    if not codes.valid(table, value):
        errors.setdefault(field, codes.unknown_message(table, value, label(model, field)))


def _validate_education(cadre: Cadre, d: dict[str, Any], codes: CodeBook, pk: int | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if d.get("kind") not in EducationKind.values:
        errors["kind"] = "教育类别应为全日制教育或在职教育"
    _check_code(errors, Education, "education", "education", d.get("education") or "", codes, required=False)
    _check_code(errors, Education, "degree", "degree", d.get("degree") or "", codes, required=False)
    if not d.get("education") and not d.get("degree"):
        errors.setdefault("education", "学历和学位至少填写一项")
    start, end = d.get("started_on"), d.get("ended_on")
    if start and end and end < start:
        errors["ended_on"] = "毕业时间应晚于入学时间"
    if start and start <= cadre.birth_date:
        errors["started_on"] = "入学时间应晚于出生日期"
    return errors


def _validate_appointment(cadre: Cadre, d: dict[str, Any], codes: CodeBook, pk: int | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not (d.get("title") or "").strip():
        errors["title"] = "职务名称不能为空"
    if d.get("unit") is None:
        errors["unit"] = "任职单位不能为空"
    _check_code(errors, Appointment, "level", "leadership_level", d.get("level") or "", codes, required=False)
    if d.get("method") and d["method"] not in AppointmentMethod.values:
        errors["method"] = "任职方式应为选任、委任、聘任或考任"
    start, end = d.get("started_on"), d.get("ended_on")
    if start is None:
        errors["started_on"] = "任职时间不能为空"
    else:
        if start <= cadre.birth_date:
            errors["started_on"] = "任职时间应晚于出生日期"
        elif cadre.work_started_on and start < cadre.work_started_on:
            errors["started_on"] = f"任职时间应不早于参加工作时间（{cadre.work_started_on:%Y-%m-%d}）"
        if end and end < start:
            errors["ended_on"] = "免职时间应不早于任职时间"
        post: Post | None = d.get("post")
        if post is not None and "started_on" not in errors:
            others = Appointment.objects.filter(cadre=cadre, post=post)
            if pk:
                others = others.exclude(pk=pk)
            for other in others:
                other_end = other.ended_on or date.max
                this_end = end or date.max
                if start <= other_end and other.started_on <= this_end:
                    errors["started_on"] = (
                        f"与同一职位的另一段任职（{other.started_on:%Y-%m-%d}—"
                        f"{other.ended_on.strftime('%Y-%m-%d') if other.ended_on else '今'}）时间重叠"
                    )
                    break
    return errors


def _validate_rank(cadre: Cadre, d: dict[str, Any], codes: CodeBook, pk: int | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    _check_code(errors, RankRecord, "rank", "civil_service_rank", d.get("rank") or "", codes, required=True)
    start, end = d.get("started_on"), d.get("ended_on")
    if start is None:
        errors["started_on"] = "任职级时间不能为空"
    elif cadre.work_started_on and start < cadre.work_started_on:
        errors["started_on"] = "任职级时间应不早于参加工作时间"
    if start and end and end < start:
        errors["ended_on"] = "终止时间应不早于任职级时间"
    return errors


def _validate_reward(cadre: Cadre, d: dict[str, Any], codes: CodeBook, pk: int | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if d.get("kind") not in RewardKind.values:
        errors["kind"] = "类别应为奖励或惩处"
    if not (d.get("name") or "").strip():
        errors["name"] = "名称不能为空"
    if d.get("granted_on") is None:
        errors["granted_on"] = "时间不能为空"
    elif d["granted_on"] <= cadre.birth_date:
        errors["granted_on"] = "时间应晚于出生日期"
    return errors


def _validate_assessment(cadre: Cadre, d: dict[str, Any], codes: CodeBook, pk: int | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    year = d.get("year")
    if not year or not (1950 <= int(year) <= timezone.localdate().year):
        errors["year"] = "年度不合理"
    elif cadre.work_started_on and int(year) < cadre.work_started_on.year:
        errors["year"] = "年度早于参加工作时间"
    _check_code(
        errors, AnnualAssessment, "grade", "assessment_result", d.get("grade") or "", codes, required=True
    )
    if year and "year" not in errors:
        clash = AnnualAssessment.objects.filter(cadre=cadre, year=year)
        if pk:
            clash = clash.exclude(pk=pk)
        if clash.exists():
            errors["year"] = f"{year}年度的考核结果已存在"
    return errors


def _validate_family(cadre: Cadre, d: dict[str, Any], codes: CodeBook, pk: int | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    _check_code(
        errors, FamilyMember, "relation", "family_relation", d.get("relation") or "", codes, required=True
    )
    _check_code(
        errors,
        FamilyMember,
        "political_status",
        "political_status",
        d.get("political_status") or "",
        codes,
        required=False,
    )
    if not (d.get("name") or "").strip():
        errors["name"] = "姓名不能为空"
    id_number = (d.get("id_number") or "").strip()
    if id_number:
        try:
            parse_id_number(id_number)
        except ValueError as exc:
            errors["id_number"] = str(exc)
    born = d.get("birth_date")
    if born and born > timezone.localdate():
        errors["birth_date"] = "出生日期不能晚于今天"
    return errors


RECORD_KINDS: dict[str, RecordKind] = {
    "education": RecordKind(
        Education,
        ("kind", "education", "degree", "school", "major", "started_on", "ended_on"),
        _validate_education,
        True,
    ),
    "appointment": RecordKind(
        Appointment,
        (
            "unit",
            "post",
            "title",
            "level",
            "is_leadership",
            "is_primary",
            "method",
            "started_on",
            "ended_on",
            "document_number",
            "end_document_number",
        ),
        _validate_appointment,
        True,
    ),
    "rank": RecordKind(
        RankRecord, ("rank", "started_on", "ended_on", "document_number"), _validate_rank, True
    ),
    "reward": RecordKind(
        RewardPunishment,
        ("kind", "name", "granted_on", "authority", "document_number", "note"),
        _validate_reward,
        False,
    ),
    "assessment": RecordKind(AnnualAssessment, ("year", "grade", "note"), _validate_assessment, False),
    "family": RecordKind(
        FamilyMember,
        ("relation", "name", "birth_date", "political_status", "workplace", "id_number"),
        _validate_family,
        False,
    ),
}


def record_save(
    *,
    cadre: Cadre,
    kind: str,
    data: dict[str, Any],
    actor: User | None,
    instance: models.Model | None = None,
    codes: CodeBook | None = None,
) -> models.Model:
    """Create (instance=None) or update one sub-record of `cadre`."""
    spec = RECORD_KINDS[kind]
    codes = codes or CodeBook()
    require_scope(actor, cadre.unit)
    if instance is not None and getattr(instance, "cadre_id", None) != cadre.pk:
        raise PermissionDenied("记录不属于该干部")
    if kind == "appointment" and data.get("unit") is not None:
        require_scope(actor, data["unit"])
    if kind == "appointment" and data.get("post") is not None:
        post: Post = data["post"]
        if data.get("unit") is not None and post.unit_id != data["unit"].pk:
            raise_errors({"post": "职位不属于所选任职单位"}, APPOINTMENT_INVALID)
    values = {f: data.get(f) for f in spec.fields}
    raise_errors(spec.validate(cadre, values, codes, instance.pk if instance else None), RECORD_INVALID[kind])
    obj = instance or spec.model(cadre=cadre)
    before = {f: getattr(obj, f) for f in spec.fields} if instance else None
    for f, v in values.items():
        field = model_field(spec.model, f)
        if v is None and not field.null and isinstance(field, (models.CharField, models.TextField)):
            v = ""
        if v is None and isinstance(field, models.BooleanField):
            v = field.default
        setattr(obj, f, v)
    verb = "update" if instance else "create"
    with transaction.atomic():
        obj.full_clean(exclude=["cadre"])
        obj.save()
        if spec.refresh:
            cadre_refresh_derived(cadre=cadre)
        record_event(
            actor=actor,
            action=f"cadre.{kind}.{verb}",
            obj=cadre,
            unit_path=cadre.unit.path,
            payload={
                "record_id": obj.pk,
                "before": plain(before),
                "after": plain({f: getattr(obj, f) for f in spec.fields}),
            },
        )
    return obj


def record_delete(*, cadre: Cadre, kind: str, instance: models.Model, actor: User | None) -> None:
    spec = RECORD_KINDS[kind]
    require_scope(actor, cadre.unit)
    if getattr(instance, "cadre_id", None) != cadre.pk:
        raise PermissionDenied("记录不属于该干部")
    with transaction.atomic():
        payload = {"record_id": instance.pk, "before": plain({f: getattr(instance, f) for f in spec.fields})}
        instance.delete()
        if spec.refresh:
            cadre_refresh_derived(cadre=cadre)
        record_event(
            actor=actor, action=f"cadre.{kind}.delete", obj=cadre, unit_path=cadre.unit.path, payload=payload
        )
