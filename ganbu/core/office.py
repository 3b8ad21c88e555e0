"""The house style of the documents the system writes, and the one way a document leaves it.

Word (python-docx): official fonts (方正小标宋简体 titles, 黑体 headings, 仿宋_GB2312 text, 宋体 tables),
set for every script (`set_fonts`: python-docx's `font.name` sets only the Latin fonts, so Chinese
would fall back to the viewer's default without `w:eastAsia`), A4 pages portrait or landscape,
28-point line spacing and two-character first-line indents for body text.

Excel (openpyxl): thin grey borders, a shaded bold header row, centred wrapped cells.

Every export goes out through `audited_attachment`: it writes the audit event (who took which
file, with its SHA-256) in the kernel's event port and returns a download that is never cached.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.http import HttpResponse
from django.utils import timezone
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from ganbu.core.downloads import DOCX, XLSX, attachment
from ganbu.core.events import emit

__all__ = [
    "DOCX",
    "HEADING_FONT",
    "TABLE_FONT",
    "TEXT_FONT",
    "TITLE_FONT",
    "XLSX",
    "a4",
    "audited_attachment",
    "body_paragraph",
    "docx_bytes",
    "heading",
    "new_document",
    "set_fonts",
    "table_cell",
    "word_table",
    "xlsx_styles",
]

TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
TEXT_FONT = "仿宋_GB2312"
TABLE_FONT = "宋体"


# ---------------------------------------------------------------------------------------------
# Word
# ---------------------------------------------------------------------------------------------


def set_fonts(target: Any, name: str, size: float | None = None, *, bold: bool | None = None) -> None:
    """Set the font of a run or a style for every script (Latin, East Asian, complex). `size` and
    `bold` are left as inherited when None."""
    target.font.name = name
    if size is not None:
        target.font.size = Pt(size)
    if bold is not None:
        target.font.bold = bold
    r_fonts = target.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        r_fonts.set(qn(attr), name)


def a4(
    section: Any, *, landscape: bool = False, margins_cm: tuple[float, float, float, float] | None = None
) -> None:
    """An A4 page, portrait or landscape; margins (top, bottom, left, right) in cm. Defaults:
    portrait 3.7 / 3.5 / 2.8 / 2.6 (GB/T 9704 公文), landscape 2.0 / 1.8 / 1.8 / 1.8."""
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21)
        margins_cm = margins_cm or (2.0, 1.8, 1.8, 1.8)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        margins_cm = margins_cm or (3.7, 3.5, 2.8, 2.6)
    top, bottom, left, right = margins_cm
    section.top_margin, section.bottom_margin = Cm(top), Cm(bottom)
    section.left_margin, section.right_margin = Cm(left), Cm(right)


def new_document(*, landscape: bool = False, title: str = "") -> Any:
    """An empty Word document on A4 with the house fonts as its Normal style."""
    from docx import Document

    document = Document()
    a4(document.sections[0], landscape=landscape)
    set_fonts(document.styles["Normal"], TEXT_FONT, 12)
    # python-docx's template says its own name and 2013 in the file's properties: this system's
    properties = document.core_properties
    now = timezone.now().replace(microsecond=0)
    properties.author = properties.last_modified_by = "干部管理系统"
    properties.created = properties.modified = now
    properties.revision = 1
    properties.comments = properties.keywords = properties.subject = ""
    if title:
        properties.title = title
    return document


def heading(document: Any, text: str, *, level: int = 0) -> Any:
    """Level 0: the centred document title (方正小标宋, 20 pt); 1: a 黑体 16 pt section heading;
    2: a 黑体 12 pt caption, centred."""
    paragraph = document.add_paragraph()
    if level in (0, 2):
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    font, size = {0: (TITLE_FONT, 20), 1: (HEADING_FONT, 16), 2: (HEADING_FONT, 12)}[level]
    set_fonts(paragraph.add_run(text), font, size)
    return paragraph


def body_paragraph(
    document: Any, text: str, *, size: float = 14, indent: bool = True, font: str = TEXT_FONT
) -> Any:
    """Body text: 仿宋, fixed 28-point line spacing, a two-character first-line indent."""
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.line_spacing = Pt(28)
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    set_fonts(paragraph.add_run(text), font, size)
    return paragraph


def table_cell(cell: Any, text: str, *, bold: bool = False, center: bool = True, size: float = 9) -> None:
    """Replace a table cell's text with one run in the table font."""
    cell.text = ""
    paragraph = cell.paragraphs[0]
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_fonts(paragraph.add_run(text), TABLE_FONT, size, bold=bold)


def word_table(
    document: Any,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    widths_cm: Sequence[float] = (),
    size: float = 9,
) -> Any:
    """A bordered, centred table with a bold header row; values printed as text."""
    table = document.add_table(rows=1 + len(rows), cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for column, text in enumerate(header):
        table_cell(table.cell(0, column), str(text), bold=True, size=size)
    for r, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            table_cell(table.cell(r, column), "" if value is None else str(value), size=size)
    for column, width in enumerate(widths_cm):
        for cell in table.columns[column].cells:
            cell.width = Cm(width)
    return table


def docx_bytes(document: Any) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Excel
# ---------------------------------------------------------------------------------------------


def xlsx_styles() -> dict[str, Any]:
    """The house cell styles: border, header_fill, center, bold (fresh objects per workbook)."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="999999")
    return {
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "header_fill": PatternFill("solid", fgColor="F3E5E5"),
        "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "bold": Font(bold=True),
    }


# ---------------------------------------------------------------------------------------------
# Downloads
# ---------------------------------------------------------------------------------------------


def audited_attachment(
    content: bytes,
    filename: str,
    content_type: str = XLSX,
    *,
    actor: Any,
    action: str,
    obj: Model | None = None,
    unit_path: str = "",
    payload: dict[str, Any] | None = None,
) -> HttpResponse:
    """The download of an export, after recording who took it: the event names the file, its
    size and SHA-256 (so a copy found later can be traced to the export), and what the caller
    adds (filters, format, counts). Never cached (`core.downloads.attachment`)."""
    with transaction.atomic():
        emit(
            actor=actor,
            action=action,
            obj=obj,
            unit_path=unit_path,
            payload={
                **(payload or {}),
                "filename": filename,
                "bytes": len(content),
                "sha256": hashlib.sha256(content).hexdigest(),
            },
        )
    return attachment(content, filename, content_type)
