"""The WordprocessingML the form needs beyond python-docx's API: fixed tables on a twip grid with
exact row heights, per-cell margins and borders, exact line pitch (children of a properties element
are kept in schema order, so Word opens the file without repairs)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, Twips
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from ganbu.core.office import set_fonts

# WordprocessingML keeps the children of a properties element in schema order: what comes after.
_TCPR_AFTER_MAR = ("w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark")
_TBLPR_AFTER_MAR = ("w:tblLook", "w:tblCaption", "w:tblDescription")
_RPR_AFTER_SPACING = tuple(
    f"w:{tag}"
    for tag in "w kern position sz szCs highlight u effect bdr shd fitText vertAlign rtl cs em lang".split()
)


def pt(twips: int) -> float:
    return twips / 20


def paragraph_format(paragraph: Paragraph, align: WD_ALIGN_PARAGRAPH, pitch: float, hanging: float) -> None:
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(pitch)
    if hanging:
        fmt.left_indent = Pt(hanging)
        fmt.first_line_indent = Pt(-hanging)


def fill(
    cell: _Cell,
    lines: Sequence[str],
    *,
    font: str,
    size: float,
    pitch: float,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
    valign: WD_CELL_VERTICAL_ALIGNMENT = WD_CELL_VERTICAL_ALIGNMENT.CENTER,
    hanging: float = 0,
) -> None:
    """Replace the cell's content with one paragraph per line."""
    for extra in cell.paragraphs[1:]:
        extra._element.getparent().remove(extra._element)
    first = cell.paragraphs[0]
    for run in first.runs:
        run._element.getparent().remove(run._element)
    for i, line in enumerate(lines or [""]):
        paragraph = first if i == 0 else cell.add_paragraph()
        paragraph_format(paragraph, align, pitch, hanging)
        set_fonts(paragraph.add_run(line), font, size)
    cell.vertical_alignment = valign


def margins(cell: _Cell, left: int, right: int, top: int = 0) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    mar = OxmlElement("w:tcMar")
    for side, value in (("w:top", top), ("w:left", left), ("w:right", right)):
        edge = OxmlElement(side)
        edge.set(qn("w:w"), str(value))
        edge.set(qn("w:type"), "dxa")
        mar.append(edge)
    tc_pr.insert_element_before(mar, *_TCPR_AFTER_MAR)


def borders(cell: _Cell, **edges: str) -> None:
    """Per-cell borders, e.g. `bottom="nil"` (no line) between the two rows of 呈报单位."""
    tc_pr = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    for side in ("top", "left", "bottom", "right"):
        if side in edges:
            edge = OxmlElement(f"w:{side}")
            edge.set(qn("w:val"), edges[side])
            borders.append(edge)
    tc_pr.insert_element_before(borders, "w:shd", "w:noWrap", "w:tcMar", *_TCPR_AFTER_MAR)


@dataclass(frozen=True)
class Grid:
    """A table's column grid and row heights, to know each cell's size."""

    columns: tuple[int, ...]
    rows: tuple[int, ...]

    def width(self, first: int, last: int) -> int:
        return sum(self.columns[first : last + 1])

    def height(self, first: int, last: int) -> int:
        return sum(self.rows[first : last + 1])


def fixed_table(document: Any, grid: Grid) -> Table:
    """A table on the twips grid: fixed column widths, every row at its exact height, rows never
    split across pages; the template's borders (1.5 pt frame, 1 pt inner lines), no cell margins."""
    table: Table = document.add_table(rows=len(grid.rows), cols=len(grid.columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # w:tblLayout type="fixed": the column widths hold
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")  # the template: 1.5 pt frame, 1 pt inner lines
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "single")
        edge.set(qn("w:sz"), "8" if side.startswith("inside") else "12")  # eighths of a point
        edge.set(qn("w:space"), "0")
        edge.set(qn("w:color"), "auto")
        borders.append(edge)
    tbl_pr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", *_TBLPR_AFTER_MAR)
    cell_margins = OxmlElement("w:tblCellMar")  # labels use the whole cell width
    for side in ("left", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), "0")
        edge.set(qn("w:type"), "dxa")
        cell_margins.append(edge)
    tbl_pr.insert_element_before(cell_margins, *_TBLPR_AFTER_MAR)
    for i, width in enumerate(grid.columns):
        table.columns[i].width = Twips(width)
        for cell in table.columns[i].cells:
            cell.width = Twips(width)
    for i, height in enumerate(grid.rows):
        row = table.rows[i]
        row.height = Twips(height)
        row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    return table


def letter_spacing(run: Any, points: float) -> None:
    """Extra space after each character of the run (w:spacing, in twentieths of a point)."""
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(round(points * 20)))
    run.element.get_or_add_rPr().insert_element_before(spacing, *_RPR_AFTER_SPACING)
