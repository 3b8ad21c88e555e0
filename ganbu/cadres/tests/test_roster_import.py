"""Import of real 干部名册: headers of two and three merged rows, 出生年月, 现任职务 as full text with
the unit's name, no 身份证号 (the cadre is 待补充 and matched on re-import by 姓名 + 出生年月 +
单位), units found by name, and the 待补充 page."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ganbu.audit.models import AuditEvent
from ganbu.cadres import imports
from ganbu.cadres.imports import import_file, run_import
from ganbu.cadres.models import Appointment, Cadre, EducationKind
from ganbu.cadres.rules import make_id_number
from ganbu.core.jobs import job_create
from ganbu.core.models import JobStatus
from ganbu.org import services as org_services
from ganbu.org.models import Unit, UnitKind
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import World

pytestmark = pytest.mark.django_db

# The 干部名册 of a county: a title row, then three header rows: 学历学位 merged over 全日制教育 and
# 在职教育, each merged over 学历 and 毕业院校及专业; the other headers merged down the three rows.
TOP = [
    "序号",
    "姓名",
    "性别",
    "出生年月",
    "籍贯",
    "民族",
    "入党时间",
    "参加工作时间",
    "学历学位",
    None,
    None,
    None,
    "现任职务",
    "任现职时间",
    "任现职级时间",
    "任现职务层次时间",
    "职级",
    "职称",
    "备注",
]
MIDDLE = [None] * 8 + ["全日制教育", None, "在职教育", None] + [None] * 7
SUB = [None] * 8 + ["学历", "毕业院校及专业", "学历", "毕业院校及专业"] + [None] * 7


def roster_row(**overrides: Any) -> list[Any]:
    row: dict[str, Any] = {
        "序号": 1,
        "姓名": "张三",
        "性别": "男",
        "出生年月": "1975.08",
        "籍贯": "海南万宁",
        "民族": "汉族",
        "入党时间": "1998.06",
        "参加工作时间": "1997.07",
        "全日制学历": "大学本科",
        "全日制院校": "海南大学 法学",
        "在职学历": "研究生",
        "在职院校": "中央党校经济管理专业",
        "现任职务": "甲镇党委书记",
        "任现职时间": "2021.06",
        "任现职级时间": "2022.01",
        "任现职务层次时间": "2016.03",
        "职级": "一级主任科员",
        "职称": "",
        "备注": "",
    }
    row.update(overrides)
    order = [
        "序号",
        "姓名",
        "性别",
        "出生年月",
        "籍贯",
        "民族",
        "入党时间",
        "参加工作时间",
        "全日制学历",
        "全日制院校",
        "在职学历",
        "在职院校",
        "现任职务",
        "任现职时间",
        "任现职级时间",
        "任现职务层次时间",
        "职级",
        "职称",
        "备注",
    ]
    return [row[k] for k in order]


def roster(rows: list[list[Any]], *, title: str = "甲镇干部名册") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(TOP))
    ws.append(TOP)
    ws.append(MIDDLE)
    ws.append(SUB)
    for column, text in enumerate(TOP, start=1):
        if text and text != "学历学位":
            ws.merge_cells(start_row=2, start_column=column, end_row=4, end_column=column)
    ws.merge_cells(start_row=2, start_column=9, end_row=2, end_column=12)
    ws.merge_cells(start_row=3, start_column=9, end_row=3, end_column=10)
    ws.merge_cells(start_row=3, start_column=11, end_row=3, end_column=12)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def sheet(header_rows: list[list[Any]], rows: list[list[Any]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for row in [*header_rows, *rows]:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def three_rows() -> list[list[Any]]:
    return [
        roster_row(),
        roster_row(
            序号=2,
            姓名="李四",
            性别="女",
            出生年月=197909,
            入党时间="2001年7月",
            参加工作时间="2000年8月",
            全日制学历="大学专科",
            全日制院校="海南师范大学",
            在职学历="",
            在职院校="",
            现任职务="甲镇甲村党支部书记",
            任现职时间="2018.03",
            任现职级时间="",
            职级="",
            备注="驻村",
        ),
        roster_row(
            序号=3,
            姓名="王  伟",
            出生年月="1980年3月",
            现任职务="乙乡副乡长",
            任现职时间="2020.01",
            任现职级时间="",
            职级="",
            在职学历="",
            在职院校="",
        ),
    ]


def run(world: World, content: bytes, actor_key: str = "county", **kwargs: Any) -> imports.ImportResult:
    actor = world.users[actor_key]
    assert actor.scope_unit is not None
    return import_file(content, unit=actor.scope_unit, actor=actor, filename="名册.xlsx", **kwargs)


def messages(result: imports.ImportResult) -> dict[tuple[int | None, str], str]:
    return {(e.row, e.column): e.message for e in result.errors}


# --- a roster in the real layout ---------------------------------------------------------------


def test_a_roster_with_a_three_row_header_and_no_id_number_imports_as_to_complete(world: World) -> None:
    events = AuditEvent.objects.count()
    result = run(world, roster(three_rows()))
    assert result.ok, result.errors
    assert (result.created, result.updated) == (3, 0)
    assert result.incomplete == 3 and result.matched_by_name == 0
    assert "3 名缺身份证号等信息，列入“待补充”" in result.summary

    zhang = Cadre.objects.get(name="张三")
    assert zhang.id_number is None
    assert zhang.birth_date == date(1975, 8, 1)  # 出生年月: the month (the day is unknown)
    assert (zhang.political_status, zhang.personnel_category) == ("", "")  # not guessed: 待补充
    assert zhang.party_joined_on == date(1998, 6, 1) and zhang.work_started_on == date(1997, 7, 1)
    assert zhang.native_place == "海南万宁" and zhang.ethnicity == "01"
    assert zhang.unit == world.town_a
    assert zhang.current_title == "甲镇党委书记" and zhang.current_post_since == date(2021, 6, 1)
    assert zhang.current_rank == "17" and zhang.current_rank_since == date(2022, 1, 1)
    assert zhang.fulltime_education == "21" and zhang.highest_education == "11"
    full_time = zhang.educations.get(kind=EducationKind.FULL_TIME)
    assert (full_time.school, full_time.major) == ("海南大学", "法学")
    in_service = zhang.educations.get(kind=EducationKind.IN_SERVICE)
    assert (in_service.education, in_service.school) == ("11", "中央党校经济管理专业")

    li = Cadre.objects.get(name="李四")
    assert li.unit == world.village_a  # 甲镇 + 甲村: the village of the town
    assert li.birth_date == date(1979, 9, 1) and li.gender == "2"
    assert li.current_title == "甲镇甲村党支部书记"
    wang = Cadre.objects.get(name="王  伟")
    assert wang.unit == world.town_b

    # the columns the registry has no field for are named in the result, not dropped silently
    not_imported = {e.column: e.message for e in result.notes if e.row is None}
    assert set(not_imported) == {"任现职务层次时间", "备注"}
    assert "未导入" in not_imported["备注"]

    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.get(action="cadre.import")
    assert event.payload["created"] == 3 and event.payload["incomplete"] == 3
    assert event.payload["columns_not_imported"] == ["任现职务层次时间", "备注"]


def test_reimporting_the_roster_updates_and_never_duplicates(world: World) -> None:
    assert run(world, roster(three_rows())).ok
    zhang = Cadre.objects.get(name="张三")
    appointment = zhang.appointments.get()

    changed = three_rows()
    changed[0] = roster_row(职称="高级经济师", 现任职务="甲镇党委书记、镇长", 任现职时间="2023.05")
    changed[2] = roster_row(
        序号=3,
        姓名="王伟",  # the same name without the padding
        出生年月="1980.03",
        现任职务="乙乡副乡长",
        任现职时间="2020.01",
        任现职级时间="",
        职级="",
        在职学历="",
        在职院校="",
    )
    result = run(world, roster(changed))
    assert result.ok, result.errors
    assert (result.created, result.updated, result.matched_by_name) == (0, 3, 3)
    assert Cadre.objects.count() == 3
    notes = {e.row: e.message for e in result.notes if e.row is not None}
    assert notes[5] == "按姓名、出生年月、单位匹配到已有干部：张三（甲镇，1975年8月生，甲镇党委书记）"
    assert notes[7].startswith("按姓名、出生年月、单位匹配到已有干部：王  伟（乙乡")

    zhang.refresh_from_db()
    assert zhang.professional_title == "高级经济师"
    assert zhang.current_title == "甲镇党委书记、镇长"
    appointment.refresh_from_db()
    assert appointment.ended_on == date(2023, 4, 30)  # the old post closed, not stacked
    assert zhang.educations.count() == 2 and zhang.ranks.count() == 1

    # the same file once more changes nothing
    again = run(world, roster(changed))
    assert (again.created, again.updated, again.unchanged) == (0, 3, 3)
    assert Appointment.objects.count() == 4


def test_the_import_job_shows_the_matches(world: World, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    user = world.users["clerk_a"]
    rows = three_rows()[:2]
    assert run(world, roster(rows), actor_key="clerk_a").ok
    job = job_create(
        kind="cadres.import",
        scope_path=world.town_a.path,
        actor=user,
        filename="名册.xlsx",
        content=roster(rows),
        stored_name="roster.xlsx",
    )
    run_import(job, actor=user)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.updated_count == 2
    client = Client()
    client.force_login(user)
    page = client.get(reverse("cadres:import_job", kwargs={"pk": job.pk})).content.decode()
    assert "按姓名、出生年月、单位匹配到已有干部：张三（甲镇，1975年8月生，甲镇党委书记）" in page
    assert "任现职务层次时间" in page and reverse("cadres:to_complete") in page


def test_a_template_row_with_an_id_number_completes_the_roster_cadre(world: World) -> None:
    assert run(world, roster(three_rows()[:1])).ok
    born = date(1975, 8, 15)
    id_number = make_id_number("469099", born, 7, "1")
    headers = ["姓名", "性别", "民族", "出生日期", "身份证号", "政治面貌", "人员类别", "单位代码"]
    content = sheet([headers], [["张三", "男", "汉族", born, id_number, "中共党员", "公务员", "TA"]])
    result = run(world, content)
    assert result.ok, result.errors
    assert (result.created, result.updated, result.matched_by_name) == (0, 1, 1)
    assert "补录其身份证号" in result.notes[0].message
    zhang = Cadre.objects.get()
    assert zhang.id_number == id_number and zhang.birth_date == born
    assert (zhang.political_status, zhang.personnel_category) == ("01", "1")
    # and the roster again (no 身份证号, 出生年月 only) keeps the number and the day of birth
    assert run(world, roster(three_rows()[:1])).ok
    zhang.refresh_from_db()
    assert zhang.id_number == id_number and zhang.birth_date == born
    assert Cadre.objects.count() == 1


def test_a_roster_with_id_numbers_takes_the_day_of_birth_from_them(world: World) -> None:
    born = date(1975, 8, 15)
    id_number = make_id_number("469099", born, 3, "1")
    headers = ["姓名", "性别", "出生年月", "身份证号", "单位", "现任职务", "任现职时间"]
    ok = sheet([headers], [["张三", "男", "1975.08", id_number, "甲镇", "甲镇党委书记", "2021.06"]])
    result = run(world, ok)
    assert result.ok, result.errors
    assert Cadre.objects.get().birth_date == born
    wrong = sheet(
        [headers], [["李四", "男", "1975.09", make_id_number("469099", born, 4, "1"), "甲镇", "", ""]]
    )
    assert (
        messages(run(world, wrong))[(2, "身份证号")]
        == "身份证号中的出生年月 1975.08 与出生年月 1975.09 不一致"
    )


# --- two-row headers and synonyms ---------------------------------------------------------------


def test_a_two_row_header_with_education_and_degree_in_one_cell(world: World) -> None:
    top = [
        "姓名",
        "性别",
        "出生年月（岁）",
        "民族",
        "工作单位",
        "全日制教育",
        None,
        "在职教育",
        None,
        "现职务",
    ]
    sub = [None, None, None, None, None, "学历学位", "毕业院校系及专业", "学历学位", "毕业院校系及专业", None]
    row = [
        "赵六",
        "男",
        "1982.11（44岁）",
        "汉族",
        "甲村",
        "大学本科\n学士",
        "海南大学",
        "研究生 硕士",
        "海南大学 公共管理",
        "甲村党支部副书记",
    ]
    result = run(world, sheet([top, sub], [row]))
    assert result.ok, result.errors
    cadre = Cadre.objects.get()
    assert cadre.unit == world.village_a and cadre.birth_date == date(1982, 11, 1)
    assert (cadre.fulltime_education, cadre.fulltime_degree) == ("21", "4")
    assert (cadre.highest_education, cadre.highest_degree) == ("11", "3")
    assert cadre.educations.get(kind=EducationKind.IN_SERVICE).major == "公共管理"
    # no 任现职时间 column: the post cannot be dated, so it is not recorded, and the result says so
    assert cadre.current_title == "" and not cadre.appointments.exists()
    assert [(e.row, e.column) for e in result.notes] == [(None, "现职务")]
    assert "没有“任现职时间”列" in result.notes[0].message


def test_an_education_cell_that_is_not_in_the_code_tables_is_a_row_error(world: World) -> None:
    top = ["姓名", "性别", "出生年月", "单位", "全日制教育"]
    result = run(world, sheet([top], [["赵六", "男", "1982.11", "甲村", "大学本科 火星学位"]]))
    assert messages(result) == {
        (2, "全日制教育"): "全日制教育「大学本科 火星学位」中的「火星学位」不是代码表中的学历或学位"
    }


# --- units by name -------------------------------------------------------------------------------


def test_units_are_found_by_name_or_short_name_and_ambiguous_names_are_row_errors(world: World) -> None:
    org_services.unit_create(code="X1", name="新城镇", kind=UnitKind.TOWN, parent=world.county, actor=None)
    org_services.unit_create(
        code="X2", name="新城镇", kind=UnitKind.VILLAGE, parent=world.town_b, households=10, actor=None
    )
    department = org_services.unit_create(
        code="D2", name="中共测试县委员会组织部", kind=UnitKind.DEPARTMENT, parent=world.county, actor=None
    )
    Unit.objects.filter(pk=department.pk).update(short_name="县委组织部")
    headers = ["姓名", "性别", "出生年月", "单位", "现任职务", "任现职时间"]
    rows = [
        ["甲", "男", "1980.01", "新城镇", "副镇长", "2020.01"],
        ["乙", "男", "1980.02", "县委组织部", "县委组织部副部长", "2020.01"],
        ["丙", "男", "1980.03", "火星镇", "", ""],
        ["丁", "男", "1980.04", "", "", ""],
    ]
    result = run(world, sheet([headers], rows))
    found = messages(result)
    assert found[(2, "单位")] == (
        "单位「新城镇」有 2 个同名单位：新城镇（代码 X1，属测试县）、新城镇（代码 X2，属乙乡），请填写单位代码"
    )
    assert (3, "单位") not in found  # the short name
    assert found[(4, "单位")].startswith("单位「火星镇」不存在或不在您的数据范围内")
    assert found[(5, "单位")] == "单位不能为空"
    assert not Cadre.objects.exists()
    # a clerk of 乙乡 sees only its own 新城镇: no ambiguity there
    result = run(world, sheet([headers], rows[:1]), actor_key="clerk_b")
    assert result.ok, result.errors
    assert Cadre.objects.get().unit.code == "X2"


def test_a_title_naming_no_unit_in_scope_is_a_row_error(world: World) -> None:
    headers = ["姓名", "性别", "出生年月", "现任职务", "任现职时间"]
    rows = [
        ["甲", "男", "1980.01", "乙乡副乡长", "2020.01"],
        ["乙", "男", "1980.01", "甲镇副镇长", "2020.01"],
    ]
    result = run(world, sheet([headers], rows), actor_key="clerk_a")
    assert list(messages(result)) == [(2, "现任职务")]
    assert "不以您数据范围内的单位名称开头" in result.errors[0].message


def test_a_file_without_any_unit_column_is_refused(world: World) -> None:
    result = run(world, sheet([["姓名", "性别", "出生年月", "民族"]], [["甲", "男", "1980.01", "汉族"]]))
    assert [(e.row, e.column) for e in result.errors] == [(1, "表头")]
    assert "单位代码" in result.errors[0].message and "姓名、出生年月和单位" in result.errors[0].message


# --- matching --------------------------------------------------------------------------------------


def test_two_possible_matches_are_a_row_error_naming_both(world: World) -> None:
    make_cadre(world.town_a, "张三", birth_date=date(1975, 8, 3), current_title="甲镇党委书记")
    make_cadre(world.town_a, "张三", birth_date=date(1975, 8, 20), current_title="甲镇镇长")
    before = Cadre.objects.count()
    result = run(world, roster(three_rows()[:1]))
    assert messages(result) == {
        (5, "姓名"): "按姓名、出生年月、单位找到 2 名已有干部：张三（甲镇，1975年8月生，甲镇党委书记）、"
        "张三（甲镇，1975年8月生，甲镇镇长），无法确定是哪一位（请增加身份证号列并填写）"
    }
    assert Cadre.objects.count() == before


def test_the_same_name_and_month_in_another_unit_is_a_new_cadre_with_a_note(world: World) -> None:
    make_cadre(world.town_b, "张三", birth_date=date(1975, 8, 3), current_title="乙乡乡长")
    result = run(world, roster(three_rows()[:1]))
    assert result.ok, result.errors
    assert result.created == 1 and result.matched_by_name == 0
    assert "另有同名、同出生年月的干部：张三（乙乡，1975年8月生，乙乡乡长）" in result.notes[-1].message


def test_a_cadre_with_another_id_number_is_not_matched_by_name(world: World) -> None:
    other = make_cadre(world.town_a, "张三", birth_date=date(1975, 8, 3))
    born = date(1975, 8, 9)
    headers = ["姓名", "性别", "出生日期", "身份证号", "单位代码"]
    result = run(
        world, sheet([headers], [["张三", "男", born, make_id_number("469099", born, 9, "1"), "TA"]])
    )
    assert result.ok, result.errors
    assert result.created == 1 and Cadre.objects.exclude(pk=other.pk).get().id_number


def test_two_rows_of_the_same_person_are_a_row_error(world: World) -> None:
    result = run(world, roster([roster_row(), roster_row(序号=2)]))
    assert messages(result) == {
        (6, "姓名"): "与第5行的姓名、出生年月、单位都相同，请合并为一行或填写身份证号"
    }
    assert run(world, roster([roster_row()])).ok
    result = run(world, roster([roster_row(), roster_row(序号=2)]))
    assert messages(result) == {(6, "姓名"): "与第5行是同一名干部（张三）"}


def test_a_file_with_the_id_column_still_requires_the_number(world: World) -> None:
    headers = ["姓名", "性别", "出生年月", "身份证号", "单位"]
    result = run(world, sheet([headers], [["张三", "男", "1975.08", "", "甲镇"]]))
    assert "不知道身份证号的干部名册请删去此列" in messages(result)[(2, "身份证号")]


# --- the 待补充 page ------------------------------------------------------------------------------


def test_the_to_complete_page_lists_the_gaps_in_scope_with_edit_links(world: World) -> None:
    assert run(world, roster(three_rows())).ok
    complete = make_cadre(world.town_a, "完整", native_place="海南万宁", party_joined_on=date(2006, 7, 1))
    zhang = Cadre.objects.get(name="张三")
    url = reverse("cadres:to_complete")

    clerk = Client()
    clerk.force_login(world.users["clerk_a"])
    with CaptureQueriesContext(connection) as queries:
        response = clerk.get(url)
    assert response.status_code == 200
    assert len(queries) <= 8, [q["sql"] for q in queries.captured_queries]
    page = response.content.decode()
    assert "张三" in page and "李四" in page
    assert "王  伟" not in page  # 乙乡: out of the clerk's scope
    assert complete.name not in page  # nothing missing
    assert "身份证号、政治面貌、人员类别" in page
    assert reverse("cadres:edit", kwargs={"pk": zhang.pk}) in page
    assert response.context["rows"][0][1] == ["身份证号", "政治面貌", "人员类别"]

    # filtered to one field
    Cadre.objects.filter(name="张三").update(political_status="01", personnel_category="1")
    response = clerk.get(url, {"field": "political_status"})
    assert [c.name for c, _ in response.context["rows"]] == ["李四"]

    other = Client()
    other.force_login(world.users["clerk_b"])
    page = other.get(url).content.decode()
    assert "王  伟" in page and "张三" not in page

    for role in ("dept", "committee", "village_cadre"):
        client = Client()
        client.force_login(world.users[role])
        assert client.get(url).status_code == 403, role
    assert clerk.post(url).status_code == 405


def test_filling_in_the_gaps_takes_the_cadre_off_the_page(world: World) -> None:
    assert run(world, roster(three_rows()[:1])).ok
    zhang = Cadre.objects.get()
    client = Client()
    client.force_login(world.users["clerk_a"])
    edit = client.get(reverse("cadres:edit", kwargs={"pk": zhang.pk}))
    assert edit.status_code == 200
    data = {k: ("" if v is None else v) for k, v in edit.context["form"].initial.items()}
    born = zhang.birth_date.replace(day=15)
    data.update(
        birth_date=born.isoformat(),
        id_number=make_id_number("469099", born, 5, "1"),
        political_status="01",
        personnel_category="1",
        party_joined_on="1998-06-01",
        work_started_on="1997-07-01",
    )
    response = client.post(reverse("cadres:edit", kwargs={"pk": zhang.pk}), data)
    assert response.status_code == 302, response.context["form"].errors
    assert "张三" not in client.get(reverse("cadres:to_complete")).content.decode()
