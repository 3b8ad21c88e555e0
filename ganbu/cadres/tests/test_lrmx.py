"""LRMX exchange: export, the round trip export → import field by field, malformed and hostile input,
re-import, and the commands."""

from __future__ import annotations

import base64
import io
import xml.etree.ElementTree as ET
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from PIL import Image

from ganbu.audit.models import AuditEvent
from ganbu.cadres import services
from ganbu.cadres.appointment_form import resume_lines
from ganbu.cadres.lrmx import (
    LrmxError,
    cadre_to_lrmx,
    cadres_to_lrmx_zip,
    import_lrmx,
    parse_lrmx,
    parse_resume,
    split_school,
)
from ganbu.cadres.models import Appointment, Cadre, Education, FamilyMember
from ganbu.cadres.rules import make_id_number
from ganbu.cadres.services import CodeBook
from ganbu.cadres.tests.test_appointment_form import AS_OF, build_full_cadre, cadre_data, tail, tiny_png
from ganbu.testing.world import World

pytestmark = pytest.mark.django_db


def _xml(data: bytes) -> ET.Element:
    return ET.fromstring(data)  # noqa: S314 - our own output


def _month(value: date | None) -> tuple[int, int] | None:
    return (value.year, value.month) if value else None


def snapshot(cadre: Cadre) -> dict[str, Any]:
    """Everything LRMX carries, at month precision where LRMX is month precision."""
    c = Cadre.objects.get(pk=cadre.pk)
    return {
        "name": c.name,
        "gender": c.gender,
        "ethnicity": c.ethnicity,
        "birth_date": c.birth_date,
        "id_number": c.id_number,
        "political_status": c.political_status,
        "party_joined_on": _month(c.party_joined_on),
        "work_started_on": _month(c.work_started_on),
        "native_place": c.native_place,
        "birthplace": c.birthplace,
        "health": c.health,
        "professional_title": c.professional_title,
        "expertise": c.expertise,
        "fulltime_education": sorted(
            (e.education, e.degree, e.school, e.major, _month(e.started_on), _month(e.ended_on))
            for e in c.educations.filter(kind="fulltime")
        ),
        "inservice_education": sorted(
            (e.education, e.degree, e.school, e.major, _month(e.started_on), _month(e.ended_on))
            for e in c.educations.filter(kind="inservice")
        ),
        "appointments": sorted(
            (_month(a.started_on), _month(a.ended_on), a.title, a.is_primary) for a in c.appointments.all()
        ),
        "family": sorted(
            (f.relation, f.name, _month(f.birth_date), f.political_status, f.workplace)
            for f in c.family.all()
        ),
        # the form (and so LRMX) carries the last three years
        "assessments": sorted((a.year, a.grade) for a in c.assessments.all() if a.year >= 2023),
        "current_title": c.current_title,
        "resume": resume_lines(c),
    }


ROUND_TRIP_FIELDS = [
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "id_number",
    "political_status",
    "party_joined_on",
    "work_started_on",
    "native_place",
    "birthplace",
    "health",
    "professional_title",
    "expertise",
    "fulltime_education",
    "inservice_education",
    "appointments",
    "family",
    "assessments",
    "current_title",
    "resume",
]


def _export_delete_import(world: World, cadre: Cadre) -> tuple[dict[str, Any], dict[str, Any], Cadre, bool]:
    before = snapshot(cadre)
    data = cadre_to_lrmx(cadre, as_of=AS_OF)
    services.cadre_delete(cadre=cadre, actor=world.users["admin"])
    assert not Cadre.objects.exists()
    imported, created = import_lrmx(data, unit=world.town_a, actor=world.users["clerk_a"])
    return before, snapshot(imported), imported, created


