"""LRMX exchange files (the national 任免审批表 editing software): export and import.

An LRMX file is UTF-8 XML with a flat `<Person>` root (see ../shared/REFERENCE.md). Export writes the
same text as the Word form (`appointment_form.form_data`); import reads it back into the registry
through the services (cadre_create / cadre_update / record_save), all-or-nothing per file.

Conventions and decisions:
- Month precision. LRMX dates are `yyyyMM`; imported dates are the 1st of the month. The birth date
  is taken from ShenFenZheng (身份证号) when present, so it is exact and agrees with the number. When
  an existing record already has a date in the same month, its day is kept. Where day 1 would break
  a rule only because of the lost day, the earliest valid day of that month is used instead: 入党时间
  in the month of the 18th birthday becomes the birthday; a post starting in the month of
  参加工作时间 starts on that day (and a period ending in the same month ends no earlier).
- 政治面貌 has no element of its own; it travels in RuDangShiJian as the 任免审批表 writes it: `200607`
  for 中共党员, `200607(预备党员)` for 中共预备党员, the name of the party for other parties
  (`民盟盟员`, also short forms such as `民盟`), empty for 群众.
- 学历学位: the highest full-time and in-service records travel in the QuanRiZhiJiaoYu_* / ZaiZhiJiaoYu_*
  elements; their dates come from the matching 简历 study lines. Lower degrees appear only as 简历
  study lines; on import such a line becomes an education record when its level can be read from the
  text (研究生/本科/大专/中专, 博士/硕士/学士), otherwise it is skipped with a warning.
- 简历 lines are `YYYY.MM--YYYY.MM  text` (also `YYYYMM`, `—`, `至今`); a line without a leading period
  continues the previous one. Text ending in 「学习」 is study (「在职学习」 in-service, otherwise
  full-time); `(其间:…)` holds in-service study nested in a post; posts marked 「(兼)」 are concurrent
  (is_primary False), joined with 「、」 or on a line of their own; every other line is a primary
  post whose title is the text, at the import unit. An open primary post followed by another primary
  post or full-time study ends when the next one starts; the last open one is current.
- 年度考核结果 `2023年度称职;2024年度优秀;2025年度称职。` (the last three years) becomes assessments.
- Re-import matches the cadre by 身份证号 (without one: by name and birth month when unique) and
  upserts its records (education by kind+school, appointment by start month+title, family by
  relation+name, assessment by year); records not in the file are kept, nothing is deleted.
- 照片 (ZhaoPian, JPEG/PNG) is stored through cadre_set_photo.
- Not imported: 奖惩情况 (free text), 现任职务 (derived from the
  appointments), 拟任/拟免/任免理由 (belong to a selection process, kept on the parsed record).
- Safety: at most 5 MB, strict UTF-8, and any DOCTYPE/ENTITY declaration is refused before the XML
  parser runs, so entity expansion (billion laughs) and external entities are impossible.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import contextlib
import io
import re
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from ganbu.cadres.appointment_form import (
    CONCURRENT_MARK,
    file_stem,
    form_data,
    school_text,
    zip_per_cadre,
)
from ganbu.cadres.models import (
    AnnualAssessment,
    Appointment,
    Cadre,
    Education,
    EducationKind,
    FamilyMember,
)
from ganbu.cadres.rules import parse_id_number
from ganbu.cadres.services import (
    RECORD_KINDS,
    CodeBook,
    cadre_create,
    cadre_set_photo,
    cadre_update,
    record_save,
)
from ganbu.core.dates import add_years
from ganbu.org.models import Unit, User

VERSION = "3.2.1.6"


def _retirement_month(cadre: Cadre) -> str:
    """到龄年月: the statutory retirement month under the 2025 reform (yyyyMM)."""
    from ganbu.cadres.rules import retirement_group, statutory_retirement

    group = retirement_group(cadre.gender, cadre.personnel_category)
    return statutory_retirement(cadre.birth_date, group).year_month


MAX_BYTES = 5 * 1024 * 1024
MAX_ZIP_MEMBERS = 5000
SKIPPED = "不是 .lrmx 文件，已跳过"


class LrmxError(ValueError):
    """Bad LRMX input; the message is Chinese and names the element."""


# ---------------------------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------------------------


def _yyyymm(value: date | None) -> str:
    return f"{value.year:04d}{value.month:02d}" if value else ""


def _party_lrmx(cadre: Cadre, codes: CodeBook) -> str:
    status = cadre.political_status
    if status == "01":
        return _yyyymm(cadre.party_joined_on)
    if status == "02":
        return f"{_yyyymm(cadre.party_joined_on)}（预备党员）"
    if status in ("", "13"):
        return ""
    return codes.name("political_status", status)


def cadre_to_lrmx(
    cadre: Cadre,
    *,
    as_of: date,
    proposed_post: str = "",
    proposed_removal: str = "",
    reason: str = "",
    reporting_unit: str = "",
    filled_by: str = "",
    codes: CodeBook | None = None,
) -> bytes:
    """The LRMX file of one cadre (UTF-8 XML bytes)."""
    codes = codes or CodeBook()
    data = form_data(
        cadre,
        as_of=as_of,
        proposed_post=proposed_post,
        proposed_removal=proposed_removal,
        reason=reason,
        reporting_unit=reporting_unit,
        filled_by=filled_by,
        codes=codes,
    )
    root = ET.Element("Person")

    def put(tag: str, value: str, parent: ET.Element = root) -> None:
        ET.SubElement(parent, tag).text = value

    put("XingMing", data.name)
    put("XingBie", data.gender)
    put("ChuShengNianYue", _yyyymm(cadre.birth_date))
    put("MinZu", data.ethnicity)
    put("JiGuan", data.native_place)
    put("ChuShengDi", data.birthplace)
    put("RuDangShiJian", _party_lrmx(cadre, codes))
    put("CanJiaGongZuoShiJian", _yyyymm(cadre.work_started_on))
    put("JianKangZhuangKuang", data.health)
    put("ZhuanYeJiShuZhiWu", data.professional_title)
    put("ShuXiZhuanYeYouHeZhuanChang", data.expertise)
    for prefix, summary in (("QuanRiZhiJiaoYu", data.fulltime), ("ZaiZhiJiaoYu", data.inservice)):
        put(f"{prefix}_XueLi", summary.education_name)
        put(f"{prefix}_XueWei", summary.degree_name)
        put(f"{prefix}_XueLi_BiYeYuanXiaoXi", summary.education_school)
        put(f"{prefix}_XueWei_BiYeYuanXiaoXi", summary.degree_school)
    put("XianRenZhiWu", data.current_title)
    put("NiRenZhiWu", data.proposed_post)
    put("NiMianZhiWu", data.proposed_removal)
    put("JianLi", "\n".join(data.resume))
    put("JiangChengQingKuang", data.rewards)
    put("NianDuKaoHeJieGuo", data.assessments)
    put("RenMianLiYou", data.reason)
    family = ET.SubElement(root, "JiaTingChengYuan")
    for member in data.family:
        item = ET.SubElement(family, "Item")
        put("ChengWei", member.relation_name, item)
        put("XingMing", member.name, item)
        put("ChuShengRiQi", _yyyymm(member.birth_date), item)
        put("ZhengZhiMianMao", member.political_name, item)
        put("GongZuoDanWeiJiZhiWu", member.workplace, item)
    put("ChengBaoDanWei", data.reporting_unit)
    put("JiSuanNianLingShiJian", f"{as_of:%Y%m%d}")
    put("TianBiaoShiJian", _yyyymm(as_of))
    put("TianBiaoRen", data.filled_by)
    put("ShenFenZheng", cadre.id_number or "")
    put("ZhaoPian", base64.b64encode(data.photo).decode("ascii") if data.photo else "")
    put("Version", VERSION)
    put("DaoLingNianYue", _retirement_month(cadre))
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode").encode("utf-8")


def lrmx_filename(cadre: Cadre) -> str:
    return f"{file_stem(cadre)}.lrmx"


def cadres_to_lrmx_zip(cadres: Iterable[Cadre], *, as_of: date, **texts: str) -> bytes:
    """One `<姓名>_<身份证号后4位>.lrmx` per cadre, in one zip (`texts`: the optional text fields
    of `cadre_to_lrmx`)."""
    return zip_per_cadre(cadres, filename=lrmx_filename, build=cadre_to_lrmx, as_of=as_of, **texts)


# ---------------------------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LrmxEducation:
    kind: str  # EducationKind
    education: str  # code, may be ""
    degree: str  # code, may be ""
    school: str
    major: str
    started_on: date | None = None
    ended_on: date | None = None


@dataclass(frozen=True)
class LrmxAppointment:
    title: str
    started_on: date
    ended_on: date | None
    is_primary: bool = True


@dataclass(frozen=True)
class LrmxFamilyMember:
    relation: str  # code
    name: str
    birth_date: date | None
    political_status: str  # code or ""
    workplace: str


ResumeLine = tuple[date, date | None, str]


@dataclass
class LrmxRecord:
    """One parsed LRMX file; code-valued fields already hold codes."""

    name: str
    gender: str
    ethnicity: str
    birth_date: date
    id_number: str
    political_status: str
    party_joined_on: date | None
    work_started_on: date | None
    native_place: str = ""
    birthplace: str = ""
    health: str = ""
    professional_title: str = ""
    expertise: str = ""
    current_title: str = ""
    proposed_post: str = ""
    proposed_removal: str = ""
    reason: str = ""
    rewards_text: str = ""
    reporting_unit: str = ""
    filled_by: str = ""
    filled_on: str = ""
    age_as_of: date | None = None
    version: str = ""
    photo: bytes | None = None
    resume: list[ResumeLine] = field(default_factory=list)
    educations: list[LrmxEducation] = field(default_factory=list)
    appointments: list[LrmxAppointment] = field(default_factory=list)
    assessments: list[tuple[int, str]] = field(default_factory=list)  # (year, grade code)
    family: list[LrmxFamilyMember] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def cadre_data(self) -> dict[str, Any]:
        """The editable cadre fields for cadre_create / cadre_update."""
        return {
            "name": self.name,
            "gender": self.gender,
            "ethnicity": self.ethnicity,
            "birth_date": self.birth_date,
            "id_number": self.id_number or None,
            "political_status": self.political_status,
            "party_joined_on": self.party_joined_on,
            "work_started_on": self.work_started_on,
            "native_place": self.native_place,
            "birthplace": self.birthplace,
            "health": self.health,
            "professional_title": self.professional_title,
            "expertise": self.expertise,
        }


_FORBIDDEN = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _load_xml(data: bytes) -> ET.Element:
    if len(data) > MAX_BYTES:
        raise LrmxError("文件超过 5 MB，拒绝导入")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LrmxError("文件不是 UTF-8 编码的 LRMX 文件") from exc
    if "\x00" in text:
        raise LrmxError("文件含有空字符，不是有效的 LRMX 文件")
    if _FORBIDDEN.search(text):
        raise LrmxError("文件含有 DOCTYPE/ENTITY 声明，出于安全考虑拒绝导入")
    if not text.strip():
        raise LrmxError("文件为空")
    try:
        # Safe here: without a DTD there are no entities to expand or fetch; a str is parsed as UTF-8
        # whatever the declaration says.
        root = ET.fromstring(text)  # noqa: S314
    except ET.ParseError as exc:
        line, column = exc.position
        raise LrmxError(f"文件不是有效的 XML（第{line}行第{column}列附近有语法错误）") from exc
    if root.tag != "Person":
        raise LrmxError(f"根元素应为 Person，实际为 {root.tag}，不是 LRMX 文件")
    return root


def _text(parent: ET.Element, tag: str) -> str:
    return (parent.findtext(tag) or "").strip()


_MONTH = re.compile(r"(\d{4})[.．\-/]?(\d{2})")


def _parse_month(raw: str, tag: str, label: str) -> date:
    m = _MONTH.fullmatch(raw.strip())
    if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1900:
        raise LrmxError(f"{tag}（{label}）格式应为 yyyyMM，实际为「{raw}」")
    return date(int(m.group(1)), int(m.group(2)), 1)


def _month(parent: ET.Element, tag: str, label: str, *, required: bool = False) -> date | None:
    raw = _text(parent, tag)
    if not raw:
        if required:
            raise LrmxError(f"缺少 {tag}（{label}）")
        return None
    return _parse_month(raw, tag, label)


# Common forms in LRMX files that are not the names of our code tables.
ALIASES: dict[str, dict[str, str]] = {
    "education": {"大学": "21", "本科": "21", "大专": "31", "专科": "31", "研究生": "11"},
    "political_status": {"党员": "01", "预备党员": "02", "团员": "03", "无党派": "12"},
    "family_relation": {
        "妻": "13",
        "夫": "12",
        "长子": "14",
        "次子": "14",
        "长女": "15",
        "次女": "15",
        "兄": "16",
        "姐": "17",
        "弟": "18",
        "妹": "19",
    },
}


def _code_of(codes: CodeBook, table: str, raw: str) -> str | None:
    value = re.sub(r"\s+", "", raw)
    code = codes.code_for(table, value) or ALIASES.get(table, {}).get(value)
    if code is None and table == "ethnicity":
        code = codes.code_for(table, value + "族")
    if code is None and table == "degree":  # 法学学士 → 学士
        code = next((c for c, n in codes.tables.get(table, {}).items() if value.endswith(n)), None)
    if code is None and table == "political_status":  # 民盟 → 民盟盟员 (only when unambiguous)
        hits = [c for c, n in codes.tables.get(table, {}).items() if n.startswith(value)]
        code = hits[0] if len(hits) == 1 else None
    return code


def _code(codes: CodeBook, table: str, raw: str, where: str, *, required: bool = False) -> str:
    if not raw.strip():
        if required:
            raise LrmxError(f"缺少 {where}")
        return ""
    code = _code_of(codes, table, raw)
    if code is None:
        raise LrmxError(f"{where}「{raw}」不在代码表中")
    return code


def _party(root: ET.Element, codes: CodeBook) -> tuple[str, date | None]:
    """(political status code, party date) from RuDangShiJian."""
    raw = _text(root, "RuDangShiJian")
    where = "RuDangShiJian（入党时间）"
    m = re.match(r"(\d{4})[.．]?(\d{1,2})?", raw)
    joined: date | None = None
    rest = raw
    if m:
        if m.group(2) is None:
            raise LrmxError(f"{where}格式应为 yyyyMM，实际为「{raw}」")
        joined = _parse_month(m.group(0), "RuDangShiJian", "入党时间")
        rest = raw[m.end() :]
    rest = re.sub(r"[\s()（）]", "", rest)
    status = _code(codes, "political_status", rest, where) if rest else ("01" if joined else "13")
    if status not in ("01", "02"):
        joined = None  # 入党时间 is the date of joining the CPC only
    elif joined is None:
        raise LrmxError(f"{where}缺少入党年月")
    return status, joined


def _education_elements(root: ET.Element, prefix: str, kind: str, codes: CodeBook) -> list[LrmxEducation]:
    label = "全日制教育" if kind == EducationKind.FULL_TIME else "在职教育"
    edu = _code(codes, "education", _text(root, f"{prefix}_XueLi"), f"{prefix}_XueLi（{label}学历）")
    degree = _code(codes, "degree", _text(root, f"{prefix}_XueWei"), f"{prefix}_XueWei（{label}学位）")
    edu_school = _text(root, f"{prefix}_XueLi_BiYeYuanXiaoXi")
    degree_school = _text(root, f"{prefix}_XueWei_BiYeYuanXiaoXi")
    if edu and degree and edu_school and degree_school and _norm(edu_school) != _norm(degree_school):
        return [
            LrmxEducation(kind, edu, "", *split_school(edu_school)),
            LrmxEducation(kind, "", degree, *split_school(degree_school)),
        ]
    if edu or degree:
        return [LrmxEducation(kind, edu, degree, *split_school(edu_school or degree_school))]
    return []


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


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- 简历 ---------------------------------------------------------------------------------------

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
class _Study:
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


def _classify(resume: list[ResumeLine]) -> tuple[list[LrmxAppointment], list[_Study]]:
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
                        _Study(EducationKind.IN_SERVICE, s_start, s_end, _study_body(m.group(5)), line),
                    )
                )
        if main.endswith("学习"):
            in_service = main.endswith("在职学习")
            study_kind = EducationKind.IN_SERVICE if in_service else EducationKind.FULL_TIME
            items.append(
                (
                    "inservice" if in_service else "study",
                    _Study(study_kind, start, end, _study_body(main), line),
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
    studies: list[_Study] = []
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


def _merge_studies(
    elements: list[LrmxEducation], studies: list[_Study], warnings: list[str]
) -> list[LrmxEducation]:
    """Give the education elements the dates of their 简历 study lines; turn the other study lines
    into education records when their level can be read from the text."""
    remaining = list(studies)
    result: list[LrmxEducation] = []
    unmatched: list[LrmxEducation] = []
    for element in elements:
        text = _norm(school_text(element.school, element.major))
        match = next((s for s in remaining if s.kind == element.kind and _norm(s.body) == text), None)
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


def _with_dates(element: LrmxEducation, study: _Study) -> LrmxEducation:
    return LrmxEducation(
        element.kind,
        element.education,
        element.degree,
        element.school,
        element.major,
        study.started_on,
        study.ended_on,
    )


_ASSESSMENT = re.compile(r"(\d{4})\s*年度?\s*[:：]?\s*([^\d;；,，。、\s]+)")


def _assessments(raw: str, codes: CodeBook, warnings: list[str]) -> list[tuple[int, str]]:
    where = "NianDuKaoHeJieGuo（年度考核结果）"
    results: dict[int, str] = {}
    for m in _ASSESSMENT.finditer(raw):
        grade = re.sub(r"^(考核结果|考核)?(被?评定?为|确定为|为|是)?", "", m.group(2))
        code = _code_of(codes, "assessment_result", grade)
        if code is None:
            raise LrmxError(f"{where}中 {m.group(1)} 年度的「{m.group(2)}」不在考核结果代码表中")
        results[int(m.group(1))] = code
    if raw.strip() and not results and raw.strip() not in ("无", "-"):
        warnings.append(f"{where}「{raw}」中没有可识别的年度结果，未导入")
    return sorted(results.items())


def _family(root: ET.Element, codes: CodeBook) -> list[LrmxFamilyMember]:
    members: list[LrmxFamilyMember] = []
    container = root.find("JiaTingChengYuan")
    if container is None:
        return members
    for number, item in enumerate(container.findall("Item"), start=1):
        relation_raw, name = _text(item, "ChengWei"), re.sub(r"\s+", "", _text(item, "XingMing"))
        if not relation_raw and not name:
            continue  # the national software pads the table with empty items
        where = f"JiaTingChengYuan（家庭成员）第{number}项"
        if not name:
            raise LrmxError(f"{where}缺少 XingMing（姓名）")
        relation = _code(codes, "family_relation", relation_raw, f"{where} ChengWei（称谓）", required=True)
        born_raw = _text(item, "ChuShengRiQi")
        born = (
            _parse_month(
                born_raw[:6] if re.fullmatch(r"\d{8}", born_raw) else born_raw,
                "ChuShengRiQi",
                f"{where}出生年月",
            )
            if born_raw
            else None
        )
        political_raw = _text(item, "ZhengZhiMianMao")
        political = (
            ""
            if political_raw in ("", "无")
            else _code(codes, "political_status", political_raw, f"{where} ZhengZhiMianMao（政治面貌）")
        )
        members.append(LrmxFamilyMember(relation, name, born, political, _text(item, "GongZuoDanWeiJiZhiWu")))
    return members


def parse_lrmx(data: bytes, *, codes: CodeBook | None = None) -> LrmxRecord:
    """Parse and check an LRMX file. Raises LrmxError (a ValueError) with a Chinese message naming
    the element; never writes anything."""
    root = _load_xml(data)
    codes = codes or CodeBook()
    warnings: list[str] = []
    name = re.sub(r"\s+", "", _text(root, "XingMing"))
    if not name:
        raise LrmxError("缺少 XingMing（姓名）")
    id_number = _text(root, "ShenFenZheng").upper()
    born_month = _month(root, "ChuShengNianYue", "出生年月", required=not id_number)
    gender_raw = _text(root, "XingBie")
    if id_number:
        try:
            info = parse_id_number(id_number)
        except ValueError as exc:
            raise LrmxError(f"ShenFenZheng（身份证号）：{exc}") from exc
        birth_date = info.birth_date
        if born_month and (born_month.year, born_month.month) != (birth_date.year, birth_date.month):
            raise LrmxError(
                f"ChuShengNianYue（出生年月）{born_month:%Y%m} 与 ShenFenZheng（身份证号）中的出生日期"
                f" {birth_date:%Y%m%d} 不一致"
            )
        gender = _code(codes, "gender", gender_raw, "XingBie（性别）") or info.gender
    else:
        assert born_month is not None
        birth_date = born_month
        gender = _code(codes, "gender", gender_raw, "XingBie（性别）", required=True)
    ethnicity = _code(codes, "ethnicity", _text(root, "MinZu"), "MinZu（民族）", required=True)
    political_status, party_joined_on = _party(root, codes)
    as_of_raw = _text(root, "JiSuanNianLingShiJian")
    age_as_of = None
    if as_of_raw:
        m = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", as_of_raw)
        try:
            age_as_of = date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
        except ValueError:
            age_as_of = None
        if age_as_of is None:
            raise LrmxError(f"JiSuanNianLingShiJian（计算年龄时间）格式应为 yyyyMMdd，实际为「{as_of_raw}」")
    photo = None
    photo_raw = _text(root, "ZhaoPian")
    if photo_raw:
        try:
            photo = base64.b64decode(re.sub(r"\s+", "", photo_raw), validate=True)
        except (binascii.Error, ValueError):
            warnings.append("ZhaoPian（照片）不是有效的 base64 数据，已忽略")
    resume = parse_resume(root.findtext("JianLi") or "")
    appointments, studies = _classify(resume)
    elements = _education_elements(root, "QuanRiZhiJiaoYu", EducationKind.FULL_TIME, codes)
    elements += _education_elements(root, "ZaiZhiJiaoYu", EducationKind.IN_SERVICE, codes)
    educations = _merge_studies(elements, studies, warnings)
    return LrmxRecord(
        name=name,
        gender=gender,
        ethnicity=ethnicity,
        birth_date=birth_date,
        id_number=id_number,
        political_status=political_status,
        party_joined_on=party_joined_on,
        work_started_on=_month(root, "CanJiaGongZuoShiJian", "参加工作时间"),
        native_place=_text(root, "JiGuan"),
        birthplace=_text(root, "ChuShengDi"),
        health=_text(root, "JianKangZhuangKuang"),
        professional_title=_text(root, "ZhuanYeJiShuZhiWu"),
        expertise=_text(root, "ShuXiZhuanYeYouHeZhuanChang"),
        current_title=_text(root, "XianRenZhiWu"),
        proposed_post=_text(root, "NiRenZhiWu"),
        proposed_removal=_text(root, "NiMianZhiWu"),
        reason=_text(root, "RenMianLiYou"),
        rewards_text=_text(root, "JiangChengQingKuang"),
        reporting_unit=_text(root, "ChengBaoDanWei"),
        filled_by=_text(root, "TianBiaoRen"),
        filled_on=_text(root, "TianBiaoShiJian"),
        age_as_of=age_as_of,
        version=_text(root, "Version"),
        photo=photo,
        resume=resume,
        educations=educations,
        appointments=appointments,
        assessments=_assessments(_text(root, "NianDuKaoHeJieGuo"), codes, warnings),
        family=_family(root, codes),
        warnings=warnings,
    )


# ---------------------------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------------------------


def _messages(exc: ValidationError) -> str:
    return "；".join(dict.fromkeys(exc.messages))


def _same_month(a: date | None, b: date | None) -> bool:
    return (a is None and b is None) or (
        a is not None and b is not None and (a.year, a.month) == (b.year, b.month)
    )


def _keep_day(old: date | None, new: date | None) -> date | None:
    """The file's month-precision date, or the stored date when it is in the same month."""
    return old if old is not None and _same_month(old, new) else new


