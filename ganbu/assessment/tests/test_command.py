"""`manage.py assessment import-scheme / export-scheme / compute / result` on a stored cycle."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ganbu.assessment import services
from ganbu.assessment.models import Cycle, Scheme
from ganbu.testing.world import World

SCHEME: dict[str, Any] = {
    "name": "命令行测试方案",
    "total": 100,
    "indicators": [{"code": "B1", "name": "四看评定", "weight": 100, "rule": "manual"}],
    "grades": [{"name": "好", "min_score": 60}, {"name": "一般", "min_score": 0}],
}


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("assessment", *args, stdout=out)
    return out.getvalue()


def test_import_export_compute_result(world: World, tmp_path: Path) -> None:
    path = tmp_path / "方案.json"
    path.write_text(json.dumps(SCHEME, ensure_ascii=False), encoding="utf-8")
    assert "已导入考核方案「命令行测试方案（第 1 版）」" in _run("import-scheme", str(path), "--year", "2026")
    scheme = Scheme.objects.get()
    assert json.loads(_run("export-scheme", str(scheme.pk)))["indicators"][0]["code"] == "B1"

    cycle = services.create_cycle(
        actor=None,
        year=2026,
        name="命令行测试考核",
        tracks=[services.TrackSpec("乡镇", scheme, [world.town_a, world.town_b])],
    )
    with pytest.raises(CommandError, match="尚未开始考核"):
        _run("compute", "--cycle", str(cycle.pk))
    services.open_cycle(cycle=cycle, actor=None)
    with pytest.raises(CommandError, match="甲镇"):  # B1 has no points yet: every unit named
        _run("compute", "--cycle", str(cycle.pk))
    track = cycle.tracks.get()
    ids = {p.unit.name: p.pk for p in track.participants.select_related("unit")}
    services.enter_figures(
        track=track,
        leaf_code="B1",
        actor=world.users["county"],
        values={ids["甲镇"]: ("72.5", "四看"), ids["乙乡"]: ("58", "四看")},
    )
    assert "乡镇：2 个单位" in _run("compute", "--cycle", str(cycle.pk))
    data = json.loads(_run("result", "--cycle", str(cycle.pk)))
    units = data["categories"][0]["units"]
    assert [(u["name"], u["total"], u["rank"], u["grade"]) for u in units] == [
        ("甲镇", "72.50", 1, "好"),
        ("乙乡", "58.00", 2, "一般"),
    ]
    xlsx = tmp_path / "结果.xlsx"
    _run("result", "--cycle", str(cycle.pk), "--format", "xlsx", "--output", str(xlsx))
    sheet = openpyxl.load_workbook(xlsx).active
    assert sheet is not None and sheet.cell(3, 3).value == "甲镇"
    with pytest.raises(CommandError, match="没有编号为 999 的考核年度"):
        _run("result", "--cycle", "999")
    assert Cycle.objects.count() == 1
