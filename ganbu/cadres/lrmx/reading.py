"""Parsing an LRMX file into an `LrmxRecord`, checking every element; never writes anything.
Safety: at most 5 MB, strict UTF-8, and any DOCTYPE/ENTITY declaration is refused before the XML
parser runs; the parsing itself runs in a limited child process (`core.sandbox`, PARSE_LIMITS), so
a file that exhausts memory or time ends as an LrmxError for that file, never as a dead worker."""

from __future__ import annotations

import base64
import binascii
import codecs
import re
import unicodedata
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
    RawElement,
    norm,
)
from ganbu.cadres.lrmx.resume import classify, merge_studies, parse_resume, split_school
from ganbu.cadres.models import EducationKind
from ganbu.cadres.rules import parse_id_number
from ganbu.cadres.services import PARTY_CODES, CodeBook
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
        parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True))  # noqa: S314
        parser.feed(text)
        root = parser.close()
    except ET.ParseError as exc:
        line, column = exc.position
        raise LrmxError(f"文件不是有效的 XML（第{line}行第{column}列附近有语法错误）") from exc
    if root.tag != "Person":
        raise LrmxError(f"根元素应为 Person，实际为 {root.tag}，不是 LRMX 文件")
    return root


def _text(parent: ET.Element, tag: str) -> str:
    return (parent.findtext(tag) or "").strip()


# A date as files carry it: 197508, 19750815, 1975.08, 1975.8, 1975.08.15, 1975-08, 1975年8月
# (full-width digits and dots too). Eight digits are a date, never a month and a code.
_DATE_SHAPES = (
    re.compile(r"(\d{4})(\d{2})"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
    re.compile(r"(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*月?"),
    re.compile(r"(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*[.\-/月]\s*(\d{1,2})\s*日?"),
)
DATE_HELP = "yyyyMM（也接受 yyyyMMdd、yyyy.MM、yyyy.M、yyyy.MM.dd）"


def parse_date(raw: str, tag: str, label: str) -> tuple[date, bool]:
    """(the date, whether the file gave the day); a month alone is the 1st of the month."""
    text = unicodedata.normalize("NFKC", raw).strip()
    for shape in _DATE_SHAPES:
        m = shape.fullmatch(text)
        if m is None:
            continue
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3) or 1) if m.lastindex == 3 else 1
        try:
            value = date(year, month, day)
        except ValueError:
            break
        if year < 1900:
            break
        return value, m.lastindex == 3
    raise LrmxError(f"{tag}（{label}）格式应为 {DATE_HELP}，实际为「{raw.strip()}」")


def _parse_month(raw: str, tag: str, label: str) -> date:
    """The month of a date (day 1)."""
    value, _ = parse_date(raw, tag, label)
    return value.replace(day=1)


def _date(parent: ET.Element, tag: str, label: str, *, required: bool = False) -> date | None:
    """A date element: exact when the file gives the day, else the 1st of the month."""
    raw = _text(parent, tag)
    if not raw:
        if required:
            raise LrmxError(f"缺少 {tag}（{label}）")
        return None
    return parse_date(raw, tag, label)[0]


# Forms in LRMX files that are not the names of our code tables: the names to try instead, in
# order (names, not codes: a code table may change its codes, a name means the same thing).
ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "education": {
        "大学": ("大学", "大学本科"),
        "本科": ("大学", "大学本科"),
        "大学本科": ("大学", "大学本科"),
        "大专": ("大专", "大学专科"),
        "专科": ("大专", "大学专科"),
        "大学专科": ("大专", "大学专科"),
        "硕士研究生": ("研究生",),
        "博士研究生": ("研究生",),
    },
    "political_status": {
        "党员": ("中共党员",),
        "中国共产党党员": ("中共党员",),
        "预备党员": ("中共预备党员",),
        "团员": ("共青团员",),
        "无党派": ("无党派人士",),
    },
    "family_relation": {
        "妻": ("妻子", "妻"),
        "夫": ("丈夫", "夫"),
        "长子": ("长子", "儿子"),
        "次子": ("次子", "儿子"),
        "三子": ("三子", "儿子"),
        "长女": ("长女", "女儿"),
        "次女": ("次女", "女儿"),
        "三女": ("三女", "女儿"),
        "子": ("儿子", "子"),
        "女": ("女儿", "女"),
        "父": ("父亲",),
        "母": ("母亲",),
        "兄": ("哥哥", "兄"),
        "姐": ("姐姐", "姐"),
        "弟": ("弟弟", "弟"),
        "妹": ("妹妹", "妹"),
    },
}