def minimal_lrmx(**overrides: str) -> bytes:
    """A small hand-written LRMX file; keyword arguments replace element texts (None-free)."""
    born = date(1990, 5, 6)
    values = {
        "XingMing": "陈明",
        "XingBie": "男",
        "ChuShengNianYue": "199005",
        "MinZu": "汉族",
        "RuDangShiJian": "201206",
        "CanJiaGongZuoShiJian": "201307",
        "JianKangZhuangKuang": "健康",
        "QuanRiZhiJiaoYu_XueLi": "大学本科",
        "QuanRiZhiJiaoYu_XueWei": "学士",
        "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": "海南师范大学汉语言文学专业",
        "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi": "海南师范大学汉语言文学专业",
        "JianLi": "2009.09--2013.07  海南师范大学汉语言文学专业学习\n2013.07--      甲镇党政办科员",
        "NianDuKaoHeJieGuo": "2023年度称职；2024年度优秀。",
        "ShenFenZheng": make_id_number("469099", born, 21, "1"),
    }
    values.update(overrides)
    body = "".join(f"<{k}>{v}</{k}>" for k, v in values.items() if not k.startswith("_"))
    family = overrides.get(
        "_family",
        "<Item><ChengWei>父亲</ChengWei><XingMing>陈大</XingMing>"
        "<ChuShengRiQi>196503</ChuShengRiQi><ZhengZhiMianMao>群众</ZhengZhiMianMao>"
        "<GongZuoDanWeiJiZhiWu>务农</GongZuoDanWeiJiZhiWu></Item>",
    )
    head = overrides.get("_head", '<?xml version="1.0" encoding="UTF-8"?>')
    return f"{head}<Person>{body}<JiaTingChengYuan>{family}</JiaTingChengYuan><Version>3.2.1.6</Version></Person>".encode()


# --- export -----------------------------------------------------------------------------------


def test_export_writes_the_lrmx_elements(world: World) -> None:
    cadre = build_full_cadre(world)
    root = _xml(
        cadre_to_lrmx(
            cadre,
            as_of=AS_OF,
            proposed_post="甲镇党委书记",
            proposed_removal="甲镇党委副书记",
            reason="工作需要",
        )
    )
    assert root.tag == "Person"
    expected = {
        "XingMing": "张三",
        "XingBie": "男",
        "ChuShengNianYue": "198503",
        "MinZu": "汉族",
        "JiGuan": "海南文昌",
        "ChuShengDi": "海南海口",
        "RuDangShiJian": "200607",
        "CanJiaGongZuoShiJian": "200707",
        "JianKangZhuangKuang": "健康",
        "ZhuanYeJiShuZhiWu": "经济师",
        "ShuXiZhuanYeYouHeZhuanChang": "农村经济管理",
        "QuanRiZhiJiaoYu_XueLi": "大学",  # the national name (ZB64), also for 大学本科 typed by clerks
        "QuanRiZhiJiaoYu_XueWei": CodeBook().name("degree", "4"),
        "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": "海南大学法学专业",
        "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi": "海南大学法学专业",
        "ZaiZhiJiaoYu_XueLi": "中央党校研究生",
        "ZaiZhiJiaoYu_XueWei": None,
        "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": "中央党校经济管理专业",
        "XianRenZhiWu": "甲镇党委副书记、甲镇人民政府镇长",
        "NiRenZhiWu": "甲镇党委书记",
        "NiMianZhiWu": "甲镇党委副书记",
        "RenMianLiYou": "工作需要",
        "NianDuKaoHeJieGuo": "2023年度称职；2024年度优秀；2025年度称职。",
        "JiangChengQingKuang": "2019.12 优秀共产党员（甲镇党委）。",
        "JiSuanNianLingShiJian": "20251101",
        "ShenFenZheng": cadre.id_number,
        "Version": "3.2.1.6",
        "DaoLingNianYue": "204803",  # born 1985-03, man: 63 under the 2025 reform
        "ZhaoPian": None,
    }
    for tag, value in expected.items():
        element = root.find(tag)
        assert element is not None, tag
        assert element.text == value, tag
    # lines joined by CR LF, an open period padded with 9 spaces, as the national software writes
    assert (root.findtext("JianLi") or "").split("\r\n") == [
        line.replace("2016.01--      ", "2016.01--         ") for line in resume_lines(cadre)
    ]
    assert "\r" in (root.findtext("JianLi") or "")
    items = root.findall("JiaTingChengYuan/Item")
    assert [
        [
            (i.findtext(t) or "")
            for t in ("ChengWei", "XingMing", "ChuShengRiQi", "ZhengZhiMianMao", "GongZuoDanWeiJiZhiWu")
        ]
        for i in items
    ] == [
        ["妻子", "李丽", "198705", "中共党员", "甲镇中心小学教师"],
        ["儿子", "张小宝", "201208", "", "甲镇中心小学学生"],
        ["父亲", "张大山", "195806", "群众", "甲镇甲村农民"],
        ["母亲", "王秀英", "196002", "群众", "已故"],
    ]


