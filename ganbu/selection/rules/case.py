"""A selection case (选拔任用) as the compliance check reads it, and its validator.

`parse_case(raw)` turns the JSON of a case (README.md, 「合规检查：selection check」) into a `Case`,
or raises `ValidationError` listing every problem, each naming its field path the way the file
spells it (「steps[3].date：日期格式应为 YYYY-MM-DD（收到 "2026/10/01"）」). Dates are strict ISO
(YYYY-MM-DD only); numbers are JSON integers (never strings, never true/false); every name in a
step's figures must be one of the case's candidates; unknown fields are refused, so a misspelt
figure is not silently ignored.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError

from ganbu.selection import errors
from ganbu.selection.rules.violations import CODES, EXCUSABLE

STEPS = (
    "动议",
    "民主推荐",
    "确定考察对象",
    "考察预告",  # optional, no figures (the stored cases record it)
    "考察",
    "酝酿",
    "征求意见",
    "票决",
    "任前公示",
    "任职",
    "试用期满",
)
METHODS = ("民主推荐", "公开选拔", "竞争上岗", "委任", "选任")
EXAM_METHODS = ("公开选拔", "竞争上岗")  # exams replace 民主推荐; its rules do not apply
ELECTED = "选任"  # elected posts: no probation
THREE_POINTS = {"masses": "群众", "party_org": "单位党组织", "leader": "分管领导"}

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_TOP = ("post", "posts", "method", "candidates", "steps", "reasons", "promotion", "note")
_FIGURES = {
    "动议": (),
    "民主推荐": ("listed", "valid_ballots", "votes", "round"),
    "确定考察对象": ("chosen", "two_recommendations_agree", "three_points"),
    "考察预告": (),
    "考察": ("unit_staff", "talks"),
    "酝酿": (),
    "征求意见": ("base", "disagree"),
    "票决": ("expected", "present", "agree"),
    "任前公示": ("start", "end", "complaints"),
    "任职": ("doc_no", "name"),
    "试用期满": ("result", "name"),
}


@dataclass(frozen=True)
class Post:
    unit: str
    title: str
    level: str  # the unit's level (乡镇, 县直部门 …), for the rule of 全委会征求意见


@dataclass(frozen=True)
class Candidate:
    name: str
    id_number: str


@dataclass(frozen=True, kw_only=True)
class Step:
    index: int  # position in the file's steps (0-based, as in the field paths)
    kind: str  # one of STEPS
    date: date

    @property
    def label(self) -> str:
        return f"{self.kind}（{self.date.isoformat()}）"


@dataclass(frozen=True, kw_only=True)
class Recommendation(Step):  # 民主推荐
    listed: tuple[str, ...]
    valid_ballots: int
    votes: dict[str, int]
    round: int


@dataclass(frozen=True, kw_only=True)
class Shortlist(Step):  # 确定考察对象
    chosen: tuple[str, ...]
    two_agree: dict[str, bool]  # 「两推」 results agree, by name
    three_points: dict[str, dict[str, bool]]  # 「三点一线」: masses, party_org, leader agree, by name


@dataclass(frozen=True, kw_only=True)
class Inspection(Step):  # 考察
    unit_staff: int
    talks: int


@dataclass(frozen=True, kw_only=True)
class Consultation(Step):  # 征求意见 (全委会)
    base: int
    disagree: dict[str, int]


@dataclass(frozen=True, kw_only=True)
class Vote(Step):  # 票决 (常委会讨论决定)
    expected: int
    present: int
    agree: dict[str, int]


@dataclass(frozen=True)
class Complaint:
    received: date
    finding: str  # "" while not resolved
    name: str = ""  # the candidate it is about, when known


@dataclass(frozen=True, kw_only=True)
class Publicity(Step):  # 任前公示
    start: date
    end: date
    complaints: tuple[Complaint, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Appointment(Step):  # 任职
    doc_no: str
    name: str = ""  # the appointee; "" means those who passed the 票决 (README.md)


@dataclass(frozen=True, kw_only=True)
class ProbationEnd(Step):  # 试用期满
    result: str  # "" when no result was recorded
    name: str = ""  # whose probation; "" means every appointee


S = TypeVar("S", bound=Step)


@dataclass(frozen=True)
class Case:
    post: Post
    posts: int
    method: str
    candidates: tuple[Candidate, ...]
    steps: tuple[Step, ...]
    reasons: dict[str, str] = field(default_factory=dict)
    promotion: bool = True  # 提拔; a lateral move has no probation

    @property
    def uses_recommendation(self) -> bool:
        return self.method not in EXAM_METHODS

    @property
    def has_probation(self) -> bool:
        return self.promotion and self.method != ELECTED

    def kind(self, kind: str) -> list[Step]:
        return [s for s in self.steps if s.kind == kind]

    def of(self, cls: type[S]) -> list[S]:
        return [s for s in self.steps if isinstance(s, cls)]

    def last(self, cls: type[S]) -> S | None:
        found = self.of(cls)
        return found[-1] if found else None


def _shown(value: Any) -> str:
    if isinstance(value, Decimal):  # a number with a decimal point, as the file wrote it
        return str(value)
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:37] + "..."


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


class _Reader:
    """Reads fields and collects every problem as 「path：what is wrong」."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.names: set[str] = set()

    def fail(self, path: str, text: str) -> None:
        self.problems.append(f"{path}：{text}")

    def obj(self, value: Any, path: str) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.fail(path, f"应为对象（收到 {_shown(value)}）")
            return None
        return value

    def unknown(self, data: dict[str, Any], allowed: tuple[str, ...], path: str) -> None:
        for key in data:
            if key not in allowed:
                self.fail(_join(path, str(key)), f"没有这一项（可用：{'、'.join(allowed)}）")

    def present(self, data: dict[str, Any], key: str, path: str, required: bool) -> bool:
        if data.get(key) is not None:
            return True
        if required:
            self.fail(_join(path, key), "缺少此项")
        return False

    def text(self, data: dict[str, Any], key: str, path: str, *, required: bool = True) -> str:
        if not self.present(data, key, path, required):
            return ""
        value = data[key]
        if not isinstance(value, str):
            self.fail(_join(path, key), f"应为文字（收到 {_shown(value)}）")
            return ""
        if required and not value.strip():
            self.fail(_join(path, key), "不能为空")
        return value.strip()

    def number(self, value: Any, path: str, minimum: int = 0) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, f"应为整数（收到 {_shown(value)}）")
            return None
        if value < minimum:
            self.fail(path, f"应不小于 {minimum}（收到 {value}）")
            return None
        return value

    def count(self, data: dict[str, Any], key: str, path: str, minimum: int = 0) -> int | None:
        if not self.present(data, key, path, True):
            return None
        return self.number(data[key], _join(path, key), minimum)

    def day(self, data: dict[str, Any], key: str, path: str, *, required: bool = True) -> date | None:
        if not self.present(data, key, path, required):
            return None
        value, where = data[key], _join(path, key)
        if not isinstance(value, str) or not _ISO_DAY.fullmatch(value):
            self.fail(where, f"日期格式应为 YYYY-MM-DD（收到 {_shown(value)}）")
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(where, f"不是有效的日期（收到 {_shown(value)}）")
            return None

    def boolean(self, value: Any, path: str) -> bool | None:
        if not isinstance(value, bool):
            self.fail(path, f"应为 true 或 false（收到 {_shown(value)}）")
            return None
        return value

    def name(self, value: Any, path: str) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.fail(path, f"应为候选人姓名（收到 {_shown(value)}）")
            return None
        if value.strip() not in self.names:
            self.fail(path, f"「{value.strip()}」不在 candidates 中")
            return None
        return value.strip()

    def name_list(self, data: dict[str, Any], key: str, path: str) -> tuple[str, ...]:
        if not self.present(data, key, path, True):
            return ()
        value, where = data[key], _join(path, key)
        if not isinstance(value, list):
            self.fail(where, f"应为姓名列表（收到 {_shown(value)}）")
            return ()
        found: list[str] = []
        for i, item in enumerate(value):
            name = self.name(item, _join(where, i))
            if name is not None and name in found:
                self.fail(_join(where, i), f"「{name}」重复")
            elif name is not None:
                found.append(name)
        return tuple(found)

    def by_name(self, data: dict[str, Any], key: str, path: str, *, required: bool = True) -> dict[str, Any]:
        """A {name: value} object whose keys are candidates; the values are read by the caller."""
        if not self.present(data, key, path, required):
            return {}
        value, where = data[key], _join(path, key)
        if not isinstance(value, dict):
            self.fail(where, f"应为以候选人姓名为键的对象（收到 {_shown(value)}）")
            return {}
        return {k.strip(): v for k, v in value.items() if self.name(k, _join(where, k)) is not None}

    def counts_by_name(
        self, data: dict[str, Any], key: str, path: str, *, most: int | None, most_label: str
    ) -> dict[str, int]:
        result: dict[str, int] = {}
        for name, value in self.by_name(data, key, path).items():
            where = _join(_join(path, key), name)
            n = self.number(value, where)
            if n is not None and most is not None and n > most:
                self.fail(where, f"{n} 多于{most_label} {most}")
            elif n is not None:
                result[name] = n
        return result


