"""Writes to the cadre registry. Every function validates (Chinese messages naming the field),
checks the actor's scope, writes inside one transaction with an audit event, and refreshes the
derived fields (current post, rank, education, search keys).

Sub-records (education, appointments, ranks, rewards, assessments, family) share one pair of
functions, `record_save` / `record_delete`, with a validator per kind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from ganbu.audit.services import record_event
from ganbu.cadres.models import (
    AnnualAssessment,
    Appointment,
    AppointmentMethod,
    Cadre,
    Education,
    EducationKind,
    EvaluationRecord,
    FamilyMember,
    RankRecord,
    RewardKind,
    RewardPunishment,
)
from ganbu.cadres.periods import CADRE_FIELDS as PERIOD_CADRE_FIELDS
from ganbu.cadres.periods import rebuild as periods_rebuild
from ganbu.cadres.periods import replace_for_cadre as replace_periods
from ganbu.cadres.rules import AppointmentFacts, derive_current, parse_id_number
from ganbu.core.dates import age_on
from ganbu.core.pinyin import name_keys
from ganbu.org.models import CodeItem, Post, Unit, User
from ganbu.org.scoping import unit_in_scope

# Editable fields of the cadre record (derived ones are excluded on purpose).
CADRE_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "native_place",
    "birthplace",
    "id_number",
    "political_status",
    "party_joined_on",
    "work_started_on",
    "health",
    "professional_title",
    "expertise",
    "personnel_category",
    "establishment",
    "status",
)
CODE_FIELDS = {
    "gender": "gender",
    "ethnicity": "ethnicity",
    "political_status": "political_status",
    "personnel_category": "personnel_category",
    "establishment": "establishment",
}
# The derived fields of the record (rules.CurrentFields) that `cadre_refresh_derived` saves.
DERIVED_FIELDS = (
    "current_title",
    "current_level",
    "current_post_since",
    "is_leader",
    "current_rank",
    "current_rank_since",
    "fulltime_education",
    "fulltime_degree",
    "highest_education",
    "highest_degree",
)
PARTY_CODES = {"01", "02"}
# Cadre fields the state periods depend on (copied into them, or deciding which posts count).
PERIOD_SOURCE_FIELDS = frozenset({"status", *PERIOD_CADRE_FIELDS})


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


def label(model: type[models.Model], field: str) -> str:
    return str(_field(model, field).verbose_name)


class CodeBook:
    """All code tables in memory for one request or one import (a single query)."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[str, str]] = {}
        for key, code, name in CodeItem.objects.filter(is_active=True).values_list(
            "table__key", "code", "name"
        ):
            self.tables.setdefault(key, {})[code] = name

    def valid(self, table: str, code: str) -> bool:
        return code in self.tables.get(table, {})

    def name(self, table: str, code: str) -> str:
        return self.tables.get(table, {}).get(code, code)

    def code_for(self, table: str, value: str) -> str | None:
        """Accept a code or a name ('汉族' or '01')."""
        entries = self.tables.get(table, {})
        if value in entries:
            return value
        for code, name in entries.items():
            if name == value:
                return code
        return None


def _require_scope(actor: User | None, unit: Unit) -> None:
    if actor is not None and not unit_in_scope(actor, unit):
        raise PermissionDenied("该单位不在您的数据范围内")


# ---------------------------------------------------------------------------------------------
# Validation of the cadre record
# ---------------------------------------------------------------------------------------------


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
            err(field, f"{label(Cadre, field)}「{value}」不在代码表中")
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


def _raise(errors: dict[str, str], code: str) -> None:
    if errors:
        raise ValidationError({k: [ValidationError(v, code=code)] for k, v in errors.items()})


# ---------------------------------------------------------------------------------------------
# Derived fields
# ---------------------------------------------------------------------------------------------


