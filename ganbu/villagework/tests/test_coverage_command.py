"""`manage.py village_coverage`: JSON per township and village with totals, text, unit levels,
errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ganbu.org import services as org_services
from ganbu.org.models import UnitKind
from ganbu.testing.world import World
from ganbu.villagework.models import RequestStatus
from ganbu.villagework.tests.factories import VillageWorld, make_household, vw
from ganbu.villagework.tests.test_stats import request, visit_log

pytestmark = pytest.mark.django_db

KEYS = {
    "households",
    "households_visited",
    "coverage",
    "visits",
    "requests_raised",
    "requests_resolved",
    "requests_overdue",
}


def run(*args: str) -> str:
    out = StringIO()
    call_command("village_coverage", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def v(world: World) -> VillageWorld:
    """2025: 甲村 3 of 5 visited (4 visits), 甲二村 1 of 6; 乙村 2 of 3; requests in 甲村."""
    data = vw(world)
    second = org_services.unit_create(
        code="VA2", name="甲二村", kind=UnitKind.VILLAGE, parent=world.town_a, actor=None
    )
    others = [make_household(second, f"钱{i}") for i in range(6)]
    h = data.households_a
    visit_log(data.cadre_a, world.village_a, date(2025, 3, 4), h[:2])
    visit_log(data.cadre_a, world.village_a, date(2025, 4, 4), h[1:3])
    visit_log(data.cadre_a, world.village_a, date(2024, 4, 4), h[3:5])  # another year
    visit_log(data.cadre_a, second, date(2025, 4, 5), others[:1])
    visit_log(data.cadre_b, world.village_b, date(2025, 5, 6), data.households_b[:2])
    request(
        world.village_a,
        date(2025, 6, 1),
        date(2025, 6, 10),
        status=RequestStatus.RESOLVED,
        resolved=date(2025, 6, 3),
    )
    request(world.village_a, date(2025, 6, 1), date(2025, 6, 10))  # overdue after 6/10
    request(world.village_a, date(2025, 6, 1), date(2025, 12, 31))  # not yet due
    return data


def test_json_for_the_county(v: VillageWorld) -> None:
    data = json.loads(run("--unit", "C", "--year", "2025", "--today", "2025-07-01"))
    assert data["unit"] == {"code": "C", "name": "测试县"}
    assert (data["year"], data["as_of"]) == (2025, "2025-07-01")
    assert [t["code"] for t in data["townships"]] == ["TA", "TB"]
    ta, tb = data["townships"]
    assert set(ta) == KEYS | {"code", "name", "villages"}
    assert [(x["code"], x["name"]) for x in ta["villages"]] == [("VA", "甲村"), ("VA2", "甲二村")]
    va, va2 = ta["villages"]
    assert set(va) == KEYS | {"code", "name"}
    assert (va["households"], va["households_visited"], va["coverage"], va["visits"]) == (5, 3, "60.00", 4)
    assert (va["requests_raised"], va["requests_resolved"], va["requests_overdue"]) == (3, 1, 1)
    assert (va2["households"], va2["households_visited"], va2["coverage"]) == (6, 1, "16.67")
    assert (ta["households"], ta["households_visited"], ta["coverage"], ta["visits"]) == (11, 4, "36.36", 5)
    assert (tb["households"], tb["households_visited"], tb["coverage"]) == (3, 2, "66.67")
    assert data["totals"] == {
        "households": 14,
        "households_visited": 6,
        "coverage": "42.86",
        "visits": 7,
        "requests_raised": 3,
        "requests_resolved": 1,
        "requests_overdue": 1,
    }


def test_overdue_is_judged_on_the_given_day(v: VillageWorld) -> None:
    early = json.loads(run("--unit", "C", "--year", "2025", "--today", "2025-06-10"))
    assert early["totals"]["requests_overdue"] == 0
    late = json.loads(run("--unit", "C", "--year", "2026", "--today", "2026-01-01"))
    assert late["totals"]["requests_raised"] == 0 and late["totals"]["visits"] == 0


def test_a_township_or_a_village_as_the_unit(v: VillageWorld) -> None:
    township = json.loads(run("--unit", "TB", "--year", "2025", "--today", "2025-07-01"))
    assert [t["code"] for t in township["townships"]] == ["TB"]
    assert township["totals"]["households"] == 3
    village = json.loads(run("--unit", "VA2", "--year", "2025", "--today", "2025-07-01"))
    assert [t["code"] for t in village["townships"]] == ["TA"]
    assert [x["code"] for x in village["townships"][0]["villages"]] == ["VA2"]
    assert village["totals"]["coverage"] == "16.67"


def test_text_format(v: VillageWorld) -> None:
    text = run("--unit", "C", "--year", "2025", "--today", "2025-07-01", "--format", "text")
    assert "测试县（C）2025年驻村走访覆盖情况" in text
    lines = {line.split()[0]: line.split()[1:] for line in text.splitlines()[2:]}
    assert lines["甲村"] == ["5", "3", "60.00", "4", "3", "1", "1"]
    assert lines["合计"][:3] == ["14", "6", "42.86"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--unit", "NOPE", "--year", "2025"), "单位代码 NOPE 不存在"),
        (("--unit", "C", "--year", "2025", "--today", "2025/07/01"), "--today 应为 YYYY-MM-DD"),
        (("--unit", "C", "--year", "99"), "年度 99 无效"),
    ],
)
def test_bad_arguments_are_chinese_errors(world: World, args: Any, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_unknown_unit_exits_with_status_1(tmp_path: Path) -> None:
    """Through manage.py on a fresh, empty database: a Chinese message and exit status 1."""
    root = Path(__file__).resolve().parents[3]
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "GANBU_ENV", "ALLOWED_HOSTS"}}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v", "0"], cwd=root, env=env, check=True)
    result = subprocess.run(
        [python, "manage.py", "village_coverage", "--unit", "X9", "--year", "2025"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "单位代码 X9 不存在" in result.stderr
