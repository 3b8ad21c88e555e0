"""Test data for 驻村工作, on top of ganbu.testing.World (甲镇/甲村 and 乙乡/乙村).

`vw(world)` links the world's `village_cadre` user to a cadre stationed in 甲村 and gives both
villages a few households. Model rows are created directly (not through services) so tests of a
service do not depend on another service."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ganbu.cadres.models import Cadre
from ganbu.core.pinyin import name_keys
from ganbu.org.models import Unit
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import World
from ganbu.villagework.models import Assignment, Household, HouseholdCategory


@dataclass
class VillageWorld:
    world: World
    cadre_a: Cadre  # stationed in 甲村, linked to users["village_cadre"]
    cadre_b: Cadre  # stationed in 乙村, no login
    assignment_a: Assignment
    assignment_b: Assignment
    households_a: list[Household] = field(default_factory=list)
    households_b: list[Household] = field(default_factory=list)


def make_household(village: Unit, head_name: str, group_name: str = "一组", **fields: object) -> Household:
    pinyin, initials, _ = name_keys(head_name)
    return Household.objects.create(
        village=village,
        head_name=head_name,
        group_name=group_name,
        head_pinyin=pinyin,
        head_initials=initials,
        **{"members": 3, "category": HouseholdCategory.GENERAL, **fields},
    )


HEADS_A = ["王建国", "李秀英", "张伟", "刘洋", "陈静"]
HEADS_B = ["赵敏", "孙强", "周杰"]


def vw(world: World, *, started_on: date = date(2025, 1, 1)) -> VillageWorld:
    cadre_a = make_cadre(world.town_a, "黄驻村")
    cadre_a.account = world.users["village_cadre"]
    cadre_a.save(update_fields=["account"])
    cadre_b = make_cadre(world.town_b, "吴驻村")
    assignment_a = Assignment.objects.create(cadre=cadre_a, village=world.village_a, started_on=started_on)
    assignment_b = Assignment.objects.create(cadre=cadre_b, village=world.village_b, started_on=started_on)
    households_a = [
        make_household(world.village_a, name, "一组" if i < 3 else "二组") for i, name in enumerate(HEADS_A)
    ]
    households_b = [make_household(world.village_b, name) for name in HEADS_B]
    return VillageWorld(world, cadre_a, cadre_b, assignment_a, assignment_b, households_a, households_b)
