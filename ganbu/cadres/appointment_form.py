"""干部任免审批表 (the national appointment approval form) as a Word document.

The form's text is computed once, by `form_data`, and shared with the LRMX exchange file
(`cadres/lrmx.py`), so the .docx and the .lrmx of a cadre always say the same thing.

Conventions (see ../shared/REFERENCE.md):
- Dates are month precision, `1985.03`; 出生年月 carries the age at `as_of`: `1985.03(40岁)`.
- 简历 (`resume_lines`): one line per period, `1998.07--2003.02  甲镇党政办科员`; an open (current)
  period is written `2016.01--      甲镇党委书记`. Full-time study is a line of its own
  (`2003.09--2007.07  海南大学法学专业学习`); in-service study is nested in the line of the post it
  started in: `...科员(其间:2005.09--2008.07 在中央党校经济管理专业在职学习)`, or is a line of its own
  (`在...在职学习`) when no post covers it.
- Concurrent posts (is_primary False) carry the mark 「(兼)」. When a concurrent post has exactly the
  period (start and end month) of a primary post it joins that post's line with 「、」
  (`甲镇党委书记、甲镇人大主席(兼)`); otherwise it gets a line of its own
  (`2017.03--      甲镇武装部第一书记(兼)`). The mark keeps the primary/concurrent distinction and
  each post's dates, so an LRMX file imports back into the same appointment records.
- 学历学位 shows the highest record of each kind (full-time / in-service).
- 年度考核结果: the last three years up to `as_of`, `2023年度称职;2024年度优秀;2025年度称职。`.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.image.exceptions import UnrecognizedImageError
from docx.shared import Cm, Emu, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from ganbu.cadres.models import Cadre, CadreStatus, Education, EducationKind
from ganbu.cadres.rules import DEGREE_RANK, EDUCATION_RANK
from ganbu.cadres.services import CodeBook
from ganbu.core.dates import age_on
from ganbu.core.office import set_fonts
from ganbu.org.models import Unit
from ganbu.org.scoping import filter_in_subtree

OPEN_GAP = " " * 6  # what follows `2016.01--` in an open (current) period
PERIOD_GAP = "  "  # between the period and the text
CONCURRENT_MARK = "（兼）"
DECEASED_MARKS = ("已故", "去世", "病故")

# Family members in the conventional order of the form: spouse, children, parents, in-laws,
# siblings, others (codes of the family_relation table).
FAMILY_ORDER = [
    "12",
    "13",
    "14",
    "15",
    "25",
    "24",
    "10",
    "11",
    "20",
    "21",
    "22",
    "23",
    "16",
    "17",
    "18",
    "19",
]

TITLE_FONT = "宋体"
LABEL_FONT = "宋体"
TEXT_FONT = "仿宋_GB2312"


# ---------------------------------------------------------------------------------------------
# Text of the form
# ---------------------------------------------------------------------------------------------


def month_text(value: date | None) -> str:
    """`1985.03`; empty for None."""
    return f"{value.year:04d}.{value.month:02d}" if value else ""


def birth_text(born: date, as_of: date) -> str:
    """出生年月(岁): `1985.03(40岁)`, the age counted at `as_of`."""
    return f"{month_text(born)}（{age_on(born, as_of)}岁）"


def party_text(cadre: Cadre, codes: CodeBook) -> str:
    """入党时间 cell: the date for 中共党员, the date and 「(预备党员)」 for 中共预备党员, the name of the
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
    """毕业院校系及专业: `海南大学法学专业` (「专业」 is added unless the major already ends with it
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

    @property
    def names(self) -> str:
        return "\n".join(n for n in (self.education_name, self.degree_name) if n)

    @property
    def schools(self) -> str:
        texts = [t for t in (self.education_school, self.degree_school) if t]
        return "\n".join(dict.fromkeys(texts))


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


# --- 简历 ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResumePost:
    started_on: date
    ended_on: date | None
    title: str
    is_primary: bool = True


@dataclass(frozen=True)
class ResumeStudy:
    started_on: date
    ended_on: date | None
    text: str  # study_text(...)
    in_service: bool


@dataclass
class _Entry:
    started_on: date
    ended_on: date | None
    text: str
    kind: str  # "post", "concurrent", "study"
    nested: list[ResumeStudy] = field(default_factory=list)


def _ym(value: date | None) -> tuple[int, int] | None:
    return (value.year, value.month) if value else None


def period_text(started_on: date, ended_on: date | None) -> str:
    """`1998.07--2003.02`, or `2016.01--` for an open period."""
    return f"{month_text(started_on)}--{month_text(ended_on)}"


def resume_line(started_on: date, ended_on: date | None, text: str) -> str:
    if ended_on is None:
        return f"{period_text(started_on, None)}{OPEN_GAP}{text}"
    return f"{period_text(started_on, ended_on)}{PERIOD_GAP}{text}"


def compose_resume(posts: Sequence[ResumePost], studies: Sequence[ResumeStudy]) -> list[str]:
    """The 简历 lines from posts and study periods (pure; see the module docstring)."""
    entries: list[_Entry] = []
    primaries: list[_Entry] = []
    joined: dict[int, list[str]] = {}
    for post in sorted(posts, key=lambda p: (p.started_on, not p.is_primary)):
        if post.is_primary:
            entry = _Entry(post.started_on, post.ended_on, post.title, "post")
            primaries.append(entry)
            entries.append(entry)
    for post in sorted(posts, key=lambda p: p.started_on):
        if post.is_primary:
            continue
        host = next(
            (
                e
                for e in primaries
                if _ym(e.started_on) == _ym(post.started_on) and _ym(e.ended_on) == _ym(post.ended_on)
            ),
            None,
        )
        if host is not None:
            joined.setdefault(id(host), []).append(post.title + CONCURRENT_MARK)
        else:
            entries.append(_Entry(post.started_on, post.ended_on, post.title + CONCURRENT_MARK, "concurrent"))
    for study in studies:
        if not study.in_service:
            entries.append(_Entry(study.started_on, study.ended_on, study.text, "study"))
    for study in sorted((s for s in studies if s.in_service), key=lambda s: s.started_on):
        host = _host_post(primaries, study.started_on)
        if host is not None:
            host.nested.append(study)
        else:
            entries.append(_Entry(study.started_on, study.ended_on, study.text, "study"))
    order = {"study": 0, "post": 1, "concurrent": 2}
    entries.sort(key=lambda e: (_ym(e.started_on), order[e.kind], _ym(e.ended_on) or (9999, 12)))
    lines = []
    for entry in entries:
        text = "、".join([entry.text, *joined.get(id(entry), [])])
        if entry.nested:
            inner = "；".join(f"{period_text(s.started_on, s.ended_on)} {s.text}" for s in entry.nested)
            text += f"（其间：{inner}）"
        lines.append(resume_line(entry.started_on, entry.ended_on, text))
    return lines


def _host_post(primaries: list[_Entry], started_on: date) -> _Entry | None:
    """The primary post an in-service study started in: the latest post started on or before that
    month and not yet ended (a post ending in that month counts only when no other post fits)."""
    month = _ym(started_on)
    assert month is not None

    def begun(e: _Entry) -> bool:
        start = _ym(e.started_on)
        return start is not None and start <= month

    def running(e: _Entry) -> bool:
        end = _ym(e.ended_on)
        return end is None or month < end

    def ending(e: _Entry) -> bool:
        end = _ym(e.ended_on)
        return end is None or month <= end

    for test in (running, ending):
        candidates = [e for e in primaries if begun(e) and test(e)]
        if candidates:
            return max(candidates, key=lambda e: e.started_on)
    return None


def resume_lines(cadre: Cadre) -> list[str]:
    """The 简历 of a cadre, one line per period, from the appointment and education records.
    Education records without 入学时间 cannot be placed and are left out."""
    posts = [ResumePost(a.started_on, a.ended_on, a.title, a.is_primary) for a in cadre.appointments.all()]
    studies = [
        ResumeStudy(e.started_on, e.ended_on, study_text(e), e.kind == EducationKind.IN_SERVICE)
        for e in cadre.educations.all()
        if e.started_on is not None
    ]
    return compose_resume(posts, studies)


# --- 奖惩, 考核, 家庭成员 -------------------------------------------------------------------------


def assessment_text(cadre: Cadre, as_of: date, codes: CodeBook) -> str:
    """年度考核结果 of the last three years up to `as_of`: `2023年度称职;2024年度优秀;2025年度称职。`"""
    rows = sorted((a for a in cadre.assessments.all() if a.year <= as_of.year), key=lambda a: a.year)[-3:]
    if not rows:
        return ""
    return "；".join(f"{a.year}年度{codes.name('assessment_result', a.grade)}" for a in rows) + "。"


def rewards_text(cadre: Cadre, as_of: date) -> str:
    """奖惩情况: `2019.12 优秀共产党员(甲镇党委);…。`, or 「无」."""
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
    birth_text: str  # `1958.06(67岁)` (no age for the deceased)
    political_status: str  # code
    political_name: str
    workplace: str


def family_rows(cadre: Cadre, as_of: date, codes: CodeBook) -> list[FamilyRow]:
    members = sorted(
        cadre.family.all(),
        key=lambda m: (FAMILY_ORDER.index(m.relation) if m.relation in FAMILY_ORDER else 99, m.pk or 0),
    )
    rows = []
    for m in members:
        if m.birth_date is None:
            born = ""
        elif any(mark in m.workplace for mark in DECEASED_MARKS):
            born = month_text(m.birth_date)
        else:
            born = birth_text(m.birth_date, as_of)
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
) -> FormData:
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
        current_title=cadre.current_title,
        proposed_post=proposed_post,
        proposed_removal=proposed_removal,
        resume=resume_lines(cadre),
        rewards=rewards_text(cadre, as_of),
        assessments=assessment_text(cadre, as_of, codes),
        reason=reason,
        family=family_rows(cadre, as_of, codes),
        reporting_unit=reporting_unit,
        filled_by=filled_by,
        photo=photo_bytes(cadre),
    )


# ---------------------------------------------------------------------------------------------
# File names and batches
# ---------------------------------------------------------------------------------------------

_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def file_stem(cadre: Cadre) -> str:
    """`<姓名>_<身份证号后4位>`; `<姓名>_无身份证号<id>` when the number is missing."""
    name = _UNSAFE.sub("", cadre.name) or "干部"
    tail = cadre.id_number[-4:] if cadre.id_number else f"无身份证号{cadre.pk}"
    return f"{name}_{tail}"


def unique_name(name: str, used: set[str]) -> str:
    """`name`, or `stem(2).ext`, `stem(3).ext` … when already used in the archive."""
    candidate, n = name, 1
    stem, dot, ext = name.rpartition(".")
    while candidate in used:
        n += 1
        candidate = f"{stem}（{n}）{dot}{ext}"
    used.add(candidate)
    return candidate


def cadres_under_unit(unit: Unit) -> QuerySet[Cadre]:
    """Active cadres of a unit subtree in stroke order, with the records the form needs."""
    return (
        filter_in_subtree(Cadre.objects.filter(status=CadreStatus.ACTIVE), unit)
        .select_related("unit")
        .prefetch_related("appointments", "educations", "assessments", "family", "rewards")
        .order_by("stroke_key", "id")
    )


# ---------------------------------------------------------------------------------------------
# The Word document
# ---------------------------------------------------------------------------------------------

PAGE1_WIDTHS = [2.0, 2.4, 2.0, 2.4, 2.2, 2.4, 3.6]  # cm; sums to 17 cm (A4 less 2 cm margins)
PAGE2_WIDTHS = [2.0, 1.6, 2.0, 2.6, 2.4, 6.4]


def _write(
    cell: _Cell,
    text: str | list[str],
    *,
    font: str = TEXT_FONT,
    size: float = 12,
    bold: bool = False,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
    hanging_cm: float = 0,
) -> None:
    """Replace the cell's content: a list gives one paragraph per item, "\n" a line break."""
    lines = text if isinstance(text, list) else [text]
    for extra in cell.paragraphs[1:]:
        extra._element.getparent().remove(extra._element)
    first = cell.paragraphs[0]
    for run in first.runs:
        run._element.getparent().remove(run._element)
    for i, line in enumerate(lines or [""]):
        paragraph = first if i == 0 else cell.add_paragraph()
        _format_paragraph(paragraph, align, hanging_cm)
        run = paragraph.add_run(line)
        set_fonts(run, font, size, bold=True if bold else None)
    cell.vertical_alignment = (
        WD_CELL_VERTICAL_ALIGNMENT.TOP if hanging_cm else WD_CELL_VERTICAL_ALIGNMENT.CENTER
    )


