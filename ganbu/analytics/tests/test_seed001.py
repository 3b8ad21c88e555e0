"""Seed 001's county, rebuilt through the registry: on 2015-10-31 its 11 townships have 126 科级
cadres (98 men / 28 women; 28 正科 / 98 副科; ages 34 / 18 / 47 / 27; 学历 58 / 67 / 1; 96 leaders
and 30 non-leaders). The structure table must give exactly these counts, and the percentages the
counts give — 41–50 is 47/126 = 37%, not the 47% printed in the seed's table.

The county also has what happened after 2015 (promotions, retirements, new recruits, degrees
finished later) and cadres who are not 科级, so the as-of logic is exercised, not bypassed."""

from __future__ import annotations

import io
import json
import random
from collections.abc import Sequence
from datetime import date
from typing import Any

import pytest
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from ganbu.analytics.documents import structure_docx, structure_json, structure_xlsx
from ganbu.analytics.rules import SEED001_BANDS
from ganbu.analytics.selectors.state import Population
from ganbu.analytics.selectors.structure import StructureQuery, StructureTable, structure_table
from ganbu.analytics.tests.helpers import Appt, Edu, Person, add_person
from ganbu.cadres.services import CodeBook
from ganbu.org import services as org_services
from ganbu.org.models import Unit, UnitKind

pytestmark = pytest.mark.django_db

AS_OF = date(2015, 10, 31)
SEED_SENTENCE = (
    "其中男性98名，占78%；女性28名，占22%；正科28名，占22%；副科98名，占78%；35岁以下34名，占27%；"
    "36岁到40岁18名，占14%；41岁到50岁47名，占37%；51岁以上27名，占21%；大专及以下学历58名，占46%；"
    "大学学历67名，占53%；研究生1名，占1%"
)


def _born(age: int, i: int) -> date:
    """Someone `age` years old on AS_OF, spread over the year, with the band edges exercised:
    i % 5 == 0 has the birthday on AS_OF itself (just turned `age`), i % 5 == 1 the day after
    (still `age`, one older tomorrow)."""
    if i % 5 == 0:
        return date(AS_OF.year - age, 10, 31)
    if i % 5 == 1:
        return date(AS_OF.year - age - 1, 11, 1)
    return (
        date(AS_OF.year - age - 1, 11 + i % 2, 2 + i % 27)
        if i % 3
        else date(AS_OF.year - age, 1 + i % 9, 1 + i % 28)
    )


def _column(values: Sequence[tuple[Any, int]], seed: int) -> list[Any]:
    """A column of 126 values with exact counts, in a fixed pseudo-random order."""
    column = [v for v, n in values for _ in range(n)]
    assert len(column) == 126
    random.Random(seed).shuffle(column)
    return column


def build_seed001_county() -> Unit:
    county = org_services.unit_create(
        code="469034", name="陵水县", kind=UnitKind.COUNTY, parent=None, actor=None
    )
    townships = [
        org_services.unit_create(
            code=f"469034{100 + i:03d}",
            name=f"第{i}{'乡' if i <= 2 else '镇'}",
            kind=UnitKind.TOWNSHIP if i <= 2 else UnitKind.TOWN,
            parent=county,
            actor=None,
        )
        for i in range(1, 12)
    ]
    codes = CodeBook()
    genders = _column([("1", 98), ("2", 28)], 1)
    levels = _column([("1A41", 28), ("1A42", 98)], 2)
    ages = _column(
        [(28 + i % 8, 1) for i in range(34)]
        + [(36 + i % 5, 1) for i in range(18)]
        + [(41 + i % 10, 1) for i in range(47)]
        + [(51 + i % 7, 1) for i in range(27)],
        3,
    )
    educations = _column([("31", 50), ("41", 8), ("21", 60), ("2B", 7), ("11", 1)], 4)
    leaders = _column([(True, 96), (False, 30)], 5)
    later = _column([("promoted", 9), ("retired", 5), ("", 112)], 6)
    for i in range(126):
        town = townships[i % 11]
        level, leader, start = levels[i], leaders[i], date(2010 + i % 5, 3, 1)
        title = (
            ("镇长" if level == "1A41" else "副镇长")
            if leader
            else ("主任科员" if level == "1A41" else "副主任科员")
        )
        appointments = [Appt(town, start, level=level, title=title, leader=leader)]
        status = "active"
        if later[i] == "promoted" and level == "1A42":  # 正科 only after the date
            appointments = [
                Appt(town, start, level=level, title=title, leader=leader, ended_on=date(2017, 2, 28)),
                Appt(town, date(2017, 3, 1), level="1A41", title="镇长", leader=True),
            ]
        elif later[i] == "retired":  # counted in 2015, not today
            appointments = [
                Appt(town, start, level=level, title=title, leader=leader, ended_on=date(2020, 6, 30))
            ]
            status = "retired"
        edu = [Edu(educations[i], date(2000, 7, 1))]
        if educations[i] in ("31", "41") and i % 4 == 0:  # a degree finished after the date: still 大专 then
            edu.append(Edu("2B", date(2018, 7, 1), kind="inservice"))
        add_person(
            Person(
                name=f"干部{i:03d}",
                born=_born(ages[i], i),
                gender=genders[i],
                appointments=appointments,
                educations=edu,
                political="01" if i % 12 else "13",
                ethnicity="01" if i % 6 else "19",
                status=status,
            ),
            codes,
        )
    # not 科级 on the date, or not there at all: a 科员, a 2016 recruit, one who left in 2014
    add_person(
        Person(
            "科员甲",
            date(1990, 1, 1),
            appointments=[Appt(townships[0], date(2012, 7, 1), "1A50", "科员", False)],
            educations=[Edu("21", date(2012, 7, 1))],
        ),
        codes,
    )
    add_person(
        Person(
            "新人乙",
            date(1992, 1, 1),
            appointments=[Appt(townships[1], date(2016, 1, 5), "1A42")],
            educations=[Edu("21", date(2014, 7, 1))],
        ),
        codes,
    )
    add_person(
        Person(
            "调走丙",
            date(1970, 1, 1),
            appointments=[Appt(townships[2], date(2005, 1, 5), "1A41", ended_on=date(2014, 12, 31))],
            educations=[Edu("21", date(1992, 7, 1))],
        ),
        codes,
    )
    return county


