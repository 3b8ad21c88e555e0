"""Benchmark: the pure scoring engine of 综合考核 on a whole cycle.

    .venv/bin/python bench/assessment.py [--units 300] [--categories 3] [--runs 5] [--seed 2024]

Builds a 千分制 scheme of 60 leaves (58 weighted, of every rule type: completion, ratio_to_top,
rank_linear, rank_step with 5 raters, bracket on a number and on a vote share with the override
row, deduct, ballot, satisfaction, manual; plus a bonus and a veto leaf), then 300 units in 3
categories with random but valid figures (some with 难度系数, deductions, bonuses, vetoes), and
times `assessment.engine.compute` (validation, scoring, ranking, grades, output) and the JSON
dump. No database: the cycle's database part comes with the models (issue 14's target is the
whole cycle, database included, under 2 s on SQLite; the pure compute aims at under 0.5 s).
Exits 1 when the p50 of compute exceeds 2 s.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _setup import fmt, timed

from ganbu.assessment.engine import compute

RATING = ["优秀", "称职", "基本称职", "不称职"]
SATISFACTION = ["很满意", "满意", "基本满意", "不太满意", "不满意"]
KINDS = [
    "completion",
    "ratio_to_top",
    "rank_linear",
    "rank_step",
    "bracket",
    "bracket_share",
    "deduct",
    "ballot",
    "satisfaction",
    "manual",
]
RATERS = 5
TARGET_SECONDS = 2.0


def leaf(code: str, kind: str, weight: str) -> dict[str, Any]:
    node: dict[str, Any] = {"code": code, "name": f"指标{code}", "weight": weight}
    w = float(weight)
    if kind == "completion":
        node.update(rule="completion", cap="1.2")
    elif kind == "rank_linear":
        node.update(rule="rank_linear", top=weight, bottom=str(round(w * 0.6, 2)))
    elif kind == "rank_step":
        node.update(rule="rank_step", step="0.01")
    elif kind == "bracket":
        node.update(
            rule="bracket", brackets=[[90, weight], [75, str(round(w * 0.8, 2))], [0, str(round(w * 0.5, 2))]]
        )
    elif kind == "bracket_share":
        node.update(
            rule="bracket",
            share_of="优秀",
            brackets=[[80, weight], [60, str(round(w * 0.9, 2))], [0, str(round(w * 0.7, 2))]],
            override={"options": ["基本称职", "不称职"], "share": "1/3", "points": str(round(w * 0.65, 2))},
        )
    elif kind in ("ballot", "satisfaction"):
        node.update(rule=kind, groups={"干部群众": 60, "服务对象": 25, "县领导": 15})
    else:
        node.update(rule=kind)
    return node


def build_scheme() -> dict[str, Any]:
    indicators = []
    for p in range(1, 6):  # 5 × 10 leaves of 18 = 900
        children = [leaf(f"P{p}L{i}", KINDS[i], "18") for i in range(10)]
        indicators.append({"code": f"P{p}", "name": f"一级指标{p}", "weight": 180, "children": children})
    children = [leaf(f"P6L{i}", KINDS[i], "12.5") for i in range(8)]  # 8 × 12.5 = 100
    children.append(
        {
            "code": "P6B",
            "name": "争先创优",
            "rule": "bonus",
            "levels": {"国家级": 30, "省级": 20, "市级": 10},
            "max": 30,
        }
    )
    children.append({"code": "P6V", "name": "安全生产", "rule": "veto", "grade": "一般"})
    indicators.append({"code": "P6", "name": "一级指标6", "weight": 100, "children": children})
    return {
        "name": "基准测试方案",
        "total": 1000,
        "difficulty": True,
        "indicators": indicators,
        "grades": [
            {"name": "实绩突出", "min_score": 800, "max_share": "0.2"},
            {"name": "好", "min_score": 700},
            {"name": "一般", "min_score": 600},
            {"name": "较差", "min_score": 0},
        ],
    }


def counts(rng: random.Random, options: list[str], groups: list[str]) -> dict[str, dict[str, int]]:
    return {g: {o: rng.randint(0, 30) for o in options} | {options[0]: rng.randint(5, 40)} for g in groups}


def value(rng: random.Random, kind: str) -> Any:
    groups = ["干部群众", "服务对象", "县领导"]
    if kind == "completion":
        return {"actual": rng.randint(500, 1500), "target": rng.randint(800, 1200)}
    if kind in ("ratio_to_top", "rank_linear", "bracket"):
        return str(round(rng.uniform(0, 100), 2))
    if kind == "bracket_share":
        return counts(rng, RATING, groups)
    if kind == "deduct":
        return [
            {"points": rng.choice(["0.5", "1", "2"]), "reason": "审计发现问题"}
            for _ in range(rng.randint(0, 2))
        ]
    if kind == "ballot":
        return counts(rng, RATING, groups)
    if kind == "satisfaction":
        return counts(rng, SATISFACTION, groups)
    return {"points": rng.randint(5, 12), "note": "四看"}  # manual (weights 12.5 and 18)


def build_inputs(
    scheme: dict[str, Any], n_units: int, n_categories: int, rng: random.Random
) -> dict[str, Any]:
    leaves = [(c["code"], c) for p in scheme["indicators"] for c in p["children"]]
    kinds = {code: KINDS[int(code.split("L")[1])] for code, _ in leaves if "L" in code}
    units: list[dict[str, Any]] = []
    for i in range(n_units):
        units.append(
            {"code": f"U{i:04d}", "name": f"单位{i}", "category": f"类别{i % n_categories}", "values": {}}
        )
    for c in range(n_categories):
        members = [u for u in units if u["category"] == f"类别{c}"]
        orders = [rng.sample(range(1, len(members) + 1), len(members)) for _ in range(RATERS)]
        for position, unit in enumerate(members):
            for code, kind in kinds.items():
                if kind == "rank_step":
                    unit["values"][code] = [orders[r][position] for r in range(RATERS)]
                else:
                    unit["values"][code] = value(rng, kind)
            if rng.random() < 0.3:
                unit["values"]["P6B"] = [{"level": rng.choice(["国家级", "省级", "市级"])}]
            if rng.random() < 0.03:
                unit["values"]["P6V"] = [{"reason": "重大安全事故"}]
            if rng.random() < 0.2:
                unit["difficulty"] = {f"P1L{j}": str(rng.choice(["0.9", "1.05", "1.1"])) for j in range(3)}
    return {"units": units}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--categories", type=int, default=3)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    scheme = build_scheme()
    inputs = build_inputs(scheme, args.units, args.categories, random.Random(args.seed))
    leaves = sum(len(p["children"]) for p in scheme["indicators"])
    cpu: list[float] = []

    def run() -> dict[str, Any]:
        started = time.process_time()
        result = compute(scheme, inputs)
        cpu.append((time.process_time() - started) * 1000)
        return result

    times, output = timed(run, args.runs)
    cpu = cpu[1:]  # without the warm-up
    dump_times, _ = timed(lambda: json.dumps(output, ensure_ascii=False), args.runs)
    print(f"assessment compute: {args.units} units × {leaves} leaves, {args.categories} categories")
    print(f"  compute     {fmt(times)}")
    print(f"  (CPU time)  {fmt(cpu)}  (the wall time includes waiting for a busy machine's cores)")
    print(f"  json dump   {fmt(dump_times)}")
    p50 = sorted(times)[len(times) // 2] / 1000
    print(
        f"  target < {TARGET_SECONDS:.1f} s (whole cycle incl. database): {'ok' if p50 < TARGET_SECONDS else 'MISSED'}"
    )
    print(f"  aim < 0.5 s (pure compute): {'ok' if p50 < 0.5 else 'missed'}")
    if p50 >= TARGET_SECONDS:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
