"""到龄预测 on a small county with known answers."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from ganbu.analytics import services
from ganbu.analytics.selectors.forecast import Forecast, age_cap_forecast
from ganbu.analytics.tests.helpers import Appt, Person, add_person
from ganbu.cadres.rules import RetirementGroup
from ganbu.org.models import Unit
from ganbu.testing.world import World

pytestmark = pytest.mark.django_db

START = date(2026, 3, 1)


@pytest.fixture
def county(world: World) -> World:
    def leader(
        name: str,
        born: date,
        level: str = "1A42",
        unit: Unit | None = None,
        *,
        leader: bool = True,
        **kw: Any,
    ) -> None:
        title = "镇长" if level == "1A41" else "副镇长"
        appt = Appt(unit or world.town_a, date(2015, 1, 1), level, title, leader=leader)
        add_person(Person(name, born, appointments=[appt], **kw))

    leader("已过杠", date(1970, 5, 10), "1A41")  # 55 on 2025-05-10
    leader("今年六月", date(1971, 6, 1))  # 55 on 2026-06-01
    leader("今年末女", date(1976, 12, 31), gender="2", political="13", category="9")  # 50 on 2026-12-31
    leader(
        "明年初女", date(1977, 1, 1), "1A41", gender="2", ethnicity="19", unit=world.town_b
    )  # 50 on 2027-01-01
    leader("二〇三〇", date(1975, 2, 28))  # 55 on 2030-02-28
    leader("期外", date(1976, 1, 1))  # 55 on 2031-01-01
    leader("处级无界限", date(1960, 1, 1), "1A32")
    leader("闰日女", date(1976, 2, 29), gender="2")  # 50 on 2026-03-01, the start date itself
    leader("非领导", date(1965, 1, 1), leader=False)
    return world


def forecast(world: World, unit: Unit | None = None, years: int = 5) -> Forecast:
    return age_cap_forecast(unit=unit or world.county, as_of=START, years=years, today=timezone.localdate())


def test_who_reaches_the_cap_in_which_year(county: World) -> None:
    f = forecast(county)
    assert f.leaders_total == 8  # the non-leader is not one
    assert (f.overdue.total, f.overdue.women) == (2, 1)
    rows = {y.year: y for y in f.years}
    assert list(rows) == [2026, 2027, 2028, 2029, 2030]
    assert {y: r.reaching.total for y, r in rows.items()} == {2026: 2, 2027: 1, 2028: 0, 2029: 0, 2030: 1}
    assert {y: r.cumulative.total for y, r in rows.items()} == {2026: 4, 2027: 5, 2028: 5, 2029: 5, 2030: 6}
    assert (rows[2026].reaching.women, rows[2026].reaching.non_party) == (1, 1)
    assert (rows[2027].reaching.women, rows[2027].reaching.minority) == (1, 1)
    assert rows[2026].share == "50.00"
    assert rows[2030].share == "75.00"
    assert f.sentence() == (
        "到2030年，测试县领导干部中将有6人年龄到杠（其中妇女干部3人，党外干部1人，少数民族干部1人），约占领导干部总数的75.00%。"
    )


def test_the_list_with_cap_and_retirement_dates(county: World) -> None:
    people = forecast(county).people
    assert [p.name for p in people] == ["已过杠", "闰日女", "今年六月", "今年末女", "明年初女", "二〇三〇"]
    first = people[0]
    assert (first.cap, first.cap_date, first.age, first.overdue) == (55, date(2025, 5, 10), 55, True)
    assert first.retirement.label == "2031年10月"  # born 1970-05: 61 years 5 months
    leap = people[1]
    assert (leap.cap_date, leap.overdue) == (date(2026, 3, 1), True)
    worker = people[3]
    assert worker.retirement_group == RetirementGroup.WOMEN_WORKERS  # 人员类别「其他」
    assert worker.retirement.label == "2027年12月"
    assert people[4].retirement_group == RetirementGroup.WOMEN_CADRES
    assert people[4].unit_name == "乙乡"


def test_scope_and_caps(county: World) -> None:
    f = forecast(county, county.town_b)
    assert f.leaders_total == 1 and [p.name for p in f.people] == ["明年初女"]
    services.age_caps_set(caps={("1A42", "1"): 57, ("1A32", "1"): 60}, actor=county.users["county"])
    people = {p.name: p for p in forecast(county).people}
    assert people["今年六月"].cap_date == date(2028, 6, 1)  # 副科 men now at 57
    assert "二〇三〇" not in people  # 57 in 2032, after the horizon
    assert people["已过杠"].cap == 55  # 正科 unchanged
    assert people["处级无界限"].overdue  # 66 on the start date, over the new 60


def test_years_start_at_the_start_date(county: World) -> None:
    f = forecast(county, years=1)
    assert [y.year for y in f.years] == [2026]
    assert f.years[0].cumulative.total == 4
