"""Finding the header row (with synonyms and two-row headers) and reading the data rows under it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice

from ganbu.core.spreadsheet.base import HEADER_SEARCH_ROWS, Cell, ImportFileError, RowError, file_error
from ganbu.core.spreadsheet.cells import cell_text, header_text, is_blank
from ganbu.core.spreadsheet.reading import Reader


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
