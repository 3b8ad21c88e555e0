"""选拔任用合规检查 - every rule at its boundary (one side passes, the other fails), with the answers
computed by hand in the comments; the 任前公示 across the 2026 National Day and Spring Festival
holidays; the validator of the case file; the settings. Pure: no database.

The clean case (`cases/clean.json`): 甲镇党委书记, 1 post, method 民主推荐; 民主推荐 2026-06-15 (3
listed, top 45 of 100), 2 考察对象, 考察 talks 20 of 40, 征求意见 2026-08-20 (base 31), 票决
2026-09-25 (expected 11, present 10, 张三 9), 任前公示 2026-09-29 to 2026-10-10, 任职 张三
2026-10-12. The holiday facts are those of chinesecalendar 1.11 for 2026 (see the publicity tests).
"""

from __future__ import annotations

import copy
import json
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from ganbu.core.calendar import WorkCalendar
from ganbu.selection.rules import (
    SelectionSettings,
    Violation,
    check_case,
    check_output,
    notices,
    parse_case,
    with_overrides,
)

CASES = Path(__file__).parent / "cases"
CLEAN = json.loads((CASES / "clean.json").read_text(encoding="utf-8"))
TODAY = date(2026, 11, 16)  # the suite's frozen day
S = SelectionSettings()


def clean() -> dict[str, Any]:
    return copy.deepcopy(CLEAN)


def step(case: dict[str, Any], kind: str) -> dict[str, Any]:
    """The (last) step of this kind, to change in place."""
    return [s for s in case["steps"] if s["step"] == kind][-1]


def drop(case: dict[str, Any], kind: str) -> dict[str, Any]:
    case["steps"] = [s for s in case["steps"] if s["step"] != kind]
    return case


def check(
    case: dict[str, Any],
    *,
    as_of: date = TODAY,
    settings: SelectionSettings = S,
    calendar: WorkCalendar | None = None,
) -> list[Violation]:
    return check_case(parse_case(case), calendar=calendar or WorkCalendar(), settings=settings, as_of=as_of)


def codes(case: dict[str, Any], **kwargs: Any) -> list[str]:
    return [v.code for v in check(case, **kwargs)]


def only(case: dict[str, Any], **kwargs: Any) -> Violation:
    found = check(case, **kwargs)
    assert len(found) == 1, found
    return found[0]


def test_the_clean_case_has_no_violation_and_no_notice() -> None:
    case = parse_case(clean())
    assert check_case(case, calendar=WorkCalendar(), settings=S, as_of=TODAY) == []
    assert notices(case, calendar=WorkCalendar(), settings=S, as_of=TODAY) == []
    assert check_output(case, calendar=WorkCalendar(), settings=S, as_of=TODAY) == {
        "violations": [],
        "excused": [],
        "notices": [],
    }


# --- STEP_ORDER ----------------------------------------------------------------------------------


def test_a_step_listed_after_a_step_of_a_later_phase() -> None:
    case = clean()
    case["steps"][3], case["steps"][4] = case["steps"][4], case["steps"][3]  # 酝酿 listed before 考察
    v = only(case)
    assert (v.code, v.step) == ("STEP_ORDER", "考察")
    assert v.message == "「考察」排在「酝酿」之后，顺序不对"


@pytest.mark.parametrize(
    ("inspected", "expected"),
    [
        ("2026-07-01", []),  # the same day as 确定考察对象 (2026-07-01): not before it
        ("2026-06-30", ["STEP_ORDER"]),  # one day before it
    ],
)
def test_a_step_dated_before_a_step_it_needs(inspected: str, expected: list[str]) -> None:
    case = clean()
    step(case, "考察")["date"] = inspected
    found = check(case)
    assert [v.code for v in found] == expected
    if found:
        assert found[0].message == "考察（2026-06-30）早于确定考察对象（2026-07-01）"


def test_a_missing_step_is_reported_once_at_the_first_step_that_needs_it() -> None:
    v = only(drop(clean(), "酝酿"))
    assert (v.code, v.step, v.message) == ("STEP_ORDER", "票决", "「票决」之前缺少「酝酿」步骤")


