from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from ganbu.audit.models import AuditEvent
from ganbu.org import services
from ganbu.org.models import CodeItem, Unit, UnitKind
from ganbu.org.scoping import filter_by_scope, units_in_scope
from ganbu.testing.world import World

pytestmark = pytest.mark.django_db


def test_paths_make_subtrees(world: World) -> None:
    assert world.village_a.path == "/C/TA/VA/"
    assert set(units_in_scope(world.users["clerk_a"]).values_list("code", flat=True)) == {"TA", "VA"}
    assert units_in_scope(world.users["county"]).count() == 6
    assert filter_by_scope(Unit.objects.all(), world.users["clerk_b"], unit_field="").count() == 2


def test_a_village_cannot_hang_under_the_county(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        services.unit_create(code="X", name="错村", kind=UnitKind.VILLAGE, parent=world.county, actor=None)
    assert "村不能设在县之下" in str(exc.value)


def test_households_only_for_villages(world: World) -> None:
    with pytest.raises(ValidationError, match="只有村/社区"):
        services.unit_create(
            code="D9", name="县某局", kind=UnitKind.DEPARTMENT, parent=world.county, households=3, actor=None
        )


def test_unit_codes_are_unique(world: World) -> None:
    with pytest.raises(ValidationError):
        services.unit_create(code="TA", name="重复", kind=UnitKind.TOWN, parent=world.county, actor=None)


def test_post_level_must_be_in_the_code_table(world: World) -> None:
    with pytest.raises(ValidationError, match="职务层次代码"):
        services.post_create(unit=world.town_a, team=None, name="镇长", level="ZZ", actor=None)


def test_national_code_tables_are_loaded() -> None:
    assert CodeItem.objects.filter(table__key="ethnicity").count() == 58
    assert CodeItem.objects.get(table__key="ethnicity", code="56").name == "基诺族"
    assert CodeItem.objects.get(table__key="political_status", code="13").name == "群众"
    assert CodeItem.objects.get(table__key="civil_service_rank", code="1C").name == "二级科员"
    assert CodeItem.objects.get(table__key="leadership_level", code="1A41").name == "乡科级正职"
    assert CodeItem.objects.get(table__key="education", code="21").group == "大学"


def test_unit_edit_saves_and_audits(world: World) -> None:
    client = Client()
    client.force_login(world.users["county"])
    url = reverse("org:unit_edit", kwargs={"pk": world.village_a.pk})
    response = client.post(
        url, {"name": "甲村（新）", "category": "", "households": "130", "sort_order": "1"}
    )
    assert response.status_code == 302
    world.village_a.refresh_from_db()
    assert world.village_a.name == "甲村（新）" and world.village_a.households == 130
    event = AuditEvent.objects.filter(action="unit.update").latest("seq")
    assert event.payload["before"]["households"] == 120 and event.payload["after"]["households"] == 130


def test_unit_edit_rejects_households_for_a_town_with_a_chinese_error(world: World) -> None:
    client = Client()
    client.force_login(world.users["county"])
    url = reverse("org:unit_edit", kwargs={"pk": world.town_a.pk})
    response = client.post(url, {"name": "甲镇", "category": "", "households": "5", "sort_order": "0"})
    assert response.status_code == 200
    assert "只有村/社区可以填写户数" in response.content.decode()
    world.town_a.refresh_from_db()
    assert world.town_a.households is None


def test_township_clerk_cannot_edit_units(world: World) -> None:
    client = Client()
    client.force_login(world.users["clerk_a"])
    url = reverse("org:unit_edit", kwargs={"pk": world.village_a.pk})
    assert client.post(url, {"name": "x", "sort_order": "0"}).status_code == 403


def test_unit_detail_shows_children_and_wrong_method_is_refused(world: World) -> None:
    client = Client()
    client.force_login(world.users["clerk_a"])
    url = reverse("org:unit_detail", kwargs={"pk": world.town_a.pk})
    response = client.get(url)
    assert response.status_code == 200 and "甲村" in response.content.decode()
    assert client.post(url).status_code == 405


def test_unit_list_query_count_is_constant(world: World, django_assert_max_num_queries: object) -> None:
    client = Client()
    client.force_login(world.users["county"])
    for i in range(20):
        services.unit_create(
            code=f"V{i}", name=f"村{i}", kind=UnitKind.VILLAGE, parent=world.town_b, actor=None
        )
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        assert client.get(reverse("org:unit_list")).status_code == 200


def test_unit_list_filters_by_kind_and_totals_teams_and_quotas(world: World) -> None:
    """?kind= keeps the units a home figure counts, and the totals line adds up what is listed;
    an unknown kind lists every unit, and a township clerk sees only the township's units."""
    party = services.team_create(unit=world.town_a, kind="party_committee", name="甲镇党委", actor=None)
    services.post_create(unit=world.town_a, team=party, name="副书记", level="1A42", quota=3, actor=None)
    services.post_create(unit=world.dept, team=None, name="副局长", level="1A42", quota=2, actor=None)

    def listed(who: str, query: str) -> tuple[list[str], dict[str, int]]:
        client = Client()
        client.force_login(world.users[who])
        response = client.get(reverse("org:unit_list") + query)
        assert response.status_code == 200
        units = response.context["units"]
        html = response.content.decode()
        totals = {k: int(v) for k, v in re.findall(r'data-total="(\w+)">(\d+)<', html)}
        return [u.name for u in units], totals

    assert set(listed("county", "?kind=township")[0]) == {"甲镇", "乙乡"}
    assert set(listed("county", "?kind=village")[0]) == {"甲村", "乙村"}
    assert listed("county", "?kind=village")[1]["households"] == 200
    names, totals = listed("county", "?kind=leadership")
    assert set(names) == {"甲镇", world.dept.name}
    assert (totals["units"], totals["teams"], totals["posts"]) == (2, 1, 5)
    assert len(listed("county", "?kind=nonsense")[0]) == Unit.objects.count()
    assert set(listed("clerk_a", "?kind=village")[0]) == {"甲村"}
