"""`manage.py selection check --id N | --year Y` over stored cases: the same rules as a file, the
year's cases as one table, exit status 1 when any case has a violation."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ganbu.org.models import Post
from ganbu.selection.models import Candidate, Case, Step
from ganbu.testing.world import World


def _case(world: World, *, listed: int) -> Case:
    """A stored case whose 会议推荐 listed `listed` people for one post (1:3 needs 3)."""
    post = Post.objects.create(unit=world.town_a, name=f"党委书记{listed}", level="1A41")
    case = Case.objects.create(title=f"甲镇党委书记{listed}人选选拔任用", unit=world.town_a, post=post)
    names = ["甲一", "乙二", "丙三"][:listed]
    for name in names:
        Candidate.objects.create(case=case, name=name)
    Step.objects.create(case=case, kind="动议", day=date(2026, 6, 1))
    Step.objects.create(
        case=case,
        kind="民主推荐",
        day=date(2026, 6, 10),
        figures={"listed": names, "valid_ballots": 50, "votes": {n: 50 // listed for n in names}, "round": 1},
    )
    return case


def _run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("selection", "check", *args, stdout=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_a_stored_case_by_id(world: World) -> None:
    bad, good = _case(world, listed=2), _case(world, listed=3)
    code, text = _run("--id", str(bad.pk))
    assert code == 1
    assert [v["code"] for v in json.loads(text)["violations"]] == ["RECOMMEND_RATIO"]
    assert _run("--id", str(good.pk))[0] == 0
    with pytest.raises(CommandError, match="没有编号为 999 的选拔任用"):
        _run("--id", "999")


def test_the_year_as_one_table(world: World) -> None:
    bad, good = _case(world, listed=2), _case(world, listed=3)
    code, text = _run("--year", "2026")
    assert code == 1
    cases = {c["id"]: c for c in json.loads(text)["cases"]}
    assert set(cases) == {bad.pk, good.pk}
    assert cases[good.pk]["violations"] == [] and cases[bad.pk]["violations"][0]["code"] == "RECOMMEND_RATIO"
    code, table = _run("--year", "2026", "--format", "text")
    assert "2026年选人用人工作检查：共 2 项选拔任用" in table and "合计 1 处问题" in table
    assert _run("--year", "2025") == (0, '{\n  "year": 2025,\n  "cases": []\n}\n')


def test_a_decimal_in_a_file_is_named_as_written(tmp_path: Path) -> None:
    """The kernel reads numbers with a point as Decimal (core.jsonfiles); the message shows 1.5."""
    case = tmp_path / "case.json"
    case.write_text(
        '{"post": {"unit": "甲镇", "title": "镇长", "level": "乡镇"}, "posts": 1.5}', encoding="utf-8"
    )
    with pytest.raises(CommandError, match=r"posts：应为整数（收到 1\.5）"):
        _run("--case", str(case))
