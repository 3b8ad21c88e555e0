"""List pages run a fixed number of queries whatever the number of rows (no query per row).

(The log and request lists are covered in test_logs, the overview table in test_stats and the cadre
report in test_reports.)"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ganbu.org import services as org_services
from ganbu.org.models import UnitKind
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import World
from ganbu.villagework.models import Assignment, Evaluation, VillageWorkSettings
from ganbu.villagework.tests.factories import VillageWorld, make_household, vw

pytestmark = pytest.mark.django_db


@pytest.fixture
def v(world: World) -> VillageWorld:
    return vw(world)


def _add(v: VillageWorld, n: int, offset: int) -> None:
    """n more villages in 甲镇, each with a cadre stationed 4 years ago, two households and an
    evaluation of a past year."""
    for i in range(offset, offset + n):
        village = org_services.unit_create(
            code=f"VX{i}", name=f"新{i}村", kind=UnitKind.VILLAGE, parent=v.world.town_a, actor=None
        )
        cadre = make_cadre(v.world.town_a, f"驻村{i}")
        Assignment.objects.create(
            cadre=cadre, village=village, started_on=timezone.localdate() - timedelta(days=4 * 366)
        )
        make_household(village, f"户主{i}甲")
        make_household(v.world.village_a, f"户主{i}乙", f"{i}组")
        rules = VillageWorkSettings.current()
        Evaluation.objects.create(
            township=v.world.town_a,
            year=2000 + i,
            title=f"考核{i}",
            status="draft",
            rater_groups=rules.rater_groups,
            bundled_items=rules.bundled_items,
            part_weights=rules.part_weights,
            grade_thresholds=rules.grade_thresholds,
            weekly_visit_quota=rules.weekly_visit_quota,
            created_by=None,
        )


URLS: dict[str, Callable[[VillageWorld], str]] = {
    "village_list": lambda v: reverse("villagework:village_list"),
    "village": lambda v: reverse("villagework:village", args=[v.world.village_a.pk]),
    "assignment_list": lambda v: reverse("villagework:assignment_list"),
    "rotation": lambda v: reverse("villagework:rotation"),
    "evaluation_list": lambda v: reverse("villagework:evaluation_list"),
}


@pytest.mark.parametrize("name", list(URLS))
def test_list_page_queries_do_not_grow_with_rows(v: VillageWorld, name: str) -> None:
    client = Client()
    client.force_login(v.world.users["clerk_a"])
    url = URLS[name](v)

    def count() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured), response.content.decode()

    _add(v, 2, 0)
    few, _ = count()
    _add(v, 10, 2)
    many, text = count()
    assert many == few, f"{name}: {few} queries with few rows, {many} with many"
    marker = {
        "village_list": "新11村",
        "village": "户主11乙",
        "assignment_list": "驻村11",
        "rotation": "驻村11",
        "evaluation_list": "考核11",
    }[name]
    assert marker in text  # the rows added are on the page
