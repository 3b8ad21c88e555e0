"""年度考核等次 (issue 15): the quota arithmetic and every eligibility rule at its boundary, with the
answers computed by hand in the comments, and `manage.py assessment simulate-grades`."""

from __future__ import annotations

import io
import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from ganbu.assessment.grading import GradingSettings, compute_quota, grade_unit

S = GradingSettings()


def quota(
    leaders: int, staff: int, grade: str | None, pools: str = "single", approved: bool = False
) -> dict[str, int]:
    q = compute_quota(
        leaders=leaders, staff=staff, unit_grade=grade, pools=pools, approved=approved, settings=S
    )
    return q.total


# --- quota -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "grade", "expected"),
    [
        (10, "好", 1),  # 10 × 15 % = 1.5 → 1
        (20, "好", 3),  # 20 × 15 % = 3
        (25, "一般", 3),  # 25 × 12 % = 3
        (24, "一般", 2),  # 24 × 12 % = 2.88 → 2
        (25, "较差", 2),  # 25 × 8 % = 2
        (12, None, 1),  # no 综合考核 grade: 15 % of 12 = 1.8 → 1
        (4, "好", 0),  # 4 × 15 % = 0.6 → 0
    ],
)
def test_places_are_the_floor_of_participants_times_the_share_by_unit_grade(
    n: int, grade: str | None, expected: int
) -> None:
    assert quota(0, n, grade) == {"all": expected}


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (9, 1 + 1),  # 9 × 20 % = 1.8 → 1; fewer than 10 → +1
        (10, 2 + 2),  # 10 × 20 % = 2; 10 or more → +1 leaders +1 staff (one pool: +2)
        (11, 2 + 2),  # 11 × 20 % = 2.2 → 2; +2
    ],
)
def test_the_outstanding_units_bonus_at_9_10_and_11_participants(n: int, expected: int) -> None:
    assert quota(0, n, "实绩突出") == {"all": expected}


def test_leaders_and_staff_pools_each_with_their_bonus() -> None:
    # 3 leaders, 7 staff, 实绩突出 20 %: leaders 0.6 → 0, staff 1.4 → 1; 10 people → +1 each
    assert quota(3, 7, "实绩突出", "leaders_staff") == {"leaders": 1, "staff": 2}
    # 2 leaders, 7 staff (9): leaders 0, staff 1; fewer than 10 → +1 to the staff pool (setting)
    assert quota(2, 7, "实绩突出", "leaders_staff") == {"leaders": 0, "staff": 2}
    # not outstanding: no bonus
    assert quota(3, 7, "好", "leaders_staff") == {"leaders": 0, "staff": 1}


def test_the_cap_applies_before_the_bonus_and_approval_raises_it() -> None:
    settings = GradingSettings(share_by_grade={"实绩突出": Fraction(30, 100)})
    q = compute_quota(
        leaders=0, staff=20, unit_grade="实绩突出", pools="single", approved=False, settings=settings
    )
    assert q.share == Fraction(20, 100) and q.total == {"all": 4 + 2}  # 30 % capped at 20 %: 4, +2 bonus
    q = compute_quota(
        leaders=0, staff=20, unit_grade="实绩突出", pools="single", approved=True, settings=settings
    )
    assert q.share == Fraction(25, 100) and q.total == {"all": 5 + 2}  # 25 % with approval: 5, +2


# --- eligibility -----------------------------------------------------------------------------------


def person(pid: str, proposed: str = "优秀", **extra: Any) -> dict[str, Any]:
    return {
        "id": pid,
        "name": f"干部{pid}",
        "role": "staff",
        "proposed": proposed,
        "quarters": ["好", "好", "好", "较好"],
        **extra,
    }


def run(*people: dict[str, Any], grade: str | None = "实绩突出", **unit: Any) -> dict[str, dict[str, Any]]:
    out = grade_unit(
        {"year": 2026, "unit": {"name": "甲镇", "grade": grade, **unit}, "participants": list(people)}
    )
    return {p["id"]: p for p in out["participants"]}


def codes(entry: dict[str, Any], kind: str = "refused") -> list[str]:
    return [x["code"] for x in entry[kind]]


