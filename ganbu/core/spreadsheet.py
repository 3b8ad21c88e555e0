"""The spreadsheet kit every import and export uses: reading workbooks, parsing cells and dates,
finding the header row (also two-row headers), row errors as (行号, 列名, 原因), the error report,
import templates, and writing text that a spreadsheet never runs as a formula.

Policy for imports (docs/architecture.md, "Imports"): all or nothing per file; validate every row
first and collect every error as `RowError(行号, 列名, 原因)`; write only when there is none. The
domain of each import (which columns, which rules) lives in its app's `imports.py`; this module
knows nothing of cadres or households.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import islice
from typing import Any, NamedTuple

from ganbu.core.sandbox import Limits

logger = logging.getLogger(__name__)

Cell = Any  # str | int | float | bool | date | datetime | time | timedelta | None
Source = str | os.PathLike[str] | bytes

STREAM_ABOVE_BYTES = 64 * 1024 * 1024  # ≈ 600,000 rows: read with openpyxl, bounded memory
HEADER_SEARCH_ROWS = 10
DATE_FORMATS_HINT = "可填写 1980-05-03、1980/5/3、1980.05、1980年5月、1980年5月3日、198005 或 19800503"
DATE_FORMAT = "yyyy-mm-dd"


# ---------------------------------------------------------------------------------------------
# Errors and results
# ---------------------------------------------------------------------------------------------


class RowError(NamedTuple):
    """One problem: the Excel row number (None for the file as a whole), the header, the reason."""

    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        where = f"第{self.row}行 " if self.row is not None else ""
        return f"{where}[{self.column or '文件'}] {self.message}"


class ImportFileError(Exception):
    """The file cannot be imported at all (unreadable, no header, missing columns, too large)."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("；".join(str(e) for e in errors))
        self.errors = errors

    def __reduce__(self) -> tuple[Any, ...]:  # raised in the parsing child, re-raised in the parent
        return (type(self), (self.errors,))


def file_error(message: str, column: str = "文件") -> ImportFileError:
    return ImportFileError([RowError(None, column, message)])


@dataclass
class ImportResultBase:
    """What every import reports: the file, whether it was a trial run, the counts, every error."""

    filename: str
    sha256: str
    dry_run: bool
    total_rows: int = 0
    created: int = 0
    updated: int = 0  # rows matching an existing record (changed or not)
    unchanged: int = 0  # of `updated`, those with nothing to change
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0  # may exceed len(errors) when the list was capped
    seconds: float = 0.0

    unit_word = "条"  # 名 for people, 户 for households

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def counts_text(self) -> str:
        u = self.unit_word
        return f"新增 {self.created} {u}，更新 {self.updated} {u}"

    @property
    def summary(self) -> str:
        if not self.ok:
            capped = f"，仅列出前 {len(self.errors)} 处" if self.error_count > len(self.errors) else ""
            return f"文件中有 {self.error_count} 处错误{capped}，未导入任何数据"
        if self.dry_run:
            return f"校验通过：{self.counts_text()}（试运行，未写入）"
        return f"导入成功：{self.counts_text()}"

    def fail(self, errors: list[RowError], count: int | None = None) -> None:
        self.errors = errors
        self.error_count = len(errors) if count is None else count


