"""Excel export of the registry: template columns, stroke order, real dates, re-importable."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from ganbu.audit.models import AuditEvent
from ganbu.cadres import services
from ganbu.cadres.documents import export_cadres
from ganbu.cadres.imports import EXPORT_HEADERS, HEADERS, import_file
from ganbu.cadres.models import Appointment, Cadre, Education, EducationKind, RankRecord
from ganbu.cadres.rules import make_id_number
from ganbu.cadres.tests.test_excel_import import person, xlsx
from ganbu.core.dates import age_on
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import World

pytestmark = pytest.mark.django_db


def sheet_rows(content: bytes) -> list[tuple[Any, ...]]:
    ws = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return list(ws.iter_rows(values_only=True))


def records() -> list[tuple[Any, ...]]:
    """Everything an import writes, in a comparable form."""
    cadres = list(
        Cadre.objects.order_by("id").values_list(
            "id",
            "name",
            "gender",
            "ethnicity",
            "birth_date",
            "id_number",
            "political_status",
            "party_joined_on",
            "work_started_on",
            "personnel_category",
            "unit_id",
            "current_title",
            "current_level",
            "current_post_since",
            "current_rank",
            "current_rank_since",
            "fulltime_education",
            "fulltime_degree",
            "highest_education",
            "highest_degree",
            "stroke_key",
        )
    )
    appointments = list(
        Appointment.objects.order_by("id").values_list(
            "id", "cadre_id", "title", "level", "started_on", "ended_on"
        )
    )
    ranks = list(
        RankRecord.objects.order_by("id").values_list("id", "cadre_id", "rank", "started_on", "ended_on")
    )
    educations = list(
        Education.objects.order_by("id").values_list("id", "cadre_id", "kind", "education", "degree")
    )
    return [*cadres, *appointments, *ranks, *educations]


def test_export_is_in_stroke_order(world: World) -> None:
    for offset, name in enumerate(["黄", "丁", "张", "王"]):
        make_cadre(world.town_a, name, birth_date=date(1980, 1, 1 + offset))
    rows = sheet_rows(export_cadres(Cadre.objects.all()))
    assert rows[0] == EXPORT_HEADERS
    assert [r[0] for r in rows[1:]] == ["丁", "王", "张", "黄"]


def test_the_export_follows_the_lists_chosen_sort(world: World, client: Any) -> None:
    """导出 Excel writes the people in the order the list shows (tour 13): ?sort=-age is the oldest
    first; an unknown key falls back to the list's default, stroke order."""
    for name, year in (("黄", 1990), ("丁", 1970), ("张", 1980), ("王", 1960)):
        make_cadre(world.town_a, name, birth_date=date(year, 1, 1))
    client.force_login(world.users["county"])
    url = reverse("cadres:export")

    def names(sort: str) -> list[Any]:
        response = client.get(url, {"sort": sort})
        assert response.status_code == 200
        return [r[0] for r in sheet_rows(response.content)[1:]]

    assert names("-age") == ["王", "丁", "张", "黄"]
    assert names("age") == ["黄", "张", "丁", "王"]
    assert names("id_number") == ["丁", "王", "张", "黄"]


def test_text_starting_with_an_equals_sign_is_exported_as_text_not_a_formula(world: World) -> None:
    formula = '=HYPERLINK("http://example.com","点我")'  # half-width: a formula, not text
    make_cadre(world.town_a, formula)
    ws = openpyxl.load_workbook(io.BytesIO(export_cadres(Cadre.objects.all()))).worksheets[0]
    cell = ws.cell(row=2, column=1)
    assert cell.value == formula
    assert cell.data_type == "s"  # a string, never a live formula


def test_export_has_names_real_dates_current_post_and_age(world: World) -> None:
    assert import_file(xlsx([person(1)]), unit=world.county, actor=None).ok
    content = export_cadres(Cadre.objects.all())
    ws = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    header = [c.value for c in ws[1]]
    assert header == list(EXPORT_HEADERS)
    values = {h: c for h, c in zip(header, ws[2], strict=True)}
    assert values["性别"].value == "男" and values["民族"].value == "汉族"
    assert values["政治面貌"].value == "中共党员" and values["人员类别"].value == "公务员"
    assert values["全日制学历"].value == "大学" and values["最高学位"].value == "硕士"
    assert values["职务层次"].value == "科员" and values["职级"].value == "一级科员"
    assert values["单位代码"].value == "TA" and values["职务"].value == "甲镇党政办科员"
    assert values["出生日期"].value.date() == date(1985, 3, 4)  # a real Excel date…
    assert values["出生日期"].number_format == "yyyy-mm-dd"  # …shown as yyyy-mm-dd
    assert values["任职时间"].number_format == "yyyy-mm-dd"
    assert values["身份证号"].data_type == "s"  # text: no digits lost
    assert values["现任职务"].value == "甲镇党政办科员"
    assert values["年龄"].value == age_on(date(1985, 3, 4), timezone.localdate())