def _format_paragraph(paragraph: Paragraph, align: WD_ALIGN_PARAGRAPH, hanging_cm: float) -> None:
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if hanging_cm:
        fmt.left_indent = Cm(hanging_cm)
        fmt.first_line_indent = Cm(-hanging_cm)


def _label(cell: _Cell, text: str) -> None:
    _write(cell, text, font=LABEL_FONT, size=12)


def _vertical(text: str) -> str:
    """A label stacked one character per line, for the tall cells."""
    return "\n".join(text)


def _table(document: Any, rows: int, widths: list[float]) -> Table:
    table: Table = document.add_table(rows=rows, cols=len(widths))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # w:tblLayout type="fixed": Word keeps the column widths
    for i, width in enumerate(widths):
        table.columns[i].width = Cm(width)
        for cell in table.columns[i].cells:
            cell.width = Cm(width)
    return table


def _height(table: Table, row: int, cm: float) -> None:
    table.rows[row].height = Cm(cm)
    table.rows[row].height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST


def _photo(cell: _Cell, photo: bytes | None) -> None:
    if photo:
        paragraph = cell.paragraphs[0]
        _format_paragraph(paragraph, WD_ALIGN_PARAGRAPH.CENTER, 0)
        try:
            shape = paragraph.add_run().add_picture(io.BytesIO(photo), width=Cm(3.2))
        except (UnrecognizedImageError, ValueError, OSError):
            pass
        else:
            limit = Cm(4.3)
            if shape.height > limit:  # a tall picture: fit the height instead
                shape.width = Emu(int(shape.width * limit / shape.height))
                shape.height = limit
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            return
    _write(cell, "照片", font=LABEL_FONT)


