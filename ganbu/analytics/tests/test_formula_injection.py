"""Formula injection in the analysis workbooks: a unit's, a cadre's, a post's or a code's name that
looks like a formula is written as text, never as a live formula (the policy of
`core.spreadsheet.text_cells`, applied by `documents._put`), in the structure table, the comparison
of two dates and the 到龄 forecast, downloaded from their views."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from ganbu.analytics.tests.helpers import Appt, Person, add_person
from ganbu.org.models import CodeItem, Unit
from ganbu.testing.world import World

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://x","y")'
DDE = "=cmd|' /C calc'!A0"
EQUALS = "=1+1"
PLUS = "+1+1"
AT = "@SUM(1)"


@pytest.fixture
def county(world: World) -> World:
    """Two township heads; the county, 甲镇, one cadre, a post title and a level named like formulas."""
    add_person(
        Person(EQUALS, date(1971, 1, 1), appointments=[Appt(world.town_a, date(2016, 1, 1), "1A41", PLUS)])
    )
    add_person(
        Person(
            "乙乡长", date(1972, 4, 1), appointments=[Appt(world.town_b, date(2018, 1, 1), "1A41", "乡长")]
        )
    )
    Unit.objects.filter(pk=world.county.pk).update(name=HYPERLINK)
    Unit.objects.filter(pk=world.town_a.pk).update(name=DDE)
    CodeItem.objects.filter(table__key="leadership_level", code="1A41").update(name=AT)
    return world


def download(world: World, name: str, query: dict[str, str]) -> bytes:
    client = Client()
    client.force_login(world.users["county"])
    response = client.get(reverse(name, kwargs={"pk": world.county.pk}), query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    return response.content


def assert_text_not_formulas(content: bytes, texts: Sequence[str]) -> None:
    """Each text reached the workbook, every cell holding it is a string, and no cell of the workbook
    is a formula."""
    book = load_workbook(io.BytesIO(content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    for text in texts:
        holders = [c for c in cells if isinstance(c.value, str) and text in c.value]
        assert holders, text
        assert {c.data_type for c in holders} == {"s"}, text
    assert [c.coordinate for c in cells if c.data_type == "f"] == []


def test_the_structure_workbook_writes_a_formula_like_unit_name_as_text(county: World) -> None:
    content = download(county, "analytics:structure_export", {"format": "xlsx"})
    assert_text_not_formulas(content, [HYPERLINK])


def test_the_comparison_workbook_writes_a_formula_like_unit_name_as_text(county: World) -> None:
    content = download(county, "analytics:compare_export", {"before": "2017-06-30", "after": "2020-06-30"})
    assert_text_not_formulas(content, [HYPERLINK])


def test_the_forecast_workbook_writes_formula_like_names_as_text(county: World) -> None:
    content = download(county, "analytics:forecast_export", {"years": "10"})
    assert_text_not_formulas(content, [HYPERLINK, DDE, EQUALS, PLUS, AT])
