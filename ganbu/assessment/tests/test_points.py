"""Each rule type at its boundaries, on hand-computed numbers (rules.points)."""

from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError

from ganbu.assessment import rules
from ganbu.assessment.rules import Event, Override, Score

# --- completion -----------------------------------------------------------------------------------


def test_completion_is_the_rate_times_the_weight() -> None:
    score = rules.completion(weight=D(600), actual=D(850), target=D(1000))
    assert score == Score(D("510.00"), "完成 850 / 目标 1000 × 600 = 510.00")


def test_completion_is_capped_at_the_default_cap_of_one() -> None:
    assert rules.completion(weight=D(600), actual=D(1000), target=D(1000)).points == D("600.00")
    over = rules.completion(weight=D(600), actual=D("1000.01"), target=D(1000))
    assert over.points == D("600.00")
    assert over.derivation == "完成 1000.01 / 目标 1000，超过上限 1，按 1 × 600 = 600.00"


def test_completion_cap_above_one() -> None:
    # 1150 / 1000 = 1.15 < 1.2: 1.15 × 200 = 230; 1300 / 1000 = 1.3 > 1.2: 1.2 × 200 = 240
    assert rules.completion(weight=D(200), actual=D(1150), target=D(1000), cap=D("1.2")).points == D("230.00")
    assert rules.completion(weight=D(200), actual=D(1200), target=D(1000), cap=D("1.2")).points == D("240.00")
    assert rules.completion(weight=D(200), actual=D(1300), target=D(1000), cap=D("1.2")).points == D("240.00")


def test_completion_rounds_half_up_once() -> None:
    # 1 / 3 × 200 = 66.666… → 66.67; 1 / 8 × 1 = 0.125 → 0.13 (half up, not 0.12 to even)
    assert rules.completion(weight=D(200), actual=D(1), target=D(3)).points == D("66.67")
    assert rules.completion(weight=D(1), actual=D(1), target=D(8)).points == D("0.13")


def test_completion_refuses_a_target_of_zero() -> None:
    with pytest.raises(ValidationError) as caught:
        rules.completion(weight=D(600), actual=D(850), target=D(0))
    assert caught.value.messages == ["目标值为 0，无法计算完成率（目标值应大于 0）"]


def test_completion_below_zero_counts_zero() -> None:
    score = rules.completion(weight=D(100), actual=D(-5), target=D(100))
    assert score.points == D("0.00")
    assert score.derivation == "完成 -5 / 目标 100 小于 0，按 0 计 = 0.00"


# --- ratio to the top -----------------------------------------------------------------------------


def test_ratio_to_top() -> None:
    assert rules.ratio_to_top(weight=D(300), value=D(80), top=D(120)) == Score(
        D("200.00"), "80 / 同类最高 120 × 300 = 200.00"
    )
    assert rules.ratio_to_top(weight=D(300), value=D(120), top=D(120)).points == D("300.00")
    # 2332 / 8000 × 150 = 43.725 → 43.73 (half up)
    assert rules.ratio_to_top(weight=D(150), value=D(2332), top=D(8000)).points == D("43.73")


def test_ratio_to_top_when_all_are_zero() -> None:
    assert rules.ratio_to_top(weight=D(300), value=D(0), top=D(0)) == Score(
        D("0.00"), "0，同类最高值为 0，得 0.00"
    )


def test_ratio_to_top_refuses_a_negative_value() -> None:
    with pytest.raises(ValidationError):
        rules.ratio_to_top(weight=D(300), value=D(-1), top=D(10))


# --- rank_linear ----------------------------------------------------------------------------------


def test_rank_linear_from_top_to_bottom() -> None:
    # 5 units, top 100, bottom 40: 100 − 60 × (r − 1) / 4 → 100, 85, 70, 55, 40
    points = [rules.rank_linear(rank=r, count=5, top=D(100), bottom=D(40)).points for r in range(1, 6)]
    assert points == [D("100.00"), D("85.00"), D("70.00"), D("55.00"), D("40.00")]
    assert rules.rank_linear(rank=2, count=5, top=D(100), bottom=D(40), value=D(95)).derivation == (
        "95，同类 5 个单位中第 2 名：100 − (100 − 40) × (2 − 1) ÷ (5 − 1) = 85.00"
    )


