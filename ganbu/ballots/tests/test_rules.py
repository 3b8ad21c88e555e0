"""The counting rules at their boundaries, as pure functions and through a whole session."""

from __future__ import annotations

from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError

from ganbu.ballots import rules, selectors, services
from ganbu.ballots.results import Result
from ganbu.ballots.tests.factories import (
    approval_session,
    close,
    issue,
    nominees,
    open_,
    rating_session,
    recommendation_session,
)
from ganbu.testing.world import World


def test_decision_passes_only_with_more_than_half_of_expected() -> None:
    assert rules.decision_passes(6, 11)
    assert not rules.decision_passes(5, 11)
    assert not rules.decision_passes(5, 10)
    assert rules.decision_passes(6, 10)


def test_quorum_is_two_thirds_of_expected() -> None:
    assert rules.quorum_met(8, 11)  # 24 >= 22
    assert not rules.quorum_met(7, 11)  # 21 < 22
    assert rules.quorum_met(6, 9)
    assert not rules.quorum_met(5, 9)


def test_consultation_drops_on_more_than_half_disagreeing() -> None:
    assert not rules.consultation_drops(10, 20)
    assert rules.consultation_drops(11, 20)
    assert not rules.consultation_drops(5, 11)
    assert rules.consultation_drops(6, 11)


def test_thirty_percent_thresholds() -> None:
    assert rules.unfit_warning(Fraction(3, 10), rules.UNFIT_WARNING_PERCENT)
    assert not rules.unfit_warning(Fraction(299, 1000), rules.UNFIT_WARNING_PERCENT)
    assert rules.second_round_needed(Fraction(299, 1000), rules.SECOND_ROUND_PERCENT)
    assert not rules.second_round_needed(Fraction(3, 10), rules.SECOND_ROUND_PERCENT)
    assert not rules.second_round_needed(None, rules.SECOND_ROUND_PERCENT)


def test_percent_rounds_half_up_from_integers() -> None:
    assert rules.percent(Fraction(6, 11)) == "54.55"
    assert rules.percent(Fraction(1, 8)) == "12.50"
    assert rules.percent(Fraction(1, 3)) == "33.33"
    assert rules.percent(Fraction(2, 3)) == "66.67"
    assert rules.percent(Fraction(1, 1)) == "100.00"
    assert rules.percent(None) == ""


def test_weighted_share_ignores_groups_without_ballots() -> None:
    assert rules.weighted_share([(4, 3, 10), (3, 1, 5), (3, 0, 0)]) == Fraction(4 * 3, 10 * 7) + Fraction(
        3, 5 * 7
    )
    assert rules.weighted_share([(1, 0, 0)]) is None


# --- through sessions -------------------------------------------------------------------------

pytestmark = pytest.mark.django_db


def _decision(world: World, *, expected: int, agree: int, present: int | None = None) -> bool:
    session = approval_session(world.county, expected=expected, subjects=["张三"])
    codes = issue(session, expected)
    open_(session, 常委=present if present is not None else expected)
    for i, code in enumerate(codes[: present if present is not None else expected]):
        services.ballot_cast(code=code, answers={"张三": "同意" if i < agree else "不同意"})
    close(session)
    result = selectors.session_result(session)
    passed = result.subjects[0].passed
    assert passed is not None
    return passed


def test_standing_committee_of_11_passes_with_6_and_fails_with_5(world: World) -> None:
    assert _decision(world, expected=11, agree=6) is True
    assert _decision(world, expected=11, agree=5) is False


def test_committee_of_10_fails_with_5_of_10(world: World) -> None:
    assert _decision(world, expected=10, agree=5) is False


def test_counts_against_expected_not_present(world: World) -> None:
    # 8 of 11 present (quorum met), 5 agree: 5 of 8 present is a majority, but not of the 11 members
    assert _decision(world, expected=11, agree=5, present=8) is False
    assert _decision(world, expected=11, agree=6, present=8) is True


def test_opening_a_decision_with_present_below_two_thirds_is_refused(world: World) -> None:
    session = approval_session(world.county, expected=11)
    with pytest.raises(ValidationError) as caught:
        open_(session, 常委=7)
    assert caught.value.code == "quorum_not_met"
    assert "三分之二" in caught.value.messages[0]
    session.refresh_from_db()
    assert session.status == "draft"
    open_(session, 常委=8)


