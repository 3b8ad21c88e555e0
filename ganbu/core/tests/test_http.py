"""Request hygiene: the client address behind trusted proxies only, control characters refused
before any view, and no caching of pages for logged-in users."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from ganbu.core.http import InputGuard, NoStore, client_ip

rf = RequestFactory()


def _ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "expected"),
    [
        ("203.0.113.9", "", [], "203.0.113.9"),
        ("203.0.113.9", "10.9.9.9", [], "203.0.113.9"),  # not from a trusted proxy: header ignored
        ("127.0.0.1", "198.51.100.7", ["127.0.0.1"], "198.51.100.7"),
        # the client wrote a fake first hop; nginx appended the real address: the right-most wins
        ("127.0.0.1", "1.2.3.4, 198.51.100.7", ["127.0.0.1"], "198.51.100.7"),
        ("127.0.0.1", "198.51.100.7, 10.0.0.2", ["127.0.0.1", "10.0.0.2"], "198.51.100.7"),
        ("127.0.0.1", "not-an-ip", ["127.0.0.1"], "127.0.0.1"),
        ("127.0.0.1", "", ["127.0.0.1"], "127.0.0.1"),
    ],
)
def test_client_ip_trusts_only_configured_proxies(
    settings: Any, remote: str, forwarded: str, trusted: list[str], expected: str
) -> None:
    settings.GANBU_TRUSTED_PROXIES = trusted
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


@pytest.mark.parametrize("bad", ["张\x00三", "a\x1bb", "x\udc80y", "\x7f"])
def test_control_characters_are_refused_with_the_field_named(bad: str) -> None:
    guard = InputGuard(_ok)
    if not any("\ud800" <= c <= "\udfff" for c in bad):  # a form body cannot carry a lone surrogate
        response = guard(rf.post("/x/", {"name": bad}))
        assert response.status_code == 400
        assert "「name」中含有不可见的控制字符" in response.content.decode()
        response = guard(rf.get("/x/", {"q": bad}))
        assert response.status_code == 400
    # JSON can (as an escape): the ballot answers and every API body
    body = json.dumps({"answers": {"3": bad}})
    response = guard(rf.post("/api/x/", body, content_type="application/json"))
    assert response.status_code == 400 and json.loads(response.content)["code"] == "input_control_characters"


def test_ordinary_text_passes() -> None:
    guard = InputGuard(_ok)
    text = "张三\t第一行\r\n第二行（兼）：；，！？、。「」"
    assert guard(rf.post("/x/", {"name": text})).status_code == 200
    assert (
        guard(rf.post("/api/x/", json.dumps({"a": text}), content_type="application/json")).status_code == 200
    )
    assert guard(rf.post("/api/x/", "{not json", content_type="application/json")).status_code == 200


def test_logged_in_responses_are_not_stored() -> None:
    request = rf.get("/")
    request.user = SimpleNamespace(is_authenticated=True)  # type: ignore[assignment]
    assert NoStore(_ok)(request)["Cache-Control"] == "no-store, private"
    request.user = SimpleNamespace(is_authenticated=False)  # type: ignore[assignment]
    assert not NoStore(_ok)(request).has_header("Cache-Control")

    def own(request: HttpRequest) -> HttpResponse:
        response = HttpResponse("x")
        response["Cache-Control"] = "no-store"
        return response

    request.user = SimpleNamespace(is_authenticated=True)  # type: ignore[assignment]
    assert NoStore(own)(request)["Cache-Control"] == "no-store"
