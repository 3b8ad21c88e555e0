"""The 干部任免审批表 as a Word document: A4, two pages, the national form's exact layout (cell
widths, row heights, labels), in the fonts of `core.office`."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date
from typing import Any

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.image.exceptions import UnrecognizedImageError
from docx.shared import Cm, Emu, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from ganbu.cadres.appointment_form.data import FormData, form_data
from ganbu.cadres.appointment_form.files import file_stem, zip_per_cadre
from ganbu.cadres.models import Cadre
from ganbu.cadres.services import CodeBook
from ganbu.core import office
from ganbu.core.office import a4, docx_bytes, new_document, set_fonts

# The national form is set in 宋体 (title and labels; the house title font 方正小标宋 is not used
# here) and 仿宋 (the filled-in text).
TITLE_FONT = office.TABLE_FONT
LABEL_FONT = office.TABLE_FONT
TEXT_FONT = office.TEXT_FONT
MARGINS_CM = (2.2, 1.8, 2.0, 2.0)  # top, bottom, left, right


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
    document = new_document(title=f"干部任免审批表 {cadre.name}")  # Normal: 仿宋 12 pt
    a4(document.sections[0], margins_cm=MARGINS_CM)
    document.styles["Normal"].paragraph_format.space_after = Pt(0)

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
    return docx_bytes(document)


def appointment_form_filename(cadre: Cadre) -> str:
    return f"{file_stem(cadre)}_任免审批表.docx"


def appointment_forms_zip(cadres: Iterable[Cadre], *, as_of: date, **texts: str) -> bytes:
    """One `<姓名>_<身份证号后4位>_任免审批表.docx` per cadre, in one zip (`texts`: the optional
    text fields of `build_appointment_form`)."""
    return zip_per_cadre(
        cadres, filename=appointment_form_filename, build=build_appointment_form, as_of=as_of, **texts
    )
