"""Excel import and export of the cadre registry (干部信息 .xlsx).

Import is all-or-nothing per file and runs in two passes over the rows:

1. **validate** (no transaction, no lock): every row is parsed and checked with the same rules as the
   registry services (``services.validate_cadre`` and the record validators of
   ``services.RECORD_KINDS``) plus the import rules (unit code in scope, 职务/任职时间 together,
   身份证号 required and unique in the file). Every error of every row is collected as
   (行号, 列名, 原因). A file with any error stops here: nothing is written, no lock is taken.
2. **write** (one ``transaction.atomic``): the rows are read again, validated again (so a change
   made by someone else in between cannot slip through) and written in chunks of 1,000: existing
   cadres and their records are pre-loaded by 身份证号 (one query per table and chunk), new rows
   are inserted and changed rows updated with one statement per table and chunk (executemany;
   COPY on PostgreSQL), derived fields are computed with ``rules.derive_current`` and
   ``rules.name_keys`` (what ``services.cadre_refresh_derived`` uses), the state periods of the
   chunk's new and changed cadres are rebuilt (``services.state_periods_rebuild``), and one audit
   event ("cadre.import") is written for the whole file.

Rows are streamed from python-calamine (which holds the parsed sheet, ~1 KB per row, in native
memory) or openpyxl read-only (the fallback, and the reader for very large files); Python memory
is bounded by the chunk, apart from the 身份证号 already seen (for the duplicate check) and the
affected ids (for the audit event).
"""

from __future__ import annotations

import io
import logging
import os
import re
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import IO, Any, cast

from django.db import connection, models, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from ganbu.audit.services import record_event
from ganbu.cadres import services
from ganbu.cadres.models import (
    Appointment,
    Cadre,
    Education,
    EducationKind,
    RankRecord,
)
from ganbu.cadres.rules import (
    DEGREE_RANK,
    EDUCATION_RANK,
    AppointmentFacts,
    derive_current,
    held_appointments,
    parse_id_number,
)
from ganbu.core import spreadsheet
from ganbu.core.dates import age_on
from ganbu.core.jobs import MAX_STORED_ERRORS, JobOutcome, JobProgress, job_run
from ganbu.core.models import Job
from ganbu.core.pinyin import name_keys
from ganbu.core.spreadsheet import (
    DATE_FORMATS_HINT,
    Cell,
    ImportFileError,
    ImportResultBase,
    Reader,
    RowError,
    Source,
    cell_text,
    code_text,
    digest,
    is_blank,
    open_workbook,
    parse_date,
    xlsx_bytes,
)
from ganbu.org.codes import CODE_TABLES
from ganbu.org.models import Unit, User
from ganbu.org.scoping import unit_in_scope
from ganbu.org.selectors import unit_by_path

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------
# Columns
# ---------------------------------------------------------------------------------------------

HEADERS: tuple[str, ...] = (
    "姓名",
    "性别",
    "民族",
    "出生日期",
    "身份证号",
    "政治面貌",
    "入党时间",
    "参加工作时间",
    "全日制学历",
    "全日制学位",
    "最高学历",
    "最高学位",
    "单位代码",
    "职务",
    "职务层次",
    "任职时间",
    "职级",
    "人员类别",
)
EXPORT_HEADERS: tuple[str, ...] = (*HEADERS, "现任职务", "年龄")
# Without these a file cannot be validated at all; the others may be left out (on re-import an
# absent column leaves the stored value untouched).
REQUIRED_HEADERS: tuple[str, ...] = (
    "姓名",
    "性别",
    "民族",
    "出生日期",
    "身份证号",
    "政治面貌",
    "单位代码",
    "人员类别",
)


@dataclass(frozen=True)
class Column:
    header: str
    key: str  # a Cadre field name, or an import-only key
    kind: str  # text | code | date | id
    table: str = ""  # code table key for kind == "code"
    note: str = ""  # for the 填写说明 sheet


COLUMNS: tuple[Column, ...] = (
    Column("姓名", "name", "text", note="必填，不超过50字。"),
    Column("性别", "gender", "code", "gender", "必填，须与身份证号一致。"),
    Column("民族", "ethnicity", "code", "ethnicity", "必填，如 汉族 或 01。"),
    Column("出生日期", "birth_date", "date", note="必填，须与身份证号中的出生日期一致。"),
    Column(
        "身份证号",
        "id_number",
        "id",
        note="必填，18位（末位可为X）。导入以身份证号识别干部：已存在则更新，否则新增。"
        "请把本列设为“文本”格式，否则Excel会把超过15位的数字截断。",
    ),
    Column("政治面貌", "political_status", "code", "political_status", "必填。"),
    Column(
        "入党时间",
        "party_joined_on",
        "date",
        note="中共党员、预备党员必填，且应在年满18周岁之后；其他人员不填。",
    ),
    Column("参加工作时间", "work_started_on", "date", note="应晚于出生日期，不晚于今天。"),
    Column("全日制学历", "ft_education", "code", "education", "全日制教育的最高学历。"),
    Column("全日制学位", "ft_degree", "code", "degree", "全日制教育的最高学位。"),
    Column(
        "最高学历",
        "hi_education",
        "code",
        "education",
        "含在职教育的最高学历；高于全日制学历时记为在职教育，不应低于全日制学历。",
    ),
    Column("最高学位", "hi_degree", "code", "degree", "含在职教育的最高学位；不应低于全日制学位。"),
    Column("单位代码", "unit_code", "text", note="必填，须为本系统中您数据范围内的单位代码。"),
    Column(
        "职务",
        "title",
        "text",
        note="现任主要职务名称（不超过200字）。与档案中的现任职务不同时，原任职自动在新任职时间前一天结束。",
    ),
    Column("职务层次", "level", "code", "leadership_level", "填写职务时选填。"),
    Column("任职时间", "post_since", "date", note="填写职务时必填，不早于参加工作时间，不晚于今天。"),
    Column(
        "职级",
        "rank",
        "code",
        "civil_service_rank",
        "公务员职级。新增干部的任职级时间按任职时间（无则按参加工作时间）记录；"
        "已有干部职级变动时按导入当日记录，可在干部档案中修改。",
    ),
    Column("人员类别", "personnel_category", "code", "personnel_category", "必填。"),
)
COLUMN_BY_HEADER = {c.header: c for c in COLUMNS}
HEADER_BY_KEY = {c.key: c.header for c in COLUMNS}
HEADER_ORDER = {h: i for i, h in enumerate(HEADERS)}  # errors of a row are listed in column order
assert tuple(c.header for c in COLUMNS) == HEADERS

