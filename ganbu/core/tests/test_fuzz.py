"""Property-based tests (Hypothesis) of the kernel's parsers of outside input: whatever a cell,
a header or a text holds, the parser answers with a value or its own coded error (ValueError with a
Chinese reason, ImportFileError), never another exception.

Each test runs FUZZ_EXAMPLES examples (the figure is in the issue note)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ganbu.core.calendar import WorkCalendar
from ganbu.core.numbers import percent_tenths, q2, round_half_up_div, to_decimal
from ganbu.core.punctuation import half_width_marks, normalise, to_full_width
from ganbu.core.spreadsheet import (
    ImportFileError,
    cell_text,
    code_text,
    find_layout,
    header_text,
    parse_date,
    precheck_xlsx,
)
from ganbu.core.spreadsheet import Reader as BaseReader

FUZZ_EXAMPLES = 300
fuzz = settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

cells = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(max_value=timedelta(days=10**6), min_value=timedelta(days=-(10**6))),
    st.from_regex(r"\s*\d{4}[-./年]?\d{1,2}([-./月]\d{1,2}日?)?\s*", fullmatch=True),
    st.from_regex(r"\d{6,8}", fullmatch=True),
)


@fuzz
@given(cells)
def test_parse_date_answers_a_date_or_a_chinese_reason(value: object) -> None:
    try:
        result = parse_date(value)
    except ValueError as exc:
        assert str(exc) and any("\u4e00" <= c <= "\u9fff" for c in str(exc))
    else:
        assert result is None or (isinstance(result, date) and 1899 <= result.year <= 2100)


@fuzz
@given(cells)
def test_cell_text_and_codes_never_fail(value: object) -> None:
    assert isinstance(cell_text(value), str)
    assert isinstance(code_text(value), str)
    assert isinstance(header_text(value), str)


class _Rows(BaseReader):
    def __init__(self, rows: list[list[object]]) -> None:
        self._rows = rows

    def sheet_names(self) -> list[str]:
        return ["表1"]

    def rows(self, sheet: str) -> Iterator[tuple[int, Sequence[object]]]:
        yield from enumerate(self._rows, start=1)

    def row_count(self, sheet: str) -> int:
        return len(self._rows)


HEADERS = {"姓名": "name", "性别": "gender", "出生日期": "born", "单位": "unit", "全日制教育学历": "ft"}


@fuzz
@given(
    st.lists(
        st.lists(st.one_of(st.sampled_from([*HEADERS, "全日制教育", "学历", "备注"]), cells), max_size=8),
        max_size=12,
    )
)
def test_header_finding_finds_a_layout_or_refuses_the_file(rows: list[list[object]]) -> None:
    try:
        layout = find_layout(_Rows(rows), headers=HEADERS, required=["name"], min_matches=2)
    except ImportFileError as exc:
        assert exc.errors and all(e.message for e in exc.errors)
    else:
        assert "name" in layout.keys and set(layout.columns.values()) <= set(HEADERS.values())


@fuzz
@given(st.binary(max_size=2000))
def test_the_workbook_precheck_refuses_garbage_with_a_file_error(data: bytes) -> None:
    with pytest.raises(ImportFileError):
        precheck_xlsx(data)


@fuzz
@given(
    st.lists(st.tuples(st.from_regex(r"[A-Z]{1,3}", fullmatch=True), st.integers(1, 2_000_000)), max_size=5)
)
def test_the_workbook_precheck_measures_any_cell_reference(refs: list[tuple[str, int]]) -> None:
    cells_xml = "".join(f'<c r="{col}{row}"><v>1</v></c>' for col, row in refs)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            f'<worksheet><sheetData><row r="1">{cells_xml}</row></sheetData></worksheet>',
        )
    try:
        precheck_xlsx(buffer.getvalue())
    except ImportFileError as exc:
        assert "超出系统读取限制" in exc.errors[0].message


@fuzz
@given(st.text(max_size=80))
def test_punctuation_rules_never_fail_and_converting_twice_changes_nothing(text: str) -> None:
    once = to_full_width(text)
    assert to_full_width(once) == once
    assert isinstance(half_width_marks(text), list)
    assert isinstance(normalise(text), str)


@fuzz
@given(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30)))
def test_numbers_from_outside(value: object) -> None:
    number = to_decimal(value)
    if number is not None:
        assert number.is_finite()
        q2(number)


@fuzz
@given(st.integers(0, 10**9), st.integers(1, 10**9))
def test_half_up_division_is_within_half_of_the_exact_value(numerator: int, denominator: int) -> None:
    rounded = round_half_up_div(numerator, denominator)
    assert abs(rounded * denominator * 2 - numerator * 2) <= denominator
    tenths = percent_tenths(numerator % (denominator + 1), denominator)
    assert tenths is not None and 0 <= tenths <= 1000


@fuzz
@given(st.dates(min_value=date(2004, 1, 1), max_value=date(2030, 12, 31)), st.integers(1, 30))
def test_working_day_spans_are_consistent(start: date, n: int) -> None:
    cal = WorkCalendar()
    end = cal.working_days_after(start, n)
    assert cal.is_workday(end) and cal.working_days_between(start, end) == n
    assert end >= start and (end - start).days < n * 7 + 30


def test_the_strategies_cover_every_cell_type() -> None:
    kinds = {type(x) for x in (None, True, 1, 1.5, "x", date.today(), datetime.now(), time(1), timedelta(1))}
    assert len(kinds) == 9
