"""A crawler that submits hostile values to every form of every page (the routes of the scope
walk) as a county administrator, and asserts that nothing answers with a server error: bad input
gets a form error, a 4xx or a redirect, never a 500.

For each route: GET the page (with the scope fixture's object for routes that need one), collect
the names of its form fields, then POST each payload set in every field to the form's action. The
figures (routes, forms, posts) are printed for the issue note."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client

from ganbu.home.tests.scope_fixtures import SCOPE_FIXTURES
from ganbu.home.tests.test_scope_walk import PROTECTED, ROUTES, Route, _url
from ganbu.testing.world import World

_FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
_ACTION = re.compile(r'action="([^"]*)"', re.I)
_METHOD = re.compile(r'method="([^"]*)"', re.I)
_FIELD = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"', re.I)

PAYLOADS: list[str] = [
    "",
    "x" * 20_000,  # far beyond every max_length
    "<script>alert(1)</script>'\"; DROP TABLE cadres_cadre; --",
    "-1",
    "99999999999999999999999999",
    "2026-02-30",
    "１２３４５６",  # full-width digits
    "张三\u3000（兼）：；，！？「」",
    "😀𠀀",  # beyond the BMP
    "../../etc/passwd",
    "nan",
]


def _forms(html: str, page_url: str) -> list[tuple[str, list[str]]]:
    forms = []
    for attributes, body in _FORM.findall(html):
        found = _METHOD.search(attributes)
        method = found.group(1).lower() if found else "get"
        if method != "post":
            continue
        action = _ACTION.search(attributes)
        target = unescape(action.group(1)) if action and action.group(1) else page_url
        names = sorted({n for n in _FIELD.findall(body) if n != "csrfmiddlewaretoken"})
        forms.append((target, names))
    return forms


def _page_url(route: Route, world: World) -> str | None:
    if not route.kwargs:
        return _url(route)
    assert route.access is not None
    if route.access.model is None or route.access.model not in SCOPE_FIXTURES:
        return None
    obj, _ = SCOPE_FIXTURES[route.access.model](world)
    return _url(route, obj)


PAGES = [r for r in PROTECTED if r.access and r.access.kind in ("page", "list", "detail", "action")]


@pytest.mark.django_db
@pytest.mark.parametrize("route", PAGES, ids=lambda r: r.name)
def test_hostile_form_values_never_give_a_server_error(route: Route, world: World) -> None:
    url = _page_url(route, world)
    if url is None:
        pytest.skip("no fixture for this route's object")
    client = Client(raise_request_exception=False)
    client.force_login(world.users["admin"])
    page = client.get(url)
    assert page.status_code < 500, f"GET {url}: {page.status_code}"
    html = page.content.decode("utf-8", "replace") if page.status_code == 200 else ""
    forms = _forms(html, url) or [(url, ["name", "q", "file"])]
    for target, names in forms:
        for payload in PAYLOADS:
            data = {name: payload for name in names}
            response = client.post(target, data)
            assert response.status_code < 500, (
                f"POST {target} {names} = {payload[:30]!r}: {response.status_code}"
            )
        response = client.get(url, {name: PAYLOADS[2] for name in names})
        assert response.status_code < 500, f"GET {url} with hostile query: {response.status_code}"


def test_the_crawler_sees_every_route() -> None:
    assert len(PAGES) > 20 and len(ROUTES) > len(PAGES)