# Cadre fields an import row may carry (a subset of services.CADRE_FIELDS).
ROW_CADRE_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "id_number",
    "political_status",
    "party_joined_on",
    "work_started_on",
    "personnel_category",
)
# Columns written when an existing cadre changes (attnames).
CADRE_WRITE_FIELDS = (
    *ROW_CADRE_FIELDS,
    "name_pinyin",
    "name_initials",
    "stroke_key",
    "unit_id",
    *services.DERIVED_FIELDS,
)
CADRE_LOAD_FIELDS = (
    "id",
    *CADRE_WRITE_FIELDS,
    *(f for f in services.CADRE_FIELDS if f not in ROW_CADRE_FIELDS),
)
LEADERSHIP_LEVELS = frozenset({"1A31", "1A32", "1A41", "1A42"})
TEMPLATE_SHEET = "干部信息"
HELP_SHEET = "填写说明"
CODES_SHEET = "代码表"
CHUNK_ROWS = 1000


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------


@dataclass
class ImportResult(ImportResultBase):
    unit_word = "名"


# ---------------------------------------------------------------------------------------------
# Cell parsing
# ---------------------------------------------------------------------------------------------

ID_NUMERIC_MESSAGE = (
    "身份证号被存成了数字，Excel只保留15位有效数字，后几位已丢失；"
    "请把身份证号列设置为“文本”格式后重新录入（或在号码前加英文单引号 '）"
)


def parse_id_cell(value: Cell) -> str:
    """The 身份证号 of a cell, normalised (upper case, no spaces). Numbers are accepted only when no
    digit can have been lost: Excel keeps 15 significant digits, a float cannot hold 18."""
    if is_blank(value):
        return ""
    if isinstance(value, bool):
        raise ValueError("身份证号应为18位，前17位为数字，最后一位为数字或X")
    if isinstance(value, float):
        if not value.is_integer() or abs(value) >= 1e15:
            raise ValueError(ID_NUMERIC_MESSAGE)
        return str(int(value))
    if isinstance(value, int):
        text = str(value)
        if len(text) == 18 and text.endswith("000"):
            raise ValueError(ID_NUMERIC_MESSAGE)
        return text
    text = unicodedata.normalize("NFKC", str(value))
    return re.sub(r"\s+", "", text).lstrip("'").upper()


def id_number_error(id_number: str, born: date | None, gender: str | None) -> str | None:
    """The 身份证号 checks of services.validate_cadre (same order and messages), without its
    database uniqueness query: on import an existing 身份证号 means "update", and duplicates within
    the file are checked separately."""
    try:
        info = parse_id_number(id_number)
    except ValueError as exc:
        return str(exc)
    if born and info.birth_date != born:
        return f"身份证号中的出生日期 {info.birth_date:%Y-%m-%d} 与出生日期 {born:%Y-%m-%d} 不一致"
    if gender in ("1", "2") and info.gender != gender:
        return f"身份证号显示性别为{'男' if info.gender == '1' else '女'}，与填写的性别不一致"
    return None


# ---------------------------------------------------------------------------------------------
# Header
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    sheet: str
    header_row: int
    columns: dict[int, Column]  # cell index → column


def find_layout(reader: Reader) -> _Layout:
    """The first visible sheet with a header row naming at least three template columns (a title
    row above it is allowed), by `core.spreadsheet.find_layout`."""
    layout = spreadsheet.find_layout(
        reader,
        headers={h: h for h in HEADERS},
        required=REQUIRED_HEADERS,
        skip_sheets=(HELP_SHEET, CODES_SHEET),
    )
    return _Layout(
        layout.sheet, layout.header_row, {i: COLUMN_BY_HEADER[k] for i, k in layout.columns.items()}
    )


# ---------------------------------------------------------------------------------------------
# The importer
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _UnitInfo:
    pk: int
    code: str
    path: str
    name: str


@dataclass(frozen=True, slots=True)
class _CadreDates:
    """What the record validators of services.RECORD_KINDS read of a cadre (they query by cadre
    only for a post, which an import row never has); instantiating Cadre per row costs more than
    the validation itself."""

    birth_date: date
    work_started_on: date | None


@dataclass(slots=True)
class _Appt:
    pk: int | None
    title: str
    level: str
    is_leadership: bool
    is_primary: bool
    started_on: date
    ended_on: date | None
    unit_id: int

    def facts(self) -> AppointmentFacts:
        return AppointmentFacts(
            self.title,
            self.level,
            self.is_leadership,
            self.is_primary,
            self.started_on,
            self.ended_on,
            self.unit_id,
        )


@dataclass(slots=True)
class _Rank:
    pk: int | None
    rank: str
    started_on: date
    ended_on: date | None


@dataclass(slots=True)
class _Edu:
    pk: int | None
    kind: str
    education: str
    degree: str
    ended_on: date | None


@dataclass(slots=True)
class _Existing:
    cadre: dict[str, Any]  # CADRE_LOAD_FIELDS of the stored record
    appointments: list[_Appt] = field(default_factory=list)
    ranks: list[_Rank] = field(default_factory=list)
    educations: list[_Edu] = field(default_factory=list)


@dataclass(slots=True)
class _Row:
    line: int
    values: dict[str, Any]  # present columns only, parsed
    errors: dict[str, str]  # header → first message
    id_number: str = ""
    unit: _UnitInfo | None = None
    existing: _Existing | None = None

    def err(self, header: str, message: str) -> None:
        self.errors.setdefault(header, message)


@dataclass
class _Writes:
    """What one chunk writes."""

    new_cadres: list[tuple[dict[str, Any], list[_Appt], list[_Rank], list[_Edu]]] = field(
        default_factory=list
    )
    # existing cadres whose record or history changes (the others keep their state periods)
    changed_ids: list[int] = field(default_factory=list)
    # changed columns (indexes into CADRE_WRITE_FIELDS) → rows (pk, *new values)
    cadre_updates: dict[tuple[int, ...], list[tuple[Any, ...]]] = field(default_factory=dict)
    appt_new: list[dict[str, Any]] = field(default_factory=list)
    # (pk, level, is_leadership, started_on, ended_on)
    appt_updates: list[tuple[Any, ...]] = field(default_factory=list)
    rank_new: list[dict[str, Any]] = field(default_factory=list)
    rank_updates: list[tuple[Any, ...]] = field(default_factory=list)  # pk, rank, ended_on
    edu_new: list[dict[str, Any]] = field(default_factory=list)
    edu_updates: list[tuple[Any, ...]] = field(default_factory=list)  # pk, education, degree


ProgressFn = Callable[[int, int, str], None]


def _edu_rank(code: str) -> int:
    return EDUCATION_RANK.get(code, 99) if code else 100


def _degree_rank(code: str) -> int:
    return DEGREE_RANK.get(code, 99) if code else 100


