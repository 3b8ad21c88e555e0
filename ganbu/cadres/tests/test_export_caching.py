"""Registry exports go through core.downloads.attachment: never cached."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ganbu.testing.registry import make_cadre
from ganbu.testing.world import World


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["cadres:export", "cadres:forms_zip"])
def test_registry_exports_are_not_cached(name: str, world: World) -> None:
    make_cadre(world.town_a, "张三")
    client = Client()
    client.force_login(world.users["county"])
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