def test_export_embeds_the_photo(world: World, settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    cadre = build_full_cadre(world)
    png = tiny_png()
    services.cadre_set_photo(cadre=cadre, content=png, actor=None)
    stored = cadre.photo.read()
    assert stored.startswith(b"\xff\xd8\xff")  # what is stored is the re-encoded JPEG
    data = cadre_to_lrmx(cadre, as_of=AS_OF)
    root = _xml(data)
    assert base64.b64decode(root.findtext("ZhaoPian") or "") == stored
    # and the photo comes back on import (re-encoded once more: the same picture)
    cadre.delete()
    imported, created = import_lrmx(data, unit=world.town_a, actor=None)
    assert created and imported.photo.name.endswith(".jpg")
    with Image.open(imported.photo) as image:
        assert image.format == "JPEG" and image.size == (35, 45)


def test_zip_export_has_one_file_per_cadre(world: World) -> None:
    first = build_full_cadre(world)
    second = services.cadre_create(data=cadre_data("王五", sequence=11), unit=world.town_a, actor=None)
    with zipfile.ZipFile(io.BytesIO(cadres_to_lrmx_zip([first, second], as_of=AS_OF))) as archive:
        assert archive.namelist() == [
            f"张三_{tail(first)}.lrmx",
            f"王五_{tail(second)}.lrmx",
        ]
        assert _xml(archive.read(archive.namelist()[1])).findtext("XingMing") == "王五"


# --- round trip -------------------------------------------------------------------------------


@pytest.fixture
def round_trip(world: World) -> tuple[dict[str, Any], dict[str, Any], Cadre, bool]:
    return _export_delete_import(world, build_full_cadre(world))


@pytest.mark.parametrize("field", ROUND_TRIP_FIELDS)
def test_round_trip_keeps_field(
    round_trip: tuple[dict[str, Any], dict[str, Any], Cadre, bool], field: str
) -> None:
    before, after, _, created = round_trip
    assert created
    assert after[field] == before[field]


def test_round_trip_values_are_the_expected_ones(
    round_trip: tuple[dict[str, Any], dict[str, Any], Cadre, bool],
) -> None:
    _, after, cadre, _ = round_trip
    assert after["birth_date"] == date(1985, 3, 4)  # exact: taken from the 身份证号
    assert cadre.party_joined_on == date(2006, 7, 1)  # month precision: day 1
    assert after["fulltime_education"] == [("21", "4", "海南大学", "法学", (2003, 9), (2007, 7))]
    assert after["inservice_education"] == [("1A", "", "中央党校", "经济管理", (2009, 9), (2012, 7))]
    assert after["appointments"] == [
        ((2007, 7), (2010, 12), "甲镇党政办科员", True),
        ((2010, 12), (2016, 1), "甲镇党政办副主任", True),
        ((2016, 1), None, "甲镇人民政府镇长", False),
        ((2016, 1), None, "甲镇党委副书记", True),
        ((2018, 3), (2020, 5), "甲镇武装部第一书记", False),
    ]
    assert after["assessments"] == [(2023, "2"), (2024, "1"), (2025, "2")]
    assert cadre.unit == cadre.appointments.get(title="甲镇党委副书记").unit
    assert cadre.personnel_category == "1"


@pytest.mark.parametrize(
    ("political_status", "party_joined_on", "lrmx_text"),
    [
        ("02", date(2024, 6, 1), "202406（预备党员）"),
        ("05", None, "民盟盟员"),
        ("13", None, ""),
    ],
)
def test_round_trip_political_status(
    world: World, political_status: str, party_joined_on: date | None, lrmx_text: str
) -> None:
    born = date(1992, 8, 9)
    cadre = services.cadre_create(
        data=cadre_data(
            "林芳",
            born=born,
            gender="2",
            id_number=make_id_number("469099", born, 30, "2"),
            political_status=political_status,
            party_joined_on=party_joined_on,
            work_started_on=date(2014, 7, 1),
        ),
        unit=world.town_a,
        actor=None,
    )
    assert (_xml(cadre_to_lrmx(cadre, as_of=AS_OF)).findtext("RuDangShiJian") or "") == lrmx_text
    before, after, _, _ = _export_delete_import(world, cadre)
    assert after == before


# --- parsing ------------------------------------------------------------------------------------


def test_parse_resume_accepts_common_variants() -> None:
    text = (
        "2003.09--2007.07  海南大学法学专业学习\r\n"
        "200707—201012  甲镇党政办科员（其间：2009.09--2012.07在中央党校经济管理专业学习）\n"
        "\n"
        "2010.12--至今  甲镇党政办副主任，\n"
        "      负责综合协调工作"
    )
    assert parse_resume(text) == [
        (date(2003, 9, 1), date(2007, 7, 1), "海南大学法学专业学习"),
        (
            date(2007, 7, 1),
            date(2010, 12, 1),
            "甲镇党政办科员（其间：2009.09--2012.07在中央党校经济管理专业学习）",
        ),
        (date(2010, 12, 1), None, "甲镇党政办副主任，负责综合协调工作"),
    ]


def test_parse_reads_nested_study_concurrent_posts_and_closes_earlier_open_periods(world: World) -> None:
    jianli = (
        "2009.09--2013.07  海南师范大学汉语言文学专业学习\n"
        "2013.07--      甲镇党政办科员（其间：2014.09--2017.07 在中央党校经济管理专业在职学习）\n"
        "2018.01--      甲镇党委委员、甲镇武装部部长（兼）\n"
        "2019.03--2020.01  甲镇人大主席团副主席（兼）"
    )
    record = parse_lrmx(
        minimal_lrmx(
            JianLi=jianli,
            ZaiZhiJiaoYu_XueLi="中央党校大学",
            ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi="中央党校经济管理专业",
        )
    )
    assert [(a.title, a.started_on, a.ended_on, a.is_primary) for a in record.appointments] == [
        ("甲镇党政办科员", date(2013, 7, 1), date(2018, 1, 1), True),  # open, but followed by a post
        ("甲镇党委委员", date(2018, 1, 1), None, True),
        ("甲镇武装部部长", date(2018, 1, 1), None, False),
        ("甲镇人大主席团副主席", date(2019, 3, 1), date(2020, 1, 1), False),
    ]
    assert [
        (e.kind, e.education, e.school, e.major, e.started_on, e.ended_on) for e in record.educations
    ] == [
        ("fulltime", "21", "海南师范大学", "汉语言文学", date(2009, 9, 1), date(2013, 7, 1)),
        ("inservice", "2A", "中央党校", "经济管理", date(2014, 9, 1), date(2017, 7, 1)),
    ]
    assert record.birth_date == date(1990, 5, 6)
    assert record.political_status == "01" and record.party_joined_on == date(2012, 6, 1)
    codes = CodeBook()
    assert record.assessments == [
        (2023, codes.code_for("assessment_result", "称职")),
        (2024, codes.code_for("assessment_result", "优秀")),
    ]
    assert [(f.relation, f.name, f.birth_date, f.political_status) for f in record.family] == [
        (codes.code_for("family_relation", "父亲"), "陈大", date(1965, 3, 1), "13")
    ]


def test_study_lines_without_a_known_level_are_reported_not_guessed() -> None:
    jianli = (
        "2006.09--2009.07  海南省农业学校畜牧专业学习\n"
        "2009.09--2013.07  海南师范大学汉语言文学专业学习\n"
        "2013.07--      甲镇党政办科员"
    )
    record = parse_lrmx(minimal_lrmx(JianLi=jianli))
    assert [e.school for e in record.educations] == ["海南师范大学"]
    assert any("海南省农业学校畜牧专业学习" in w for w in record.warnings)


def test_split_school() -> None:
    assert split_school("海南大学法学专业") == ("海南大学", "法学")
    assert split_school("中国科学院大学计算机专业") == ("中国科学院大学", "计算机")
    assert split_school("海南大学经济管理学院会计学专业") == ("海南大学", "经济管理学院会计学")
    assert split_school("中共海南省委党校") == ("中共海南省委党校", "")


# --- malformed and hostile input ------------------------------------------------------------------

BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE Person [<!ENTITY a "aaaaaaaaaa">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    b"<Person><XingMing>&c;</XingMing></Person>"
)
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE Person [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b"<Person><XingMing>&xxe;</XingMing></Person>"
)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (minimal_lrmx(ChuShengNianYue="19905"), "ChuShengNianYue（出生年月）格式应为 yyyyMM"),
        (minimal_lrmx(ChuShengNianYue="199013"), "ChuShengNianYue（出生年月）格式应为 yyyyMM"),
        (
            minimal_lrmx(ChuShengNianYue="199006"),
            "ChuShengNianYue（出生年月）199006 与 ShenFenZheng（身份证号）",
        ),
        (minimal_lrmx(CanJiaGongZuoShiJian="2013.13"), "CanJiaGongZuoShiJian（参加工作时间）格式应为 yyyyMM"),
        (
            minimal_lrmx(JiSuanNianLingShiJian="2025年中"),
            "JiSuanNianLingShiJian（计算年龄时间）格式应为 yyyyMM",
        ),
        (minimal_lrmx(RuDangShiJian="2012"), "RuDangShiJian（入党时间）格式应为 yyyyMM"),
        (
            minimal_lrmx(RuDangShiJian="201206；中共党员；火星党"),
            "RuDangShiJian（入党时间）「201206；中共党员；火星党」",
        ),
        (minimal_lrmx(XingBie="女"), "XingBie（性别）与 ShenFenZheng（身份证号）中的性别不一致"),
        (
            minimal_lrmx(ChuShengNianYue="19900507"),
            "ChuShengNianYue（出生年月）19900507 与 ShenFenZheng（身份证号）",
        ),
        (
            minimal_lrmx(NianDuKaoHeJieGuo="2023年度称职；2023年度优秀。"),
            "NianDuKaoHeJieGuo（年度考核结果）中 2023 年度有两个不同的结果",
        ),
        (BILLION_LAUGHS, "DOCTYPE/ENTITY"),
        (EXTERNAL_ENTITY, "DOCTYPE/ENTITY"),
        (minimal_lrmx(_head='<?xml version="1.0"?><!ENTITY x "y">'), "DOCTYPE/ENTITY"),
        (b"this is not xml at all", "不是有效的 XML"),
        (b"<Person><XingMing>unclosed</Person>", "不是有效的 XML"),
        (b"", "文件为空"),
        ("<Person><XingMing>张三</XingMing></Person>".encode("gbk"), "UTF-8"),
        (b"<Root><XingMing>x</XingMing></Root>", "根元素应为 Person"),
        (minimal_lrmx(XingMing=""), "缺少 XingMing（姓名）"),
        (minimal_lrmx(XingMing="  "), "缺少 XingMing（姓名）"),
        (minimal_lrmx(MinZu="火星族"), "MinZu（民族）「火星族」不在代码表中"),
        (minimal_lrmx(ShenFenZheng="469099199005060000"), "ShenFenZheng（身份证号）：身份证号校验位错误"),
        (minimal_lrmx(JianLi="在甲镇工作"), "JianLi（简历）第1行格式应为"),
        (minimal_lrmx(JianLi="2013.13--2014.01  甲镇科员"), "JianLi（简历）第1行日期 2013.13 无效"),
        (minimal_lrmx(JianLi="2015.01--2014.01  甲镇科员"), "JianLi（简历）第1行结束时间早于开始时间"),
        (
            minimal_lrmx(NianDuKaoHeJieGuo="2023年度很好"),
            "NianDuKaoHeJieGuo（年度考核结果）中 2023 年度的「很好」",
        ),
        (
            minimal_lrmx(_family="<Item><ChengWei>表哥</ChengWei><XingMing>陈二</XingMing></Item>"),
            "JiaTingChengYuan（家庭成员）第1项 ChengWei（称谓）「表哥」不在代码表中",
        ),
        (b"<Person><XingMing>" + b"x" * (5 * 1024 * 1024) + b"</XingMing></Person>", "5 MB"),
    ],
)
def test_bad_input_gives_a_chinese_error_and_writes_nothing(world: World, data: bytes, message: str) -> None:
    events = AuditEvent.objects.count()
    with pytest.raises(LrmxError) as exc:
        import_lrmx(data, unit=world.town_a, actor=world.users["clerk_a"])
    assert message in str(exc.value)
    assert not Cadre.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_record_refused_by_the_services_rolls_back_the_whole_file(world: World) -> None:
    events = AuditEvent.objects.count()
    # the cadre itself is valid; its 2010 assessment predates 参加工作时间 (2013.07) and is refused
    data = minimal_lrmx(NianDuKaoHeJieGuo="2010年度称职；2023年度称职。")
    with pytest.raises(LrmxError, match="年度考核结果 2010年度：年度早于参加工作时间"):
        import_lrmx(data, unit=world.town_a, actor=world.users["clerk_a"])
    assert not Cadre.objects.exists()
    assert not Appointment.objects.exists() and not Education.objects.exists()
    assert AuditEvent.objects.count() == events