def _candidates(r: _Reader, raw: Any) -> tuple[Candidate, ...]:
    if raw is None:
        r.fail("candidates", "缺少此项")
        return ()
    if not isinstance(raw, list):
        r.fail("candidates", f"应为列表（收到 {_shown(raw)}）")
        return ()
    found: list[Candidate] = []
    seen: dict[str, int] = {}
    ids: dict[str, int] = {}
    for i, item in enumerate(raw):
        path = _join("candidates", i)
        data = r.obj(item, path)
        if data is None:
            continue
        r.unknown(data, ("name", "id_number", "note"), path)
        name, id_number = r.text(data, "name", path), r.text(data, "id_number", path)
        if not name:
            continue
        if name in seen:
            r.fail(_join(path, "name"), f"与 candidates[{seen[name]}] 重名")
            continue
        if id_number and id_number in ids:
            r.fail(_join(path, "id_number"), f"与 candidates[{ids[id_number]}] 的身份证号相同")
        seen[name], ids[id_number] = i, i
        found.append(Candidate(name, id_number))
    r.names = set(seen)
    return tuple(found)


def _recommendation(r: _Reader, data: dict[str, Any], path: str, base: dict[str, Any]) -> Step | None:
    listed = r.name_list(data, "listed", path)
    valid = r.count(data, "valid_ballots", path, minimum=1)
    votes = r.counts_by_name(data, "votes", path, most=valid, most_label="有效票")
    for name in votes:
        if name not in listed:
            r.fail(_join(_join(path, "votes"), name), f"「{name}」不在本轮 listed 中")
    round_ = r.number(data["round"], _join(path, "round"), minimum=1) if data.get("round") is not None else 1
    if valid is None or round_ is None:
        return None
    return Recommendation(**base, listed=listed, valid_ballots=valid, votes=votes, round=round_)


