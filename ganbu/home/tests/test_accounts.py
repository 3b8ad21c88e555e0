"""账号管理 in the app (issue 13, item 4): county administrators create, edit, disable and reset
accounts, link a 驻村干部's account to their cadre record, and release lockouts; every change is
audited; nobody manages accounts outside their reach."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ganbu.audit.models import AuditEvent
from ganbu.cadres.models import Cadre
from ganbu.home.views.accounts import ONE_TIME_PASSWORD
from ganbu.org import services
from ganbu.org.models import Role, User
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import PASSWORD, World, make_user


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _password(response: object) -> str:
    match = re.search(r'<code class="fs-5" id="password">([^<]+)</code>', response.content.decode())  # type: ignore[attr-defined]
    assert match, "the password is shown once"
    return match.group(1)


def _can_log_in(username: str, password: str) -> bool:
    """Through the login page (the lockout backend needs the request)."""
    client = Client()
    client.post(reverse("login"), {"username": username, "password": password})
    return client.get(reverse("cadres:list")).status_code != 302


def test_creating_an_account_shows_its_password_once(world: World) -> None:
    """Post/redirect/get (tour 13): the POST redirects to the page that shows the password, which
    shows it on the first visit only; a reload (F5) neither resubmits the form nor shows it again."""
    admin = world.users["county"]
    client = _client(admin)
    response = client.post(
        reverse("home:account_create"),
        {
            "username": "zhangsan",
            "display_name": "张三",
            "role": Role.TOWNSHIP,
            "scope_unit": world.town_a.pk,
        },
    )
    account = User.objects.get(username="zhangsan")
    shown_at = reverse("home:account_password", args=[account.pk])
    assert response.status_code == 302 and response["Location"] == shown_at
    response = client.get(shown_at)
    assert response.status_code == 200
    password = _password(response)
    assert "此密码只显示这一次" in response.content.decode()
    assert ONE_TIME_PASSWORD not in client.session  # popped: kept nowhere once shown
    reload = client.get(shown_at)
    assert reload.status_code == 200 and 'id="password-gone"' in reload.content.decode()
    assert password not in reload.content.decode()
    assert User.objects.filter(username="zhangsan").count() == 1
    assert (account.display_name, account.role, account.scope_unit) == ("张三", Role.TOWNSHIP, world.town_a)
    assert password not in account.password and _can_log_in("zhangsan", password)
    event = AuditEvent.objects.get(action="user.create", object_id=str(account.pk))
    assert password not in str(event.payload)
    # a password kept for one account is not shown on another's page
    client.post(reverse("home:account_reset", args=[account.pk]))
    other = world.users["clerk_b"].pk
    assert 'id="password-gone"' in client.get(reverse("home:account_password", args=[other])).content.decode()


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("a", "登录名应为 2 至 30 位英文字母、数字或 . _ -"),
        ("张三", "登录名应为"),
        ("COUNTY", "登录名「COUNTY」已被使用"),
    ],
)
def test_a_bad_or_taken_login_is_named(world: World, username: str, message: str) -> None:
    before = User.objects.count()
    response = _client(world.users["county"]).post(
        reverse("home:account_create"),
        {"username": username, "display_name": "某人", "role": Role.TOWNSHIP, "scope_unit": world.town_a.pk},
    )
    assert message in response.content.decode()
    assert User.objects.count() == before


def test_editing_role_and_scope_is_audited_in_words(world: World) -> None:
    admin, account = world.users["county"], world.users["clerk_b"]
    response = _client(admin).post(
        reverse("home:account_edit", args=[account.pk]),
        {"display_name": "乙乡组织委员", "role": Role.DEPARTMENT, "scope_unit": world.dept.pk},
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.role, account.scope_unit) == (Role.DEPARTMENT, world.dept)
    event = AuditEvent.objects.get(action="user.update")
    assert (
        event.payload["before"]["role"] == Role.TOWNSHIP
        and event.payload["after"]["scope_unit"] == "县教育局"
    )
    page = _client(admin).get(reverse("home:event_list"), {"action": "user.update"}).content.decode()
    assert re.search(r"角色：</span>乡镇 <span[^>]*>→</span> 县直部门", page)


def test_an_administrator_cannot_demote_or_disable_themselves(world: World) -> None:
    admin = world.users["county"]
    client = _client(admin)
    response = client.post(
        reverse("home:account_edit", args=[admin.pk]),
        {"display_name": "管理员", "role": Role.TOWNSHIP, "scope_unit": world.town_a.pk},
    )
    assert "不能修改自己的角色或数据范围" in response.content.decode()
    response = client.post(reverse("home:account_toggle", args=[admin.pk]), follow=True)
    assert "不能停用自己的账号" in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active and admin.role == Role.COUNTY


def test_a_disabled_account_cannot_log_in_and_its_session_ends(world: World) -> None:
    account = world.users["clerk_a"]
    session = _client(account)
    assert session.get(reverse("cadres:list")).status_code == 200
    _client(world.users["county"]).post(reverse("home:account_toggle", args=[account.pk]))
    account.refresh_from_db()
    assert not account.is_active
    assert not _can_log_in("clerk_a", PASSWORD)
    assert session.get(reverse("cadres:list")).status_code == 302  # sent to the login page
    assert AuditEvent.objects.filter(action="user.disable", object_id=str(account.pk)).exists()
    _client(world.users["county"]).post(reverse("home:account_toggle", args=[account.pk]))
    assert _can_log_in("clerk_a", PASSWORD)
    assert AuditEvent.objects.filter(action="user.enable").exists()


def test_a_reset_password_works_once_shown_and_the_old_one_and_sessions_do_not(world: World) -> None:
    account = world.users["clerk_a"]
    session = _client(account)
    response = _client(world.users["county"]).post(
        reverse("home:account_reset", args=[account.pk]), follow=True
    )
    password = _password(response)
    assert _can_log_in("clerk_a", password) and not _can_log_in("clerk_a", PASSWORD)
    assert session.get(reverse("cadres:list")).status_code == 302
    event = AuditEvent.objects.get(action="user.password_reset")
    assert password not in str(event.payload)


def test_a_village_cadres_account_is_linked_to_their_record(world: World) -> None:
    cadre = make_cadre(world.village_a, "驻村甲", political_status="13")
    admin = world.users["county"]
    response = _client(admin).post(
        reverse("home:account_create"),
        {
            "username": "zhucun1",
            "display_name": "驻村甲",
            "role": Role.VILLAGE_CADRE,
            "scope_unit": world.village_a.pk,
            "cadre_id_number": (cadre.id_number or "").lower(),
        },
        follow=True,
    )
    _password(response)
    account = User.objects.get(username="zhucun1")
    cadre.refresh_from_db()
    assert cadre.account_id == account.pk
    listing = _client(admin).get(reverse("home:account_list"), {"q": "zhucun1"}).content.decode()
    assert "驻村甲（甲村）" in listing
    # unlinking
    _client(admin).post(
        reverse("home:account_edit", args=[account.pk]),
        {
            "display_name": "驻村甲",
            "role": Role.VILLAGE_CADRE,
            "scope_unit": world.village_a.pk,
            "unlink": "on",
        },
    )
    assert not Cadre.objects.filter(account=account).exists()


def test_disabling_asks_first_and_unlinking_is_offered_only_for_a_linked_account(world: World) -> None:
    """Tour 13: 停用账号 took effect on one click; 「解除与干部档案的关联」 showed on the new-account
    form and on accounts linked to no cadre."""
    client = _client(world.users["county"])
    page = client.get(reverse("home:account_edit", args=[world.users["clerk_a"].pk])).content.decode()
    toggle = re.search(r'<form method="post" action="[^"]*/toggle/"([^>]*)>', page)
    assert toggle and 'data-confirm="停用后「clerk_a」' in toggle.group(1)
    assert 'name="unlink"' not in page
    assert 'name="unlink"' not in client.get(reverse("home:account_create")).content.decode()
    account = world.users["village_cadre"]
    make_cadre(world.village_a, "驻村乙", political_status="13", account=account)
    page = client.get(reverse("home:account_edit", args=[account.pk])).content.decode()
    assert 'name="unlink"' in page and "解除与干部档案的关联" in page


@pytest.mark.parametrize(
    ("role", "number", "message"),
    [
        (Role.TOWNSHIP, "469099198503040013", "只有驻村干部的账号关联干部档案"),
        (Role.VILLAGE_CADRE, "469099198503040013", "干部档案中没有这个身份证号"),
    ],
)
def test_a_wrong_link_is_named_and_nothing_is_created(
    world: World, role: str, number: str, message: str
) -> None:
    response = _client(world.users["county"]).post(
        reverse("home:account_create"),
        {
            "username": "lisi",
            "display_name": "李四",
            "role": role,
            "scope_unit": world.village_a.pk,
            "cadre_id_number": number,
        },
    )
    assert message in response.content.decode()
    assert not User.objects.filter(username="lisi").exists()


def test_only_a_system_administrator_manages_system_administrators(world: World) -> None:
    county, admin = world.users["county"], world.users["admin"]
    with pytest.raises(ValidationError, match="只有系统管理员可以管理系统管理员账号"):
        services.account_reset_password(user=admin, actor=county)
    assert _client(county).get(reverse("home:account_edit", args=[admin.pk])).status_code == 404
    assert "admin" not in [
        a.username for a in _client(county).get(reverse("home:account_list")).context["page"].object_list
    ]
    services.account_reset_password(user=county, actor=admin)


def test_an_administrator_scoped_below_the_county_reaches_only_their_subtree(world: World) -> None:
    town_admin = make_user("town_admin", Role.COUNTY, world.town_a)
    with pytest.raises(ValidationError, match="数据范围超出了您的管理范围"):
        services.account_create(
            username="x1", display_name="某人", role=Role.TOWNSHIP, scope_unit=world.town_b, actor=town_admin
        )
    with pytest.raises(ValidationError, match="数据范围超出了您的管理范围"):
        services.account_set_active(user=world.users["clerk_b"], active=False, actor=town_admin)
    # and the pages are for county-wide administrators only
    assert _client(town_admin).get(reverse("home:account_list")).status_code == 403


def test_lockouts_are_listed_and_released_with_an_event(world: World, settings: object) -> None:
    AccessAttempt.objects.create(
        username="clerk_a",
        ip_address="10.0.0.9",
        user_agent="x",
        http_accept="*/*",
        path_info="/login/",
        failures_since_start=5,
        get_data="",
        post_data="",
    )
    client = _client(world.users["county"])
    page = client.get(reverse("home:lockout_list")).content.decode()
    assert "clerk_a" in page and "10.0.0.9" in page
    response = client.post(reverse("home:lockout_list"), {"username": "clerk_a"}, follow=True)
    assert "已解除「clerk_a」的登录锁定" in response.content.decode()
    assert not AccessAttempt.objects.exists()
    event = AuditEvent.objects.get(action="user.lockout_release")
    assert event.payload == {"username": "clerk_a", "count": 1}
    response = client.post(reverse("home:lockout_list"), {"username": "clerk_a"}, follow=True)
    assert "该登录名没有被锁定" in response.content.decode()


@pytest.mark.parametrize("who", ["clerk_a", "dept", "committee", "supervision", "village_cadre"])
def test_other_roles_have_no_account_pages(world: World, who: str) -> None:
    client = _client(world.users[who])
    target = world.users["clerk_b"].pk
    for url in (
        reverse("home:account_list"),
        reverse("home:account_create"),
        reverse("home:lockout_list"),
        reverse("home:account_edit", args=[target]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("home:account_reset", args=[target])).status_code == 403
    assert client.post(reverse("home:account_toggle", args=[target])).status_code == 403
    assert timezone.now()  # (nothing changed)
    assert not AuditEvent.objects.filter(action__startswith="user.").exclude(action="user.create").exists()