def test_import_outside_the_actors_scope_is_refused(world: World) -> None:
    with pytest.raises(PermissionDenied):
        import_lrmx(minimal_lrmx(), unit=world.town_a, actor=world.users["clerk_b"])
    assert not Cadre.objects.exists()


# --- re-import ----------------------------------------------------------------------------------


def test_reimport_of_the_same_id_number_updates_and_never_duplicates(world: World) -> None:
    actor = world.users["clerk_a"]
    cadre, created = import_lrmx(minimal_lrmx(), unit=world.town_a, actor=actor)
    assert created
    counts = (Appointment.objects.count(), Education.objects.count(), FamilyMember.objects.count())
    again, created_again = import_lrmx(minimal_lrmx(), unit=world.town_a, actor=actor)
    assert (again.pk, created_again) == (cadre.pk, False)
    assert Cadre.objects.count() == 1
    assert (Appointment.objects.count(), Education.objects.count(), FamilyMember.objects.count()) == counts

    changed = minimal_lrmx(
        JianKangZhuangKuang="良好",
        JianLi=(
            "2009.09--2013.07  海南师范大学汉语言文学专业学习\n"
            "2013.07--2020.01  甲镇党政办科员\n"
            "2020.01--      甲镇党政办副主任"
        ),
        NianDuKaoHeJieGuo="2023年度优秀；2024年度优秀。",
    )
    updated, created_third = import_lrmx(changed, unit=world.town_a, actor=actor)
    assert updated.pk == cadre.pk and not created_third
    assert Cadre.objects.count() == 1
    assert updated.health == "良好"
    posts = [(a.title, a.started_on, a.ended_on) for a in updated.appointments.order_by("started_on")]
    assert posts == [
        ("甲镇党政办科员", date(2013, 7, 1), date(2020, 1, 1)),
        ("甲镇党政办副主任", date(2020, 1, 1), None),
    ]
    assert updated.current_title == "甲镇党政办副主任"
    assert sorted(updated.assessments.values_list("year", "grade")) == [(2023, "1"), (2024, "1")]
    assert updated.educations.count() == 1 and updated.family.count() == 1