def test_a_lone_appointment_misses_every_step_before_it() -> None:
    case = clean()
    case["post"]["title"] = "副镇长"  # a 党委书记 would also miss the 征求意见 (CONSULT_MISSING)
    case["steps"] = [step(case, "任职")]
    found = check(case)
    assert {v.code for v in found} == {"STEP_ORDER"}
    assert [v.message for v in found] == [
        f"「任职」之前缺少「{kind}」步骤"
        for kind in ("动议", "民主推荐", "确定考察对象", "考察", "酝酿", "票决", "任前公示")
    ]


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("委任", ["STEP_ORDER"]),  # 委任 goes through 民主推荐
        ("选任", ["STEP_ORDER"]),
        ("公开选拔", []),  # exams replace 民主推荐
        ("竞争上岗", []),
    ],
)
def test_only_exam_methods_go_without_a_recommendation(method: str, expected: list[str]) -> None:
    case = drop(clean(), "民主推荐")
    case["method"] = method
    assert codes(case) == expected


@pytest.mark.parametrize(
    ("position", "expected"),
    [
        (3, []),  # after 确定考察对象, before 考察
        (4, ["STEP_ORDER"]),  # listed after 考察
    ],
)
def test_the_optional_inspection_notice_goes_before_the_inspection(
    position: int, expected: list[str]
) -> None:
    case = clean()
    case["steps"].insert(position, {"step": "考察预告", "date": "2026-07-10"})
    assert codes(case) == expected


# --- RECOMMEND_RATIO -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("listed", "expected"),
    [
        (["张三", "李四", "王五"], []),  # 3 listed for 1 post: 3 ≥ 1 × 3
        (["张三", "李四"], ["RECOMMEND_RATIO"]),  # 2 < 3
    ],
)
def test_recommend_ratio_for_one_post(listed: list[str], expected: list[str]) -> None:
    case = clean()
    step(case, "民主推荐")["listed"] = listed
    step(case, "民主推荐")["votes"] = {"张三": 45, "李四": 30}
    assert codes(case) == expected


@pytest.mark.parametrize(("size", "expected"), [(6, []), (5, ["RECOMMEND_RATIO"])])
def test_recommend_ratio_for_two_posts(size: int, expected: list[str]) -> None:
    # 2 posts × 3 = 6 names at least: 6 passes, 5 fails (考察 ratio set to 1:1 to keep it apart)
    case = clean()
    case["posts"] = 2
    case["candidates"] += [
        {"name": name, "id_number": f"4690991990010100{i}"} for i, name in enumerate(["赵六", "钱七", "孙八"])
    ]
    step(case, "民主推荐")["listed"] = ["张三", "李四", "王五", "赵六", "钱七", "孙八"][:size]
    found = check(case, settings=SelectionSettings(inspect_ratio=1))
    assert [v.code for v in found] == expected
    if found:
        assert found[0].message == (
            "民主推荐（第 1 轮）名单 5 人，职位 2 个，达不到每个职位 3 人的差额推荐比例（应至少 6 人）"
        )


def test_the_recommendation_ratio_does_not_apply_to_exams() -> None:
    case = clean()
    case["method"] = "公开选拔"
    step(case, "民主推荐")["listed"] = ["张三", "李四"]
    step(case, "民主推荐")["votes"] = {"张三": 20}  # 20 % would also call for a second round
    assert codes(case) == []


# --- SECOND_ROUND_REQUIRED -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("top", "expected"),
    [
        (30, []),  # 30 of 100 valid ballots = 30 %: not under 30 %
        (29, ["SECOND_ROUND_REQUIRED"]),  # 29 % < 30 %
    ],
)
def test_second_round_when_the_top_share_is_under_30_percent(top: int, expected: list[str]) -> None:
    case = clean()
    step(case, "民主推荐")["votes"] = {"张三": top, "李四": 28, "王五": 20}
    found = check(case)
    assert [v.code for v in found] == expected
    if found:
        assert found[0].message == (
            "民主推荐（第 1 轮）最高得票 29 票，占有效票 100 张的 29.0%，低于 30%，应进行第二轮推荐"
        )


@pytest.mark.parametrize(
    ("top", "expected"),
    [
        (15, []),  # round 2: 15 of 50 valid ballots = 30 %
        (14, ["SECOND_ROUND_REQUIRED"]),  # 14 of 50 = 28 %
    ],
)
def test_only_the_last_round_counts(top: int, expected: list[str]) -> None:
    case = clean()
    step(case, "民主推荐")["votes"] = {"张三": 29, "李四": 28, "王五": 20}  # round 1: 29 %, under 30 %
    second = {**step(case, "民主推荐"), "date": "2026-06-20", "round": 2, "valid_ballots": 50}
    second["votes"] = {"张三": top, "李四": 10}
    case["steps"].insert(2, second)
    found = check(case)
    assert [v.code for v in found] == expected
    assert all(
        v.message.startswith("民主推荐（第 2 轮）最高得票 14 票，占有效票 50 张的 28.0%") for v in found
    )