def cadre_refresh_derived(*, cadre: Cadre, on: date | None = None, periods: bool = True) -> Cadre:
    """Recompute current post/rank/education and search keys from the records; save them. With
    `periods` (the default) also replace the cadre's state periods (models.StatePeriod), which
    depend on the records and on the cadre's status and counted fields but not on the date, so the
    daily refresh skips them."""
    on = on or timezone.localdate()
    appointments = [
        AppointmentFacts(
            a.title, a.level, a.is_leadership, a.is_primary, a.started_on, a.ended_on, a.unit_id, a.pk
        )
        for a in cadre.appointments.all()
    ]
    ranks = [(r.rank, r.started_on, r.ended_on) for r in cadre.ranks.all()]
    educations = [(e.kind, e.education, e.degree, e.ended_on) for e in cadre.educations.all()]
    derived = derive_current(appointments=appointments, ranks=ranks, educations=educations, on=on)
    cadre.name_pinyin, cadre.name_initials, cadre.stroke_key = name_keys(cadre.name)
    if derived.unit_id:
        cadre.unit_id = derived.unit_id
    for field in DERIVED_FIELDS:
        setattr(cadre, field, getattr(derived, field))
    cadre.current_title = cadre.current_title[:200]  # several concurrent posts can exceed the column
    cadre.save(
        update_fields=["name_pinyin", "name_initials", "stroke_key", "unit", *DERIVED_FIELDS, "updated_at"]
    )
    if periods:
        replace_periods(cadre, appointments=appointments, ranks=ranks, educations=educations)
    return cadre


def state_periods_rebuild(*, cadre_ids: Iterable[int] | None = None) -> int:
    """Rebuild the state periods (models.StatePeriod) of `cadre_ids` from their records, or with
    None those of every cadre (the whole table, audited). For writers that bypass
    `cadre_refresh_derived` with bulk inserts (the Excel import, the demo seeder): call it with the
    ids written, in the same transaction. Returns the number of period rows written."""
    with transaction.atomic():
        written = periods_rebuild(cadre_ids=cadre_ids)
        if cadre_ids is None:
            record_event(actor=None, action="cadre.rebuild_state_periods", payload={"rows": written})
    return written


# ---------------------------------------------------------------------------------------------
# Cadre create / update / delete
# ---------------------------------------------------------------------------------------------


def _snapshot(obj: models.Model, fields: tuple[str, ...] | list[str]) -> dict[str, Any]:
    return {f: getattr(obj, f) for f in fields}


def cadre_create(
    *, data: dict[str, Any], unit: Unit, actor: User | None, codes: CodeBook | None = None
) -> Cadre:
    codes = codes or CodeBook()
    _require_scope(actor, unit)
    data = {**data, "id_number": (data.get("id_number") or "").strip().upper() or None}
    _raise(validate_cadre(data, codes=codes), "cadre_invalid")
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
    _require_scope(actor, cadre.unit)
    merged = {f: getattr(cadre, f) for f in CADRE_FIELDS}
    merged.update({k: v for k, v in data.items() if k in CADRE_FIELDS})
    merged["id_number"] = (merged.get("id_number") or "").strip().upper() or None
    _raise(validate_cadre(merged, codes=codes, existing_pk=cadre.pk), "cadre_invalid")
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
    _require_scope(actor, cadre.unit)
    with transaction.atomic():
        record_event(
            actor=actor,
            action="cadre.delete",
            obj=cadre,
            unit_path=cadre.unit.path,
            payload={"name": cadre.name},
        )
        cadre.delete()