@pytest.fixture
def county() -> Unit:
    return build_seed001_county()


def _table(county: Unit, population: str = Population.SECTION, as_of: date = AS_OF) -> StructureTable:
    query = StructureQuery(unit=county, as_of=as_of, population=population, bands=SEED001_BANDS)
    return structure_table(query, today=timezone.localdate())


def _counts(table: StructureTable, key: str) -> dict[str, int]:
    return {c.label: c.count for c in table.dimension(key).shown_categories}


def _whole(table: StructureTable, key: str) -> dict[str, int | None]:
    return {c.label: c.percent_whole for c in table.dimension(key).shown_categories}


def test_it_gives_seed_001s_counts_percentages_and_sentence(county: Unit) -> None:
    table = _table(county)
    assert table.total == 126
    assert _counts(table, "gender") == {"男": 98, "女": 28}
    assert _counts(table, "grade") == {"正科": 28, "副科": 98}
    assert _counts(table, "age") == {"35岁以下": 34, "36–40岁": 18, "41–50岁": 47, "51岁以上": 27}
    assert _counts(table, "education") == {"大专及以下": 58, "大学": 67, "研究生": 1}
    assert _counts(table, "leadership") == {"领导职务": 96, "非领导职务": 30}
    assert _whole(table, "gender") == {"男": 78, "女": 22}
    assert _whole(table, "grade") == {"正科": 22, "副科": 78}
    # the seed's table prints 47 for 41–50; 47 / 126 is 37.3%, and its own text says 37%
    assert _whole(table, "age") == {"35岁以下": 27, "36–40岁": 14, "41–50岁": 37, "51岁以上": 21}
    assert _whole(table, "education") == {"大专及以下": 46, "大学": 53, "研究生": 1}
    assert [c.percent for c in table.dimension("age").shown_categories] == ["27.0", "14.3", "37.3", "21.4"]
    sentence = table.sentence
    assert sentence.startswith("截至2015年10月，陵水县科级以上干部126人，")
    assert SEED_SENTENCE in sentence


def test_the_date_matters(county: Unit) -> None:
    today = _table(county, as_of=timezone.localdate())
    # promotions after 2015, the retirements of 2020, the 2016 recruit and later degrees
    assert today.total == 126 - 5 + 1
    assert _counts(today, "grade")["正科"] > 28
    assert _counts(today, "education")["大专及以下"] < 58 - 5
    assert _table(county, Population.ALL).total == 127
    assert _table(county, Population.LEADERS).total == 96


def test_the_documents_have_the_seed_layout(county: Unit) -> None:
    sheet = load_workbook(io.BytesIO(structure_xlsx(_table(county))))["队伍结构"]
    rows = [[c for c in row] for row in sheet.iter_rows(min_row=3, max_row=6, values_only=True)]
    assert rows[0][:4] == ["类别", "性别", None, "职级"]
    assert rows[1][:9] == ["项目", "男", "女", "正科", "副科", "35岁以下", "36–40岁", "41–50岁", "51岁以上"]
    assert rows[2][:12] == ["人数", 98, 28, 28, 98, 34, 18, 47, 27, 58, 67, 1]
    assert rows[3][0] == "占比（%）"
    assert rows[3][7] == pytest.approx(37.3)
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert "B3:C3" in merged  # 性别 spans 男 and 女

    document = Document(io.BytesIO(structure_docx([_table(county)])))
    text = "\n".join(p.text for p in document.paragraphs)
    assert SEED_SENTENCE in text
    word_table = document.tables[0]
    assert [c.text for c in word_table.rows[2].cells][:5] == ["人数", "98", "28", "28", "98"]

    data = json.loads(structure_json(_table(county)))
    assert data["total"] == 126
    assert data["as_of"] == "2015-10-31"
    assert data["dimensions"]["age"]["41–50岁"] == {"count": 47, "percent": 37.3, "percent_whole": 37}
    assert data["labels"]["education"] == "学历"
    assert data["average_age"] == 42.3