def test_a_recorded_reason_excuses_the_second_round_but_it_is_still_shown() -> None:
    case = clean()
    step(case, "民主推荐")["votes"] = {"张三": 29, "李四": 28, "王五": 20}
    case["reasons"] = {"SECOND_ROUND_REQUIRED": "得票与平时表现一致，县委组织部决定不进行第二轮"}
    found = check(case)
    assert [(v.code, v.reason) for v in found] == [
        ("SECOND_ROUND_REQUIRED", "得票与平时表现一致，县委组织部决定不进行第二轮")
    ]
    output = check_output(parse_case(case), calendar=WorkCalendar(), settings=S, as_of=TODAY)
    assert output["violations"] == [] and [e["code"] for e in output["excused"]] == ["SECOND_ROUND_REQUIRED"]
    assert output["excused"][0]["reason"].startswith("得票与平时表现一致")


# --- RECOMMEND_EXPIRED ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("recommended", "expected"),
    [
        ("2025-09-25", []),  # 票决 2026-09-25 is exactly 12 months later: still valid
        ("2025-09-24", ["RECOMMEND_EXPIRED"]),  # valid until 2026-09-24, 票决 one day after
    ],
)
def test_the_recommendation_is_valid_twelve_months(recommended: str, expected: list[str]) -> None:
    case = clean()
    step(case, "动议")["date"] = "2025-09-01"
    step(case, "民主推荐")["date"] = recommended
    found = check(case)
    assert [v.code for v in found] == expected
    if found:
        assert (found[0].step, found[0].message) == (
            "票决",
            "票决（2026-09-25）距所用民主推荐（2025-09-24）已超过 12 个月（有效至 2026-09-24），推荐结果已失效",
        )


# --- INSPECT_RATIO -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        (["张三", "李四"], []),  # 2 考察对象 for 1 post: 2 ≥ 1 × 2
        (["张三"], ["INSPECT_RATIO"]),  # 1 < 2
    ],
)
def test_inspect_ratio(chosen: list[str], expected: list[str]) -> None:
    case = clean()
    step(case, "确定考察对象")["chosen"] = chosen
    found = check(case)
    assert [v.code for v in found] == expected
    if found:
        assert (
            found[0].message == "考察对象 1 人，职位 1 个，达不到每个职位 2 人的差额考察比例（应至少 2 人）"
        )


def test_a_reason_for_a_code_that_cannot_be_excused_is_refused() -> None:
    case = clean()
    case["reasons"] = {"VOTE_NOT_PASSED": "县委同意", "NO_SUCH_CODE": "x", "INSPECT_RATIO": " "}
    with pytest.raises(ValidationError) as caught:
        parse_case(case)
    assert caught.value.messages == [
        "reasons.VOTE_NOT_PASSED：该问题不能以说明免除（可说明的：RECOMMEND_RATIO、INSPECT_RATIO、SECOND_ROUND_REQUIRED）",
        "reasons.NO_SUCH_CODE：没有这个问题代码",
        "reasons.INSPECT_RATIO：应写明理由",
    ]


# --- TWO_RECOMMENDATIONS_DISAGREE, THREE_POINTS_DISAGREE ------------------------------------------


@pytest.mark.parametrize(
    ("agreed", "expected", "message"),
    [
        (True, [], ""),
        (False, ["TWO_RECOMMENDATIONS_DISAGREE"], "李四「两推」结果不一致，却确定为考察对象"),
        (None, ["TWO_RECOMMENDATIONS_DISAGREE"], "李四未记录「两推」结果"),
    ],
)
def test_two_recommendations_must_agree(agreed: bool | None, expected: list[str], message: str) -> None:
    case = clean()
    recorded = {"张三": True} if agreed is None else {"张三": True, "李四": agreed}
    step(case, "确定考察对象")["two_recommendations_agree"] = recorded
    found = check(case)
    assert [(v.code, v.candidate, v.message) for v in found] == [(c, "李四", message) for c in expected]
    case["method"] = "竞争上岗"  # no 民主推荐, no 「两推」
    assert codes(case) == []


