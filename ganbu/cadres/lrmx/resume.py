"""Reading the 简历 (JianLi) of an LRMX file: its period lines, which of them are posts (primary or
concurrent) and which are study, and the education records the study lines give."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from ganbu.cadres.appointment_form import CONCURRENT_MARK, school_text
from ganbu.cadres.lrmx.records import LrmxAppointment, LrmxEducation, LrmxError, ResumeLine, norm
from ganbu.cadres.models import EducationKind

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


_PERIOD = re.compile(
    r"^\s*(\d{4})[.．]?(\d{1,2})\s*(?:--|—{1,2}|–|-|~|～|至)\s*"
    r"(?:(\d{4})[.．]?(\d{1,2})|至今|今)?\s*(.*?)\s*$"
)
_NESTED = re.compile(r"^(.*?)[(（]其间[:：](.*)[)）]\s*$")
_NESTED_ENTRY = re.compile(
    r"^\s*(\d{4})[.．]?(\d{1,2})\s*(?:--|—{1,2}|–|-|~|～|至)\s*(?:(\d{4})[.．]?(\d{1,2}))?\s*(.*?)\s*$"
)
_CONCURRENT = (CONCURRENT_MARK, "(兼)")  # half-width: the parser accepts both widths


def _ym(year: str, month: str, where: str) -> date:
    if not 1 <= int(month) <= 12 or int(year) < 1900:
        raise LrmxError(f"{where}日期 {year}.{month} 无效")
    return date(int(year), int(month), 1)


def parse_resume(text: str) -> list[ResumeLine]:
    """JianLi text → [(start, end or None, text)], dates on day 1. Lines without a leading period
    continue the previous line."""
    lines: list[ResumeLine] = []
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        line = raw.strip().replace("\u3000", " ")
        if not line.strip():
            continue
        where = f"JianLi（简历）第{number}行"
        m = _PERIOD.match(line)
        if m is None:
            if not lines:
                raise LrmxError(f"{where}格式应为「YYYY.MM--YYYY.MM  内容」，实际为「{line.strip()}」")
            start, end, body = lines[-1]
            lines[-1] = (start, end, body + line.strip())
            continue
        start = _ym(m.group(1), m.group(2), where)
        end = _ym(m.group(3), m.group(4), where) if m.group(3) else None
        if end and end < start:
            raise LrmxError(f"{where}结束时间早于开始时间")
        if not m.group(5):
            raise LrmxError(f"{where}缺少内容")
        lines.append((start, end, m.group(5)))
    return lines


@dataclass
class Study:
    kind: str
    started_on: date
    ended_on: date | None
    body: str  # school and major text, without 在 / 在职学习
    line: str


def _study_body(text: str) -> str:
    body = text.strip()
    for suffix in ("在职学习", "学习"):
        if body.endswith(suffix):
            body = body.removesuffix(suffix)
            break
    return body.removeprefix("在")


def classify(resume: list[ResumeLine]) -> tuple[list[LrmxAppointment], list[Study]]:
    """Posts and study periods from the 简历 lines (see the module docstring)."""
    items: list[tuple[str, Any]] = []  # ("post" | "concurrent" | "study" | "inservice", value)
    for start, end, text in resume:
        line = f"{start:%Y.%m}--{end:%Y.%m}  {text}" if end else f"{start:%Y.%m}--  {text}"
        nested = _NESTED.match(text)
        main = nested.group(1).strip() if nested else text.strip()
        if nested:
            for entry in re.split(r"[;；]", nested.group(2)):
                if not entry.strip():
                    continue
                m = _NESTED_ENTRY.match(entry)
                if m is None or not m.group(5):
                    raise LrmxError(
                        f"JianLi（简历）「{line}」中的「其间」格式应为「YYYY.MM--YYYY.MM 在…学习」"
                    )
                s_start = _ym(m.group(1), m.group(2), "JianLi（简历）其间")
                s_end = _ym(m.group(3), m.group(4), "JianLi（简历）其间") if m.group(3) else None
                items.append(
                    (
                        "inservice",
                        Study(EducationKind.IN_SERVICE, s_start, s_end, _study_body(m.group(5)), line),
                    )
                )
        if main.endswith("学习"):
            in_service = main.endswith("在职学习")
            study_kind = EducationKind.IN_SERVICE if in_service else EducationKind.FULL_TIME
            items.append(
                (
                    "inservice" if in_service else "study",
                    Study(study_kind, start, end, _study_body(main), line),
                )
            )
            continue
        segments = main.split("、")
        concurrent: list[str] = []
        while segments and segments[-1].endswith(_CONCURRENT):
            concurrent.insert(0, segments.pop()[: -len(CONCURRENT_MARK)].strip())
        if segments:
            items.append(("post", LrmxAppointment("、".join(segments).strip(), start, end, True)))
        for title in concurrent:
            items.append(("concurrent", LrmxAppointment(title, start, end, False)))

    appointments: list[LrmxAppointment] = []
    studies: list[Study] = []
    for i, (kind, value) in enumerate(items):
        if kind == "post" and value.ended_on is None:
            following = next(
                (v for k, v in items[i + 1 :] if k in ("post", "study") and v.started_on >= value.started_on),
                None,
            )
            if following is not None:
                value = LrmxAppointment(value.title, value.started_on, following.started_on, True)
        if kind in ("post", "concurrent"):
            appointments.append(value)
        else:
            studies.append(value)
    return appointments, studies


_LEVEL_WORDS = (
    ("研究生", "11"),
    ("博士", "11"),
    ("硕士", "11"),
    ("本科", "21"),
    ("大专", "31"),
    ("专科", "31"),
    ("中专", "41"),
)
_DEGREE_WORDS = (("博士", "2"), ("硕士", "3"), ("学士", "4"))


def merge_studies(
    elements: list[LrmxEducation], studies: list[Study], warnings: list[str]
) -> list[LrmxEducation]:
    """Give the education elements the dates of their 简历 study lines; turn the other study lines
    into education records when their level can be read from the text."""
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
        edu = next((code for word, code in _LEVEL_WORDS if word in study.body), "")
        degree = next((code for word, code in _DEGREE_WORDS if word in study.body), "")
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
