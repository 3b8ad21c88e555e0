"""The state periods (the registry's derived copy that past-date tables read) against the history
computation they replace, which stays as the reference (`source="history"`): on a few hundred
cadres with random histories, for many dates, every dimension's counts must be the same."""

from __future__ import annotations

import random
from dataclasses import asdict
from datetime import date, timedelta
from unittest import mock

import pytest
from django.db.models import Model
from django.utils import timezone

from ganbu.analytics.rules import SEED000_BANDS, SEED001_BANDS
from ganbu.analytics.selectors.forecast import age_cap_forecast
from ganbu.analytics.selectors.state import EducationMode, Population
from ganbu.analytics.selectors.structure import StructureQuery, structure_table
from ganbu.cadres import services as registry
from ganbu.cadres.models import Appointment, Cadre, Education, RankRecord, StatePeriod
from ganbu.cadres.rules import EDUCATION_RANK, LEVEL_ORDER
from ganbu.cadres.services import state_periods_rebuild
from ganbu.core.pinyin import name_keys
from ganbu.org.models import Unit
from ganbu.testing.world import World

pytestmark = pytest.mark.django_db

LEVELS = [*(k for k in LEVEL_ORDER if k), "", "1A42", "1A42", "1A50"]
RANKS = ["11", "16", "17", "18", "19", "1A", "1B", "1C", "99"]  # 99: no grade
EDUCATIONS = [*EDUCATION_RANK, "", "9Z"]  # "": a degree-only record; 9Z: a code with no rank


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, (end - start).days))


def random_registry(world: World, cadres: int, seed: int) -> list[date]:
    """`cadres` cadres with random appointments (overlapping, back to back, ending the day before
    or the day a next one starts, concurrent non-primary ones, across units), ranks and education
    completed at various dates (some undated), some 退休/调出; written in bulk, then the periods are
    rebuilt. Returns the record dates, the interesting dates to look at."""
    rng = random.Random(seed)
    units = [world.county, world.town_a, world.village_a, world.town_b, world.village_b, world.dept]
    today = timezone.localdate()
    first, last = date(1998, 1, 1), today + timedelta(days=900)
    people = []
    for i in range(cadres):
        born = _day(rng, date(1960, 1, 1), date(1995, 12, 31))
        gender = rng.choice("12")
        pinyin, initials, stroke = name_keys(f"干部{i}")
        people.append(
            Cadre(
                name=f"干部{i}",
                gender=gender,
                birth_date=born,
                ethnicity=rng.choice(["01", "01", "01", "02", "03"]),
                political_status=rng.choice(["01", "01", "02", "13", "03"]),
                personnel_category=rng.choice(["1", "2", "3"]),
                id_number=None,
                status=rng.choice(["active"] * 8 + ["retired", "left"]),
                unit=rng.choice(units),
                name_pinyin=pinyin,
                name_initials=initials,
                stroke_key=stroke,
            )
        )
    people = Cadre.objects.bulk_create(people)
    appointments, ranks, educations, dates = [], [], [], []
    for cadre in people:
        start = _day(rng, first, today)
        for _ in range(rng.choice([0, 1, 1, 2, 3, 4])):
            end = None if rng.random() < 0.35 else start + timedelta(days=rng.randint(0, 2500))
            appointments.append(
                Appointment(
                    cadre=cadre,
                    unit=rng.choice(units),
                    title=f"职务{rng.randint(1, 50)}",
                    level=rng.choice(LEVELS),
                    is_leadership=rng.random() < 0.5,
                    is_primary=rng.random() < 0.75,
                    started_on=start,
                    ended_on=end,
                )
            )
            dates += [start, end or start]
            # the next one: the day after this ends, the same day, overlapping, or later
            base = end or start + timedelta(days=rng.randint(0, 3000))
            start = min(
                last, base + timedelta(days=rng.choice([1, 0, -rng.randint(1, 400), rng.randint(2, 900)]))
            )
        since = _day(rng, first, last)
        for _ in range(rng.choice([0, 1, 1, 2, 3])):
            end = None if rng.random() < 0.5 else since + timedelta(days=rng.randint(0, 2000))
            ranks.append(RankRecord(cadre=cadre, rank=rng.choice(RANKS), started_on=since, ended_on=end))
            dates += [since, end or since]
            since = since + timedelta(days=rng.choice([0, rng.randint(1, 1500)]))
        for _ in range(rng.choice([0, 1, 2, 3])):
            ended = None if rng.random() < 0.15 else _day(rng, first, last)
            educations.append(
                Education(
                    cadre=cadre,
                    kind=rng.choice(["fulltime", "inservice"]),
                    education=rng.choice(EDUCATIONS),
                    degree=rng.choice(["", "2", "3"]),
                    ended_on=ended,
                )
            )
            dates += [ended or first]
    Appointment.objects.bulk_create(appointments)
    RankRecord.objects.bulk_create(ranks)
    Education.objects.bulk_create(educations)
    state_periods_rebuild()
    return dates


