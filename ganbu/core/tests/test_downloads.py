"""Every export goes through core.downloads.attachment: a UTF-8 file name and no caching."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from ganbu.core.downloads import DOCX, attachment
from ganbu.testing import World, make_cadre


def test_attachment_names_the_file_and_forbids_caching() -> None:
    response = attachment(b"x", "干部名册.docx", DOCX)
    assert response["Content-Type"] == DOCX
    assert response["Content-Disposition"] == f"attachment; filename*=UTF-8''{quote('干部名册.docx')}"
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["cadres:export", "cadres:forms_zip"])
def test_registry_exports_are_not_cached(name: str, world: World) -> None:
    make_cadre(world.town_a, "张三")
    client = Client()
    client.force_login(world.users["county"])
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
