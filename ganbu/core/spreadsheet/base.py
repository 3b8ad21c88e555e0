"""Types, limits and results shared by the spreadsheet kit: cells and sources, row errors, the
result every import reports, file digests and sizes."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from typing import Any, NamedTuple

Cell = Any  # str | int | float | bool | date | datetime | time | timedelta | None
Source = str | os.PathLike[str] | bytes

HEADER_SEARCH_ROWS = 10
DATE_FORMATS_HINT = "可填写 1980-05-03、1980/5/3、1980.05、1980年5月、1980年5月3日、198005 或 19800503"
DATE_FORMAT = "yyyy-mm-dd"


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
