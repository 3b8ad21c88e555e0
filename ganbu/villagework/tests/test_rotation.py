"""The rotation alert (轮岗提醒) on hand-made stays with known answers: the anniversary rule,
merging back-to-back and overlapping assignments, gaps, ended stays, scope, and the page."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from ganbu.cadres.models import Cadre
from ganbu.core.dates import add_years, stay_years
from ganbu.org.models import Unit
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import World
from ganbu.villagework.models import Assignment, AssignmentRole
from ganbu.villagework.selectors.villages import current_stays, rotation_due, rotation_upcoming, stay_of
from ganbu.villagework.services.settings import settings_update
from ganbu.villagework.tests.factories import vw

pytestmark = pytest.mark.django_db


def _a(
    cadre: Cadre, village: Unit, start: date, end: date | None = None, role: str = "stationed"
) -> Assignment:
    return Assignment.objects.create(cadre=cadre, village=village, started_on=start, ended_on=end, role=role)


def _due(on: date, years: int = 3) -> dict[str, tuple[date, float]]:
    return {
        f"{s.cadre.name}@{s.village.name}": (s.since, s.years)
        for s in rotation_due(Assignment.objects.all(), on=on, years=years)
    }


@pytest.mark.parametrize(
    ("since", "on", "years"),
    [
        (date(2023, 3, 1), date(2026, 2, 28), 2.9),  # the day before the third anniversary
        (date(2023, 3, 1), date(2026, 3, 1), 3.0),
        (date(2023, 3, 1), date(2026, 9, 1), 3.5),  # 184 of 365 days into the fourth year
        (date(2023, 3, 1), date(2026, 8, 30), 3.4),  # 182 of 365 days: 3.4986 → 3.4
        (date(2021, 1, 1), date(2023, 5, 27), 2.4),  # 146 of 365 days: exactly 2.4
        # 29 February: the anniversary in a common year is 1 March, as ages are counted (core.dates)
        (date(2024, 2, 29), date(2025, 2, 28), 0.9),
        (date(2024, 2, 29), date(2025, 3, 1), 1.0),
        (date(2026, 1, 1), date(2026, 1, 1), 0.0),
        (date(2026, 1, 2), date(2026, 1, 1), 0.0),
    ],
)
def test_stay_years_are_rounded_down_to_one_decimal(since: date, on: date, years: float) -> None:
    assert stay_years(since, on) == years


def test_anniversary() -> None:
    assert add_years(date(2023, 3, 1), 3) == date(2026, 3, 1)
    assert add_years(date(2024, 2, 29), 3) == date(2027, 3, 1)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)


def test_due_from_the_anniversary_on(world: World) -> None:
    cadre = make_cadre(world.town_a, "满三年")
    _a(cadre, world.village_a, date(2023, 3, 1))
    assert _due(date(2026, 2, 28)) == {}
    assert _due(date(2026, 3, 1)) == {"满三年@甲村": (date(2023, 3, 1), 3.0)}
    assert _due(date(2026, 3, 1), years=4) == {}


def test_back_to_back_and_overlapping_assignments_are_one_stay(world: World) -> None:
    back_to_back = make_cadre(world.town_a, "衔接")
    _a(back_to_back, world.village_a, date(2022, 1, 1), date(2023, 12, 31), role=AssignmentRole.TEAM_MEMBER)
    _a(back_to_back, world.village_a, date(2024, 1, 1), role=AssignmentRole.FIRST_SECRETARY)
    overlapping = make_cadre(world.town_a, "重叠")
    _a(overlapping, world.village_a, date(2022, 6, 1), date(2024, 6, 30))
    _a(overlapping, world.village_a, date(2023, 1, 1), date(2024, 3, 31))  # inside the first
    _a(overlapping, world.village_a, date(2024, 6, 15))
    assert _due(date(2025, 1, 1)) == {"衔接@甲村": (date(2022, 1, 1), 3.0)}
    assert _due(date(2025, 6, 1)) == {
        "衔接@甲村": (date(2022, 1, 1), 3.4),
        "重叠@甲村": (date(2022, 6, 1), 3.0),
    }
    stay = rotation_due(Assignment.objects.filter(cadre=back_to_back), on=date(2025, 1, 1), years=3)[0]
    assert stay.role_label == "驻村第一书记" and len(stay.assignments) == 2
    assert stay.due_on == date(2025, 1, 1)


def test_a_gap_of_one_day_starts_a_new_stay(world: World) -> None:
    cadre = make_cadre(world.town_a, "中断")
    _a(cadre, world.village_a, date(2020, 1, 1), date(2023, 12, 30))
    _a(cadre, world.village_a, date(2024, 1, 1))  # 2023-12-31 not in the village
    assert _due(date(2026, 12, 31)) == {}
    assert _due(date(2027, 1, 1)) == {"中断@甲村": (date(2024, 1, 1), 3.0)}


def test_ended_stays_and_other_villages_do_not_count(world: World) -> None:
    left = make_cadre(world.town_a, "已离开")
    _a(left, world.village_a, date(2019, 1, 1), date(2025, 12, 31))
    moved = make_cadre(world.town_a, "换村")
    _a(moved, world.village_a, date(2021, 1, 1), date(2023, 12, 31))
    _a(moved, world.village_b, date(2024, 1, 1))  # a new village: a new stay
    other = make_cadre(world.town_a, "另一人")
    _a(other, world.village_a, date(2026, 1, 1))
    assert _due(date(2025, 12, 31)) == {"已离开@甲村": (date(2019, 1, 1), 6.9)}  # still there that day
    assert _due(date(2026, 6, 1)) == {}
    assert _due(date(2027, 1, 1)) == {"换村@乙村": (date(2024, 1, 1), 3.0)}
    # an assignment that starts later is not a stay yet
    assert {s.cadre.name for s in current_stays(Assignment.objects.all(), on=date(2025, 6, 1))} == {
        "已离开",
        "换村",
    }


def test_upcoming_lists_stays_due_within_a_year(world: World) -> None:
    soon = make_cadre(world.town_a, "快满")
    _a(soon, world.village_a, date(2023, 12, 1))
    later = make_cadre(world.town_a, "还早")
    _a(later, world.village_a, date(2025, 1, 1))
    upcoming = rotation_upcoming(Assignment.objects.all(), on=date(2026, 6, 1), years=3)
    assert [(s.cadre.name, s.due_on) for s in upcoming] == [("快满", date(2026, 12, 1))]


def test_scope_township_county_and_own(world: World) -> None:
    data = vw(world, started_on=date(2020, 1, 1))  # 黄驻村@甲村 (linked login), 吴驻村@乙村
    on = date(2026, 1, 1)
    assert {s.cadre.name for s in rotation_due(world.users["county"], on=on, years=3)} == {"黄驻村", "吴驻村"}
    assert {s.cadre.name for s in rotation_due(world.users["clerk_a"], on=on, years=3)} == {"黄驻村"}
    assert {s.cadre.name for s in rotation_due(world.users["clerk_b"], on=on, years=3)} == {"吴驻村"}
    colleague = make_cadre(world.town_a, "同村同事")
    _a(colleague, world.village_a, date(2019, 1, 1))
    assert [s.cadre for s in rotation_due(world.users["village_cadre"], on=on, years=3)] == [data.cadre_a]


def test_stay_of_an_assignment(world: World) -> None:
    cadre = make_cadre(world.town_a, "连续")
    first = _a(cadre, world.village_a, date(2022, 1, 1), date(2023, 12, 31))
    second = _a(cadre, world.village_a, date(2024, 1, 1))
    for assignment in (first, second):
        stay = stay_of(assignment, on=date(2025, 7, 3))  # 183 of 365 days
        assert stay is not None and (stay.since, stay.years) == (date(2022, 1, 1), 3.5)


# --- pages ------------------------------------------------------------------------------------


def test_rotation_page_uses_the_setting_and_the_date(world: World) -> None:
    vw(world, started_on=date(2024, 1, 1))
    client = Client()
    client.force_login(world.users["clerk_a"])
    url = reverse("villagework:rotation")
    response = client.get(url, {"on": "2026-06-01"})
    assert response.context["due"] == []
    assert [s.cadre.name for s in response.context["upcoming"]] == ["黄驻村"]
    settings_update(actor=None, rotation_years=2)
    response = client.get(url, {"on": "2026-06-01"})
    assert [(s.cadre.name, s.years) for s in response.context["due"]] == [("黄驻村", 2.4)]
    body = response.content.decode()
    assert "黄驻村" in body and "吴驻村" not in body and "同一村连续驻村满 2 年" in body
    export = client.get(reverse("villagework:rotation_export"), {"on": "2026-06-01"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert [(r[0], r[3], r[6]) for r in rows] == [("已满期", "黄驻村", 2.4)]


def test_village_cadre_sees_only_own_stay_on_the_page(world: World) -> None:
    vw(world, started_on=date(2020, 1, 1))
    _a(make_cadre(world.town_a, "同村同事"), world.village_a, date(2019, 1, 1))
    client = Client()
    client.force_login(world.users["village_cadre"])
    response = client.get(reverse("villagework:rotation"), {"on": "2026-01-01"})
    assert [s.cadre.name for s in response.context["due"]] == ["黄驻村"]
    assert "同村同事" not in response.content.decode()
