"""Parsing and checking the rows of an import: the registry's own rules (`services.validate_cadre`
and the record validators of `services.RECORD_KINDS`) plus the import's (the unit in scope, by code
or by name, 职务/任职时间 together, 身份证号 required and unique in the file when the file has the
column, the same person not twice). Every error of a row is kept as (column header → message);
nothing here writes. Which stored cadre a row is (by 身份证号, else by 姓名 + 出生年月 + 单位) is
decided by `matching`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any, cast

from django.db.models import Q

from ganbu.cadres import services
from ganbu.cadres.imports.columns import HEADER_BY_KEY, MAY_BE_ABSENT, ROW_CADRE_FIELDS, Column, SheetLayout
from ganbu.cadres.imports.rows import (
    Appt,
    CadreDates,
    Row,
    UnitInfo,
    degree_rank,
    edu_rank,
    id_number_error,
    name_key,
    parse_id_cell,
)
from ganbu.cadres.models import Cadre
from ganbu.cadres.rules import derive_current, held_appointments, parse_id_number
from ganbu.core.spreadsheet import DATE_FORMATS_HINT, Cell, cell_text, code_text, parse_date
from ganbu.org.models import Unit, User
from ganbu.org.scoping import unit_in_scope, units_in_subtree
from ganbu.org.selectors import unit_names

# 1975.08（51岁）: the age some rosters print after the birth month
_AGE_SUFFIX = re.compile(r"^(.*?)\s*[（(]\s*\d{1,3}\s*岁?\s*[)）]$", re.DOTALL)
_EDU_PARTS = re.compile(r"[\s、，,/；;]+")
TEXT_LIMITS = {"native_place": 50, "birthplace": 50, "professional_title": 50}
SCHOOL_LIMIT = 100


class RowChecker:
    """Parses and validates rows for an import into the subtree of `scope_unit` (and of the actor's
    scope when there is an actor). `seen_ids` (身份证号 → line) spans one pass over the file."""

    def __init__(self, *, scope_unit: Unit, actor: User | None, today: date, layout: SheetLayout) -> None:
        self.scope_unit = scope_unit
        self.actor = actor
        self.today = today
        self.layout = layout
        self.codes = services.CodeBook()
        # the units a row may name (active, in the import's subtree) and the paths and names of
        # every unit of that subtree (for the stored cadres a row matches)
        self.units: dict[str, UnitInfo] = {}
        self.unit_paths: dict[int, str] = {}
        self.unit_names: dict[int, str] = {}
        for pk, code, path, name, short_name, active in units_in_subtree(scope_unit).values_list(
            "pk", "code", "path", "name", "short_name", "is_active"
        ):
            self.unit_paths[pk] = path
            self.unit_names[pk] = name
            if active:
                codes = path.strip("/").split("/")
                parent = codes[-2] if len(codes) > 1 else ""
                self.units[code] = UnitInfo(pk, code, path, name, short_name, parent)
        self._by_name: dict[str, list[UnitInfo]] | None = None
        self._scope_pks: list[int] | None = None
        self._without_id: bool | None = None
        self._title_memo: dict[str, tuple[UnitInfo | None, str]] = {}
        self.seen_ids: dict[str, int] = {}
        self.seen_cadres: dict[int, int] = {}  # stored cadre → the line that names it
        self.seen_keys: dict[tuple[str, int, int, int], int] = {}  # 姓名, 出生年月, 单位 → line
        # a file without the 身份证号 column identifies its rows by 姓名 + 出生年月 + 单位
        self.id_column = layout.has("id_number")
        self.title_column = "title" if layout.has("title") else "full_title"
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
            if column.kind in ("date", "month"):
                if column.kind == "month" and isinstance(raw, str):
                    match = _AGE_SUFFIX.match(raw.strip())
                    raw = match.group(1) if match else raw
                    row.values["birth_month_only"] = True
                elif column.kind == "month":
                    row.values["birth_month_only"] = True
                try:
                    row.values[key] = parse_date(raw)
                except ValueError as exc:
                    row.values[key] = None
                    row.err(column.header, f"{layout.label(column.header)}{exc}，{DATE_FORMATS_HINT}")
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
                    row.err(
                        column.header,
                        self.codes.unknown_message(column.table, value, layout.label(column.header)),
                    )
            elif column.kind == "edu":
                self._parse_edu(row, column, cell_text(raw))
            elif column.kind == "school":
                self._parse_school(row, column, cell_text(raw))
            elif column.kind == "ignored":
                continue
            elif key == "unit_code":
                row.values[key] = code_text(raw)
            else:
                row.values[key] = cell_text(raw)
        if self.title_column == "full_title" and "full_title" in row.values and layout.has("post_since"):
            # (without 任现职时间 the post cannot be dated: it names the unit only, see entry.py)
            row.values["title"] = row.values["full_title"]
        self.resolve_unit(row)
        return row

    def _parse_edu(self, row: Row, column: Column, text: str) -> None:
        """学历 and 学位 in one cell (大学本科⏎学士, 研究生 硕士, 大学本科学士): each part is a 学历 or
        a 学位 of the code tables (a name or a code); a part neither is an error."""
        prefix = "ft" if column.key == "ft_edu" else "ie"
        education, degree = "", ""
        for part in (p for p in _EDU_PARTS.split(text) if p):
            edu_code, edu_known = self.code("education", part)
            deg_code, deg_known = self.code("degree", part)
            if edu_known and not education:
                education = edu_code
            elif deg_known and not degree:
                degree = deg_code
            else:
                split = self._split_edu(part) if not (education or degree) else None
                if split is None:
                    row.err(
                        column.header,
                        f"{self.layout.label(column.header)}「{text}」中的「{part}」不是代码表中的学历或学位",
                    )
                    return
                education, degree = split
        # a separate 学历 / 学位 column of the same kind of education wins
        for key, value in ((f"{prefix}_education", education), (f"{prefix}_degree", degree)):
            if not row.values.get(key):
                row.values[key] = value

    def _split_edu(self, text: str) -> tuple[str, str] | None:
        """大学本科学士 → (大学本科, 学士): a 学历 name followed by a 学位 name, without a space."""
        names = sorted(self.codes.tables.get("education", {}).items(), key=lambda kv: -len(kv[1]))
        for code, name in names:
            if name and text.startswith(name):
                degree, known = self.code("degree", text[len(name) :])
                if known and degree:
                    return code, degree
        return None

    def _parse_school(self, row: Row, column: Column, text: str) -> None:
        """毕业院校及专业: 「海南大学 法学」 is the school and the major; without a space the whole
        text is kept as the school (it prints the same on the forms; no guess where to cut)."""
        parts = re.split(r"\s+", text.strip(), maxsplit=1)
        school, major = parts[0], (parts[1] if len(parts) > 1 else "")
        if len(school) > SCHOOL_LIMIT or len(major) > SCHOOL_LIMIT:
            row.err(
                column.header, f"{self.layout.label(column.header)}过长（院校、专业各不超过{SCHOOL_LIMIT}字）"
            )
        row.values[column.key] = (school, major)

    # ---- helpers ---------------------------------------------------------------------------------
    def in_scope(self, path: str) -> bool:
        """Inside the import's unit and (when there is an actor) the actor's data scope."""
        if path not in self._scope_memo:
            self._scope_memo[path] = path.startswith(self.scope_unit.path) and (
                self.actor is None or unit_in_scope(self.actor, Unit(path=path))
            )
        return self._scope_memo[path]

    def scope_unit_pks(self) -> list[int]:
        """Every unit (active or not) of the import's scope: where a stored cadre may be matched."""
        if self._scope_pks is None:
            self._scope_pks = [pk for pk, path in self.unit_paths.items() if self.in_scope(path)]
        return self._scope_pks

    def scope_has_cadres_without_id(self) -> bool:
        """Whether the scope holds a cadre without 身份证号 (once per import: a row whose number
        is new can only be such a cadre, `matching`)."""
        if self._without_id is None:
            self._without_id = (
                Cadre.objects.filter(Q(id_number__isnull=True) | Q(id_number=""))
                .filter(unit_id__in=self.scope_unit_pks())
                .exists()
            )
        return self._without_id

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
        if row.id_number or row.existing is None:
            data["id_number"] = row.id_number
        born: date | None = data.get("birth_date")
        if row.values.get("birth_month_only") and born is not None:
            # 出生年月 has no day: the stored cadre's day, else the 身份证号's, when the month agrees
            stored_born: date | None = row.existing.cadre["birth_date"] if row.existing else None
            from_id = _id_birth_date(data["id_number"] or "")
            for known in (stored_born, from_id):
                if known is not None and (known.year, known.month) == (born.year, born.month):
                    data["birth_date"] = known
                    break
        if row.existing is None:
            for key in MAY_BE_ABSENT:  # a column the file lacks: empty, listed as 待补充
                if data.get(key) is None:
                    data[key] = ""
        return data

    def rank_start(self, row: Row, data: dict[str, Any]) -> date:
        """任职级时间 of the row's 职级: 任现职级时间 when the file gives it; else today for a stored
        cadre; for a new one the post's start (not before 参加工作时间), else 参加工作时间, else
        today."""
        given: date | None = row.values.get("rank_since")
        if given is not None:
            return given
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
        # the registry's own rules (uniqueness of 身份证号 excepted: see id_number_error), less
        # what a file without the column cannot say (the field stays empty: 待补充)
        for field_name, message in services.validate_cadre(
            {**data, "id_number": ""}, codes=self.codes
        ).items():
            if self._absent_allows(field_name, data):
                continue
            row.err(HEADER_BY_KEY.get(field_name) or services.label(Cadre, field_name), message)
        for field_name, limit in TEXT_LIMITS.items():
            if len(data.get(field_name) or "") > limit:
                row.err(
                    HEADER_BY_KEY[field_name], f"{services.label(Cadre, field_name)}过长（不超过{limit}字）"
                )
        born: date | None = data.get("birth_date")
        # a bad 参加工作时间 is reported once, not again through every date compared with it
        work: date | None = None if "参加工作时间" in row.errors else data.get("work_started_on")
        self._check_id_number(row, data)
        self._check_same_person(row, data)
        self._check_post(row, born, work)
        self._check_rank(row, data, born, work)
        self._check_education(row)
        row.incomplete = not data.get("id_number") or any(not data.get(k) for k in MAY_BE_ABSENT)

    def _absent_allows(self, field_name: str, data: dict[str, Any]) -> bool:
        """A rule the file cannot satisfy because it has no column for the field: 政治面貌, 人员类别
        or 民族 left empty; 入党时间 with 政治面貌 unknown, or 政治面貌 a member's without 入党时间."""
        if field_name in MAY_BE_ABSENT:
            return not self.layout.has(field_name) and not data.get(field_name)
        if field_name == "party_joined_on":
            if not data.get("political_status") and not self.layout.has("political_status"):
                return True
            return not data.get("party_joined_on") and not self.layout.has("party_joined_on")
        return False

    def _check_same_person(self, row: Row, data: dict[str, Any]) -> None:
        """Two rows of the file are never the same stored cadre, nor (without 身份证号) the same
        姓名 + 出生年月 + 单位."""
        if "身份证号" in row.errors:
            return  # (a repeated 身份证号 is said once, there)
        if row.existing is not None:
            pk = row.existing.cadre["id"]
            if pk in self.seen_cadres:
                row.err("姓名", f"与第{self.seen_cadres[pk]}行是同一名干部（{row.existing.cadre['name']}）")
            else:
                self.seen_cadres[pk] = row.line
        elif not data.get("id_number") and row.unit is not None and data.get("birth_date"):
            born: date = data["birth_date"]
            key = (name_key(data.get("name") or ""), born.year, born.month, row.unit.pk)
            if key in self.seen_keys:
                row.err(
                    "姓名",
                    f"与第{self.seen_keys[key]}行的姓名、出生年月、单位都相同，请合并为一行或填写身份证号",
                )
            else:
                self.seen_keys[key] = row.line

    def _check_id_number(self, row: Row, data: dict[str, Any]) -> None:
        """身份证号: required when the file has the column (it is the key), valid, unique in the
        file, not someone else's. A file without the column identifies its rows by 姓名 + 出生年月
        + 单位 (`matching`)."""
        if "身份证号" in row.errors or not self.id_column:
            return
        if not row.id_number:
            row.err(
                "身份证号",
                "身份证号不能为空（导入以身份证号识别干部；不知道身份证号的干部名册请删去此列，"
                "按姓名、出生年月和单位识别）",
            )
            return
        born: date | None = data.get("birth_date")
        gender: str | None = data.get("gender")
        id_error = id_number_error(row.id_number, born, gender)
        if id_error and row.values.get("birth_month_only") and born is not None:
            from_id = _id_birth_date(row.id_number)
            if from_id is not None and (from_id.year, from_id.month) != (born.year, born.month):
                id_error = f"身份证号中的出生年月 {from_id:%Y.%m} 与{self.layout.label('出生日期')} {born:%Y.%m} 不一致"
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

    # ---- the unit: by code, by name, or from the start of 现任职务 ------------------------------
    def resolve_unit(self, row: Row) -> None:
        """The row's unit, from the first of 单位代码, 单位 (name, then short name) and 现任职务
        (which starts with the unit's name) the file has and the row fills in; an unknown or
        ambiguous name is an error naming the candidates."""
        layout = self.layout
        code = row.values.get("unit_code") or ""
        name = row.values.get("unit_name") or ""
        title = row.values.get("full_title") or ""
        if code or (layout.has("unit_code") and not name and not title):
            row.unit_header = "单位代码"
            if not code:
                row.err("单位代码", "单位代码不能为空")
                return
            unit = self.units.get(code)
            if unit is None or not self.in_scope(unit.path):
                row.err("单位代码", f"单位代码「{code}」不存在或不在您的数据范围内")
            else:
                row.unit = unit
            return
        if name or (layout.has("unit_name") and not title):
            row.unit_header = "单位"
            label = layout.label("单位")
            if not name:
                row.err("单位", f"{label}不能为空")
                return
            found = self._units_named(name)
            if len(found) == 1:
                row.unit = found[0]
            elif found:
                row.err("单位", self._ambiguous(name, found))
            else:
                row.err(
                    "单位", f"{label}「{name}」不存在或不在您的数据范围内（请填写单位全称、简称或单位代码）"
                )
            return
        row.unit_header = "现任职务"
        label = layout.label("现任职务")
        if not title:
            row.err("现任职务", f"{label}不能为空（没有单位列时，由{label}开头的单位名称确定单位）")
            return
        unit, problem = self._unit_of_title(title)
        if unit is not None:
            row.unit = unit
        else:
            row.err("现任职务", problem)

    def _name_index(self) -> dict[str, list[UnitInfo]]:
        """Active in-scope units by name and by short name (compared without spaces)."""
        if self._by_name is None:
            index: dict[str, list[UnitInfo]] = {}
            for unit in self.units.values():
                if not self.in_scope(unit.path):
                    continue
                for text in {name_key(unit.name), name_key(unit.short_name)} - {""}:
                    index.setdefault(text, []).append(unit)
            self._by_name = index
        return self._by_name

    def _units_named(self, name: str) -> list[UnitInfo]:
        """The units whose full name is `name`; else those whose short name is."""
        key = name_key(name)
        found = self._name_index().get(key, [])
        exact = [u for u in found if name_key(u.name) == key]
        return exact or found

    def _ambiguous(self, name: str, units: list[UnitInfo]) -> str:
        listed = "、".join(
            f"{u.name}（代码 {u.code}，属{self._parent_name(u)}）"
            for u in sorted(units, key=lambda u: u.code)
        )
        return f"单位「{name}」有 {len(units)} 个同名单位：{listed}，请填写单位代码"

    def _parent_name(self, unit: UnitInfo) -> str:
        parent = self.units.get(unit.parent_code)
        return parent.name if parent is not None else "上级单位"

    def _unit_of_title(self, title: str) -> tuple[UnitInfo | None, str]:
        """The unit whose name (or short name) 现任职务 starts with, the longest such name; then,
        while the rest starts with the name of one of its units, that unit (甲镇甲村党支部书记 is
        甲村 of 甲镇)."""
        if title in self._title_memo:
            return self._title_memo[title]
        text = name_key(title)
        label = self.layout.label("现任职务")
        result: tuple[UnitInfo | None, str]
        found = self._longest_prefix(text, self._name_index().items())
        if found is None:
            result = (
                None,
                f"{label}「{title}」不以您数据范围内的单位名称开头，无法确定单位（请增加“单位”或“单位代码”列）",
            )
        else:
            length, units = found
            if len(units) > 1:
                result = (None, self._ambiguous(text[:length], units))
            else:
                unit = units[0]
                rest = text[length:]
                while rest:
                    children = [
                        (k, [u for u in us if u.parent_code == unit.code])
                        for k, us in self._name_index().items()
                    ]
                    below = self._longest_prefix(rest, [(k, us) for k, us in children if us])
                    if below is None or len(below[1]) > 1:
                        break
                    unit, rest = below[1][0], rest[below[0] :]
                result = (unit, "")
        self._title_memo[title] = result
        return result

    @staticmethod
    def _longest_prefix(text: str, names: Any) -> tuple[int, list[UnitInfo]] | None:
        best: tuple[int, list[UnitInfo]] | None = None
        for key, units in names:
            if key and text.startswith(key) and (best is None or len(key) > best[0]):
                best = (len(key), list(dict.fromkeys(units)))
            elif key and best is not None and len(key) == best[0] and text.startswith(key):
                best[1].extend(u for u in units if u not in best[1])
        return best

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
                    header = {"title": "职务", "level": "职务层次", "unit": row.unit_header}.get(
                        field_name, "任职时间"
                    )
                    if field_name == "unit" and row.unit_header in row.errors:
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
                    row.unit_header,
                    f"该干部现任职务在「{self.unit_name(derived.unit_id)}」，调整单位须同时填写新的职务和任职时间",
                )

    def _check_rank(self, row: Row, data: dict[str, Any], born: date | None, work: date | None) -> None:
        rank = row.values.get("rank") or ""
        since: date | None = row.values.get("rank_since")
        if since is not None and "任现职级时间" not in row.errors:
            if not rank:
                row.err("任现职级时间", "填写了任现职级时间，应同时填写职级")
            elif since > self.today:
                row.err("任现职级时间", "任现职级时间不能晚于今天")
            elif row.existing is not None and rank != row.existing.cadre["current_rank"]:
                started = [r.started_on for r in row.existing.ranks if r.ended_on is None]
                if started and since <= max(started):
                    row.err(
                        "任现职级时间",
                        f"任现职级时间应晚于现职级的任职级时间（{max(started):%Y-%m-%d}），否则无法结束原职级",
                    )
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


def _id_birth_date(id_number: str) -> date | None:
    if not id_number:
        return None
    try:
        return parse_id_number(id_number).birth_date
    except ValueError:
        return None
