"""Finding the header of a 干部信息 workbook: one row (the template) or two or three rows (a real
干部名册: 「学历学位」 merged over 「全日制教育」 and 「在职教育」, each merged over 「学历」 and
「毕业院校及专业」; 姓名, 性别 … merged down the rows).

The kernel's `core.spreadsheet.find_layout` reads one- and two-row headers; this generalises its
rule to three rows (a candidate for the kernel). A merged cell is read as its text in the first
cell and blanks after it, so a column's name is built from the rows above it: at each row the text
of the cell, or the text carried from the left while the cells above still belong to the same
merge. A column is named by the longest tail of that stack that is a known header (全日制教育 +
学历, else 学历 alone); a column whose lower rows are blank (merged down) by its own text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Generic, TypeVar

from ganbu.core.spreadsheet import HEADER_SEARCH_ROWS, Cell, Reader, cell_text, file_error, header_text

T = TypeVar("T")
MAX_HEADER_ROWS = 3
MIN_MATCHES = 3


@dataclass(frozen=True)
class HeaderBlock(Generic[T]):
    sheet: str
    header_row: int  # the last header row (Excel numbering); data starts below it
    columns: dict[int, tuple[T, str]]  # cell index → (column, the header as the file writes it)


def _names(rows: Sequence[Sequence[Cell]]) -> list[tuple[list[str], list[str]]]:
    """For each cell index: (the header texts from the top row down to the last non-blank one,
    with merged texts carried from the left; the same texts as written, for messages)."""
    width = max((len(r) for r in rows), default=0)
    carried: list[tuple[str, str]] = [("", "")] * len(rows)
    names: list[tuple[list[str], list[str]]] = []
    for index in range(width):
        own = [(header_text(r[index]), cell_text(r[index])) if index < len(r) else ("", "") for r in rows]
        for level, (key, raw) in enumerate(own):
            if key:
                carried[level] = (key, raw)
                # a new cell starts a new merge: what was carried below it ends here
                for lower in range(level + 1, len(rows)):
                    carried[lower] = ("", "")
        deepest = max((lvl for lvl, (key, _) in enumerate(own) if key), default=-1)
        if deepest < 0:
            names.append(([], []))
            continue
        stack = [*carried[:deepest], own[deepest]]
        keys = [k for k, _ in stack if k]
        labels = [r for k, r in stack if k]
        names.append((keys, labels))
    return names


def _match(rows: Sequence[Sequence[Cell]], known: Mapping[str, T]) -> dict[int, tuple[T, str]]:
    found: dict[int, tuple[T, str]] = {}
    for index, (keys, labels) in enumerate(_names(rows)):
        for start in range(len(keys)):  # the longest tail first
            text = "".join(keys[start:])
            if text in known:
                found[index] = (known[text], "".join(labels[start:]))
                break
    return found


def find_header(
    reader: Reader,
    known: Mapping[str, T],
    *,
    skip_sheets: Iterable[str] = (),
    example: str = "",
) -> HeaderBlock[T]:
    """The first visible sheet with a header in its first rows: at the first row where a block of
    one to three rows names at least three known columns, the block (starting there or up to two
    rows lower: a title row may sit on top) naming the most columns, the fewest rows on a tie."""
    skip = set(skip_sheets)
    for sheet in [s for s in reader.sheet_names() if s not in skip]:
        head = list(islice(reader.rows(sheet), HEADER_SEARCH_ROWS + MAX_HEADER_ROWS))
        best: tuple[int, int, HeaderBlock[T]] | None = None
        first_hit: int | None = None
        for position in range(min(HEADER_SEARCH_ROWS, len(head))):
            if first_hit is not None and position > first_hit + MAX_HEADER_ROWS - 1:
                break
            for size in range(1, MAX_HEADER_ROWS + 1):
                block = head[position : position + size]
                if len(block) < size:
                    break
                found = _match([cells for _, cells in block], known)
                if len(found) < MIN_MATCHES:
                    continue
                if first_hit is None:
                    first_hit = position
                if best is None or (len(found), -size) > best[:2]:
                    best = (len(found), -size, HeaderBlock(sheet, block[-1][0], found))
        if best is not None:
            return best[2]
    raise file_error(
        f"未找到表头：前{HEADER_SEARCH_ROWS}行中应有一行（或合并的两三行）列名，包括 {example} 等（请使用导入模板）",
        "表头",
    )