def _structure(unit: Unit, as_of: date, source: str, population: str, education: str) -> dict[str, object]:
    query = StructureQuery(
        unit=unit,
        as_of=as_of,
        population=population,
        bands=SEED001_BANDS if as_of.day % 2 else SEED000_BANDS,
        education=education,
        source=source,
    )
    return structure_table(query, today=timezone.localdate()).to_json()


def test_periods_give_the_history_tables_for_any_date(world: World) -> None:
    record_dates = random_registry(world, 300, seed=4)
    assert StatePeriod.objects.count() > 300
    rng = random.Random(11)
    today = timezone.localdate()
    dates = {today, today - timedelta(days=1), today + timedelta(days=1), date(2015, 10, 31)}
    for d in rng.sample(record_dates, 45):  # on a record's date, the day before and the day after
        dates.update({d, d - timedelta(days=1), d + timedelta(days=1)})
    dates.update(_day(rng, date(1997, 1, 1), today + timedelta(days=1000)) for _ in range(20))
    units = [world.county, world.town_a, world.town_b, world.village_a, world.dept]
    combos = [
        (unit, population, education)
        for unit in units
        for population in (Population.ALL, Population.SECTION, Population.LEADERS)
        for education in (EducationMode.HIGHEST, EducationMode.FULLTIME)
    ]
    checked = 0
    for d in sorted(dates):
        county_table = (world.county, Population.ALL, EducationMode.HIGHEST)
        for unit, population, education in [county_table, *rng.sample(combos, 3)]:
            periods = _structure(unit, d, "periods", population, education)
            history = _structure(unit, d, "history", population, education)
            assert periods == history, (d, unit.code, population, education)
            checked += periods["total"] > 0  # type: ignore[operator]
    assert checked > 100  # the dates looked at are mostly ones with people in post


def test_the_forecast_list_from_periods_is_the_one_from_history(world: World) -> None:
    random_registry(world, 150, seed=9)
    today = timezone.localdate()
    for d in (date(2012, 3, 1), date(2018, 12, 31), today - timedelta(days=30)):
        periods = age_cap_forecast(unit=world.county, as_of=d, years=5, today=today)
        with mock.patch("ganbu.analytics.selectors.state.state_periods_built", return_value=False):
            history = age_cap_forecast(unit=world.county, as_of=d, years=5, today=today)
        assert [asdict(p) for p in periods.people] == [asdict(p) for p in history.people]
        assert periods.years == history.years
        assert periods.leaders_total == history.leaders_total > 0


