"""`manage.py ensure_admin` (make run): the county administrator, created once, password kept privately."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from ganbu.org.models import Role, User
from ganbu.testing.world import World

pytestmark = pytest.mark.django_db


def test_it_creates_the_county_admin_once_and_keeps_the_password_private(
    world: World, settings: pytest.FixtureRequest, tmp_path: Path
) -> None:
    settings.VAR_DIR = tmp_path  # type: ignore[attr-defined]
    out = io.StringIO()
    call_command("ensure_admin", "--username", "root", stdout=out)

    user = User.objects.get(username="root")
    assert user.is_superuser and user.role == Role.COUNTY and user.scope_unit == world.county
    secret = tmp_path / "root_password.txt"
    assert secret.stat().st_mode & 0o777 == 0o600
    password = secret.read_text()
    assert user.check_password(password)
    assert f"root  密码：{password}" in out.getvalue()

    again = io.StringIO()
    call_command("ensure_admin", "--username", "root", stdout=again)
    assert User.objects.filter(username="root").count() == 1
    assert f"root  密码：{password}" in again.getvalue()

    secret.unlink()
    without_file = io.StringIO()
    call_command("ensure_admin", "--username", "root", stdout=without_file)
    assert "changepassword root" in without_file.getvalue()