def test_result_is_invalid_when_present_drops_below_two_thirds(world: World) -> None:
    session = approval_session(world.county, expected=11, subjects=["张三"])
    codes = issue(session, 11)
    open_(session)
    for code in codes[:7]:
        services.ballot_cast(code=code, answers={"张三": "同意"})
    close(session)
    result = selectors.session_result(session)  # present not entered: counted as the 7 returned
    assert result.quorum_met is False and result.valid is False
    assert result.subjects[0].passed is False


@pytest.mark.parametrize(("disagree", "dropped"), [(10, False), (11, True)])
def test_consultation_keeps_at_exactly_half_and_drops_one_more(
    world: World, disagree: int, dropped: bool
) -> None:
    session = approval_session(world.county, expected=20, rule="consultation", subjects=["张三"])
    codes = issue(session, 20)
    open_(session)
    for i, code in enumerate(codes):
        services.ballot_cast(code=code, answers={"张三": "不同意" if i < disagree else "同意"})
    close(session)
    result = selectors.session_result(session)
    assert result.denominator == 20 and result.denominator_basis == "expected"
    assert result.subjects[0].dropped is dropped


def test_consultation_can_count_against_present(world: World) -> None:
    session = approval_session(
        world.county, expected=20, rule="consultation", subjects=["张三"], denominator="present"
    )
    codes = issue(session, 20)
    open_(session, 常委=16)
    for i, code in enumerate(codes[:16]):
        services.ballot_cast(code=code, answers={"张三": "不同意" if i < 9 else "同意"})
    close(session)
    result = selectors.session_result(session)
    assert (result.denominator, result.denominator_basis) == (16, "present")
    assert result.subjects[0].dropped is True  # 9 × 2 > 16 (but 9 × 2 ≤ 20)


def test_recommendation_with_n_plus_one_choices_is_invalid(world: World) -> None:
    session = recommendation_session(world.county, max_choices=2)
    code = issue(session, 1)[0]
    open_(session)
    with pytest.raises(ValidationError) as caught:
        services.ballot_cast(code=code, answers={"chosen": ["甲", "乙", "丙"]})
    assert caught.value.code == "ballot_invalid"
    assert "最多只能推荐 2 人" in caught.value.messages[0]
    services.ballot_cast(code=code, answers={"chosen": ["甲", "乙"]})  # the code was not used up


def test_recommendation_shares_and_second_round_flag(world: World) -> None:
    session = recommendation_session(world.county, max_choices=1)
    codes = issue(session, 10)
    open_(session)
    picks = ["甲", "甲", "乙", "乙", "丙", "丙", "丁", "丁", "甲", "乙"]
    for code, pick in zip(codes, picks, strict=True):
        services.ballot_cast(code=code, answers={"chosen": [pick]})
    close(session)
    result = selectors.session_result(session)
    shares = {s.label: s.share for s in result.subjects}
    assert shares["甲"] == Fraction(3, 10)
    assert not any("第二轮" in f for f in result.flags)  # top share exactly 30%: no second round


def test_recommendation_under_thirty_percent_needs_second_round(world: World) -> None:
    session = recommendation_session(world.county, max_choices=1, subjects=["甲", "乙", "丙", "丁"])
    codes = issue(session, 7)
    open_(session)
    for code, pick in zip(codes, ["甲", "甲", "乙", "乙", "丙", "丙", "丁"], strict=True):
        services.ballot_cast(code=code, answers={"chosen": [pick]})
    close(session)
    result = selectors.session_result(session)
    assert any("第二轮" in f for f in result.flags)  # 2/7 = 28.57%


def test_rating_weighted_shares_satisfaction_and_unfit_flag(world: World) -> None:
    session = rating_session(world.county, min_group_size=1)
    villagers = issue(session, 10, "村民代表")
    staff = issue(session, 5, "乡镇干部")
    open_(session)
    for i, code in enumerate(villagers):  # 王芳: 6 优秀 4 称职; 李强: 3 不称职 7 基本称职
        services.ballot_cast(
            code=code,
            answers={"王芳": "优秀" if i < 6 else "称职", "李强": "不称职" if i < 3 else "基本称职"},
        )
    for i, code in enumerate(staff):  # 王芳: 5 称职; 李强: 1 不称职
        services.ballot_cast(code=code, answers={"王芳": "称职", "李强": "不称职" if i < 1 else "称职"})
    close(session)
    result = selectors.session_result(session)
    wang, li = result.subjects
    # weights 4 and 3 (乡镇领导 returned nothing): 优秀 = (4·6/10 + 3·0/5) / 7
    assert wang.shares["优秀"] == Fraction(4 * 6, 10 * 7)
    assert wang.satisfaction == 1
    assert li.shares["不称职"] == (Fraction(4 * 3, 10) + Fraction(3 * 1, 5)) / 7  # 2.4/7 ≈ 25.7%
    assert li.flags == []
    assert wang.by_group["村民代表"] == {"优秀": 6, "称职": 4, "基本称职": 0, "不称职": 0}


