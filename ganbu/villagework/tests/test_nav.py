"""The 驻村工作 section navigation: every page of the section carries it, by role."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ganbu.testing.world import World
from ganbu.villagework.tests.factories import vw

pytestmark = pytest.mark.django_db


def _nav(client: Client, url: str) -> str:
    html = client.get(url).content.decode()
    start = html.index('aria-label="驻村工作"')
    return html[start : html.index("</nav>", start)]


def test_township_gets_the_management_pages(world: World) -> None:
    vw(world)
    client = Client()
    client.force_login(world.users["clerk_a"])
    nav = _nav(client, reverse("villagework:rotation"))
    for label in ("概览", "村与农户", "驻村安排", "工作记录", "群众诉求", "轮岗提醒", "年度考核"):
        assert label in nav
    assert "设置" not in nav  # county only
    assert 'aria-current="page">轮岗提醒' in nav


def test_county_also_gets_settings_supervision_no_evaluation(world: World) -> None:
    county = Client()
    county.force_login(world.users["county"])
    assert "设置" in _nav(county, reverse("villagework:overview"))
    supervision = Client()
    supervision.force_login(world.users["supervision"])
    nav = _nav(supervision, reverse("villagework:overview"))
    assert "年度考核" not in nav and "概览" in nav


def test_village_cadre_gets_the_phone_pages(world: World) -> None:
    vw(world)
    client = Client()
    client.force_login(world.users["village_cadre"])
    nav = _nav(client, reverse("villagework:my_work"))
    assert "写工作记录" in nav and "我的记录" in nav
    assert "驻村安排" not in nav and "年度考核" not in nav
