"""Everything the 任免审批表 says, computed once (`form_data`) and shared by the Word document and
the LRMX file, so the .docx and the .lrmx of a cadre always say the same thing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ganbu.cadres.appointment_form.resume import resume_lines
from ganbu.cadres.appointment_form.texts import (
    EducationSummary,
    FamilyRow,
    assessment_text,
    birth_text,
    education_summary,
    family_rows,
    month_text,
    party_text,
    photo_bytes,
    rewards_text,
)
from ganbu.cadres.models import Cadre, EducationKind
from ganbu.cadres.rules import held_appointments
from ganbu.cadres.services import CodeBook


@dataclass(frozen=True)
class FormData:
    """Everything the form says, as text (plus the few raw values LRMX needs)."""

    cadre: Cadre
    as_of: date
    name: str
    gender: str
    birth: str
    ethnicity: str
    native_place: str
    birthplace: str
    party: str
    work_started: str
    health: str
    professional_title: str
    expertise: str
    fulltime: EducationSummary
    inservice: EducationSummary
    current_title: str
    proposed_post: str
    proposed_removal: str
    resume: list[str]
    rewards: str
    assessments: str
    reason: str
    family: list[FamilyRow]
    reporting_unit: str
    filled_by: str
    photo: bytes | None


def _title_held(cadre: Cadre, on: date | None) -> str:
    """现任职务 - the derived one, or with `on` the titles of the posts held that day (the main one
    first, as the registry derives it); a cadre without appointment records keeps the derived one."""
    appointments = list(cadre.appointments.all())
    if on is None or not appointments:
        return cadre.current_title
    return "、".join(a.title for a in held_appointments(appointments, on))[:200]


def form_data(
    cadre: Cadre,
    *,
    as_of: date,
    proposed_post: str = "",
    proposed_removal: str = "",
    reason: str = "",
    reporting_unit: str = "",
    filled_by: str = "",
    codes: CodeBook | None = None,
    held_on: date | None = None,
) -> FormData:
    """`as_of`: the day the form is filled (ages, the last three years' grades, 填表时间);
    `held_on`: the registry as it stood that day (现任职务, 简历, the grades decided by then), e.g. the day before a
    选拔任用 case's 任职 for the form of that case; None: as they stand."""
    codes = codes or CodeBook()
    educations = list(cadre.educations.all())
    return FormData(
        cadre=cadre,
        as_of=as_of,
        name=cadre.name,
        gender=codes.name("gender", cadre.gender),
        birth=birth_text(cadre.birth_date, as_of),
        ethnicity=codes.name("ethnicity", cadre.ethnicity),
        native_place=cadre.native_place,
        birthplace=cadre.birthplace,
        party=party_text(cadre, codes),
        work_started=month_text(cadre.work_started_on),
        health=cadre.health,
        professional_title=cadre.professional_title,
        expertise=cadre.expertise,
        fulltime=education_summary(educations, EducationKind.FULL_TIME, codes),
        inservice=education_summary(educations, EducationKind.IN_SERVICE, codes),
        current_title=_title_held(cadre, held_on),
        proposed_post=proposed_post,
        proposed_removal=proposed_removal,
        resume=resume_lines(cadre, on=held_on),
        rewards=rewards_text(cadre, as_of),
        assessments=assessment_text(cadre, as_of, codes, held_on=held_on),
        reason=reason,
        family=family_rows(cadre, as_of, codes),
        reporting_unit=reporting_unit,
        filled_by=filled_by,
        photo=photo_bytes(cadre),
    )