def test_rating_unfit_at_thirty_percent_warns(world: World) -> None:
    session = rating_session(
        world.county, groups=[services.GroupSpec("村民代表", expected=10)], subjects=["李强"]
    )
    codes = issue(session, 10)
    open_(session)
    for i, code in enumerate(codes):
        services.ballot_cast(code=code, answers={"李强": "不称职" if i < 3 else "称职"})
    close(session)
    (li,) = selectors.session_result(session).subjects
    assert li.shares["不称职"] == Fraction(3, 10)
    assert any("不胜任现职" in f for f in li.flags)


def test_small_groups_are_not_shown_on_their_own(world: World) -> None:
    session = rating_session(world.county)  # min group size 5 (the default)
    issue(session, 10, "村民代表")
    leaders = issue(session, 3, "乡镇领导")
    open_(session)
    for code in leaders:
        services.ballot_cast(code=code, answers={"王芳": "优秀", "李强": "称职"})
    close(session)
    result = selectors.session_result(session)
    suppressed = {g.name for g in result.groups if g.suppressed}
    assert "乡镇领导" in suppressed
    assert "乡镇领导" not in result.subjects[0].by_group
    assert any("不单独显示" in f for f in result.flags)
    assert "乡镇领导" not in result.as_dict()["subjects"][0]["by_group"]


def test_returned_exceeding_issued_invalidates_the_session(world: World) -> None:
    session = services.session_create(
        unit=world.county,
        title="纸质票测评",
        kind="rating",
        mode="paper",
        subjects=nominees("王芳"),
        groups=[services.GroupSpec("党员代表", expected=30)],
        actor=None,
    )
    open_(session)
    session.refresh_from_db()
    services.paper_count_enter(
        session=session,
        group=session.groups.get(),
        present=20,
        returned=21,
        invalid=1,
        votes={"王芳": {"优秀": 10, "称职": 10}},
        actor=None,
    )
    close(session)
    result = selectors.session_result(session)
    assert result.valid is False
    assert "多于发出" in result.invalid_reasons[0]


# --- turnout, verdicts and the denominator shown (issue 13, item 2) ----------------------------


@pytest.mark.parametrize(
    ("base", "turnout", "needed"),
    [(3, "2/3", 2), (10, "2/3", 7), (9, "2/3", 6), (0, "2/3", 0), (5, "1/2", 3), (4, "1/2", 2), (7, "0", 0)],
)
def test_turnout_needs_the_share_rounded_up(base: int, turnout: str, needed: int) -> None:
    assert rules.turnout_needed(base, turnout) == needed
    assert rules.turnout_met(needed, base, turnout)
    assert needed == 0 or not rules.turnout_met(needed - 1, base, turnout)


@pytest.mark.parametrize(
    ("agree", "defer", "verdict"),
    [(6, 0, "同意任用"), (5, 0, "不予任用"), (5, 6, "缓议"), (0, 5, "不予任用"), (4, 6, "缓议")],
)
def test_decision_verdicts_of_a_committee_of_11(agree: int, defer: int, verdict: str) -> None:
    assert rules.decision_verdict(valid=True, agree=agree, defer=defer, expected=11) == verdict
    assert rules.decision_verdict(valid=False, agree=11, defer=0, expected=11) == "不能作出决定"


def update_settings(**changes: object) -> None:
    from django.forms.models import model_to_dict

    from ganbu.ballots.models import BallotSettings

    current = model_to_dict(BallotSettings.current(), fields=SETTING_FIELDS)
    services.ballot_settings_update(**{**current, **changes}, actor=None)


SETTING_FIELDS = [
    "min_group_size",
    "live_min",
    "consult_denominator",
    "unfit_warning_percent",
    "second_round_percent",
    "public_base_url",
    "turnout",
]