def _code_of(codes: CodeBook, table: str, raw: str) -> str | None:
    value = re.sub(r"\s+", "", raw)
    code = codes.code_for(table, value)
    for name in ALIASES.get(table, {}).get(value, ()):
        code = code or codes.code_for(table, name)
    if code is None and table == "ethnicity":
        code = codes.code_for(table, value + "族")
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
        raise LrmxError(f"{where}「{raw.strip()}」不在代码表中")
    return code


def _degree(codes: CodeBook, raw: str, where: str, warnings: list[str]) -> str:
    """A degree: its name in the table (法学学士 once the table keeps disciplines), else the generic
    degree it ends with (法学学士学位 → 学士), said in a warning; the text itself is kept."""
    value = re.sub(r"\s+", "", raw)
    if not value:
        return ""
    code = _code_of(codes, "degree", value) or _code_of(codes, "degree", value.removesuffix("学位"))
    if code is not None:
        return code
    base = value.removesuffix("学位")
    hits = [(c, n) for c, n in codes.tables.get("degree", {}).items() if base.endswith(n)]
    if not hits:
        raise LrmxError(f"{where}「{raw.strip()}」不在代码表中")
    code, name = max(hits, key=lambda hit: len(hit[1]))
    warnings.append(f"{where}「{raw.strip()}」不在学位代码表中，按「{name}」记录（原文随档案保留）")
    return code


_PARTY_DATE = re.compile(r"[0-9.\-/年月日\s]+")
_PROBATION = re.compile(r"^[(（]?\s*(预备党员|预备期|预备)\s*[)）]?$")


def _party(raw: str, codes: CodeBook, warnings: list[str]) -> tuple[str, date | None]:
    """(political status code, party date) from RuDangShiJian: `199706`, `19970612` (a date),
    `199706（预备党员）`, `199706；民盟` (a CPC member who is also in another party), a party's name
    alone, empty for 群众. Anything else is an error."""
    where = "RuDangShiJian（入党时间）"
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        return "13", None
    joined: date | None = None
    m = _PARTY_DATE.match(text)
    if m and re.search(r"\d", m.group(0)):
        token = m.group(0).strip()
        if not re.fullmatch(r"\d{4}.*\d.*", token) or len(re.sub(r"\D", "", token)) < 5:
            raise LrmxError(f"{where}格式应为 {DATE_HELP}，实际为「{raw.strip()}」")
        joined = parse_date(token, "RuDangShiJian", "入党时间")[0]
        rest = text[m.end() :]
    else:
        rest = text
    rest = re.sub(r"^[\s;,、/]+|[\s;,。.]+$", "", rest)
    if joined is None:
        status = _code(codes, "political_status", rest, where)
        if status in PARTY_CODES:
            raise LrmxError(f"{where}「{raw.strip()}」缺少入党年月")
        return status, None
    if not rest:
        return "01", joined
    if _PROBATION.match(rest):
        return "02", joined
    other = _code_of(codes, "political_status", re.sub(r"^[(（]|[)）]$", "", rest))
    if other is None:
        raise LrmxError(f"{where}「{raw.strip()}」中的「{rest}」无法识别")
    if other in PARTY_CODES:
        return other, joined
    if other in ("12", "13"):
        raise LrmxError(f"{where}「{raw.strip()}」既有入党年月又写「{rest}」，前后矛盾")
    warnings.append(
        f"{where}「{raw.strip()}」：中共党员，同时是{codes.name('political_status', other)}（交叉党员）；"
        "政治面貌记为中共党员，原文随档案保留"
    )
    return "01", joined


def _education_elements(
    root: ET.Element, prefix: str, kind: str, codes: CodeBook, warnings: list[str]
) -> list[LrmxEducation]:
    label = "全日制教育" if kind == EducationKind.FULL_TIME else "在职教育"
    edu = _code(codes, "education", _text(root, f"{prefix}_XueLi"), f"{prefix}_XueLi（{label}学历）")
    degree = _degree(codes, _text(root, f"{prefix}_XueWei"), f"{prefix}_XueWei（{label}学位）", warnings)
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


