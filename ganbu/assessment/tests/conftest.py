"""Fixtures of the cycle tests: a scheme of every kind of figure a cycle stores (a 完成率 led by
县教育局, 扣分, 名次递减, 评定, 加分, 一票否决), a third township 丙镇, and a cycle of the three
townships in one category, created and opened by the county office."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from ganbu.assessment import services
from ganbu.assessment.models import Cycle, Scheme
from ganbu.org import services as org_services
from ganbu.org.models import Unit, UnitKind
from ganbu.testing.world import World

CATEGORY = "乡镇"

SCHEME: dict[str, Any] = {
    "name": "某县2026年度乡镇综合考核方案（测试）",
    "total": 1000,
    "indicators": [
        {
            "code": "A",
            "name": "目标责任",
            "weight": 600,
            "children": [
                {
                    "code": "A1",
                    "name": "一般公共预算收入",
                    "weight": 400,
                    "rule": "completion",
                    "cap": "1.1",
                    "lead": "县教育局",
                },
                {"code": "A2", "name": "党的建设", "weight": 200, "rule": "deduct"},
            ],
        },
        {"code": "B", "name": "领导评价", "weight": 200, "rule": "rank_step", "step": "0.1", "raters": 2},
        {"code": "C", "name": "「四看」评定", "weight": 200, "rule": "manual"},
        {"code": "D", "name": "争先创优", "rule": "bonus", "levels": {"省级": 20, "市级": 10}, "max": 30},
        {"code": "E", "name": "安全生产", "rule": "veto", "grade": "一般"},
    ],
    "grades": [
        {"name": "实绩突出", "min_score": 900, "max_share": "1/3"},
        {"name": "好", "min_score": 800},
        {"name": "一般", "min_score": 700},
        {"name": "较差", "min_score": 0},
    ],
}


@pytest.fixture
def scheme_data() -> dict[str, Any]:
    """A fresh copy of SCHEME (tests change it)."""
    return copy.deepcopy(SCHEME)


@pytest.fixture
def town_c(world: World) -> Unit:
    return org_services.unit_create(
        code="TC", name="丙镇", kind=UnitKind.TOWN, parent=world.county, category="中心镇", actor=None
    )


@pytest.fixture
def scheme(world: World, scheme_data: dict[str, Any]) -> Scheme:
    return services.import_scheme(actor=world.users["county"], data=scheme_data, year=2026)


@pytest.fixture
def draft_cycle(world: World, town_c: Unit, scheme: Scheme) -> Cycle:
    """筹备中: 甲镇, 乙乡, 丙镇 in one category."""
    return services.create_cycle(
        actor=world.users["county"],
        year=2026,
        name="2026年度乡镇综合考核",
        tracks=[services.TrackSpec(CATEGORY, scheme, [world.town_a, world.town_b, town_c])],
    )


@pytest.fixture
def cycle(world: World, draft_cycle: Cycle) -> Cycle:
    """考核中 (the scheme frozen, every 目标责任书 with its item A1)."""
    return services.open_cycle(cycle=draft_cycle, actor=world.users["county"])
