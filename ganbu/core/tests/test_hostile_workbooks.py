"""Hostile spreadsheets (issue 11, finding 2): a 2 KB workbook declaring one cell at XFD1048576
and zip bombs are refused before any parser sees them, and whatever gets past the precheck is
parsed in a limited child process (`core.sandbox`), so the worst a file can do is fail itself."""

from __future__ import annotations

import io
import os
import signal
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from ganbu.core import sandbox
from ganbu.core.spreadsheet import ImportFileError, open_workbook, precheck_xlsx
from ganbu.core.spreadsheet import reading as reading_module

FAR_CELL = "XFD1048576"  # the last cell of a sheet: 16,384 columns × 1,048,576 rows


def far_cell_workbook() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = "姓名"
    ws[FAR_CELL] = "x"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def bomb_workbook(expanded_mb: int = 64) -> bytes:
    """A valid-looking .xlsx whose sheet XML is `expanded_mb` MB of blanks (compresses ~1000:1)."""
    out = io.BytesIO()
    base = io.BytesIO()
    openpyxl.Workbook().save(base)
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * (expanded_mb << 20))
                assert len(data) > expanded_mb << 20
            target.writestr(item, data)
    return out.getvalue()


def _message(exc: ImportFileError) -> str:
    return "；".join(e.message for e in exc.errors)


def test_the_far_cell_workbook_is_tiny() -> None:
    assert len(far_cell_workbook()) < 8 * 1024


def test_a_cell_at_the_end_of_the_sheet_is_refused_before_parsing() -> None:
    with pytest.raises(ImportFileError) as caught:
        precheck_xlsx(far_cell_workbook())
    assert "工作表的数据区域过大（1048576 行 × 16384 列）" in _message(caught.value)


def test_the_data_region_limit_is_at_its_boundary(monkeypatch: pytest.MonkeyPatch) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.cell(row=10, column=20, value="x")  # 200 cells
    out = io.BytesIO()
    wb.save(out)
    monkeypatch.setattr(reading_module, "MAX_CELLS", 200)
    precheck_xlsx(out.getvalue())  # exactly at the limit: accepted
    monkeypatch.setattr(reading_module, "MAX_CELLS", 199)
    with pytest.raises(ImportFileError, match="数据区域过大"):
        precheck_xlsx(out.getvalue())


def test_a_zip_bomb_is_refused_by_its_compression_ratio() -> None:
    data = bomb_workbook(64)
    assert len(data) < 1024 * 1024
    with pytest.raises(ImportFileError) as caught:
        precheck_xlsx(data)
    assert "压缩比异常" in _message(caught.value)


def test_a_workbook_expanding_beyond_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading_module, "MAX_COMPRESSION_RATIO", 10**9)
    monkeypatch.setattr(reading_module, "MAX_UNCOMPRESSED_BYTES", 32 << 20)
    with pytest.raises(ImportFileError, match="文件解压后超过 32MB"):
        precheck_xlsx(bomb_workbook(40))


def test_not_a_workbook_is_a_chinese_file_error() -> None:
    with pytest.raises(ImportFileError, match="无法读取文件"):
        open_workbook(b"PK\x03\x04 not really a zip")


def test_what_gets_past_the_precheck_only_kills_the_child(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the precheck, the far cell reaches the native reader, which allocates for 17 billion
    cells: the limited child dies or refuses, this process goes on with a Chinese file error."""
    monkeypatch.setattr(reading_module, "precheck_xlsx", lambda source: None)
    small = sandbox.Limits(memory_mb=1024, cpu_seconds=20, wall_seconds=40, output_mb=64)
    monkeypatch.setattr(reading_module, "WORKBOOK_LIMITS", small)
    try:
        reader = open_workbook(far_cell_workbook())
    except ImportFileError as exc:
        assert _message(exc)  # a message for the user, whichever limit struck
    else:  # a reader that copes with the far cell must still read the sheet's real content
        try:
            rows = [cells for _, cells in reader.rows(reader.sheet_names()[0])]
            assert rows and rows[0][0] == "姓名"
        finally:
            reader.close()
    assert os.getpid()  # still here


def _allocate(mb: int) -> int:
    return len(bytearray(mb << 20))


def _spin() -> int:
    n = 0
    while True:
        n += 1


def _die() -> int:
    os.kill(os.getpid(), signal.SIGKILL)
    return 0


def _refuse() -> int:
    raise ValueError("第3行格式错误")


def _large_answer() -> bytes:
    return b"x" * (3 << 20)


LIMITS = sandbox.Limits(memory_mb=512, cpu_seconds=2, wall_seconds=10, output_mb=1)


@pytest.mark.parametrize(
    ("fn", "args", "reason"),
    [
        (_allocate, (2048,), "memory"),
        (_spin, (), "exit"),
        (_die, (), "exit"),
        (_large_answer, (), "output"),
    ],
    ids=["memory", "cpu", "killed", "output"],
)
def test_the_child_is_limited_and_its_end_is_a_chinese_error(
    fn: Any, args: tuple[Any, ...], reason: str
) -> None:
    with pytest.raises(sandbox.SandboxError) as caught:
        sandbox.run(fn, *args, limits=LIMITS)
    assert caught.value.message == sandbox.TOO_LARGE
    assert caught.value.reason.startswith(reason)


def test_the_childs_answer_and_its_parse_errors_come_back() -> None:
    assert sandbox.run(_allocate, 1, limits=LIMITS) == 1 << 20
    with pytest.raises(ValueError, match="第3行格式错误"):
        sandbox.run(_refuse, limits=LIMITS)


def test_a_wall_clock_timeout_kills_the_child(monkeypatch: pytest.MonkeyPatch) -> None:
    limits = sandbox.Limits(memory_mb=512, cpu_seconds=60, wall_seconds=1, output_mb=1)
    with pytest.raises(sandbox.SandboxError) as caught:
        sandbox.run(_sleep, limits=limits)
    assert caught.value.reason == "timeout"


def _sleep() -> int:
    import time

    time.sleep(30)
    return 0


def test_the_precheck_accepts_a_path_as_well_as_bytes(tmp_path: Path) -> None:
    path = tmp_path / "far.xlsx"
    path.write_bytes(far_cell_workbook())
    with pytest.raises(ImportFileError, match="数据区域过大"):
        precheck_xlsx(path)
