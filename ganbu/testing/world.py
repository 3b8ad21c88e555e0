"""Shared test fixtures: a small county with two townships, and one user per role.

Used by every app's tests (healthchecks-style BaseTestCase, as pytest fixtures): `world` builds
county → 甲镇 (with 甲村) and 乙乡 (with 乙村) and a department; users:
county (组织部, whole county), clerk_a (乡镇, 甲镇), clerk_b (乡镇, 乙乡), dept (部门), village_cadre,
committee, supervision, plus `attackers`: one user of every role scoped to 甲镇.

Only `org` is imported here, so the tests of every app may use it (registry helpers are in
`ganbu.testing.registry`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ganbu.org import services as org_services
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