@pytest.mark.parametrize(
    ("consulted", "expected"),
    [
        (False, []),  # 李四 not named after 确定考察对象: deferred (暂缓提名), as the rule asks
        (True, ["THREE_POINTS_DISAGREE"]),  # named in the 征求意见: went on
    ],
)
def test_three_points_apply_to_those_who_went_on(consulted: bool, expected: list[str]) -> None:
    case = clean()
    step(case, "确定考察对象")["three_points"]["李四"]["party_org"] = False
    if not consulted:
        step(case, "征求意见")["disagree"] = {"张三": 3}
    found = check(case)
    assert [(v.code, v.candidate) for v in found] == [(c, "李四") for c in expected]
    if found:
        assert found[0].message == "李四的「三点一线」意见不一致（单位党组织不同意），应暂缓提名，却继续提名"


def test_three_points_of_the_appointee() -> None:
    case = clean()
    step(case, "确定考察对象")["three_points"]["张三"] = {"masses": False, "party_org": True, "leader": False}
    assert (
        only(case).message == "张三的「三点一线」意见不一致（群众、分管领导不同意），应暂缓提名，却继续提名"
    )
    del step(case, "确定考察对象")["three_points"]["张三"]
    assert only(case).message == "张三未记录「三点一线」意见，却继续提名"


# --- TALKS_BELOW_HALF ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("staff", "talks", "expected"),
    [
        (40, 20, []),  # 20 × 2 = 40: half exactly
        (40, 19, ["TALKS_BELOW_HALF"]),  # 38 < 40
        (41, 21, []),  # 42 ≥ 41
        (41, 20, ["TALKS_BELOW_HALF"]),  # 40 < 41: half of 41 is 20.5, so 21 at least
    ],
)
def test_talks_cover_half_of_the_unit(staff: int, talks: int, expected: list[str]) -> None:
    case = clean()
    step(case, "考察").update(unit_staff=staff, talks=talks)
    found = check(case)
    assert [v.code for v in found] == expected
    if found and staff == 41:
        assert found[0].message == "考察个别谈话 20 人，单位 41 人，不足 50%（应至少 21 人）"


# --- CONSULT_MISSING, CONSULT_DROPPED ------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "title", "expected"),
    [
        ("乡镇", "党委书记", ["CONSULT_MISSING"]),
        ("乡镇", "镇长", ["CONSULT_MISSING"]),
        ("乡镇", "乡长", ["CONSULT_MISSING"]),
        ("乡镇", "副镇长", []),  # a deputy: not 正职
        ("乡镇", "党委副书记", []),
        ("县直部门", "党委书记", []),  # not a township
    ],
)
def test_township_heads_need_the_committee_consulted(level: str, title: str, expected: list[str]) -> None:
    case = drop(clean(), "征求意见")
    case["post"].update(level=level, title=title)
    found = check(case)
    assert [(v.code, v.step) for v in found] == [(c, "票决") for c in expected]


def test_consultation_is_missing_only_once_a_decision_is_taken() -> None:
    case = drop(clean(), "征求意见")
    case["steps"] = case["steps"][:5]  # up to 酝酿: the consultation may still come
    assert codes(case) == []
    assert codes(drop(clean(), "征求意见"), settings=with_overrides({"consult_titles": ["乡长"]})) == []


@pytest.mark.parametrize(
    ("base", "disagree", "expected"),
    [
        (31, 15, []),  # 15 × 2 = 30, not more than 31
        (31, 16, ["CONSULT_DROPPED"]),  # 32 > 31
        (30, 15, []),  # exactly half is not more than half
        (30, 16, ["CONSULT_DROPPED"]),  # 32 > 30
    ],
)
def test_a_nominee_most_members_disagree_with_is_dropped(
    base: int, disagree: int, expected: list[str]
) -> None:
    case = clean()
    step(case, "征求意见").update(base=base, disagree={"张三": disagree, "李四": 10})
    found = check(case)
    assert [(v.code, v.candidate) for v in found] == [(c, "张三") for c in expected]
    if found and base == 31:
        assert found[0].message == (
            "张三征求意见不同意 16 票，超过参加人数 31 的 50%，应不再作为提名人选，却继续票决或任职"
        )


def test_a_dropped_nominee_who_did_not_go_on_is_no_violation() -> None:
    case = clean()
    step(case, "征求意见")["disagree"] = {"张三": 3, "李四": 16}  # 32 > 31, but 李四 went no further
    assert codes(case) == []


# --- VOTE_NO_QUORUM, VOTE_NOT_PASSED -------------------------------------------------------------