def test_registry_writes_keep_the_periods_equal_to_a_rebuild(world: World) -> None:
    """Random edits through the registry's services; after each, the cadre's periods are what a
    rebuild from the records gives, and past-date tables equal the history computation."""
    from ganbu.analytics.tests.helpers import Appt, Edu, Person, Rank, add_person

    rng = random.Random(5)
    codes = registry.CodeBook()
    people = [
        add_person(
            Person(
                f"人{i}",
                date(1975 + i, 3, 1),
                appointments=[Appt(world.town_a, date(2008, 1, 1), "1A42")],
                educations=[Edu("31", date(2000, 7, 1))],
                ranks=[Rank("1A", date(2012, 1, 1))],
            ),
            codes,
        )
        for i in range(6)
    ]

    def snapshot(cadre: Cadre) -> list[tuple[object, ...]]:
        fields = [f.attname for f in StatePeriod._meta.concrete_fields if not f.primary_key]
        return list(StatePeriod.objects.filter(cadre=cadre).order_by("valid_from").values_list(*fields))

    def rebuilt(cadre: Cadre) -> list[tuple[object, ...]]:
        state_periods_rebuild(cadre_ids=[cadre.pk])
        return snapshot(cadre)

    for step in range(60):
        cadre = rng.choice(people)
        cadre.refresh_from_db()
        action = rng.choice(["appointment", "appointment", "rank", "education", "delete", "cadre"])
        if action == "appointment":
            start = _day(rng, date(2005, 1, 1), date(2024, 1, 1))
            data = {
                "unit": rng.choice([world.town_a, world.town_b, world.village_a, world.dept]),
                "post": None,
                "title": f"职务{step}",
                "level": rng.choice(["1A41", "1A42", "1A50"]),
                "is_leadership": rng.random() < 0.5,
                "is_primary": rng.random() < 0.7,
                "method": "appointed",
                "started_on": start,
                "ended_on": None if rng.random() < 0.4 else start + timedelta(days=rng.randint(0, 2000)),
                "document_number": "",
                "end_document_number": "",
            }
            existing = list(cadre.appointments.all())
            instance = rng.choice(existing) if existing and rng.random() < 0.4 else None
            registry.record_save(
                cadre=cadre, kind="appointment", data=data, actor=None, instance=instance, codes=codes
            )
        elif action == "rank":
            start = _day(rng, date(2009, 1, 1), date(2024, 1, 1))
            end = None if rng.random() < 0.5 else start + timedelta(days=rng.randint(0, 1500))
            data = {"rank": rng.choice(["17", "18", "19", "1A", "1B"]), "started_on": start, "ended_on": end}
            registry.record_save(cadre=cadre, kind="rank", data={**data, "document_number": ""}, actor=None)
        elif action == "education":
            registry.record_save(
                cadre=cadre,
                kind="education",
                data={
                    "kind": rng.choice(["fulltime", "inservice"]),
                    "education": rng.choice(["11", "21", "31", "41"]),
                    "degree": "",
                    "school": "某校",
                    "major": "",
                    "started_on": None,
                    "ended_on": _day(rng, date(2000, 1, 1), date(2024, 1, 1)),
                },
                actor=None,
                codes=codes,
            )
        elif action == "delete":
            choices: list[tuple[str, list[Model]]] = [
                ("appointment", list(cadre.appointments.all())),
                ("rank", list(cadre.ranks.all())),
                ("education", list(cadre.educations.all())),
            ]
            kind, records = rng.choice(choices)
            if records:
                registry.record_delete(cadre=cadre, kind=kind, instance=rng.choice(records), actor=None)
        else:
            field, value = rng.choice(
                [
                    ("status", rng.choice(["active", "retired", "left"])),
                    ("gender", rng.choice("12")),
                    ("political_status", rng.choice(["01", "13"])),
                    ("ethnicity", rng.choice(["01", "02"])),
                    ("personnel_category", rng.choice(["1", "5"])),  # 5 参照管理机关工作人员
                ]
            )
            data = {field: value}
            if field == "political_status":
                data["party_joined_on"] = date(cadre.birth_date.year + 20, 1, 1) if value == "01" else None
            if field == "gender":
                data["id_number"] = None
            registry.cadre_update(cadre=cadre, data=data, actor=None, codes=codes)
        cadre.refresh_from_db()
        before = snapshot(cadre)
        assert before == rebuilt(cadre), (step, action)
    today = timezone.localdate()
    for d in [date(2006, 1, 1) + timedelta(days=137 * i) for i in range(40)] + [today]:
        assert _structure(world.county, d, "periods", Population.ALL, EducationMode.HIGHEST) == _structure(
            world.county, d, "history", Population.ALL, EducationMode.HIGHEST
        ), d


def test_a_deleted_cadre_leaves_no_periods(world: World) -> None:
    from ganbu.analytics.tests.helpers import Appt, Person, add_person

    cadre = add_person(Person("删", date(1980, 1, 1), appointments=[Appt(world.town_a, date(2010, 1, 1))]))
    assert StatePeriod.objects.filter(cadre=cadre).count() == 1
    registry.cadre_delete(cadre=cadre, actor=world.users["admin"])
    assert not StatePeriod.objects.exists()


def test_past_dates_fall_back_to_history_when_the_periods_were_never_built(world: World) -> None:
    from ganbu.analytics.tests.helpers import Appt, Person, add_person

    add_person(Person("甲", date(1980, 1, 1), appointments=[Appt(world.town_a, date(2010, 1, 1))]))
    StatePeriod.objects.all().delete()  # as after a bulk load that did not rebuild them
    d = date(2015, 1, 1)
    assert _structure(world.county, d, "auto", Population.ALL, EducationMode.HIGHEST)["total"] == 1
    assert _structure(world.county, d, "periods", Population.ALL, EducationMode.HIGHEST)["total"] == 0


def test_periods_give_the_history_tables_on_the_demo_county(db: None) -> None:
    from ganbu.testing.registry import seed_registry_demo

    seed_registry_demo(cadres=400, seed=7)
    state_periods_rebuild()  # whether or not the seeder built them, the same rows
    county = Unit.objects.get(parent__isnull=True)
    today = timezone.localdate()
    for d in (date(2015, 10, 31), date(2019, 1, 1), today - timedelta(days=365), today):
        for population in (Population.ALL, Population.SECTION, Population.LEADERS):
            periods = _structure(county, d, "periods", population, EducationMode.HIGHEST)
            assert periods == _structure(county, d, "history", population, EducationMode.HIGHEST)
            assert periods["total"]