def test_reimport_keeps_the_day_of_stored_dates_in_the_same_month(world: World) -> None:
    cadre = build_full_cadre(world)  # 入党时间 2006-07-15
    data = cadre_to_lrmx(cadre, as_of=AS_OF)
    again, created = import_lrmx(data, unit=world.town_a, actor=world.users["county"])
    assert not created and again.pk == cadre.pk
    assert again.party_joined_on == date(2006, 7, 15)
    assert Appointment.objects.filter(cadre=cadre).count() == 5
    assert Education.objects.filter(cadre=cadre).count() == 2
    assert FamilyMember.objects.filter(cadre=cadre).count() == 4


def test_month_precision_uses_the_earliest_valid_day_of_the_month(world: World) -> None:
    # born 1990-05-06: joining the party in 2008.05 is valid only from the 18th birthday on
    cadre, _ = import_lrmx(minimal_lrmx(RuDangShiJian="200805"), unit=world.town_a, actor=None)
    assert cadre.party_joined_on == date(2008, 5, 6)
    # the stored 参加工作时间 has a day; a new post in that month starts no earlier, and its end follows
    services.cadre_update(cadre=cadre, data={"work_started_on": date(2013, 7, 15)}, actor=None)
    jianli = (
        "2009.09--2013.07  海南师范大学汉语言文学专业学习\n"
        "2013.07--2013.07  甲镇党政办见习\n"
        "2013.07--      甲镇党政办科员"
    )
    again, created = import_lrmx(
        minimal_lrmx(RuDangShiJian="200805", JianLi=jianli), unit=world.town_a, actor=None
    )
    assert not created
    assert again.work_started_on == date(2013, 7, 15)
    trainee = again.appointments.get(title="甲镇党政办见习")
    assert (trainee.started_on, trainee.ended_on) == (date(2013, 7, 15), date(2013, 7, 15))