def test_rank_linear_rounds_the_exact_line() -> None:
    # 4 units, top 100, bottom 0: rank 2 → 100 − 100/3 = 66.666… → 66.67
    assert rules.rank_linear(rank=2, count=4, top=D(100), bottom=D(0)).points == D("66.67")


def test_rank_linear_lone_participant_gets_top() -> None:
    score = rules.rank_linear(rank=1, count=1, top=D(150), bottom=D(90))
    assert score == Score(D("150.00"), "同类仅 1 个单位，得 150.00")


def test_rank_linear_ties_share_the_better_rank() -> None:
    # values 95, 88, 95, 70 → ranks 1, 3, 1, 4
    assert rules.value_ranks([D(95), D(88), D(95), D(70)]) == [1, 3, 1, 4]


# --- rank_step ------------------------------------------------------------------------------------


def test_rank_step_is_the_mean_over_raters() -> None:
    # step 0.1 of 200 = 20 per rank: ranks 1, 3, 2 → 200, 160, 180 → 540 / 3 = 180
    score = rules.rank_step(weight=D(200), ranks=[1, 3, 2], step=D("0.1"))
    assert score == Score(
        D("180.00"), "名次 1、2、3（每低一名减 20）→ 200、180、160；平均 = (200 + 180 + 160) ÷ 3 = 180.00"
    )


def test_rank_step_mean_is_rounded_once() -> None:
    # step 0.1 of 100: ranks 1, 1, 2 → 100 + 100 + 90 = 290 / 3 = 96.666… → 96.67
    assert rules.rank_step(weight=D(100), ranks=[1, 1, 2], step=D("0.1")).points == D("96.67")


def test_rank_step_floors_each_rank_at_zero() -> None:
    # step 0.3: rank 4 → 1 − 0.9 = 0.1 × 100 = 10; rank 5 → 1 − 1.2 < 0 → 0 (not −20)
    assert rules.rank_step(weight=D(100), ranks=[4], step=D("0.3")).points == D("10.00")
    assert rules.rank_step(weight=D(100), ranks=[5], step=D("0.3")).points == D("0.00")
    # mean of 100 and 0 (not of 100 and −20)
    assert rules.rank_step(weight=D(100), ranks=[1, 5], step=D("0.3")).points == D("50.00")


# --- bracket --------------------------------------------------------------------------------------

TABLE = ((D(80), D(200)), (D(60), D(180)), (D(40), D(160)))


def test_bracket_first_match_from_the_top() -> None:
    assert rules.bracket(brackets=TABLE, value=D(95)) == Score(D("200.00"), "95 ≥ 80 → 200.00")
    assert rules.bracket(brackets=TABLE, value=D(80)).points == D("200.00")  # at the bound
    assert rules.bracket(brackets=TABLE, value=D("79.99")).points == D("180.00")  # just below
    assert rules.bracket(brackets=TABLE, value=D(40)).points == D("160.00")


def test_bracket_below_every_row_gives_zero() -> None:
    assert rules.bracket(brackets=TABLE, value=D("39.9")) == Score(D("0.00"), "39.9，低于最低档 40 → 0.00")


def rating(excellent: int, competent: int, basic: int, unfit: int) -> dict[str, int]:
    return {"优秀": excellent, "称职": competent, "基本称职": basic, "不称职": unfit}


def test_bracket_on_the_share_of_an_option_adds_groups_unweighted() -> None:
    # 优秀 40 + 8 = 48 of 50 + 10 = 60 → 80 % exactly → the 80 row
    counts = {"干部": rating(40, 8, 2, 0), "领导": rating(8, 2, 0, 0)}
    score = rules.bracket(brackets=TABLE, counts=counts, share_of="优秀")
    assert score == Score(D("200.00"), "优秀票 48 / 60 = 80.00% ≥ 80% → 200.00")
    # 47 / 60 = 78.33 % → the 60 row
    counts = {"干部": rating(39, 9, 2, 0), "领导": rating(8, 2, 0, 0)}
    assert rules.bracket(brackets=TABLE, counts=counts, share_of="优秀").points == D("180.00")