def test_export_reimport_round_trip_changes_nothing(world: World) -> None:
    rows = [
        person(1),
        person(
            2,
            姓名="李四",
            性别="女",
            gender_code="2",
            单位代码="VA",
            职务="甲村党支部书记",
            职务层次="乡科级正职",
        ),
        person(
            3, 姓名="王五", 政治面貌="群众", 入党时间=None, 职务=None, 职务层次=None, 任职时间=None, 职级=None
        ),
        person(4, 姓名="欧阳明", 最高学历="大学本科", 最高学位="学士", 全日制学位=None),
    ]
    assert import_file(xlsx(rows), unit=world.county, actor=None).ok
    before = records()
    exported = export_cadres(Cadre.objects.all())
    result = import_file(exported, unit=world.county, actor=None, filename="导出.xlsx")
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 4, 4)
    assert records() == before


def test_round_trip_of_a_cadre_kept_through_the_services(world: World) -> None:
    """A cadre entered by hand (several appointments, a concurrent post, education records with
    schools) is exported and re-imported without any change."""
    born = date(1975, 6, 9)
    cadre = services.cadre_create(
        data={
            "name": "丁一",
            "gender": "2",
            "ethnicity": "19",
            "birth_date": born,
            "id_number": make_id_number("469099", born, 33, "2"),
            "political_status": "01",
            "party_joined_on": date(1996, 5, 1),
            "work_started_on": date(1997, 7, 1),
            "personnel_category": "1",
        },
        unit=world.town_a,
        actor=None,
    )
    save = services.record_save
    save(
        cadre=cadre,
        kind="appointment",
        actor=None,
        data={
            "unit": world.town_a,
            "title": "甲镇科员",
            "level": "1A50",
            "started_on": date(1997, 7, 1),
            "ended_on": date(2010, 1, 31),
        },
    )
    save(
        cadre=cadre,
        kind="appointment",
        actor=None,
        data={
            "unit": world.town_a,
            "title": "甲镇副镇长",
            "level": "1A42",
            "is_leadership": True,
            "started_on": date(2010, 2, 1),
        },
    )
    save(
        cadre=cadre,
        kind="appointment",
        actor=None,
        data={
            "unit": world.town_a,
            "title": "甲镇武装部长",
            "level": "1A42",
            "is_leadership": True,
            "is_primary": False,
            "started_on": date(2015, 2, 1),
        },
    )
    save(cadre=cadre, kind="rank", actor=None, data={"rank": "18", "started_on": date(2019, 6, 1)})
    save(
        cadre=cadre,
        kind="education",
        actor=None,
        data={
            "kind": EducationKind.FULL_TIME,
            "education": "31",
            "school": "海南大学",
            "started_on": date(1994, 9, 1),
            "ended_on": date(1997, 7, 1),
        },
    )
    save(
        cadre=cadre,
        kind="education",
        actor=None,
        data={
            "kind": EducationKind.IN_SERVICE,
            "education": "2B",
            "school": "省委党校",
            "started_on": date(2005, 9, 1),
            "ended_on": date(2008, 7, 1),
        },
    )
    cadre.refresh_from_db()
    assert cadre.current_title == "甲镇副镇长、甲镇武装部长"
    before = records()
    exported = export_cadres(Cadre.objects.all())
    row = dict(zip(EXPORT_HEADERS, sheet_rows(exported)[1], strict=True))
    assert row["职务"] == "甲镇副镇长" and row["现任职务"] == "甲镇副镇长、甲镇武装部长"
    assert row["最高学历"] == "省委党校大学"
    result = import_file(exported, unit=world.county, actor=None)
    assert result.ok, result.errors
    assert (result.updated, result.unchanged) == (1, 1)
    assert records() == before


def test_the_export_of_a_scoped_queryset_contains_only_it(world: World) -> None:
    make_cadre(world.town_a, "甲", birth_date=date(1980, 1, 1))
    make_cadre(world.town_b, "乙", birth_date=date(1980, 1, 2))
    rows = sheet_rows(export_cadres(Cadre.objects.filter(unit__path__startswith=world.town_a.path)))
    assert [r[0] for r in rows[1:]] == ["甲"]


def test_export_command(world: World, tmp_path: Path) -> None:
    make_cadre(world.town_a, "甲", birth_date=date(1980, 1, 1))
    make_cadre(world.village_a, "丙", birth_date=date(1980, 1, 3))
    make_cadre(world.town_b, "乙", birth_date=date(1980, 1, 2))
    out_file = tmp_path / "甲镇.xlsx"
    out = io.StringIO()
    call_command("export_cadres", "--unit", "TA", "--out", str(out_file), stdout=out)
    assert "已导出 2 名" in out.getvalue()
    rows = sheet_rows(out_file.read_bytes())
    assert rows[0][: len(HEADERS)] == HEADERS
    assert sorted(r[0] for r in rows[1:]) == ["丙", "甲"]
    assert AuditEvent.objects.filter(action="cadre.export").count() == 1