# --- commands -----------------------------------------------------------------------------------


def test_export_command_single_and_unit(world: World, tmp_path: Path) -> None:
    cadre = build_full_cadre(world)
    services.cadre_create(data=cadre_data("王五", sequence=11), unit=world.village_a, actor=None)
    single = tmp_path / "zhangsan.lrmx"
    call_command(
        "export_lrmx",
        "--id-number",
        cadre.id_number,
        "--out",
        str(single),
        "--as-of",
        "2025-11-01",
        "--proposed",
        "甲镇党委书记",
        stdout=io.StringIO(),
    )
    root = _xml(single.read_bytes())
    assert root.findtext("XingMing") == "张三" and root.findtext("NiRenZhiWu") == "甲镇党委书记"
    assert root.findtext("JiSuanNianLingShiJian") == "20251101"
    batch = tmp_path / "town.zip"
    call_command("export_lrmx", "--unit", "TA", "--out", str(batch), stdout=io.StringIO())
    with zipfile.ZipFile(batch) as archive:
        assert [n.split("_")[0] for n in archive.namelist()] == ["王五", "张三"]
    with pytest.raises(CommandError, match="未找到身份证号"):
        call_command("export_lrmx", "--id-number", "X", "--out", str(tmp_path / "x.lrmx"))


