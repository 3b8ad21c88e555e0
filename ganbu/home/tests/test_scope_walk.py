"""Walk every URL pattern as users of every role scoped to 甲镇 and prove that nothing in 乙乡 can
be listed, read, changed or exported. New views join automatically: a view without an access
declaration, or exposing a model with no scope fixture, fails this test."""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ganbu.home.tests.scope_fixtures import KWARG_FILLERS, ROUTE_FIXTURES, SCOPE_FIXTURES
from ganbu.org.access import Access
from ganbu.testing.world import World

SKIP_NAMESPACES = {"admin"}


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    access: Access | None
    kwargs: tuple[str, ...]


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            if ns in SKIP_NAMESPACES:
                continue
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), full_ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else (entry.name or "")
            access = getattr(entry.callback, "ganbu_access", None)
            yield Route(name, prefix + str(entry.pattern), access, tuple(entry.pattern.converters))


ROUTES = list(_walk(get_resolver().url_patterns))


def _text(response: Any) -> str:
    streaming = getattr(response, "streaming", False)
    body = b"".join(response.streaming_content) if streaming else response.content
    if body[:2] == b"PK":  # xlsx / docx / zip: scan every member
        parts: list[str] = []
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            for member in archive.namelist():
                data = archive.read(member)
                if data[:2] == b"PK":
                    with zipfile.ZipFile(io.BytesIO(data)) as inner:
                        parts.extend(inner.read(m).decode("utf-8", "replace") for m in inner.namelist())
                else:
                    parts.append(data.decode("utf-8", "replace"))
        return html.unescape("\n".join(parts))  # XML members may use character references
    text = body.decode("utf-8", "replace")
    # JSON (JsonResponse, json_script) escapes non-ASCII as \uXXXX: a leak there must be seen too
    unescaped = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    return text + "\n" + html.unescape(unescaped)


def test_every_view_declares_its_access() -> None:
    missing = [r.pattern for r in ROUTES if r.access is None]
    assert not missing, f"views without @requires/@public: {missing}"
    assert len(ROUTES) >= 5


def test_every_exposed_model_has_a_scope_fixture() -> None:
    models = {r.access.model for r in ROUTES if r.access and r.access.model is not None}
    missing = [m.__name__ for m in models if m not in SCOPE_FIXTURES]
    assert not missing, (
        f"add these models to SCOPE_FIXTURES in home/tests/scope_fixtures.py or in their app's "
        f"tests/scope_fixtures.py: {missing}"
    )


def _url(route: Route, obj: Any = None) -> str:
    """The route's URL: its own kwarg (`access.kwarg`) is the object's pk, the others come from
    KWARG_FILLERS given the object."""
    if not route.kwargs:
        return reverse(route.name)
    assert route.access is not None
    extra = set(route.kwargs) - {route.access.kwarg}
    unknown = extra - set(KWARG_FILLERS)
    assert not unknown, f"{route.pattern}: the scope walk cannot fill kwargs {unknown}; add KWARG_FILLERS"
    kwargs = {route.access.kwarg: obj.pk, **{name: KWARG_FILLERS[name](obj) for name in extra}}
    return reverse(route.name, kwargs=kwargs)


PROTECTED = [r for r in ROUTES if r.access and r.access.kind != "public"]


def _fixture(route: Route) -> Any:
    """How to make the route's object outside 甲镇: the route's own fixture, else its model's."""
    assert route.access is not None and route.access.model is not None
    return ROUTE_FIXTURES.get(route.name) or SCOPE_FIXTURES[route.access.model]


@pytest.mark.django_db
@pytest.mark.parametrize("route", PROTECTED, ids=lambda r: r.name)
def test_anonymous_is_sent_to_login(route: Route, world: World) -> None:
    obj = None
    if route.kwargs and route.access and route.access.model:
        obj, _ = _fixture(route)(world)
    url = _url(route, obj)
    for method in ("get", "post"):
        response = getattr(Client(), method)(url)
        assert response.status_code == 302, f"{method.upper()} {url} as anonymous: {response.status_code}"
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize("route", [r for r in PROTECTED if r.kwargs], ids=lambda r: r.name)
def test_objects_outside_scope_cannot_be_read_or_changed(route: Route, world: World) -> None:
    assert route.access is not None and route.access.model is not None
    obj, marker = _fixture(route)(world)
    url = _url(route, obj)
    model = type(obj)
    before = list(model._default_manager.filter(pk=obj.pk).values())

    # the fixture object is reachable for a county-wide user (so a 404 below means scope, not a bad URL)
    county = Client()
    county.force_login(world.users["admin"])
    assert county.get(url).status_code in (200, 405), f"{url} must work for the county admin"

    for role, user in world.attackers.items():
        client = Client()
        client.force_login(user)
        for method in ("get", "post"):
            # a plausible edit form (the unit form's fields): a view that forgot its scope check
            # would save it, and the database comparison below would catch the change
            response = getattr(client, method)(url, {"name": "被篡改", "category": "x", "sort_order": 0})
            assert response.status_code in (403, 404, 405), (
                f"{method.upper()} {url} as {role}@甲镇 returned {response.status_code}"
            )
            assert marker not in _text(response)
    assert list(model._default_manager.filter(pk=obj.pk).values()) == before, (
        f"{url} changed an out-of-scope object"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route",
    [r for r in PROTECTED if not r.kwargs and r.access and r.access.kind in ("list", "export")],
    ids=lambda r: r.name,
)
def test_lists_and_exports_show_nothing_outside_scope(route: Route, world: World) -> None:
    assert route.access is not None and route.access.model is not None
    _, marker = SCOPE_FIXTURES[route.access.model](world)
    url = _url(route)
    county = Client()
    county.force_login(world.users["admin"])
    assert marker in _text(county.get(url)), f"{url}: the county admin should see the fixture (test sanity)"
    for role, user in world.attackers.items():
        client = Client()
        client.force_login(user)
        response = client.get(url)
        assert response.status_code in (200, 403), f"GET {url} as {role}: {response.status_code}"
        assert marker not in _text(response), f"{url} leaked an object outside 甲镇 to {role}"


@pytest.mark.django_db
def test_admin_site_is_for_staff_only(world: World) -> None:
    for role, user in world.attackers.items():
        client = Client()
        client.force_login(user)
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302, role
        assert "/admin/login/" in response["Location"]
