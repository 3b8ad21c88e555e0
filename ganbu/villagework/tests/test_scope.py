"""Who sees which 驻村 rows (villagework.selectors.scope)."""

from __future__ import annotations

from datetime import date

import pytest

from ganbu.cadres.models import Cadre
from ganbu.org.models import Unit
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import World, make_user
from ganbu.villagework.models import Assignment, WorkLog
from ganbu.villagework.selectors import scope
from ganbu.villagework.tests.factories import vw

pytestmark = pytest.mark.django_db


def _log(cadre: Cadre, village: Unit, assignment: Assignment) -> WorkLog:
    return WorkLog.objects.create(
        cadre=cadre,
        village=village,
        assignment=assignment,
        logged_on=date(2026, 3, 2),
        kind="visit",
        content="走访",
    )


def test_township_sees_its_villages_county_sees_all(world: World) -> None:
    data = vw(world)
    log_a = _log(data.cadre_a, world.village_a, data.assignment_a)
    log_b = _log(data.cadre_b, world.village_b, data.assignment_b)
    assert set(scope.villages_for(world.users["clerk_a"])) == {world.village_a}
    assert set(scope.households_for(world.users["clerk_a"])) == set(data.households_a)
    assert set(scope.logs_for(world.users["clerk_a"])) == {log_a}
    assert set(scope.logs_for(world.users["county"])) == {log_a, log_b}
    assert set(scope.villages_for(world.users["county"])) == {world.village_a, world.village_b}


def test_village_cadre_sees_only_own_villages_and_logs(world: World) -> None:
    data = vw(world)
    user = world.users["village_cadre"]
    # a second cadre stationed in the same village: their logs are not the user's
    colleague = make_cadre(world.town_a, "同村干部")
    colleague_assignment = Assignment.objects.create(
        cadre=colleague, village=world.village_a, started_on=date(2025, 1, 1)
    )
    own = _log(data.cadre_a, world.village_a, data.assignment_a)
    _log(colleague, world.village_a, colleague_assignment)
    assert scope.own_only(user)
    assert list(scope.logs_for(user)) == [own]
    assert set(scope.villages_for(user)) == {world.village_a}
    assert set(scope.assignments_for(user)) == {data.assignment_a}


def test_village_cadre_without_linked_record_sees_nothing(world: World) -> None:
    vw(world)
    stranger = make_user("zhucun2", "village_cadre", world.town_a)
    assert not scope.villages_for(stranger).exists()
    assert not scope.households_for(stranger).exists()
    assert not scope.logs_for(stranger).exists()
    assert not scope.requests_for(stranger).exists()


def test_village_cadre_scope_unit_still_applies(world: World) -> None:
    """A cadre stationed in 乙村 but whose login is scoped to 甲镇 does not see 乙村."""
    data = vw(world)
    Assignment.objects.create(cadre=data.cadre_a, village=world.village_b, started_on=date(2025, 6, 1))
    user = world.users["village_cadre"]
    user.scope_unit = world.town_a
    user.save()
    assert set(scope.villages_for(user)) == {world.village_a}
