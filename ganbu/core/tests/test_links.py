"""The registry of links higher apps add to a cadre's page (core/links.py)."""

from __future__ import annotations

from ganbu.core import links
from ganbu.core.links import Link, LinkRegistry


def test_it_shows_only_the_links_the_user_may_follow() -> None:
    registry = LinkRegistry()
    registry.register(label="考核记录", url_name="a:record", capability="a.view")
    registry.register(label="驻村记录", url_name="b:record", capability="b.view")
    assert registry.for_user(lambda capability: capability == "b.view") == [
        Link("驻村记录", "b:record", "b.view")
    ]
    assert [link.label for link in registry.for_user(lambda capability: True)] == ["考核记录", "驻村记录"]
    assert registry.for_user(lambda capability: False) == []


def test_registering_again_replaces_the_link_in_its_place() -> None:
    registry = LinkRegistry()
    registry.register(label="考核记录", url_name="a:record", capability="a.view")
    registry.register(label="驻村记录", url_name="b:record", capability="b.view")
    registry.register(label="考核档案", url_name="a:record", capability="a.manage")  # ready() again
    assert registry.for_user(lambda capability: True) == [
        Link("考核档案", "a:record", "a.manage"),
        Link("驻村记录", "b:record", "b.view"),
    ]


def test_the_apps_register_their_cadre_links_at_start_up() -> None:
    from django.apps import apps

    shown = links.cadre_links(lambda capability: capability == "assessment.view")
    assert Link("考核记录", "assessment:cadre_record", "assessment.view") in shown
    apps.get_app_config("assessment").ready()  # autoreload and tests may run ready() again
    assert links.cadre_links(lambda capability: capability == "assessment.view") == shown
    assert links.cadre_links(lambda capability: False) == []