def _shortlist(r: _Reader, data: dict[str, Any], path: str, base: dict[str, Any]) -> Step:
    chosen = r.name_list(data, "chosen", path)
    two: dict[str, bool] = {}
    for name, value in r.by_name(data, "two_recommendations_agree", path, required=False).items():
        agreed = r.boolean(value, _join(_join(path, "two_recommendations_agree"), name))
        if agreed is not None:
            two[name] = agreed
    three: dict[str, dict[str, bool]] = {}
    for name, value in r.by_name(data, "three_points", path, required=False).items():
        where = _join(_join(path, "three_points"), name)
        points = r.obj(value, where)
        if points is None:
            continue
        r.unknown(points, tuple(THREE_POINTS), where)
        opinions = {}
        for key in THREE_POINTS:
            if r.present(points, key, where, True):
                agreed = r.boolean(points[key], _join(where, key))
                if agreed is not None:
                    opinions[key] = agreed
        if len(opinions) == len(THREE_POINTS):
            three[name] = opinions
    return Shortlist(**base, chosen=chosen, two_agree=two, three_points=three)


def _publicity(r: _Reader, data: dict[str, Any], path: str, base: dict[str, Any]) -> Step | None:
    start, end = r.day(data, "start", path), r.day(data, "end", path)
    if start and end and end < start:
        r.fail(_join(path, "end"), f"公示结束日 {end.isoformat()} 早于开始日 {start.isoformat()}")
    complaints: list[Complaint] = []
    raw = data.get("complaints")
    if raw is not None and not isinstance(raw, list):
        r.fail(_join(path, "complaints"), f"应为列表（收到 {_shown(raw)}）")
    for i, item in enumerate(raw if isinstance(raw, list) else []):
        where = _join(_join(path, "complaints"), i)
        c = r.obj(item, where)
        if c is None:
            continue
        r.unknown(c, ("received", "finding", "name", "note"), where)
        received = r.day(c, "received", where)
        finding = r.text(c, "finding", where, required=False)
        name = r.name(c["name"], _join(where, "name")) if c.get("name") is not None else ""
        if received is not None and name is not None:
            complaints.append(Complaint(received, finding, name))
    if start is None or end is None:
        return None
    if base["date"] is None:
        base = {**base, "date": start}
    return Publicity(**base, start=start, end=end, complaints=tuple(complaints))