def test_bracket_compares_the_exact_share() -> None:
    # 2 / 3 = 66.666… %: reaches 66.66, not 66.67 (the shown 66.67 % is rounded)
    table = ((D("66.67"), D(100)), (D("66.66"), D(90)))
    counts = {"全体": {"优秀": 2, "称职": 1}}
    assert rules.bracket(brackets=table, counts=counts, share_of="优秀").points == D("90.00")


OVERRIDE = Override(options=("基本称职", "不称职"), share=Fraction(1, 3), points=D(130))


def test_bracket_override_applies_at_exactly_one_third() -> None:
    # 基本称职 15 + 不称职 5 = 20 of 60 = 1/3 → 130 (the table would give 优秀 40/60 = 66.67 % → 180)
    counts = {"干部": rating(30, 0, 15, 0), "领导": rating(10, 0, 0, 5)}
    score = rules.bracket(brackets=TABLE, counts=counts, share_of="优秀", override=OVERRIDE)
    assert score == Score(D("130.00"), "基本称职和不称职票 20 / 60，达到 1/3 → 130.00")


def test_bracket_override_does_not_apply_just_below_one_third() -> None:
    # 19 of 60 < 1/3 → the table: 优秀 41 / 60 = 68.33 % → 180
    counts = {"干部": rating(31, 0, 14, 0), "领导": rating(10, 0, 0, 5)}
    score = rules.bracket(brackets=TABLE, counts=counts, share_of="优秀", override=OVERRIDE)
    assert score.points == D("180.00")


def test_bracket_refuses_counts_without_ballots() -> None:
    with pytest.raises(ValidationError):
        rules.bracket(brackets=TABLE, counts={"干部": rating(0, 0, 0, 0)}, share_of="优秀")


# --- deduct ---------------------------------------------------------------------------------------


def test_deduct_lists_each_deduction() -> None:
    events = [Event(points=D(5), reason="审计发现违规", date="2024-03-01"), Event(points=D("2.5"))]
    score = rules.deduct(weight=D(100), events=events)
    assert score == Score(D("92.50"), "100 − 5（2024-03-01 审计发现违规） − 2.5 = 92.50")


def test_deduct_without_events_gives_the_weight() -> None:
    assert rules.deduct(weight=D(100), events=[]) == Score(D("100.00"), "无扣分，得 100.00")


def test_deduct_floors_at_zero() -> None:
    assert rules.deduct(weight=D(100), events=[Event(points=D(100))]).points == D("0.00")
    score = rules.deduct(weight=D(100), events=[Event(points=D(60)), Event(points=D(50))])
    assert score == Score(D("0.00"), "100 − 60 − 50 = -10，按 0 计 = 0.00")


# --- bonus ----------------------------------------------------------------------------------------

LEVELS = {"国家级": D(30), "省级": D(20), "市级": D(10)}


def test_bonus_adds_points_per_level() -> None:
    events = [Event(level="省级", reason="全省先进"), Event(level="市级")]
    assert rules.bonus(events=events, levels=LEVELS, cap=D(40)) == Score(
        D("30.00"), "省级 20（全省先进） + 市级 10 = 30.00"
    )


def test_bonus_is_capped() -> None:
    events = [Event(level="省级"), Event(level="市级")]
    assert rules.bonus(events=events, levels=LEVELS, cap=D(30)).points == D("30.00")  # at the cap
    events.append(Event(level="市级"))
    score = rules.bonus(events=events, levels=LEVELS, cap=D(30))
    assert score == Score(D("30.00"), "省级 20 + 市级 10 + 市级 10 = 40，超过上限 30 → 30.00")


