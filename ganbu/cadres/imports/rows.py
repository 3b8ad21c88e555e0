"""One row of the 干部信息 workbook: its cells (身份证号 as Excel stores it), the stored records it
is compared with, and what a chunk of rows writes."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ganbu.cadres.rules import DEGREE_RANK, EDUCATION_RANK, AppointmentFacts, parse_id_number
from ganbu.core.spreadsheet import Cell, is_blank

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


def edu_rank(code: str) -> int:
    """The order of an education code (lower is higher); blank last."""
    return EDUCATION_RANK.get(code, 99) if code else 100


def degree_rank(code: str) -> int:
    return DEGREE_RANK.get(code, 99) if code else 100


@dataclass(frozen=True)
class UnitInfo:
    pk: int
    code: str
    path: str
    name: str
    short_name: str = ""
    parent_code: str = ""


@dataclass(frozen=True, slots=True)
class CadreDates:
    """What the record validators of services.RECORD_KINDS read of a cadre (they query by cadre
    only for a post, which an import row never has); instantiating Cadre per row costs more than
    the validation itself."""

    birth_date: date
    work_started_on: date | None


@dataclass(slots=True)
class Appt:
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
class Rank:
    pk: int | None
    rank: str
    started_on: date
    ended_on: date | None


@dataclass(slots=True)
class Edu:
    pk: int | None
    kind: str
    education: str
    degree: str
    ended_on: date | None
    school: str = ""
    major: str = ""


@dataclass(slots=True)
class Existing:
    cadre: dict[str, Any]  # columns.CADRE_LOAD_FIELDS of the stored record
    appointments: list[Appt] = field(default_factory=list)
    ranks: list[Rank] = field(default_factory=list)
    educations: list[Edu] = field(default_factory=list)


@dataclass(slots=True)
class Row:
    line: int
    values: dict[str, Any]  # present columns only, parsed
    errors: dict[str, str]  # header → first message
    id_number: str = ""
    unit: UnitInfo | None = None
    existing: Existing | None = None
    # a stored cadre found by 姓名 + 出生年月 + 单位 (not by 身份证号): said so in the result
    matched_by_name: bool = False
    unit_header: str = "单位代码"  # the column the unit came from (单位代码, 单位 or 现任职务)
    incomplete: bool = False  # written without 身份证号 or a required field: 待补充
    notes: list[str] = field(default_factory=list)  # what the result says about the row

    def err(self, header: str, message: str) -> None:
        self.errors.setdefault(header, message)


@dataclass
class Writes:
    """What one chunk writes."""

    new_cadres: list[tuple[dict[str, Any], list[Appt], list[Rank], list[Edu]]] = field(default_factory=list)
    # existing cadres whose record or history changes (the others keep their state periods)
    changed_ids: list[int] = field(default_factory=list)
    # changed columns (indexes into columns.CADRE_WRITE_FIELDS) → rows (pk, *new values)
    cadre_updates: dict[tuple[int, ...], list[tuple[Any, ...]]] = field(default_factory=dict)
    appt_new: list[dict[str, Any]] = field(default_factory=list)
    # (pk, level, is_leadership, started_on, ended_on)
    appt_updates: list[tuple[Any, ...]] = field(default_factory=list)
    rank_new: list[dict[str, Any]] = field(default_factory=list)
    rank_updates: list[tuple[Any, ...]] = field(default_factory=list)  # pk, rank, ended_on
    edu_new: list[dict[str, Any]] = field(default_factory=list)
    # pk, education, degree, school, major
    edu_updates: list[tuple[Any, ...]] = field(default_factory=list)


def appointment_row(cadre_pk: int, a: Appt) -> dict[str, Any]:
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


def rank_row(cadre_pk: int, r: Rank) -> dict[str, Any]:
    return {"cadre_id": cadre_pk, "rank": r.rank, "started_on": r.started_on, "ended_on": r.ended_on}


def education_row(cadre_pk: int, e: Edu) -> dict[str, Any]:
    return {
        "cadre_id": cadre_pk,
        "kind": e.kind,
        "education": e.education,
        "degree": e.degree,
        "school": e.school,
        "major": e.major,
    }


def name_key(name: str) -> str:
    """A name as rosters are compared: no spaces (王  伟, padded for alignment, is 王伟), NFKC."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or ""))


def name_variants(name: str) -> set[str]:
    """The stored spellings of a name that `name_key` makes equal to it, for an indexed query: as
    written, without spaces, and a two-character name padded with one or two spaces (half- or
    full-width) as forms and rosters align it."""
    plain = name_key(name)
    variants = {name.strip(), plain}
    if len(plain) == 2:
        for pad in (" ", "  ", "\u3000", "\u3000\u3000"):
            variants.add(plain[0] + pad + plain[1])
    return {v for v in variants if v}