class _Importer:
    def __init__(
        self,
        reader: Reader,
        layout: _Layout,
        *,
        scope_unit: Unit,
        actor: User | None,
        max_errors: int | None,
        progress: ProgressFn | None,
    ) -> None:
        self.reader = reader
        self.layout = layout
        self.scope_unit = scope_unit
        self.actor = actor
        self.max_errors = max_errors
        self.progress = progress
        self.codes = services.CodeBook()
        self.units: dict[str, _UnitInfo] = {}
        self.unit_paths: dict[int, str] = {}
        self.unit_names: dict[int, str] = {}
        for pk, code, path, name, active in Unit.objects.values_list(
            "pk", "code", "path", "name", "is_active"
        ):
            self.unit_paths[pk] = path
            self.unit_names[pk] = name
            if active:
                self.units[code] = _UnitInfo(pk, code, path, name)
        self._scope_memo: dict[str, bool] = {}
        self._code_memo: dict[tuple[str, type, Cell], tuple[str, bool]] = {}
        self.today = timezone.localdate()
        self.total_estimate = max(0, reader.row_count(layout.sheet) - layout.header_row)
        self._reset()

    def _reset(self) -> None:
        self.errors: list[RowError] = []
        self.error_count = 0
        self.rows_seen = 0
        self.seen_ids: dict[str, int] = {}
        self.created_ids: list[int] = []
        self.updated_ids: list[int] = []
        self.unchanged = 0
        self.would_create = 0
        self.would_update = 0

    # ---- passes ----------------------------------------------------------------------------------
    def run(self, *, write: bool, phase_offset: int = 0, phase_span: int = 1) -> None:
        """One pass over the rows: validate each chunk and, when `write` and no error has been
        found so far, write it. Progress is reported as rows of (phase_offset + done) / span."""
        self._reset()
        rows = self._data_rows()
        step = max(1, self.total_estimate // 50)
        next_report = step
        phase = "write" if write else "validate"
        while True:
            chunk = list(islice(rows, CHUNK_ROWS))
            if not chunk:
                break
            parsed = [self._parse(line, cells) for line, cells in chunk]
            self._attach_existing(parsed, with_history=write)
            for row in parsed:
                self._validate(row)
                if row.errors:
                    self._add_errors(row)
                elif row.existing is None:
                    self.would_create += 1
                else:
                    self.would_update += 1
            if write and not self.error_count:
                self._write(parsed)
            self.rows_seen += len(chunk)
            if self.progress and self.rows_seen >= next_report:
                next_report = self.rows_seen + step
                total = max(self.total_estimate, self.rows_seen)
                done = (phase_offset * total + self.rows_seen) // phase_span
                self.progress(done, total, phase)

    def _data_rows(self) -> Iterator[tuple[int, Sequence[Cell]]]:
        header_row = self.layout.header_row
        indexes = list(self.layout.columns)
        for line, cells in self.reader.rows(self.layout.sheet):
            if line <= header_row:
                continue
            if all(is_blank(cells[i]) for i in indexes if i < len(cells)):
                continue
            yield line, cells

    def _add_errors(self, row: _Row) -> None:
        for header, message in sorted(row.errors.items(), key=lambda kv: HEADER_ORDER.get(kv[0], 99)):
            self.error_count += 1
            if self.max_errors is None or len(self.errors) < self.max_errors:
                self.errors.append(RowError(row.line, header, message))

    # ---- parsing ---------------------------------------------------------------------------------
    def _code(self, table: str, raw: Cell) -> tuple[str, bool]:
        """(code, True) for a code or a name of `table`; (the text, False) when unknown; ("", True)
        for a blank cell. Memoised on the raw cell value: a column holds few distinct values."""
        key = (table, type(raw), raw)
        found = self._code_memo.get(key)
        if found is None:
            text = code_text(raw)
            code = self.codes.code_for(table, text) if text else ""
            if code is None and text.isdigit():
                code = self.codes.code_for(table, text.zfill(2))
            found = (text, False) if code is None else (code, True)
            self._code_memo[key] = found
        return found

    def _parse(self, line: int, cells: Sequence[Cell]) -> _Row:
        row = _Row(line=line, values={}, errors={})
        width = len(cells)
        for index, column in self.layout.columns.items():
            raw = cells[index] if index < width else None
            key = column.key
            if column.kind == "date":
                try:
                    row.values[key] = parse_date(raw)
                except ValueError as exc:
                    row.values[key] = None
                    row.err(column.header, f"{column.header}{exc}，{DATE_FORMATS_HINT}")
            elif column.kind == "id":
                try:
                    row.id_number = parse_id_cell(raw)
                except ValueError as exc:
                    row.err(column.header, str(exc))
            elif column.kind == "code":
                value, known = self._code(column.table, raw)
                row.values[key] = value
                if not known and key not in ROW_CADRE_FIELDS:
                    # (cadre fields: validate_cadre reports the raw value with its own message)
                    row.err(column.header, f"{column.header}「{value}」不在代码表中")
            elif key == "unit_code":
                row.values[key] = code_text(raw)
            else:
                row.values[key] = cell_text(raw)
        return row

    # ---- existing records ------------------------------------------------------------------------
    def _attach_existing(self, rows: list[_Row], *, with_history: bool) -> None:
        """Load the stored records of the chunk's 身份证号 (one query per table; .order_by() drops
        the models' default ordering, which costs PostgreSQL more than the query itself)."""
        ids = {r.id_number for r in rows if r.id_number and "身份证号" not in r.errors}
        if not ids:
            return
        found = {
            c["id_number"]: _Existing(c)
            for c in Cadre.objects.filter(id_number__in=ids).order_by().values(*CADRE_LOAD_FIELDS)
        }
        if found:
            by_pk = {e.cadre["id"]: e for e in found.values()}
            for (
                pk,
                cadre_id,
                title,
                level,
                leader,
                primary,
                start,
                end,
                unit_id,
            ) in (
                Appointment.objects.filter(cadre_id__in=by_pk)
                .order_by()
                .values_list(
                    "pk",
                    "cadre_id",
                    "title",
                    "level",
                    "is_leadership",
                    "is_primary",
                    "started_on",
                    "ended_on",
                    "unit_id",
                )
            ):
                by_pk[cadre_id].appointments.append(
                    _Appt(pk, title, level, leader, primary, start, end, unit_id)
                )
            if with_history:
                for pk, cadre_id, rank, start, end in (
                    RankRecord.objects.filter(cadre_id__in=by_pk)
                    .order_by()
                    .values_list("pk", "cadre_id", "rank", "started_on", "ended_on")
                ):
                    by_pk[cadre_id].ranks.append(_Rank(pk, rank, start, end))
                for pk, cadre_id, kind, education, degree, end in (
                    Education.objects.filter(cadre_id__in=by_pk)
                    .order_by()
                    .values_list("pk", "cadre_id", "kind", "education", "degree", "ended_on")
                ):
                    by_pk[cadre_id].educations.append(_Edu(pk, kind, education, degree, end))
        for row in rows:
            row.existing = found.get(row.id_number)

    def _in_scope(self, path: str) -> bool:
        """Inside the import's unit and (when there is an actor) the actor's data scope."""
        if path not in self._scope_memo:
            self._scope_memo[path] = path.startswith(self.scope_unit.path) and (
                self.actor is None or unit_in_scope(self.actor, Unit(path=path))
            )
        return self._scope_memo[path]

    def _main_current(self, appointments: list[_Appt]) -> _Appt | None:
        """The main current appointment, chosen as rules.derive_current chooses it (so what the
        export writes as 职务/任职时间 is what a re-import compares with)."""
        held = held_appointments(appointments, self.today)
        return held[0] if held else None

    # ---- validation ------------------------------------------------------------------------------
    def merged(self, row: _Row) -> dict[str, Any]:
        """The cadre record as it will be: stored values, overwritten by the columns present."""
        if row.existing is not None:
            stored = row.existing.cadre
            data = {f: stored[f] for f in services.CADRE_FIELDS}
        else:
            data = {f: None for f in services.CADRE_FIELDS}
            data["establishment"] = ""
        for key in ROW_CADRE_FIELDS:
            if key in row.values:
                data[key] = row.values[key]
        if isinstance(data.get("name"), str):
            data["name"] = data["name"].strip()
        data["id_number"] = row.id_number
        return data

    def _validate(self, row: _Row) -> None:
        values = row.values
        data = self.merged(row)
        # the registry's own rules (uniqueness of 身份证号 excepted: see id_number_error)
        for field_name, message in services.validate_cadre(
            {**data, "id_number": ""}, codes=self.codes
        ).items():
            row.err(HEADER_BY_KEY.get(field_name) or services.label(Cadre, field_name), message)
        born: date | None = data.get("birth_date")
        # a bad 参加工作时间 is reported once, not again through every date compared with it
        work: date | None = None if "参加工作时间" in row.errors else data.get("work_started_on")

        # 身份证号: required (it is the key), valid, unique in the file, not someone else's
        if "身份证号" not in row.errors:
            if not row.id_number:
                row.err("身份证号", "身份证号不能为空（导入以身份证号识别干部）")
            else:
                id_error = id_number_error(row.id_number, born, data.get("gender"))
                if id_error:
                    row.err("身份证号", id_error)
                elif row.id_number in self.seen_ids:
                    row.err("身份证号", f"身份证号与第{self.seen_ids[row.id_number]}行重复")
                else:
                    self.seen_ids[row.id_number] = row.line
                    if row.existing is not None:
                        path = self.unit_paths.get(row.existing.cadre["unit_id"], "")
                        if not self._in_scope(path):
                            row.err(
                                "身份证号",
                                "该身份证号已存在于干部档案中，且不在您的数据范围内，不能导入",
                            )

        # 单位代码
        code = values.get("unit_code") or ""
        if not code:
            row.err("单位代码", "单位代码不能为空")
        else:
            unit = self.units.get(code)
            if unit is None or not self._in_scope(unit.path):
                row.err("单位代码", f"单位代码「{code}」不存在或不在您的数据范围内")
            else:
                row.unit = unit

        # 职务 / 职务层次 / 任职时间
        title = (values.get("title") or "").strip()
        level = values.get("level") or ""
        since: date | None = values.get("post_since")
        existing = row.existing
        if title:
            if len(title) > 200:
                row.err("职务", "职务名称过长（不超过200字）")
            if born is not None:
                stub = cast(Cadre, _CadreDates(born, work))
                appt_errors = services.RECORD_KINDS["appointment"].validate(
                    stub,
                    {
                        "title": title,
                        "unit": row.unit,
                        "level": level,
                        "started_on": since,
                        "ended_on": None,
                        "post": None,
                        "method": "",
                    },
                    self.codes,
                    None,
                )
                for field_name, message in appt_errors.items():
                    header = {"title": "职务", "level": "职务层次", "unit": "单位代码"}.get(
                        field_name, "任职时间"
                    )
                    if field_name == "unit" and "单位代码" in row.errors:
                        continue
                    if field_name == "started_on" and "任职时间" in row.errors:
                        continue  # an unparseable date already said so
                    row.err(header, message)
            if since and since > self.today:
                row.err("任职时间", "任职时间不能晚于今天")
            if existing is not None and since and row.unit is not None:
                current = self._main_current(existing.appointments)
                if (
                    current is not None
                    and (current.title != title or current.unit_id != row.unit.pk)
                    and since <= current.started_on
                ):
                    row.err(
                        "任职时间",
                        f"任职时间应晚于现任职务「{current.title}」的任职时间（{current.started_on:%Y-%m-%d}），"
                        "否则无法结束原任职",
                    )
        elif level or since:
            row.err("职务", "填写了职务层次或任职时间，应同时填写职务")
        elif existing is not None and row.unit is not None:
            # without a new post the unit follows the current post: refuse a silent no-op
            facts = [a.facts() for a in existing.appointments]
            derived = derive_current(appointments=facts, ranks=[], educations=[], on=self.today)
            if derived.unit_id and derived.unit_id != row.unit.pk:
                row.err(
                    "单位代码",
                    f"该干部现任职务在「{self.unit_names.get(derived.unit_id, '')}」，"
                    "调整单位须同时填写新的职务和任职时间",
                )

        # 职级
        rank = values.get("rank") or ""
        if rank and born is not None and "职级" not in row.errors:
            stub = cast(Cadre, _CadreDates(born, work))
            rank_errors = services.RECORD_KINDS["rank"].validate(
                stub,
                {
                    "rank": rank,
                    "started_on": self._rank_start(row, {**data, "work_started_on": work}),
                    "ended_on": None,
                },
                self.codes,
                None,
            )
            for message in rank_errors.values():
                row.err("职级", message)

        # 学历 / 学位: the highest cannot be below the full-time one
        ft_edu, hi_edu = values.get("ft_education") or "", values.get("hi_education") or ""
        if ft_edu and hi_edu and _edu_rank(hi_edu) > _edu_rank(ft_edu):
            row.err("最高学历", "最高学历不应低于全日制学历")
        ft_deg, hi_deg = values.get("ft_degree") or "", values.get("hi_degree") or ""
        if ft_deg and hi_deg and _degree_rank(hi_deg) > _degree_rank(ft_deg):
            row.err("最高学位", "最高学位不应低于全日制学位")

    def _rank_start(self, row: _Row, data: dict[str, Any]) -> date:
        if row.existing is not None:
            return self.today
        since: date | None = row.values.get("post_since") if row.values.get("title") else None
        work: date | None = data.get("work_started_on")
        if since and work:
            return max(since, work)
        return since or work or self.today

    # ---- writing ---------------------------------------------------------------------------------
    def _write(self, rows: list[_Row]) -> None:
        writes = _Writes()
        first_created = len(self.created_ids)
        for row in rows:
            if row.existing is None:
                self._plan_new(row, writes)
            else:
                self._plan_update(row, writes)
        now = timezone.now()
        if writes.new_cadres:
            _insert_many(Cadre, [state for state, _, _, _ in writes.new_cadres], now)
            pk_by_id = dict(
                Cadre.objects.filter(
                    id_number__in=[state["id_number"] for state, _, _, _ in writes.new_cadres]
                )
                .order_by()
                .values_list("id_number", "pk")
            )
            for state, appts, ranks, edus in writes.new_cadres:
                pk = pk_by_id[state["id_number"]]
                self.created_ids.append(pk)
                writes.appt_new.extend(_appointment_row(pk, a) for a in appts)
                writes.rank_new.extend(_rank_row(pk, r) for r in ranks)
                writes.edu_new.extend(_education_row(pk, e) for e in edus)
        for changed, updates in writes.cadre_updates.items():
            _update_many(Cadre, [CADRE_WRITE_FIELDS[i] for i in changed], updates, now)
        _update_many(
            Appointment, ("level", "is_leadership", "started_on", "ended_on"), writes.appt_updates, now
        )
        _update_many(RankRecord, ("rank", "ended_on"), writes.rank_updates, now)
        _update_many(Education, ("education", "degree"), writes.edu_updates, now)
        _insert_many(Appointment, writes.appt_new, now)
        _insert_many(RankRecord, writes.rank_new, now)
        _insert_many(Education, writes.edu_new, now)
        # the state periods of the chunk's new and changed cadres (what cadre_refresh_derived
        # keeps for one cadre)
        services.state_periods_rebuild(cadre_ids=self.created_ids[first_created:] + writes.changed_ids)

    def _education_targets(self, values: dict[str, Any], ft: tuple[str, str]) -> tuple[str, str]:
        """The in-service record's (education, degree): the parts of 最高学历/学位 above full-time."""
        hi_edu, hi_deg = values.get("hi_education") or "", values.get("hi_degree") or ""
        return (
            hi_edu if hi_edu and _edu_rank(hi_edu) < _edu_rank(ft[0]) else "",
            hi_deg if hi_deg and _degree_rank(hi_deg) < _degree_rank(ft[1]) else "",
        )

    def _derive(
        self, state: dict[str, Any], appts: list[_Appt], ranks: list[_Rank], edus: list[_Edu]
    ) -> None:
        """The derived fields of services.cadre_refresh_derived, computed the same way."""
        derived = derive_current(
            appointments=[a.facts() for a in appts],
            ranks=[(r.rank, r.started_on, r.ended_on) for r in ranks],
            educations=[(e.kind, e.education, e.degree, e.ended_on) for e in edus],
            on=self.today,
        )
        state["name_pinyin"], state["name_initials"], state["stroke_key"] = name_keys(state["name"])
        if derived.unit_id:
            state["unit_id"] = derived.unit_id
        for name in services.DERIVED_FIELDS:
            state[name] = getattr(derived, name)
        state["current_title"] = state["current_title"][:200]

    def _plan_new(self, row: _Row, writes: _Writes) -> None:
        values = row.values
        data = self.merged(row)
        assert row.unit is not None
        state: dict[str, Any] = {f: data[f] for f in ROW_CADRE_FIELDS}
        state["unit_id"] = row.unit.pk
        appts: list[_Appt] = []
        title = (values.get("title") or "").strip()
        if title:
            level = values.get("level") or ""
            appts.append(
                _Appt(
                    None,
                    title,
                    level,
                    level in LEADERSHIP_LEVELS,
                    True,
                    values["post_since"],
                    None,
                    row.unit.pk,
                )
            )
        ranks = [_Rank(None, values["rank"], self._rank_start(row, data), None)] if values.get("rank") else []
        edus: list[_Edu] = []
        ft = (values.get("ft_education") or "", values.get("ft_degree") or "")
        if any(ft):
            edus.append(_Edu(None, EducationKind.FULL_TIME, ft[0], ft[1], None))
        in_service = self._education_targets(values, ft)
        if any(in_service):
            edus.append(_Edu(None, EducationKind.IN_SERVICE, in_service[0], in_service[1], None))
        self._derive(state, appts, ranks, edus)
        writes.new_cadres.append((state, appts, ranks, edus))

    def _plan_update(self, row: _Row, writes: _Writes) -> None:
        existing = row.existing
        assert existing is not None and row.unit is not None
        state = existing.cadre
        pk: int = state["id"]
        before = tuple(state[f] for f in CADRE_WRITE_FIELDS)
        values = row.values
        data = self.merged(row)
        for name in ROW_CADRE_FIELDS:
            if name in values or name == "id_number":
                state[name] = data[name]
        state["unit_id"] = row.unit.pk  # unless a current post says otherwise (see _derive)
        records_changed = False

        # appointment: close the current post and open the new one, or correct it in place
        title = (values.get("title") or "").strip()
        if title:
            since: date = values["post_since"]
            level = values.get("level") or ""
            current = self._main_current(existing.appointments)
            if current is not None and current.title == title and current.unit_id == row.unit.pk:
                if (current.level, current.started_on) != (level, since):
                    current.level, current.started_on = level, since
                    current.is_leadership = level in LEADERSHIP_LEVELS
                    writes.appt_updates.append(
                        (current.pk, level, current.is_leadership, since, current.ended_on)
                    )
                    records_changed = True
            else:
                if current is not None:
                    current.ended_on = since - timedelta(days=1)
                    writes.appt_updates.append(
                        (
                            current.pk,
                            current.level,
                            current.is_leadership,
                            current.started_on,
                            current.ended_on,
                        )
                    )
                new = _Appt(None, title, level, level in LEADERSHIP_LEVELS, True, since, None, row.unit.pk)
                existing.appointments.append(new)
                writes.appt_new.append(_appointment_row(pk, new))
                records_changed = True

        # rank: a new record from today when it differs; the open ones end yesterday
        rank = values.get("rank") or ""
        if rank and rank != state["current_rank"]:
            open_ranks = [r for r in existing.ranks if r.ended_on is None]
            same_day = next((r for r in open_ranks if r.started_on == self.today), None)
            for r in open_ranks:
                if r is same_day:
                    r.rank = rank
                    writes.rank_updates.append((r.pk, rank, None))
                elif r.started_on < self.today:
                    r.ended_on = self.today - timedelta(days=1)
                    writes.rank_updates.append((r.pk, r.rank, r.ended_on))
            if same_day is None:
                new_rank = _Rank(None, rank, self.today, None)
                existing.ranks.append(new_rank)
                writes.rank_new.append(_rank_row(pk, new_rank))
            records_changed = True

        # education: update the full-time / in-service record instead of adding another
        stored_ft = (state["fulltime_education"], state["fulltime_degree"])
        ft_given = (values.get("ft_education") or "", values.get("ft_degree") or "")
        if any(ft_given) and ft_given != stored_ft:
            self._set_education(existing, EducationKind.FULL_TIME, ft_given, writes, pk)
            records_changed = True
        hi_given = (values.get("hi_education") or "", values.get("hi_degree") or "")
        if any(hi_given):
            in_service = self._education_targets(values, ft_given if any(ft_given) else stored_ft)
            probe = derive_current(
                appointments=[],
                ranks=[],
                educations=[(e.kind, e.education, e.degree, e.ended_on) for e in existing.educations],
                on=self.today,
            )
            wanted = (hi_given[0] or probe.highest_education, hi_given[1] or probe.highest_degree)
            if any(in_service) and (probe.highest_education, probe.highest_degree) != wanted:
                self._set_education(
                    existing, EducationKind.IN_SERVICE, in_service, writes, pk, ceiling=wanted
                )
                records_changed = True

        self._derive(state, existing.appointments, existing.ranks, existing.educations)
        after = tuple(state[f] for f in CADRE_WRITE_FIELDS)
        self.updated_ids.append(pk)
        if after != before or records_changed:
            # only the changed columns: fewer indexes to maintain
            changed = tuple(i for i, (old, new) in enumerate(zip(before, after, strict=True)) if old != new)
            writes.cadre_updates.setdefault(changed, []).append((pk, *(after[i] for i in changed)))
            writes.changed_ids.append(pk)
        else:
            self.unchanged += 1

    @staticmethod
    def _set_education(
        existing: _Existing,
        kind: str,
        target: tuple[str, str],
        writes: _Writes,
        cadre_pk: int,
        *,
        ceiling: tuple[str, str] | None = None,
    ) -> None:
        """Set the record of `kind` with the best education to `target` (create one if none).
        With a ceiling, an empty part of the target keeps the record's value when that is not
        above the ceiling (an in-service 省委党校大学 stays when only a degree is added)."""
        mine = [e for e in existing.educations if e.kind == kind]
        if mine:
            record = min(mine, key=lambda e: (_edu_rank(e.education), _degree_rank(e.degree)))
            education, degree = target
            if ceiling is not None:
                if not education and _edu_rank(record.education) >= _edu_rank(ceiling[0]):
                    education = record.education
                if not degree and _degree_rank(record.degree) >= _degree_rank(ceiling[1]):
                    degree = record.degree
            if (record.education, record.degree) == (education, degree):
                return
            record.education, record.degree = education, degree
            writes.edu_updates.append((record.pk, education, degree))
        else:
            new = _Edu(None, kind, target[0], target[1], None)
            existing.educations.append(new)
            writes.edu_new.append(_education_row(cadre_pk, new))


def _appointment_row(cadre_pk: int, a: _Appt) -> dict[str, Any]:
    return {
        "cadre_id": cadre_pk,
        "unit_id": a.unit_id,
        "title": a.title,
        "level": a.level,
        "is_leadership": a.is_leadership,
        "is_primary": a.is_primary,
        "started_on": a.started_on,
        "ended_on": a.ended_on,
    }


def _rank_row(cadre_pk: int, r: _Rank) -> dict[str, Any]:
    return {"cadre_id": cadre_pk, "rank": r.rank, "started_on": r.started_on, "ended_on": r.ended_on}


def _education_row(cadre_pk: int, e: _Edu) -> dict[str, Any]:
    return {"cadre_id": cadre_pk, "kind": e.kind, "education": e.education, "degree": e.degree}


# Database values of these field types are the Python values themselves (for every backend);
# dates and datetimes go through the backend's adapters, anything else through the field.
_PLAIN_TYPES = frozenset(
    {
        "CharField",
        "TextField",
        "SlugField",
        "BooleanField",
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "PositiveBigIntegerField",
        "ForeignKey",
    }
)


def _adapter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    kind = field.get_internal_type()
    if kind in _PLAIN_TYPES:
        return None
    if kind == "DateField":
        return connection.ops.adapt_datefield_value
    if kind == "DateTimeField":
        return connection.ops.adapt_datetimefield_value
    return lambda value: field.get_db_prep_save(value, connection)


def _copy_rows(cursor: Any, table: str, columns: Sequence[str], params: list[list[Any]]) -> None:
    """PostgreSQL COPY … FROM STDIN: ~8× faster than executemany for thousands of rows."""
    with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in params:
            copy.write_row(row)


def _insert_many(model: type[models.Model], rows: list[dict[str, Any]], now: datetime) -> None:
    """INSERT many rows: executemany (SQLite and others), COPY (PostgreSQL). Django's bulk_create
    spends ~90% of its time preparing each value in Python; here each column gets its backend
    adapter once. Columns a row does not give take the field's default; created_at/updated_at are
    `now`, as save() would set them."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults: dict[str, Any] = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        elif not callable(f.default):
            defaults[f.attname] = f.get_default()
    plan = [(f.attname, _adapter(f), defaults.get(f.attname, _NO_DEFAULT), f) for f in fields]
    params: list[list[Any]] = []
    for row in rows:
        values = []
        for attname, adapt, default, f in plan:
            value = row.get(attname, default)
            if value is _NO_DEFAULT:
                value = f.get_default()
            values.append(adapt(value) if adapt is not None and value is not None else value)
        params.append(values)
    qn = connection.ops.quote_name
    table, columns = qn(model._meta.db_table), [qn(f.column) for f in fields]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _copy_rows(cursor, table, columns, params)
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", params)  # noqa: S608 - identifiers from model meta


_NO_DEFAULT = object()


def _update_many(
    model: type[models.Model], fields: Sequence[str], rows: list[tuple[Any, ...]], now: datetime
) -> None:
    """UPDATE many rows (rows: (pk, *values)); updated_at is set to `now`. Much faster than
    QuerySet.bulk_update (a CASE WHEN per field and row): one executemany of UPDATE … WHERE id = ?
    (SQLite and others); COPY into a temporary table and one UPDATE … FROM (PostgreSQL)."""
    if not rows:
        return
    meta = model._meta
    targets = [meta.get_field(f) for f in (*fields, "updated_at")]
    field_objs = [f for f in targets if isinstance(f, models.Field)]
    adapters = [_adapter(f) for f in field_objs]
    qn = connection.ops.quote_name
    table, pk_column = qn(meta.db_table), qn(meta.pk.column)
    params: list[list[Any]] = []
    for pk, *values in rows:
        row = [
            adapt(v) if adapt is not None and v is not None else v
            for adapt, v in zip(adapters, (*values, now), strict=True)
        ]
        row.append(pk)
        params.append(row)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            assigns = ", ".join(f"{qn(f.column)} = %s" for f in field_objs)
            cursor.executemany(f"UPDATE {table} SET {assigns} WHERE {pk_column} = %s", params)  # noqa: S608
            return
        names = [f"c{i}" for i in range(len(field_objs))]
        pk_type = meta.pk.db_type(connection) if isinstance(meta.pk, models.Field) else "bigint"
        definition = ", ".join(
            [
                *(f"{n} {f.db_type(connection)}" for n, f in zip(names, field_objs, strict=True)),
                f"pk {pk_type}",
            ]
        )
        # (on an error the transaction is rolled back, and the table with it)
        cursor.execute(f"CREATE TEMPORARY TABLE ganbu_import_update ({definition}) ON COMMIT DROP")
        _copy_rows(cursor, "ganbu_import_update", [*names, "pk"], params)
        assigns = ", ".join(f"{qn(f.column)} = v.{n}" for f, n in zip(field_objs, names, strict=True))
        cursor.execute(
            f"UPDATE {table} SET {assigns} FROM ganbu_import_update AS v WHERE {table}.{pk_column} = v.pk"  # noqa: S608
        )
        cursor.execute("DROP TABLE ganbu_import_update")


# ---------------------------------------------------------------------------------------------
# Public entry points
# ---------------------------------------------------------------------------------------------


def _import(
    source: Source,
    *,
    unit: Unit,
    actor: User | None,
    filename: str,
    dry_run: bool,
    max_errors: int | None,
    progress: ProgressFn | None,
    job: Job | None = None,
    on_validated: Callable[[int], None] | None = None,
) -> ImportResult:
    started = time.perf_counter()
    result = ImportResult(filename=filename, sha256=digest(source), dry_run=dry_run)
    if actor is not None and not unit_in_scope(actor, unit):
        result.errors = [RowError(None, "文件", "导入范围不在您的数据范围内")]
        result.error_count = 1
        return result
    try:
        reader = open_workbook(source)
    except ImportFileError as exc:
        result.errors, result.error_count = exc.errors, len(exc.errors)
        return result
    try:
        try:
            layout = find_layout(reader)
        except ImportFileError as exc:
            result.errors, result.error_count = exc.errors, len(exc.errors)
            return result
        importer = _Importer(
            reader, layout, scope_unit=unit, actor=actor, max_errors=max_errors, progress=progress
        )
        span = 1 if dry_run else 2
        importer.run(write=False, phase_offset=0, phase_span=span)
        result.total_rows = importer.rows_seen
        if importer.error_count == 0 and importer.rows_seen == 0:
            result.errors = [RowError(None, "文件", "文件中没有数据行")]
            result.error_count = 1
        elif importer.error_count:
            result.errors, result.error_count = importer.errors, importer.error_count
        elif dry_run:
            result.created, result.updated = importer.would_create, importer.would_update
        else:
            if on_validated is not None:
                on_validated(importer.rows_seen)
            with transaction.atomic():
                importer.run(write=True, phase_offset=1, phase_span=2)
                if importer.error_count:  # changed by someone else since the first pass
                    transaction.set_rollback(True)
                    result.errors, result.error_count = importer.errors, importer.error_count
                else:
                    result.created = len(importer.created_ids)
                    result.updated = len(importer.updated_ids)
                    result.unchanged = importer.unchanged
                    record_event(
                        actor=actor,
                        action="cadre.import",
                        obj=job if job is not None else unit,  # the job, or the unit imported into
                        object_label=filename[:200],
                        unit_path=unit.path,
                        payload={
                            "filename": filename,
                            "sha256": result.sha256,
                            "created": result.created,
                            "updated": result.updated,
                            "unchanged": result.unchanged,
                            "cadre_ids": importer.created_ids + importer.updated_ids,
                        },
                    )
        return result
    finally:
        reader.close()
        result.seconds = time.perf_counter() - started


def import_file(
    source: Source | IO[bytes],
    *,
    unit: Unit,
    actor: User | None,
    filename: str = "",
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    max_errors: int | None = None,
) -> ImportResult:
    """Import one .xlsx file (a path, its bytes or a binary file object) into the subtree of `unit`
    (and of the actor's scope when an actor is given; None = system). All-or-nothing: the result
    lists every error, or the counts of what was written (dry_run: would be written)."""
    if hasattr(source, "read"):
        source = source.read()
    assert isinstance(source, bytes | str | os.PathLike)
    if not filename:
        filename = "" if isinstance(source, bytes) else Path(os.fspath(source)).name
    callback: ProgressFn | None = None
    if progress is not None:
        report = progress

        def callback(done: int, total: int, phase: str) -> None:
            report(done, total)

    return _import(
        source,
        unit=unit,
        actor=actor,
        filename=filename,
        dry_run=dry_run,
        max_errors=max_errors,
        progress=callback,
    )


def run_import(
    job: Job,
    *,
    actor: User | None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Job:
    """Run an uploaded registry import job (`core.jobs`): RUNNING with progress, then SUCCEEDED
    (counts), FAILED (`errors` = every bad row as {row, column, message}, at most 5,000 stored) or
    CRASHED (an unexpected error; nothing written)."""

    def work(job: Job, reporter: JobProgress) -> JobOutcome:
        source: Source
        try:
            source = job.file.path
        except NotImplementedError:  # non-filesystem storage
            with job.file.open("rb") as handle:
                source = handle.read()
        result = _import(
            source,
            unit=unit_by_path(job.scope_path),
            actor=actor,
            filename=job.filename,
            dry_run=dry_run,
            max_errors=MAX_STORED_ERRORS,
            progress=reporter,
            job=job,
            on_validated=lambda rows: reporter.set(rows // 2, rows, "校验通过，正在写入…"),
        )
        return JobOutcome(
            ok=result.ok,
            total=result.total_rows,
            created=result.created,
            updated=result.updated,
            errors=[e.as_dict() for e in result.errors],
            error_count=result.error_count,
            message="校验通过（试运行，未写入）" if dry_run and result.ok else "",
            result={"unchanged": result.unchanged, "dry_run": dry_run},
        )

    return job_run(job, work, progress=progress, success_message="导入成功")


# ---------------------------------------------------------------------------------------------
# Workbooks we write: template, error report, export
# ---------------------------------------------------------------------------------------------


def _code_items(codes: services.CodeBook, table: str) -> list[tuple[str, str]]:
    items = list(codes.tables.get(table, {}).items())
    if not items:
        items = [(item[0], item[1]) for item in CODE_TABLES[table][2]]
    return items


def import_template() -> bytes:
    """The import template: sheet 干部信息 (the headers, text-formatted 身份证号 and 单位代码,
    dropdowns for the coded columns), sheet 填写说明 (every column, the allowed values, date
    formats, the rules) and a hidden sheet 代码表 feeding the dropdowns."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    codes = services.CodeBook()
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = TEMPLATE_SHEET
    ws.append(list(HEADERS))
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    for index, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=index)
        cell.font = bold
        cell.alignment = Alignment(horizontal="center")
        if column.header in REQUIRED_HEADERS:
            cell.fill = required_fill
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = {"身份证号": 22, "职务": 28, "单位代码": 16}.get(
            column.header, 12 if column.kind != "date" else 13
        )
        if column.kind in ("id", "text"):
            ws.column_dimensions[letter].number_format = "@"
    ws.freeze_panes = "A2"

    help_ws = wb.create_sheet(HELP_SHEET)
    help_ws.column_dimensions["A"].width = 14
    help_ws.column_dimensions["B"].width = 8
    help_ws.column_dimensions["C"].width = 70
    help_ws.column_dimensions["D"].width = 60
    help_ws.append(["干部信息导入说明"])
    help_ws["A1"].font = Font(bold=True, size=14)
    rules = [
        "1. 在「干部信息」表第一行之下逐行填写，每行一名干部；列的顺序可以调整，多余的列不导入。",
        "2. 以身份证号识别干部：档案中已有该身份证号的更新其信息，没有的新增；同一文件中身份证号不能重复。",
        "3. 整个文件要么全部导入，要么全部不导入：只要有一处错误，系统列出所有错误（行号、列名、原因），不写入任何数据。",
        f"4. 日期{DATE_FORMATS_HINT}；只写到月份的按该月1日记录。",
        "5. 代码类的列可以填名称（如 汉族、中共党员）或代码（如 01）。",
        "6. 填写职务时必须填写任职时间；职务或单位与档案中的现任职务不同时，原任职在新任职时间前一天结束，并新增一条任职记录。",
        "7. 单位代码须在您的数据范围内；不填职务时，单位须与现任职务所在单位一致。",
        "8. 更新已有干部时：学历、学位、职务、职级留空表示保持原值；表中没有的列也保持原值；"
        "其他列按表中内容更新（入党时间、参加工作时间留空即清空）。",
        "9. 从本系统导出的干部名册可直接修改后重新导入（「现任职务」「年龄」两列不导入）。",
    ]
    for line in rules:
        help_ws.append([line])
    help_ws.append([])
    help_ws.append(["列名", "必填", "说明", "可填写的值（代码 名称）"])
    for cell in help_ws[help_ws.max_row]:
        cell.font = bold
    for column in COLUMNS:
        allowed = ""
        if column.kind == "code":
            allowed = "；".join(f"{code} {name}" for code, name in _code_items(codes, column.table))
        elif column.kind == "date":
            allowed = "日期，如 1980-05-03"
        help_ws.append(
            [column.header, "是" if column.header in REQUIRED_HEADERS else "", column.note, allowed]
        )
        help_ws.cell(row=help_ws.max_row, column=3).alignment = Alignment(wrap_text=True, vertical="top")
        help_ws.cell(row=help_ws.max_row, column=4).alignment = Alignment(wrap_text=True, vertical="top")

    # hidden code lists for the dropdowns
    lists = wb.create_sheet(CODES_SHEET)
    lists.sheet_state = "hidden"
    table_column: dict[str, str] = {}
    for index, table in enumerate(dict.fromkeys(c.table for c in COLUMNS if c.kind == "code"), start=1):
        letter = get_column_letter(index)
        table_column[table] = letter
        lists.cell(row=1, column=index, value=CODE_TABLES[table][0])
        for row, (_, name) in enumerate(_code_items(codes, table), start=2):
            lists.cell(row=row, column=index, value=name)
    for index, column in enumerate(COLUMNS, start=1):
        if column.kind != "code":
            continue
        letter = table_column[column.table]
        count = len(_code_items(codes, column.table))
        validation = DataValidation(
            type="list",
            formula1=f"='{CODES_SHEET}'!${letter}$2:${letter}${count + 1}",
            allow_blank=True,
            showErrorMessage=False,  # codes (01) are accepted too
        )
        validation.add(f"{get_column_letter(index)}2:{get_column_letter(index)}10000")
        ws.add_data_validation(validation)

    return xlsx_bytes(wb)


def _main_title_subquery(today: date) -> Subquery:
    """The title of the main current appointment (the one giving current_level and since)."""
    return Subquery(
        Appointment.objects.filter(
            cadre_id=OuterRef("pk"),
            started_on=OuterRef("current_post_since"),
            level=OuterRef("current_level"),
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .order_by("-is_primary", "id")
        .values("title")[:1]
    )


def write_cadres_xlsx(queryset: models.QuerySet[Cadre], target: Any) -> int:
    """Stream `queryset` (already scoped by the caller) into `target` (a path or binary file) as
    an .xlsx in stroke order with the template columns (so it re-imports) plus 现任职务 and 年龄.
    Returns the number of rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    codes = services.CodeBook()
    today = timezone.localdate()

    def name_of(table: str) -> Callable[[str], str]:
        names = codes.tables.get(table, {})
        return lambda code: names.get(code, code) if code else ""

    gender, ethnicity, political = name_of("gender"), name_of("ethnicity"), name_of("political_status")
    education, degree = name_of("education"), name_of("degree")
    level, rank, category = (
        name_of("leadership_level"),
        name_of("civil_service_rank"),
        name_of("personnel_category"),
    )

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(TEMPLATE_SHEET)
    widths = {"身份证号": 22, "职务": 28, "现任职务": 36, "单位代码": 16}
    for index, header in enumerate(EXPORT_HEADERS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = widths.get(header, 12)
    ws.freeze_panes = "A2"
    header_cells = []
    for header in EXPORT_HEADERS:
        cell = WriteOnlyCell(ws, value=header)
        cell.font = Font(bold=True)
        header_cells.append(cell)
    ws.append(header_cells)

    rows = (
        queryset.order_by("stroke_key", "id")
        .annotate(main_title=_main_title_subquery(today))
        .values_list(
            "name",
            "gender",
            "ethnicity",
            "birth_date",
            "id_number",
            "political_status",
            "party_joined_on",
            "work_started_on",
            "fulltime_education",
            "fulltime_degree",
            "highest_education",
            "highest_degree",
            "unit__code",
            "main_title",
            "current_level",
            "current_post_since",
            "current_rank",
            "personnel_category",
            "current_title",
        )
    )
    count = 0
    for (
        name,
        gender_code,
        ethnicity_code,
        born,
        id_number,
        political_code,
        party,
        work,
        ft_edu,
        ft_deg,
        hi_edu,
        hi_deg,
        unit_code,
        main_title,
        level_code,
        since,
        rank_code,
        category_code,
        current_title,
    ) in rows.iterator(chunk_size=2000):
        title = main_title or ""
        # dates as date values: openpyxl stores them as Excel dates formatted yyyy-mm-dd (a styled
        # WriteOnlyCell per date would double the time of the export)
        ws.append(
            [
                name,
                gender(gender_code),
                ethnicity(ethnicity_code),
                born,
                id_number or "",
                political(political_code),
                party,
                work,
                education(ft_edu),
                degree(ft_deg),
                education(hi_edu),
                degree(hi_deg),
                unit_code,
                title,
                level(level_code) if title else "",
                since if title else None,
                rank(rank_code),
                category(category_code),
                current_title,
                age_on(born, today),
            ]
        )
        count += 1
    wb.save(target)
    return count


def export_cadres(queryset: models.QuerySet[Cadre]) -> bytes:
    """The export as bytes (see write_cadres_xlsx)."""
    buffer = io.BytesIO()
    write_cadres_xlsx(queryset, buffer)
    return buffer.getvalue()
