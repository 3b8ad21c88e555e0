"""Writing LRMX: the same text as the Word form (`appointment_form.form_data`), as the flat
`<Person>` XML of the national software, and what an imported file said, kept as written.

Every element is computed from the registry (`computed_elements`). A cadre imported from an LRMX
file keeps that file's elements as written with the text the registry gave for each right after
the import (`Cadre.lrmx_extras`, see `kept`). On export an element whose registry text is still
the one of the import is written as the file had it (`王  伟`, `大学`, `1975.8`, the 简历 with its
own dashes and line breaks, `2021、2022年度称职；2023年度优秀。`, the family table with its empty
rows); an element the registry changed since is written from the registry. Elements the registry
has no field for (拟任职务, 拟免职务, 任免理由, 呈报单位, 填表人, 填表时间, 计算年龄时间,
GaiGeQianRenZhiNianLingJieXian, and any element we do not know) are written as the file had them,
unless the caller gives a value. The file's order of elements is kept; elements it lacked are
added at their place in the national order.

- DaoLingNianYue (到龄年月): the file's value while the birth date and group are unchanged;
  computed as the statutory retirement month only when absent (or when the record changed what
  it follows from), and then an XML comment before it says so (public writers of the format leave
  comments in their files, readers skip them; our reader does not take it for the file's).
- JianLi lines are joined by CR LF (written `&#xD;` so XML readers keep it) and an open period is
  `2011.12--` followed by 9 spaces, as the national software writes it.
- JiSuanNianLingShiJian: `as_of` when the caller gives one, else the file's, else today.
- ZhaoPian: always the stored photo, which is the re-encoded JPEG (never the bytes as sent).
"""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.utils import timezone

from ganbu.cadres.appointment_form import file_stem, form_data, photo_bytes, zip_per_cadre
from ganbu.cadres.lrmx.reading import AGE_LIMIT_COMPUTED, FAMILY
from ganbu.cadres.lrmx.records import RawElement
from ganbu.cadres.models import Cadre
from ganbu.cadres.rules import retirement_group, statutory_retirement
from ganbu.cadres.services import CodeBook

VERSION = "3.2.1.6"
FAMILY_CHILDREN = ("ChengWei", "XingMing", "ChuShengRiQi", "ZhengZhiMianMao", "GongZuoDanWeiJiZhiWu")
OPEN_PERIOD_GAP = " " * 9  # after `2011.12--`: the text lines up with that of a closed period
LINE_BREAK = "\r\n"

# The national order of the elements (newer files: DaoLingNianYue after CanJiaGongZuoShiJian,
# GaiGeQianRenZhiNianLingJieXian after ChengBaoDanWei).
ORDER = (
    "XingMing",
    "XingBie",
    "ChuShengNianYue",
    "MinZu",
    "JiGuan",
    "ChuShengDi",
    "RuDangShiJian",
    "CanJiaGongZuoShiJian",
    "DaoLingNianYue",
    "JianKangZhuangKuang",
    "ZhuanYeJiShuZhiWu",
    "ShuXiZhuanYeYouHeZhuanChang",
    "QuanRiZhiJiaoYu_XueLi",
    "QuanRiZhiJiaoYu_XueWei",
    "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
    "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi",
    "ZaiZhiJiaoYu_XueLi",
    "ZaiZhiJiaoYu_XueWei",
    "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
    "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi",
    "XianRenZhiWu",
    "NiRenZhiWu",
    "NiMianZhiWu",
    "JianLi",
    "JiangChengQingKuang",
    "NianDuKaoHeJieGuo",
    "RenMianLiYou",
    FAMILY,
    "ChengBaoDanWei",
    "GaiGeQianRenZhiNianLingJieXian",
    "JiSuanNianLingShiJian",
    "TianBiaoShiJian",
    "TianBiaoRen",
    "ShenFenZheng",
    "ZhaoPian",
    "Version",
)
# Elements of the form that the registry has no field for: the caller's value, else the file's.
FORM_ELEMENTS = {
    "NiRenZhiWu": "proposed_post",
    "NiMianZhiWu": "proposed_removal",
    "RenMianLiYou": "reason",
    "ChengBaoDanWei": "reporting_unit",
    "TianBiaoRen": "filled_by",
}
ElementValue = str | list[list[str]]


def _retirement_month(cadre: Cadre) -> str:
    """到龄年月 computed: the statutory retirement month under the 2025 reform (yyyyMM)."""
    group = retirement_group(cadre.gender, cadre.personnel_category)
    return statutory_retirement(cadre.birth_date, group).year_month


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


def jianli_text(lines: list[str]) -> str:
    """The 简历 lines as the national software writes them (see the module docstring)."""
    padded = [re.sub(r"^(\d{4}\.\d{2}--)(?!\d) *", rf"\g<1>{OPEN_PERIOD_GAP}", line) for line in lines]
    return LINE_BREAK.join(padded)