_YEAR = r"(?:19|20)\d{2}"
_YEAR_LIST = re.compile(
    rf"^\s*({_YEAR}(?:\s*年度?)?(?:\s*(?:[、,，和及与/]|[-—～~至到])\s*{_YEAR}(?:\s*年度?)?)*)\s*(?:年度?)?(.*)$",
    re.DOTALL,
)
_CLAUSE = re.compile(rf"[；;。\n]|[，,](?=\s*{_YEAR})|(?<=[\u4e00-\u9fff])(?<![年度和及与至到])(?={_YEAR})")
_GRADE_PREFIX = re.compile(
    r"^[\s,，:：]*(?:年度|度)?(?:年度)?\s*(?:考核|考评)?(?:结果|结论|等次)?\s*[,，:：]?\s*"
    r"(?:均|都|皆)?\s*(?:被)?(?:评定为|评为|定为|确定为|为|是)?\s*[,，:：]?\s*"
)
_GRADE_SUFFIX = re.compile(r"(?:等次|档次|等级)?[\s.。]*$")
_NOTHING = {"", "无", "-", "—", "/", "暂无"}


def _years(text: str) -> list[int]:
    years: list[int] = []
    for m in re.finditer(rf"({_YEAR})(?:\s*年度?)?\s*(?:([-—～~至到])\s*(?={_YEAR}))?", text):
        year = int(m.group(1))
        if years and years[-1] < 0:  # the end of a range
            start = -years.pop()
            years.extend(range(start, year + 1))
        else:
            years.append(-year if m.group(2) else year)
    return [abs(y) for y in years]


def _assessments(raw: str, codes: CodeBook, warnings: list[str]) -> list[tuple[int, str]]:
    """Every year of 年度考核结果 with its grade: `2022年度考核称职，2023年度考核优秀。`,
    `2021、2022年度称职；2023年度优秀。`, `2016、2017、2018年均为合格`, `2015年，合格；2016年，合格。`,
    `2016-2018年度均为称职`. An unknown grade is an error; text that names no year (or a year
    without a grade) is a warning, and nothing of it is imported (the text is kept as written)."""
    where = "NianDuKaoHeJieGuo（年度考核结果）"
    text = raw.strip()
    if re.sub(r"[\s()（）。.]", "", text) in _NOTHING:
        return []
    results: dict[int, str] = {}
    pending: list[int] = []
    unread: list[str] = []
    for clause in _CLAUSE.split(text):
        if not clause.strip():
            continue
        m = _YEAR_LIST.match(clause)
        if m is None:
            unread.append(clause.strip())
            continue
        years = _years(m.group(1))
        grade = _GRADE_SUFFIX.sub("", _GRADE_PREFIX.sub("", m.group(2)))
        if not grade:
            pending.extend(years)
            continue
        code = _code_of(codes, "assessment_result", grade)
        if code is None:
            raise LrmxError(f"{where}中 {years[0]} 年度的「{grade}」不在考核结果代码表中")
        for year in [*pending, *years]:
            if results.get(year, code) != code:
                raise LrmxError(f"{where}中 {year} 年度有两个不同的结果")
            results[year] = code
        pending = []
    if pending:
        unread.append("、".join(f"{y}年度" for y in pending) + "（没有结果）")
    if unread:
        warnings.append(f"{where}中「{'；'.join(unread)}」无法识别，未导入（原文随档案保留）")
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
        born = parse_date(born_raw, "ChuShengRiQi", f"{where}出生年月")[0] if born_raw else None
        political_raw = _text(item, "ZhengZhiMianMao")
        political = (
            ""
            if political_raw in ("", "无")
            else _code(codes, "political_status", political_raw, f"{where} ZhengZhiMianMao（政治面貌）")
        )
        members.append(LrmxFamilyMember(relation, name, born, political, _text(item, "GongZuoDanWeiJiZhiWu")))
    return members


FAMILY = "JiaTingChengYuan"
# what our export writes before a DaoLingNianYue it computed (writing.AGE_LIMIT_COMPUTED)
AGE_LIMIT_COMPUTED = " DaoLingNianYue（到龄年月）：由本系统按法定退休年龄计算，不是原文件所填 "
NOT_KEPT = {"ZhaoPian"}  # the photo is kept re-encoded (services.cadre_set_photo), never as sent


