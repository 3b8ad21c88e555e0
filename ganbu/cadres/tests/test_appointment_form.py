"""干部任免审批表 (.docx): the generated document is read back with python-docx and checked cell by cell."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from docx import Document
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_LINE_SPACING
from docx.table import Table

from ganbu.cadres import services
from ganbu.cadres.appointment_form import (
    ResumePost,
    ResumeStudy,
    appointment_form_docx,
    appointment_forms_zip,
    build_appointment_form,
    compose_resume,
    form_data,
    layout,
    resume_lines,
)
from ganbu.cadres.appointment_form.word import (
    FAMILY_BLOCK,
    PAGE1_GRID,
    PAGE1_MARGINS,
    PAGE1_ROWS,
    PAGE2_GRID,
    PAGE2_MARGINS,
    RESUME_HEIGHT,
)
from ganbu.cadres.models import Cadre, EducationKind
from ganbu.cadres.rules import make_id_number
from ganbu.cadres.selectors import cadres_under_unit
from ganbu.cadres.services import CodeBook
from ganbu.org.models import Unit, User
from ganbu.testing.world import World

pytestmark = pytest.mark.django_db

AS_OF = date(2025, 11, 1)
BORN = date(1985, 3, 4)

EXPECTED_RESUME = [
    "2003.09--2007.07  海南大学法学专业学习",
    "2007.07--2010.12  甲镇党政办科员（其间：2009.09--2012.07 在中央党校经济管理专业在职学习）",
    "2010.12--2016.01  甲镇党政办副主任",
    "2016.01--      甲镇党委副书记、甲镇人民政府镇长（兼）",
    "2018.03--2020.05  甲镇武装部第一书记（兼）",
]


def cadre_data(name: str = "张三", born: date = BORN, sequence: int = 7, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": name,
        "gender": "1",
        "ethnicity": "01",
        "birth_date": born,
        "id_number": make_id_number("469099", born, sequence, "1"),
        "political_status": "01",
        "party_joined_on": date(2006, 7, 15),
        "work_started_on": date(2007, 7, 1),
        "native_place": "海南文昌",
        "birthplace": "海南海口",
        "health": "健康",
        "professional_title": "经济师",
        "expertise": "农村经济管理",
        "personnel_category": "1",
    }
    data.update(overrides)
    return data


def build_full_cadre(world: World, actor: User | None = None, unit: Unit | None = None) -> Cadre:
    """张三 - full-time and in-service study, three posts, two concurrent posts, four assessments,
    four family members and a reward — all written through the services."""
    unit = unit or world.town_a
    cadre = services.cadre_create(data=cadre_data(), unit=unit, actor=actor)

    def save(record_kind: str, **data: Any) -> None:
        services.record_save(cadre=cadre, kind=record_kind, data=data, actor=actor)

    save(
        "education",
        kind=EducationKind.FULL_TIME,
        education="21",
        degree="4",
        school="海南大学",
        major="法学",
        started_on=date(2003, 9, 1),
        ended_on=date(2007, 7, 1),
    )
    save(
        "education",
        kind=EducationKind.IN_SERVICE,
        education="1A",
        school="中央党校",
        major="经济管理",
        started_on=date(2009, 9, 1),
        ended_on=date(2012, 7, 1),
    )
    for title, start, end, primary in (
        ("甲镇党政办科员", date(2007, 7, 1), date(2010, 12, 1), True),
        ("甲镇党政办副主任", date(2010, 12, 1), date(2016, 1, 1), True),
        ("甲镇党委副书记", date(2016, 1, 1), None, True),
        ("甲镇人民政府镇长", date(2016, 1, 1), None, False),
        ("甲镇武装部第一书记", date(2018, 3, 1), date(2020, 5, 1), False),
    ):
        save("appointment", unit=unit, title=title, started_on=start, ended_on=end, is_primary=primary)
    for year, grade in ((2022, "2"), (2023, "2"), (2024, "1"), (2025, "2")):
        save("assessment", year=year, grade=grade)
    for relation, name, born, political, workplace in (
        ("51", "张大山", date(1958, 6, 1), "13", "甲镇甲村农民"),  # GB/T 4761-2008: 51 父亲
        ("52", "王秀英", date(1960, 2, 1), "13", "已故"),
        ("12", "李丽", date(1987, 5, 1), "01", "甲镇中心小学教师"),
        ("20", "张小宝", date(2012, 8, 1), "", "甲镇中心小学学生"),
    ):
        save(
            "family",
            relation=relation,
            name=name,
            birth_date=born,
            political_status=political,
            workplace=workplace,
        )
    save("reward", kind="reward", name="优秀共产党员", granted_on=date(2019, 12, 1), authority="甲镇党委")
    cadre.refresh_from_db()
    return cadre


def _read(data: bytes) -> Any:
    return Document(io.BytesIO(data))


def _after(table: Table, label: str, nth: int = 0) -> str:
    """Text of the first cell to the right of the cell reading `label` (merged cells count once)."""
    seen = 0
    for row in table.rows:
        cells = row.cells
        for i, cell in enumerate(cells):
            if cell.text == label:
                if seen == nth:
                    for other in cells[i + 1 :]:
                        if other._tc is not cell._tc:
                            return str(other.text)
                seen += 1
    raise AssertionError(f"label {label!r} not found")


def _row_of(table: Table, label: str) -> list[str]:
    for row in table.rows:
        texts: list[str] = []
        previous: Any = None
        for cell in row.cells:
            if not texts or cell._tc is not previous:
                texts.append(cell.text)
            previous = cell._tc
        if label in texts:
            return texts
    raise AssertionError(f"label {label!r} not found")


def tail(cadre: Cadre) -> str:
    """The last four characters of the 身份证号, as used in file names."""
    assert cadre.id_number
    return cadre.id_number[-4:]


def tiny_png(width: int = 35, height: int = 45) -> bytes:
    def chunk(tag: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + b"\xc8\xc8\xc8" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


# ---------------------------------------------------------------------------------------------


def test_resume_lines_follow_the_standard_form(world: World) -> None:
    cadre = build_full_cadre(world)
    assert resume_lines(cadre) == EXPECTED_RESUME


def test_in_service_study_goes_to_the_post_it_started_in_or_its_own_line() -> None:
    posts = [
        ResumePost(date(2007, 7, 1), date(2010, 12, 1), "甲镇党政办科员"),
        ResumePost(date(2010, 12, 1), None, "甲镇党政办副主任"),
    ]
    studies = [
        # starts the month the first post ends: belongs to the next post
        ResumeStudy(date(2010, 12, 1), date(2013, 7, 1), "在海南大学公共管理专业在职学习", True),
        # before any post: a line of its own
        ResumeStudy(date(2005, 3, 1), date(2006, 1, 1), "在海南广播电视大学行政管理专业在职学习", True),
        # still studying
        ResumeStudy(date(2021, 9, 1), None, "在中央党校法律专业在职学习", True),
    ]
    assert compose_resume(posts, studies) == [
        "2005.03--2006.01  在海南广播电视大学行政管理专业在职学习",
        "2007.07--2010.12  甲镇党政办科员",
        "2010.12--      甲镇党政办副主任（其间：2010.12--2013.07 在海南大学公共管理专业在职学习；"
        "2021.09-- 在中央党校法律专业在职学习）",
    ]


def test_page_one_cells(world: World) -> None:
    cadre = build_full_cadre(world)
    doc = _read(
        build_appointment_form(
            cadre,
            as_of=AS_OF,
            proposed_post="甲镇党委书记",
            proposed_removal="甲镇党委副书记、甲镇人民政府镇长",
            reason="工作需要",
            reporting_unit="中共测试县委组织部",
            filled_by="赵六",
        )
    )
    assert doc.paragraphs[0].text == "干部任免审批表"
    page1 = doc.tables[0]
    assert _after(page1, "姓  名") == "张三"
    assert _after(page1, "性  别") == "男"
    assert _after(page1, "出生年月\n（岁）") == "1985.03\n（40岁）"  # the age on a line of its own
    assert _after(page1, "民  族") == "汉族"
    assert _after(page1, "籍  贯") == "海南文昌"
    assert _after(page1, "出 生 地") == "海南海口"
    assert _after(page1, "入  党\n时  间") == "2006.07"
    assert _after(page1, "参加工\n作时间") == "2007.07"
    assert _after(page1, "健康状况") == "健康"
    assert _after(page1, "专业技\n术职务") == "经济师"
    assert _after(page1, "熟悉专业\n有何专长") == "农村经济管理"
    # 学历 and 学位 on a row each; one school printed once across both rows
    university, party_school = CodeBook().name("education", "21"), CodeBook().name("education", "1A")
    fulltime = [
        _row_of(page1, university),
        _row_of(page1, CodeBook().name("degree", "4")),
    ]
    assert fulltime == [
        ["学 历\n学 位", "全日制\n教  育", university, "毕业院校\n系及专业", "海南大学法学专业"],
        ["学 历\n学 位", "全日制\n教  育", "学士", "毕业院校\n系及专业", "海南大学法学专业"],
    ]
    assert _row_of(page1, party_school) == [
        "学 历\n学 位",
        "在  职\n教  育",
        party_school,
        "毕业院校\n系及专业",
        "中央党校经济管理专业",
    ]
    assert _after(page1, "现 任 职 务") == "甲镇党委副书记、甲镇人民政府镇长"
    assert _after(page1, "拟 任 职 务") == "甲镇党委书记"
    assert _after(page1, "拟 免 职 务") == "甲镇党委副书记、甲镇人民政府镇长"
    assert _after(page1, "简\n\n\n\n历").split("\n") == EXPECTED_RESUME
    photo_cell = page1.rows[0].cells[-1]
    assert photo_cell.text == "照片"
    assert len(doc.inline_shapes) == 0


def test_age_is_counted_at_the_chosen_date(world: World) -> None:
    cadre = build_full_cadre(world)
    before_birthday = _read(build_appointment_form(cadre, as_of=date(2025, 3, 3)))
    on_birthday = _read(build_appointment_form(cadre, as_of=date(2025, 3, 4)))
    assert _after(before_birthday.tables[0], "出生年月\n（岁）") == "1985.03\n（39岁）"
    assert _after(on_birthday.tables[0], "出生年月\n（岁）") == "1985.03\n（40岁）"


def test_page_two_cells(world: World) -> None:
    cadre = build_full_cadre(world)
    doc = _read(
        build_appointment_form(
            cadre, as_of=AS_OF, reason="工作需要", reporting_unit="中共测试县委组织部", filled_by="赵六"
        )
    )
    page2 = doc.tables[1]
    assert _after(page2, "奖\n惩\n情\n况") == "2019.12 优秀共产党员（甲镇党委）。"
    # 年度考核结果 in two columns read top to bottom: 年度考 | 核结果
    assert _after(page2, "年核\n度结\n考果") == "2023年度称职；2024年度优秀；2025年度称职。"
    assert _after(page2, "任\n免\n理\n由") == "工作需要"
    # the form of the registry as it stood on 2025-04-24: the 2025 grade was not decided yet
    past = _read(build_appointment_form(cadre, as_of=date(2025, 4, 25), held_on=date(2025, 4, 24)))
    assert _after(past.tables[1], "年核\n度结\n考果") == "2022年度称职；2023年度称职；2024年度优秀。"
    header = _row_of(page2, "称  谓")
    assert header[0] == "\n".join("家庭主要成员及重要社会关系")
    assert header[1:] == ["称  谓", "姓  名", "年  龄", "政 治\n面 貌", "工 作 单 位 及 职 务"]
    family = [_row_of(page2, name)[1:] for name in ("李丽", "张小宝", "张大山", "王秀英")]
    assert family == [
        ["妻子", "李丽", "38", "中共党员", "甲镇中心小学教师"],
        ["儿子", "张小宝", "13", "", "甲镇中心小学学生"],
        ["父亲", "张大山", "67", "群众", "甲镇甲村农民"],
        ["母亲", "王秀英", "", "群众", "已故"],  # no age for the deceased
    ]
    # spouse first, then children, then parents: the order of the form
    names = [r.cells[2].text for r in page2.rows if r.cells[2].text in ("李丽", "张小宝", "张大山", "王秀英")]
    assert names == ["李丽", "张小宝", "张大山", "王秀英"]
    # 呈报单位: the unit over a blank date, and no seal line (the template has none)
    reporting = [r.cells[1].text for r in page2.rows if r.cells[0].text == "呈\n报\n单\n位"]
    assert reporting == ["中共测试县委组织部", "年    月    日"]
    # the approval boxes: vertical two-column labels, each box with its seal and date
    assert _after(page2, "审意\n批\n机\n关见") == "\n（盖章）\n年    月    日"
    assert _after(page2, "行任\n政免\n机意\n关见") == "\n（盖章）\n年    月    日"
    footer = doc.paragraphs[-1].text
    assert footer.startswith("填表人：赵六") and footer.endswith("填表时间：2025.11.01")


def test_document_is_a4_with_chinese_fonts(world: World) -> None:
    cadre = build_full_cadre(world)
    doc = _read(build_appointment_form(cadre, as_of=AS_OF))
    section = doc.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    name_run = doc.tables[0].rows[0].cells[2].paragraphs[0].runs[0]  # 姓  名 spans columns 0–1
    fonts = name_run._element.rPr.rFonts
    assert (
        fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "仿宋_GB2312"
    )
    layout = doc.tables[0]._tbl.tblPr.find(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblLayout"
    )
    assert layout is not None  # fixed column widths


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _twips(length: Any) -> int:
    return round(length.twips)


def test_layout_is_the_national_templates(world: World) -> None:
    """Grids, exact row heights and margins of the template (word.py cites the public source)."""
    doc = _read(build_appointment_form(build_full_cadre(world), as_of=AS_OF))
    page1, page2 = doc.tables
    assert [_twips(r.height) for r in page1.rows] == [*PAGE1_ROWS, RESUME_HEIGHT]
    assert [*PAGE1_ROWS, RESUME_HEIGHT] == [709, 692, 680, 709, 346, 346, 346, 346, 709, 709, 709, 7133]
    assert [_twips(r.height) for r in page2.rows] == [1418, 1021, 1361, 646, *[697] * 7, 1332, 737, 2019]
    for table in (page1, page2):
        assert {r.height_rule for r in table.rows} == {WD_ROW_HEIGHT_RULE.EXACTLY}  # never "at least"
    grids = [[int(col.get(f"{W}w")) for col in t._tbl.tblGrid] for t in (page1, page2)]
    assert grids == [list(PAGE1_GRID), list(PAGE2_GRID)]
    margins = [
        tuple(_twips(m) for m in (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin))
        for s in doc.sections
    ]
    assert margins == [PAGE1_MARGINS, PAGE2_MARGINS]
    assert [round(x / 567, 2) for x in PAGE1_MARGINS] == [1.11, 1.2, 2.2, 2.0]  # cm
    assert all(round(s.page_width.cm, 1) == 21.0 and round(s.page_height.cm, 1) == 29.7 for s in doc.sections)


def test_title_is_letter_spaced_across_the_top(world: World) -> None:
    doc = _read(build_appointment_form(build_full_cadre(world), as_of=AS_OF))
    title = doc.paragraphs[0]
    assert title.text == "干部任免审批表"
    spread, last = title.runs
    spacing = spread._element.rPr.find(f"{W}spacing")
    assert spacing is not None and int(spacing.get(f"{W}val")) > 200  # > 10 pt between characters
    assert last.text == "表" and last._element.rPr.find(f"{W}spacing") is None  # stays centred
    assert {spread.font.size.pt, last.font.size.pt} == {24}


def _resume_size(doc: Any) -> float:
    cell = doc.tables[0].rows[-1].cells[-1]
    sizes = {run.font.size.pt for p in cell.paragraphs for run in p.runs}
    assert len(sizes) == 1
    return float(sizes.pop())


def test_resume_font_shrinks_from_14_toward_8_pt_with_its_length(world: World) -> None:
    data = form_data(build_full_cadre(world), as_of=AS_OF)
    line = "2007.07--2010.12  甲镇人民政府党政综合办公室副主任（主持工作）"
    sizes = [
        _resume_size(_read(appointment_form_docx(replace(data, resume=[line] * n))))
        for n in (5, 20, 25, 30, 40)
    ]
    assert sizes[0] == 14  # a short 简历 keeps the template's size
    assert sizes == sorted(sizes, reverse=True) and sizes[-1] >= 8
    assert sizes[1] < 14 and sizes[-1] < sizes[1]
    # the rule: the largest half-point size whose lines fit the cell
    doc = _read(appointment_form_docx(replace(data, resume=[line] * 30)))
    size = _resume_size(doc)
    assert size == sizes[3]
    fmt = doc.tables[0].rows[-1].cells[-1].paragraphs[0].paragraph_format
    assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert fmt.line_spacing.pt == round(size * layout.LINE_RATIO, 2)
    # wrapped lines start under the text, after the 9 em of `2007.07--2010.12  `
    assert fmt.left_indent.pt == -fmt.first_line_indent.pt == 9 * size


def test_fit_size_picks_the_largest_size_that_fits() -> None:
    width, height = 400.0, 100.0
    at_14 = int(height // (14 * layout.LINE_RATIO))  # 6 lines of 15.4 pt fit in 100 pt
    assert layout.fit_size(["字"] * at_14, width_pt=width, height_pt=height).size == 14
    assert layout.fit_size(["字"] * (at_14 + 1), width_pt=width, height_pt=height).size == 12.5
    assert layout.fit_size([""], width_pt=width, height_pt=height).size == 14
    # a paragraph wraps: 400 pt hold 27 characters at 14 pt (with the slack), so 28 take two lines
    assert layout.lines_at(["字" * 27], 14, width) == 1
    assert layout.lines_at(["字" * 28], 14, width) == 2
    # at 8 pt the lines may close up to an 8 pt pitch; beyond that the text does not fit
    tight = layout.fit_size(["字"] * 12, width_pt=width, height_pt=height)
    assert (tight.size, tight.pitch, tight.fits) == (8, 8.33, True)
    lost = layout.fit_size(["字"] * 13, width_pt=width, height_pt=height)
    assert (lost.size, lost.fits) == (8, False)


def test_line_count_keeps_latin_words_and_closing_marks_together() -> None:
    assert layout.line_count("1998.07--2003.02", 8) == 2  # 16 × 0.6 em: a word longer than a line
    assert layout.line_count("甲镇" + "1998.07", 4) == 2  # the word moves to the next line whole
    assert layout.line_count("甲镇党委书记，", 6) == 2  # 「，」 never begins a line: 记， move together
    assert layout.line_count("甲" * 10 + "乙" * 10, 10, hanging_em=5) == 3  # 10, then 5 per line


def test_more_than_seven_family_members_share_the_family_block(world: World) -> None:
    data = form_data(build_full_cadre(world), as_of=AS_OF)
    many = replace(data, family=[replace(data.family[0], name=f"成员{i}") for i in range(12)])
    page2 = _read(appointment_form_docx(many)).tables[1]
    heights = [_twips(r.height) for r in page2.rows]
    assert heights[4:16] == [FAMILY_BLOCK // 12] * 12
    assert sum(heights[4:16]) <= FAMILY_BLOCK  # page 2 keeps its height: still two pages
    assert _row_of(page2, "成员11")[1:4] == ["妻子", "成员11", "38"]


def test_photo_is_inserted_when_the_cadre_has_one(world: World, settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    cadre = build_full_cadre(world)
    # No service writes photos yet (uploads are a view concern); attach the file directly.
    cadre.photo.save("zhangsan.png", ContentFile(tiny_png()), save=True)
    doc = _read(build_appointment_form(cadre, as_of=AS_OF))
    assert len(doc.inline_shapes) == 1
    shape = doc.inline_shapes[0]
    assert shape.width.cm <= 3.3 and shape.height.cm <= 4.4
    assert doc.tables[0].rows[0].cells[-1].text == ""


def test_missing_photo_file_falls_back_to_the_placeholder(
    world: World, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    cadre = build_full_cadre(world)
    cadre.photo.name = "photos/gone.png"  # a dangling reference, never saved
    doc = _read(build_appointment_form(cadre, as_of=AS_OF))
    assert doc.tables[0].rows[0].cells[-1].text == "照片"


def test_non_party_cadre_shows_party_name_or_nothing(world: World) -> None:
    member = services.cadre_create(
        data=cadre_data("王芳", sequence=8, gender="1", political_status="05", party_joined_on=None),
        unit=world.town_a,
        actor=None,
    )
    masses = services.cadre_create(
        data=cadre_data("王平", sequence=9, political_status="13", party_joined_on=None),
        unit=world.town_a,
        actor=None,
    )
    party = "入  党\n时  间"
    assert _after(_read(build_appointment_form(member, as_of=AS_OF)).tables[0], party) == "民盟盟员"
    assert _after(_read(build_appointment_form(masses, as_of=AS_OF)).tables[0], party) == ""


def test_zip_has_one_form_per_cadre(world: World) -> None:
    first = build_full_cadre(world)
    second = services.cadre_create(data=cadre_data("王五", sequence=11), unit=world.town_a, actor=None)
    data = appointment_forms_zip([first, second], as_of=AS_OF, reason="工作需要")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert names == [
            f"张三_{tail(first)}_任免审批表.docx",
            f"王五_{tail(second)}_任免审批表.docx",
        ]
        doc = _read(archive.read(names[1]))
    assert _after(doc.tables[0], "姓  名") == "王五"
    assert _after(doc.tables[1], "任\n免\n理\n由") == "工作需要"


# --- the management command -----------------------------------------------------------------


def test_command_writes_one_form(world: World, tmp_path: Path) -> None:
    cadre = build_full_cadre(world)
    out = tmp_path / "form.docx"
    call_command(
        "appointment_form",
        "--id-number",
        f" {cadre.id_number} ",  # surrounding blanks are ignored
        "--out",
        str(out),
        "--as-of",
        "2025-11-01",
        "--proposed",
        "甲镇党委书记",
        "--removal",
        "甲镇党委副书记",
        "--reason",
        "工作需要",
        stdout=io.StringIO(),
    )
    doc = Document(str(out))
    assert _after(doc.tables[0], "出生年月\n（岁）") == "1985.03\n（40岁）"
    assert _after(doc.tables[0], "拟 任 职 务") == "甲镇党委书记"
    assert _after(doc.tables[0], "拟 免 职 务") == "甲镇党委副书记"
    assert _after(doc.tables[1], "任\n免\n理\n由") == "工作需要"


def test_command_batch_for_a_unit_subtree_in_stroke_order(world: World, tmp_path: Path) -> None:
    zhang = build_full_cadre(world)
    wang = services.cadre_create(data=cadre_data("王五", sequence=11), unit=world.village_a, actor=None)
    retired = services.cadre_create(data=cadre_data("丁一", sequence=12), unit=world.town_a, actor=None)
    services.cadre_update(cadre=retired, data={"status": "retired"}, actor=None)
    services.cadre_create(data=cadre_data("李四", sequence=13), unit=world.town_b, actor=None)
    out = tmp_path / "forms.zip"
    call_command("appointment_form", "--unit", "TA", "--out", str(out), stdout=io.StringIO())
    with zipfile.ZipFile(out) as archive:
        assert archive.namelist() == [  # 王 (4 strokes) before 张 (7); 丁 retired; 李 in another township
            f"王五_{tail(wang)}_任免审批表.docx",
            f"张三_{tail(zhang)}_任免审批表.docx",
        ]
    assert [c.name for c in cadres_under_unit(world.town_a)] == ["王五", "张三"]


def test_command_rejects_unknown_id_number(world: World, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="未找到身份证号为 469099198503040000 的干部"):
        call_command(
            "appointment_form", "--id-number", "469099198503040000", "--out", str(tmp_path / "x.docx")
        )
    assert not (tmp_path / "x.docx").exists()


def test_command_rejects_bad_date_and_unknown_unit(world: World, tmp_path: Path) -> None:
    cadre = build_full_cadre(world)
    with pytest.raises(CommandError, match="--as-of 日期格式应为 YYYY-MM-DD"):
        call_command(
            "appointment_form",
            "--id-number",
            cadre.id_number,
            "--out",
            str(tmp_path / "x.docx"),
            "--as-of",
            "2025.11",
        )
    with pytest.raises(CommandError, match="未找到单位代码为 NOPE 的单位"):
        call_command("appointment_form", "--unit", "NOPE", "--out", str(tmp_path / "x.zip"))