def computed_elements(cadre: Cadre, *, as_of: date, codes: CodeBook) -> dict[str, ElementValue]:
    """The text of every element the registry gives (not the form's own elements, not the photo)."""
    data = form_data(cadre, as_of=as_of, codes=codes)
    values: dict[str, ElementValue] = {
        "XingMing": data.name,
        "XingBie": data.gender,
        "ChuShengNianYue": _yyyymm(cadre.birth_date),
        "MinZu": data.ethnicity,
        "JiGuan": data.native_place,
        "ChuShengDi": data.birthplace,
        "RuDangShiJian": _party_lrmx(cadre, codes),
        "CanJiaGongZuoShiJian": _yyyymm(cadre.work_started_on),
        "DaoLingNianYue": _retirement_month(cadre),
        "JianKangZhuangKuang": data.health,
        "ZhuanYeJiShuZhiWu": data.professional_title,
        "ShuXiZhuanYeYouHeZhuanChang": data.expertise,
    }
    for prefix, summary in (("QuanRiZhiJiaoYu", data.fulltime), ("ZaiZhiJiaoYu", data.inservice)):
        values[f"{prefix}_XueLi"] = summary.education_name
        values[f"{prefix}_XueWei"] = summary.degree_name
        values[f"{prefix}_XueLi_BiYeYuanXiaoXi"] = summary.education_school
        values[f"{prefix}_XueWei_BiYeYuanXiaoXi"] = summary.degree_school
    values["XianRenZhiWu"] = data.current_title
    values["JianLi"] = jianli_text(data.resume)
    values["JiangChengQingKuang"] = data.rewards
    values["NianDuKaoHeJieGuo"] = data.assessments
    values[FAMILY] = [
        [m.relation_name, m.name, _yyyymm(m.birth_date), m.political_name, m.workplace] for m in data.family
    ]
    values["ShenFenZheng"] = cadre.id_number or ""
    values["Version"] = VERSION
    return values


def kept(cadre: Cadre) -> tuple[list[RawElement], date | None]:
    """The elements of the LRMX file the cadre was last imported from (each with "ours", the
    registry's text right after the import), and that file's 计算年龄时间."""
    extras: dict[str, Any] = cadre.lrmx_extras or {}
    as_of = extras.get("as_of")
    return list(extras.get("elements", [])), date.fromisoformat(as_of) if as_of else None


def _order(file_tags: list[str]) -> list[str]:
    """The file's tags in its order, with the national tags it lacks inserted after their
    predecessor in the national order."""
    tags = list(file_tags)
    for index, tag in enumerate(ORDER):
        if tag in tags:
            continue
        before = next((t for t in reversed(ORDER[:index]) if t in tags), None)
        tags.insert(tags.index(before) + 1 if before else 0, tag)
    return tags


def cadre_to_lrmx(
    cadre: Cadre,
    *,
    as_of: date | None = None,
    proposed_post: str = "",
    proposed_removal: str = "",
    reason: str = "",
    reporting_unit: str = "",
    filled_by: str = "",
    codes: CodeBook | None = None,
) -> bytes:
    """The LRMX file of one cadre (UTF-8 XML bytes); see the module docstring."""
    codes = codes or CodeBook()
    elements, file_as_of = kept(cadre)
    by_tag = {e["tag"]: e for e in elements}
    when = as_of or file_as_of or timezone.localdate()
    computed = computed_elements(cadre, as_of=when, codes=codes)
    given = {
        "proposed_post": proposed_post,
        "proposed_removal": proposed_removal,
        "reason": reason,
        "reporting_unit": reporting_unit,
        "filled_by": filled_by,
    }

    def value_of(tag: str) -> tuple[ElementValue | RawElement, bool]:
        """(the value, whether it is the file's as written)."""
        entry = by_tag.get(tag)
        if tag in computed:
            if entry is not None and entry.get("ours") == computed[tag]:
                return entry, True
            return computed[tag], False
        if tag in FORM_ELEMENTS and given[FORM_ELEMENTS[tag]]:
            return given[FORM_ELEMENTS[tag]], False
        if tag == "JiSuanNianLingShiJian" and (as_of is not None or entry is None):
            return f"{when:%Y%m%d}", False
        if tag == "TianBiaoShiJian" and entry is None:
            return _yyyymm(when), False
        if tag == "ZhaoPian":
            return base64.b64encode(photo).decode("ascii") if (photo := photo_bytes(cadre)) else "", False
        if entry is not None:
            return entry, True
        return "", False

    root = ET.Element("Person")
    for tag in _order(list(dict.fromkeys(e["tag"] for e in elements))):
        if tag == "GaiGeQianRenZhiNianLingJieXian" and tag not in by_tag:
            continue  # only newer files carry it, and only the file can say it
        value, from_file = value_of(tag)
        if tag == "DaoLingNianYue" and not from_file:
            root.append(ET.Comment(AGE_LIMIT_COMPUTED))
        copies: list[Any] = [e for e in elements if e["tag"] == tag] if from_file else []
        for each in copies if len(copies) > 1 else [value]:  # an element the file repeats: each copy
            _put(root, tag, each, from_file)
    ET.indent(root)
    text = ET.tostring(root, encoding="unicode").replace("\r", "&#xD;")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + text.encode("utf-8")


def _put(root: ET.Element, tag: str, value: Any, from_file: bool) -> None:
    if from_file and "xml" in value:
        root.append(ET.fromstring(value["xml"]))  # noqa: S314 - our own copy of a parsed element
        return
    element = ET.SubElement(root, tag)
    if tag == FAMILY:
        rows = (
            value["items"] if from_file else [list(zip(FAMILY_CHILDREN, row, strict=True)) for row in value]
        )
        for row in rows:
            item = ET.SubElement(element, "Item")
            for child, text in row:
                ET.SubElement(item, child).text = text
        return
    element.text = value["text"] if from_file else value


def lrmx_filename(cadre: Cadre) -> str:
    return f"{file_stem(cadre)}.lrmx"


def cadres_to_lrmx_zip(cadres: Iterable[Cadre], *, as_of: date | None = None, **texts: str) -> bytes:
    """One `<姓名>_<身份证号后4位>.lrmx` per cadre, in one zip (`texts`: the optional text fields
    of `cadre_to_lrmx`)."""
    return zip_per_cadre(cadres, filename=lrmx_filename, build=cadre_to_lrmx, as_of=as_of, **texts)
