"""Parsing and checking the rows of an import: the registry's own rules (`services.validate_cadre`
and the record validators of `services.RECORD_KINDS`) plus the import's (unit code in scope,
职务/任职时间 together, 身份证号 required and unique in the file). Every error of a row is kept as
(column header → message); nothing here writes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, cast

from ganbu.cadres import services
from ganbu.cadres.imports.columns import HEADER_BY_KEY, ROW_CADRE_FIELDS, SheetLayout
from ganbu.cadres.imports.rows import (
    Appt,
    CadreDates,
    Row,
    UnitInfo,
    degree_rank,
    edu_rank,
    id_number_error,
    parse_id_cell,
)
from ganbu.cadres.models import Cadre
from ganbu.cadres.rules import derive_current, held_appointments
from ganbu.core.spreadsheet import DATE_FORMATS_HINT, Cell, cell_text, code_text, parse_date
from ganbu.org.models import Unit, User
from ganbu.org.scoping import unit_in_scope, units_in_subtree
from ganbu.org.selectors import unit_names


class RowChecker:
    """Parses and validates rows for an import into the subtree of `scope_unit` (and of the actor's
    scope when there is an actor). `seen_ids` (身份证号 → line) spans one pass over the file."""

    def __init__(self, *, scope_unit: Unit, actor: User | None, today: date) -> None:
        self.scope_unit = scope_unit
        self.actor = actor
        self.today = today
        self.codes = services.CodeBook()
        # the units a row may name (active, in the import's subtree) and the paths and names of
        # every unit of that subtree (for the stored cadres a row matches)
        self.units: dict[str, UnitInfo] = {}
        self.unit_paths: dict[int, str] = {}
        self.unit_names: dict[int, str] = {}
        for pk, code, path, name, active in units_in_subtree(scope_unit).values_list(
            "pk", "code", "path", "name", "is_active"
        ):
            self.unit_paths[pk] = path
            self.unit_names[pk] = name
            if active:
                self.units[code] = UnitInfo(pk, code, path, name)
        self.seen_ids: dict[str, int] = {}
        self._scope_memo: dict[str, bool] = {}
        self._code_memo: dict[tuple[str, type, Cell], tuple[str, bool]] = {}

    # ---- parsing ---------------------------------------------------------------------------------
    def code(self, table: str, raw: Cell) -> tuple[str, bool]:
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

    def parse(self, layout: SheetLayout, line: int, cells: Sequence[Cell]) -> Row:
        row = Row(line=line, values={}, errors={})
        width = len(cells)
        for index, column in layout.columns.items():
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
                value, known = self.code(column.table, raw)
                row.values[key] = value
                if not known and key not in ROW_CADRE_FIELDS:
                    # (cadre fields: validate_cadre reports the raw value with its own message)
                    row.err(column.header, f"{column.header}「{value}」不在代码表中")
            elif key == "unit_code":
                row.values[key] = code_text(raw)
            else:
                row.values[key] = cell_text(raw)
        return row

    # ---- helpers ---------------------------------------------------------------------------------
    def in_scope(self, path: str) -> bool:
        """Inside the import's unit and (when there is an actor) the actor's data scope."""
        if path not in self._scope_memo:
            self._scope_memo[path] = path.startswith(self.scope_unit.path) and (
                self.actor is None or unit_in_scope(self.actor, Unit(path=path))
            )
        return self._scope_memo[path]

    def unit_name(self, pk: int) -> str:
        if pk not in self.unit_names:  # a unit outside the import's subtree
            self.unit_names[pk] = unit_names([pk]).get(pk, "")
        return self.unit_names[pk]

    def main_current(self, appointments: list[Appt]) -> Appt | None:
        """The main current appointment, chosen as rules.derive_current chooses it (so what the
        export writes as 职务/任职时间 is what a re-import compares with)."""
        held = held_appointments(appointments, self.today)
        return held[0] if held else None

    def merged(self, row: Row) -> dict[str, Any]:
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

    def rank_start(self, row: Row, data: dict[str, Any]) -> date:
        """任职级时间 of the row's 职级: today for a stored cadre; for a new one the post's start
        (not before 参加工作时间), else 参加工作时间, else today."""
        if row.existing is not None:
            return self.today
        since: date | None = row.values.get("post_since") if row.values.get("title") else None
        work: date | None = data.get("work_started_on")
        if since and work:
            return max(since, work)
        return since or work or self.today

    # ---- validation ------------------------------------------------------------------------------
    def validate(self, row: Row) -> None:
        data = self.merged(row)
        # the registry's own rules (uniqueness of 身份证号 excepted: see id_number_error)
        for field_name, message in services.validate_cadre(
            {**data, "id_number": ""}, codes=self.codes
        ).items():
            row.err(HEADER_BY_KEY.get(field_name) or services.label(Cadre, field_name), message)
        born: date | None = data.get("birth_date")
        # a bad 参加工作时间 is reported once, not again through every date compared with it
        work: date | None = None if "参加工作时间" in row.errors else data.get("work_started_on")
        self._check_id_number(row, born, data.get("gender"))
        self._check_unit(row)
        self._check_post(row, born, work)
        self._check_rank(row, data, born, work)
        self._check_education(row)

    def _check_id_number(self, row: Row, born: date | None, gender: str | None) -> None:
        """身份证号: required (it is the key), valid, unique in the file, not someone else's."""
        if "身份证号" in row.errors:
            return
        if not row.id_number:
            row.err("身份证号", "身份证号不能为空（导入以身份证号识别干部）")
            return
        id_error = id_number_error(row.id_number, born, gender)
        if id_error:
            row.err("身份证号", id_error)
        elif row.id_number in self.seen_ids:
            row.err("身份证号", f"身份证号与第{self.seen_ids[row.id_number]}行重复")
        else:
            self.seen_ids[row.id_number] = row.line
            if row.existing is not None:
                path = self.unit_paths.get(row.existing.cadre["unit_id"], "")
                if not self.in_scope(path):
                    row.err("身份证号", "该身份证号已存在于干部档案中，且不在您的数据范围内，不能导入")

    def _check_unit(self, row: Row) -> None:
        code = row.values.get("unit_code") or ""
        if not code:
            row.err("单位代码", "单位代码不能为空")
            return
        unit = self.units.get(code)
        if unit is None or not self.in_scope(unit.path):
            row.err("单位代码", f"单位代码「{code}」不存在或不在您的数据范围内")
        else:
            row.unit = unit

    def _check_post(self, row: Row, born: date | None, work: date | None) -> None:
        """职务 / 职务层次 / 任职时间."""
        values = row.values
        title = (values.get("title") or "").strip()
        level = values.get("level") or ""
        since: date | None = values.get("post_since")
        existing = row.existing
        if title:
            if len(title) > 200:
                row.err("职务", "职务名称过长（不超过200字）")
            if born is not None:
                stub = cast(Cadre, CadreDates(born, work))
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
                current = self.main_current(existing.appointments)
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
                    f"该干部现任职务在「{self.unit_name(derived.unit_id)}」，调整单位须同时填写新的职务和任职时间",
                )

    def _check_rank(self, row: Row, data: dict[str, Any], born: date | None, work: date | None) -> None:
        rank = row.values.get("rank") or ""
        if not rank or born is None or "职级" in row.errors:
            return
        stub = cast(Cadre, CadreDates(born, work))
        rank_errors = services.RECORD_KINDS["rank"].validate(
            stub,
            {
                "rank": rank,
                "started_on": self.rank_start(row, {**data, "work_started_on": work}),
                "ended_on": None,
            },
            self.codes,
            None,
        )
        for message in rank_errors.values():
            row.err("职级", message)

    def _check_education(self, row: Row) -> None:
        """学历 / 学位: the highest cannot be below the full-time one."""
        values = row.values
        ft_edu, hi_edu = values.get("ft_education") or "", values.get("hi_education") or ""
        if ft_edu and hi_edu and edu_rank(hi_edu) > edu_rank(ft_edu):
            row.err("最高学历", "最高学历不应低于全日制学历")
        ft_deg, hi_deg = values.get("ft_degree") or "", values.get("hi_degree") or ""
        if ft_deg and hi_deg and degree_rank(hi_deg) > degree_rank(ft_deg):
            row.err("最高学位", "最高学位不应低于全日制学位")
