"""The evaluation is scored by the assessment engine: its rules become a valid scheme of the
engine's JSON contract, the total, points, derivations, grade and the 不胜任现职 veto are the
engine's output, and the rounding stays the evaluation's (the total rounded once)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from ganbu.assessment import engine
from ganbu.assessment import rules as assessment_rules
from ganbu.assessment.rules import Score
from ganbu.villagework import rules, scoring
from ganbu.villagework.tests.test_scoring import THREE_GROUPS, engine_result, rated

DEFAULTS = scoring.Rules(
    rater_groups=rules.rater_groups(),
    part_weights=rules.part_weights(),
    grade_thresholds=rules.grade_thresholds(),
)


def combine(**parts: Any) -> scoring.Combination:
    return scoring.combine(rules=DEFAULTS, **parts)


# --- the scheme -----------------------------------------------------------------------------------


def test_the_default_settings_are_a_valid_assessment_scheme() -> None:
    scheme = scoring.evaluation_scheme(DEFAULTS)
    parsed = assessment_rules.parse_scheme(scheme)
    assert scheme["name"] == "驻村干部年度考核" and scheme["scale"] == 100
    # counted in hundredths of a point: total 100 × 100, each part weight × 100
    assert parsed.total == 10000
    assert [(leaf.code, leaf.name, leaf.weight, leaf.rule) for leaf in parsed.leaves] == [
        ("ballot", "评议", 5000, "ballot"),
        ("bundled", "捆绑考核", 3000, "manual"),
        ("work", "工作实绩", 2000, "manual"),
        ("unfit", "不胜任现职预警", 0, "veto"),
    ]
    ballot, veto = parsed.leaves[0], parsed.leaves[3]
    assert ballot.groups == {"村民代表": 40, "乡镇干部": 30, "乡镇领导": 30}
    assert ballot.values == {"优秀": 100, "称职": 80, "基本称职": 60, "不称职": 0}
    assert veto.grade == "基本称职"
    # each line half a cent (× 100) below its threshold: a total that rounds to 90.00 is 优秀
    assert [(g.name, g.min_score) for g in parsed.grades] == [
        ("优秀", Decimal("8999.5")),
        ("称职", Decimal("7499.5")),
        ("基本称职", Decimal("5999.5")),
        ("不称职", 0),
    ]


def test_an_evaluations_frozen_rules_give_its_scheme_under_its_title() -> None:
    class Frozen:
        title = "甲镇2025年度驻村干部考核"
        rater_groups = [{"name": "村民代表", "weight": "1.5"}, {"name": "乡镇领导", "weight": 1}]
        part_weights = {"ballot": "33.5", "bundled": "66.5", "work": 0}
        grade_thresholds = [
            {"grade": "1", "min": "85.5"},
            {"grade": "2", "min": 70},
            {"grade": "3", "min": 0},
        ]

    scheme = scoring.evaluation_scheme(Frozen())
    parsed = assessment_rules.parse_scheme(scheme)
    assert scheme["name"] == "甲镇2025年度驻村干部考核"
    # one decimal in a part weight: thousandths of a point; no leaf for a part of weight 0
    assert scheme["scale"] == 1000 and parsed.total == 100000
    assert [(leaf.code, leaf.weight) for leaf in parsed.leaves] == [
        ("ballot", 33500),
        ("bundled", 66500),
        ("unfit", 0),
    ]
    assert parsed.leaves[0].groups == {"村民代表": Decimal("1.5"), "乡镇领导": 1}
    # a line at 0 holds every total: no 不称职 band below it
    assert [(g.name, g.min_score) for g in parsed.grades] == [
        ("优秀", 85495),
        ("称职", 69995),
        ("基本称职", 0),
    ]


@pytest.mark.parametrize(
    ("minimum", "scale", "line"),
    [
        (90, 100, "8999.5"),
        ("85.5", 100, "8549.5"),
        ("85.5", 1000, "85495"),
        ("85.555", 100, "8555.5"),
        (0, 100, "0"),
    ],
)
def test_grade_line(minimum: object, scale: int, line: str) -> None:
    assert scoring.grade_line(minimum, scale) == Decimal(line)


# --- the engine's output --------------------------------------------------------------------------


def test_the_total_points_and_derivations_are_the_engines() -> None:
    ballot = scoring.ballot_part(**engine_result(THREE_GROUPS), unfit_warning=False)
    combination = combine(ballot=ballot, bundled=Decimal("87.50"), work=Decimal("65.00"))
    scheme = scoring.evaluation_scheme(DEFAULTS)
    inputs = scoring.evaluation_inputs(scheme, ballot=ballot, bundled=Decimal("87.50"), work=Decimal("65.00"))
    unit = engine.compute(scheme, inputs)["units"][0]
    # 评议 (40 × 81.333… + 30 × 92 + 30 × 84) / 100 = 85.33 → × 50 % = 42.665; 26.25; 13.00 → 81.915
    assert unit["total"] == "8191.50" and combination.total == Decimal("81.92")
    assert combination.points == {
        "ballot": Decimal("42.665"),
        "bundled": Decimal("26.25"),
        "work": Decimal("13.00"),
    }
    assert combination.derivations == {
        code: found["derivation"] for code, found in unit["indicators"].items()
    }
    assert combination.derivations["ballot"] == (
        "村民代表 30 票平均 81.33（权重 40）；乡镇干部 10 票平均 92.00（权重 30）；乡镇领导 5 票平均 84.00（权重 30）；"
        "加权平均 85.33 × 5000 ÷ 100 = 4266.50"
    )
    assert combination.derivations["bundled"] == "评定 2625.00：捆绑 87.50 × 30%"
    assert combination.derivations["unfit"] == "无一票否决事项"
    assert combination.suggested_grade == "2" and combination.flags == [] and not combination.capped


def test_the_ballot_engines_counts_and_its_weighted_shares_give_the_same_points() -> None:
    """The engine's `ballot` rule reads the counts per group when the ballot engine shows every
    group, its weighted shares when it keeps one to them: the same mean as the evaluation's ballot
    score (Σ option points × weighted share)."""
    by_counts = scoring.ballot_part(**engine_result(THREE_GROUPS), unfit_warning=False)
    by_shares = scoring.ballot_part(**engine_result(THREE_GROUPS, shown={"村民代表"}), unfit_warning=False)
    assert by_counts.value is not None and set(by_counts.value) == set(THREE_GROUPS)
    assert by_shares.value == {
        "shares": {"优秀": "13/30", "称职": "11/25", "基本称职": "17/150", "不称职": "1/75"}
    }
    parts = {"bundled": Decimal("87.50"), "work": Decimal("65.00")}
    first, second = combine(ballot=by_counts, **parts), combine(ballot=by_shares, **parts)
    assert first.points == second.points and first.total == second.total
    assert by_counts.score == by_shares.score == Decimal("85.33") == first.points["ballot"] * 2
    assert second.derivations["ballot"].startswith(
        "加权占比 优秀 43.33%、称职 44.00%、基本称职 11.33%、不称职 1.33%"
    )


def test_a_change_of_the_engines_rule_changes_the_evaluation(monkeypatch: pytest.MonkeyPatch) -> None:
    def ballot(**kwargs: Any) -> Score:
        return Score(Decimal("1234.00"), "测试：引擎的测评规则")

    monkeypatch.setattr(assessment_rules, "ballot", ballot)
    combination = combine(ballot=rated("80.00"), bundled=Decimal("80.00"), work=Decimal("80.00"))
    # 12.34 + 24.00 + 16.00
    assert combination.total == Decimal("52.34") and combination.suggested_grade == "4"
    assert combination.derivations["ballot"] == "测试：引擎的测评规则"


def test_the_total_is_rounded_once_as_before() -> None:
    """The engine rounds each leaf to 0.01 of a scheme point = 0.0001 of a point: exact, so the
    total is Σ part weight × part score / 100 rounded once, and graded as rounded."""
    # 89.99 × 50 % = 44.995 + 27 + 18 = 89.995 → 90.00: 优秀 (rounded per part it would be 90.00 too)
    at = combine(ballot=rated("89.99"), bundled=Decimal("90.00"), work=Decimal("90.00"))
    assert at.total == Decimal("90.00") and at.suggested_grade == "1"
    # 89.98 × 50 % = 44.99 + 27 + 18 = 89.99: 称职
    below = combine(ballot=rated("89.98"), bundled=Decimal("90.00"), work=Decimal("90.00"))
    assert below.total == Decimal("89.99") and below.suggested_grade == "2"
    # 44.995 + 26.997 + 17.998 = 89.99 (rounding each part first would give 45.00 + 27.00 + 18.00)
    same = combine(ballot=rated("89.99"), bundled=Decimal("89.99"), work=Decimal("89.99"))
    assert same.total == Decimal("89.99") and same.suggested_grade == "2"
    assert same.points == {
        "ballot": Decimal("44.995"),
        "bundled": Decimal("26.997"),
        "work": Decimal("17.998"),
    }


# --- the 不胜任现职 veto -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "grade", "capped"),
    [
        ("92", "3", True),
        ("75.00", "3", True),
        ("74.99", "3", False),
        ("60.00", "3", False),
        ("59.99", "4", False),
    ],
)
def test_the_unfit_warning_is_the_engines_veto(score: str, grade: str, capped: bool) -> None:
    value = Decimal(score)
    combination = combine(ballot=rated(score, unfit_warning=True), bundled=value, work=value)
    assert combination.suggested_grade == grade and combination.capped is capped
    assert combination.flags == ["不胜任现职预警"]
    assert combination.derivations["unfit"] == "一票否决：不胜任现职预警；等次最高为「基本称职」"
    scheme = scoring.evaluation_scheme(DEFAULTS)
    inputs = scoring.evaluation_inputs(
        scheme, ballot=rated(score, unfit_warning=True), bundled=value, work=value
    )
    assert inputs["units"][0]["values"]["unfit"] == [{"reason": "不胜任现职预警"}]
    assert engine.compute(scheme, inputs)["units"][0]["vetoed"] is True


def test_without_the_warning_there_is_no_veto_event() -> None:
    scheme = scoring.evaluation_scheme(DEFAULTS)
    inputs = scoring.evaluation_inputs(scheme, ballot=rated("92"), bundled=Decimal(92), work=Decimal(92))
    assert "unfit" not in inputs["units"][0]["values"]
    assert combine(ballot=rated("92"), bundled=Decimal(92), work=Decimal(92)).suggested_grade == "1"
