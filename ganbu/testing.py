"""Shared test fixtures: a small county with two townships, and one user per role.

Used by every app's tests (healthchecks-style BaseTestCase, as pytest fixtures): `world` builds
county → 甲镇 (with 甲村) and 乙乡 (with 乙村) and a department; users:
county (组织部, whole county), clerk_a (乡镇, 甲镇), clerk_b (乡镇, 乙乡), dept (部门), village_cadre,
committee, supervision, plus `attackers`: one user of every role scoped to 甲镇.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ganbu.cadres.demo import seed_cadres
from ganbu.cadres.models import Cadre
from ganbu.cadres.rules import make_id_number
from ganbu.core.demo import DemoContext, SeedStats
from ganbu.core.pinyin import name_keys
from ganbu.org import services as org_services
from ganbu.org.demo import seed_structure
from ganbu.org.models import Role, Unit, UnitKind, User

PASSWORD = "correct-horse-battery-9"  # noqa: S105 - test accounts only


@dataclass
class World:
    county: Unit
    town_a: Unit
    village_a: Unit
    town_b: Unit
    village_b: Unit
    dept: Unit
    users: dict[str, User] = field(default_factory=dict)
    attackers: dict[str, User] = field(default_factory=dict)


def make_user(username: str, role: str, scope: Unit | None, *, superuser: bool = False) -> User:
    user, _ = org_services.user_create(
        username=username, role=role, scope_unit=scope, password=PASSWORD, is_superuser=superuser, actor=None
    )
    return user


def build_world() -> World:
    org_services.code_tables_ensure()  # transactional tests flush the data migration's rows
    county = org_services.unit_create(code="C", name="测试县", kind=UnitKind.COUNTY, parent=None, actor=None)
    town_a = org_services.unit_create(
        code="TA", name="甲镇", kind=UnitKind.TOWN, parent=county, category="中心镇", actor=None
    )
    village_a = org_services.unit_create(
        code="VA", name="甲村", kind=UnitKind.VILLAGE, parent=town_a, households=120, actor=None
    )
    town_b = org_services.unit_create(
        code="TB", name="乙乡", kind=UnitKind.TOWNSHIP, parent=county, category="山区乡镇", actor=None
    )
    village_b = org_services.unit_create(
        code="VB", name="乙村", kind=UnitKind.VILLAGE, parent=town_b, households=80, actor=None
    )
    dept = org_services.unit_create(
        code="D1", name="县教育局", kind=UnitKind.DEPARTMENT, parent=county, category="政府部门", actor=None
    )
    world = World(county, town_a, village_a, town_b, village_b, dept)
    world.users = {
        "admin": make_user("admin", Role.COUNTY, county, superuser=True),
        "county": make_user("county", Role.COUNTY, county),
        "clerk_a": make_user("clerk_a", Role.TOWNSHIP, town_a),
        "clerk_b": make_user("clerk_b", Role.TOWNSHIP, town_b),
        "dept": make_user("dept", Role.DEPARTMENT, dept),
        "village_cadre": make_user("village_cadre", Role.VILLAGE_CADRE, village_a),
        "committee": make_user("committee", Role.COMMITTEE, county),
        "supervision": make_user("supervision", Role.SUPERVISION, county),
    }
    world.attackers = {role: make_user(f"attacker_{role}", role, town_a) for role in Role.values}
    return world


_sequence = [0]


def make_cadre(unit: Unit, name: str = "张三", **fields: Any) -> Cadre:
    """A minimal valid cadre record for tests (bypasses the import pipeline on purpose)."""
    _sequence[0] += 1
    born = fields.pop("birth_date", date(1985, 3, 4))
    gender = fields.pop("gender", "1")
    pinyin, initials, stroke = name_keys(name)
    defaults: dict[str, Any] = {
        "ethnicity": "01",
        "political_status": "01",
        "personnel_category": "1",
        "id_number": make_id_number("469099", born, _sequence[0] % 500, gender),
        "work_started_on": date(born.year + 22, 7, 1),
    }
    defaults.update(fields)
    return Cadre.objects.create(
        name=name,
        gender=gender,
        birth_date=born,
        unit=unit,
        name_pinyin=pinyin,
        name_initials=initials,
        stroke_key=stroke,
        **defaults,
    )


def seed_registry_demo(*, cadres: int, seed: int) -> SeedStats:
    """The registry part of the demo county (units, teams, posts and cadres, as `seed_demo` builds
    them) for tests of the apps below `home`, which may not import the whole demo."""
    ctx = DemoContext(seed=seed, cadres=cadres, rng=random.Random(seed), progress=lambda message: None)
    seed_structure(ctx)
    seed_cadres(ctx)
    return ctx.stats