def test_import_command_single_file(world: World, tmp_path: Path) -> None:
    path = tmp_path / "chenming.lrmx"
    path.write_bytes(minimal_lrmx())
    out = io.StringIO()
    call_command("import_lrmx", str(path), "--unit", "TA", stdout=out)
    assert "陈明（新增）" in out.getvalue()
    cadre = Cadre.objects.get()
    assert cadre.unit == world.town_a and cadre.current_title == "甲镇党政办科员"
    call_command("import_lrmx", str(path), "--unit", "TA", stdout=out)
    assert "陈明（更新）" in out.getvalue()
    assert Cadre.objects.count() == 1
    bad = tmp_path / "bad.lrmx"
    bad.write_bytes(minimal_lrmx(ChuShengNianYue="abc"))
    with pytest.raises(CommandError, match=r"bad\.lrmx：ChuShengNianYue"):
        call_command("import_lrmx", str(bad), "--unit", "TA", stdout=io.StringIO())
    with pytest.raises(CommandError, match="未找到单位代码为 NOPE 的单位"):
        call_command("import_lrmx", str(path), "--unit", "NOPE")


def test_import_command_zip_reports_each_file_and_fails_when_any_failed(world: World, tmp_path: Path) -> None:
    cadre = build_full_cadre(world)
    good = cadre_to_lrmx(cadre, as_of=AS_OF)
    services.cadre_delete(cadre=cadre, actor=world.users["admin"])
    path = tmp_path / "batch.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("张三.lrmx", good)
        archive.writestr("坏文件.lrmx", minimal_lrmx(MinZu="火星族"))
        archive.writestr("说明.txt", "readme")
        # a zip bomb in miniature: 6 MB of blanks compress to a few KB
        archive.writestr(
            "巨大.lrmx", b"<Person>" + b" " * (6 * 1024 * 1024) + b"</Person>", zipfile.ZIP_DEFLATED
        )
    assert path.stat().st_size < 100_000
    out = io.StringIO()
    with pytest.raises(CommandError, match="成功 1 个，失败 2 个"):
        call_command("import_lrmx", str(path), "--unit", "TA", stdout=out)
    report = out.getvalue()
    assert "[成功] 张三.lrmx：张三（新增）" in report
    assert "[失败] 坏文件.lrmx：MinZu（民族）「火星族」不在代码表中" in report
    assert "[跳过] 说明.txt" in report
    assert "[失败] 巨大.lrmx：文件超过 5 MB" in report
    # each file is all-or-nothing on its own: the good one is in, nothing of the bad one
    assert list(Cadre.objects.values_list("name", flat=True)) == ["张三"]


