"""The household register: validation (Chinese messages naming the field), the services
(create / update / 迁出注销 / restore / delete), the village pages and their scope."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from ganbu.audit.models import AuditEvent
from ganbu.core.browser import browser_available, login, make_driver, save_screenshot
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import PASSWORD, World
from ganbu.villagework.models import Assignment, AssignmentRole, Household, LogKind, Visit, WorkLog
from ganbu.villagework.services.households import (
    clean_household,
    household_create,
    household_deactivate,
    household_delete,
    household_reactivate,
    household_update,
)
from ganbu.villagework.tests.factories import make_household, vw

pytestmark = pytest.mark.django_db

VALID = {
    "head_name": "王大山",
    "group_name": "一组",
    "members": "4",
    "phone": "13800138000",
    "category": "脱贫户",
}


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


# --- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"head_name": "  "}, "head_name", "户主不能为空"),
        ({"head_name": "王" * 51}, "head_name", "户主不能超过50字（现为51字）"),
        ({"group_name": "组" * 51}, "group_name", "村民小组不能超过50字（现为51字）"),
        ({"members": ""}, "members", "人口不能为空，应为1到99之间的整数"),
        ({"members": "0"}, "members", "人口「0」应为1到99之间的整数"),
        ({"members": "100"}, "members", "人口「100」应为1到99之间的整数"),
        ({"members": "2.5"}, "members", "人口「2.5」应为1到99之间的整数"),
        ({"members": "三"}, "members", "人口「三」应为1到99之间的整数"),
        ({"phone": "123456"}, "phone", "联系电话「123456」应为7到20位数字，可用“-”分隔"),
        ({"phone": "138a0013800"}, "phone", "联系电话「138a0013800」应为7到20位数字，可用“-”分隔"),
        ({"phone": "0898--1234567"}, "phone", "联系电话「0898--1234567」应为7到20位数字，可用“-”分隔"),
        ({"phone": "-08981234567"}, "phone", "联系电话「-08981234567」应为7到20位数字，可用“-”分隔"),
        ({"phone": "1" * 21}, "phone", f"联系电话「{'1' * 21}」应为7到20位数字，可用“-”分隔"),
        (
            {"category": "贫困户"},
            "category",
            "类别「贫困户」不正确，应为 一般户、脱贫户、监测户、低保户、五保户 之一",
        ),
        ({"address": "址" * 201}, "address", "住址不能超过200字（现为201字）"),
        ({"note": "注" * 201}, "note", "备注不能超过200字（现为201字）"),
    ],
)
def test_it_refuses_bad_values_naming_the_field(changes: dict[str, str], field: str, message: str) -> None:
    _, errors = clean_household({**VALID, **changes})
    assert errors == {field: message}


def test_it_normalises_good_values() -> None:
    cleaned, errors = clean_household(
        {
            "head_name": " 王 大山 ",
            "group_name": " 一组 ",
            "members": 3.0,
            "phone": "0898-１２３４５６７",  # full-width digits from a phone keyboard
            "category": "dibao",
            "address": "",
            "note": "",
        }
    )
    assert errors == {}
    assert cleaned == {
        "head_name": "王大山",
        "group_name": "一组",
        "members": 3,
        "phone": "0898-1234567",
        "category": "dibao",
        "address": "",
        "note": "",
    }
    assert clean_household({**VALID, "category": ""})[0]["category"] == "general"
    assert clean_household({**VALID, "category": "低保户"})[0]["category"] == "dibao"


# --- services ---------------------------------------------------------------------------------


def test_create_sets_pinyin_keys_and_is_audited(world: World) -> None:
    household = household_create(village=world.village_a, actor=world.users["clerk_a"], **VALID)
    household.refresh_from_db()
    assert (household.head_pinyin, household.head_initials) == ("wangdashan", "wds")
    assert household.category == "lifted" and household.members == 4
    event = AuditEvent.objects.get(action="villagework.household.create")
    assert event.object_id == str(household.pk)
    assert event.unit_path == world.village_a.path
    assert event.actor_id == world.users["clerk_a"].pk


def test_create_refuses_a_second_household_with_the_same_head_and_group(world: World) -> None:
    household_create(village=world.village_a, actor=None, **VALID)
    with pytest.raises(ValidationError) as exc:
        household_create(village=world.village_a, actor=None, **VALID)
    assert exc.value.message_dict == {"head_name": ["本村村民小组「一组」已有户主为「王大山」的农户"]}
    # the same name in another group, or in another village, is another household
    household_create(village=world.village_a, actor=None, **{**VALID, "group_name": "二组"})
    household_create(village=world.village_b, actor=None, **VALID)
    assert Household.objects.filter(head_name="王大山").count() == 3


def test_create_refuses_bad_values_and_writes_nothing(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        household_create(village=world.village_a, actor=None, **{**VALID, "members": "0", "phone": "12"})
    assert set(exc.value.message_dict) == {"members", "phone"}
    assert not Household.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="villagework.household").exists()


def test_create_needs_a_village_in_scope_and_a_managing_role(world: World) -> None:
    with pytest.raises(PermissionDenied):
        household_create(village=world.village_a, actor=world.users["clerk_b"], **VALID)
    with pytest.raises(PermissionDenied):  # a 驻村干部 reads the register, does not edit it
        household_create(village=world.village_a, actor=world.users["village_cadre"], **VALID)
    with pytest.raises(ValidationError) as exc:
        household_create(village=world.town_a, actor=world.users["county"], **VALID)
    assert exc.value.message_dict == {"village": ["「甲镇」不是村或社区，不能登记农户"]}
    assert not Household.objects.exists()


def test_update_changes_fields_renews_pinyin_and_audits_the_difference(world: World) -> None:
    household = household_create(village=world.village_a, actor=None, **VALID)
    household_update(household=household, actor=world.users["clerk_a"], head_name="李小花", members="5")
    household.refresh_from_db()
    assert (household.head_name, household.members, household.head_initials) == ("李小花", 5, "lxh")
    assert household.phone == "13800138000"  # fields not given are kept
    event = AuditEvent.objects.get(action="villagework.household.update")
    assert event.payload["before"] == {"head_name": "王大山", "members": 4}
    assert event.payload["after"] == {"head_name": "李小花", "members": 5}


def test_update_refuses_a_rename_onto_another_household(world: World) -> None:
    make_household(world.village_a, "张伟", "一组")
    household = make_household(world.village_a, "刘洋", "一组")
    with pytest.raises(ValidationError) as exc:
        household_update(household=household, actor=None, head_name="张伟")
    assert exc.value.message_dict == {"head_name": ["本村村民小组「一组」已有户主为「张伟」的农户"]}
    household.refresh_from_db()
    assert household.head_name == "刘洋"


def _visit(data: object, household: Household) -> None:
    log = WorkLog.objects.create(
        cadre=data.cadre_a,  # type: ignore[attr-defined]
        village=household.village,
        assignment=data.assignment_a,  # type: ignore[attr-defined]
        logged_on=date(2026, 3, 2),
        kind=LogKind.VISIT,
        content="走访",
    )
    Visit.objects.create(
        log=log, household=household, village=household.village, cadre=log.cadre, visited_on=log.logged_on
    )


def test_deactivate_keeps_the_visits_and_reactivate_restores(world: World) -> None:
    data = vw(world)
    household = data.households_a[0]
    _visit(data, household)
    household_deactivate(household=household, actor=world.users["clerk_a"], reason="全户迁出")
    household.refresh_from_db()
    assert not household.is_active
    assert Visit.objects.filter(household=household).count() == 1
    assert AuditEvent.objects.get(action="villagework.household.deactivate").payload == {"reason": "全户迁出"}
    with pytest.raises(ValidationError, match="已是已注销状态"):
        household_deactivate(household=household, actor=None)
    household_reactivate(household=household, actor=world.users["clerk_a"])
    household.refresh_from_db()
    assert household.is_active


def test_a_household_with_visits_is_never_deleted(world: World) -> None:
    data = vw(world)
    visited, mistaken = data.households_a[0], data.households_a[1]
    _visit(data, visited)
    with pytest.raises(ValidationError, match="已有走访或诉求记录，不能删除"):
        household_delete(household=visited, actor=world.users["clerk_a"])
    assert Household.objects.filter(pk=visited.pk).exists()
    household_delete(household=mistaken, actor=world.users["clerk_a"])
    assert not Household.objects.filter(pk=mistaken.pk).exists()
    assert AuditEvent.objects.get(action="villagework.household.delete").payload["head_name"] == "李秀英"


# --- pages ------------------------------------------------------------------------------------


def test_village_list_shows_the_scope_with_counts_and_team(
    world: World, django_assert_max_num_queries: object
) -> None:
    data = vw(world)
    household_deactivate(household=data.households_a[4], actor=None)
    client = _client(world.users["county"])
    for i in range(5):  # more households and team members cost no extra query
        make_household(world.village_b, f"乙{i}")
        Assignment.objects.create(
            cadre=make_cadre(world.town_b, f"乙队员{i}"),
            village=world.village_b,
            role=AssignmentRole.TEAM_MEMBER,
            started_on=date(2026, 1, 1),
        )
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        response = client.get(reverse("villagework:village_list"))
    groups = response.context["groups"]
    rows = {row.village.name: row for group in groups for row in group.villages}
    assert set(rows) == {"甲村", "乙村"}
    assert rows["甲村"].households == 4  # 5 registered, 1 moved out
    assert [a.cadre.name for a in rows["甲村"].team] == ["黄驻村"]
    assert rows["乙村"].households == 8 and len(rows["乙村"].team) == 6
    # a township sees its own villages only
    response = _client(world.users["clerk_a"]).get(reverse("villagework:village_list"))
    assert [row.village.name for g in response.context["groups"] for row in g.villages] == ["甲村"]
    assert "乙村" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "wjg"}, ["王建国"]),
        ({"q": "WANG"}, ["王建国"]),
        ({"q": "l"}, ["李秀英", "刘洋"]),
        ({"q": "秀英"}, ["李秀英"]),
        ({"q": "二组"}, ["刘洋"]),  # 陈静 (二组) has moved out
        ({"group": "一组"}, ["李秀英", "王建国", "张伟"]),
        ({"category": "dibao"}, ["张伟"]),
        ({"status": "inactive"}, ["陈静"]),
        ({"status": "all", "group": "二组"}, ["陈静", "刘洋"]),  # by pinyin: chen < liu
    ],
)
def test_village_page_searches_the_register(world: World, query: dict[str, str], expected: list[str]) -> None:
    data = vw(world)
    Household.objects.filter(pk=data.households_a[2].pk).update(category="dibao")
    Household.objects.filter(pk=data.households_a[4].pk).update(is_active=False)
    response = _client(world.users["clerk_a"]).get(
        reverse("villagework:village", args=[world.village_a.pk]), query
    )
    assert response.status_code == 200
    names = [h.head_name for h in response.context["page"]]
    assert names == expected


def test_village_cadre_reads_own_village_register_but_cannot_edit(world: World) -> None:
    data = vw(world)
    colleague = Assignment.objects.create(
        cadre=make_cadre(world.town_a, "同村同事"), village=world.village_a, started_on=date(2025, 1, 1)
    )
    client = _client(world.users["village_cadre"])
    response = client.get(reverse("villagework:village", args=[world.village_a.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "王建国" in body and "黄驻村" in body and "同村同事" in body
    assert reverse("villagework:assignment", args=[data.assignment_a.pk]) in body
    assert reverse("villagework:assignment", args=[colleague.pk]) not in body  # would be a 404 for them
    assert reverse("villagework:household_create", args=[world.village_a.pk]) not in body
    assert reverse("villagework:household_edit", args=[data.households_a[0].pk]) not in body
    assert client.get(reverse("villagework:village", args=[world.village_b.pk])).status_code == 404
    household = data.households_a[0]
    assert client.get(reverse("villagework:household_create", args=[world.village_a.pk])).status_code == 403
    response = client.post(reverse("villagework:household_edit", args=[household.pk]), {**VALID})
    assert response.status_code == 403
    assert client.post(reverse("villagework:household_deactivate", args=[household.pk])).status_code == 403
    household.refresh_from_db()
    assert household.head_name == "王建国" and household.is_active


def test_other_township_cannot_touch_the_households(world: World) -> None:
    data = vw(world)
    household = data.households_a[0]
    client = _client(world.users["clerk_b"])
    assert client.get(reverse("villagework:village", args=[world.village_a.pk])).status_code == 404
    assert client.post(reverse("villagework:household_edit", args=[household.pk]), VALID).status_code == 404
    assert client.post(reverse("villagework:household_deactivate", args=[household.pk])).status_code == 404
    assert client.post(reverse("villagework:household_delete", args=[household.pk])).status_code == 404
    assert (
        client.post(reverse("villagework:household_create", args=[world.village_a.pk]), VALID).status_code
        == 404
    )
    household.refresh_from_db()
    assert household.head_name == "王建国" and household.is_active
    assert Household.objects.filter(village=world.village_a).count() == 5


def test_township_adds_edits_and_moves_out_a_household(world: World) -> None:
    vw(world)
    client = _client(world.users["clerk_a"])
    url = reverse("villagework:household_create", args=[world.village_a.pk])
    response = client.post(url, {**VALID, "category": "lifted", "add_another": "1"})
    assert response.status_code == 302 and response["Location"] == url
    household = Household.objects.get(head_name="王大山")
    assert household.category == "lifted" and household.phone == "13800138000"

    response = client.post(url, {**VALID, "category": "lifted"})
    assert response.status_code == 200
    assert "本村村民小组「一组」已有户主为「王大山」的农户" in response.content.decode()

    edit = reverse("villagework:household_edit", args=[household.pk])
    response = client.post(edit, {**VALID, "category": "lifted", "members": "0"})
    assert "人口「0」应为1到99之间的整数" in response.content.decode()
    response = client.post(edit, {**VALID, "category": "wubao", "members": "1"})
    assert response.status_code == 302
    household.refresh_from_db()
    assert (household.category, household.members) == ("wubao", 1)

    deactivate = reverse("villagework:household_deactivate", args=[household.pk])
    assert client.get(deactivate).status_code == 405
    client.post(deactivate, {"reason": "迁往县城"})
    household.refresh_from_db()
    assert not household.is_active


# --- on a phone -------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not browser_available(), reason="headless Chromium not installed")
def test_township_clerk_uses_the_village_pages_on_a_phone(live_server: Any, world: World) -> None:
    """Screenshots: test-artifacts/villagework-village-phone.png, -assignment-phone.png, -rotation-phone.png."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    data = vw(world, started_on=date(2022, 3, 1))
    driver = make_driver(phone=True)
    try:
        login(driver, live_server.url, "clerk_a", PASSWORD)
        driver.get(f"{live_server.url}{reverse('villagework:village_list')}")
        driver.find_element(By.LINK_TEXT, "甲村").click()
        search = driver.find_element(By.ID, "id_q")
        search.send_keys("wjg")
        search.submit()
        WebDriverWait(driver, 10).until(ec.staleness_of(search))  # the results page has loaded
        rows = driver.find_elements(By.CSS_SELECTOR, "#household-table tbody tr")
        assert [r.find_elements(By.TAG_NAME, "td")[1].text for r in rows] == ["王建国"]
        assert driver.execute_script("return document.documentElement.scrollWidth") <= 360 + 1
        save_screenshot(driver, "villagework-village-phone")
        driver.get(f"{live_server.url}{reverse('villagework:assignment', args=[data.assignment_a.pk])}")
        assert "当好农村实情的调查员" in driver.find_element(By.ID, "six-roles").text
        save_screenshot(driver, "villagework-assignment-phone")
        driver.get(f"{live_server.url}{reverse('villagework:rotation')}")
        assert "黄驻村" in driver.find_element(By.ID, "rotation-due").text
        save_screenshot(driver, "villagework-rotation-phone")
    finally:
        driver.quit()


def test_the_register_lists_groups_by_their_numbers(world: World) -> None:
    for head, group in (
        ("甲", "十组"),
        ("乙", "二组"),
        ("丙", "一组"),
        ("丁", "十一组"),
        ("戊", "新村组"),
        ("己", "3组"),
    ):
        household_create(
            village=world.village_a,
            actor=world.users["clerk_a"],
            head_name=head,
            group_name=group,
            members="3",
        )
    make_household(world.village_a, "庚", "第二十组")  # the model keeps the key on any save
    response = _client(world.users["clerk_a"]).get(reverse("villagework:village", args=[world.village_a.pk]))
    groups = [h.group_name for h in response.context["page"]]
    assert groups == ["一组", "二组", "3组", "十组", "十一组", "第二十组", "新村组"]
    # a rename moves the household to its new place
    second = Household.objects.get(head_name="乙")
    household_update(household=second, actor=world.users["clerk_a"], group_name="十二组")
    second.refresh_from_db()
    assert second.group_order == 12
