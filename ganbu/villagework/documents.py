"""The 驻村蹲点工作记录表 of one cadre for a period, as Word and Excel.

Layout: the heading 驻村蹲点工作记录表; the cadre's name, unit and post, village(s) and the period;
one row per work log (日期, 工作类型, 走访农户, 工作内容, 群众诉求及办理情况); requests registered
without a log listed under the table; a summary line 走访 N 户次,覆盖 X/Y 户,诉求 N 件,已办结 M 件
(numbers as defined in villagework.selectors.stats, over the cadre's villages the reader may see).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ganbu.analytics.documents import BORDER, CENTER, HEADER_FILL, TABLE_FONT, TEXT_FONT, TITLE_FONT
from ganbu.cadres.models import Cadre

# the house style of the county's documents (fonts, table borders, header fill)
from ganbu.core.office import set_fonts
from ganbu.org.models import Unit, User
from ganbu.villagework.models import VillagerRequest
from ganbu.villagework.selectors.stats import Numbers, cadre_logs, cadre_total

TITLE = "驻村蹲点工作记录表"
HEADERS = ("序号", "日期", "工作类型", "走访农户", "工作内容", "群众诉求及办理情况")
WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class RecordRow:
    day: date
    kind: str
    households: str
    content: str
    requests: str


@dataclass(frozen=True)
class WorkRecord:
    cadre: Cadre
    unit_post: str
    villages: list[Unit]
    start: date
    end: date
    rows: list[RecordRow]
    other_requests: list[str]  # requests registered without a log
    totals: Numbers

    @property
    def village_label(self) -> str:
        return "、".join(f"{v.parent.name if v.parent else ''}{v.name}" for v in self.villages) or "（无）"

    @property
    def period_label(self) -> str:
        return f"{_day(self.start)}至{_day(self.end)}"

    @property
    def summary(self) -> str:
        t = self.totals
        return (
            f"合计：工作记录 {t.logs} 条，走访 {t.visits} 户次，覆盖 {t.households_visited}/{t.households} 户"
            f"（覆盖率 {t.coverage}%），群众诉求 {t.requests_raised} 件，已办结 {t.requests_resolved} 件。"
        )


def _day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def request_text(request: VillagerRequest) -> str:
    text = f"{request.get_category_display()}：{request.description}（{request.get_status_display()}"
    if request.resolution:
        text += f"；{request.resolution}"
    return text + "）"


def work_record(
    *, user: User, cadre: Cadre, villages: list[Unit], start: date, end: date, today: date | None = None
) -> WorkRecord:
    """Gather the record of `cadre` in `villages` (already restricted to the user's scope)."""
    village_ids = {v.pk for v in villages}
    rows = []
    for log in cadre_logs(user, cadre, start=start, end=end):
        if log.village_id not in village_ids:
            continue
        rows.append(
            RecordRow(
                day=log.logged_on,
                kind=log.get_kind_display(),
                households="、".join(v.household.head_name for v in log.visits.all()),
                content=log.content,
                requests="；".join(request_text(r) for r in log.requests.all()),
            )
        )
    other = [
        f"{r.raised_on:%Y-%m-%d} {r.village.name}{f' {r.household.head_name}' if r.household else ''} "
        + request_text(r)
        for r in VillagerRequest.objects.filter(
            cadre=cadre, village_id__in=village_ids, raised_on__range=(start, end), source_log__isnull=True
        )
        .select_related("village", "household")
        .order_by("raised_on", "id")
    ]
    _, totals = cadre_total(cadre=cadre, villages=villages, start=start, end=end, today=today)
    unit_post = "".join(part for part in (cadre.unit.name, cadre.current_title) if part)
    if cadre.current_title.startswith(cadre.unit.name):
        unit_post = cadre.current_title
    return WorkRecord(cadre, unit_post, villages, start, end, rows, other, totals)


def record_filename(record: WorkRecord, extension: str) -> str:
    return f"{record.cadre.name}_{TITLE}_{record.start:%Y%m%d}-{record.end:%Y%m%d}.{extension}"


# --------------------------------------------------------------------------------------------------
# Word
# --------------------------------------------------------------------------------------------------


def _cell(cell: Any, text: str, *, bold: bool = False, center: bool = False) -> None:
    cell.text = ""
    paragraph = cell.paragraphs[0]
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_fonts(paragraph.add_run(text), TABLE_FONT, 10.5, bold=bold)


def _line(document: Any, text: str, *, size: float = 12, font: str = TEXT_FONT) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(2)
    set_fonts(paragraph.add_run(text), font, size)


def record_docx(record: WorkRecord) -> bytes:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.8))
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(1.8)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_fonts(heading.add_run(TITLE), TITLE_FONT, 20)
    _line(document, f"姓名：{record.cadre.name}    单位及职务：{record.unit_post}")
    _line(document, f"驻村（社区）：{record.village_label}    记录期间：{record.period_label}")
    grid = document.add_table(rows=1, cols=len(HEADERS))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for column, text in enumerate(HEADERS):
        _cell(grid.cell(0, column), text, bold=True, center=True)
    for index, row in enumerate(record.rows, start=1):
        cells = grid.add_row().cells
        values = (str(index), f"{row.day:%Y-%m-%d}", row.kind, row.households, row.content, row.requests)
        for column, text in enumerate(values):
            _cell(cells[column], text, center=column < 3)
    widths = (Cm(1.2), Cm(2.4), Cm(2.2), Cm(4.5), Cm(8.5), Cm(7.3))
    for grid_row in grid.rows:
        for column, width in enumerate(widths):
            grid_row.cells[column].width = width
    if not record.rows:
        _line(document, "（本期间无工作记录）", size=10.5, font=TABLE_FONT)
    if record.other_requests:
        _line(document, "直接登记的群众诉求：", size=12)
        for text in record.other_requests:
            _line(document, text, size=10.5, font=TABLE_FONT)
    _line(document, record.summary)
    document.core_properties.title = f"{record.cadre.name}{TITLE}"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------------------------------
# Excel
# --------------------------------------------------------------------------------------------------


def record_xlsx(record: WorkRecord) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = TITLE
    width = len(HEADERS)
    ws.cell(row=1, column=1, value=TITLE).font = Font(bold=True, size=16)
    ws.cell(row=1, column=1).alignment = CENTER
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(row=2, column=1, value=f"姓名：{record.cadre.name}    单位及职务：{record.unit_post}")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws.cell(row=3, column=1, value=f"驻村（社区）：{record.village_label}    记录期间：{record.period_label}")
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=width)
    for column, text in enumerate(HEADERS, start=1):
        cell = ws.cell(row=4, column=column, value=text)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = CENTER
    r = 5
    for index, row in enumerate(record.rows, start=1):
        values: tuple[Any, ...] = (index, row.day, row.kind, row.households, row.content, row.requests)
        for column, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=column, value=value)
            cell.border = BORDER
            cell.alignment = CENTER if column <= 3 else WRAP
            if column == 2:
                cell.number_format = "yyyy-mm-dd"
        r += 1
    r += 1
    if record.other_requests:
        ws.cell(row=r, column=1, value="直接登记的群众诉求：").font = Font(bold=True)
        r += 1
        for text in record.other_requests:
            ws.cell(row=r, column=1, value=text)
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
            r += 1
    ws.cell(row=r, column=1, value=record.summary).font = Font(bold=True)
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
    for column, w in enumerate((6, 12, 10, 24, 50, 44), start=1):
        ws.column_dimensions[get_column_letter(column)].width = w
    ws.freeze_panes = "A5"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
