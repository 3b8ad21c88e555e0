"""The 记实 as an Excel workbook: what the page shows, every value whole."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from ganbu.audit.catalogue import EventView
from ganbu.core.office import xlsx_styles
from ganbu.core.spreadsheet import text_cells, xlsx_bytes

HEADERS = ("序号", "时间", "操作人", "模块", "操作", "对象", "内容")
WIDTHS = (9, 20, 22, 12, 26, 28, 80)


def events_filename(on: date) -> str:
    return f"记实_{on:%Y%m%d}.xlsx"


def events_xlsx(rows: Sequence[EventView], *, filters: str) -> bytes:
    """Title row (with the filters in force), header row, one row per event, newest first."""
    style = xlsx_styles()
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "记实"
    ws.append(text_cells(ws, [f"记实（操作留痕）导出：{filters or '全部'}，共 {len(rows)} 条"]))
    ws["A1"].font = style["bold"]
    ws.append(text_cells(ws, HEADERS))
    for cell in ws[2]:
        cell.font, cell.fill, cell.border = style["bold"], style["header_fill"], style["border"]
    zone = timezone.get_current_timezone()
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        ws.append(
            [
                row.seq,
                *text_cells(
                    ws,
                    [
                        row.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
                        row.actor,
                        row.module,
                        row.label,
                        row.object_label,
                        row.summary,
                    ],
                ),
            ]
        )
        for cell in ws[ws.max_row]:
            cell.border = style["border"]
        ws.cell(row=ws.max_row, column=len(HEADERS)).alignment = wrap
    for index, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A3"
    return xlsx_bytes(wb)
