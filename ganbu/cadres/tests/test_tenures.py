"""Tenures: the current main post and how long it has been held, and the unbroken time in the
same unit, from the appointment history (for rotation and to-do lists)."""

from __future__ import annotations

from datetime import date

import pytest

from ganbu.cadres.models import Appointment, Cadre
from ganbu.cadres.selectors import cadre_by_id_number, tenures
from ganbu.org.models import Unit
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import World

pytestmark = pytest.mark.django_db


def _post(cadre: Cadre, unit: Unit, title: str, start: date, end: date | None = None) -> None:
    Appointment.objects.create(
        cadre=cadre, unit=unit, title=title, level="1A42", started_on=start, ended_on=end
    )


def test_time_in_post_and_unbroken_time_in_the_unit(world: World) -> None:
    one = make_cadre(world.town_a, "甲")
    _post(one, world.town_b, "乙乡科员", date(2010, 7, 1), date(2014, 12, 31))
    _post(one, world.town_a, "甲镇科员", date(2015, 1, 5), date(2019, 3, 31))  # 5 days' gap: unbroken
    _post(one, world.town_a, "甲镇副镇长", date(2019, 4, 1))
    two = make_cadre(world.town_a, "乙")
    _post(two, world.town_a, "甲镇科员", date(2012, 1, 1), date(2016, 1, 1))
    _post(two, world.town_a, "甲镇副镇长", date(2016, 3, 1))  # two months' gap: a new stay
    three = make_cadre(world.town_a, "丙")
    _post(three, world.town_a, "甲镇科员", date(2012, 1, 1), date(2020, 1, 1))  # no post now

    found = tenures([one.pk, two.pk, three.pk], on=date(2026, 11, 1))
    assert found[one.pk].title == "甲镇副镇长" and found[one.pk].post_since == date(2019, 4, 1)
    assert found[one.pk].unit_since == date(2015, 1, 5)
    assert found[two.pk].unit_since == date(2016, 3, 1)
    assert three.pk not in found
    assert tenures([one.pk], on=date(2018, 1, 1))[one.pk].title == "甲镇科员"


def test_cadre_by_id_number_ignores_case_and_spaces(world: World) -> None:
    cadre = make_cadre(world.town_a, "张三")
    assert cadre_by_id_number(f" {cadre.id_number.lower()} ") == cadre  # type: ignore[union-attr]
    assert cadre_by_id_number("110101199001011234") is None
