"""The structure table on small hand-made counties: what "as of a date" means, scope, the
populations, the fast path from current_* fields and its freshness guard."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from ganbu.analytics.rules import SEED000_BANDS, SEED001_BANDS, AgeBand
from ganbu.analytics.selectors.comparison import compare
from ganbu.analytics.selectors.sql import Sql
from ganbu.analytics.selectors.state import EducationMode, Population, current_fields_are_fresh
from ganbu.analytics.selectors.structure import (
    StructureQuery,
    StructureTable,
    registry_filter_ids,
    structure_table,
)
from ganbu.analytics.tests.helpers import Appt, Edu, Person, Rank, add_person
from ganbu.cadres.selectors import CadreFilters
from ganbu.org.models import Unit
from ganbu.testing.world import World

pytestmark = pytest.mark.django_db

D = date(2020, 6, 30)


def table(
    world: World,
    *,
    as_of: date = D,
    unit: Unit | None = None,
    population: str = Population.ALL,
    education: str = EducationMode.HIGHEST,
    source: str = "auto",
    bands: tuple[AgeBand, ...] = SEED001_BANDS,
    filter_ids: Sql | None = None,
    filter_label: str = "",
) -> StructureTable:
    query = StructureQuery(
        unit=unit or world.county,
        as_of=as_of,
        population=population,
        bands=bands,
        education=education,
        source=source,
        filter_ids=filter_ids,
        filter_label=filter_label,
    )
    return structure_table(query, today=timezone.localdate())


def counts(t: StructureTable, key: str) -> dict[str, int]:
    return {c.label: c.count for c in t.dimension(key).categories if c.count}


def test_a_cadre_promoted_after_the_date_counts_with_the_old_level(world: World) -> None:
    add_person(
        Person(
            "李升",
            date(1980, 5, 1),
            appointments=[
                Appt(world.town_a, date(2015, 1, 1), "1A42", ended_on=date(2021, 3, 31)),
                Appt(world.town_a, date(2021, 4, 1), "1A41", "镇长"),
            ],
        )
    )
    assert counts(table(world), "grade") == {"副科": 1}
    assert counts(table(world, as_of=timezone.localdate()), "grade") == {"正科": 1}
    # the day before the promotion and the day of it
    assert counts(table(world, as_of=date(2021, 3, 31)), "grade") == {"副科": 1}
    assert counts(table(world, as_of=date(2021, 4, 1)), "grade") == {"正科": 1}


def test_age_is_whole_years_on_the_date(world: World) -> None:
    add_person(Person("生日当天", date(1984, 6, 30), appointments=[Appt(world.town_a, date(2010, 1, 1))]))
    add_person(Person("生日次日", date(1984, 7, 1), appointments=[Appt(world.town_a, date(2010, 1, 1))]))
    t = table(world)
    assert counts(t, "age") == {"36–40岁": 1, "35岁以下": 1}  # 36 on the day, still 35 the day after
    assert t.age_sum == 36 + 35
    assert t.average_age == "35.5"


def test_who_is_there_on_the_date(world: World) -> None:
    add_person(Person("在任", date(1980, 1, 1), appointments=[Appt(world.town_a, date(2010, 1, 1))]))
    add_person(Person("后来", date(1990, 1, 1), appointments=[Appt(world.town_a, date(2020, 7, 1))]))
    add_person(
        Person(
            "已离开",
            date(1970, 1, 1),
            appointments=[Appt(world.town_a, date(2010, 1, 1), ended_on=date(2020, 6, 29))],
        )
    )
    add_person(
        Person("当天离任", date(1970, 1, 1), appointments=[Appt(world.town_a, date(2010, 1, 1), ended_on=D)])
    )
    add_person(
        Person(
            "已退休",
            date(1962, 1, 1),
            appointments=[Appt(world.town_a, date(2010, 1, 1), ended_on=date(2022, 1, 31))],
            status="retired",
        )
    )
    # retired without closing the appointment: when they left is unknown, so never counted
    add_person(
        Person(
            "退休未免职",
            date(1962, 1, 1),
            appointments=[Appt(world.town_a, date(2010, 1, 1))],
            status="retired",
        )
    )
    assert table(world).total == 3  # 在任, 当天离任 (still in post on the day it ends), 已退休
    assert table(world, as_of=timezone.localdate()).total == 2  # 在任, 后来


def test_education_counts_from_graduation(world: World) -> None:
    add_person(
        Person(
            "在职读研",
            date(1980, 1, 1),
            appointments=[Appt(world.town_a, date(2010, 1, 1))],
            educations=[
                Edu("31", date(2001, 7, 1)),
                Edu("21", date(2015, 7, 1), "inservice"),
                Edu("11", date(2021, 7, 1), "inservice"),
            ],
        )
    )
    assert counts(table(world), "education") == {"大学": 1}
    assert counts(table(world, education=EducationMode.FULLTIME), "education") == {"大专及以下": 1}
    assert counts(table(world, as_of=timezone.localdate()), "education") == {"研究生": 1}
    assert counts(table(world, as_of=date(2015, 6, 30)), "education") == {"大专及以下": 1}


def test_a_rank_counts_as_its_level(world: World) -> None:
    add_person(
        Person(
            "主任科员",
            date(1975, 1, 1),
            appointments=[Appt(world.town_a, date(2010, 1, 1), "1A50", "科员", leader=False)],
            ranks=[Rank("1A", date(2019, 6, 1), ended_on=date(2020, 12, 31)), Rank("18", date(2021, 1, 1))],
        )
    )
    add_person(
        Person(
            "科员",
            date(1995, 1, 1),
            appointments=[Appt(world.town_a, date(2018, 1, 1), "1A50", "科员", leader=False)],
        )
    )
    assert counts(table(world), "grade") == {"副科": 1, "科员及以下": 1}
    assert counts(table(world, as_of=timezone.localdate()), "grade") == {"正科": 1, "科员及以下": 1}
    assert table(world, population=Population.SECTION).total == 1
    assert table(world, population=Population.LEADERS).total == 0
    assert counts(table(world), "leadership") == {"非领导职务": 2}


def test_the_main_post_decides_level_and_unit(world: World) -> None:
    # a 乙乡 deputy who is also, part-time, on a 甲镇 committee: counted once, in 乙乡
    add_person(
        Person(
            "兼职",
            date(1980, 1, 1),
            appointments=[
                Appt(world.town_b, date(2015, 1, 1), "1A42"),
                Appt(world.town_a, date(2016, 1, 1), "1A50", "委员", leader=False, primary=False),
            ],
        )
    )
    assert table(world).total == 1
    assert table(world, unit=world.town_b).total == 1
    assert table(world, unit=world.town_a).total == 0
    assert counts(table(world), "grade") == {"副科": 1}


def test_scope_is_the_unit_of_the_post_on_the_date(world: World) -> None:
    add_person(
        Person(
            "调动",
            date(1980, 1, 1),
            appointments=[
                Appt(world.village_a, date(2010, 1, 1), ended_on=date(2021, 12, 31)),
                Appt(world.town_b, date(2022, 1, 1)),
            ],
        )
    )
    assert table(world, unit=world.town_a).total == 1  # 甲村 is under 甲镇
    assert table(world, unit=world.town_b).total == 0
    assert table(world, unit=world.town_a, as_of=timezone.localdate()).total == 0
    assert table(world, unit=world.town_b, as_of=timezone.localdate()).total == 1


def test_dimensions_and_seed000_bands(world: World) -> None:
    add_person(
        Person(
            "女党外",
            date(1991, 1, 1),
            gender="2",
            political="13",
            ethnicity="19",
            appointments=[Appt(world.town_a, date(2015, 1, 1))],
        )
    )
    add_person(
        Person("男党员", date(1974, 6, 30), appointments=[Appt(world.town_a, date(2015, 1, 1), leader=False)])
    )
    t = table(world, bands=SEED000_BANDS)
    assert counts(t, "gender") == {"男": 1, "女": 1}
    assert counts(t, "political") == {"中共党员": 1, "党外": 1}
    assert counts(t, "ethnicity") == {"汉族": 1, "少数民族": 1}
    assert counts(t, "leadership") == {"领导职务": 1, "非领导职务": 1}
    assert counts(t, "age") == {"30岁以下": 1, "45岁以上": 1}  # 29 and 46 on 2020-06-30
    assert [p.band for p in t.pyramid] == [b.label for b in SEED000_BANDS]
    assert {(p.band, p.men, p.women) for p in t.pyramid if p.men or p.women} == {
        ("30岁以下", 0, 1),
        ("45岁以上", 1, 0),
    }
    assert counts(t, "education") == {"未填学历": 2}
    add_person(Person("四十五", date(1975, 6, 30), appointments=[Appt(world.town_a, date(2015, 1, 1))]))
    assert counts(table(world, bands=SEED000_BANDS), "age") == {"30岁以下": 1, "41–45岁": 1, "45岁以上": 1}


def test_an_empty_scope_has_no_percentages(world: World) -> None:
    t = table(world)
    assert t.total == 0
    assert t.average_age == "—"
    assert t.dimension("gender").categories[0].percent == "—"
    assert t.sentence == f"截至2020年6月，{world.county.name}干部0人。"


def test_registry_filter_population(world: World) -> None:
    add_person(
        Person("女一", date(1985, 1, 1), gender="2", appointments=[Appt(world.town_a, date(2015, 1, 1))])
    )
    add_person(Person("男一", date(1985, 1, 1), appointments=[Appt(world.town_a, date(2015, 1, 1))]))
    add_person(
        Person("女二", date(1985, 1, 1), gender="2", appointments=[Appt(world.town_b, date(2015, 1, 1))])
    )
    ids = registry_filter_ids(user=world.users["clerk_a"], filters=CadreFilters(gender="2", status=""))
    t = table(world, population=Population.FILTER, filter_ids=ids, filter_label="性别：女")
    assert t.total == 1  # the clerk's filter sees only 甲镇
    assert t.population_label == "按档案筛选条件（性别：女）"


def test_compare_two_dates(world: World) -> None:
    add_person(
        Person(
            "老",
            date(1960, 1, 1),
            appointments=[Appt(world.town_a, date(2000, 1, 1), ended_on=date(2019, 12, 31))],
        )
    )
    add_person(
        Person("新", date(1990, 1, 1), gender="2", appointments=[Appt(world.town_a, date(2020, 1, 1))])
    )
    add_person(Person("留", date(1980, 1, 1), appointments=[Appt(world.town_a, date(2000, 1, 1))]))
    comparison = compare(table(world, as_of=date(2019, 6, 30)), table(world, as_of=D))
    gender = {r.label: r for r in next(d for d in comparison.dimensions if d.key == "gender").rows}
    assert (gender["男"].before.count, gender["男"].after.count, gender["男"].delta) == (2, 1, -1)
    assert gender["女"].delta == 1
    assert gender["男"].delta_points_tenths == 500 - 1000
    assert gender["女"].delta_points == "+50.0"
    assert comparison.total_delta == 0


# --- the fast path -----------------------------------------------------------------------------


def _demo_county() -> None:
    from ganbu.testing.registry import seed_registry_demo

    seed_registry_demo(cadres=400, seed=7)


@pytest.mark.parametrize("population", [Population.ALL, Population.SECTION, Population.LEADERS])
def test_current_fields_give_the_same_table_as_the_history(db: None, population: str) -> None:

    _demo_county()
    county = Unit.objects.get(parent__isnull=True)
    today = timezone.localdate()
    assert current_fields_are_fresh(today)
    for education in (EducationMode.HIGHEST, EducationMode.FULLTIME):
        town = Unit.objects.filter(kind="town").order_by("code").first()
        assert town is not None
        for unit in (county, town):
            results = []
            for source in ("current", "history"):
                query = StructureQuery(
                    unit=unit,
                    as_of=today,
                    population=population,
                    bands=SEED001_BANDS,
                    education=education,
                    source=source,
                )
                results.append(structure_table(query, today=today).to_json())
            assert results[0] == results[1]
            assert results[0]["total"] > 0


def test_a_record_taking_effect_after_it_was_saved_turns_off_the_fast_path(world: World) -> None:
    today = timezone.localdate()
    add_person(
        Person(
            "预任",
            date(1980, 1, 1),
            appointments=[
                Appt(world.town_a, date(2015, 1, 1), "1A42", ended_on=today + timedelta(days=9)),
                Appt(world.town_a, today + timedelta(days=10), "1A41", "镇长"),
            ],
        )
    )
    assert current_fields_are_fresh(today)
    later = today + timedelta(days=12)
    with time_machine.travel(
        datetime(later.year, later.month, later.day, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        assert timezone.localdate() == later
        assert not current_fields_are_fresh(later)  # the promotion took effect after it was entered
        stale = table(world, as_of=later, source="current")
        assert counts(stale, "grade") == {"副科": 1}  # what the stale fields would say
        assert counts(table(world, as_of=later), "grade") == {"正科": 1}  # the guard falls back to history