def _not_before(value: date | None, floor: date | None) -> date | None:
    """`value` (a month-precision date), moved up to `floor` when both are in the same month."""
    if value is not None and floor is not None and _same_month(value, floor) and value < floor:
        return floor
    return value


def _find_existing(record: LrmxRecord) -> Cadre | None:
    if record.id_number:
        return Cadre.objects.filter(id_number=record.id_number).first()
    matches = list(
        Cadre.objects.filter(
            name=record.name,
            birth_date__year=record.birth_date.year,
            birth_date__month=record.birth_date.month,
            id_number__isnull=True,
        )[:2]
    )
    return matches[0] if len(matches) == 1 else None


def _save(
    *,
    cadre: Cadre,
    kind: str,
    values: dict[str, Any],
    instance: models.Model | None,
    actor: User | None,
    codes: CodeBook,
    context: str,
) -> None:
    """Create, or update `instance` when `values` change it; errors name the part of the file."""
    if instance is not None:
        current = {f: getattr(instance, f) for f in RECORD_KINDS[kind].fields}
        merged = {**current, **values}
        if merged == current:
            return
        values = merged
    try:
        record_save(cadre=cadre, kind=kind, data=values, actor=actor, instance=instance, codes=codes)
    except ValidationError as exc:
        raise LrmxError(f"{context}：{_messages(exc)}") from exc


def _sync_educations(cadre: Cadre, record: LrmxRecord, actor: User | None, codes: CodeBook) -> None:
    existing: list[Education] = list(cadre.educations.all())
    for edu in record.educations:
        text = _norm(school_text(edu.school, edu.major))
        instance = next(
            (e for e in existing if e.kind == edu.kind and _norm(school_text(e.school, e.major)) == text),
            None,
        )
        values: dict[str, Any] = {"kind": edu.kind, "school": edu.school, "major": edu.major}
        if instance is None:
            values.update(
                education=edu.education, degree=edu.degree, started_on=edu.started_on, ended_on=edu.ended_on
            )
        else:  # what the file says wins; what it leaves empty keeps the stored value
            values.update(
                education=edu.education or instance.education,
                degree=edu.degree or instance.degree,
                started_on=_keep_day(instance.started_on, edu.started_on) or instance.started_on,
                ended_on=_keep_day(instance.ended_on, edu.ended_on) or instance.ended_on,
            )
        _save(
            cadre=cadre,
            kind="education",
            values=values,
            instance=instance,
            actor=actor,
            codes=codes,
            context=f"学历「{school_text(edu.school, edu.major)}」",
        )


def _sync_appointments(
    cadre: Cadre, record: LrmxRecord, unit: Unit, actor: User | None, codes: CodeBook
) -> None:
    existing: list[Appointment] = list(cadre.appointments.all())
    for post in record.appointments:
        instance = next(
            (
                a
                for a in existing
                if _same_month(a.started_on, post.started_on) and _norm(a.title) == _norm(post.title)
            ),
            None,
        )
        context = (
            f"简历「{post.started_on:%Y.%m}--{post.ended_on:%Y.%m}  {post.title}」"
            if post.ended_on
            else (f"简历「{post.started_on:%Y.%m}--  {post.title}」")
        )
        if instance is None:
            started_on = _not_before(post.started_on, cadre.work_started_on)
            values: dict[str, Any] = {
                "unit": unit,
                "title": post.title,
                "is_primary": post.is_primary,
                "started_on": started_on,
                "ended_on": _not_before(post.ended_on, started_on),
            }
        else:
            values = {"is_primary": post.is_primary, "ended_on": _keep_day(instance.ended_on, post.ended_on)}
        _save(
            cadre=cadre,
            kind="appointment",
            values=values,
            instance=instance,
            actor=actor,
            codes=codes,
            context=context,
        )


def _sync_family(cadre: Cadre, record: LrmxRecord, actor: User | None, codes: CodeBook) -> None:
    existing: list[FamilyMember] = list(cadre.family.all())
    for member in record.family:
        instance = next(
            (f for f in existing if f.relation == member.relation and f.name == member.name), None
        )
        values = {
            "relation": member.relation,
            "name": member.name,
            "birth_date": _keep_day(instance.birth_date, member.birth_date)
            if instance
            else member.birth_date,
            "political_status": member.political_status,
            "workplace": member.workplace,
        }
        _save(
            cadre=cadre,
            kind="family",
            values=values,
            instance=instance,
            actor=actor,
            codes=codes,
            context=f"家庭成员「{codes.name('family_relation', member.relation)} {member.name}」",
        )


def _sync_assessments(cadre: Cadre, record: LrmxRecord, actor: User | None, codes: CodeBook) -> None:
    existing: dict[int, AnnualAssessment] = {a.year: a for a in cadre.assessments.all()}
    for year, grade in record.assessments:
        _save(
            cadre=cadre,
            kind="assessment",
            values={"year": year, "grade": grade},
            instance=existing.get(year),
            actor=actor,
            codes=codes,
            context=f"年度考核结果 {year}年度",
        )


def import_lrmx_record(
    record: LrmxRecord,
    *,
    unit: Unit,
    actor: User | None,
    personnel_category: str = "1",
    codes: CodeBook | None = None,
) -> tuple[Cadre, bool]:
    """Write a parsed LRMX record: create the cadre in `unit` or update the one with the same
    身份证号, then upsert its records. All or nothing."""
    codes = codes or CodeBook()
    with transaction.atomic():
        cadre = _find_existing(record)
        created = cadre is None
        data = record.cadre_data()
        data["party_joined_on"] = _not_before(data["party_joined_on"], add_years(record.birth_date, 18))
        try:
            if cadre is None:
                cadre = cadre_create(
                    data={**data, "personnel_category": personnel_category},
                    unit=unit,
                    actor=actor,
                    codes=codes,
                )
            else:
                for name in ("party_joined_on", "work_started_on", "birth_date"):
                    data[name] = _keep_day(getattr(cadre, name), data[name])
                cadre = cadre_update(cadre=cadre, data=data, actor=actor, codes=codes)
        except ValidationError as exc:
            raise LrmxError(f"干部基本信息有误：{_messages(exc)}") from exc
        _sync_educations(cadre, record, actor, codes)
        _sync_appointments(cadre, record, unit, actor, codes)
        _sync_assessments(cadre, record, actor, codes)
        _sync_family(cadre, record, actor, codes)
        if record.photo:
            try:
                cadre_set_photo(cadre=cadre, content=record.photo, actor=actor)
            except ValidationError as exc:
                raise LrmxError(f"ZhaoPian（照片）有误：{_messages(exc)}") from exc
        cadre.refresh_from_db()
    return cadre, created


