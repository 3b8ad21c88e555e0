"""The engine (engine.compute): the output contract, ranking per category, and the validation of
inputs, every problem named by unit and indicator and collected at once."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from ganbu.assessment import errors
from ganbu.assessment.engine import compute

SCHEME: dict[str, Any] = {
    "name": "部门考核方案",
    "total": 100,
    "difficulty": {"min": "0.9", "max": "1.1"},
    "indicators": [
        {"code": "T", "name": "目标任务", "weight": 50, "rule": "completion"},
        {"code": "R", "name": "领导排序", "weight": 20, "rule": "rank_step", "step": "0.25"},
        {"code": "S", "name": "服务对象满意度", "weight": 30, "rule": "satisfaction", "groups": {"企业": 1}},
        {"code": "X", "name": "一票否决", "rule": "veto", "grade": "一般"},
    ],
    "grades": [{"name": "好", "min_score": 80}, {"name": "一般", "min_score": 60}],
}


def unit(code: str, category: str, target: int, ranks: list[int], **extra: Any) -> dict[str, Any]:
    values = {
        "T": {"actual": 40, "target": target},
        "R": ranks,
        "S": {"企业": {"很满意": 1, "满意": 1}},  # (100 + 80) / 2 = 90 → × 30 ÷ 100 = 27
    }
    values.update(extra.pop("values", {}))
    return {"code": code, "name": f"{code}局", "category": category, "values": values, **extra}


def inputs() -> dict[str, Any]:
    return {
        "units": [
            # T 40/50 × 50 = 40; R ranks 1, 2 → 20, 15 → 17.50; S 27 → 84.50
            unit("A", "党群部门", 50, [1, 2]),
            # T 40/40 → 50; R ranks 2, 1 → 17.50; S 27 → 94.50, but vetoed
            unit("B", "党群部门", 40, [2, 1], values={"X": [{"reason": "违反中央八项规定精神"}]}),
            # T 40/80 × 50 = 25; R rank 1 → 20; S 27 → 72 (alone in its category)
            unit("C", "政府部门", 80, [1, 1]),
        ]
    }


def problems(data: dict[str, Any], scheme: dict[str, Any] | None = None) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        compute(scheme or SCHEME, data)
    assert {e.code for e in caught.value.error_list} == {errors.INPUTS_INVALID}
    return caught.value.messages


def test_output_contract() -> None:
    output = compute(SCHEME, inputs())
    assert [(u["code"], u["total"], u["rank"], u["grade"], u["vetoed"]) for u in output["units"]] == [
        ("A", "84.50", 1, "好", False),
        ("B", "94.50", 2, "一般", True),
        ("C", "72.00", 1, "一般", False),
    ]
    first = output["units"][0]
    assert set(first) >= {
        "code",
        "name",
        "category",
        "total",
        "bonus",
        "rank",
        "grade",
        "vetoed",
        "indicators",
    }
    assert first["bonus"] == "0.00"
    assert first["indicators"]["R"] == {
        "points": "17.50",
        "derivation": "名次 1、2（每低一名减 5）→ 20、15；平均 = (20 + 15) ÷ 2 = 17.50",
    }
    assert list(first["indicators"]) == ["T", "R", "S", "X"]
    assert output["units"][1]["veto_reasons"] == ["违反中央八项规定精神"]


def test_difficulty_coefficient_per_unit_and_leaf() -> None:
    data = inputs()
    data["units"][0]["difficulty"] = {"T": "1.1"}  # 40.00 × 1.1 = 44.00
    units = compute(SCHEME, data)["units"]
    assert units[0]["indicators"]["T"]["points"] == "44.00"
    assert units[0]["total"] == "88.50"


def test_a_missing_actual_and_a_zero_target() -> None:
    data = inputs()
    data["units"][0]["values"]["T"] = {"target": 50}
    data["units"][1]["values"]["T"]["target"] = 0
    assert problems(data) == [
        "单位 A（A局），指标 T（目标任务）：缺少完成值 actual",
        "单位 B（B局），指标 T（目标任务）：目标值为 0，无法计算完成率（目标值应大于 0）",
    ]


def test_a_rank_list_of_the_wrong_length_or_range() -> None:
    data = inputs()
    data["units"][0]["values"]["R"] = [1, 2, 1]
    data["units"][2]["values"]["R"] = [1, 2]
    assert problems(data) == [
        "类别「党群部门」，指标 R（领导排序）：各单位的名次个数不一致（3 个：A局；2 个：B局），应每名评议人一个",
        "单位 C（C局），指标 R（领导排序）：名次 2 超出范围（同类共 1 个单位）",
    ]


def test_the_same_rank_twice_from_one_rater() -> None:
    data = inputs()
    data["units"][1]["values"]["R"] = [1, 1]
    assert problems(data) == ["类别「党群部门」，指标 R（领导排序），第 1 名评议人：名次 1 同时给了A局、B局"]


def test_the_scheme_fixes_the_number_of_raters() -> None:
    scheme = copy.deepcopy(SCHEME)
    scheme["indicators"][1]["raters"] = 3
    found = problems(inputs(), scheme)
    assert found[0] == "单位 A（A局），指标 R（领导排序）：名次应有 3 个（每名评议人一个），实有 2 个"
    assert len(found) == 3


def test_an_unknown_option_or_group() -> None:
    data = inputs()
    data["units"][0]["values"]["S"] = {"企业": {"非常满意": 3}}
    data["units"][1]["values"]["S"] = {"群众": {"满意": 3}}
    assert problems(data) == [
        "单位 A（A局），指标 S（服务对象满意度）：选项「非常满意」不在方案中（可选：很满意、满意、基本满意、不太满意、不满意）",
        "单位 B（B局），指标 S（服务对象满意度）：评议人类别「群众」不在方案中（可选：企业）",
    ]


def test_values_for_indicators_that_do_not_exist_or_are_not_leaves() -> None:
    scheme = copy.deepcopy(SCHEME)
    scheme["indicators"][0] = {
        "code": "T",
        "name": "目标任务",
        "weight": 50,
        "children": [{"code": "T1", "name": "重点任务", "weight": 50, "rule": "completion"}],
    }
    data = inputs()
    for u in data["units"]:
        u["values"]["T1"] = u["values"].pop("T")
    data["units"][0]["values"]["T"] = 5
    data["units"][0]["values"]["Q"] = 5
    assert problems(data, scheme) == [
        "单位 A（A局），指标 T（目标任务）：有下级指标，只能给末级指标填值",
        "单位 A（A局）：指标 Q 不在方案中",
    ]


def test_bad_values_and_units_are_all_reported() -> None:
    data = inputs()
    data["units"][0]["values"]["S"] = {"企业": {"满意": -1}}
    data["units"][0]["values"]["X"] = [{"date": "2024-01-01"}]
    data["units"][1]["code"] = "A"
    data["units"][2]["category"] = ""
    data["units"][2]["values"]["R"] = ["一"]
    assert problems(data) == [
        "单位 A（A局），指标 S（服务对象满意度）：「企业」的「满意」票数应为不小于 0 的整数，不是「-1」",
        "单位 A（A局），指标 X（一票否决）：第 1 项缺少 reason",
        "单位 A（B局）：单位代码重复",
        "单位 C（C局）：缺少类别 category",
        "单位 C（C局），指标 R（领导排序）：名次应为正整数，不是「一」",
    ]


def test_difficulty_is_checked() -> None:
    data = inputs()
    data["units"][0]["difficulty"] = {"T": "1.2", "X": 1, "Z": 1}
    assert problems(data) == [
        "单位 A（A局），指标 T（目标任务）：难度系数应在 0.9 到 1.1 之间，不是「1.2」",
        "单位 A（A局），指标 X（一票否决）：一票否决不用难度系数",
        "单位 A（A局）：难度系数的指标 Z 不是方案的末级指标",
    ]
    scheme = copy.deepcopy(SCHEME)
    del scheme["difficulty"]
    data["units"][0]["difficulty"] = {"T": 1}
    assert problems(data, scheme) == ["单位 A（A局）：方案未使用难度系数，不能填写 difficulty"]


def test_not_inputs() -> None:
    assert problems({"units": []}) == ['输入数据应为 {"units": [单位…]}，且至少有一个单位']


def test_a_bad_scheme_is_reported_before_the_inputs() -> None:
    scheme = copy.deepcopy(SCHEME)
    scheme["indicators"][0]["weight"] = 60
    with pytest.raises(ValidationError) as caught:
        compute(scheme, {"units": []})
    assert caught.value.messages == ["方案：一级指标权重合计 110，应等于方案总分 100"]


def test_messages_and_derivations_use_full_width_punctuation() -> None:
    from ganbu.assessment.tests.test_simulate import INPUTS as COUNTY
    from ganbu.assessment.tests.test_simulate import SCHEME as COUNTY_SCHEME
    from ganbu.core.punctuation import half_width_marks

    texts = [
        i["derivation"] for u in compute(COUNTY_SCHEME, COUNTY)["units"] for i in u["indicators"].values()
    ]
    bad = inputs()
    bad["units"][0]["values"] = {"T": 3, "R": "x", "S": {"企业": {"满意": 1.5}}, "X": 1, "Q": 1}
    bad["units"][0]["difficulty"] = []
    bad["units"][1]["values"]["T"] = {"actual": 1, "target": 0}
    bad["units"][2] = "?"
    texts += problems(bad)
    broken_scheme = copy.deepcopy(SCHEME)
    broken_scheme["indicators"][2]["values"] = []
    broken_scheme["indicators"][1]["raters"] = "3"
    broken_scheme["grades"] = [{"name": "好"}, "一般"]
    with pytest.raises(ValidationError) as caught:
        compute(broken_scheme, inputs())
    texts += caught.value.messages
    assert len(texts) > 70
    assert [t for t in texts if half_width_marks(t)] == []


def test_equal_totals_share_the_better_rank() -> None:
    # A and D score the same 84.50 (same values; R: A ranks 1, 2 and D 2, 1 → both 17.50)
    data = {
        "units": [
            unit("A", "党群部门", 50, [1, 2]),
            unit("B", "党群部门", 80, [3, 3]),  # T 25 + R (10 + 10) / 2 = 10 + S 27 = 62.00
            unit("D", "党群部门", 50, [2, 1]),
        ]
    }
    ranked = [(u["code"], u["total"], u["rank"]) for u in compute(SCHEME, data)["units"]]
    assert ranked == [("A", "84.50", 1), ("D", "84.50", 1), ("B", "62.00", 3)]


def test_a_ballot_value_may_be_the_ballot_engines_weighted_shares() -> None:
    """When the ballot engine keeps a small group to its weighted shares (anonymity), the 测评 value
    is `{"shares": {option: share}}`, exact fractions as "n/d" or decimals."""
    scheme: dict[str, Any] = {
        "name": "测评",
        "total": 100,
        "indicators": [
            {
                "code": "M",
                "name": "民主测评",
                "weight": 100,
                "rule": "ballot",
                "groups": {"干部群众": 60, "县领导": 40},
            }
        ],
    }
    data: dict[str, Any] = {
        "units": [
            {
                "code": "1",
                "name": "甲",
                "category": "乡镇",
                "values": {"M": {"shares": {"优秀": "2/3", "称职": "1/3"}}},
            },
            {
                "code": "2",
                "name": "乙",
                "category": "乡镇",
                "values": {"M": {"shares": {"优秀": "0.5", "称职": 0.5}}},
            },
        ]
    }
    output = compute(scheme, data)
    # 100 × 2/3 + 80 × 1/3 = 93.333… → 93.33; 100 × 0.5 + 80 × 0.5 = 90
    assert [u["total"] for u in output["units"]] == ["93.33", "90.00"]
    assert output["units"][0]["indicators"]["M"]["derivation"].startswith("加权占比 优秀 66.67%、称职 33.33%")
    bad = copy.deepcopy(data)
    bad["units"][0]["values"]["M"] = {"shares": {"优秀": "三分之二"}}
    bad["units"][1]["values"]["M"] = {"shares": {"优秀": "1/2", "良好": "1/2"}}
    assert problems(bad, scheme) == [
        "单位 1（甲），指标 M（民主测评）：「优秀」的加权占比应为数字或分数，不是「三分之二」",
        "单位 2（乙），指标 M（民主测评）：选项「良好」不在方案中（可选：优秀、称职、基本称职、不称职）",
    ]
    # a scheme group named "shares" is read as a group
    scheme["indicators"][0]["groups"] = {"shares": 1}
    counted = compute(scheme, {"units": [{**data["units"][0], "values": {"M": {"shares": {"优秀": 1}}}}]})
    assert counted["units"][0]["total"] == "100.00"