def raw_elements(root: ET.Element) -> list[RawElement]:
    """Every element of the file as written, in order (see records.RawElement). Comments are not
    kept, and a DaoLingNianYue after the comment our export puts before a computed one is ours,
    not the file's (so re-importing our own file does not turn a computed value into a kept one)."""
    out: list[RawElement] = []
    computed_next = False
    for child in root:
        if not isinstance(child.tag, str):
            computed_next = child.tag is ET.Comment and (child.text or "") == AGE_LIMIT_COMPUTED
            continue
        if child.tag in NOT_KEPT or (child.tag == "DaoLingNianYue" and computed_next):
            computed_next = False
            continue
        computed_next = False
        if child.tag == FAMILY:
            items = [
                [[c.tag, c.text or ""] for c in item if isinstance(c.tag, str)]
                for item in child
                if isinstance(item.tag, str)
            ]
            out.append({"tag": FAMILY, "items": items})
        elif len(child):
            out.append({"tag": child.tag, "xml": ET.tostring(child, encoding="unicode").strip()})
        else:
            out.append({"tag": child.tag, "text": child.text or ""})
    return out


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
    born_raw = _text(root, "ChuShengNianYue")
    if not born_raw and not id_number:
        raise LrmxError("缺少 ChuShengNianYue（出生年月）")
    born, born_has_day = parse_date(born_raw, "ChuShengNianYue", "出生年月") if born_raw else (None, False)
    gender_raw = _text(root, "XingBie")
    if id_number:
        try:
            info = parse_id_number(id_number)
        except ValueError as exc:
            raise LrmxError(f"ShenFenZheng（身份证号）：{exc}") from exc
        birth_date = info.birth_date
        if born and (born.year, born.month) != (birth_date.year, birth_date.month):
            raise LrmxError(
                f"ChuShengNianYue（出生年月）{born:%Y%m} 与 ShenFenZheng（身份证号）中的出生日期"
                f" {birth_date:%Y%m%d} 不一致"
            )
        if born and born_has_day and born != birth_date:
            raise LrmxError(
                f"ChuShengNianYue（出生年月）{born:%Y%m%d} 与 ShenFenZheng（身份证号）中的出生日期"
                f" {birth_date:%Y%m%d} 不一致"
            )
        gender = _code(codes, "gender", gender_raw, "XingBie（性别）") or info.gender
        if gender != info.gender:
            raise LrmxError("XingBie（性别）与 ShenFenZheng（身份证号）中的性别不一致")
    else:
        assert born is not None
        birth_date = born
        gender = _code(codes, "gender", gender_raw, "XingBie（性别）", required=True)
    ethnicity = _code(codes, "ethnicity", _text(root, "MinZu"), "MinZu（民族）", required=True)
    political_status, party_joined_on = _party(_text(root, "RuDangShiJian"), codes, warnings)
    age_as_of = _date(root, "JiSuanNianLingShiJian", "计算年龄时间")
    age_limit_month = _text(root, "DaoLingNianYue")
    if age_limit_month:
        _parse_month(age_limit_month, "DaoLingNianYue", "到龄年月")
    photo = None
    photo_raw = _text(root, "ZhaoPian")
    if photo_raw:
        try:
            photo = base64.b64decode(re.sub(r"\s+", "", photo_raw), validate=True)
        except (binascii.Error, ValueError):
            warnings.append("ZhaoPian（照片）不是有效的 base64 数据，已忽略")
    resume = parse_resume(root.findtext("JianLi") or "")
    appointments, studies = classify(resume, warnings)
    elements = _education_elements(root, "QuanRiZhiJiaoYu", EducationKind.FULL_TIME, codes, warnings)
    elements += _education_elements(root, "ZaiZhiJiaoYu", EducationKind.IN_SERVICE, codes, warnings)

    def degree_code(raw: str, where: str) -> str:
        try:
            return _degree(codes, raw, where, warnings)
        except LrmxError:
            warnings.append(f"{where}中的学位「{raw}」不在代码表中，未记录学位")
            return ""

    educations = merge_studies(elements, studies, warnings, codes, degree_code)
    return LrmxRecord(
        name=name,
        gender=gender,
        ethnicity=ethnicity,
        birth_date=birth_date,
        id_number=id_number,
        political_status=political_status,
        party_joined_on=party_joined_on,
        work_started_on=_date(root, "CanJiaGongZuoShiJian", "参加工作时间"),
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
        age_limit_before_reform=_text(root, "GaiGeQianRenZhiNianLingJieXian"),
        age_limit_month=age_limit_month,
        version=_text(root, "Version"),
        photo=photo,
        resume=resume,
        educations=educations,
        appointments=appointments,
        assessments=_assessments(_text(root, "NianDuKaoHeJieGuo"), codes, warnings),
        family=_family(root, codes),
        warnings=warnings,
        elements=raw_elements(root),
    )