@pytest.mark.parametrize(
    ("present", "expected"),
    [
        (6, []),  # 6 × 3 = 18 = 9 × 2: two thirds exactly
        (5, ["VOTE_NO_QUORUM"]),  # 15 < 18
    ],
)
def test_the_vote_needs_two_thirds_present(present: int, expected: list[str]) -> None:
    case = clean()
    step(case, "票决").update(expected=9, present=present, agree={"张三": 5})  # 5 × 2 = 10 > 9: passed
    found = check(case)
    assert [v.code for v in found] == expected
    if found:
        assert found[0].message == "票决应到 9 人，实到 5 人，不足 2/3（应至少 6 人），不能进行表决"


@pytest.mark.parametrize(
    ("expected_members", "agree", "expected"),
    [
        (10, 6, []),  # 12 > 10
        (10, 5, ["VOTE_NOT_PASSED"]),  # 10 = 10: half is not more than half
        (11, 6, []),  # 12 > 11
        (11, 5, ["VOTE_NOT_PASSED"]),  # 10 ≤ 11
    ],
)
def test_the_vote_passes_with_more_than_half_of_those_who_should_attend(
    expected_members: int, agree: int, expected: list[str]
) -> None:
    case = clean()
    step(case, "票决").update(expected=expected_members, present=expected_members, agree={"张三": agree})
    found = check(case)
    assert [(v.code, v.step, v.candidate) for v in found] == [(c, "任职", "张三") for c in expected]
    if found and expected_members == 10:
        assert found[0].message == "张三同意 5 票，未超过应到 10 人的 50%，票决未通过，却已任职"


def test_half_of_those_present_is_not_enough() -> None:
    # 应到 11, 实到 8, 同意 5: more than half of those present (5 > 4), not of those expected (10 ≤ 11)
    case = clean()
    step(case, "票决").update(expected=11, present=8, agree={"张三": 5})
    assert codes(case) == ["VOTE_NOT_PASSED"]


def test_an_unnamed_appointment_is_of_those_who_passed() -> None:
    case = clean()
    del step(case, "任职")["name"]
    step(case, "票决").update(expected=10, present=10, agree={"张三": 6, "李四": 5})
    assert codes(case) == []  # 张三 passed (12 > 10), so the appointment is his
    step(case, "票决")["agree"] = {"张三": 5, "李四": 5}  # nobody passed, yet someone was appointed
    found = check(case)
    assert [(v.code, v.candidate) for v in found] == [
        ("VOTE_NOT_PASSED", "张三"),
        ("VOTE_NOT_PASSED", "李四"),
    ]


def test_an_appointee_left_out_of_the_vote() -> None:
    case = clean()
    step(case, "任职")["name"] = "李四"
    v = only(case)
    assert (v.code, v.message) == (
        "VOTE_NOT_PASSED",
        "李四未列入票决，未超过应到 11 人的 50%，票决未通过，却已任职",
    )


# --- PUBLICITY_TOO_SHORT: the 2026 holidays (chinesecalendar 1.11) --------------------------------
# National Day 2026: 10-01 (Thu) to 10-07 (Wed) off; make-up workdays Sun 09-20 and Sat 10-10
# (Mid-Autumn 09-25 to 09-27 off). Spring Festival 2026: 02-15 (Sun) to 02-23 (Mon) off; make-up
# workdays Sat 02-14 and Sat 02-28.


@pytest.mark.parametrize(
    ("end", "expected"),
    [
        # 09-29 Tue (1), 09-30 Wed (2), 10-01..10-07 off, 10-08 Thu (3), 10-09 Fri (4)
        ("2026-10-09", ["PUBLICITY_TOO_SHORT"]),
        # … and 10-10 Sat, a make-up workday (5)
        ("2026-10-10", []),
    ],
)
def test_publicity_across_national_day(end: str, expected: list[str]) -> None:
    case = clean()
    step(case, "任前公示")["end"] = end
    found = check(case)
    assert [v.code for v in found] == expected
    if found:
        assert found[0].message == "任前公示（2026-09-29 至 2026-10-09）仅 4 个工作日，少于 5 个"


def spring_festival_case(end: str) -> dict[str, Any]:
    case = clean()
    dates = {
        "动议": "2025-10-01",
        "民主推荐": "2025-10-15",
        "确定考察对象": "2025-11-01",
        "考察": "2025-11-20",
        "酝酿": "2025-12-10",
        "征求意见": "2025-12-20",
        "票决": "2026-02-10",
        "任职": "2026-02-27",
    }
    for s in case["steps"]:
        if s["step"] in dates:
            s["date"] = dates[s["step"]]
    publicity = step(case, "任前公示")
    del publicity["date"]  # the start by default
    publicity.update(start="2026-02-12", end=end, complaints=[])
    return case