def import_lrmx(
    data: bytes, *, unit: Unit, actor: User | None, personnel_category: str = "1"
) -> tuple[Cadre, bool]:
    """Parse and import one LRMX file; returns (cadre, created). New cadres get
    `personnel_category` (LRMX does not carry 人员类别; default 公务员)."""
    codes = CodeBook()
    record = parse_lrmx(data, codes=codes)
    return import_lrmx_record(
        record, unit=unit, actor=actor, personnel_category=personnel_category, codes=codes
    )


def zip_members(data: bytes) -> Iterator[tuple[str, bytes | None, str]]:
    """The members of an uploaded zip, one at a time, as (display name, content or None, problem).
    Content is None for members that are refused (not .lrmx, too large, unreadable). Names written by
    Chinese Windows without the UTF-8 flag are decoded as GBK. Raises LrmxError when the archive
    itself is unusable."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise LrmxError("文件不是有效的 zip 压缩包") from exc
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if len(infos) > MAX_ZIP_MEMBERS:
            raise LrmxError(f"压缩包内文件过多（超过 {MAX_ZIP_MEMBERS} 个）")
        for info in infos:
            name = info.filename
            if not info.flag_bits & 0x800:
                with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
                    name = name.encode("cp437").decode("gbk")
            if not name.lower().endswith(".lrmx"):
                yield name, None, SKIPPED
                continue
            if info.file_size > MAX_BYTES:
                yield name, None, "文件超过 5 MB，拒绝导入"
                continue
            try:
                with archive.open(info) as handle:
                    content = handle.read(MAX_BYTES + 1)  # never trust the declared size
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError, zlib.error):
                yield name, None, "压缩包中的该文件已损坏或加密，无法读取"
                continue
            if len(content) > MAX_BYTES:
                yield name, None, "文件超过 5 MB，拒绝导入"
                continue
            yield name, content, ""
