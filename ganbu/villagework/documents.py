"""Exports of 驻村工作: a selector's result turned into bytes in the house style of `core.office`.
Views return them with `core.office.audited_attachment`; text goes in through
`core.spreadsheet.text_cells`, so it is never written as a formula.

- The 驻村蹲点工作记录表 of one cadre for a period (`selectors.records.work_record`), as Word and
  Excel: the heading; name, unit and post, village(s) and the period; one row per work log (序号,
  日期, 工作类型, 走访农户, 工作内容, 群众诉求及办理情况); requests registered without a log under the
  table; the summary line.
- The rotation list (轮岗提醒, `selectors.villages.rotation_due` / `rotation_upcoming`) as Excel.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ganbu.core.office import (
    TABLE_FONT,
    TEXT_FONT,
    docx_bytes,
    heading,
    new_document,
    set_fonts,
    table_cell,
    xlsx_styles,
)
from ganbu.core.spreadsheet import DATE_FORMAT, table_xlsx, text_cells, xlsx_bytes
from ganbu.villagework.selectors.records import TITLE, WorkRecord
from ganbu.villagework.selectors.requests import days_overdue
from ganbu.villagework.selectors.villages import Stay

__all__ = [
    "HEADERS",
    "TITLE",
    "record_docx",
    "record_filename",
    "record_xlsx",
    "rotation_filename",
    "rotation_xlsx",
]

HEADERS = ("序号", "日期", "工作类型", "走访农户", "工作内容", "群众诉求及办理情况")
WORD_WIDTHS_CM = (1.2, 2.4, 2.2, 4.5, 8.5, 7.3)
EXCEL_WIDTHS = (6, 12, 10, 24, 50, 44)
CELL_PT = 10.5


def record_filename(record: WorkRecord, extension: str) -> str:
    return f"{record.cadre.name}_{TITLE}_{record.start:%Y%m%d}-{record.end:%Y%m%d}.{extension}"


# --------------------------------------------------------------------------------------------------
# 驻村蹲点工作记录表: Word
# --------------------------------------------------------------------------------------------------


def _line(document: Any, text: str, *, size: float = 12, font: str = TEXT_FONT) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(2)
    set_fonts(paragraph.add_run(text), font, size)


def record_docx(record: WorkRecord) -> bytes:
    """A4 landscape, the title in 方正小标宋, the table in 宋体 (core.office)."""
    document = new_document(landscape=True, title=f"{record.cadre.name}{TITLE}")
    heading(document, TITLE)
    _line(document, f"姓名：{record.cadre.name}    单位及职务：{record.unit_post}")
    _line(document, f"驻村（社区）：{record.village_label}    记录期间：{record.period_label}")
    grid = document.add_table(rows=1, cols=len(HEADERS))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for column, text in enumerate(HEADERS):
        table_cell(grid.cell(0, column), text, bold=True, size=CELL_PT)
    for index, row in enumerate(record.rows, start=1):
        cells = grid.add_row().cells
        values = (str(index), f"{row.day:%Y-%m-%d}", row.kind, row.households, row.content, row.requests)
        for column, text in enumerate(values):
            table_cell(cells[column], text, center=column < 3, size=CELL_PT)
    for grid_row in grid.rows:
        for column, width in enumerate(WORD_WIDTHS_CM):
            grid_row.cells[column].width = Cm(width)
    if not record.rows:
        _line(document, "（本期间无工作记录）", size=CELL_PT, font=TABLE_FONT)
    if record.other_requests:
        _line(document, "直接登记的群众诉求：")
        for text in record.other_requests:
            _line(document, text, size=CELL_PT, font=TABLE_FONT)
    _line(document, record.summary)
    return docx_bytes(document)


# --------------------------------------------------------------------------------------------------
# 驻村蹲点工作记录表: Excel
# --------------------------------------------------------------------------------------------------


def _merged_line(ws: Any, text: str, width: int, *, font: Font | None = None) -> None:
    ws.append(text_cells(ws, [text]))
    row = ws.max_row
    if font is not None:
        ws.cell(row=row, column=1).font = font
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def record_xlsx(record: WorkRecord) -> bytes:
    style = xlsx_styles()
    wrap = Alignment(wrap_text=True, vertical="top")
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = TITLE
    width = len(HEADERS)
    _merged_line(ws, TITLE, width, font=Font(bold=True, size=16))
    ws.cell(row=1, column=1).alignment = style["center"]
    _merged_line(ws, f"姓名：{record.cadre.name}    单位及职务：{record.unit_post}", width)
    _merged_line(ws, f"驻村（社区）：{record.village_label}    记录期间：{record.period_label}", width)
    ws.append(text_cells(ws, HEADERS))
    for cell in ws[ws.max_row]:
        cell.font, cell.fill = style["bold"], style["header_fill"]
        cell.border, cell.alignment = style["border"], style["center"]
    for index, row in enumerate(record.rows, start=1):
        ws.append(text_cells(ws, [index, row.day, row.kind, row.households, row.content, row.requests]))
        for column, cell in enumerate(ws[ws.max_row], start=1):
            cell.border = style["border"]
            cell.alignment = style["center"] if column <= 3 else wrap
            if column == 2:
                cell.number_format = DATE_FORMAT
    ws.append([])
    if record.other_requests:
        ws.append(text_cells(ws, ["直接登记的群众诉求："]))
        ws.cell(row=ws.max_row, column=1).font = style["bold"]
        for text in record.other_requests:
            _merged_line(ws, text, width)
    _merged_line(ws, record.summary, width, font=style["bold"])
    for column, w in enumerate(EXCEL_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(column)].width = w
    ws.freeze_panes = "A5"
    return xlsx_bytes(wb)


# --------------------------------------------------------------------------------------------------
# 轮岗提醒
# --------------------------------------------------------------------------------------------------

ROTATION_HEADERS = (
    "状态",
    "乡镇",
    "村（社区）",
    "干部",
    "驻村身份",
    "连续驻村起始",
    "已驻村（年）",
    "满期日期",
)
ROTATION_WIDTHS = (12, 14, 16, 10, 14, 14, 12, 12)


def rotation_filename(on: date) -> str:
    return f"驻村轮岗提醒_{on:%Y%m%d}.xlsx"


def rotation_xlsx(*, on: date, years: int, due: Sequence[Stay], upcoming: Sequence[Stay]) -> bytes:
    """The stays due on `on` and those due within a year: title row, header row, one row per stay."""
    style = xlsx_styles()
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "轮岗提醒"
    ws.append(text_cells(ws, [f"驻村干部轮岗提醒名单（截至 {on:%Y-%m-%d}，同一村连续驻村满 {years} 年）"]))
    ws["A1"].font = style["bold"]
    ws.append(text_cells(ws, ROTATION_HEADERS))
    for cell in ws[2]:
        cell.font, cell.fill, cell.border = style["bold"], style["header_fill"], style["border"]
    for label, stays in (("已满期", due), ("一年内满期", upcoming)):
        for stay in stays:
            ws.append(
                text_cells(
                    ws,
                    [
                        label,
                        stay.township.name if stay.township else "",
                        stay.village.name,
                        stay.cadre.name,
                        stay.role_label,
                        stay.since,
                        stay.years,
                        stay.due_on,
                    ],
                )
            )
            row = ws[ws.max_row]
            for cell in row:
                cell.border = style["border"]
            for cell in (row[5], row[7]):
                cell.number_format = DATE_FORMAT
    for letter, width in zip("ABCDEFGH", ROTATION_WIDTHS, strict=True):
        ws.column_dimensions[letter].width = width
    return xlsx_bytes(wb)


# --- lists, exported as they were filtered -------------------------------------------------------

LIST_MAX = 50_000  # rows of one list export


def logs_xlsx(logs: Iterable[Any], *, filters: str) -> bytes:
    """The 驻村工作记录 list (selectors.logs.log_list, annotated with its counts)."""
    rows = (
        [
            log.logged_on,
            log.village.parent.name if log.village.parent else "",
            log.village.name,
            log.cadre.name,
            log.get_kind_display(),
            getattr(log, "visit_count", 0),
            getattr(log, "request_count", 0),
            log.content,
        ]
        for log in logs
    )
    return table_xlsx(
        sheet="工作记录",
        title=f"驻村工作记录（{filters or '全部'}）",
        headers=["日期", "乡镇", "村（社区）", "驻村干部", "工作类型", "走访户数", "诉求件数", "工作内容"],
        rows=rows,
        widths=[12, 12, 14, 10, 12, 10, 10, 60],
    )


def requests_xlsx(requests: Iterable[Any], *, filters: str, today: date) -> bytes:
    """The 群众诉求 list (selectors.requests.requests_filtered)."""
    rows = (
        [
            r.raised_on,
            r.due_on,
            days_overdue(r, today),
            r.village.parent.name if r.village.parent else "",
            r.village.name,
            r.household.head_name if r.household else "",
            r.get_category_display(),
            r.description,
            r.get_status_display(),
            r.cadre.name if r.cadre else "",
            r.resolved_on,
        ]
        for r in requests
    )
    return table_xlsx(
        sheet="群众诉求",
        title=f"群众诉求（{filters or '全部'}）",
        headers=[
            "登记日期",
            "办理期限",
            "逾期天数",
            "乡镇",
            "村（社区）",
            "农户",
            "类别",
            "诉求内容",
            "状态",
            "承办人",
            "办结日期",
        ],
        rows=rows,
        widths=[12, 12, 10, 12, 14, 10, 12, 50, 10, 10, 12],
    )


def townships_xlsx(table: Any, *, period: str) -> bytes:
    """The overview's ranking of townships (selectors.stats.township_table): numbers as numbers."""
    rows = (
        [
            t.rank,
            t.township.name,
            t.numbers.households,
            t.numbers.households_visited,
            t.numbers.coverage,
            t.numbers.visits,
            t.numbers.quota_rate,
            t.numbers.requests_raised,
            t.numbers.requests_resolved,
            t.numbers.resolution_rate,
            t.numbers.requests_overdue,
            t.numbers.median_days_to_resolve,
        ]
        for t in table.townships
    )
    return table_xlsx(
        sheet="乡镇排名",
        title=f"驻村工作乡镇排名（{period}）",
        headers=[
            "名次",
            "乡镇",
            "在册户数",
            "已走访",
            "覆盖率（%）",
            "走访户次",
            "周走访达标率（%）",
            "诉求",
            "已办结",
            "办结率（%）",
            "逾期",
            "办结中位天数",
        ],
        rows=rows,
        widths=[6, 14, 10, 10, 12, 10, 16, 8, 8, 10, 8, 12],
    )