def _step(r: _Reader, raw: Any, index: int) -> Step | None:
    path = _join("steps", index)
    data = r.obj(raw, path)
    if data is None:
        return None
    kind = data.get("step")
    if not isinstance(kind, str) or kind not in _FIGURES:
        r.fail(_join(path, "step"), f"应为{'、'.join(STEPS)}之一（收到 {_shown(kind)}）")
        return None
    r.unknown(data, ("step", "date", "note", *_FIGURES[kind]), path)
    day = r.day(data, "date", path, required=kind != "任前公示")  # 公示: the start by default
    base: dict[str, Any] = {"index": index, "kind": kind, "date": day}
    if kind == "民主推荐":
        step = _recommendation(r, data, path, base)
    elif kind == "确定考察对象":
        step = _shortlist(r, data, path, base)
    elif kind == "考察":
        staff, talks = r.count(data, "unit_staff", path, minimum=1), r.count(data, "talks", path)
        step = Inspection(**base, unit_staff=staff, talks=talks) if staff and talks is not None else None
    elif kind == "征求意见":
        members = r.count(data, "base", path, minimum=1)
        disagree = r.counts_by_name(data, "disagree", path, most=members, most_label="参加人数")
        step = Consultation(**base, base=members, disagree=disagree) if members else None
    elif kind == "票决":
        expected, present = r.count(data, "expected", path, minimum=1), r.count(data, "present", path)
        if expected and present is not None and present > expected:
            r.fail(_join(path, "present"), f"实到 {present} 人多于应到 {expected} 人")
        agree = r.counts_by_name(data, "agree", path, most=present, most_label="实到人数")
        step = None
        if expected is not None and present is not None:
            step = Vote(**base, expected=expected, present=present, agree=agree)
    elif kind == "任前公示":
        step = _publicity(r, data, path, base)
    elif kind == "任职":
        doc_no = r.text(data, "doc_no", path)
        name = r.name(data["name"], _join(path, "name")) if data.get("name") is not None else ""
        step = Appointment(**base, doc_no=doc_no, name=name) if name is not None else None
    elif kind == "试用期满":
        result = r.text(data, "result", path, required=False)
        name = r.name(data["name"], _join(path, "name")) if data.get("name") is not None else ""
        step = ProbationEnd(**base, result=result, name=name) if name is not None else None
    else:
        step = Step(**base)
    return step if step is not None and step.date is not None else None


def _reasons(r: _Reader, raw: Any) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        r.fail("reasons", f"应为以问题代码为键、理由为值的对象（收到 {_shown(raw)}）")
        return {}
    reasons: dict[str, str] = {}
    for code, text in raw.items():
        where = _join("reasons", code)
        if code not in CODES:
            r.fail(where, "没有这个问题代码")
        elif code not in EXCUSABLE:
            r.fail(where, f"该问题不能以说明免除（可说明的：{'、'.join(EXCUSABLE)}）")
        elif not isinstance(text, str) or not text.strip():
            r.fail(where, "应写明理由")
        else:
            reasons[code] = text.strip()
    return reasons


def parse_case(raw: Any) -> Case:
    """The case of a JSON object, or `ValidationError` listing every problem (code CASE_FILE_INVALID)."""
    r = _Reader()
    if not isinstance(raw, dict):
        raise ValidationError("案例应为一个 JSON 对象", code=errors.CASE_FILE_INVALID)
    r.unknown(raw, _TOP, "")
    post_data = r.obj(raw["post"], "post") if raw.get("post") is not None else None
    if raw.get("post") is None:
        r.fail("post", "缺少此项")
    post = Post("", "", "")
    if post_data is not None:
        r.unknown(post_data, ("unit", "title", "level"), "post")
        post = Post(*(r.text(post_data, key, "post") for key in ("unit", "title", "level")))
    posts = r.count(raw, "posts", "", minimum=1) if "posts" in raw else 1
    method = raw.get("method")
    if method not in METHODS:
        r.fail("method", f"应为{'、'.join(METHODS)}之一（收到 {_shown(method)}）")
    promotion = raw.get("promotion", True)
    if not isinstance(promotion, bool):
        r.fail("promotion", f"应为 true 或 false（收到 {_shown(promotion)}）")
    candidates = _candidates(r, raw.get("candidates"))
    steps: list[Step] = []
    if not isinstance(raw.get("steps"), list):
        r.fail(
            "steps", "缺少此项" if raw.get("steps") is None else f"应为列表（收到 {_shown(raw['steps'])}）"
        )
    else:
        for i, item in enumerate(raw["steps"]):
            step = _step(r, item, i)
            if step is not None:
                steps.append(step)
    reasons = _reasons(r, raw.get("reasons"))
    if r.problems:
        raise ValidationError([ValidationError(p, code=errors.CASE_FILE_INVALID) for p in r.problems])
    assert posts is not None and isinstance(method, str) and isinstance(promotion, bool)
    return Case(post, posts, method, candidates, tuple(steps), reasons, promotion)