# ---------------------------------------------------------------------------------------------
# Sub-records
# ---------------------------------------------------------------------------------------------


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
        errors.setdefault(field, f"{label(model, field)}「{value}」不在代码表中")


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
    _require_scope(actor, cadre.unit)
    if instance is not None and getattr(instance, "cadre_id", None) != cadre.pk:
        raise PermissionDenied("记录不属于该干部")
    if kind == "appointment" and data.get("unit") is not None:
        _require_scope(actor, data["unit"])
    if kind == "appointment" and data.get("post") is not None:
        post: Post = data["post"]
        if data.get("unit") is not None and post.unit_id != data["unit"].pk:
            _raise({"post": "职位不属于所选任职单位"}, "appointment_invalid")
    values = {f: data.get(f) for f in spec.fields}
    _raise(spec.validate(cadre, values, codes, instance.pk if instance else None), f"{kind}_invalid")
    obj = instance or spec.model(cadre=cadre)
    before = {f: getattr(obj, f) for f in spec.fields} if instance else None
    for f, v in values.items():
        field = _field(spec.model, f)
        if v is None and not field.null and isinstance(field, (models.CharField, models.TextField)):
            v = ""
        if v is None and isinstance(field, models.BooleanField):
            v = field.default
        setattr(obj, f, v)
    with transaction.atomic():
        obj.full_clean(exclude=["cadre"])
        obj.save()
        if spec.refresh:
            cadre_refresh_derived(cadre=cadre)
        record_event(
            actor=actor,
            action=f"cadre.{kind}.{'update' if instance else 'create'}",
            obj=cadre,
            unit_path=cadre.unit.path,
            payload={
                "record_id": obj.pk,
                "before": _plain(before),
                "after": _plain({f: getattr(obj, f) for f in spec.fields}),
            },
        )
    return obj


def record_delete(*, cadre: Cadre, kind: str, instance: models.Model, actor: User | None) -> None:
    spec = RECORD_KINDS[kind]
    _require_scope(actor, cadre.unit)
    if getattr(instance, "cadre_id", None) != cadre.pk:
        raise PermissionDenied("记录不属于该干部")
    with transaction.atomic():
        payload = {"record_id": instance.pk, "before": _plain({f: getattr(instance, f) for f in spec.fields})}
        instance.delete()
        if spec.refresh:
            cadre_refresh_derived(cadre=cadre)
        record_event(
            actor=actor, action=f"cadre.{kind}.delete", obj=cadre, unit_path=cadre.unit.path, payload=payload
        )