def _page_one(document: Any, data: FormData) -> None:
    t = _table(document, 10, PAGE1_WIDTHS)
    c = t.cell
    for row in range(4):
        _height(t, row, 1.15)  # four rows ≈ 4.6 cm hold the 3.5×4.5 cm photo
    _label(c(0, 0), "姓名")
    _write(c(0, 1), data.name)
    _label(c(0, 2), "性别")
    _write(c(0, 3), data.gender)
    _label(c(0, 4), "出生年月\n（岁）")
    _write(c(0, 5), data.birth, size=10.5)
    _photo(c(0, 6).merge(c(3, 6)), data.photo)
    _label(c(1, 0), "民族")
    _write(c(1, 1), data.ethnicity)
    _label(c(1, 2), "籍贯")
    _write(c(1, 3), data.native_place)
    _label(c(1, 4), "出生地")
    _write(c(1, 5), data.birthplace)
    _label(c(2, 0), "入党时间")
    _write(c(2, 1), data.party, size=10.5)
    _label(c(2, 2), "参加工作\n时间")
    _write(c(2, 3), data.work_started)
    _label(c(2, 4), "健康状况")
    _write(c(2, 5), data.health)
    _label(c(3, 0), "专业技术\n职务")
    _write(c(3, 1).merge(c(3, 2)), data.professional_title)
    _label(c(3, 3), "熟悉专业\n有何专长")
    _write(c(3, 4).merge(c(3, 5)), data.expertise)
    _label(c(4, 0).merge(c(5, 0)), "学历\n学位")
    for row, kind, summary in ((4, "全日制\n教育", data.fulltime), (5, "在职\n教育", data.inservice)):
        _height(t, row, 1.2)
        _label(c(row, 1), kind)
        _write(c(row, 2).merge(c(row, 3)), summary.names)
        _label(c(row, 4), "毕业院校\n系及专业")
        _write(c(row, 5).merge(c(row, 6)), summary.schools, align=WD_ALIGN_PARAGRAPH.LEFT)
    for row, label, value in (
        (6, "现任职务", data.current_title),
        (7, "拟任职务", data.proposed_post),
        (8, "拟免职务", data.proposed_removal),
    ):
        _height(t, row, 1.0)
        _label(c(row, 0), label)
        _write(c(row, 1).merge(c(row, 6)), value, align=WD_ALIGN_PARAGRAPH.LEFT)
    _height(t, 9, 13.0)
    _label(c(9, 0), _vertical("简历"))
    _write(
        c(9, 1).merge(c(9, 6)),
        data.resume or [""],
        align=WD_ALIGN_PARAGRAPH.LEFT,
        hanging_cm=3.9,  # the width of `1998.07--2003.02  `, so wrapped text lines up
    )


