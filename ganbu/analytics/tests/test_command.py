"""python manage.py structure_report."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from ganbu.analytics.tests.helpers import Appt, Edu, Person, add_person
from ganbu.testing.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(world: World) -> World:
    add_person(
        Person(
            "甲",
            date(1980, 1, 1),
            appointments=[Appt(world.town_a, date(2015, 1, 1), "1A41")],
            educations=[Edu("21", date(2002, 7, 1))],
        )
    )
    add_person(
        Person(
            "乙",
            date(1990, 1, 1),
            gender="2",
            appointments=[Appt(world.town_b, date(2015, 1, 1), "1A50", "科员", False)],
        )
    )
    return world


def test_json_to_stdout(county: World) -> None:
    out = io.StringIO()
    call_command(
        "structure_report", "--unit", "C", "--as-of", "2020-06-30", "--age-bands", "seed000", stdout=out
    )
    data = json.loads(out.getvalue())
    assert data["total"] == 2
    assert data["dimensions"]["gender"] == {
        "男": {"count": 1, "percent": 50.0, "percent_whole": 50},
        "女": {"count": 1, "percent": 50.0, "percent_whole": 50},
    }
    assert data["age_bands"][0]["label"] == "30岁以下"


def test_section_population_and_files(county: World, tmp_path: Path) -> None:
    xlsx = tmp_path / "t.xlsx"
    call_command(
        "structure_report",
        "--unit",
        "C",
        "--as-of",
        "2020-06-30",
        "--population",
        "section",
        "--format",
        "xlsx",
        "--out",
        str(xlsx),
        stderr=io.StringIO(),
    )
    sheet = load_workbook(xlsx)["队伍结构"]
    assert sheet["A5"].value == "人数"
    docx = tmp_path / "t.docx"
    call_command(
        "structure_report",
        "--unit",
        "TA",
        "--format",
        "docx",
        "--education",
        "fulltime",
        "--out",
        str(docx),
        stderr=io.StringIO(),
    )
    assert docx.read_bytes()[:2] == b"PK"
    out = io.StringIO()
    call_command(
        "structure_report", "--unit", "C", "--population", "leaders", "--age-bands", "35,45", stdout=out
    )
    assert json.loads(out.getvalue())["total"] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--unit", "NOPE"], "不存在"),
        (["--unit", "C", "--as-of", "2020-13-01"], "YYYY-MM-DD"),
        (["--unit", "C", "--as-of", "2999-01-01"], "晚于今天"),
        (["--unit", "C", "--age-bands", "50,40"], "递增"),
    ],
)
def test_bad_arguments(county: World, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("structure_report", *args, stdout=io.StringIO())
