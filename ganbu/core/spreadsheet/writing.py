"""Workbooks the system writes: the error report, the import template and a filtered list."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ganbu.core.spreadsheet.base import RowError
from ganbu.core.spreadsheet.cells import text_cells


def xlsx_bytes(workbook: Any) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def error_report_xlsx(errors: Iterable[RowError | Mapping[str, Any]]) -> bytes:
    """The errors of a refused file as a workbook: 行号, 列名, 原因."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("错误报告")
    ws.column_dimensions["A"].width = 8
    ws.column_dimensions["B"].width = 14
    ws.column_dimensions["C"].width = 90
    header = []
    for text in ("行号", "列名", "原因"):
        cell = WriteOnlyCell(ws, value=text)
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    for error in errors:
        if isinstance(error, Mapping):
            ws.append(text_cells(ws, [error.get("row"), error.get("column", ""), error.get("message", "")]))
        else:
            ws.append(text_cells(ws, [error.row, error.column, error.message]))
    return xlsx_bytes(wb)


@dataclass(frozen=True)
class TemplateColumn:
    header: str
    width: float = 12
    required: bool = False
    text: bool = False  # formatted as text (身份证号, codes): Excel keeps leading zeros and all digits
    note: str = ""  # for the 填写说明 sheet
    choices: Sequence[str] = ()  # a dropdown (not enforced: codes are accepted too)
    allowed: str = ""  # the allowed values as shown in 填写说明 (default: the choices)


def template_xlsx(
    *,
    sheet: str,
    columns: Sequence[TemplateColumn],
    title: str,
    rules: Sequence[str],
    help_sheet: str = "填写说明",
    codes_sheet: str = "代码表",
    example_rows: Sequence[Sequence[Any]] = (),
    dropdown_rows: int = 10000,
) -> bytes:
    """An import template: the data sheet (headers, required ones shaded, text-formatted columns,
    dropdowns), a 填写说明 sheet (the rules, then every column with its note and allowed values) and
    a hidden sheet feeding the dropdowns."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=index, value=column.header)
        cell.font = bold
        cell.alignment = Alignment(horizontal="center")
        if column.required:
            cell.fill = required_fill
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = column.width
        if column.text:
            ws.column_dimensions[letter].number_format = "@"
    for row in example_rows:
        ws.append(text_cells(ws, row))
    ws.freeze_panes = "A2"

    help_ws = wb.create_sheet(help_sheet)
    for letter, width in zip("ABCD", (14, 8, 70, 60), strict=True):
        help_ws.column_dimensions[letter].width = width
    help_ws.append([title])
    help_ws["A1"].font = Font(bold=True, size=14)
    for line in rules:
        help_ws.append([line])
    help_ws.append([])
    help_ws.append(["列名", "必填", "说明", "可填写的值"])
    for cell in help_ws[help_ws.max_row]:
        cell.font = bold
    for column in columns:
        help_ws.append(
            [
                column.header,
                "是" if column.required else "",
                column.note,
                column.allowed or "；".join(column.choices),
            ]
        )
        for col in (3, 4):
            help_ws.cell(row=help_ws.max_row, column=col).alignment = Alignment(
                wrap_text=True, vertical="top"
            )

    with_choices = [(i, c) for i, c in enumerate(columns, start=1) if c.choices]
    if with_choices:
        lists = wb.create_sheet(codes_sheet)
        lists.sheet_state = "hidden"
        for list_index, (index, column) in enumerate(with_choices, start=1):
            letter = get_column_letter(list_index)
            lists.cell(row=1, column=list_index, value=column.header)
            for line_number, choice in enumerate(column.choices, start=2):
                lists.cell(row=line_number, column=list_index, value=choice)
            validation = DataValidation(
                type="list",
                formula1=f"='{codes_sheet}'!${letter}$2:${letter}${len(column.choices) + 1}",
                allow_blank=True,
                showErrorMessage=False,
            )
            target = get_column_letter(index)
            validation.add(f"{target}2:{target}{dropdown_rows}")
            ws.add_data_validation(validation)
    return xlsx_bytes(wb)


def table_xlsx(
    *,
    sheet: str,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[int] = (),
) -> bytes:
    """A list exported as it was filtered: a title row (what and which filters), the header row,
    one row per item. Text is always stored as text (`text_cells`); numbers and dates stay numbers
    and dates; the header row stays in view when scrolling."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet[:31]
    ws.append(text_cells(ws, [title]))
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(text_cells(ws, list(headers)))
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F2F2F2")
    for row in rows:
        ws.append(text_cells(ws, list(row)))
        for cell in ws[ws.max_row]:
            if hasattr(cell.value, "isoformat") and not isinstance(cell.value, str):
                cell.number_format = "yyyy-mm-dd"
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A3"
    return xlsx_bytes(wb)
