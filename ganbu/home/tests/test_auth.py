"""Accounts: Argon2 hashes, login, throttling, idle session timeout, role checks."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from ganbu.audit.models import AuditEvent
from ganbu.org.models import Role, User
from ganbu.testing.world import PASSWORD, World, make_user

pytestmark = pytest.mark.django_db


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"])
def test_passwords_are_hashed_with_argon2(world: World) -> None:
    user = make_user("argon", Role.TOWNSHIP, world.town_a)
    assert user.password.startswith("argon2$")
    assert user.check_password(PASSWORD)


def test_production_hasher_list_starts_with_argon2() -> None:
    from ganbu import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_login_works_and_lands_on_the_dashboard(world: World) -> None:
    client = Client()
    response = client.post(reverse("login"), {"username": "clerk_a", "password": PASSWORD}, follow=True)
    assert response.status_code == 200
    assert response.context["user"].username == "clerk_a"
    assert "工作台" in response.content.decode()


def test_wrong_password_shows_a_chinese_error(world: World) -> None:
    response = Client().post(reverse("login"), {"username": "clerk_a", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()


def test_repeated_failures_lock_the_account(world: World) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "clerk_a", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "clerk_a", "password": PASSWORD})
    assert response.status_code == 429
    assert "临时锁定" in response.content.decode()


def test_sessions_expire_when_idle() -> None:
    assert settings.SESSION_COOKIE_AGE <= 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_a_role_without_the_capability_gets_403(world: World) -> None:
    client = Client()
    client.force_login(world.users["clerk_a"])
    assert client.get(reverse("home:event_list")).status_code == 403
    client.force_login(world.users["supervision"])
    assert client.get(reverse("home:event_list")).status_code == 200


def test_user_without_scope_sees_nothing(world: World) -> None:
    user = User.objects.create(username="noscope", role=Role.COUNTY)
    client = Client()
    client.force_login(user)
    assert client.get(reverse("org:unit_list")).status_code == 403


def test_account_creation_is_audited(world: World) -> None:
    make_user("audited", Role.TOWNSHIP, world.town_b)
    event = AuditEvent.objects.filter(action="user.create", object_label="audited").get()
    assert event.payload["scope"] == "TB"