def test_bonus_refuses_an_unknown_level() -> None:
    with pytest.raises(ValidationError) as caught:
        rules.bonus(events=[Event(level="县级")], levels=LEVELS, cap=D(30))
    assert caught.value.messages == ["加分级别「县级」不在方案中（可选：国家级、省级、市级）"]


# --- ballot and satisfaction ----------------------------------------------------------------------

GROUPS = {"干部群众": D(60), "县领导": D(40)}


def test_ballot_weights_the_group_means() -> None:
    # 干部群众: (30×100 + 15×80 + 5×60) / 50 = 90; 县领导: (6×100 + 4×80) / 10 = 92
    # (60 × 90 + 40 × 92) / 100 = 90.80; × 200 ÷ 100 = 181.60
    counts = {"干部群众": rating(30, 15, 5, 0), "县领导": rating(6, 4, 0, 0)}
    score = rules.ballot(weight=D(200), counts=counts, groups=GROUPS)
    assert score == Score(
        D("181.60"),
        "干部群众 50 票平均 90.00（权重 60）；县领导 10 票平均 92.00（权重 40）；加权平均 90.80 × 200 ÷ 100 = 181.60",
    )


def test_ballot_uses_the_default_values_including_unfit_40() -> None:
    # one group: (1×100 + 1×80 + 1×60 + 1×40) / 4 = 70 → × 100 ÷ 100 = 70
    score = rules.ballot(weight=D(100), counts={"干部群众": rating(1, 1, 1, 1)}, groups=GROUPS)
    assert score.points == D("70.00")


def test_ballot_rounds_the_weighted_mean_as_shown() -> None:
    # 干部群众: (25×100 + 20×80 + 4×60) / 49 = 88.5714…; 县领导: (7×100 + 2×80 + 60) / 10 = 92
    # (60 × 88.5714… + 40 × 92) / 100 = 89.942857… → 89.94 → × 100 ÷ 100 = 89.94
    counts = {"干部群众": rating(25, 20, 4, 0), "县领导": rating(7, 2, 1, 0)}
    score = rules.ballot(weight=D(100), counts=counts, groups=GROUPS)
    assert score.points == D("89.94")
    assert "干部群众 49 票平均 88.57（权重 60）" in score.derivation


def test_ballot_leaves_out_a_group_without_ballots() -> None:
    # only 县领导 voted: mean 92 → × 100 ÷ 100
    counts = {"干部群众": rating(0, 0, 0, 0), "县领导": rating(6, 4, 0, 0)}
    score = rules.ballot(weight=D(100), counts=counts, groups=GROUPS)
    assert score.points == D("92.00")
    assert score.derivation.startswith("干部群众无有效票，不计；")


def test_ballot_refuses_unknown_groups_and_options_and_no_ballots() -> None:
    with pytest.raises(ValidationError) as caught:
        rules.ballot(weight=D(100), counts={"村民": {"优秀": 1}, "县领导": {"良好": 2}}, groups=GROUPS)
    assert caught.value.messages == [
        "评议人类别「村民」不在方案中（可选：干部群众、县领导）",
        "选项「良好」不在方案中（可选：优秀、称职、基本称职、不称职）",
    ]
    with pytest.raises(ValidationError):
        rules.ballot(weight=D(100), counts={}, groups=GROUPS)


def test_ballot_from_weighted_shares_is_the_same_mean() -> None:
    # the ballot engine's weighted shares of the counts above: 优秀 (60 × 30/50 + 40 × 6/10) / 100
    # = 0.6, 称职 (60 × 15/50 + 40 × 4/10) / 100 = 0.34, 基本称职 60 × 5/50 / 100 = 0.06
    # → 100 × 0.6 + 80 × 0.34 + 60 × 0.06 = 90.80, as from the counts; × 200 ÷ 100 = 181.60
    shares = {
        "优秀": Fraction(3, 5),
        "称职": Fraction(17, 50),
        "基本称职": Fraction(3, 50),
        "不称职": Fraction(0),
    }
    score = rules.ballot_shares(weight=D(200), shares=shares)
    assert score == Score(
        D("181.60"),
        "加权占比 优秀 60.00%、称职 34.00%、基本称职 6.00%、不称职 0.00%（各评议人类别按权重合并）；"
        "加权平均 90.80 × 200 ÷ 100 = 181.60",
    )


