"""`manage.py assessment simulate` on a hand-made county: 6 townships in 2 categories, every figure
computed by hand below (the comments), then compared with the engine's output to the cent."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ganbu.assessment.engine import compute

ROOT = Path(__file__).resolve().parents[3]

RATING = ("优秀", "称职", "基本称职", "不称职")


def votes(excellent: int = 0, competent: int = 0, basic: int = 0, unfit: int = 0) -> dict[str, int]:
    return dict(zip(RATING, (excellent, competent, basic, unfit), strict=True))


SCHEME: dict[str, Any] = {
    "name": "某县2024年度乡镇综合考核方案（模拟）",
    "total": 1000,
    "difficulty": True,
    "indicators": [
        {
            "code": "A",
            "name": "目标责任",
            "weight": 600,
            "children": [
                {"code": "A1", "name": "一般公共预算收入", "weight": 200, "rule": "completion", "cap": "1.1"},
                {"code": "A2", "name": "招商引资到位资金", "weight": 150, "rule": "ratio_to_top"},
                {
                    "code": "A3",
                    "name": "重点项目投资完成率",
                    "weight": 150,
                    "rule": "rank_linear",
                    "top": 150,
                    "bottom": 90,
                },
                {"code": "A4", "name": "党的建设", "weight": 100, "rule": "deduct"},
            ],
        },
        {
            "code": "B",
            "name": "领导评价",
            "weight": 200,
            "children": [
                {
                    "code": "B1",
                    "name": "县领导排序",
                    "weight": 120,
                    "rule": "rank_step",
                    "step": "0.1",
                    "raters": 3,
                },
                {"code": "B2", "name": "「四看」评定", "weight": 80, "rule": "manual"},
            ],
        },
        {
            "code": "C",
            "name": "民主测评",
            "weight": 200,
            "children": [
                {
                    "code": "C1",
                    "name": "班子测评",
                    "weight": 100,
                    "rule": "ballot",
                    "groups": {"干部群众": 60, "县领导": 40},
                },
                {
                    "code": "C2",
                    "name": "优秀率",
                    "weight": 100,
                    "rule": "bracket",
                    "share_of": "优秀",
                    "brackets": [[80, 100], [60, 90], [40, 80], [0, 70]],
                    "override": {"options": ["基本称职", "不称职"], "share": "1/3", "points": 65},
                },
            ],
        },
        {
            "code": "D",
            "name": "附加分",
            "children": [
                {
                    "code": "D1",
                    "name": "争先创优",
                    "rule": "bonus",
                    "levels": {"国家级": 30, "省级": 20, "市级": 10},
                    "max": 30,
                }
            ],
        },
        {"code": "E", "name": "安全生产", "rule": "veto", "grade": "一般"},
    ],
    "grades": [
        {"name": "实绩突出", "min_score": 900, "max_share": "1/3"},
        {"name": "好", "min_score": 800},
        {"name": "一般", "min_score": 700},
        {"name": "较差", "min_score": 0},
    ],
}

MOUNTAIN, CENTRAL = "山区乡镇", "中心镇"

INPUTS: dict[str, Any] = {
    "units": [
        # ---------------- 山区乡镇 ----------------
        # A1 850 / 1000 × 200 = 170.00
        # A2 3000 / 4500 × 150 = 100.00
        # A3 95 ties 103 for rank 1 of 3 → 150.00
        # A4 no deduction → 100.00
        # B1 ranks 1, 2, 1 → 120, 108, 120 → 348 / 3 = 116.00
        # B2 72.00
        # C1 干部群众 (30×100 + 15×80 + 5×60) / 50 = 90; 县领导 (6×100 + 4×80) / 10 = 92
        #    (60 × 90 + 40 × 92) / 100 = 90.80 → × 100 ÷ 100 = 90.80
        # C2 优秀 48 / 60 = 80 % exactly → the 80 row → 100.00
        # D1 none → 0.00; E none
        # total 170 + 100 + 150 + 100 + 116 + 72 + 90.80 + 100 + 0 = 898.80
        {
            "code": "101",
            "name": "青山乡",
            "category": MOUNTAIN,
            "values": {
                "A1": {"actual": 850, "target": 1000},
                "A2": 3000,
                "A3": 95,
                "B1": [1, 2, 1],
                "B2": 72,
                "C1": {"干部群众": votes(30, 15, 5), "县领导": votes(6, 4)},
                "C2": {"干部群众": votes(40, 8, 2), "县领导": votes(8, 2)},
            },
        },
        # A1 1300 / 1100 = 1.18 > cap 1.1 → 1.1 × 200 = 220.00
        # A2 4500 is the top → 150.00
        # A3 88, rank 3 of 3 → 150 − 60 × 2 ÷ 2 = 90.00
        # A4 100 − 5 = 95.00
        # B1 ranks 2, 1, 3 → 108, 120, 96 → 324 / 3 = 108.00
        # B2 75.50
        # C1 干部群众 (2000 + 1600 + 480 + 80) / 50 = 83.2; 县领导 (500 + 400) / 10 = 90
        #    (60 × 83.2 + 40 × 90) / 100 = 85.92 → 85.92
        # C2 基本称职 + 不称职 15 / 60 = 1/4 < 1/3; 优秀 25 / 60 = 41.67 % → the 40 row → 80.00
        # D1 省级 → 20.00
        # total 220 + 150 + 90 + 95 + 108 + 75.50 + 85.92 + 80 + 20 = 924.42, but 一票否决:
        # ranked last in its category, grade capped at 一般
        {
            "code": "102",
            "name": "石门乡",
            "category": MOUNTAIN,
            "values": {
                "A1": {"actual": 1300, "target": 1100},
                "A2": 4500,
                "A3": 88,
                "A4": [{"points": 5, "reason": "经济责任审计：违规发放津补贴", "date": "2024-06-30"}],
                "B1": [2, 1, 3],
                "B2": {"points": "75.5", "note": "客观条件较好，显绩突出"},
                "C1": {"干部群众": votes(20, 20, 8, 2), "县领导": votes(5, 5)},
                "C2": {"干部群众": votes(20, 20, 10), "县领导": votes(5, 0, 0, 5)},
                "D1": [{"level": "省级", "reason": "全省乡村振兴先进乡镇"}],
                "E": [{"reason": "发生较大安全生产事故", "date": "2024-08-12"}],
            },
        },
        # A1 700 / 900 × 200 = 155.555… → 155.56; 难度系数 1.1 → 171.116 → 171.12
        # A2 2000 / 4500 × 150 = 66.666… → 66.67
        # A3 95 ties 101 → rank 1 → 150.00
        # A4 100 − 2.5 − 3 = 94.50
        # B1 ranks 3, 3, 2 → 96, 96, 108 → 300 / 3 = 100.00
        # B2 78.00
        # C1 干部群众 (2500 + 1600 + 240) / 49 = 88.5714…; 县领导 (700 + 160 + 60) / 10 = 92
        #    (60 × 88.5714… + 40 × 92) / 100 = 89.9428… → 89.94 → 89.94
        # C2 基本称职 15 + 不称职 5 = 20 / 60 = exactly 1/3 → the override row → 65.00
        # D1 省级 20 + 市级 10 + 市级 10 = 40 > max 30 → 30.00
        # total 171.12 + 66.67 + 150 + 94.50 + 100 + 78 + 89.94 + 65 + 30 = 845.23
        {
            "code": "103",
            "name": "云岭乡",
            "category": MOUNTAIN,
            "values": {
                "A1": {"actual": 700, "target": 900},
                "A2": 2000,
                "A3": 95,
                "A4": [{"points": "2.5", "reason": "组织生活会记录不全"}, {"points": 3}],
                "B1": [3, 3, 2],
                "B2": 78,
                "C1": {"干部群众": votes(25, 20, 4), "县领导": votes(7, 2, 1)},
                "C2": {"干部群众": votes(30, 0, 15), "县领导": votes(10, 0, 0, 5)},
                "D1": [{"level": "省级"}, {"level": "市级"}, {"level": "市级"}],
            },
            "difficulty": {"A1": "1.1"},
        },
        # ---------------- 中心镇 ----------------
        # A1 1200 / 1000 = 1.2 > 1.1 → 220.00
        # A2 8000 is the top → 150.00
        # A3 92, rank 2 of 3 → 150 − 60 × 1 ÷ 2 = 120.00
        # A4 → 100.00
        # B1 ranks 1, 1, 2 → 120 + 120 + 108 = 348 / 3 = 116.00
        # B2 76.00
        # C1 干部群众 (4500 + 400) / 50 = 98; 县领导 (900 + 80) / 10 = 98 → 98.00
        # C2 优秀 54 / 60 = 90 % → 100.00
        # D1 国家级 30 → 30.00
        # total 220 + 150 + 120 + 100 + 116 + 76 + 98 + 100 + 30 = 1010.00
        {
            "code": "201",
            "name": "城关镇",
            "category": CENTRAL,
            "values": {
                "A1": {"actual": 1200, "target": 1000},
                "A2": 8000,
                "A3": 92,
                "B1": [1, 1, 2],
                "B2": 76,
                "C1": {"干部群众": votes(45, 5), "县领导": votes(9, 1)},
                "C2": {"干部群众": votes(45, 5), "县领导": votes(9, 1)},
                "D1": [{"level": "国家级", "reason": "全国文明村镇"}],
            },
        },
        # A1 2050 / 2000 × 200 = 205.00
        # A2 6000 / 8000 × 150 = 112.50
        # A3 97, rank 1 → 150.00
        # A4 100 − 1.5 = 98.50
        # B1 ranks 2, 2, 1 → 108 + 108 + 120 = 336 / 3 = 112.00
        # B2 78.50
        # C1 干部群众 (4000 + 800) / 50 = 96; 县领导 100 → (5760 + 4000) / 100 = 97.60 → 97.60
        # C2 优秀 42 / 60 = 70 % → the 60 row → 90.00
        # D1 市级 → 10.00
        # total 205 + 112.50 + 150 + 98.50 + 112 + 78.50 + 97.60 + 90 + 10 = 954.10
        {
            "code": "202",
            "name": "河口镇",
            "category": CENTRAL,
            "values": {
                "A1": {"actual": 2050, "target": 2000},
                "A2": 6000,
                "A3": 97,
                "A4": [{"points": "1.5", "reason": "经济责任审计：票据不规范"}],
                "B1": [2, 2, 1],
                "B2": "78.5",
                "C1": {"干部群众": votes(40, 10), "县领导": votes(10)},
                "C2": {"干部群众": votes(35, 15), "县领导": votes(7, 3)},
                "D1": [{"level": "市级"}],
            },
        },
        # A1 1000 / 1600 × 200 = 125.00
        # A2 2332 / 8000 × 150 = 43.725 → 43.73 (half up); 难度系数 1.2 → 52.476 → 52.48
        # A3 85, rank 3 → 90.00
        # A4 100 − 60 − 50 = −10 → floor 0 → 0.00
        # B1 ranks 3, 3, 3 → 96.00
        # B2 60.00
        # C1 干部群众 (1000 + 1600 + 900 + 200) / 50 = 74; 县领导 (480 + 240) / 10 = 72
        #    (60 × 74 + 40 × 72) / 100 = 73.20 → 73.20
        # C2 基本称职 + 不称职 15 + 5 + 4 = 24 / 60 ≥ 1/3 → 65.00
        # total 125 + 52.48 + 90 + 0 + 96 + 60 + 73.20 + 65 + 0 = 561.68
        {
            "code": "203",
            "name": "新市镇",
            "category": CENTRAL,
            "values": {
                "A1": {"actual": 1000, "target": 1600},
                "A2": 2332,
                "A3": 85,
                "A4": [
                    {"points": 60, "reason": "重大决策未经集体研究"},
                    {"points": 50, "reason": "审计整改不到位"},
                ],
                "B1": [3, 3, 3],
                "B2": 60,
                "C1": {"干部群众": votes(10, 20, 15, 5), "县领导": votes(0, 6, 4)},
                "C2": {"干部群众": votes(10, 20, 15, 5), "县领导": votes(0, 6, 4)},
            },
            "difficulty": {"A2": "1.2"},
        },
    ]
}

# Ranks and grades (实绩突出 ≥ 900 for at most floor(1/3 × 3) = 1 unit per category, 好 ≥ 800,
# 一般 ≥ 700, 较差 below):
# 山区乡镇: 青山乡 898.80 rank 1 (under 900: 好); 云岭乡 845.23 rank 2 (好); 石门乡 924.42 vetoed
#   → rank 3, grade capped at 一般.
# 中心镇: 城关镇 1010.00 rank 1 takes the one 实绩突出 place; 河口镇 954.10 rank 2 is over 900 but
#   the place is taken → falls to 好; 新市镇 561.68 rank 3 → 较差.
EXPECTED = [
    # code, category, total, bonus, rank, grade, vetoed
    ("101", MOUNTAIN, "898.80", "0.00", 1, "好", False),
    ("103", MOUNTAIN, "845.23", "30.00", 2, "好", False),
    ("102", MOUNTAIN, "924.42", "20.00", 3, "一般", True),
    ("201", CENTRAL, "1010.00", "30.00", 1, "实绩突出", False),
    ("202", CENTRAL, "954.10", "10.00", 2, "好", False),
    ("203", CENTRAL, "561.68", "0.00", 3, "较差", False),
]
LEAVES = {  # the hand-computed points of every leaf (A1 A2 A3 A4 B1 B2 C1 C2 D1 E)
    "101": ["170.00", "100.00", "150.00", "100.00", "116.00", "72.00", "90.80", "100.00", "0.00", "0.00"],
    "102": ["220.00", "150.00", "90.00", "95.00", "108.00", "75.50", "85.92", "80.00", "20.00", "0.00"],
    "103": ["171.12", "66.67", "150.00", "94.50", "100.00", "78.00", "89.94", "65.00", "30.00", "0.00"],
    "201": ["220.00", "150.00", "120.00", "100.00", "116.00", "76.00", "98.00", "100.00", "30.00", "0.00"],
    "202": ["205.00", "112.50", "150.00", "98.50", "112.00", "78.50", "97.60", "90.00", "10.00", "0.00"],
    "203": ["125.00", "52.48", "90.00", "0.00", "96.00", "60.00", "73.20", "65.00", "0.00", "0.00"],
}
LEAF_CODES = ["A1", "A2", "A3", "A4", "B1", "B2", "C1", "C2", "D1", "E"]


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    scheme, inputs = tmp_path / "scheme.json", tmp_path / "inputs.json"
    scheme.write_text(json.dumps(SCHEME, ensure_ascii=False), encoding="utf-8")
    inputs.write_text(json.dumps(INPUTS, ensure_ascii=False), encoding="utf-8")
    return scheme, inputs


def simulate(*args: str) -> str:
    out = StringIO()
    call_command("assessment", "simulate", *args, stdout=out)
    return out.getvalue()


def test_the_county_gives_the_hand_computed_totals_ranks_and_grades(files: tuple[Path, Path]) -> None:
    output = json.loads(simulate("--scheme", str(files[0]), "--inputs", str(files[1])))
    got = [
        (u["code"], u["category"], u["total"], u["bonus"], u["rank"], u["grade"], u["vetoed"])
        for u in output["units"]
    ]
    assert got == EXPECTED
    for unit in output["units"]:
        assert [unit["indicators"][c]["points"] for c in LEAF_CODES] == LEAVES[unit["code"]], unit["code"]
    assert output["scheme"] == {"name": "某县2024年度乡镇综合考核方案（模拟）", "total": "1000.00"}


def test_the_county_derivations_and_subtotals() -> None:
    units = {u["code"]: u for u in compute(SCHEME, INPUTS)["units"]}
    assert units["101"]["indicators"]["A1"]["derivation"] == "完成 850 / 目标 1000 × 200 = 170.00"
    assert units["103"]["indicators"]["A1"]["derivation"] == (
        "完成 700 / 目标 900 × 200 = 155.56；× 难度系数 1.1 = 171.12"
    )
    assert units["103"]["indicators"]["C2"]["derivation"] == "基本称职和不称职票 20 / 60，达到 1/3 → 65.00"
    assert units["203"]["indicators"]["A4"]["derivation"] == (
        "100 − 60（重大决策未经集体研究） − 50（审计整改不到位） = -10，按 0 计 = 0.00"
    )
    assert units["102"]["veto_reasons"] == ["发生较大安全生产事故（2024-08-12）"]
    # 102: A 220 + 150 + 90 + 95 = 555; B 108 + 75.50; C 85.92 + 80; D 20
    assert units["102"]["subtotals"] == {"A": "555.00", "B": "183.50", "C": "165.92", "D": "20.00"}


def test_text_format(files: tuple[Path, Path]) -> None:
    text = simulate("--scheme", str(files[0]), "--inputs", str(files[1]), "--format", "text")
    lines = text.splitlines()
    assert lines[0] == "某县2024年度乡镇综合考核方案（总分 1000.00）".replace("方案", "方案（模拟）", 1)
    assert "山区乡镇（3 个单位）" in lines
    assert "中心镇（3 个单位）" in lines
    mountain = lines[lines.index("山区乡镇（3 个单位）") + 1 : lines.index("山区乡镇（3 个单位）") + 5]
    assert mountain[0].split() == ["名次", "单位", "总分", "加分", "等次", "一票否决"]
    assert mountain[1].split() == ["1", "101", "青山乡", "898.80", "0.00", "好"]
    assert mountain[3].split() == [
        "3",
        "102",
        "石门乡",
        "924.42",
        "20.00",
        "一般",
        "是：发生较大安全生产事故（2024-08-12）",
    ]
    central = lines[lines.index("中心镇（3 个单位）") + 2]
    assert central.split() == ["1", "201", "城关镇", "1010.00", "30.00", "实绩突出"]


def test_a_bad_file_gives_chinese_errors(tmp_path: Path, files: tuple[Path, Path]) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"units": [', encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        simulate("--scheme", str(files[0]), "--inputs", str(broken))
    assert str(caught.value).startswith(f"数据文件 {broken} 不是有效的 JSON：第 1 行第 12 列")
    with pytest.raises(CommandError) as caught:
        simulate("--scheme", str(tmp_path / "missing.json"), "--inputs", str(files[1]))
    assert str(caught.value) == f"无法读取方案文件 {tmp_path / 'missing.json'}：文件不存在"


def test_invalid_inputs_list_every_problem(tmp_path: Path, files: tuple[Path, Path]) -> None:
    inputs = json.loads(json.dumps(INPUTS))
    del inputs["units"][0]["values"]["A1"]
    inputs["units"][1]["values"]["A1"]["target"] = 0
    inputs["units"][3]["values"]["C1"]["县领导"]["良好"] = 1
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(inputs, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        simulate("--scheme", str(files[0]), "--inputs", str(bad))
    assert str(caught.value).splitlines() == [
        "输入数据有 3 处错误，未计算：",
        "- 单位 101（青山乡），指标 A1（一般公共预算收入）：缺少完成值和目标值",
        "- 单位 102（石门乡），指标 A1（一般公共预算收入）：目标值为 0，无法计算完成率（目标值应大于 0）",
        "- 单位 201（城关镇），指标 C1（班子测评）：选项「良好」不在方案中（可选：优秀、称职、基本称职、不称职）",
    ]


def test_the_exit_status_is_1_without_a_traceback(tmp_path: Path, files: tuple[Path, Path]) -> None:
    scheme = json.loads(json.dumps(SCHEME))
    scheme["indicators"][0]["weight"] = 500
    bad = tmp_path / "scheme.json"
    bad.write_text(json.dumps(scheme, ensure_ascii=False), encoding="utf-8")
    command = [
        sys.executable,
        "manage.py",
        "assessment",
        "simulate",
        "--scheme",
        str(bad),
        "--inputs",
        str(files[1]),
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "方案有 2 处错误，未计算：" in done.stderr
    assert "- 指标 A（目标责任）：下级指标权重合计 600，应等于本指标权重 500" in done.stderr
    assert "- 方案：一级指标权重合计 900，应等于方案总分 1000" in done.stderr
    assert done.stdout == ""
