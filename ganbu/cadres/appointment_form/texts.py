"""The text of the 任免审批表, field by field: dates at month precision, the education rows, the
annual grades, the rewards, the family members (see the package docstring for the conventions)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ganbu.cadres.models import Cadre, Education, EducationKind
from ganbu.cadres.rules import DEGREE_RANK, EDUCATION_RANK
from ganbu.cadres.services import CodeBook
from ganbu.core.dates import age_on

DECEASED_MARKS = ("已故", "去世", "病故")

# Family members in the conventional order of the form: spouse, children, parents (and parents-in-
# law), siblings, grandchildren, grandparents, other relatives. The order is that of the first digit
# of the GB/T 4761-2008 code (1 配偶, 2 and 3 子女, 5 父母, 7 兄弟姐妹, 4 孙辈, 6 祖辈, 8 and 9 其他),
# which also holds for the three-digit local codes (271 养子 is a 2x code).
FAMILY_ORDER = ["1", "2", "3", "5", "7", "4", "6", "8", "9"]


def family_order(relation: str) -> tuple[int, str]:
    """Sort key of a family member on the form (see FAMILY_ORDER); unknown codes last."""
    group = relation[:1]
    return (FAMILY_ORDER.index(group) if group in FAMILY_ORDER else len(FAMILY_ORDER), relation)


def month_text(value: date | None) -> str:
    """`1985.03`; empty for None."""
    return f"{value.year:04d}.{value.month:02d}" if value else ""


def birth_text(born: date, as_of: date) -> str:
    """出生年月（岁）：`1985.03（40岁）`, the age counted at `as_of`."""
    return f"{month_text(born)}（{age_on(born, as_of)}岁）"


def party_text(cadre: Cadre, codes: CodeBook) -> str:
    """入党时间 cell: the date for 中共党员, the date and 「（预备党员）」 for 中共预备党员, the name of the
    party for members of other parties, empty for 群众."""
    status = cadre.political_status
    if status == "01":
        return month_text(cadre.party_joined_on)
    if status == "02":
        return f"{month_text(cadre.party_joined_on)}（预备党员）"
    if status in ("", "13"):
        return ""
    return codes.name("political_status", status)


def school_text(school: str, major: str) -> str:
    """毕业院校系及专业 - `海南大学法学专业` (「专业」 is added unless the major already ends with it
    or names a department)."""
    school, major = school.strip(), major.strip()
    if major and not major.endswith(("专业", "系")):
        major += "专业"
    return f"{school}{major}"


def study_text(education: Education) -> str:
    """The 简历 text of a study period: `海南大学法学专业学习` / `在中央党校经济管理专业在职学习`."""
    text = school_text(education.school, education.major)
    if education.kind == EducationKind.IN_SERVICE:
        return f"在{text}在职学习"
    return f"{text}学习"


@dataclass(frozen=True)
class EducationSummary:
    """One 学历学位 row of the form (全日制教育 or 在职教育)."""

    education: str = ""  # code
    degree: str = ""  # code
    education_name: str = ""
    degree_name: str = ""
    education_school: str = ""  # 毕业院校系及专业 of the 学历
    degree_school: str = ""  # 毕业院校系及专业 of the 学位


def education_summary(educations: Iterable[Education], kind: str, codes: CodeBook) -> EducationSummary:
    """The highest 学历 and the highest 学位 of one kind, each with its school."""
    rows = [e for e in educations if e.kind == kind]
    with_edu = [e for e in rows if e.education]
    with_degree = [e for e in rows if e.degree]
    best_edu = min(
        with_edu,
        key=lambda e: (EDUCATION_RANK.get(e.education, 99), -(e.ended_on or date.min).toordinal()),
        default=None,
    )
    best_degree = min(
        with_degree,
        key=lambda e: (DEGREE_RANK.get(e.degree, 99), -(e.ended_on or date.min).toordinal()),
        default=None,
    )
    return EducationSummary(
        education=best_edu.education if best_edu else "",
        degree=best_degree.degree if best_degree else "",
        education_name=codes.name("education", best_edu.education) if best_edu else "",
        degree_name=codes.name("degree", best_degree.degree) if best_degree else "",
        education_school=school_text(best_edu.school, best_edu.major) if best_edu else "",
        degree_school=school_text(best_degree.school, best_degree.major) if best_degree else "",
    )


def assessment_text(cadre: Cadre, as_of: date, codes: CodeBook, *, held_on: date | None = None) -> str:
    """年度考核结果 of the last three years up to `as_of`: `2023年度称职；2024年度优秀；2025年度称职。`
    With `held_on` (a form of the registry as it stood on a past day), only the years whose grade
    could have been decided by then: a year's grade comes after the year ends, so a form of
    2025-04-24 never shows a 2025 grade, whatever the registry holds today."""
    last = min(as_of.year, held_on.year - 1) if held_on else as_of.year
    rows = sorted((a for a in cadre.assessments.all() if a.year <= last), key=lambda a: a.year)[-3:]
    if not rows:
        return ""
    return "；".join(f"{a.year}年度{codes.name('assessment_result', a.grade)}" for a in rows) + "。"


def rewards_text(cadre: Cadre, as_of: date) -> str:
    """奖惩情况 - `2019.12 优秀共产党员（甲镇党委）；…。`, or 「无」."""
    rows = sorted((r for r in cadre.rewards.all() if r.granted_on <= as_of), key=lambda r: r.granted_on)
    if not rows:
        return "无"
    parts = []
    for r in rows:
        text = f"{month_text(r.granted_on)} {r.name}"
        if r.authority:
            text += f"（{r.authority}）"
        parts.append(text)
    return "；".join(parts) + "。"


@dataclass(frozen=True)
class FamilyRow:
    relation: str  # code
    relation_name: str
    name: str
    birth_date: date | None
    birth_text: str  # `1958.06（67岁）` (no age for the deceased)
    political_status: str  # code
    political_name: str
    workplace: str
    age: str = ""  # the 年龄 column of the form: `38`; empty for the deceased or without a birth date


def family_rows(cadre: Cadre, as_of: date, codes: CodeBook) -> list[FamilyRow]:
    members = sorted(
        cadre.family.all(),
        key=lambda m: (family_order(m.relation), m.pk or 0),
    )
    rows = []
    for m in members:
        age = ""
        if m.birth_date is None:
            born = ""
        elif any(mark in m.workplace for mark in DECEASED_MARKS):
            born = month_text(m.birth_date)
        else:
            born = birth_text(m.birth_date, as_of)
            age = str(age_on(m.birth_date, as_of))
        rows.append(
            FamilyRow(
                relation=m.relation,
                relation_name=codes.name("family_relation", m.relation),
                name=m.name,
                birth_date=m.birth_date,
                birth_text=born,
                political_status=m.political_status,
                political_name=codes.name("political_status", m.political_status)
                if m.political_status
                else "",
                workplace=m.workplace,
                age=age,
            )
        )
    return rows


def photo_bytes(cadre: Cadre) -> bytes | None:
    """The cadre's photo file, or None when there is none or it cannot be read."""
    if not cadre.photo:
        return None
    try:
        with cadre.photo.storage.open(cadre.photo.name, "rb") as handle:
            data: bytes = handle.read()
    except OSError:
        return None
    return data or None