@pytest.mark.parametrize(
    ("quarters", "ok"),
    [
        (["好", "好", "好", "较好"], True),  # 3 of 4 > half
        (["好", "好", "较好", "较好"], False),  # 2 of 4 is not more than half
        (["好", "好", "好", "一般"], False),  # an 一般 excludes 优秀
        (["好", "好", "好"], True),  # 3 quarters recorded, all 好
        (["好", "较好", "较好"], False),  # 1 of 3
        ([], False),  # no 平时考核 record
    ],
)
def test_excellent_needs_good_in_more_than_half_of_the_quarters(quarters: list[str], ok: bool) -> None:
    result = run(person("1", quarters=quarters))["1"]
    assert result["final"] == ("优秀" if ok else "称职")
    assert codes(result) == ([] if ok else ["QUARTERS_NOT_MET"])


def test_sanctions_cap_the_grade_only_in_their_time() -> None:
    result = run(
        person("warned", sanctions=[{"kind": "警告", "from": "2026-03-01", "to": "2026-08-31"}]),
        person("last_year", sanctions=[{"kind": "警告", "from": "2025-03-01", "to": "2025-12-31"}]),
        person(
            "demerit", proposed="称职", sanctions=[{"kind": "记过", "from": "2025-10-01", "to": "2026-01-01"}]
        ),
        person(
            "after", proposed="称职", sanctions=[{"kind": "记大过", "from": "2024-06-01", "to": "2025-12-31"}]
        ),
        grade="实绩突出",
    )
    assert (result["warned"]["final"], codes(result["warned"])) == ("称职", ["SANCTION_CAP"])
    assert result["last_year"]["final"] == "优秀"  # a 2025 warning does not touch 2026
    # a 记过 in effect on 1 January 2026: only remarks, no grade
    assert (result["demerit"]["final"], codes(result["demerit"])) == ("不定等次", ["SANCTION_CAP"])
    assert result["after"]["final"] == "称职"  # ended before the year


@pytest.mark.parametrize(
    ("unfit", "valid", "flagged"),
    [(3, 10, True), (2, 10, False), (29, 100, False), (30, 100, True)],  # 30 % is flagged, 29 % is not
)
def test_unfit_share_at_30_percent_of_valid_votes(unfit: int, valid: int, flagged: bool) -> None:
    ballot = {"优秀": 0, "称职": valid - unfit, "基本称职": 0, "不称职": unfit}
    result = run(person("1", proposed="称职", ballot=ballot))["1"]
    assert codes(result, "flags") == (["UNFIT_SHARE"] if flagged else [])
    assert result["final"] == ("基本称职" if flagged else "称职")
    with_reason = run(
        person("1", proposed="称职", ballot=ballot, unfit_reason="测评后经组织核实，系工作矛盾所致")
    )["1"]
    assert with_reason["final"] == "称职" and codes(with_reason, "flags") == (
        ["UNFIT_SHARE"] if flagged else []
    )


def test_over_quota_places_go_by_ballot_share_then_quarters() -> None:
    # 9 people in a 好 unit: 9 × 15 % = 1.35 → 1 place; three eligible 优秀 proposals
    people = [person(str(i), proposed="称职") for i in range(6)]
    people += [
        person("a", ballot={"优秀": 6, "称职": 4}),  # 60 %
        person("b", ballot={"优秀": 8, "称职": 2}),  # 80 % → the place
        person("c", ballot={"优秀": 8, "称职": 2}, quarters=["好", "好", "好", "好"]),  # 80 %, 4 好 → first
    ]
    result = run(*people, grade="好")
    assert result["c"]["final"] == "优秀"
    assert (result["b"]["final"], codes(result["b"])) == ("称职", ["QUOTA_EXCEEDED"])
    assert (result["a"]["final"], codes(result["a"])) == ("称职", ["QUOTA_EXCEEDED"])
    assert "优秀名额 1 个已用完" in result["a"]["refused"][0]["message"]


# --- consequences --------------------------------------------------------------------------------