def test_ballot_from_weighted_shares_rounds_the_mean_as_shown_and_leaves_blanks_without_points() -> None:
    # 100 × 1/3 + 80 × 1/3 = 60 exactly; with 称职 2/7 instead: 33.333… + 22.857… = 56.190… → 56.19
    # (the rest of the ballots marked no option: no points) → × 50 ÷ 100 = 28.095 → 28.10
    shares = {"优秀": Fraction(1, 3), "称职": Fraction(2, 7)}
    score = rules.ballot_shares(weight=D(50), shares=shares)
    assert score.points == D("28.10")
    assert score.derivation.endswith("加权平均 56.19 × 50 ÷ 100 = 28.10")


def test_ballot_from_weighted_shares_refuses_what_is_no_share() -> None:
    for shares, message in (
        ({"良好": Fraction(1)}, "选项「良好」不在方案中（可选：优秀、称职、基本称职、不称职）"),
        ({"优秀": Fraction(3, 2)}, "选项「优秀」的加权占比应在 0 到 1 之间"),
        ({"优秀": Fraction(2, 3), "称职": Fraction(1, 2)}, "各选项加权占比合计 116.67%，超过 100%"),
        ({"优秀": Fraction(0)}, "没有有效票"),
    ):
        with pytest.raises(ValidationError) as caught:
            rules.ballot_shares(weight=D(100), shares=shares)
        assert caught.value.messages == [message]
    # exactly 100 % is fine
    assert rules.ballot_shares(
        weight=D(100), shares={"优秀": Fraction(1, 3), "称职": Fraction(2, 3)}
    ).points == D("86.67")


def test_satisfaction_values() -> None:
    # (2×100 + 1×80 + 1×60 + 1×30 + 1×0) / 6 = 370 / 6 = 61.666… → 61.67 → × 50 ÷ 100 = 30.835 → 30.84
    counts = {"群众": {"很满意": 2, "满意": 1, "基本满意": 1, "不太满意": 1, "不满意": 1}}
    score = rules.satisfaction(weight=D(50), counts=counts, groups={"群众": D(1)})
    assert score.points == D("30.84")
    assert score.derivation.endswith("加权平均 61.67 × 50 ÷ 100 = 30.84")


# --- manual, veto, difficulty ---------------------------------------------------------------------


def test_manual_within_zero_and_the_weight() -> None:
    assert rules.manual(weight=D(80), points=D(0)).points == D("0.00")
    assert rules.manual(weight=D(80), points=D(80), note="四看：显绩潜绩俱佳") == Score(
        D("80.00"), "评定 80.00：四看：显绩潜绩俱佳"
    )
    for bad in (D("80.01"), D("-0.01"), D("12.345")):
        with pytest.raises(ValidationError):
            rules.manual(weight=D(80), points=bad)


def test_veto_records_the_reasons() -> None:
    score = rules.veto(events=[Event(reason="重大安全事故", date="2024-05-01")], grade="一般")
    assert score == Score(
        D("0.00"),
        "一票否决：重大安全事故（2024-05-01）；等次最高为「一般」",
        vetoes=("重大安全事故（2024-05-01）",),
    )
    assert rules.veto(events=[], grade="一般") == Score(D("0.00"), "无一票否决事项")


def test_difficulty_scales_the_rounded_points() -> None:
    # 700 / 900 × 200 = 155.555… → 155.56; × 1.1 = 171.116 → 171.12
    base = rules.completion(weight=D(200), actual=D(700), target=D(900))
    score = rules.difficulty(base, D("1.1"))
    assert score == Score(D("171.12"), "完成 700 / 目标 900 × 200 = 155.56；× 难度系数 1.1 = 171.12")
    assert rules.difficulty(base, D("0.8")).points == D("124.45")  # 155.56 × 0.8 = 124.448