def test_import_command_zip_all_good(world: World, tmp_path: Path) -> None:
    path = tmp_path / "batch.zip"
    second_born = date(1991, 1, 2)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.lrmx", minimal_lrmx())
        archive.writestr(
            "b.lrmx",
            minimal_lrmx(
                XingMing="林芳",
                XingBie="女",
                ChuShengNianYue="199101",
                RuDangShiJian="",
                ShenFenZheng=make_id_number("469099", second_born, 40, "2"),
            ),
        )
    out = io.StringIO()
    call_command("import_lrmx", str(path), "--unit", "TA", stdout=out)
    assert "成功 2 个，失败 0 个" in out.getvalue()
    assert sorted(Cadre.objects.values_list("name", "political_status")) == [("林芳", "13"), ("陈明", "01")]


def test_export_states_the_statutory_retirement_month(world: World) -> None:
    cadre = services.cadre_create(data=cadre_data("李四", sequence=21), unit=world.town_a, actor=None)
    root = _xml(cadre_to_lrmx(cadre, as_of=AS_OF))
    born = cadre.birth_date
    if cadre.gender == "1" and born >= date(1976, 9, 1):  # men born 1976-09 or later retire at 63
        assert root.findtext("DaoLingNianYue") == f"{born.year + 63}{born.month:02d}"
    else:
        assert len(root.findtext("DaoLingNianYue") or "") == 6
