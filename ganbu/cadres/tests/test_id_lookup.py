"""Searching the registry by 身份证号 (issue 11, finding 7): limited per user (rules.ID_LOOKUP_MAX
in rules.ID_LOOKUP_WINDOW_MINUTES), every search audited without the number, refused to roles that
may not see the numbers."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ganbu.audit.models import AuditEvent
from ganbu.cadres import rules
from ganbu.cadres.models import Cadre
from ganbu.cadres.services.lookups import LOOKUP_ACTION, lookup_digest
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import World

pytestmark = pytest.mark.django_db


def _client(world: World, who: str) -> Client:
    client = Client()
    client.force_login(world.users[who])
    return client


def _names(response: object) -> list[str]:
    return [c.name for c in response.context["page"].object_list]  # type: ignore[attr-defined]


def _messages(response: object) -> list[str]:
    return [str(m) for m in response.context["messages"]]  # type: ignore[attr-defined]


@pytest.fixture
def cadre(world: World) -> Cadre:
    return make_cadre(world.town_a, "赵四")


def test_the_limit_holds_at_the_boundary(world: World, cadre: Cadre, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rules, "ID_LOOKUP_MAX", 5)
    client = _client(world, "clerk_a")
    number = cadre.id_number or ""
    url = reverse("cadres:list")
    for _ in range(5):  # at the limit: every search answers
        assert _names(client.get(url, {"q": number})) == ["赵四"]
    refused = client.get(url, {"q": number})  # just above: a Chinese message and no result
    assert _names(refused) == []
    assert _messages(refused) == ["按身份证号查询过于频繁：每 10 分钟最多 5 次，请稍后再试"]
    assert "赵四" not in refused.content.decode().split('id="cadre-table"')[1]
    assert AuditEvent.objects.filter(action=LOOKUP_ACTION).count() == 5  # the refused one left none
    # a prefix search counts too and is refused as well; a name search is not limited
    assert _names(client.get(url, {"q": number[:10]})) == []
    assert _names(client.get(url, {"q": "赵四"})) == ["赵四"]
    # another user has a limit of their own
    assert _names(_client(world, "county").get(url, {"q": number})) == ["赵四"]


def test_the_window_slides(world: World, cadre: Cadre, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rules, "ID_LOOKUP_MAX", 2)
    client = _client(world, "clerk_a")
    url = reverse("cadres:list")
    query = {"q": cadre.id_number or ""}
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert _names(client.get(url, query)) == ["赵四"]
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        assert _names(client.get(url, query)) == ["赵四"]
        assert _names(client.get(url, query)) == []
    # the first search leaves the window: one more is allowed, then refused again
    with time_machine.travel(start + timedelta(minutes=10, seconds=1), tick=False):
        assert _names(client.get(url, query)) == ["赵四"]
        assert _names(client.get(url, query)) == []


def test_the_default_limit_is_30_in_10_minutes(world: World, cadre: Cadre) -> None:
    assert (rules.ID_LOOKUP_MAX, rules.ID_LOOKUP_WINDOW_MINUTES) == (30, 10)
    client = _client(world, "county")
    url = reverse("cadres:list")
    for _ in range(30):
        client.get(url, {"q": (cadre.id_number or "")[:8]})
    assert _names(client.get(url, {"q": cadre.id_number or ""})) == []


def test_every_search_is_audited_without_the_number(world: World, cadre: Cadre) -> None:
    number = cadre.id_number or ""
    client = _client(world, "clerk_a")
    client.get(reverse("cadres:list"), {"q": number})
    client.get(reverse("cadres:list"), {"q": "469099199901011234"})  # no such cadre
    client.get(reverse("cadres:list"), {"q": number[:12]})
    events = list(AuditEvent.objects.filter(action=LOOKUP_ACTION).order_by("seq"))
    assert [(e.payload["kind"], e.payload["matched"]) for e in events] == [
        ("exact", True),
        ("exact", False),
        ("prefix", True),
    ]
    first = events[0]
    assert first.actor_id == world.users["clerk_a"].pk and first.unit_path == world.town_a.path
    assert first.payload["masked"] == number[:6] + "*" * 12
    assert first.payload["hmac_sha256"] == lookup_digest(number)
    for event in events:
        stored = json.dumps(event.payload) + event.object_label + event.object_id
        assert number not in stored and number[6:14] not in stored and number[:12] not in stored


def test_exports_by_number_are_searches_too(
    world: World, cadre: Cadre, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rules, "ID_LOOKUP_MAX", 1)
    client = _client(world, "clerk_a")
    assert client.get(reverse("cadres:export"), {"q": cadre.id_number or ""}).status_code == 200
    refused = client.get(reverse("cadres:export"), {"q": cadre.id_number or ""}, follow=True)
    assert refused.redirect_chain[0][0].startswith(reverse("cadres:list"))
    assert "按身份证号查询过于频繁" in refused.content.decode()
    assert client.get(reverse("cadres:forms_zip"), {"q": cadre.id_number or ""}).status_code == 302


@pytest.mark.parametrize("who", ["committee", "supervision"])
def test_roles_that_may_not_see_numbers_cannot_search_by_number(world: World, cadre: Cadre, who: str) -> None:
    client = _client(world, who)
    for query in (cadre.id_number or "", (cadre.id_number or "")[:10]):
        response = client.get(reverse("cadres:list"), {"q": query})
        assert _names(response) == []
        assert _messages(response) == [
            "您的角色不能按身份证号查询干部（身份证号仅对组织部、乡镇、部门角色可见）"
        ]
    assert _names(client.get(reverse("cadres:list"), {"q": "赵四"})) == ["赵四"]
    assert not AuditEvent.objects.filter(action=LOOKUP_ACTION).exists()
