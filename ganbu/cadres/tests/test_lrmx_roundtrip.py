"""LRMX files as the national software writes them (`lrmx_files/`, written by us in its shapes: UTF-8,
flat `<Person>`, CR LF in the 简历 as `&#xD;`, padding rows in the family table, empty elements
holding white space) import without loss: import → export gives back every element with its text
unchanged, and import → export → import gives the same record.

The one exception is ZhaoPian (照片): an imported photo is decoded in a limited child process and
stored re-encoded as a clean JPEG (services.cadre_set_photo), and the export writes what is stored
(the same picture, other bytes); the photo bytes as sent are never written back. The files here
have no photo; test_lrmx.test_export_embeds_the_photo covers the photo."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from ganbu.cadres import services
from ganbu.cadres.lrmx import LrmxError, cadre_to_lrmx, import_lrmx, parse_lrmx, parse_resume
from ganbu.cadres.lrmx.writing import AGE_LIMIT_COMPUTED, OPEN_PERIOD_GAP
from ganbu.cadres.models import Cadre
from ganbu.cadres.services import CodeBook
from ganbu.cadres.tests.test_lrmx import minimal_lrmx
from ganbu.testing.world import World

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "lrmx_files"
NAMES = ["wang_wei.lrmx", "li_hong.lrmx", "zhao_gang.lrmx"]
NOT_WRITTEN_BACK = {"ZhaoPian"}  # see the module docstring


def _root(data: bytes) -> ET.Element:
    return ET.fromstring(data)  # noqa: S314 - our own fixtures and output


def elements(data: bytes) -> list[tuple[str, Any]]:
    """(tag, text) of every element in order; the family table as the texts of its items."""
    out: list[tuple[str, Any]] = []
    for child in _root(data):
        if child.tag == "JiaTingChengYuan":
            out.append((child.tag, [[(c.tag, c.text or "") for c in item] for item in child]))
        else:
            out.append((child.tag, child.text or ""))
    return out


def snapshot(cadre: Cadre) -> dict[str, Any]:
    c = Cadre.objects.get(pk=cadre.pk)
    # every field of the record; lrmx_extras is the file itself (compared through the exports)
    skip = {"id", "created_at", "updated_at", "photo", "unit", "account", "lrmx_extras"}
    fields = [f.name for f in Cadre._meta.concrete_fields if f.name not in skip]
    return {
        "cadre": {f: getattr(c, f) for f in fields},
        "educations": sorted(
            (e.kind, e.education, e.degree, e.school, e.major, e.started_on, e.ended_on)
            for e in c.educations.all()
        ),
        "appointments": sorted(
            (a.started_on, a.ended_on, a.title, a.is_primary, a.unit_id) for a in c.appointments.all()
        ),
        "assessments": sorted((a.year, a.grade) for a in c.assessments.all()),
        "family": sorted(
            (f.relation, f.name, f.birth_date, f.political_status, f.workplace) for f in c.family.all()
        ),
    }


def _import(world: World, name: str) -> tuple[bytes, Cadre]:
    data = (FILES / name).read_bytes()
    cadre, created = import_lrmx(data, unit=world.town_a, actor=world.users["clerk_a"])
    assert created
    return data, cadre


@pytest.mark.parametrize("name", NAMES)
def test_every_element_comes_back_with_its_text_unchanged(world: World, name: str) -> None:
    original, cadre = _import(world, name)
    exported = cadre_to_lrmx(Cadre.objects.get(pk=cadre.pk))
    back = dict(elements(exported))
    for tag, text in elements(original):
        if tag in NOT_WRITTEN_BACK:
            continue
        assert tag in back, tag
        assert back[tag] == text, tag
    # and in the file's order (elements the file lacked may be added between them)
    order = [t for t, _ in elements(exported)]
    kept = [t for t, _ in elements(original) if t not in NOT_WRITTEN_BACK]
    assert [t for t in order if t in kept] == kept


@pytest.mark.parametrize("name", NAMES)
def test_import_export_import_gives_the_same_record(world: World, name: str) -> None:
    _, cadre = _import(world, name)
    before = snapshot(cadre)
    exported = cadre_to_lrmx(Cadre.objects.get(pk=cadre.pk))
    services.cadre_delete(cadre=cadre, actor=world.users["admin"])
    again, created = import_lrmx(exported, unit=world.town_a, actor=world.users["clerk_a"])
    assert created
    assert snapshot(again) == before
    # and a second export is the first one, byte for byte
    assert cadre_to_lrmx(Cadre.objects.get(pk=again.pk)) == exported


def test_the_values_are_read_not_guessed(world: World) -> None:
    _, cadre = _import(world, "wang_wei.lrmx")
    codes = CodeBook()
    cadre.refresh_from_db()
    assert cadre.name == "王伟"  # the normalised name, for search; the file's text is kept
    assert cadre.birth_date == date(1975, 8, 15)
    assert cadre.political_status == codes.code_for("political_status", "中共党员")
    assert cadre.party_joined_on == date(1997, 6, 12)  # 19970612 is a date
    assert cadre.work_started_on == date(1997, 7, 1)
    assessments = sorted((a.year, codes.name("assessment_result", a.grade)) for a in cadre.assessments.all())
    assert assessments == [(2021, "称职"), (2022, "称职"), (2023, "优秀")]
    posts = sorted((a.started_on, a.ended_on, a.title, a.is_primary) for a in cadre.appointments.all())
    assert posts == [
        (date(1997, 7, 1), date(2001, 12, 1), "甲镇党政办科员", True),
        (date(2001, 12, 1), date(2008, 3, 1), "甲镇党政办副主任", True),
        (date(2008, 3, 1), date(2016, 5, 1), "甲镇党委副书记", True),
        (date(2016, 5, 1), None, "甲镇人大主席", False),
        (date(2016, 5, 1), None, "甲镇党委书记", True),
    ]
    studies = sorted(
        (e.kind, codes.name("education", e.education), e.school, e.major, e.started_on, e.ended_on)
        for e in cadre.educations.all()
    )
    assert studies == [
        ("fulltime", "大学", "海南大学", "法学", date(1993, 9, 1), date(1997, 7, 1)),
        ("inservice", "研究生", "中央党校", "经济管理", date(2002, 9, 1), date(2005, 7, 1)),
    ]
    family = sorted((f.name, f.birth_date) for f in cadre.family.all())
    assert family == [("李红", date(1978, 3, 1)), ("王大山", date(1948, 2, 1)), ("王小明", date(2003, 5, 1))]
    # what the registry could not take is said, and kept with the record
    assert any("挂任县扶贫办副主任" in w and "不是学习经历" in w for w in cadre.lrmx_extras["warnings"])


def test_a_resume_without_line_breaks_and_cross_party_membership(world: World) -> None:
    record = parse_lrmx((FILES / "li_hong.lrmx").read_bytes())
    codes = CodeBook()
    assert [(s, e, t) for s, e, t in record.resume] == [
        (date(2006, 9, 1), date(2010, 7, 1), "海南师范大学汉语言文学专业本科"),
        (
            date(2010, 7, 1),
            date(2015, 3, 1),
            "乙乡党政办科员（其间：2011.09-2014.07在海南大学公共管理专业在职学习，获公共管理硕士学位）",
        ),
        (date(2015, 3, 1), None, "乙乡党委委员、组织委员"),
    ]
    assert [a.title for a in record.appointments] == ["乙乡党政办科员", "乙乡党委委员、组织委员"]
    assert record.political_status == codes.code_for("political_status", "中共党员")
    assert record.party_joined_on == date(2011, 6, 1)
    assert any("交叉党员" in w and "民盟" in w for w in record.warnings)
    assert record.birth_date == date(1988, 11, 2)
    assert record.assessments == [
        (2022, codes.code_for("assessment_result", "称职")),
        (2023, codes.code_for("assessment_result", "优秀")),
        (2024, codes.code_for("assessment_result", "称职")),
    ]
    in_service = [e for e in record.educations if e.kind == "inservice"]
    assert [(e.school, e.major, e.started_on, e.ended_on) for e in in_service] == [
        ("海南大学", "公共管理", date(2011, 9, 1), date(2014, 7, 1))
    ]


def test_other_shapes_of_dates_grades_and_study(world: World) -> None:
    record = parse_lrmx((FILES / "zhao_gang.lrmx").read_bytes())
    codes = CodeBook()
    assert record.political_status == codes.code_for("political_status", "民盟盟员")
    assert record.party_joined_on is None
    passed = codes.code_for("assessment_result", "合格")
    assert record.assessments == [(2016, passed), (2017, passed), (2018, passed)]
    assert [a.title for a in record.appointments] == ["乙乡中学教师、教务主任", "乙乡人民政府副乡长"]
    assert [(e.school, e.major) for e in record.educations] == [("华中师范大学", "历史系")]
    assert record.family[0].birth_date == date(1972, 3, 15)


def test_the_form_elements_are_kept_and_the_callers_values_win(world: World) -> None:
    _, cadre = _import(world, "wang_wei.lrmx")
    root = _root(cadre_to_lrmx(Cadre.objects.get(pk=cadre.pk), proposed_post="县委办主任"))
    assert root.findtext("NiRenZhiWu") == "县委办主任"
    assert root.findtext("NiMianZhiWu") == "甲镇党委书记、甲镇人大主席"
    assert root.findtext("RenMianLiYou") == "工作需要"
    assert root.findtext("ChengBaoDanWei") == "中共测试县委组织部"
    assert root.findtext("TianBiaoRen") == "赵六"
    assert root.findtext("TianBiaoShiJian") == "202506"
    assert root.findtext("GaiGeQianRenZhiNianLingJieXian") == "改革前任职年龄界限为55岁"
    assert root.findtext("JiSuanNianLingShiJian") == "2025.06"  # no as_of given: the file's
    dated = _root(cadre_to_lrmx(Cadre.objects.get(pk=cadre.pk), as_of=date(2026, 12, 7)))
    assert dated.findtext("JiSuanNianLingShiJian") == "20261207"  # the caller's date


def test_a_changed_record_is_written_from_the_registry_the_rest_as_the_file_had_it(world: World) -> None:
    original, cadre = _import(world, "wang_wei.lrmx")
    services.cadre_update(cadre=cadre, data={"health": "良好"}, actor=None)
    exported = dict(elements(cadre_to_lrmx(Cadre.objects.get(pk=cadre.pk))))
    assert exported["JianKangZhuangKuang"] == "良好"
    for tag, text in elements(original):
        if tag not in ("JianKangZhuangKuang", *NOT_WRITTEN_BACK):
            assert exported[tag] == text, tag


def test_dao_ling_nian_yue_is_the_files_or_computed_and_says_which(world: World) -> None:
    _, kept = _import(world, "wang_wei.lrmx")
    data = cadre_to_lrmx(Cadre.objects.get(pk=kept.pk))
    assert _root(data).findtext("DaoLingNianYue") == "203008"  # the post's limit, not 63
    assert Cadre.objects.get(pk=kept.pk).lrmx_extras["age_limit_month"] == "file"
    assert AGE_LIMIT_COMPUTED.encode() not in data
    _, computed = _import(world, "li_hong.lrmx")  # an older file without it
    data = cadre_to_lrmx(Cadre.objects.get(pk=computed.pk))
    assert _root(data).findtext("DaoLingNianYue") == "204611"  # woman cadre born 1988-11: 58
    assert f"<!--{AGE_LIMIT_COMPUTED}-->".encode() in data
    assert Cadre.objects.get(pk=computed.pk).lrmx_extras["age_limit_month"] == "computed"
    assert _root(data).find("GaiGeQianRenZhiNianLingJieXian") is None


def test_a_computed_resume_pads_the_open_period_and_breaks_lines_as_the_software(world: World) -> None:
    _, cadre = _import(world, "zhao_gang.lrmx")
    services.cadre_update(cadre=cadre, data={"health": "健康"}, actor=None)  # not the 简历: kept
    record = services.record_save(
        cadre=cadre,
        kind="appointment",
        data={
            "unit": world.town_a,
            "title": "乙乡人民政府乡长",
            "is_primary": True,
            "started_on": date(2019, 7, 1),
        },
        actor=None,
        instance=None,
    )
    assert record is not None
    data = cadre_to_lrmx(Cadre.objects.get(pk=cadre.pk))
    assert b"&#xD;\n" in data or b"&#xD;" in data
    jianli = _root(data).findtext("JianLi") or ""
    lines = jianli.split("\r\n")
    assert lines[-1] == f"2019.07--{OPEN_PERIOD_GAP}乙乡人民政府乡长"
    assert len(OPEN_PERIOD_GAP) == 9


def test_an_unknown_element_is_kept_in_its_place(world: World) -> None:
    data = minimal_lrmx(BeiZhu="本系统不认识的元素")  # not a national element: any element counts
    cadre, _ = import_lrmx(data, unit=world.town_a, actor=None)
    tags = [t for t, _ in elements(cadre_to_lrmx(Cadre.objects.get(pk=cadre.pk)))]
    assert tags.index("ShenFenZheng") < tags.index("BeiZhu") < tags.index("JiaTingChengYuan")
    assert dict(elements(cadre_to_lrmx(Cadre.objects.get(pk=cadre.pk))))["BeiZhu"] == "本系统不认识的元素"


def test_a_repeated_unknown_element_keeps_every_copy_in_order(world: World) -> None:
    data = minimal_lrmx(_head='<?xml version="1.0" encoding="UTF-8"?>').replace(
        b"<Version>", "<BeiZhu>一</BeiZhu><BeiZhu>二</BeiZhu><Version>".encode()
    )
    cadre, _ = import_lrmx(data, unit=world.town_a, actor=None)
    exported = elements(cadre_to_lrmx(Cadre.objects.get(pk=cadre.pk)))
    assert [text for tag, text in exported if tag == "BeiZhu"] == ["一", "二"]


def test_the_import_command_shows_the_warnings(world: World, tmp_path: Path) -> None:
    path = tmp_path / "李红.lrmx"
    path.write_bytes((FILES / "li_hong.lrmx").read_bytes())
    out = io.StringIO()
    call_command("import_lrmx", str(path), "--unit", "TA", stdout=out)
    assert "提示：" in out.getvalue() and "交叉党员" in out.getvalue()


# --- shapes, one at a time ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("19750815", date(1975, 8, 15)),
        ("197508", date(1975, 8, 1)),
        ("1975.8", date(1975, 8, 1)),
        ("1975.08", date(1975, 8, 1)),
        ("1975.08.15", date(1975, 8, 15)),
        ("１９７５．０８", date(1975, 8, 1)),
    ],
)
def test_birth_month_shapes(value: str, expected: date) -> None:
    record = parse_lrmx(minimal_lrmx(ChuShengNianYue=value, ShenFenZheng=""), sandboxed=False)
    assert record.birth_date == expected


@pytest.mark.parametrize(
    ("value", "status", "joined"),
    [
        ("19970612", "中共党员", date(1997, 6, 12)),
        ("199706", "中共党员", date(1997, 6, 1)),
        ("1997.7", "中共党员", date(1997, 7, 1)),
        ("199706（预备党员）", "中共预备党员", date(1997, 6, 1)),
        ("199706(预备党员)", "中共预备党员", date(1997, 6, 1)),  # half-width: parsers accept both
        ("199706；民盟", "中共党员", date(1997, 6, 1)),
        ("199706;民盟", "中共党员", date(1997, 6, 1)),  # half-width input: the parser accepts both widths
        ("民盟", "民盟盟员", None),
        ("", "群众", None),
    ],
)
def test_party_shapes(value: str, status: str, joined: date | None) -> None:
    record = parse_lrmx(minimal_lrmx(RuDangShiJian=value, ChuShengNianYue="197005", ShenFenZheng=""))
    assert CodeBook().name("political_status", record.political_status) == status
    assert record.party_joined_on == joined


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2012", "RuDangShiJian（入党时间）格式应为 yyyyMM"),
        ("199706；火星党", "「火星党」无法识别"),
        ("199706 群众", "前后矛盾"),
        ("中共党员", "缺少入党年月"),
    ],
)
def test_party_values_not_understood_are_errors(value: str, message: str) -> None:
    with pytest.raises(LrmxError, match=message):
        parse_lrmx(minimal_lrmx(RuDangShiJian=value, ChuShengNianYue="197005", ShenFenZheng=""))


THREE_YEARS = [(2021, "称职"), (2022, "称职"), (2023, "优秀")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022年度考核称职，2023年度考核优秀。", [(2022, "称职"), (2023, "优秀")]),
        ("2021、2022年度称职；2023年度优秀。", THREE_YEARS),
        ("2021,2022年度称职;2023年度优秀.", THREE_YEARS),  # half-width: parsers accept both
        ("2016、2017、2018年均为合格", [(2016, "合格"), (2017, "合格"), (2018, "合格")]),
        ("2015年，合格；2016年，合格。", [(2015, "合格"), (2016, "合格")]),
        ("2016-2018年度均为称职", [(2016, "称职"), (2017, "称职"), (2018, "称职")]),
        ("2023年度称职2024年度优秀", [(2023, "称职"), (2024, "优秀")]),
        ("（无）", []),
        ("无", []),
    ],
)
def test_assessment_shapes(text: str, expected: list[tuple[int, str]]) -> None:
    record = parse_lrmx(
        minimal_lrmx(
            NianDuKaoHeJieGuo=text, CanJiaGongZuoShiJian="199007", ChuShengNianYue="197005", ShenFenZheng=""
        )
    )
    codes = CodeBook()
    assert [(y, codes.name("assessment_result", g)) for y, g in record.assessments] == expected
    assert not record.warnings


def test_assessment_text_without_a_year_is_a_warning_never_dropped_quietly() -> None:
    record = parse_lrmx(minimal_lrmx(NianDuKaoHeJieGuo="近三年考核均为称职；2024年度优秀。"))
    assert [y for y, _ in record.assessments] == [2024]
    assert any("近三年考核均为称职" in w for w in record.warnings)


@pytest.mark.parametrize(
    "text",
    [
        "2003.09--2007.07  海南大学法学专业学习\r\n2007.07--  甲镇党政办科员",
        "2003.09-2007.07  海南大学法学专业毕业\n2007.07-  甲镇党政办科员",
        "2003.09—2007.07  海南大学法学专业学生\n2007.07—  甲镇党政办科员",
        "2003.09～2007.07  海南大学法学专业本科\n2007.07～  甲镇党政办科员",
        "2003.09--2007.07  海南大学法学专业学习2007.07--  甲镇党政办科员",
        "200309--200707 海南大学法学专业学习\r200707--至今 甲镇党政办科员",
        "2003.9--2007.7  海南大学法学专业学习\n2007.7--         甲镇党政办科员",
    ],
)
def test_resume_shapes_and_study_lines_are_never_posts(text: str) -> None:
    school = "海南大学法学专业"
    record = parse_lrmx(
        minimal_lrmx(
            JianLi=text,
            QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi=school,
            QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi=school,
        )
    )
    assert [(a.title, a.started_on, a.ended_on) for a in record.appointments] == [
        ("甲镇党政办科员", date(2007, 7, 1), None)
    ]
    assert [(e.school, e.started_on, e.ended_on) for e in record.educations if e.kind == "fulltime"] == [
        ("海南大学", date(2003, 9, 1), date(2007, 7, 1))
    ]


@pytest.mark.parametrize(
    "nested",
    [
        "（其间：2009.09--2012.07在中央党校经济管理专业在职学习）",
        "(其间:2009.09-2012.07在中央党校经济管理专业在职学习)",  # half-width input: the parser accepts both widths
        "（期间：2009.09—2012.07在中央党校经济管理专业在职研究生学习）",
        "\n（2009.09-2012.07  在中央党校经济管理专业在职研究生学习）",
        "\r\n（其间：2009.09～2012.07在中央党校经济管理专业学习，获经济学硕士学位）",
    ],
)
def test_nested_study_inline_or_on_its_own_line(nested: str) -> None:
    text = f"2003.09--2013.07  海南师范大学汉语言文学专业学习\n2013.07--  甲镇党政办科员{nested}"
    record = parse_lrmx(
        minimal_lrmx(
            JianLi=text.replace("2009.09", "2014.09").replace("2012.07", "2017.07"),
            ZaiZhiJiaoYu_XueLi="中央党校研究生",
            ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi="中央党校经济管理专业",
        )
    )
    assert [a.title for a in record.appointments] == ["甲镇党政办科员"]
    in_service = [e for e in record.educations if e.kind == "inservice"]
    assert [(e.school, e.major, e.started_on, e.ended_on) for e in in_service] == [
        ("中央党校", "经济管理", date(2014, 9, 1), date(2017, 7, 1))
    ]


def test_parse_resume_keeps_the_nested_line_with_its_post() -> None:
    assert parse_resume("2001.12-2008.03  甲镇党政办副主任\r\n（2002.09-2005.07  在中央党校学习）") == [
        (date(2001, 12, 1), date(2008, 3, 1), "甲镇党政办副主任（2002.09-2005.07  在中央党校学习）")
    ]
