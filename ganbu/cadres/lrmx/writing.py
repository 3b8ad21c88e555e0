"""Writing LRMX: the same text as the Word form (`appointment_form.form_data`), as the flat
`<Person>` XML of the national software."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import date

from ganbu.cadres.appointment_form import file_stem, form_data, zip_per_cadre
from ganbu.cadres.models import Cadre
from ganbu.cadres.rules import retirement_group, statutory_retirement
from ganbu.cadres.services import CodeBook

VERSION = "3.2.1.6"


def _retirement_month(cadre: Cadre) -> str:
    """到龄年月: the statutory retirement month under the 2025 reform (yyyyMM)."""
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
