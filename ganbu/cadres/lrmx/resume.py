"""Reading the 简历 (JianLi) of an LRMX file: its period lines, which of them are posts (primary or
concurrent) and which are study, and the education records the study lines give.

Shapes accepted (both widths of punctuation everywhere):
- a period `YYYY.MM--YYYY.MM`, `YYYYMM`, `YYYY.M`; dashes `--`, `-`, `—`, `——`, `–`, `－`, `~`,
  `～`, `至`; an open end written as nothing, `至今` or `今`;
- lines joined by CR LF, LF or CR, or no line breaks at all (a new period starts wherever a
  `YYYY.MM--` stands outside brackets after text);
- a line without a leading period continues the previous one; a line that is wholly a bracket
  group holding a period (`（2001.09-2004.07  …在职研究生学习）`, `（其间：…）`) is nested in the previous
  line, as is a trailing bracket group `（其间：…）` / `（期间：…）` / `（2001.09-…）` or an unbracketed
  `，其间2001.09-…` at the end of a line; entries of one group are separated by 「；」;
- study is text ending in 学习 / 毕业 / 肄业 / 学生 / 本科 / 专科 / 大专 / 研究生 / 读书 / 就读 /
  进修 (after an optional 「，获…学位」); it is in-service when nested in a post or when it says
  在职 / 函授 / 自学考试 / 自考 / 夜大 / 业余 / 电大 / 广播电视大学 / 网络教育 / 远程教育 / 成人教育.
  A study line is never a post. A nested entry that is not study (a secondment 「挂职…」) is not
  turned into any record: a warning says so (the text itself is kept with the record)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from ganbu.cadres.appointment_form import school_text
from ganbu.cadres.lrmx.records import LrmxAppointment, LrmxEducation, LrmxError, ResumeLine, norm
from ganbu.cadres.models import EducationKind
from ganbu.cadres.services import CodeBook

_SCHOOL_END = re.compile(r"大学|学院|学校|党校|分校|研究院|研究所|中学|技校|中专")


def split_school(text: str) -> tuple[str, str]:
    """`海南大学法学专业` → ("海南大学", "法学"): the school ends at the first 大学/学院/学校/党校…
    (not followed by another such word, so 中国科学院大学 stays whole); 「专业」 is dropped."""
    text = re.sub(r"\s+", "", text)
    for m in _SCHOOL_END.finditer(text):
        rest = text[m.end() :]
        if _SCHOOL_END.match(rest):
            continue
        return text[: m.end()], rest.removesuffix("专业")
    if text.endswith("专业"):
        return "", text.removesuffix("专业")
    return text, ""


_D = "[0-9０-９]"
# a month: 2003.09, 2003.9, 200309 (also with full-width digits and ．)
DATE_TOKEN = rf"{_D}{{4}}(?:\s*[.．]\s*{_D}{{1,2}}(?!{_D})|{_D}{{2}}(?!{_D}))"
DASH = r"(?:-{1,2}|—{1,2}|–{1,2}|－{1,2}|―{1,2}|~|～|〜|至)"
_PERIOD = re.compile(
    rf"^\s*({DATE_TOKEN})\s*{DASH}\s*(?:({DATE_TOKEN})|至今|今)?\s*(.*?)\s*$",
    re.DOTALL,
)
_PERIOD_START = re.compile(rf"{DATE_TOKEN}\s*{DASH}")
_OPEN = "(（"  # half-width and full-width brackets: the parser accepts both
_CLOSE = ")）"  # half-width and full-width brackets: the parser accepts both
_NESTED_LEAD = re.compile(r"^\s*(?:其间|期间)\s*[:：]?\s*")
_NESTED_TAIL = re.compile(
    rf"^(.*?)\s*[，,；;]\s*(?:其间|期间)\s*[:：]?\s*({DATE_TOKEN}\s*{DASH}.*)$", re.DOTALL
)
_AFTER_NESTED_LEAD = re.compile(r"(其间|期间)\s*[:：]?\s*$")
_ENTRY_SPLIT = re.compile(rf"[；;]|[，,](?=\s*{DATE_TOKEN}\s*{DASH})")


def _ym(token: str, where: str) -> date:
    digits = re.sub(r"\s", "", token).replace("．", ".")
    year, _, month = digits.partition(".") if "." in digits else (digits[:4], "", digits[4:])
    y, m = int(year), int(month)  # int() reads full-width digits too
    if not 1 <= m <= 12 or y < 1900:
        raise LrmxError(f"{where}日期 {y}.{month} 无效")
    return date(y, m, 1)


def _depths(text: str) -> list[int]:
    """The bracket depth before each character (both widths)."""
    depth, out = 0, []
    for ch in text:
        out.append(depth)
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
    return out


def _split_runs(line: str) -> list[str]:
    """A physical line holding several periods (a 简历 written without line breaks) → one string
    per period. A period starts a new line only outside brackets, after text, and not right after
    其间/期间 (that one is nested)."""
    depths = _depths(line)
    cuts = []
    for m in _PERIOD_START.finditer(line):
        i = m.start()
        j = i
        while j and line[j - 1].isspace():
            j -= 1
        if j == 0 or depths[i] or line[j - 1].isdigit():
            continue
        if _AFTER_NESTED_LEAD.search(line, max(0, j - 8), j):
            continue
        cuts.append(i)
    parts, last = [], 0
    for i in cuts:
        parts.append(line[last:i])
        last = i
    parts.append(line[last:])
    return parts


def parse_resume(text: str) -> list[ResumeLine]:
    """JianLi text → [(start, end or None, text)], dates on day 1. Lines without a leading period
    continue the previous line (a bracketed 其间 line stays a bracket group of it)."""
    periods: list[tuple[date, date | None, list[str]]] = []
    number = 0
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        for piece in _split_runs(raw.replace("\u3000", " ")):
            number += 1
            line = piece.strip()
            if not line:
                continue
            where = f"JianLi（简历）第{number}行"
            m = _PERIOD.match(line)
            if m is None:
                if not periods:
                    raise LrmxError(f"{where}格式应为「YYYY.MM--YYYY.MM  内容」，实际为「{line}」")
                periods[-1][2].append(line)
                continue
            start = _ym(m.group(1), where)
            end = _ym(m.group(2), where) if m.group(2) else None
            if end and end < start:
                raise LrmxError(f"{where}结束时间早于开始时间")
            if not m.group(3):
                raise LrmxError(f"{where}缺少内容")
            periods.append((start, end, [m.group(3)]))
    return [(start, end, "".join(parts)) for start, end, parts in periods]


def peel_nested(text: str) -> tuple[str, list[str]]:
    """`科员（其间：A；B）` → ("科员", ["A", "B"]): the trailing nested groups of a line, in order
    (one pass over the text, however many groups)."""
    rest = text.rstrip()
    opening: dict[int, int] = {}  # index of a closing bracket → index of its opening one
    stack: list[int] = []
    for i, ch in enumerate(rest):
        if ch in _OPEN:
            stack.append(i)
        elif ch in _CLOSE and stack:
            opening[i] = stack.pop()
    groups: list[str] = []
    end = len(rest)
    while end and rest[end - 1] in _CLOSE and (end - 1) in opening:
        start = opening[end - 1]
        inner = rest[start + 1 : end - 1]
        if not (_NESTED_LEAD.match(inner) or re.match(rf"\s*{DATE_TOKEN}\s*{DASH}", inner)):
            break
        groups.append(_NESTED_LEAD.sub("", inner))
        end = start
        while end and rest[end - 1].isspace():
            end -= 1
    groups.reverse()
    rest = rest[:end]
    tail = _NESTED_TAIL.match(rest)
    if tail:
        groups.insert(0, tail.group(2))
        rest = tail.group(1)
    entries = [e.strip() for g in groups for e in _ENTRY_SPLIT.split(g) if e.strip()]
    return rest.strip(), entries


_DEGREE_CLAUSE = re.compile(r"\s*[，,、]?\s*(?:并?获得?|取得|授予)\s*(.*?)学位\s*$")
_STUDY_ENDINGS = ("学习", "毕业", "肄业", "学生", "本科", "专科", "大专", "研究生", "读书", "就读", "进修")
_IN_SERVICE_MARKS = (
    "在职",
    "函授",
    "自学考试",
    "自考",
    "夜大",
    "业余",
    "电大",
    "广播电视大学",
    "网络教育",
    "远程教育",
    "成人教育",
)
_BODY_SUFFIXES = (
    "学习",
    "毕业",
    "肄业",
    "学生",
    "读书",
    "就读",
    "进修",
    "大学本科",
    "本科",
    "大学专科",
    "专科",
    "大专",
    "在职研究生",
    "硕士研究生",
    "博士研究生",
    "研究生班",
    "研究生",
    "中专",
    "在职",
    "函授",
    "夜大",
    "业余",
)


def degree_of(text: str) -> str:
    """The degree a study text names (`…学习，获法学硕士学位` → 法学硕士), or ""."""
    m = _DEGREE_CLAUSE.search(text.strip())
    return m.group(1).strip() + "学位" if m else ""


def is_study(text: str) -> bool:
    body = _DEGREE_CLAUSE.sub("", text.strip()).rstrip("。.")
    return body.endswith(_STUDY_ENDINGS)


def study_body(text: str) -> str:
    """School and major of a study text, without 在 / 学习 / the level / the degree clause."""
    body = _DEGREE_CLAUSE.sub("", text.strip()).rstrip("。.")
    changed = True
    while changed:
        changed = False
        for suffix in _BODY_SUFFIXES:
            if body.endswith(suffix) and len(body) > len(suffix):
                body = body.removesuffix(suffix).rstrip()
                changed = True
    return body.removeprefix("在")


@dataclass
class Study:
    kind: str
    started_on: date
    ended_on: date | None
    body: str  # school and major text, without 在 / 学习 / the level
    line: str
    text: str = ""  # the study text as written (for the level and the degree)


def _line_text(start: date, end: date | None, text: str) -> str:
    return f"{start:%Y.%m}--{end:%Y.%m}  {text}" if end else f"{start:%Y.%m}--  {text}"


def _kind(text: str, nested: bool) -> str:
    if nested or any(mark in text for mark in _IN_SERVICE_MARKS):
        return EducationKind.IN_SERVICE
    return EducationKind.FULL_TIME


CONCURRENT_MARKS = ("（兼）", "(兼)")  # half-width too: the parser accepts both widths


def classify(
    resume: list[ResumeLine], warnings: list[str] | None = None
) -> tuple[list[LrmxAppointment], list[Study]]:
    """Posts and study periods from the 简历 lines (see the module docstring)."""
    warnings = warnings if warnings is not None else []
    items: list[tuple[str, Any]] = []  # ("post" | "concurrent" | "study", value)
    for start, end, text in resume:
        line = _line_text(start, end, text)
        main, entries = peel_nested(text)
        for entry in entries:
            m = _PERIOD.match(entry)
            if m is None or not m.group(3):
                raise LrmxError(f"JianLi（简历）「{line}」中的「其间」格式应为「YYYY.MM--YYYY.MM 在…学习」")
            s_start = _ym(m.group(1), "JianLi（简历）其间")
            s_end = _ym(m.group(2), "JianLi（简历）其间") if m.group(2) else None
            body = m.group(3)
            if not is_study(body):
                warnings.append(
                    f"简历「{line}」中的其间经历「{entry}」不是学习经历，未导入为记录（原文随档案保留）"
                )
                continue
            study = Study(_kind(body, True), s_start, s_end, study_body(body), line, body)
            items.append(("study", study))
        if not main:
            raise LrmxError(f"JianLi（简历）「{line}」缺少内容")
        if is_study(main):
            items.append(("study", Study(_kind(main, False), start, end, study_body(main), line, main)))
            continue
        segments = main.split("、")
        concurrent: list[str] = []
        while segments and segments[-1].endswith(CONCURRENT_MARKS):
            concurrent.insert(0, segments.pop()[:-3].strip())
        if segments:
            items.append(("post", LrmxAppointment("、".join(segments).strip(), start, end, True)))
        for title in concurrent:
            items.append(("concurrent", LrmxAppointment(title, start, end, False)))

    appointments: list[LrmxAppointment] = []
    studies: list[Study] = []
    for i, (kind, value) in enumerate(items):
        if kind == "post" and value.ended_on is None:
            following = next(
                (
                    v
                    for k, v in items[i + 1 :]
                    if (k == "post" or (k == "study" and v.kind == EducationKind.FULL_TIME))
                    and v.started_on >= value.started_on
                ),
                None,
            )
            if following is not None:
                value = LrmxAppointment(value.title, value.started_on, following.started_on, True)
        if kind in ("post", "concurrent"):
            appointments.append(value)
        else:
            studies.append(value)
    return appointments, studies


# what a study text says of its level: the names of the education table to try, in order
_LEVEL_WORDS = (
    ("博士", ("研究生",)),
    ("硕士", ("研究生",)),
    ("研究生", ("研究生",)),
    ("本科", ("大学", "大学本科")),
    ("大专", ("大专", "大学专科")),
    ("专科", ("大专", "大学专科")),
    ("中专", ("中专",)),
)
_DEGREE_WORDS = (("博士", "博士"), ("硕士", "硕士"), ("学士", "学士"))


def _first_code(codes: CodeBook, table: str, names: tuple[str, ...]) -> str:
    return next((c for c in (codes.code_for(table, n) for n in names) if c), "")


def merge_studies(
    elements: list[LrmxEducation],
    studies: list[Study],
    warnings: list[str],
    codes: CodeBook,
    degree_code: Any = None,
) -> list[LrmxEducation]:
    """Give the education elements the dates of their 简历 study lines; turn the other study lines
    into education records when their level can be read from the text. `degree_code(name, where)`
    reads a degree name (with the reader's fallbacks and warnings)."""
    remaining = list(studies)
    result: list[LrmxEducation] = []
    unmatched: list[LrmxEducation] = []
    for element in elements:
        text = norm(school_text(element.school, element.major))
        match = next((s for s in remaining if s.kind == element.kind and norm(s.body) == text), None)
        if match is None:
            unmatched.append(element)
            continue
        remaining.remove(match)
        result.append(_with_dates(element, match))
    for element in unmatched:  # one element and one study line of the same kind left: they pair
        same = [s for s in remaining if s.kind == element.kind]
        others = [e for e in unmatched if e.kind == element.kind]
        if len(same) == 1 and len(others) == 1:
            remaining.remove(same[0])
            result.append(_with_dates(element, same[0]))
        else:
            result.append(element)
    for study in remaining:
        # the level is read from the words around the school and major, never from the school's name
        level_text = study.text.replace(study.body, "", 1) if study.body else study.text
        edu = next(
            (_first_code(codes, "education", names) for word, names in _LEVEL_WORDS if word in level_text),
            "",
        )
        named = degree_of(study.text)
        degree = ""
        if named and degree_code is not None:
            degree = degree_code(named, f"简历「{study.line}」")
        elif not named:
            degree = next(
                (codes.code_for("degree", name) or "" for word, name in _DEGREE_WORDS if word in level_text),
                "",
            )
        if not edu and not degree:
            warnings.append(f"简历「{study.line}」的学历层次无法确定，未作为学历记录导入")
            continue
        school, major = split_school(study.body)
        result.append(LrmxEducation(study.kind, edu, degree, school, major, study.started_on, study.ended_on))
    return result


def _with_dates(element: LrmxEducation, study: Study) -> LrmxEducation:
    return LrmxEducation(
        element.kind,
        element.education,
        element.degree,
        element.school,
        element.major,
        study.started_on,
        study.ended_on,
    )
