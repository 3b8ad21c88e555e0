"""Parsing an LRMX file into an `LrmxRecord`, checking every element; never writes anything.
Safety: at most 5 MB, strict UTF-8, and any DOCTYPE/ENTITY declaration is refused before the XML
parser runs; the parsing itself runs in a limited child process (`core.sandbox`, PARSE_LIMITS), so
a file that exhausts memory or time ends as an LrmxError for that file, never as a dead worker."""

from __future__ import annotations

import base64
import binascii
import codecs
import re
import xml.etree.ElementTree as ET
from datetime import date

from ganbu.cadres.lrmx.records import (
    MAX_BYTES,
    PARSE_LIMITS,
    TOO_LARGE,
    LrmxEducation,
    LrmxError,
    LrmxFamilyMember,
    LrmxRecord,
    norm,
)
from ganbu.cadres.lrmx.resume import classify, merge_studies, parse_resume, split_school
from ganbu.cadres.models import EducationKind
from ganbu.cadres.rules import parse_id_number
from ganbu.cadres.services import CodeBook
from ganbu.core import sandbox

_FORBIDDEN = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _load_xml(data: bytes) -> ET.Element:
    if len(data) > MAX_BYTES:
        raise LrmxError(TOO_LARGE)
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
    if edu and degree and edu_school and degree_school and norm(edu_school) != norm(degree_school):
        return [
            LrmxEducation(kind, edu, "", *split_school(edu_school)),
            LrmxEducation(kind, "", degree, *split_school(degree_school)),
        ]
    if edu or degree:
        return [LrmxEducation(kind, edu, degree, *split_school(edu_school or degree_school))]
    return []


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


def parse_lrmx(data: bytes, *, codes: CodeBook | None = None, sandboxed: bool = True) -> LrmxRecord:
    """Parse and check an LRMX file. Raises LrmxError (a ValueError) with a Chinese message naming
    the element; never writes anything. The size is checked here, the parsing runs in a limited
    child process (`sandboxed=False`: in this process, for files of our own and the fuzz tests);
    the code tables are read here, the child never touches the database."""
    if len(data) > MAX_BYTES:
        raise LrmxError(TOO_LARGE)
    codes = codes or CodeBook()
    if not sandboxed:
        return _parse(data, codes)
    try:
        return sandbox.run(_parse, data, codes, limits=PARSE_LIMITS)
    except sandbox.SandboxError as exc:
        raise LrmxError(exc.message) from exc


def _parse(data: bytes, codes: CodeBook) -> LrmxRecord:
    root = _load_xml(data)
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
    appointments, studies = classify(resume)
    elements = _education_elements(root, "QuanRiZhiJiaoYu", EducationKind.FULL_TIME, codes)
    elements += _education_elements(root, "ZaiZhiJiaoYu", EducationKind.IN_SERVICE, codes)
    educations = merge_studies(elements, studies, warnings)
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