def _rating(world: World, *, expected: int, returned: int, present: int | None) -> Result:
    session = rating_session(world.county, groups=[services.GroupSpec("本单位干部", expected=expected)])
    codes = issue(session, expected)
    open_(session, **({"本单位干部": present} if present is not None else {}))
    for code in codes[:returned]:
        services.ballot_cast(code=code, answers={"王芳": "称职", "李强": "优秀"})
    close(session)
    return selectors.session_result(session)


def test_a_rating_below_two_thirds_of_present_is_void_and_says_why(world: World) -> None:
    result = _rating(world, expected=12, returned=5, present=9)
    assert result.valid is False and result.turnout_met is False
    assert result.validity_label == "投票无效"
    assert "收回 5 票，不足实到 9 人的三分之二（至少 6 票）" in result.invalid_reasons
    assert result.as_dict()["validity"] == "投票无效"


def test_a_rating_at_two_thirds_of_present_is_valid(world: World) -> None:
    result = _rating(world, expected=12, returned=6, present=9)
    assert result.valid is True and result.turnout_met is True and result.validity_label == "投票有效"


def test_without_present_the_turnout_counts_against_expected_and_says_so(world: World) -> None:
    result = _rating(world, expected=12, returned=7, present=None)
    assert "收回 7 票，不足应到 12 人（未录入实到人数）的三分之二（至少 8 票）" in result.invalid_reasons


def test_the_turnout_rule_is_a_setting(world: World) -> None:
    update_settings(turnout="1/2")
    assert _rating(world, expected=12, returned=5, present=9).valid is True
    update_settings(turnout="0")
    assert _rating(world, expected=12, returned=1, present=9).valid is True


def test_a_recommendation_below_turnout_is_void(world: World) -> None:
    session = recommendation_session(world.county, groups=[services.GroupSpec("乡镇干部", expected=9)])
    codes = issue(session, 9)
    open_(session)
    for code in codes[:5]:
        services.ballot_cast(code=code, answers={"chosen": ["甲"]})
    close(session)
    result = selectors.session_result(session)
    assert result.valid is False and "至少 6 票" in result.invalid_reasons[0]


def test_a_decision_below_quorum_says_so_and_decides_nothing(world: World) -> None:
    session = approval_session(world.county, expected=11, subjects=["张三"])
    codes = issue(session, 11)
    open_(session)
    for code in codes[:7]:
        services.ballot_cast(code=code, answers={"张三": "同意"})
    close(session)
    result = selectors.session_result(session)
    assert result.validity_label == "参会率不足，不能作出决定"
    assert result.subjects[0].verdict == "不能作出决定"
    assert result.turnout_met is None  # 票决 has its quorum, not the turnout setting


def test_decision_verdicts_through_a_session(world: World) -> None:
    session = approval_session(world.county, expected=11, subjects=["张三", "李四", "王五"])
    codes = issue(session, 11)
    open_(session)
    for i, code in enumerate(codes):
        services.ballot_cast(
            code=code,
            answers={
                "张三": "同意" if i < 6 else "不同意",
                "李四": "同意" if i < 5 else "不同意",
                "王五": "缓议" if i < 6 else "同意",
            },
        )
    close(session)
    verdicts = [s.verdict for s in selectors.session_result(session).subjects]
    assert verdicts == ["同意任用", "不予任用", "缓议"]


def test_consultation_shares_are_of_the_base_the_header_names(world: World) -> None:
    session = approval_session(world.county, expected=10, rule="consultation", subjects=["张三"])
    codes = issue(session, 10)
    open_(session)
    for i, code in enumerate(codes[:8]):
        services.ballot_cast(code=code, answers={"张三": "不同意" if i < 4 else "同意"})
    close(session)
    result = selectors.session_result(session)
    assert result.basis_label == "百分比按应到人数 10 人计算"
    assert result.subjects[0].shares["不同意"] == Fraction(4, 10)  # of 应到, not of the 8 returned
    assert result.subjects[0].verdict == "可继续作为提名人选"


def test_integer_weights_keep_the_ratios_of_decimal_weights() -> None:
    from ganbu.ballots.rules import integer_weights

    assert integer_weights([60, 40]) == [60, 40]
    assert integer_weights(["60.5", "39.5"]) == [605, 395]
    assert integer_weights(["0.25", "0.75"]) == [25, 75]
    assert integer_weights(["0"]) == [1]  # a group always weighs something