def _plain(values: dict[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    return {k: (v.pk if isinstance(v, models.Model) else v) for k, v in values.items()}


PHOTO_MAX_BYTES = 2 * 1024 * 1024
PHOTO_TYPES = {b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png"}


def cadre_set_photo(*, cadre: Cadre, content: bytes, actor: User | None) -> Cadre:
    """Store the 2-inch photo of the 任免审批表 (JPEG or PNG, at most 2 MB); replaces the old one."""
    from django.core.files.base import ContentFile

    _require_scope(actor, cadre.unit)
    if len(content) > PHOTO_MAX_BYTES:
        raise ValidationError({"photo": "照片不能超过 2MB"}, code="photo_too_large")
    extension = next((ext for magic, ext in PHOTO_TYPES.items() if content.startswith(magic)), None)
    if extension is None:
        raise ValidationError({"photo": "照片应为 JPG 或 PNG 格式"}, code="photo_type")
    import hashlib

    digest = hashlib.sha256(content).hexdigest()
    old_name = cadre.photo.name if cadre.photo else ""
    with transaction.atomic():
        cadre.photo.save(f"{cadre.pk}_{digest[:12]}.{extension}", ContentFile(content), save=False)
        cadre.save(update_fields=["photo", "updated_at"])
        record_event(
            actor=actor,
            action="cadre.photo",
            obj=cadre,
            unit_path=cadre.unit.path,
            payload={"sha256": digest},
        )
    if old_name and old_name != cadre.photo.name:
        cadre.photo.storage.delete(old_name)
    return cadre


def cadres_refresh_due(*, since: date, today: date) -> int:
    """Refresh the derived fields of cadres with a record that took effect or ended in
    (since, today]: an appointment or rank starting, an appointment or rank ending the day before
    (so no longer current), an education completed. Derived fields are otherwise only recomputed on
    save, so a post entered in advance would stay 'future' in lists until this runs (daily)."""
    from django.db.models import Q

    window_start = since + timedelta(days=1)
    started = Q(started_on__gte=window_start, started_on__lte=today)
    ended = Q(ended_on__gte=since, ended_on__lt=today)
    ids: set[int] = set()
    ids.update(Appointment.objects.filter(started | ended).values_list("cadre_id", flat=True))
    ids.update(RankRecord.objects.filter(started | ended).values_list("cadre_id", flat=True))
    ids.update(
        Education.objects.filter(ended_on__gte=window_start, ended_on__lte=today).values_list(
            "cadre_id", flat=True
        )
    )
    refreshed = 0
    for cadre in Cadre.objects.filter(pk__in=ids).iterator(chunk_size=500):
        with transaction.atomic():
            cadre_refresh_derived(cadre=cadre, on=today, periods=False)
        refreshed += 1
    if refreshed:
        with transaction.atomic():
            record_event(
                actor=None,
                action="cadre.refresh_derived",
                payload={"since": since, "today": today, "count": refreshed},
            )
    return refreshed


def cadre_link_account(
    *, cadre: Cadre, user: User | None, actor: User | None, scope_unit: Unit | None = None
) -> Cadre:
    """Link (or with `user=None` unlink) the cadre's own login, e.g. a 驻村干部's phone account.

    The actor must have `scope_unit` (e.g. the village a county-department cadre is stationed in)
    or, by default, the cadre's own unit in scope."""
    _require_scope(actor, scope_unit or cadre.unit)
    if user is not None and Cadre.objects.filter(account=user).exclude(pk=cadre.pk).exists():
        raise ValidationError({"account": "该账号已关联其他干部"}, code="account_taken")
    with transaction.atomic():
        before = cadre.account_id
        cadre.account = user
        cadre.save(update_fields=["account", "updated_at"])
        record_event(
            actor=actor,
            action="cadre.account",
            obj=cadre,
            unit_path=cadre.unit.path,
            payload={"before": before, "after": user.pk if user else None},
        )
    return cadre


def cadre_of_user(user: User) -> Cadre | None:
    """The cadre record whose own login `user` is, if any."""
    if not user.is_authenticated:
        return None
    return Cadre.objects.select_related("unit").filter(account=user).first()


def evaluation_record_write(
    *,
    cadre: Cadre,
    year: int,
    kind: str,
    score: Decimal | None,
    grade: str,
    source: str,
    note: str = "",
    actor: User | None,
    scope_unit: Unit | None = None,
) -> EvaluationRecord:
    """Write (or replace) a scored special evaluation (e.g. 驻村考核) into the cadre's record.

    Called by the module that ran the evaluation. The actor must have `scope_unit` (the unit the
    evaluation belongs to, e.g. the village a cadre from a county department is stationed in) or,
    by default, the cadre's own unit in scope."""
    _require_scope(actor, scope_unit or cadre.unit)
    errors: dict[str, str] = {}
    if not kind.strip():
        errors["kind"] = "考核类别不能为空"
    if (
        grade
        and not CodeItem.objects.filter(table__key="assessment_result", code=grade, is_active=True).exists()
    ):
        errors["grade"] = f"等次代码「{grade}」不在考核结果代码表（ZB18）中"
    if not 1950 <= year <= 2100:
        errors["year"] = f"年度「{year}」不正确"
    if errors:
        raise ValidationError(errors, code="evaluation_record_invalid")
    with transaction.atomic():
        record, created = EvaluationRecord.objects.update_or_create(
            cadre=cadre,
            year=year,
            kind=kind.strip(),
            defaults={"score": score, "grade": grade, "source": source, "note": note[:500]},
        )
        record_event(
            actor=actor,
            action="cadre.evaluation_record",
            obj=cadre,
            unit_path=cadre.unit.path,
            payload={
                "year": year,
                "kind": record.kind,
                "score": str(score) if score is not None else None,
                "grade": grade,
                "source": source,
                "created": created,
            },
        )
    return record