def digest(source: Source) -> str:
    """SHA-256 of the file (recorded in the audit event of an import)."""
    sha = hashlib.sha256()
    if isinstance(source, bytes):
        sha.update(source)
    else:
        with open(source, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                sha.update(block)
    return sha.hexdigest()


def source_size(source: Source) -> int:
    return len(source) if isinstance(source, bytes) else os.stat(source).st_size


def check_size(source: Source, max_bytes: int, hint: str = "请检查是否选错文件或拆分后导入") -> None:
    if source_size(source) > max_bytes:
        raise file_error(f"文件超过 {max_bytes // (1024 * 1024)}MB，{hint}")


# ---------------------------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------
# Reading workbooks
# ---------------------------------------------------------------------------------------------


class Reader:
    """Streams the rows of one sheet: (Excel row number, cells). Re-iterable for a second pass."""

    engine = ""

    def sheet_names(self) -> list[str]:
        raise NotImplementedError

    def rows(self, sheet: str) -> Iterator[tuple[int, Sequence[Cell]]]:
        raise NotImplementedError

    def row_count(self, sheet: str) -> int:
        raise NotImplementedError

    def close(self) -> None:
        pass


class CalamineReader(Reader):
    engine = "calamine"

    def __init__(self, source: Source) -> None:
        from python_calamine import CalamineWorkbook

        if isinstance(source, bytes):
            self.book = CalamineWorkbook.from_filelike(io.BytesIO(source))
        else:
            self.book = CalamineWorkbook.from_path(os.fspath(source))
        self._sheets: dict[str, Any] = {}

    def _sheet(self, name: str) -> Any:
        if name not in self._sheets:
            self._sheets[name] = self.book.get_sheet_by_name(name)
        return self._sheets[name]

    def sheet_names(self) -> list[str]:
        from python_calamine import SheetVisibleEnum

        return [m.name for m in self.book.sheets_metadata if m.visible == SheetVisibleEnum.Visible]

    def rows(self, sheet: str) -> Iterator[tuple[int, Sequence[Cell]]]:
        # python-calamine pads the rows above the used range, so the index is the absolute row.
        yield from enumerate(self._sheet(sheet).iter_rows(), start=1)

    def row_count(self, sheet: str) -> int:
        end = self._sheet(sheet).end
        return int(end[0]) + 1 if end else 0

    def close(self) -> None:
        self._sheets.clear()
        self.book.close()


class OpenpyxlReader(Reader):
    engine = "openpyxl"

    def __init__(self, source: Source) -> None:
        import openpyxl

        self.source = source
        self.book = openpyxl.load_workbook(self._open(), read_only=True, data_only=True)

    def _open(self) -> Any:
        return io.BytesIO(self.source) if isinstance(self.source, bytes) else os.fspath(self.source)

    def sheet_names(self) -> list[str]:
        return [ws.title for ws in self.book.worksheets if ws.sheet_state == "visible"]

    def rows(self, sheet: str) -> Iterator[tuple[int, Sequence[Cell]]]:
        ws = self.book[sheet]
        yield from enumerate(ws.iter_rows(values_only=True), start=1)

    def row_count(self, sheet: str) -> int:
        return int(self.book[sheet].max_row or 0)

    def close(self) -> None:
        self.book.close()


def _calamine(source: Source) -> Reader:
    reader = CalamineReader(source)
    try:
        names = reader.sheet_names()
        if names:
            reader.row_count(names[0])  # parses the first sheet now: a broken one falls back
    except Exception:
        reader.close()
        raise
    return reader


UNREADABLE = "无法读取文件：请上传 Excel 工作簿（.xlsx），建议使用导入模板"


def _open_direct(source: Source) -> Reader:
    """python-calamine (fast; holds the parsed sheet in memory, ~1 KB per row), openpyxl
    read-only as the fallback when calamine cannot read the file, and first choice for files so
    large (over STREAM_ABOVE_BYTES) that memory matters more than speed."""
    engines: list[Callable[[Source], Reader]] = [_calamine, OpenpyxlReader]
    if source_size(source) > STREAM_ABOVE_BYTES:
        engines.reverse()
    first_error: Exception | None = None
    for engine in engines:
        try:
            return engine(source)
        except Exception as exc:
            first_error = first_error or exc
    logger.info("unreadable workbook: %s", first_error)
    raise file_error(UNREADABLE) from first_error


# --- untrusted workbooks: checked before parsing, parsed in a limited child --------------------

MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024  # all members of the .xlsx zip, expanded
MAX_COMPRESSION_RATIO = 200  # a member expanding more than this is a zip bomb
MAX_MEMBERS = 10_000
MAX_COLUMNS = 1_000  # a roster has a few dozen columns
MAX_ROWS = 1_048_576  # the sheet limit of the format itself
MAX_CELLS = 40_000_000  # rows × columns of the used range
SPILL_CHUNK = 2_000  # rows per pickled chunk the child writes
# The parsing child: room for python-calamine's in-memory sheet of a very large import (~1 KB per
# row; files over STREAM_ABOVE_BYTES are streamed by openpyxl instead) and for its time.
WORKBOOK_LIMITS = Limits(memory_mb=4096, cpu_seconds=900, wall_seconds=1200, output_mb=4096)
_CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"')
_ROW_REF = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="([0-9]{1,7})"')


def _column_number(letters: bytes) -> int:
    number = 0
    for char in letters:
        number = number * 26 + char - 64
    return number


def precheck_xlsx(source: Source) -> None:
    """Refuse what would exhaust a reader before any parser sees it: a file that is not a zip, a
    zip that expands to more than MAX_UNCOMPRESSED_BYTES or more than MAX_COMPRESSION_RATIO times
    its size, and a sheet whose cells reach beyond MAX_COLUMNS columns or MAX_CELLS cells (one
    cell at XFD1048576 makes a reader allocate for 17 billion cells). Pure Python over the zip:
    cell references are scanned from the sheet XML, not parsed."""
    import zipfile

    try:
        archive = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else os.fspath(source))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise file_error(UNREADABLE) from exc
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise file_error(f"文件内部结构异常（包含 {len(members)} 个部件），不是正常的 Excel 工作簿")
        expanded = sum(m.file_size for m in members)
        if expanded > MAX_UNCOMPRESSED_BYTES:
            raise file_error(f"文件解压后超过 {MAX_UNCOMPRESSED_BYTES // (1024 * 1024)}MB，请拆分后导入")
        for member in members:
            if member.compress_size and member.file_size / member.compress_size > MAX_COMPRESSION_RATIO:
                raise file_error("文件的压缩比异常（疑似压缩炸弹），拒绝读取")
        for member in members:
            if not member.filename.startswith("xl/worksheets/") or not member.filename.endswith(".xml"):
                continue
            max_row = max_col = 0
            tail = b""
            with archive.open(member) as handle:
                while block := handle.read(1 << 20):
                    data = tail + block
                    for letters, row in _CELL_REF.findall(data):
                        max_col = max(max_col, _column_number(letters))
                        max_row = max(max_row, int(row))
                    for row in _ROW_REF.findall(data):
                        max_row = max(max_row, int(row))
                    tail = data[-256:]
            if max_col > MAX_COLUMNS or max_row > MAX_ROWS or max_row * max_col > MAX_CELLS:
                raise file_error(
                    f"工作表的数据区域过大（{max_row} 行 × {max_col} 列），超出系统读取限制；"
                    "请删除表格右侧和下方的多余内容后重新导入"
                )


