"""Importing a parsed LRMX record into the registry through the services (cadre_create /
cadre_update / record_save / cadre_set_photo), all or nothing per file (see the package docstring
for the matching and the month-precision dates)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from ganbu.audit.services import record_event
from ganbu.cadres.appointment_form import school_text
from ganbu.cadres.lrmx.reading import parse_lrmx
from ganbu.cadres.lrmx.records import LrmxError, LrmxRecord, norm
from ganbu.cadres.lrmx.writing import computed_elements
from ganbu.cadres.models import AnnualAssessment, Appointment, Cadre, Education, FamilyMember
from ganbu.cadres.services import (
    RECORD_KINDS,
    CodeBook,
    cadre_create,
    cadre_set_photo,
    cadre_update,
    record_save,
)
from ganbu.core.dates import add_years
from ganbu.org.models import Unit, User


def _messages(exc: ValidationError) -> str:
    return "；".join(dict.fromkeys(exc.messages))


def _same_month(a: date | None, b: date | None) -> bool:
    return (a is None and b is None) or (
        a is not None and b is not None and (a.year, a.month) == (b.year, b.month)
    )


def _keep_day(old: date | None, new: date | None) -> date | None:
    """The file's month-precision date, or the stored date when it is in the same month."""
    return old if old is not None and _same_month(old, new) else new


def _not_before(value: date | None, floor: date | None) -> date | None:
    """`value` (a month-precision date), moved up to `floor` when both are in the same month."""
    if value is not None and floor is not None and _same_month(value, floor) and value < floor:
        return floor
    return value


def _find_existing(record: LrmxRecord) -> Cadre | None:
    if record.id_number:
        return Cadre.objects.filter(id_number=record.id_number).first()
    matches = list(
        Cadre.objects.filter(
            name=record.name,
            birth_date__year=record.birth_date.year,
            birth_date__month=record.birth_date.month,
            id_number__isnull=True,
        )[:2]
    )
    return matches[0] if len(matches) == 1 else None


def _save(
    *,
    cadre: Cadre,
    kind: str,
    values: dict[str, Any],
    instance: models.Model | None,
    actor: User | None,
    codes: CodeBook,
    context: str,
) -> None:
    """Create, or update `instance` when `values` change it; errors name the part of the file."""
    if instance is not None:
        current = {f: getattr(instance, f) for f in RECORD_KINDS[kind].fields}
        merged = {**current, **values}
        if merged == current:
            return
        values = merged
    try:
        record_save(cadre=cadre, kind=kind, data=values, actor=actor, instance=instance, codes=codes)
    except ValidationError as exc:
        raise LrmxError(f"{context}：{_messages(exc)}") from exc


def _sync_educations(cadre: Cadre, record: LrmxRecord, actor: User | None, codes: CodeBook) -> None:
    existing: list[Education] = list(cadre.educations.all())
    for edu in record.educations:
        text = norm(school_text(edu.school, edu.major))
        instance = next(
            (e for e in existing if e.kind == edu.kind and norm(school_text(e.school, e.major)) == text),
            None,
        )
        values: dict[str, Any] = {"kind": edu.kind, "school": edu.school, "major": edu.major}
        if instance is None:
            values.update(
                education=edu.education, degree=edu.degree, started_on=edu.started_on, ended_on=edu.ended_on
            )
        else:  # what the file says wins; what it leaves empty keeps the stored value
            values.update(
                education=edu.education or instance.education,
                degree=edu.degree or instance.degree,
                started_on=_keep_day(instance.started_on, edu.started_on) or instance.started_on,
                ended_on=_keep_day(instance.ended_on, edu.ended_on) or instance.ended_on,
            )
        _save(
            cadre=cadre,
            kind="education",
            values=values,
            instance=instance,
            actor=actor,
            codes=codes,
            context=f"学历「{school_text(edu.school, edu.major)}」",
        )


def _sync_appointments(
    cadre: Cadre, record: LrmxRecord, unit: Unit, actor: User | None, codes: CodeBook
) -> None:
    existing: list[Appointment] = list(cadre.appointments.all())
    for post in record.appointments:
        instance = next(
            (
                a
                for a in existing
                if _same_month(a.started_on, post.started_on) and norm(a.title) == norm(post.title)
            ),
            None,
        )
        context = (
            f"简历「{post.started_on:%Y.%m}--{post.ended_on:%Y.%m}  {post.title}」"
            if post.ended_on
            else (f"简历「{post.started_on:%Y.%m}--  {post.title}」")
        )
        if instance is None:
            started_on = _not_before(post.started_on, cadre.work_started_on)
            values: dict[str, Any] = {
                "unit": unit,
                "title": post.title,
                "is_primary": post.is_primary,
                "started_on": started_on,
                "ended_on": _not_before(post.ended_on, started_on),
            }
        else:
            values = {"is_primary": post.is_primary, "ended_on": _keep_day(instance.ended_on, post.ended_on)}
        _save(
            cadre=cadre,
            kind="appointment",
            values=values,
            instance=instance,
            actor=actor,
            codes=codes,
            context=context,
        )


