"""Reading workbooks: python-calamine and openpyxl readers, and for untrusted files a pre-check
of the zip and its cell references followed by parsing in a limited child process whose rows are
read back from its spill files."""

from __future__ import annotations

import io
import logging
import os
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from ganbu.core.sandbox import Limits
from ganbu.core.spreadsheet.base import Cell, Source, file_error, source_size

logger = logging.getLogger(__name__)

STREAM_ABOVE_BYTES = 64 * 1024 * 1024  # ≈ 600,000 rows: read with openpyxl, bounded memory


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
