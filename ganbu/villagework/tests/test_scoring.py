"""The evaluation arithmetic (villagework.scoring) on hand-computed examples."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from ganbu.villagework import scoring

THRESHOLDS = [{"grade": "1", "min": 90}, {"grade": "2", "min": 75}, {"grade": "3", "min": 60}]
WEIGHTS = {"ballot": 50, "bundled": 30, "work": 20}
ITEMS = [
    {"name": "村级创业承诺", "weight": 25},
    {"name": "村务财务党务公开", "weight": 25},
    {"name": "社会治安综合治理", "weight": 25},
    {"name": "村级组织建设", "weight": 25},
]


Counts = tuple[int, int, int, int]  # 优秀, 称职, 基本称职, 不称职
OPTIONS = ("优秀", "称职", "基本称职", "不称职")


def engine_result(groups: dict[str, tuple[int, Counts]], *, shown: set[str] | None = None) -> dict[str, Any]:
    """What the ballot engine's SubjectResult carries for one subject, from (weight, counts) per
    group: the shares of each group it shows, the weighted shares over the groups that returned
    valid ballots (Σ weight × count / valid ÷ Σ weight) and, when it shows every group, the counts
    per group. The scoring consumes these as given."""
    group_shares = {}
    weighted = dict.fromkeys(OPTIONS, Fraction(0))
    weights = 0
    for name, (weight, counts) in groups.items():
        valid = sum(counts)
        if shown is None or name in shown:
            group_shares[name] = {
                o: Fraction(n, valid) if valid else None for o, n in zip(OPTIONS, counts, strict=True)
            }
        if valid:
            weights += weight
            for option, n in zip(OPTIONS, counts, strict=True):
                weighted[option] += Fraction(weight * n, valid)
    shares = {o: weighted[o] / weights if weights else None for o in OPTIONS}
    result: dict[str, Any] = {"shares": shares, "group_shares": group_shares}
    if shown is None:  # every group broken out: its counts per group are complete
        result["counts"] = {name: dict(zip(OPTIONS, c, strict=True)) for name, (_w, c) in groups.items()}
    return result


THREE_GROUPS: dict[str, tuple[int, Counts]] = {
    # (1000 + 1200 + 240 + 0) / 30 = 81.333…
    "村民代表": (40, (10, 15, 4, 1)),
    # (600 + 320) / 10 = 92
    "乡镇干部": (30, (6, 4, 0, 0)),
    # (200 + 160 + 60) / 5 = 84
    "乡镇领导": (30, (2, 2, 1, 0)),
}


# --- ballot ----------------------------------------------------------------------------------------


def test_ballot_score_is_the_weighted_mean_of_group_scores() -> None:
    part = scoring.ballot_part(**engine_result(THREE_GROUPS), unfit_warning=False)
    # Σ points × weighted share = (40 × 81.333… + 30 × 92 + 30 × 84) / 100 = 85.333…
    assert part.score == Decimal("85.33")
    assert part.group_scores == {
        "村民代表": Decimal("81.33"),
        "乡镇干部": Decimal("92.00"),
        "乡镇领导": Decimal("84.00"),
    }
    # 不称职: 40 × 1/30 / 100 = 1.333 %
    assert part.unfit_share == Decimal("1.33")
    assert part.unfit_warning is False


def test_a_group_without_valid_ballots_is_left_out_of_the_weights() -> None:
    groups = {**THREE_GROUPS, "乡镇领导": (30, (0, 0, 0, 0))}
    part = scoring.ballot_part(**engine_result(groups), unfit_warning=False)
    # (40 × 81.333… + 30 × 92) / 70 = 85.9047…
    assert part.score == Decimal("85.90")
    assert part.group_scores["乡镇领导"] is None


def test_a_group_the_engine_does_not_show_counts_but_has_no_score_of_its_own() -> None:
    result = engine_result(THREE_GROUPS, shown={"村民代表", "乡镇干部"})
    part = scoring.ballot_part(**result, unfit_warning=False)
    assert part.score == Decimal("85.33")  # the same: the weighted shares count every group
    assert set(part.group_scores) == {"村民代表", "乡镇干部"}


def test_no_valid_ballot_at_all_gives_no_score() -> None:
    part = scoring.ballot_part(**engine_result({"村民代表": (40, (0, 0, 0, 0))}), unfit_warning=True)
    assert part.score is None and part.unfit_warning is False


def test_the_unfit_share_is_the_engines_weighted_share_and_the_warning_is_the_engines() -> None:
    # weights 1:1, 不称职 6/10 and 0/10 → exactly 30 %
    at = engine_result({"甲": (1, (2, 2, 0, 6)), "乙": (1, (10, 0, 0, 0))})
    assert scoring.ballot_part(**at, unfit_warning=True).unfit_share == Decimal("30.00")
    assert scoring.ballot_part(**at, unfit_warning=True).unfit_warning is True
    below = engine_result({"甲": (1, (2, 3, 0, 5)), "乙": (1, (10, 0, 0, 0))})
    assert scoring.ballot_part(**below, unfit_warning=False).unfit_share == Decimal("25.00")
    # never a threshold of its own: the engine's flag is passed on as it is
    assert scoring.ballot_part(**below, unfit_warning=True).unfit_warning is True
    assert scoring.ballot_part(**at, unfit_warning=False).unfit_warning is False


def test_rounding_is_half_up_from_exact_fractions() -> None:
    assert scoring.q2(Fraction(80005, 1000)) == Decimal("80.01")  # 80.005
    assert scoring.q2(Fraction(1, 3) * 100) == Decimal("33.33")
    assert scoring.q2(Fraction(2, 3) * 100) == Decimal("66.67")
    assert scoring.q2(Decimal("2.675")) == Decimal("2.68")


# --- bundled ---------------------------------------------------------------------------------------


def test_bundled_score_with_equal_weights() -> None:
    scores = {"村级创业承诺": 90, "村务财务党务公开": "85", "社会治安综合治理": "80", "村级组织建设": 95}
    assert scoring.bundled_score(ITEMS, scores) == Decimal("87.50")


def test_bundled_score_with_unequal_weights() -> None:
    items = [{"name": "甲", "weight": 1}, {"name": "乙", "weight": 2}]
    # (80 + 2 × 85) / 3 = 83.333…
    assert scoring.bundled_score(items, {"甲": 80, "乙": 85}) == Decimal("83.33")
    # (80.01 + 80.00) / 2 = 80.005 → 80.01 (half up, not to even)
    items = [{"name": "甲", "weight": "1.5"}, {"name": "乙", "weight": "1.5"}]
    assert scoring.bundled_score(items, {"甲": "80.01", "乙": "80"}) == Decimal("80.01")


@pytest.mark.parametrize(
    ("scores", "fragment"),
    [
        ({"村级创业承诺": 90, "村务财务党务公开": 85, "社会治安综合治理": 80}, "请填写「村级组织建设」"),
        (
            {"村级创业承诺": 101, "村务财务党务公开": 85, "社会治安综合治理": 80, "村级组织建设": 1},
            "「村级创业承诺」的得分应为0到100",
        ),
        (
            {"村级创业承诺": "九十", "村务财务党务公开": 85, "社会治安综合治理": 80, "村级组织建设": 1},
            "「村级创业承诺」",
        ),
        ({"村级创业承诺": "-1", "村务财务党务公开": 85, "社会治安综合治理": 80, "村级组织建设": 1}, "0到100"),
        (
            {"村级创业承诺": "90.123", "村务财务党务公开": 85, "社会治安综合治理": 80, "村级组织建设": 1},
            "两位小数",
        ),
        (
            {"村级创业承诺": 9, "村务财务党务公开": 8, "社会治安综合治理": 8, "村级组织建设": 1, "招商": 5},
            "「招商」不是",
        ),
    ],
)
def test_bundled_scores_are_checked_item_by_item(scores: dict[str, object], fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        scoring.clean_bundled_scores(ITEMS, scores)
    assert any(fragment in m for m in info.value.messages), info.value.messages


# --- work ------------------------------------------------------------------------------------------


def test_work_score_formula() -> None:
    # 50 % × 80 + 30 % × 50 + 20 % × 3/4 = 40 + 15 + 15
    part = scoring.work_part(
        coverage=Decimal("80.00"), quota_rate=Decimal("50.00"), requests_raised=4, requests_resolved=3
    )
    assert part.score == Decimal("70.00")
    assert part.components == {
        "coverage": Decimal("80.00"),
        "quota": Decimal("50.00"),
        "resolution": Decimal("75.00"),
    }


def test_work_score_caps_and_no_requests() -> None:
    part = scoring.work_part(
        coverage=Decimal("120"), quota_rate=Decimal("100"), requests_raised=0, requests_resolved=0
    )
    assert part.score == Decimal("100.00")
    # 0.5 × 66.67 + 0.3 × 57.14 + 0.2 × 66.666… = 33.335 + 17.142 + 13.333… = 63.8103…
    part = scoring.work_part(
        coverage=Decimal("66.67"), quota_rate=Decimal("57.14"), requests_raised=3, requests_resolved=2
    )
    assert part.score == Decimal("63.81")
    empty = scoring.work_part(coverage=None, quota_rate=Decimal(0), requests_raised=2, requests_resolved=0)
    assert empty.score == Decimal("0.00")


# --- combination -----------------------------------------------------------------------------------


def rules_with(weights: dict[str, Any], thresholds: list[dict[str, Any]] = THRESHOLDS) -> scoring.Rules:
    return scoring.Rules(rater_groups=RATER_GROUPS, part_weights=weights, grade_thresholds=thresholds)


RATER_GROUPS = [{"name": name, "weight": weight} for name, (weight, _counts) in THREE_GROUPS.items()]
RULES = rules_with(WEIGHTS)


def rated(score: str, *, unfit_warning: bool = False) -> scoring.BallotPart:
    """A ballot part whose weighted mean is exactly `score`: the ballot engine's result of one rater
    group voting 优秀 (100) and 不称职 (0) in the proportion score : 100 − score."""
    hundredths = int(Decimal(score) * 100)
    counts = {"村民代表": (40, (hundredths, 0, 0, 10000 - hundredths))}
    return scoring.ballot_part(**engine_result(counts), unfit_warning=unfit_warning)


def test_total_and_explanation() -> None:
    combination = scoring.combine(
        rules=RULES, ballot=rated("86.40"), bundled=Decimal("90.00"), work=Decimal("75.50")
    )
    # 43.20 + 27.00 + 15.10
    assert combination.total == Decimal("85.30")
    assert combination.suggested_grade == "2"
    assert combination.explain() == "评议 86.40 × 50% + 捆绑 90.00 × 30% + 实绩 75.50 × 20% = 85.30"


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        ("90.00", "1"),
        ("89.99", "2"),
        ("75.00", "2"),
        ("74.99", "3"),
        ("60.00", "3"),
        ("59.99", "4"),
        ("0", "4"),
    ],
)
def test_grade_boundaries_are_inclusive(score: str, grade: str) -> None:
    value = Decimal(score)
    combination = scoring.combine(rules=RULES, ballot=rated(score), bundled=value, work=value)
    assert combination.total == value.quantize(Decimal("0.01"))
    assert combination.suggested_grade == grade


def test_decimal_thresholds_and_part_weights() -> None:
    thresholds: list[dict[str, Any]] = [
        {"grade": "1", "min": "85.5"},
        {"grade": "2", "min": 70},
        {"grade": "3", "min": 55},
    ]
    combination = scoring.combine(
        rules=rules_with({"ballot": "33.5", "bundled": "33.5", "work": 33}, thresholds),
        ballot=rated("85.50"),
        bundled=Decimal("85.50"),
        work=Decimal("85.50"),
    )
    assert combination.total == Decimal("85.50") and combination.suggested_grade == "1"
    assert combination.explain().startswith("评议 85.50 × 33.5% + ")


def test_a_zero_weight_part_may_be_missing() -> None:
    combination = scoring.combine(
        rules=rules_with({"ballot": 70, "bundled": 30, "work": 0}),
        ballot=rated("80.00"),
        bundled=Decimal("90.00"),
        work=None,
    )
    # 56 + 27
    assert combination.total == Decimal("83.00")
    assert combination.explain() == "评议 80.00 × 70% + 捆绑 90.00 × 30% = 83.00"
    with pytest.raises(ValueError, match="work"):
        scoring.combine(rules=RULES, ballot=rated("80"), bundled=Decimal(90), work=None)


def test_unfit_warning_caps_the_suggestion_at_basic() -> None:
    high = Decimal("92")
    capped = scoring.combine(rules=RULES, ballot=rated("92", unfit_warning=True), bundled=high, work=high)
    assert capped.suggested_grade == "3" and capped.capped is True
    assert capped.flags == ["不胜任现职预警"]
    low = Decimal("50")
    below = scoring.combine(rules=RULES, ballot=rated("50", unfit_warning=True), bundled=low, work=low)
    assert below.suggested_grade == "4" and below.capped is False