def assignments_xlsx(assignments: Iterable[Any], *, filters: str) -> bytes:
    """The 驻村安排 list (selectors.villages.assignment_list)."""
    rows = (
        [
            a.village.parent.name if a.village.parent else "",
            a.village.name,
            a.cadre.name,
            a.get_role_display(),
            a.started_on,
            a.ended_on,
            a.document_number,
        ]
        for a in assignments
    )
    return table_xlsx(
        sheet="驻村安排",
        title=f"驻村安排（{filters or '全部'}）",
        headers=["乡镇", "村（社区）", "干部", "驻村身份", "开始", "结束", "派驻文号"],
        rows=rows,
        widths=[12, 14, 10, 14, 12, 12, 24],
    )


def households_xlsx(households: Iterable[Any], *, village: str, filters: str) -> bytes:
    """A village's register as filtered (selectors.villages.village_households)."""
    rows = (
        [
            h.group_name,
            h.head_name,
            h.members,
            h.get_category_display(),
            h.phone,
            h.address,
            "在册" if h.is_active else "已注销",
            h.note,
        ]
        for h in households
    )
    return table_xlsx(
        sheet="农户花名册",
        title=f"{village}农户花名册（{filters or '在册农户'}）",
        headers=["村民小组", "户主", "人口", "类别", "联系电话", "住址", "状态", "备注"],
        rows=rows,
        widths=[10, 10, 6, 10, 14, 30, 8, 20],
    )
