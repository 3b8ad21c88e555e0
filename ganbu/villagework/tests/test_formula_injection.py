"""Formula injection in the 驻村 workbooks: text a user typed (a log's content, a household head, a
cadre's or a unit's name) that looks like a formula is written as text, never as a live formula
(`core.spreadsheet.text_cells`), in the 工作记录表 and the 轮岗提醒 list, downloaded from their views."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from ganbu.cadres.models import Cadre
from ganbu.org.models import Unit, User
from ganbu.testing.world import World
from ganbu.villagework.tests.factories import make_household, vw
from ganbu.villagework.tests.test_stats import visit_log

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://x","y")'
DDE = "=cmd|' /C calc'!A0"
PLUS = "+1+1"
AT = "@SUM(1)"


def download(user: User, url: str, query: dict[str, str]) -> bytes:
    client = Client()
    client.force_login(user)
    response = client.get(url, query)
    assert response.status_code == 200
    return response.content


def assert_text_not_formulas(content: bytes, texts: Sequence[str]) -> None:
    """Each text reached at least one cell of its own, every cell holding it is a string, and no
    cell of the workbook is a formula."""
    book = load_workbook(io.BytesIO(content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    for text in texts:
        holders = [c for c in cells if isinstance(c.value, str) and text in c.value]
        assert any(c.value == text for c in holders), text
        assert {c.data_type for c in holders} == {"s"}, text
    assert [c.coordinate for c in cells if c.data_type == "f"] == []


def test_the_work_record_workbook_writes_formula_like_text_as_text(world: World) -> None:
    v = vw(world, started_on=date(2025, 1, 1))
    head = make_household(world.village_a, DDE)
    first = visit_log(v.cadre_a, world.village_a, date(2025, 3, 4), [head])
    second = visit_log(v.cadre_a, world.village_a, date(2025, 3, 11), kind="clinic")
    for log, text in ((first, HYPERLINK), (second, PLUS)):
        log.content = text
        log.save(update_fields=["content"])
    content = download(
        world.users["county"],
        reverse("villagework:record_xlsx", kwargs={"pk": v.cadre_a.pk}),
        {"start": "2025-03-01", "end": "2025-03-31"},
    )
    assert_text_not_formulas(content, [HYPERLINK, DDE, PLUS])


def test_the_rotation_workbook_writes_formula_like_names_as_text(world: World) -> None:
    v = vw(world, started_on=date(2020, 1, 1))
    Cadre.objects.filter(pk=v.cadre_a.pk).update(name=HYPERLINK)
    Cadre.objects.filter(pk=v.cadre_b.pk).update(name=AT)
    Unit.objects.filter(pk=world.village_a.pk).update(name=DDE)
    Unit.objects.filter(pk=world.town_b.pk).update(name=PLUS)
    content = download(world.users["county"], reverse("villagework:rotation_export"), {"on": "2026-01-01"})
    assert_text_not_formulas(content, [HYPERLINK, AT, DDE, PLUS])