class SpilledReader(Reader):
    """The rows a sandboxed child extracted, read back from its temporary files (bounded memory:
    one chunk at a time)."""

    engine = "sandbox"

    def __init__(self, manifest: list[tuple[str, str, int]], directory: str) -> None:
        self.manifest = {name: (path, count) for name, path, count in manifest}
        self.order = [name for name, _, _ in manifest]
        self.directory = directory

    def sheet_names(self) -> list[str]:
        return list(self.order)

    def rows(self, sheet: str) -> Iterator[tuple[int, Sequence[Cell]]]:
        import pickle

        path, _ = self.manifest[sheet]
        with open(path, "rb") as handle:
            while True:
                try:
                    chunk = pickle.load(handle)  # noqa: S301 - written by our own child
                except EOFError:
                    return
                yield from chunk

    def row_count(self, sheet: str) -> int:
        return self.manifest[sheet][1]

    def close(self) -> None:
        import shutil

        shutil.rmtree(self.directory, ignore_errors=True)


def _extract(source: Source, directory: str) -> list[tuple[str, str, int]]:
    """In the child: parse the workbook and spill every visible sheet's rows to a file."""
    import pickle

    reader = _open_direct(source)
    manifest: list[tuple[str, str, int]] = []
    try:
        for index, sheet in enumerate(reader.sheet_names()):
            path = os.path.join(directory, f"sheet{index}.pickle")
            count = 0
            with open(path, "wb") as handle:
                chunk: list[tuple[int, list[Cell]]] = []
                for line, cells in reader.rows(sheet):
                    chunk.append((line, list(cells)))
                    count = line
                    if len(chunk) >= SPILL_CHUNK:
                        pickle.dump(chunk, handle, protocol=pickle.HIGHEST_PROTOCOL)
                        chunk = []
                if chunk:
                    pickle.dump(chunk, handle, protocol=pickle.HIGHEST_PROTOCOL)
            manifest.append((sheet, path, max(count, reader.row_count(sheet))))
    finally:
        reader.close()
    return manifest


def open_workbook(source: Source, *, sandboxed: bool | None = None) -> Reader:
    """Open an uploaded workbook. The file is checked first (`precheck_xlsx`), then parsed in a
    limited child process (`core.sandbox`): a hostile file ends as a Chinese file error, never as
    a dead worker. `sandboxed=False` (trusted files of our own) parses in this process."""
    from ganbu.core import sandbox

    precheck_xlsx(source)
    if sandboxed is False:
        return _open_direct(source)
    import tempfile

    directory = tempfile.mkdtemp(prefix="ganbu-xlsx-")
    try:
        manifest = sandbox.run(_extract, source, directory, limits=WORKBOOK_LIMITS)
    except sandbox.SandboxError as exc:
        import shutil

        shutil.rmtree(directory, ignore_errors=True)
        raise file_error(exc.message) from exc
    except BaseException:
        import shutil

        shutil.rmtree(directory, ignore_errors=True)
        raise
    return SpilledReader(manifest, directory)


# ---------------------------------------------------------------------------------------------
# Header rows
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """Where the data of a sheet is: its header row(s) and which cell index holds which column."""

    sheet: str
    header_row: int  # the (last) header row; data starts below it
    columns: dict[int, str]  # cell index → column key
    labels: dict[str, str]  # column key → the header text as the file wrote it

    @property
    def keys(self) -> set[str]:
        return set(self.columns.values())