@pytest.mark.parametrize(
    ("end", "expected"),
    [
        # 02-12 Thu (1), 02-13 Fri (2), 02-14 Sat make-up workday (3), 02-15..02-23 off, 02-24 Tue (4)
        ("2026-02-24", ["PUBLICITY_TOO_SHORT"]),
        # … 02-25 Wed (5)
        ("2026-02-25", []),
    ],
)
def test_publicity_across_the_spring_festival(end: str, expected: list[str]) -> None:
    found = check(spring_festival_case(end))
    assert [v.code for v in found] == expected
    if found:
        assert found[0].message == "任前公示（2026-02-12 至 2026-02-24）仅 4 个工作日，少于 5 个"


def test_the_administrators_table_overrides_the_package() -> None:
    # the county's table makes Saturday 10-10 a day off: 09-29..10-10 is 4 working days again
    calendar = WorkCalendar(overrides={date(2026, 10, 10): False})
    assert codes(clean(), calendar=calendar) == ["PUBLICITY_TOO_SHORT"]


def test_the_message_prints_the_setting_in_force() -> None:
    settings = with_overrides({"publicity_working_days": 6})
    assert only(clean(), settings=settings).message == (
        "任前公示（2026-09-29 至 2026-10-10）仅 5 个工作日，少于 6 个"
    )


def test_a_year_the_calendar_does_not_know_is_a_notice() -> None:
    case = json.loads(json.dumps(CLEAN, ensure_ascii=False).replace("2026-", "2027-"))
    calendar = WorkCalendar()
    parsed = parse_case(case)
    assert check_case(parsed, calendar=calendar, settings=S, as_of=TODAY) == []  # Mon–Fri: 8 days
    found = notices(parsed, calendar=calendar, settings=S, as_of=TODAY)
    assert [n.code for n in found] == ["CALENDAR_GUESSED"]
    assert found[0].message.startswith("2027年的节假日安排尚未录入")


# --- APPOINTED_BEFORE_PUBLICITY_END, COMPLAINT_UNRESOLVED ----------------------------------------


@pytest.mark.parametrize(
    ("appointed", "expected"),
    [
        ("2026-10-10", ["APPOINTED_BEFORE_PUBLICITY_END"]),  # the last day of the 公示
        ("2026-10-11", []),  # the day after
    ],
)
def test_appointment_after_the_publicity_ends(appointed: str, expected: list[str]) -> None:
    case = clean()
    step(case, "任职")["date"] = appointed
    found = check(case)
    assert [(v.code, v.candidate) for v in found] == [(c, "张三") for c in expected]
    if found:
        assert found[0].message == "任职（2026-10-10）不晚于任前公示结束日 2026-10-10，应在公示期满后任职"


@pytest.mark.parametrize(
    ("received", "finding", "expected"),
    [
        ("2026-10-08", "经核查，反映不实", []),
        ("2026-10-08", "", ["COMPLAINT_UNRESOLVED"]),
        ("2026-10-08", None, ["COMPLAINT_UNRESOLVED"]),
        ("2026-10-12", None, ["COMPLAINT_UNRESOLVED"]),  # received on the day of the 任职
        ("2026-10-13", None, []),  # received after it: not a complaint unresolved at 任职
    ],
)
def test_complaints_are_resolved_before_the_appointment(
    received: str, finding: str | None, expected: list[str]
) -> None:
    case = clean()
    step(case, "任前公示")["complaints"] = [{"received": received, "finding": finding, "name": "张三"}]
    found = check(case)
    assert [(v.code, v.candidate) for v in found] == [(c, "张三") for c in expected]
    if found and received == "2026-10-08":
        assert found[0].message == "任前公示期间 2026-10-08 收到的反映尚无核查结论，却于 2026-10-12 任职"


# --- PROBATION_NOT_ASSESSED ----------------------------------------------------------------------
# 任职 2026-10-12: the one-year probation's last day is 2027-10-12.


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2027, 10, 12), []),  # the last day of the probation
        (date(2027, 10, 13), ["PROBATION_NOT_ASSESSED"]),  # over, and no 试用期满
    ],
)
def test_a_probation_over_needs_its_assessment(as_of: date, expected: list[str]) -> None:
    found = check(clean(), as_of=as_of)
    assert [v.code for v in found] == expected
    if found:
        assert found[0].message == "张三的 12 个月试用期已于 2027-10-12 期满，至 2027-10-13 未见试用期满考核"


