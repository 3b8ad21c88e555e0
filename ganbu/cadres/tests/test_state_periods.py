"""State periods (models.StatePeriod): the rule (`rules.state_periods`), and every writer of a
cadre's history keeping them equal to a rebuild from the records — services, the Excel import,
LRMX through the services, cadre deletion — plus the rebuild command and the data migration's
function. (That the periods give the same structure tables as the history computation is
tested in analytics/tests/test_periods.py.)"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.management import call_command

from ganbu.audit.models import AuditEvent
from ganbu.cadres import services
from ganbu.cadres.models import Cadre, StatePeriod
from ganbu.cadres.rules import OPEN_END, AppointmentFacts, Period, state_periods
from ganbu.cadres.selectors import state_periods_on
from ganbu.cadres.tests.test_excel_import import person, run, xlsx
from ganbu.testing.world import World

pytestmark = pytest.mark.django_db


def appt(
    start: date, end: date | None = None, level: str = "1A42", unit: int = 1, **kw: Any
) -> AppointmentFacts:
    return AppointmentFacts(
        kw.get("title", "副镇长"),
        level,
        kw.get("leader", True),
        kw.get("primary", True),
        start,
        end,
        unit,
        kw.get("id"),
    )


# --- the rule ----------------------------------------------------------------------------------


def test_a_period_per_change_with_gaps_and_the_end_date_still_counting() -> None:
    periods = state_periods(
        appointments=[
            appt(date(2010, 1, 1), date(2012, 6, 30), "1A50", leader=False, id=1),
            appt(date(2012, 7, 1), date(2015, 12, 31), "1A42", id=2),  # promoted the next day
            appt(date(2017, 1, 1), None, "1A41", unit=2, id=3),  # after a gap
        ],
        ranks=[("1A", date(2013, 1, 1), None)],
        educations=[("fulltime", "31", "", date(2009, 7, 1)), ("inservice", "21", "", date(2014, 7, 1))],
        active=True,
    )
    assert periods == [
        Period(date(2010, 1, 1), date(2012, 7, 1), 1, 1, "1A50", False, "", "31", "31"),
        Period(date(2012, 7, 1), date(2013, 1, 1), 1, 2, "1A42", True, "", "31", "31"),
        Period(date(2013, 1, 1), date(2014, 7, 1), 1, 2, "1A42", True, "1A", "31", "31"),
        Period(date(2014, 7, 1), date(2016, 1, 1), 1, 2, "1A42", True, "1A", "21", "31"),
        Period(date(2017, 1, 1), OPEN_END, 2, 3, "1A41", True, "1A", "21", "31"),
    ]


def test_changes_that_change_nothing_do_not_split_a_period() -> None:
    periods = state_periods(
        appointments=[appt(date(2010, 1, 1), id=1)],
        # a rank record before the first post and one replaced by the same rank; an education
        # completed while a better one was already held
        ranks=[("1A", date(2005, 1, 1), date(2011, 12, 31)), ("1A", date(2012, 1, 1), None)],
        educations=[("fulltime", "21", "", date(2008, 7, 1)), ("inservice", "31", "", date(2013, 7, 1))],
        active=True,
    )
    assert [(p.valid_from, p.valid_to) for p in periods] == [(date(2010, 1, 1), OPEN_END)]


def test_someone_who_left_counts_only_through_posts_with_an_end_date() -> None:
    posts = [appt(date(2010, 1, 1), date(2014, 12, 31), id=1), appt(date(2015, 1, 1), None, "1A41", id=2)]
    left = state_periods(appointments=posts, ranks=[], educations=[], active=False)
    assert [(p.valid_from, p.valid_to) for p in left] == [(date(2010, 1, 1), date(2015, 1, 1))]
    active = state_periods(appointments=posts, ranks=[], educations=[], active=True)
    assert [p.valid_to for p in active] == [date(2015, 1, 1), OPEN_END]


# --- writers -----------------------------------------------------------------------------------


def _rows(cadre_ids: list[int] | None = None) -> list[tuple[Any, ...]]:
    fields = [f.attname for f in StatePeriod._meta.concrete_fields if not f.primary_key]
    qs = (
        StatePeriod.objects.all() if cadre_ids is None else StatePeriod.objects.filter(cadre_id__in=cadre_ids)
    )
    return list(qs.order_by("cadre_id", "valid_from").values_list(*fields))


def assert_equal_to_a_rebuild() -> None:
    kept = _rows()
    services.state_periods_rebuild()
    assert kept == _rows()


def test_the_excel_import_writes_the_periods_of_new_and_updated_cadres(world: World) -> None:
    assert run(world, xlsx([person(1), person(2, 姓名="李四")])).ok
    assert StatePeriod.objects.count() == 2
    zhang = Cadre.objects.get(name="张三")
    assert list(state_periods_on(date(2010, 1, 1)).filter(cadre=zhang).values_list("level", "rank")) == [
        ("1A50", "1B")
    ]
    promoted = person(
        1, 职务="甲镇党委委员", 职务层次="乡科级副职", 任职时间=date(2020, 3, 1), 职级="二级主任科员"
    )
    assert run(world, xlsx([promoted])).ok
    assert list(state_periods_on(date(2021, 1, 1)).filter(cadre=zhang).values_list("level", "is_leader")) == [
        ("1A42", True)
    ]
    assert list(state_periods_on(date(2019, 1, 1)).filter(cadre=zhang).values_list("level", "is_leader")) == [
        ("1A50", False)
    ]
    assert_equal_to_a_rebuild()


def test_a_reimport_rebuilds_the_periods_of_changed_cadres_only(world: World) -> None:
    assert run(world, xlsx([person(1), person(2, 姓名="李四")])).ok
    kept = set(StatePeriod.objects.filter(cadre__name="李四").values_list("pk", flat=True))
    promoted = person(
        1, 职务="甲镇党委委员", 职务层次="乡科级副职", 任职时间=date(2020, 3, 1), 职级="二级主任科员"
    )
    result = run(world, xlsx([promoted, person(2, 姓名="李四")]))
    assert result.ok and result.unchanged == 1
    assert set(StatePeriod.objects.filter(cadre__name="李四").values_list("pk", flat=True)) == kept
    assert StatePeriod.objects.filter(cadre__name="张三", level="1A42").exists()
    assert_equal_to_a_rebuild()


def test_a_refused_import_writes_no_periods(world: World) -> None:
    result = run(world, xlsx([person(1), person(2, 出生日期="not a date")]))
    assert not result.ok
    assert not StatePeriod.objects.exists()


def test_status_and_counted_fields_of_the_cadre_update_the_periods(world: World) -> None:
    assert run(world, xlsx([person(1)])).ok
    cadre = Cadre.objects.get()
    services.cadre_update(cadre=cadre, data={"ethnicity": "02"}, actor=None)
    assert set(StatePeriod.objects.values_list("ethnicity", flat=True)) == {"02"}
    services.cadre_update(cadre=cadre, data={"status": "retired"}, actor=None)
    assert not StatePeriod.objects.exists()  # the open post no longer counts
    assert_equal_to_a_rebuild()
    services.cadre_update(cadre=cadre, data={"health": "良好"}, actor=None)  # not counted: unchanged
    assert_equal_to_a_rebuild()


def test_the_daily_refresh_leaves_the_periods_alone(world: World) -> None:
    assert run(world, xlsx([person(1)])).ok
    StatePeriod.objects.all().delete()
    cadre = Cadre.objects.get()
    services.cadre_refresh_derived(cadre=cadre, periods=False)
    assert not StatePeriod.objects.exists()
    services.cadre_refresh_derived(cadre=cadre)
    assert StatePeriod.objects.count() == 1


def test_the_command_rebuilds_all_or_some_and_audits_a_full_rebuild(world: World, capsys: Any) -> None:
    assert run(world, xlsx([person(1), person(2, 姓名="李四"), person(3, 姓名="王五")])).ok
    kept = _rows()
    StatePeriod.objects.all().delete()
    ids = sorted(Cadre.objects.values_list("pk", flat=True))
    call_command("rebuild_state_periods", "--cadre", str(ids[0]), "--cadre", str(ids[2]))  # not a range
    assert "2 名干部" in capsys.readouterr().out
    assert _rows() == [row for row in kept if row[0] != ids[1]] and len(_rows()) == 2
    call_command("rebuild_state_periods", "--cadre", str(ids[1]), "--cadre", str(ids[2]))  # a range
    assert _rows() == kept
    events = AuditEvent.objects.filter(action="cadre.rebuild_state_periods").count()
    StatePeriod.objects.filter(cadre_id=ids[0]).delete()
    call_command("rebuild_state_periods")
    assert "全部干部的状态时段：3 行" in capsys.readouterr().out
    assert _rows() == kept
    assert AuditEvent.objects.filter(action="cadre.rebuild_state_periods").count() == events + 1


def test_the_data_migration_function_fills_from_the_history(world: World) -> None:
    from django.apps import apps

    from ganbu.cadres.periods import rebuild

    assert run(world, xlsx([person(1), person(2, 姓名="李四")])).ok
    kept = _rows()
    StatePeriod.objects.all().delete()
    assert rebuild(apps=apps) == 2
    assert _rows() == kept


def test_an_lrmx_import_writes_the_periods_through_the_services(world: World) -> None:
    from ganbu.cadres.lrmx import import_lrmx
    from ganbu.cadres.tests.test_lrmx import minimal_lrmx

    cadre, created = import_lrmx(minimal_lrmx(), unit=world.town_a, actor=world.users["clerk_a"])
    assert created
    assert list(StatePeriod.objects.filter(cadre=cadre).values_list("valid_from", "valid_to", "unit_id")) == [
        (date(2013, 7, 1), OPEN_END, world.town_a.pk)
    ]
    assert_equal_to_a_rebuild()
