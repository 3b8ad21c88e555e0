"""The 干部任免审批表 as a Word document: A4, two pages, the national template's layout.

Layout facts (../shared/REFERENCE.md, checked against the template as the public tool
xvchaoqun/owip reproduces it in `src/main/resources/ftl/adform_docx/adform_zzb.ftl` and
`family_zzb.ftl`; kevinmattew/LrmxToWord fills the same form): the column grids and the row
heights in twips, every row at an **exact** height so the form never runs onto a third page, the
two page sections with their margins, the letter-spaced title, the spaced and stacked labels, and
the vertical two-column labels of 年度考核结果 and the approval boxes. What we do not copy: the
template files themselves (the document is built here with python-docx). Where we differ: the
title is one letter-spaced paragraph (the template: a borderless table of seven cells), two-character
labels are spaced with two half-width spaces as REFERENCE.md spells them (`姓  名`; the template has
one), and the family header reads 年龄 over the age (that template's header says 出生年月 but fills
in the age); 学历 and 学位 each have their own row and school line (the template stacks them in one
cell spanning two rows).

Every filled-in cell is set at the largest size from 14 pt down to 8 pt at which its text fits the
cell (`layout.fit_size`); for the 简历 this is what keeps a long career on page 1.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from docx.enum.section import WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.image.exceptions import UnrecognizedImageError
from docx.shared import Cm, Emu, Pt, Twips
from docx.table import Table, _Cell

from ganbu.cadres.appointment_form import cells, layout
from ganbu.cadres.appointment_form.data import FormData, form_data
from ganbu.cadres.appointment_form.files import file_stem, zip_per_cadre
from ganbu.cadres.appointment_form.texts import EducationSummary
from ganbu.cadres.models import Cadre
from ganbu.cadres.services import CodeBook
from ganbu.core import office
from ganbu.core.office import docx_bytes, new_document, set_fonts

# The national form is set in 宋体 (title and labels) and the filled-in text in 仿宋 (house style).
TITLE_FONT = office.TABLE_FONT
LABEL_FONT = office.TABLE_FONT
TEXT_FONT = office.TEXT_FONT
TITLE = "干部任免审批表"
TITLE_SIZE = 24.0  # pt
TITLE_SPAN = 4942  # twips: the title spreads over the template's seven 706-twip title cells
LABEL_SIZE = 14.0  # pt, 四号
LABEL_PITCH = 16.0  # pt, the labels' exact line pitch in the template
TEXT_MARGIN = 85  # twips (4.25 pt): the inner margin of left-aligned text cells
RESUME_MARGIN = 113  # twips (5.65 pt): the inner margin of the 简历 and page-2 text cells
RESUME_TOP = 60  # twips (3 pt) above the first 简历 line, so it does not touch the rule
RESUME_HANGING_EM = 9.0  # `1998.07--2003.02  ` is 18 half-width characters: wrapped lines align

# Page margins, twips (top, bottom, left, right): page 1 ≈ 1.11 / 1.2 / 2.2 / 2.0 cm (the title
# is inside the page), page 2 ≈ 2.86 / 1.0 / 2.1 / 2.0 cm.
PAGE1_MARGINS = (629, 680, 1247, 1134)
PAGE2_MARGINS = (1621, 567, 1191, 1134)

# Column grids, twips.
PAGE1_GRID = (784, 236, 1305, 1063, 1302, 1315, 1330, 2058)
PAGE2_GRID = (742, 1092, 1274, 1145, 535, 315, 469, 3849)

# Row heights, twips, all exact.
PAGE1_ROWS = (709, 692, 680, 709, 346, 346, 346, 346, 709, 709, 709)
RESUME_HEIGHT = 7133
REWARDS_HEIGHT, ASSESSMENTS_HEIGHT, REASON_HEIGHT = 1418, 1021, 1361
FAMILY_HEADER_HEIGHT = 646
FAMILY_ROW_HEIGHT = 697
FAMILY_ROWS_MIN = 7
FAMILY_BLOCK = FAMILY_ROW_HEIGHT * FAMILY_ROWS_MIN  # more members share the same height
REPORTING_HEIGHT, REPORTING_DATE_HEIGHT = 1332, 737
APPROVAL_HEIGHT = 2019

# Labels as the template spaces and stacks them ("\n": a new line in the cell).
LABELS = {
    "name": "姓  名",
    "gender": "性  别",
    "birth": "出生年月\n（岁）",
    "ethnicity": "民  族",
    "native_place": "籍  贯",
    "birthplace": "出 生 地",
    "party": "入  党\n时  间",
    "work_started": "参加工\n作时间",
    "health": "健康状况",
    "professional_title": "专业技\n术职务",
    "expertise": "熟悉专业\n有何专长",
    "education": "学 历\n学 位",
    "fulltime": "全日制\n教  育",
    "inservice": "在  职\n教  育",
    "school": "毕业院校\n系及专业",
    "current_title": "现 任 职 务",
    "proposed_post": "拟 任 职 务",
    "proposed_removal": "拟 免 职 务",
    "resume": "简\n\n\n\n历",
    "rewards": "奖\n惩\n情\n况",
    # two columns read top to bottom, left column first: 年度考 | 核结果
    "assessments": "年核\n度结\n考果",
    "reason": "任\n免\n理\n由",
    "family": "\n".join("家庭主要成员及重要社会关系"),
    "relation": "称  谓",
    "family_name": "姓  名",
    "age": "年  龄",
    "political": "政 治\n面 貌",
    "workplace": "工 作 单 位 及 职 务",
    "reporting_unit": "呈\n报\n单\n位",
    # 审批机关 | 意见, and 行政机关 | 任免意见, as two columns
    "approval": "审意\n批\n机\n关见",
    "administrative": "行任\n政免\n机意\n关见",
}
DATE_BLANK = "年    月    日"
SEAL = "（盖章）"

CENTER = WD_ALIGN_PARAGRAPH.CENTER
LEFT = WD_ALIGN_PARAGRAPH.LEFT
RIGHT = WD_ALIGN_PARAGRAPH.RIGHT
V_CENTER = WD_CELL_VERTICAL_ALIGNMENT.CENTER
V_TOP = WD_CELL_VERTICAL_ALIGNMENT.TOP
V_BOTTOM = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM


# ---------------------------------------------------------------------------------------------
# cells
# ---------------------------------------------------------------------------------------------


def _label(cell: _Cell, key: str) -> None:
    cells.fill(cell, LABELS[key].split("\n"), font=LABEL_FONT, size=LABEL_SIZE, pitch=LABEL_PITCH)


def _value(
    table: Table,
    grid: cells.Grid,
    top_left: tuple[int, int],
    bottom_right: tuple[int, int],
    text: str | Sequence[str],
    *,
    align: WD_ALIGN_PARAGRAPH = CENTER,
    valign: WD_CELL_VERTICAL_ALIGNMENT = V_CENTER,
    margin: int = 0,
    top: int = 0,
    hanging_em: float = 0,
) -> layout.Fit:
    """Write a filled-in value into the (merged) cell at the largest size that fits; the fit."""
    (r0, c0), (r1, c1) = top_left, bottom_right
    cell = table.cell(r0, c0)
    if (r0, c0) != (r1, c1):
        cell = cell.merge(table.cell(r1, c1))
    if margin or top:
        cells.margins(cell, margin, margin, top)
    lines = [text] if isinstance(text, str) else list(text)
    lines = [line for item in lines for line in item.split("\n")]
    fit = layout.fit_size(
        lines,
        width_pt=cells.pt(grid.width(c0, c1) - 2 * margin),
        height_pt=cells.pt(grid.height(r0, r1) - top),
        hanging_em=hanging_em,
    )
    cells.fill(
        cell,
        lines,
        font=TEXT_FONT,
        size=fit.size,
        pitch=fit.pitch,
        align=align,
        valign=valign,
        hanging=fit.size * hanging_em,
    )
    return fit


# ---------------------------------------------------------------------------------------------
# the two pages
# ---------------------------------------------------------------------------------------------


def _photo(cell: _Cell, photo: bytes | None) -> None:
    if photo:
        paragraph = cell.paragraphs[0]
        paragraph.alignment = CENTER
        try:
            shape = paragraph.add_run().add_picture(io.BytesIO(photo), width=Cm(3.2))
        except (UnrecognizedImageError, ValueError, OSError):
            pass
        else:
            limit = Cm(4.3)
            if shape.height > limit:  # a tall picture: fit the height instead
                shape.width = Emu(int(shape.width * limit / shape.height))
                shape.height = limit
            cell.vertical_alignment = V_CENTER
            return
    cells.fill(cell, ["照片"], font=LABEL_FONT, size=LABEL_SIZE, pitch=LABEL_PITCH)


def _title(document: Any) -> None:
    """「干部任免审批表」 spread over the template's title width: the space after each character
    but the last is what spreads it (so the centred title stays centred)."""
    paragraph = document.add_paragraph()
    cells.paragraph_format(paragraph, CENTER, TITLE_SIZE * 1.25, 0)
    paragraph.paragraph_format.space_before = Pt(6)
    paragraph.paragraph_format.space_after = Pt(6)
    gap = (cells.pt(TITLE_SPAN) - TITLE_SIZE * len(TITLE)) / (len(TITLE) - 1)
    spread = paragraph.add_run(TITLE[:-1])
    set_fonts(spread, TITLE_FONT, TITLE_SIZE)
    cells.letter_spacing(spread, gap)
    set_fonts(paragraph.add_run(TITLE[-1]), TITLE_FONT, TITLE_SIZE)


def _education(table: Table, grid: cells.Grid, row: int, key: str, summary: EducationSummary) -> None:
    """Two rows: 学历 with its school, then 学位 with its school; one school printed once across both
    rows when the two are the same (or one is missing)."""
    _label(table.cell(row, 2).merge(table.cell(row + 1, 2)), key)
    _value(table, grid, (row, 3), (row, 4), summary.education_name)
    _value(table, grid, (row + 1, 3), (row + 1, 4), summary.degree_name)
    _label(table.cell(row, 5).merge(table.cell(row + 1, 5)), "school")
    schools = [s for s in (summary.education_school, summary.degree_school) if s]
    if len(set(schools)) == 2:
        _value(table, grid, (row, 6), (row, 7), schools[0])
        _value(table, grid, (row + 1, 6), (row + 1, 7), schools[1])
    else:
        _value(table, grid, (row, 6), (row + 1, 7), schools[:1] or [""])


def _page_one(document: Any, data: FormData) -> None:
    grid = cells.Grid(PAGE1_GRID, (*PAGE1_ROWS, RESUME_HEIGHT))
    t = cells.fixed_table(document, grid)
    c = t.cell
    _label(c(0, 0).merge(c(0, 1)), "name")
    _value(t, grid, (0, 2), (0, 2), data.name)
    _label(c(0, 3), "gender")
    _value(t, grid, (0, 4), (0, 4), data.gender)
    _label(c(0, 5), "birth")
    born, _, age = data.birth.partition("（")  # `1985.03` over `（40岁）`, as the template has it
    _value(t, grid, (0, 6), (0, 6), [born, f"（{age}"] if age else [born])
    _photo(c(0, 7).merge(c(3, 7)), data.photo)
    _label(c(1, 0).merge(c(1, 1)), "ethnicity")
    _value(t, grid, (1, 2), (1, 2), data.ethnicity)
    _label(c(1, 3), "native_place")
    _value(t, grid, (1, 4), (1, 4), data.native_place)
    _label(c(1, 5), "birthplace")
    _value(t, grid, (1, 6), (1, 6), data.birthplace)
    _label(c(2, 0).merge(c(2, 1)), "party")
    _value(t, grid, (2, 2), (2, 2), data.party)
    _label(c(2, 3), "work_started")
    _value(t, grid, (2, 4), (2, 4), data.work_started)
    _label(c(2, 5), "health")
    _value(t, grid, (2, 6), (2, 6), data.health)
    _label(c(3, 0).merge(c(3, 1)), "professional_title")
    _value(t, grid, (3, 2), (3, 3), data.professional_title)
    _label(c(3, 4), "expertise")
    _value(t, grid, (3, 5), (3, 6), data.expertise)
    _label(c(4, 0).merge(c(7, 1)), "education")
    _education(t, grid, 4, "fulltime", data.fulltime)
    _education(t, grid, 6, "inservice", data.inservice)
    for row, key, value in (
        (8, "current_title", data.current_title),
        (9, "proposed_post", data.proposed_post),
        (10, "proposed_removal", data.proposed_removal),
    ):
        _label(c(row, 0).merge(c(row, 2)), key)
        _value(t, grid, (row, 3), (row, 7), value, align=LEFT, margin=TEXT_MARGIN)
    _label(c(11, 0), "resume")
    _value(
        t,
        grid,
        (11, 1),
        (11, 7),
        data.resume or [""],
        align=LEFT,
        valign=V_TOP,
        margin=RESUME_MARGIN,
        top=RESUME_TOP,
        hanging_em=RESUME_HANGING_EM,
    )


def _page_two(document: Any, data: FormData) -> None:
    family = data.family
    n_family = max(FAMILY_ROWS_MIN, len(family))
    family_height = min(FAMILY_ROW_HEIGHT, FAMILY_BLOCK // n_family)
    grid = cells.Grid(
        PAGE2_GRID,
        (
            REWARDS_HEIGHT,
            ASSESSMENTS_HEIGHT,
            REASON_HEIGHT,
            FAMILY_HEADER_HEIGHT,
            *([family_height] * n_family),
            REPORTING_HEIGHT,
            REPORTING_DATE_HEIGHT,
            APPROVAL_HEIGHT,
        ),
    )
    t = cells.fixed_table(document, grid)
    c = t.cell
    last = len(PAGE2_GRID) - 1
    for row, key, value in (
        (0, "rewards", data.rewards),
        (1, "assessments", data.assessments),
        (2, "reason", data.reason),
    ):
        _label(c(row, 0), key)
        _value(t, grid, (row, 1), (row, last), value, align=LEFT, margin=RESUME_MARGIN)
    head = 3
    _label(c(head, 0).merge(c(head + n_family, 0)), "family")
    spans = ((1, 1), (2, 2), (3, 3), (4, 5), (6, 7))
    for (first, end), key in zip(
        spans, ("relation", "family_name", "age", "political", "workplace"), strict=True
    ):
        _label(c(head, first).merge(c(head, end)), key)
    for i in range(n_family):
        row = head + 1 + i
        m = family[i] if i < len(family) else None
        values = [m.relation_name, m.name, m.age, m.political_name, m.workplace] if m else [""] * 5
        for (first, end), value in zip(spans, values, strict=True):
            workplace = first == 6
            _value(
                t,
                grid,
                (row, first),
                (row, end),
                value,
                align=LEFT if workplace else CENTER,
                margin=TEXT_MARGIN if workplace else 0,
            )
    row = head + n_family + 1
    _label(c(row, 0).merge(c(row + 1, 0)), "reporting_unit")
    _value(
        t, grid, (row, 1), (row, last), data.reporting_unit, align=LEFT, valign=V_BOTTOM, margin=TEXT_MARGIN
    )
    cells.borders(c(row, 1), bottom="nil")
    date_cell = c(row + 1, 1).merge(c(row + 1, last))
    cells.borders(date_cell, top="nil")
    cells.fill(date_cell, [DATE_BLANK], font=LABEL_FONT, size=LABEL_SIZE, pitch=LABEL_PITCH, align=RIGHT)
    date_cell.paragraphs[0].paragraph_format.right_indent = Pt(28)
    row += 2
    _label(c(row, 0), "approval")
    for paragraph in c(row, 0).paragraphs:  # the left column of the stacked label stays aligned
        paragraph.alignment = LEFT
        paragraph.paragraph_format.left_indent = Pt(4.2)
    _approval_box(c(row, 1).merge(c(row, 4)))
    _label(c(row, 5).merge(c(row, 6)), "administrative")
    _approval_box(c(row, last))


def _approval_box(cell: _Cell) -> None:
    """An empty opinion box of the approving body: its seal and the date at the bottom."""
    cells.fill(
        cell,
        ["", SEAL, DATE_BLANK],
        font=LABEL_FONT,
        size=LABEL_SIZE,
        pitch=LABEL_PITCH + 1,
        align=RIGHT,
        valign=V_BOTTOM,
    )
    for paragraph in cell.paragraphs:
        paragraph.paragraph_format.right_indent = Pt(28)
        paragraph.paragraph_format.space_after = Pt(4)


def _section(section: Any, margins: tuple[int, int, int, int]) -> None:
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    top, bottom, left, right = margins
    section.top_margin, section.bottom_margin = Twips(top), Twips(bottom)
    section.left_margin, section.right_margin = Twips(left), Twips(right)
    section.header_distance, section.footer_distance = Twips(340), Twips(454)


def appointment_form_docx(data: FormData) -> bytes:
    """The form of `data` as .docx bytes: page 1 and page 2, each its own section."""
    document = new_document(title=f"干部任免审批表 {data.name}")  # Normal: 仿宋 12 pt
    document.styles["Normal"].paragraph_format.space_after = Pt(0)
    _section(document.sections[0], PAGE1_MARGINS)
    _title(document)
    _page_one(document, data)
    document.add_section(WD_SECTION.NEW_PAGE)
    # the paragraph that carries page 1's section break sits under the table: keep it tiny
    breaker = document.paragraphs[-1]
    cells.paragraph_format(breaker, LEFT, 1, 0)
    _section(document.sections[1], PAGE2_MARGINS)
    _page_two(document, data)
    footer = document.add_paragraph()
    cells.paragraph_format(footer, LEFT, LABEL_PITCH, 0)
    footer.paragraph_format.space_before = Pt(7.8)
    footer.paragraph_format.left_indent = Pt(21.7)
    set_fonts(
        footer.add_run(f"填表人：{data.filled_by}{' ' * 24}填表时间：{data.as_of:%Y.%m.%d}"),
        LABEL_FONT,
        LABEL_SIZE,
    )
    return docx_bytes(document)


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
    held_on: date | None = None,
) -> bytes:
    """The 干部任免审批表 of one cadre as .docx bytes (A4, two pages); `held_on`: 现任职务 and 简历
    as the registry stood that day (`data.form_data`)."""
    data = form_data(
        cadre,
        as_of=as_of,
        proposed_post=proposed_post,
        proposed_removal=proposed_removal,
        reason=reason,
        reporting_unit=reporting_unit,
        filled_by=filled_by,
        codes=codes,
        held_on=held_on,
    )
    return appointment_form_docx(data)


def appointment_form_filename(cadre: Cadre) -> str:
    return f"{file_stem(cadre)}_任免审批表.docx"


def appointment_forms_zip(cadres: Iterable[Cadre], *, as_of: date, **texts: str) -> bytes:
    """One `<姓名>_<身份证号后4位>_任免审批表.docx` per cadre, in one zip (`texts`: the optional
    text fields of `build_appointment_form`)."""
    return zip_per_cadre(
        cadres, filename=appointment_form_filename, build=build_appointment_form, as_of=as_of, **texts
    )