def _sync_family(cadre: Cadre, record: LrmxRecord, actor: User | None, codes: CodeBook) -> None:
    existing: list[FamilyMember] = list(cadre.family.all())
    for member in record.family:
        instance = next(
            (f for f in existing if f.relation == member.relation and f.name == member.name), None
        )
        values = {
            "relation": member.relation,
            "name": member.name,
            "birth_date": _keep_day(instance.birth_date, member.birth_date)
            if instance
            else member.birth_date,
            "political_status": member.political_status,
            "workplace": member.workplace,
        }
        _save(
            cadre=cadre,
            kind="family",
            values=values,
            instance=instance,
            actor=actor,
            codes=codes,
            context=f"家庭成员「{codes.name('family_relation', member.relation)} {member.name}」",
        )


def _sync_assessments(cadre: Cadre, record: LrmxRecord, actor: User | None, codes: CodeBook) -> None:
    existing: dict[int, AnnualAssessment] = {a.year: a for a in cadre.assessments.all()}
    for year, grade in record.assessments:
        _save(
            cadre=cadre,
            kind="assessment",
            values={"year": year, "grade": grade},
            instance=existing.get(year),
            actor=actor,
            codes=codes,
            context=f"年度考核结果 {year}年度",
        )


def import_lrmx_record(
    record: LrmxRecord,
    *,
    unit: Unit,
    actor: User | None,
    personnel_category: str = "1",
    codes: CodeBook | None = None,
) -> tuple[Cadre, bool]:
    """Write a parsed LRMX record: create the cadre in `unit` or update the one with the same
    身份证号, then upsert its records. All or nothing."""
    codes = codes or CodeBook()
    with transaction.atomic():
        cadre = _find_existing(record)
        created = cadre is None
        data = record.cadre_data()
        data["party_joined_on"] = _not_before(data["party_joined_on"], add_years(record.birth_date, 18))
        try:
            if cadre is None:
                cadre = cadre_create(
                    data={**data, "personnel_category": personnel_category},
                    unit=unit,
                    actor=actor,
                    codes=codes,
                )
            else:
                for name in ("party_joined_on", "work_started_on", "birth_date"):
                    data[name] = _keep_day(getattr(cadre, name), data[name])
                cadre = cadre_update(cadre=cadre, data=data, actor=actor, codes=codes)
        except ValidationError as exc:
            raise LrmxError(f"干部基本信息有误：{_messages(exc)}") from exc
        _sync_educations(cadre, record, actor, codes)
        _sync_appointments(cadre, record, unit, actor, codes)
        _sync_assessments(cadre, record, actor, codes)
        _sync_family(cadre, record, actor, codes)
        if record.photo:
            try:
                cadre_set_photo(cadre=cadre, content=record.photo, actor=actor)
            except ValidationError as exc:
                raise LrmxError(f"ZhaoPian（照片）有误：{_messages(exc)}") from exc
        cadre.refresh_from_db()
        cadre_keep_lrmx_file(cadre=cadre, record=record, actor=actor, codes=codes)
    return cadre, created


def cadre_keep_lrmx_file(*, cadre: Cadre, record: LrmxRecord, actor: User | None, codes: CodeBook) -> Cadre:
    """Keep the file's elements as written with the record (`Cadre.lrmx_extras`), each with the
    text the registry gives for it now ("ours"), so that an export can tell an element the
    registry has not changed since (written as the file had it) from one it changed (see
    `writing`). Replaces what an earlier file left; audited as a change of the cadre."""
    as_of = record.age_as_of
    computed = computed_elements(cadre, as_of=as_of or timezone.localdate(), codes=codes)
    elements = [
        {**e, "ours": computed[e["tag"]]} if e["tag"] in computed else dict(e) for e in record.elements
    ]
    extras = {
        "elements": elements,
        "as_of": as_of.isoformat() if as_of else None,
        "warnings": list(record.warnings),
        # where the 到龄年月 of an export comes from: the file's DaoLingNianYue, or computed
        "age_limit_month": "file" if any(e["tag"] == "DaoLingNianYue" for e in elements) else "computed",
    }
    if extras == cadre.lrmx_extras:
        return cadre
    before = len(cadre.lrmx_extras.get("elements", [])) if cadre.lrmx_extras else 0
    with transaction.atomic():
        cadre.lrmx_extras = extras
        cadre.save(update_fields=["lrmx_extras", "updated_at"])
        record_event(
            actor=actor,
            action="cadre.update",
            obj=cadre,
            unit_path=cadre.unit.path,
            payload={
                "before": {"lrmx_extras": f"{before} 项"},
                "after": {"lrmx_extras": f"{len(elements)} 项（LRMX 文件原文）"},
            },
        )
    return cadre


def import_lrmx(
    data: bytes, *, unit: Unit, actor: User | None, personnel_category: str = "1"
) -> tuple[Cadre, bool]:
    """Parse and import one LRMX file; returns (cadre, created). New cadres get
    `personnel_category` (LRMX does not carry 人员类别; default 公务员)."""
    codes = CodeBook()
    record = parse_lrmx(data, codes=codes)
    return import_lrmx_record(
        record, unit=unit, actor=actor, personnel_category=personnel_category, codes=codes
    )
