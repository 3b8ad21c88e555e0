"""The settings page (`villagework:settings`): county only, every value editable, Chinese errors next
to the field or section, nothing saved on an error, audited."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ganbu.audit.models import AuditEvent
from ganbu.testing.world import World
from ganbu.villagework.models import VillageWorkSettings

pytestmark = pytest.mark.django_db
URL = reverse("villagework:settings")


def login(world: World, who: str) -> Client:
    client = Client()
    client.force_login(world.users[who])
    return client


def valid_post(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "edit_window_days": "10",
        "weekly_visit_quota": "6",
        "rotation_years": "4",
        "request_due_days": "20",
        "photo_max_kb": "1024",
        "photos_per_log": "4",
        "rater_name_0": "村民代表",
        "rater_weight_0": "50",
        "rater_name_1": "乡镇干部",
        "rater_weight_1": "25",
        "rater_name_2": "乡镇领导",
        "rater_weight_2": "25",
        "rater_name_3": "",
        "rater_weight_3": "",
        "item_name_0": "村级创业承诺",
        "item_weight_0": "30",
        "item_name_1": "村务财务党务公开",
        "item_weight_1": "20",
        "item_name_2": "社会治安综合治理",
        "item_weight_2": "20",
        "item_name_3": "村级组织建设",
        "item_weight_3": "20",
        "item_name_4": "产业发展",
        "item_weight_4": "10",
        "part_ballot": "40",
        "part_bundled": "40",
        "part_work": "20",
        "threshold_1": "92",
        "threshold_2": "78",
        "threshold_3": "60.5",
    }
    data.update(overrides)
    return data


def test_the_county_sees_the_current_values(world: World) -> None:
    response = login(world, "county").get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("每周走访户数要求", "村民代表", "村级组织建设", "评议得分占比", "优秀最低分", 'value="90"'):
        assert text in page
    # two blank rows to add a rater group / an item
    assert 'name="rater_name_4"' in page and 'name="item_name_5"' in page


def test_saving_changes_everything_and_is_audited(world: World) -> None:
    response = login(world, "county").post(URL, valid_post())
    assert response.status_code == 302 and response["Location"] == URL
    settings = VillageWorkSettings.current()
    assert settings.edit_window_days == 10 and settings.weekly_visit_quota == 6
    assert settings.rotation_years == 4 and settings.photo_max_kb == 1024
    assert settings.rater_groups == [
        {"name": "村民代表", "weight": 50},
        {"name": "乡镇干部", "weight": 25},
        {"name": "乡镇领导", "weight": 25},
    ]
    assert [i["name"] for i in settings.bundled_items][-1] == "产业发展"
    assert settings.part_weights == {"ballot": 40, "bundled": 40, "work": 20}
    assert settings.grade_thresholds == [
        {"grade": "1", "min": 92},
        {"grade": "2", "min": 78},
        {"grade": "3", "min": "60.5"},
    ]
    event = AuditEvent.objects.filter(action="villagework.settings").latest("id")
    assert event.actor_id == world.users["county"].pk
    assert event.payload["before"]["weekly_visit_quota"] == 5
    assert event.payload["after"]["weekly_visit_quota"] == 6


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"part_work": "30"}, "综合得分构成的三项比例之和应为100"),
        ({"threshold_2": "95"}, "建议等次分数线应从高到低"),
        ({"weekly_visit_quota": "很多"}, "每周走访户数要求应为0到200之间的整数"),
        ({"rater_weight_1": "0"}, "评议层面「乡镇干部」的权重应为大于0的数"),
        ({"item_name_4": "", "item_weight_4": "10"}, "捆绑考核项目第5项缺少名称"),
        ({"rater_name_1": "村民代表"}, "评议层面「村民代表」重复"),
    ],
)
def test_errors_are_shown_in_chinese_and_nothing_is_saved(
    world: World, overrides: dict[str, str], message: str
) -> None:
    before = VillageWorkSettings.current().updated_at
    response = login(world, "county").post(URL, valid_post(**overrides))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "保存失败" in page
    settings = VillageWorkSettings.current()
    assert settings.updated_at == before and settings.weekly_visit_quota == 5
    assert not AuditEvent.objects.filter(action="villagework.settings").exists()


def test_an_integer_error_sits_on_its_field_and_keeps_the_input(world: World) -> None:
    response = login(world, "county").post(URL, valid_post(rotation_years="99", item_name_6="新项目"))
    page = response.content.decode()
    assert response.status_code == 400
    field = re.search(r'<input[^>]*name="rotation_years"[^>]*>', page)
    assert field is not None and 'value="99"' in field.group(0) and "is-invalid" in field.group(0)
    assert "轮岗提醒年限应为1到30之间的整数" in page
    # a row added beyond the blank ones is kept on the redisplayed form
    assert 'value="新项目"' in page


@pytest.mark.parametrize("who", ["clerk_a", "village_cadre", "supervision", "dept"])
def test_only_the_county_may_open_it(world: World, who: str) -> None:
    client = login(world, who)
    assert client.get(URL).status_code == 403
    assert client.post(URL, valid_post()).status_code == 403
    assert VillageWorkSettings.current().weekly_visit_quota == 5


def test_a_township_reads_the_rules_on_the_evaluation_list(world: World) -> None:
    page = login(world, "clerk_a").get(reverse("villagework:evaluation_list")).content.decode()
    assert "当前考核规则" in page and "村级创业承诺" in page
    assert reverse("villagework:settings") not in page
    assert (
        reverse("villagework:settings")
        in login(world, "county").get(reverse("villagework:evaluation_list")).content.decode()
    )