@pytest.mark.parametrize(
    ("result", "expected"),
    [("称职", []), ("", ["PROBATION_NOT_ASSESSED"]), (None, ["PROBATION_NOT_ASSESSED"])],
)
def test_the_end_of_probation_records_a_result(result: str | None, expected: list[str]) -> None:
    case = clean()
    case["steps"].append({"step": "试用期满", "date": "2027-10-12", "result": result})
    found = check(case, as_of=date(2027, 10, 13))
    assert [(v.code, v.step) for v in found] == [(c, "试用期满") for c in expected]


@pytest.mark.parametrize(
    ("assessed", "expected"),
    [
        ("2027-08-13", []),  # 60 days before the last day 2027-10-12 (18 + 30 + 12)
        ("2027-08-12", ["PROBATION_EARLY"]),  # 61 days before
        ("2026-12-01", ["PROBATION_EARLY"]),  # seven weeks after 任职 (a tour finding)
    ],
)
def test_the_probation_is_assessed_as_it_ends(assessed: str, expected: list[str]) -> None:
    case = clean()
    case["steps"].append({"step": "试用期满", "date": assessed, "result": "合格"})
    found = check(case, as_of=date(2027, 10, 13))
    assert [(v.code, v.step) for v in found] == [(c, "试用期满") for c in expected]
    if found and assessed == "2027-08-12":
        assert (
            found[0].message == "张三的试用期至 2027-10-12 期满，试用期满考核（2027-08-12）早于期满前 60 天"
        )


def test_no_probation_for_elected_posts_nor_lateral_moves() -> None:
    case = clean()
    case["method"] = "选任"
    assert codes(case, as_of=date(2027, 10, 13)) == []
    case = clean()
    case["promotion"] = False
    assert codes(case, as_of=date(2027, 10, 13)) == []


@pytest.mark.parametrize(
    ("as_of", "due"),
    [
        (date(2027, 8, 13), True),  # 60 days before 2027-10-12 (18 + 30 + 12)
        (date(2027, 8, 12), False),  # 61 days before
        (date(2027, 10, 12), True),  # the last day
        (date(2027, 10, 13), False),  # over: a violation, no longer a notice
    ],
)
def test_notice_of_a_probation_ending_within_60_days(as_of: date, due: bool) -> None:
    found = notices(parse_case(clean()), calendar=WorkCalendar(), settings=S, as_of=as_of)
    assert [n.code for n in found] == (["PROBATION_DUE"] if due else [])
    if due:
        assert found[0].message == "张三的试用期将于 2027-10-12 期满，请安排试用期满考核"


# --- several at once -------------------------------------------------------------------------------


def test_violations_come_in_the_order_of_the_steps() -> None:
    case = clean()
    step(case, "任职")["date"] = "2026-10-09"  # before the end of the 公示 (10-10)
    step(case, "任前公示")["end"] = "2026-10-09"  # 4 working days; the 任职 is on its last day
    step(case, "考察")["talks"] = 10
    step(case, "民主推荐")["votes"] = {"张三": 20}
    assert [(v.code, v.step) for v in check(case)] == [
        ("SECOND_ROUND_REQUIRED", "民主推荐"),
        ("TALKS_BELOW_HALF", "考察"),
        ("PUBLICITY_TOO_SHORT", "任前公示"),
        ("APPOINTED_BEFORE_PUBLICITY_END", "任职"),
    ]


# --- the validator -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026/10/01", 'steps[3].date：日期格式应为 YYYY-MM-DD（收到 "2026/10/01"）'),
        ("20261001", 'steps[3].date：日期格式应为 YYYY-MM-DD（收到 "20261001"）'),  # ISO basic: no
        ("2026-10-1", 'steps[3].date：日期格式应为 YYYY-MM-DD（收到 "2026-10-1"）'),
        (20261001, "steps[3].date：日期格式应为 YYYY-MM-DD（收到 20261001）"),
        ("2026-02-30", 'steps[3].date：不是有效的日期（收到 "2026-02-30"）'),
        (None, "steps[3].date：缺少此项"),
    ],
)
def test_dates_are_strict_iso(value: Any, message: str) -> None:
    case = clean()
    step(case, "考察")["date"] = value
    with pytest.raises(ValidationError) as caught:
        parse_case(case)
    assert caught.value.messages == [message]


