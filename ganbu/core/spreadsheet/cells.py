"""Parsing cells: text, codes, header text and dates in every shape clerks type; writing text
that a spreadsheet never runs as a formula."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from ganbu.core.spreadsheet.base import Cell

_DATE_TEXT = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")
_TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_EXCEL_EPOCH = date(1899, 12, 30)
_MAX_SERIAL = (date(2100, 12, 31) - _EXCEL_EPOCH).days


def is_blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: Cell) -> str:
    """A cell as stripped text; whole numbers without a spurious '.0'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):  # datetime too
        return f"{value:%Y-%m-%d}"
    return str(value).strip()


def code_text(value: Cell) -> str:
    """A code-like cell (code table value, unit code): full-width letters and digits made ASCII,
    no white space."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", cell_text(value)))


def header_text(value: Cell) -> str:
    """A header cell as a lookup key: full-width made half-width, no white space (also the
    ideographic space of `姓  名`), no required-column star, no line breaks."""
    return code_text(value).strip("*＊")


def _checked_date(year: int, month: int, day: int, raw: str) -> date:
    if not 1900 <= year <= 2100:
        raise ValueError(f"「{raw}」的年份不合理")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"「{raw}」不是有效日期") from None


def parse_date(value: Cell) -> date | None:
    """An Excel cell as a date. Accepts real Excel dates, Excel serial numbers and the text (or
    number) forms 1980-05-03, 1980/5/3, 1980.05, 1980.5, 1980年5月, 1980年5月3日, 198005,
    19800503; a month without a day means the 1st. Raises ValueError with a Chinese reason."""
    if is_blank(value):
        return None
    if isinstance(value, date):  # an Excel date (datetime too): the same years as typed dates
        day = value.date() if isinstance(value, datetime) else value
        return _checked_date(day.year, day.month, day.day, f"{day:%Y-%m-%d}")
    if isinstance(value, bool):
        raise ValueError(f"「{value}」不是日期")
    if isinstance(value, int | float):
        return _date_from_number(value)
    if isinstance(value, str):
        return _date_from_text(value)
    raise ValueError(f"「{value}」不是日期")


def _date_from_number(value: float) -> date:
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        raise ValueError("单元格中不是日期（数值无效）")
    if isinstance(value, float) and not value.is_integer():
        whole = int(value)
        if 1900 <= whole <= 2100:  # 1980.05 typed into a number cell
            text = repr(value)
            if re.fullmatch(r"\d{4}\.1", text):
                raise ValueError(
                    f"「{text}」有歧义：Excel把 {whole}.10 存成了数字 {text}，无法区分1月和10月，"
                    f"请写成 {whole}-01 或 {whole}-10（或把单元格设为文本格式）"
                )
            return _date_from_text(text)
        value = float(whole)  # a serial with a time of day
    number = int(value)
    text = str(number)
    if len(text) == 8:
        return _checked_date(number // 10000, number // 100 % 100, number % 100, text)
    if len(text) == 6:
        return _checked_date(number // 100, number % 100, 1, text)
    if 1900 <= number <= 2100:
        raise ValueError(f"「{text}」只有年份，应至少填写到月份")
    if 1 <= number <= _MAX_SERIAL:
        return _EXCEL_EPOCH + timedelta(days=number)
    raise ValueError(f"「{text}」不是有效日期")


def _date_from_text(raw: str) -> date:
    text = unicodedata.normalize("NFKC", raw).strip()
    text = _TIME_SUFFIX.sub("", text).strip()
    if text.isdigit():
        if len(text) == 8:
            return _checked_date(int(text[:4]), int(text[4:6]), int(text[6:]), raw.strip())
        if len(text) == 6:
            return _checked_date(int(text[:4]), int(text[4:]), 1, raw.strip())
        raise ValueError(f"「{raw.strip()}」不是有效日期")
    normal = re.sub(r"\s+", "", text)
    normal = normal.replace("年", "-").replace("月", "-").replace("日", "").replace("号", "")
    normal = normal.replace("/", "-").replace(".", "-").rstrip("-")
    match = _DATE_TEXT.match(normal)
    if not match:
        raise ValueError(f"「{raw.strip()}」不是有效日期")
    year, month, day = match.group(1), match.group(2), match.group(3)
    return _checked_date(int(year), int(month), int(day) if day else 1, raw.strip())


def text_cells(ws: Any, values: Iterable[Any]) -> list[Any]:
    """A row to append to a worksheet (normal or write-only) in which text is always stored as
    text: openpyxl turns any string starting with "=" into a live formula (`=HYPERLINK(...)`,
    `=cmd|' /C calc'!A0`), so such strings become cells typed as text, shown exactly as written.
    Numbers, dates and other text pass unchanged (a stored string starting with + - @ is not
    evaluated by Excel, WPS or LibreOffice)."""
    from openpyxl.cell import Cell, WriteOnlyCell

    write_only = not hasattr(ws, "cell")
    row: list[Any] = []
    for value in values:
        if isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(ws, value=value) if write_only else Cell(ws, value=value)
            cell.data_type = "s"
            row.append(cell)
        else:
            row.append(value)
    return row


def text_cell(ws: Any, row: int, column: int, value: Any) -> Any:
    """Write one cell at a position, text stored as text (see `text_cells`); returns the cell."""
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell
