"""The scheme validator (rules.parse_scheme): Chinese messages naming the indicator, every problem
at once."""

from __future__ import annotations

import copy
from decimal import Decimal as D
from fractions import Fraction
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from ganbu.assessment import errors, rules


def scheme() -> dict[str, Any]:
    return {
        "name": "乡镇综合考核方案",
        "indicators": [
            {
                "code": "A",
                "name": "目标责任",
                "weight": 600,
                "children": [
                    {
                        "code": "A1",
                        "name": "财政收入",
                        "weight": 300,
                        "rule": "completion",
                        "cap": 1.2,
                        "lead": "财政局",
                    },
                    {"code": "A2", "name": "招商引资", "weight": 300, "rule": "ratio_to_top"},
                ],
            },
            {"code": "B", "name": "领导评价", "weight": 200, "rule": "rank_step", "step": "0.1"},
            {
                "code": "C",
                "name": "民主测评",
                "weight": 200,
                "rule": "ballot",
                "groups": {"干部": 60, "群众": 40},
            },
            {
                "code": "D",
                "name": "附加分",
                "children": [
                    {"code": "D1", "name": "争先创优", "rule": "bonus", "levels": {"省级": 20}, "max": 30}
                ],
            },
            {"code": "E", "name": "安全生产", "rule": "veto", "grade": "一般"},
        ],
        "grades": [
            {"name": "实绩突出", "min_score": 900, "max_share": "1/5"},
            {"name": "好", "min_score": 800},
            {"name": "一般", "min_score": 600},
            {"name": "较差", "min_score": 0},
        ],
    }


def messages(data: Any) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        rules.parse_scheme(data)
    assert {e.code for e in caught.value.error_list} == {errors.SCHEME_INVALID}
    return caught.value.messages


def test_a_valid_scheme() -> None:
    parsed = rules.parse_scheme(scheme())
    assert parsed.total == D(1000)
    assert [leaf.code for leaf in parsed.leaves] == ["A1", "A2", "B", "C", "D1", "E"]
    assert parsed.parents == {"A": ("A1", "A2"), "D": ("D1",)}
    assert parsed.leaves[0].cap == D("1.2") and parsed.leaves[0].lead == "财政局"
    assert parsed.grades[0] == rules.Grade("实绩突出", D(900), Fraction(1, 5))
    assert parsed.difficulty is None


def test_children_weights_must_add_up_to_the_parent() -> None:
    data = scheme()
    data["indicators"][0]["children"][1]["weight"] = 290
    assert messages(data) == ["指标 A（目标责任）：下级指标权重合计 590，应等于本指标权重 600"]


def test_leaves_must_add_up_to_the_total() -> None:
    data = scheme()
    data["indicators"][1]["weight"] = 190
    assert messages(data) == ["方案：一级指标权重合计 990，应等于方案总分 1000"]
    data = scheme()
    data["total"] = 100
    assert messages(data) == ["方案：一级指标权重合计 1000，应等于方案总分 100"]


def test_a_parent_cannot_have_a_rule() -> None:
    data = scheme()
    data["indicators"][0]["rule"] = "manual"
    assert messages(data) == [
        "指标 A（目标责任）：有下级指标，不能再设计分规则 rule（计分规则只设在末级指标上）"
    ]


def test_an_unknown_rule_and_a_missing_rule() -> None:
    data = scheme()
    data["indicators"][0]["children"][0]["rule"] = "average"
    del data["indicators"][0]["children"][1]["rule"]
    found = messages(data)
    assert len(found) == 2
    assert found[0].startswith("指标 A1（财政收入）：计分规则「average」不存在（可选：completion（完成率）、")
    assert found[1].startswith("指标 A2（招商引资）：末级指标缺少计分规则 rule（可选：")


def test_unknown_parameters_are_refused() -> None:
    data = scheme()
    data["indicators"][0]["children"][0]["cpa"] = 1.2
    assert messages(data) == ["指标 A1（财政收入）：不认识的参数：cpa（完成率（completion）的参数：cap）"]


def test_grades_must_descend() -> None:
    data = scheme()
    data["grades"][2]["min_score"] = 800
    assert messages(data) == ["等次「一般」：最低分 800 应低于上一等次「好」的 800（等次从高到低排列）"]


