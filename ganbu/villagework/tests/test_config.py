"""The 驻村 settings: defaults, validation (Chinese messages naming the field) and audit."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from ganbu.audit.models import AuditEvent
from ganbu.testing.world import World
from ganbu.villagework.models import VillageWorkSettings
from ganbu.villagework.services.settings import settings_update

pytestmark = pytest.mark.django_db


def test_defaults_follow_the_seed() -> None:
    settings = VillageWorkSettings.current()
    assert [g["name"] for g in settings.rater_groups] == ["村民代表", "乡镇干部", "乡镇领导"]
    assert [i["name"] for i in settings.bundled_items] == [
        "村级创业承诺",
        "村务财务党务公开",
        "社会治安综合治理",
        "村级组织建设",
    ]
    assert sum(settings.part_weights.values()) == 100
    assert settings.rotation_years == 3


def test_update_is_validated_and_audited(world: World) -> None:
    actor = world.users["county"]
    settings_update(actor=actor, weekly_visit_quota=8, part_weights={"ballot": 40, "bundled": 40, "work": 20})
    settings = VillageWorkSettings.current()
    assert settings.weekly_visit_quota == 8
    assert settings.part_weights == {"ballot": 40, "bundled": 40, "work": 20}
    event = AuditEvent.objects.filter(action="villagework.settings").latest("id")
    assert event.payload["after"]["weekly_visit_quota"] == 8
    assert event.payload["before"]["weekly_visit_quota"] == 5


@pytest.mark.parametrize(
    ("data", "field", "fragment"),
    [
        ({"part_weights": {"ballot": 50, "bundled": 30, "work": 30}}, "part_weights", "之和应为100"),
        ({"part_weights": {"ballot": 50, "bundled": 50}}, "part_weights", "三项"),
        ({"weekly_visit_quota": -1}, "weekly_visit_quota", "每周走访户数要求"),
        ({"rotation_years": "abc"}, "rotation_years", "轮岗提醒年限"),
        ({"rater_groups": []}, "rater_groups", "至少要有一项"),
        ({"rater_groups": [{"name": "村民代表", "weight": 0}]}, "rater_groups", "村民代表"),
        (
            {"bundled_items": [{"name": "甲", "weight": 1}, {"name": "甲", "weight": 2}]},
            "bundled_items",
            "重复",
        ),
        (
            {
                "grade_thresholds": [
                    {"grade": "1", "min": 80},
                    {"grade": "2", "min": 85},
                    {"grade": "3", "min": 60},
                ]
            },
            "grade_thresholds",
            "从高到低",
        ),
    ],
)
def test_bad_values_are_refused_and_nothing_changes(
    data: dict, field: str, fragment: str, world: World
) -> None:
    before = VillageWorkSettings.current()
    with pytest.raises(ValidationError) as info:
        settings_update(actor=world.users["county"], **data)
    assert fragment in " ".join(info.value.message_dict[field])
    after = VillageWorkSettings.current()
    assert (after.weekly_visit_quota, after.part_weights, after.rater_groups) == (
        before.weekly_visit_quota,
        before.part_weights,
        before.rater_groups,
    )
    assert not AuditEvent.objects.filter(action="villagework.settings").exists()
