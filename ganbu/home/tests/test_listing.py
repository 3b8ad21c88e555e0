"""core.listing: sorting by a declared column only, the page size among the offered ones, jumping to
a page; and the list pages that use it (驻村工作记录, 群众诉求, 记实)."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from ganbu.core.listing import PAGE_SIZES, Sorts, listing
from ganbu.org.models import Unit
from ganbu.testing.world import World

SORTS = Sorts({"name": ("name", "id"), "code": ("code",)}, default="code")


@pytest.mark.parametrize(
    ("query", "sort", "order"),
    [
        ({}, "code", ("code",)),
        ({"sort": "name"}, "name", ("name", "id")),
        ({"sort": "-name"}, "-name", ("-name", "-id")),
        ({"sort": "password"}, "code", ("code",)),  # not declared: the default, never the database
        ({"sort": "-name;drop"}, "code", ("code",)),
    ],
)
def test_only_declared_columns_sort(query: dict[str, str], sort: str, order: tuple[str, ...]) -> None:
    assert SORTS.accepted(query.get("sort", "")) == sort
    assert SORTS.order_by(sort) == order


@pytest.mark.django_db
@pytest.mark.parametrize(("size", "expected"), [("20", 20), ("200", 200), ("7", 50), ("x", 50), ("", 50)])
def test_the_page_size_is_one_of_the_offered(world: World, size: str, expected: int) -> None:
    request = RequestFactory().get("/", {"size": size, "page": "1", "sort": "-name", "q": "镇"})
    found = listing(request, Unit.objects.all(), SORTS)
    assert found.page_size == expected and expected in PAGE_SIZES
    assert found.query == f"size={size}&sort=-name&q=%E9%95%87"
    assert "sort" not in found.query_without_sort and "page" not in found.query


@pytest.mark.django_db
def test_list_pages_sort_and_page(world: World) -> None:
    client = Client()
    client.force_login(world.users["county"])
    page = client.get(reverse("home:event_list"), {"sort": "action", "size": "20"}).content.decode()
    assert 'aria-sort="ascending"' in page and "跳到第" in page and '<option value="20" selected>' in page
    for name in (
        "villagework:log_list",
        "villagework:request_list",
        "ballots:session_list",
        "home:account_list",
    ):
        key = {"ballots:session_list": "-title", "home:account_list": "-username"}.get(name, "-village")
        response = client.get(reverse(name), {"sort": key, "size": "100", "page": "999"})
        assert response.status_code == 200, name
        assert 'aria-sort="descending"' in response.content.decode(), name


@pytest.mark.django_db
def test_the_register_sorts_by_its_columns(world: World) -> None:
    from ganbu.villagework.tests.factories import make_household

    make_household(world.village_a, "王大", "二组", members=5)
    make_household(world.village_a, "李二", "一组", members=2)
    client = Client()
    client.force_login(world.users["clerk_a"])
    url = reverse("villagework:village", args=[world.village_a.pk])
    heads = [h.head_name for h in client.get(url, {"sort": "-members"}).context["page"]]
    assert heads == ["王大", "李二"]
    heads = [h.head_name for h in client.get(url, {"sort": "group"}).context["page"]]
    assert heads == ["李二", "王大"]


@pytest.mark.django_db
def test_the_registry_takes_a_page_size_and_a_page(world: World) -> None:
    from ganbu.testing.registry import make_cadre

    for i in range(25):
        make_cadre(world.town_a, f"干部{i:02d}")
    client = Client()
    client.force_login(world.users["clerk_a"])
    response = client.get(reverse("cadres:list"), {"size": "20", "page": "2"})
    page = response.context["page"]
    assert (page.paginator.per_page, page.number, len(page.object_list)) == (20, 2, 5)
    assert "跳到第" in response.content.decode()
