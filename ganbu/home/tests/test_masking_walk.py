"""Masking walk (issue 11, finding 5): every role of the world × every page that can show a cadre.

A cadre's whole 身份证号 and its family members (name, 身份证号, workplace) are for roles with
`cadres.view_sensitive` only (组织部, 乡镇, 部门 — cadres/README.md). The walk requests, as each of
the world's users (county, clerk_a, dept, committee, supervision, village_cadre):

- every route that exposes a cadre (`requires(..., model=Cadre)` in any app: the record, its
  history, its edit forms with the family member, the photo, the 任免审批表, LRMX, the 驻村 cadre
  report and its records), for the cadre in that user's scope;
- every route without parameters (lists, dashboards, exports, the 记实 page …), and the registry
  list and export searched by name and by the whole 身份证号;
- the routes of the cadre's unit and of its 驻村 assignment;

and asserts that no secret appears in any answer (pages, JSON, every member of a zip/xlsx/docx)
for a role without the capability, and that the roles with it do see them where they belong (so
the markers would be caught). New routes join automatically.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from ganbu.cadres import services
from ganbu.cadres.models import Cadre, FamilyMember
from ganbu.cadres.rules import make_id_number
from ganbu.home.tests.test_scope_walk import ROUTES, Route, _text
from ganbu.org.permissions import has_capability
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import World
from ganbu.villagework.tests.factories import vw

ROLES = ("county", "clerk_a", "dept", "committee", "supervision", "village_cadre")
ASSIGNMENT = apps.get_model("villagework", "Assignment")
UNIT = apps.get_model("org", "Unit")
SKIP = {"logout", "login"}  # the session itself


@dataclass
class Secret:
    cadre: Cadre
    family: FamilyMember
    texts: dict[str, str]  # what → the text that must not leak


def _secret(world: World, cadre: Cadre, tag: str, sequence: int) -> Secret:
    """Give `cadre` a family member (added, then changed, through the services: the history holds
    both, with the values before and after) and a change of its own record."""
    county = world.users["county"]
    member_number = make_id_number("469099", date(1960, 2, 3), sequence, "2")
    member = services.record_save(
        cadre=cadre,
        kind="family",
        data={
            "relation": "12",  # 妻子 (GB/T 4761)
            "name": f"秘亲{tag}",
            "birth_date": date(1960, 2, 3),
            "political_status": "13",
            "workplace": f"保密单位{tag}旧",
            "id_number": member_number,
        },
        actor=county,
    )
    services.record_save(
        cadre=cadre,
        kind="family",
        data={
            "relation": "12",
            "name": f"秘亲{tag}",
            "birth_date": date(1960, 2, 3),
            "political_status": "13",
            "workplace": f"保密单位{tag}新",
            "id_number": member_number,
        },
        actor=county,
        instance=member,
    )
    services.cadre_update(
        cadre=cadre, data={"health": "良好", "party_joined_on": date(2010, 7, 1)}, actor=county
    )
    assert isinstance(member, FamilyMember)
    return Secret(
        cadre=cadre,
        family=member,
        texts={
            "cadre 身份证号": cadre.id_number or "",
            "cadre 身份证号 after the region": (cadre.id_number or "")[6:],
            "family name": f"秘亲{tag}",
            "family 身份证号": member_number,
            "family 身份证号 after the region": member_number[6:],
            "family workplace (old)": f"保密单位{tag}旧",
            "family workplace (new)": f"保密单位{tag}新",
        },
    )


@dataclass
class Walk:
    world: World
    secrets: dict[str, Secret]  # role → the cadre that role's pages are about
    assignment: Any


@pytest.fixture
def walk(world: World) -> Walk:
    village = vw(world)  # 黄驻村: in 甲镇, stationed in 甲村, the village_cadre's own record
    dept_cadre = make_cadre(world.dept, "部门干部")
    stationed = _secret(world, village.cadre_a, "甲", 101)
    in_dept = _secret(world, dept_cadre, "部", 102)
    secrets = {role: (in_dept if role == "dept" else stationed) for role in ROLES}
    return Walk(world, secrets, village.assignment_a)


def _kwargs(route: Route, walk: Walk, role: str) -> dict[str, Any] | None:
    """The URL kwargs of `route` for the pages about `role`'s cadre; None when the route is not a
    page about a cadre (its unit, its assignment) or has no parameters."""
    secret = walk.secrets[role]
    assert route.access is not None
    model = route.access.model
    if model is Cadre:
        fillers = {"kind": "family", "rid": secret.family.pk}
        return {route.access.kwarg: secret.cadre.pk, **{k: fillers[k] for k in route.kwargs if k != "pk"}}
    if model is ASSIGNMENT and route.kwargs == ("pk",):
        return {"pk": walk.assignment.pk}
    if model is UNIT and route.kwargs == ("pk",):
        return {"pk": secret.cadre.unit_id}
    return None


def _urls(walk: Walk, role: str) -> Iterator[tuple[str, str]]:
    """(route name, URL) of every page the walk requests as `role`."""
    secret = walk.secrets[role]
    for route in ROUTES:
        if route.access is None or route.access.kind == "public" or route.name in SKIP:
            continue
        if not route.kwargs:
            yield route.name, reverse(route.name)
            continue
        kwargs = _kwargs(route, walk, role)
        if kwargs is not None:
            yield route.name, reverse(route.name, kwargs=kwargs)
    number = secret.cadre.id_number
    for name in ("cadres:list", "cadres:export"):
        yield f"{name}?q=姓名", f"{reverse(name)}?q={secret.cadre.name}"
        yield f"{name}?q=身份证号", f"{reverse(name)}?q={number}"


# Where a role with cadres.view_sensitive must see each secret (so the walk's markers are live).
MUST_SHOW = {
    "cadres:detail": ("cadre 身份证号", "family name", "family workplace (new)"),
    "cadres:history": ("family name", "family 身份证号", "family workplace (old)", "family workplace (new)"),
    "cadres:record_edit": ("family name", "family 身份证号", "family workplace (new)"),
    "cadres:lrmx": ("cadre 身份证号", "family name", "family workplace (new)"),
    "cadres:export?q=姓名": ("cadre 身份证号",),
}


def test_every_role_sees_secrets_only_with_the_capability(walk: Walk) -> None:
    checked = 0
    leaks: list[str] = []
    shown_to_cadre_pages: dict[str, int] = {}
    for role in ROLES:
        user = walk.world.users[role]
        sensitive = has_capability(user, "cadres.view_sensitive")
        secret = walk.secrets[role]
        client = Client()
        client.force_login(user)
        for name, url in _urls(walk, role):
            response = client.get(url)
            checked += 1
            assert response.status_code < 500, f"GET {url} as {role}: {response.status_code}"
            text = (
                _text(response)
                if response.status_code == 200
                else response.content.decode("utf-8", "replace")
            )
            if response.status_code == 200 and secret.cadre.name in text:
                shown_to_cadre_pages[role] = shown_to_cadre_pages.get(role, 0) + 1
            if sensitive:
                for what in MUST_SHOW.get(name, ()):
                    assert secret.texts[what] in text, f"{url} as {role} should show the {what}"
                continue
            for what, value in secret.texts.items():
                if value in text:
                    leaks.append(f"{url} as {role}: the {what} ({value})")
    print(f"\nmasking walk: {checked} pages × roles checked")
    assert not leaks, "secrets shown to roles without cadres.view_sensitive:\n" + "\n".join(leaks)
    # the walk reached pages about the cadre for every role that may see cadres at all
    for role in ("county", "clerk_a", "dept", "committee", "supervision", "village_cadre"):
        assert shown_to_cadre_pages.get(role, 0) >= 1, f"no page showed the cadre to {role}"
    assert checked >= 6 * 40


def test_the_history_of_a_family_change_is_masked_not_dropped(walk: Walk) -> None:
    secret = walk.secrets["committee"]
    client = Client()
    client.force_login(walk.world.users["committee"])
    body = client.get(reverse("cadres:history", kwargs={"pk": secret.cadre.pk})).content.decode()
    assert body.count("修改家庭成员") == 1 and body.count("新增家庭成员") == 1
    assert re.search(r"工作单位及职务：</span>\*\*\* <span[^>]*>→</span> \*\*\*", body)
    assert "修改干部基本信息" in body and "良好" in body  # the cadre's own changes stay readable


def test_a_role_that_may_export_but_not_see_numbers_gets_them_masked(
    walk: Walk, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ganbu.org.models import Role
    from ganbu.org.permissions import ROLE_CAPABILITIES

    # no role has this today; the exports must still follow the one rule if one is configured
    monkeypatch.setitem(
        ROLE_CAPABILITIES, Role.COMMITTEE, ROLE_CAPABILITIES[Role.COMMITTEE] | {"cadres.export"}
    )
    secret = walk.secrets["committee"]
    client = Client()
    client.force_login(walk.world.users["committee"])
    registry = client.get(reverse("cadres:export"), {"q": secret.cadre.name})
    assert registry.status_code == 200
    text = _text(registry)
    assert secret.cadre.name in text and (secret.cadre.id_number or "")[:6] + "*" * 12 in text
    assert (secret.cadre.id_number or "")[6:] not in text
    for name in ("cadres:appointment_form", "cadres:lrmx"):
        refused = client.get(reverse(name, kwargs={"pk": secret.cadre.pk}))
        assert refused.status_code == 403
    assert client.get(reverse("cadres:forms_zip")).status_code == 403