def test_every_problem_of_a_case_is_listed_with_its_field() -> None:
    case = clean()
    case["posts"] = "2"
    case["method"] = "推荐"
    case["post"] = {"unit": "甲镇", "title": 5}
    case["candidates"].append({"name": "张三", "id_number": "1"})
    case["extra"] = 1
    steps = case["steps"]
    steps[0]["step"] = "公示"
    steps[1]["valid_ballots"] = True
    steps[1]["listed"] = ["张三", "李四", "赵六"]
    steps[1]["vaild_ballots"] = 100
    steps[2]["three_points"]["张三"] = {"masses": "是", "party_org": True}
    steps[5]["disagree"] = {"张三": 40}
    steps[6].update(present=12, agree={"张三": 9.5})
    steps[7].update(start="2026-10-10", end="2026-09-29")
    steps[8]["doc_no"] = ""
    with pytest.raises(ValidationError) as caught:
        parse_case(case)
    assert caught.value.messages == [
        "extra：没有这一项（可用：post、posts、method、candidates、steps、reasons、promotion、note）",
        "post.title：应为文字（收到 5）",
        "post.level：缺少此项",
        'posts：应为整数（收到 "2"）',
        'method：应为民主推荐、公开选拔、竞争上岗、委任、选任之一（收到 "推荐"）',
        "candidates[3].name：与 candidates[0] 重名",
        'steps[0].step：应为动议、民主推荐、确定考察对象、考察预告、考察、酝酿、征求意见、票决、任前公示、任职、试用期满之一（收到 "公示"）',
        "steps[1].vaild_ballots：没有这一项（可用：step、date、note、listed、valid_ballots、votes、round）",
        "steps[1].listed[2]：「赵六」不在 candidates 中",
        "steps[1].valid_ballots：应为整数（收到 true）",
        "steps[1].votes.王五：「王五」不在本轮 listed 中",
        'steps[2].three_points.张三.masses：应为 true 或 false（收到 "是"）',
        "steps[2].three_points.张三.leader：缺少此项",
        "steps[5].disagree.张三：40 多于参加人数 31",
        "steps[6].present：实到 12 人多于应到 11 人",
        "steps[6].agree.张三：应为整数（收到 9.5）",
        "steps[7].end：公示结束日 2026-09-29 早于开始日 2026-10-10",
        "steps[8].doc_no：不能为空",
    ]


def test_a_case_that_is_not_an_object() -> None:
    with pytest.raises(ValidationError, match="案例应为一个 JSON 对象"):
        parse_case([CLEAN])


def test_names_in_the_figures_must_be_candidates() -> None:
    case = clean()
    step(case, "票决")["agree"] = {"张三 ": 9, "赵六": 1}  # spaces around a name are ignored
    step(case, "任职")["name"] = 7
    with pytest.raises(ValidationError) as caught:
        parse_case(case)
    assert caught.value.messages == [
        "steps[6].agree.赵六：「赵六」不在 candidates 中",
        "steps[8].name：应为候选人姓名（收到 7）",
    ]


# --- settings ------------------------------------------------------------------------------------


def test_settings_overrides_by_name() -> None:
    s = with_overrides(
        {
            "second_round_below": "25%",
            "talks_share": "3/5",
            "consult_titles": ["党委书记"],
            "inspect_ratio": 3,
        }
    )
    assert (s.second_round_below, s.talks_share, s.consult_titles, s.inspect_ratio) == (
        Fraction(1, 4),
        Fraction(3, 5),
        ("党委书记",),
        3,
    )
    assert with_overrides(None) == S and with_overrides({}) == S


def test_bad_settings_are_all_named() -> None:
    with pytest.raises(ValidationError) as caught:
        with_overrides(
            {
                "recomend_ratio": 3,
                "vote_quorum": "150%",
                "publicity_working_days": -1,
                "consult_titles": "镇长",
            }
        )
    messages = caught.value.messages
    assert messages[0].startswith("没有名为 recomend_ratio 的设置（可选：recommend_ratio、")
    assert messages[1:] == [
        "设置 vote_quorum 应在 0 到 100% 之间，不是「150%」",
        "设置 publicity_working_days 应为不小于 0 的整数，不是「-1」",
        "设置 consult_titles 应为不空的文字的列表",
    ]