def _match_row(cells: Sequence[Cell], headers: Mapping[str, str]) -> dict[int, tuple[str, str]]:
    found: dict[int, tuple[str, str]] = {}
    for index, cell in enumerate(cells):
        text = header_text(cell)
        if text in headers:
            found[index] = (headers[text], cell_text(cell))
    return found


def _match_two_rows(
    top: Sequence[Cell], sub: Sequence[Cell], headers: Mapping[str, str]
) -> dict[int, tuple[str, str]]:
    """Two header rows: a top cell merged across several sub-columns (read as the top text in the
    first cell and blanks after it) over sub-headers. A column is named by its sub-header joined
    to the top header carried across the merge (全日制教育 + 学历), by the sub-header alone, or, where
    the sub-row is blank, by the top header alone (a vertically merged cell)."""
    found: dict[int, tuple[str, str]] = {}
    carried = ""
    for index in range(max(len(top), len(sub))):
        top_text = header_text(top[index]) if index < len(top) else ""
        sub_text = header_text(sub[index]) if index < len(sub) else ""
        if top_text:
            carried = top_text
        candidates = [carried + sub_text, sub_text] if sub_text else [top_text]
        for candidate in candidates:
            if candidate and candidate in headers:
                label = (
                    f"{carried}{sub_text}" if sub_text and candidate != sub_text else (sub_text or top_text)
                )
                found[index] = (headers[candidate], label)
                break
    return found


def find_layout(
    reader: Reader,
    *,
    headers: Mapping[str, str],
    required: Sequence[str],
    skip_sheets: Iterable[str] = (),
    prefer_sheet: str = "",
    min_matches: int = 3,
    template_hint: str = "请使用导入模板",
) -> Layout:
    """The first visible sheet (or `prefer_sheet`) with a header row within its first rows: a row
    naming at least `min_matches` known columns, possibly with a second header row under it (see
    `_match_two_rows`). `headers` maps every accepted header text (synonyms included, compared
    without spaces and full-width forms) to a column key; `required` lists column keys. Unknown
    columns are ignored; a column named twice, or a missing required column, refuses the file."""
    skip = set(skip_sheets)
    sheets = [s for s in reader.sheet_names() if s not in skip]
    if prefer_sheet in sheets:
        sheets.remove(prefer_sheet)
        sheets.insert(0, prefer_sheet)
    label_of_key: dict[str, str] = {}
    for text, key in headers.items():
        label_of_key.setdefault(key, text)
    for sheet in sheets:
        head = list(islice(reader.rows(sheet), HEADER_SEARCH_ROWS + 1))
        for position, (line, cells) in enumerate(head[:HEADER_SEARCH_ROWS]):
            single = _match_row(cells, headers)
            double: dict[int, tuple[str, str]] = {}
            if position + 1 < len(head):
                double = _match_two_rows(cells, head[position + 1][1], headers)
            if max(len(single), len(double)) < min_matches:
                continue
            two_rows = len(double) > len(single)
            found = double if two_rows else single
            header_row = head[position + 1][0] if two_rows else line
            columns: dict[int, str] = {}
            labels: dict[str, str] = {}
            errors: list[RowError] = []
            for index, (key, label) in sorted(found.items()):
                if key in labels:
                    errors.append(
                        RowError(header_row, label, f"表头中「{labels[key]}」与「{label}」是同一列，重复出现")
                        if labels[key] != label
                        else RowError(header_row, label, f"表头中「{label}」列重复出现")
                    )
                    continue
                columns[index] = key
                labels[key] = label
            missing = [label_of_key.get(k, k) for k in required if k not in labels]
            if missing:
                errors.append(
                    RowError(header_row, "表头", f"缺少必填列：{'、'.join(missing)}（{template_hint}）")
                )
            if errors:
                raise ImportFileError(errors)
            return Layout(sheet, header_row, columns, labels)
    names = "、".join(dict.fromkeys(label_of_key.get(k, k) for k in required))
    raise file_error(
        f"未找到表头：前{HEADER_SEARCH_ROWS}行中应有一行列名，包括 {names} 等（{template_hint}）", "表头"
    )


def data_rows(reader: Reader, layout: Layout) -> Iterator[tuple[int, dict[str, Cell]]]:
    """The rows below the header as {column key: cell}, blank rows skipped."""
    for line, cells in reader.rows(layout.sheet):
        if line <= layout.header_row:
            continue
        values = {key: cells[index] if index < len(cells) else None for index, key in layout.columns.items()}
        if all(is_blank(v) for v in values.values()):
            continue
        yield line, values


# ---------------------------------------------------------------------------------------------
# Workbooks we write
# ---------------------------------------------------------------------------------------------


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