FAMILY_ROWS_MIN = 7


def _page_two(document: Any, data: FormData) -> None:
    family = data.family
    n_family = max(FAMILY_ROWS_MIN, len(family))
    rows = 3 + 1 + n_family + 2
    t = _table(document, rows, PAGE2_WIDTHS)
    c = t.cell
    last = len(PAGE2_WIDTHS) - 1
    for row, label, value, height in (
        (0, "奖惩\n情况", data.rewards, 2.6),
        (1, "年度考核\n结果", data.assessments, 2.0),
        (2, "任免\n理由", data.reason, 3.0),
    ):
        _height(t, row, height)
        _label(c(row, 0), label)
        _write(c(row, 1).merge(c(row, last)), value, align=WD_ALIGN_PARAGRAPH.LEFT)
    head = 3
    _label(c(head, 0).merge(c(head + n_family, 0)), _vertical("家庭主要成员及重要社会关系"))
    for col, label in enumerate(
        ("称谓", "姓名", "出生年月\n（年龄）", "政治面貌", "工作单位及职务"), start=1
    ):
        _label(c(head, col), label)
    _height(t, head, 1.0)
    for i in range(n_family):
        row = head + 1 + i
        _height(t, row, 0.9)
        if i < len(family):
            m = family[i]
            values = [m.relation_name, m.name, m.birth_text, m.political_name, m.workplace]
        else:
            values = [""] * 5
        for col, value in enumerate(values, start=1):
            left = col == last
            _write(
                c(row, col),
                value,
                size=10.5,
                align=WD_ALIGN_PARAGRAPH.LEFT if left else WD_ALIGN_PARAGRAPH.CENTER,
            )
    seal = "\n\n\n（盖章）\n年    月    日"
    row = head + n_family + 1
    _height(t, row, 3.2)
    _label(c(row, 0), "呈报\n单位")
    _write(c(row, 1).merge(c(row, last)), f"{data.reporting_unit}{seal}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    row += 1
    _height(t, row, 4.0)
    _label(c(row, 0), "审批机关\n意见")
    _write(c(row, 1).merge(c(row, 3)), seal, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _label(c(row, 4), "行政机关\n任免意见")
    _write(c(row, last), seal, align=WD_ALIGN_PARAGRAPH.RIGHT)


def build_appointment_form(
    cadre: Cadre,
    *,
    as_of: date,
    proposed_post: str = "",
    proposed_removal: str = "",
    reason: str = "",
    reporting_unit: str = "",
    filled_by: str = "",
    codes: CodeBook | None = None,
) -> bytes:
    """The 干部任免审批表 of one cadre as .docx bytes (A4, two pages)."""
    data = form_data(
        cadre,
        as_of=as_of,
        proposed_post=proposed_post,
        proposed_removal=proposed_removal,
        reason=reason,
        reporting_unit=reporting_unit,
        filled_by=filled_by,
        codes=codes,
    )
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(1.8)
    section.left_margin, section.right_margin = Cm(2.0), Cm(2.0)
    normal = document.styles["Normal"]
    set_fonts(normal, TEXT_FONT, 12)
    normal.paragraph_format.space_after = Pt(0)

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(8)
    set_fonts(title.add_run("干部任免审批表"), TITLE_FONT, 20, bold=True)
    _page_one(document, data)
    document.add_page_break()
    _page_two(document, data)
    footer = document.add_paragraph()
    footer.paragraph_format.space_before = Pt(6)
    set_fonts(footer.add_run(f"填表人：{data.filled_by}{' ' * 24}填表时间：{as_of:%Y.%m.%d}"), LABEL_FONT, 12)
    document.core_properties.title = f"干部任免审批表 {cadre.name}"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def appointment_form_filename(cadre: Cadre) -> str:
    return f"{file_stem(cadre)}_任免审批表.docx"


def zip_per_cadre(
    cadres: Iterable[Cadre],
    *,
    filename: Callable[[Cadre], str],
    build: Callable[..., bytes],
    **options: Any,
) -> bytes:
    """One file per cadre in one zip: `build(cadre, codes=..., **options)` named `filename(cadre)`
    (made unique). Shared by the 任免审批表 and LRMX batch exports."""
    codes = CodeBook()
    out = io.BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for cadre in cadres:
            archive.writestr(unique_name(filename(cadre), used), build(cadre, codes=codes, **options))
    return out.getvalue()


def appointment_forms_zip(cadres: Iterable[Cadre], *, as_of: date, **texts: str) -> bytes:
    """One `<姓名>_<身份证号后4位>_任免审批表.docx` per cadre, in one zip (`texts`: the optional
    text fields of `build_appointment_form`)."""
    return zip_per_cadre(
        cadres, filename=appointment_form_filename, build=build_appointment_form, as_of=as_of, **texts
    )