def test_grade_shares_and_the_lowest_grade() -> None:
    data = scheme()
    data["grades"][0]["max_share"] = "3/2"
    data["grades"][3]["max_share"] = 0.1
    assert messages(data) == [
        "等次「实绩突出」：比例上限 max_share 应为大于 0、不大于 1 的比例，不是「3/2」",
        "等次「较差」：最低等次不能设比例上限 max_share（超出比例的单位要落到下一等次）",
    ]


def test_every_problem_is_reported_at_once() -> None:
    data = scheme()
    data["name"] = ""
    data["indicators"][0]["children"][0]["cap"] = "0.9"
    data["indicators"][1]["step"] = 0
    data["indicators"][2]["groups"] = {}
    data["indicators"][4]["grade"] = "优秀"
    assert messages(data) == [
        "方案：缺少方案名称 name",
        "指标 A1（财政收入）：参数 cap（完成率上限）应不小于 1，不是 0.9",
        "指标 B（领导评价）：参数 step（每低一名扣减的权重比例）应大于 0 且不大于 1，不是 0",
        '指标 C（民主测评）：缺少参数 groups（评议人类别及权重，如 {"干部群众": 60, "县领导": 40}）',
        "指标 E（安全生产）：一票否决的最高等次「优秀」不在方案的等次中（实绩突出、好、一般、较差）",
    ]


def test_codes_names_and_weights() -> None:
    data = scheme()
    data["indicators"][1]["code"] = "A1"
    data["indicators"][2]["name"] = ""
    data["indicators"][0]["children"][1]["weight"] = -300
    found = messages(data)
    assert "指标 A1（领导评价）：指标代码 A1 重复" in found
    assert "指标 C：缺少指标名称 name" in found
    assert "指标 A2（招商引资）：权重 weight 应为大于 0 的数，不是「-300」" in found


def test_bonus_and_veto_are_outside_the_weight() -> None:
    data = scheme()
    data["indicators"][4]["weight"] = 10
    data["indicators"][1]["weight"] = 190
    assert messages(data) == ["指标 E（安全生产）：一票否决在权重之外，权重 weight 应为 0 或不填"]


def test_rank_linear_and_bracket_parameters() -> None:
    data = copy.deepcopy(scheme())
    data["indicators"][0]["children"][1] = {
        "code": "A2",
        "name": "项目建设",
        "weight": 300,
        "rule": "rank_linear",
        "top": 320,
        "bottom": 100,
    }
    data["indicators"][2] = {
        "code": "C",
        "name": "民主测评",
        "weight": 200,
        "rule": "bracket",
        "brackets": [[60, 180], [80, 200]],
        "share_of": "良好",
        "override": {"options": ["不称职"], "share": "1/3", "points": 130},
    }
    assert messages(data) == [
        "指标 A2（项目建设）：参数应满足 0 ≤ bottom ≤ top ≤ 权重 300，现为 top 320、bottom 100",
        "指标 C（民主测评）：分档表第 2 行的下限 80 应低于上一行的 60（从高到低排列）",
        "指标 C（民主测评）：参数 share_of 的选项「良好」不在选项中（优秀、称职、基本称职、不称职）",
    ]


def test_a_bracket_with_share_and_override() -> None:
    data = scheme()
    data["indicators"][2] = {
        "code": "C",
        "name": "民主测评",
        "weight": 200,
        "rule": "bracket",
        "brackets": [[80, 200], [60, 180]],
        "share_of": "优秀",
        "override": {"options": ["基本称职", "不称职"], "share": "1/3", "points": 130},
    }
    leaf = rules.parse_scheme(data).leaves[3]
    assert leaf.override == rules.Override(("基本称职", "不称职"), Fraction(1, 3), D(130))
    assert leaf.brackets == ((D(80), D(200)), (D(60), D(180)))


def test_difficulty_setting() -> None:
    data = scheme()
    data["difficulty"] = True
    assert rules.parse_scheme(data).difficulty == rules.DIFFICULTY_RANGE
    data["difficulty"] = {"min": "0.9", "max": "1.3"}
    assert rules.parse_scheme(data).difficulty == (D("0.9"), D("1.3"))
    data["difficulty"] = {"min": 2, "max": 1}
    assert messages(data) == [
        '方案：难度系数 difficulty 应为 true 或 {"min": 0.8, "max": 1.2}（0 < min ≤ max）'
    ]


def test_not_a_scheme() -> None:
    assert messages([1, 2]) == ["方案应为 JSON 对象（含 name、total、indicators、grades）"]
    assert messages({"name": "空方案", "indicators": []}) == ["方案：指标 indicators 应为非空列表"]