def test_consequences_are_proposals() -> None:
    result = run(
        person("three", history={"2025": "优秀", "2024": "优秀"}),
        person("two", history={"2025": "优秀", "2024": "称职"}),
        person("basic", proposed="基本称职"),
        person("unfit", proposed="不称职"),
        person("unfit2", proposed="不称职", history={"2025": "不称职"}),
        {
            **person("leader", proposed="称职"),
            "role": "leader",
            "unit_targets_missed": {"2026": True, "2025": True},
        },
        {**person("leader1", proposed="称职"), "role": "leader", "unit_targets_missed": {"2026": True}},
        person("staff", proposed="称职", unit_targets_missed={"2026": True, "2025": True}),
        person("x1", proposed="称职"),
        person("x2", proposed="称职"),
        grade="实绩突出",  # 10 people: 2 + 2 places
    )
    assert codes(result["three"], "proposals") == ["COMMENDATION", "MERIT_THIRD_CLASS"]
    assert "1500 元" in result["three"]["proposals"][1]["message"]
    assert codes(result["two"], "proposals") == ["COMMENDATION"]
    assert codes(result["basic"], "proposals") == ["NO_PROMOTION"]
    assert codes(result["unfit"], "proposals") == ["DEMOTION"]
    assert codes(result["unfit2"], "proposals") == ["DEMOTION", "DISMISSAL_PROPOSAL"]
    assert codes(result["leader"], "proposals") == ["TARGETS_MISSED_TWICE"]
    assert codes(result["leader1"], "proposals") == [] and codes(result["staff"], "proposals") == []


def test_bad_inputs_name_every_problem() -> None:
    with pytest.raises(ValidationError) as caught:
        grade_unit(
            {
                "year": 2026,
                "unit": {"pools": "both"},
                "participants": [
                    {"id": "1", "proposed": "很好", "quarters": ["优"]},
                    {"id": "1", "proposed": "称职"},
                ],
            }
        )
    text = "；".join(caught.value.messages)
    for part in (
        "unit.pools 应为 single 或 leaders_staff",
        "拟定等次应为",
        "平时考核等次应为",
        "人员 id 重复：1",
    ):
        assert part in text


@pytest.mark.django_db
def test_simulate_grades_command(tmp_path: Path) -> None:
    path = tmp_path / "inputs.json"
    people = [person(str(i), proposed="称职") for i in range(8)] + [
        person("a"),
        person("b", ballot={"优秀": 9, "称职": 1}),
    ]
    path.write_text(
        json.dumps(
            {"year": 2026, "unit": {"name": "甲镇", "grade": "好"}, "participants": people},
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("assessment", "simulate-grades", "--inputs", str(path), stdout=out)
    data = json.loads(out.getvalue())
    assert data["quota"]["total"] == {"all": 1} and data["quota"]["used"] == {"all": 1}  # 10 × 15 % = 1
    finals = {p["id"]: p["final"] for p in data["participants"]}
    assert finals["b"] == "优秀" and finals["a"] == "称职"
    text = io.StringIO()
    call_command("assessment", "simulate-grades", "--inputs", str(path), "--format", "text", stdout=text)
    assert "a 干部a：拟优秀 → 称职" in text.getvalue()
    path.write_text('{"year": 1}', encoding="utf-8")
    with pytest.raises(CommandError, match="year 应为年份"):
        call_command("assessment", "simulate-grades", "--inputs", str(path), stdout=io.StringIO())


def test_newcomers_and_long_absences() -> None:
    result = run(
        person("new", proposed="称职", joined="2026-07-01"),  # 6 months before 31 Dec: not a newcomer
        person("newer", proposed="称职", joined="2026-07-02"),  # less than 6 months
        person("ill", proposed="称职", absence_days=183),  # more than half the year
        person("ill2", proposed="称职", absence_days=182),
    )
    assert result["new"]["final"] == "称职" and result["ill2"]["final"] == "称职"
    assert (result["newer"]["final"], codes(result["newer"], "flags")) == ("不定等次", ["NEWCOMER"])
    assert (result["ill"]["final"], codes(result["ill"], "flags")) == ("不进行考核", ["NOT_ASSESSED"])
