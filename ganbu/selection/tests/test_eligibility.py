"""资格审查 at each boundary, answers by hand: years at the level below (副职 → 正职 2 years, 下级正职
→ 上级副职 3 years), 学历 group, age on the cut-off date, 工作年限 and 党龄 to the anniversary, three
years of 称职 or better, a sanction in effect, an open complaint; and the case refusing a candidate
who fails one at 确定考察对象 until an exception with its approval is recorded."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from ganbu.selection.rules.eligibility import Facts, Requirements, conditions, education_group
from ganbu.testing.world import World

ON = date(2026, 6, 15)
BASE = Facts(
    birth=date(1985, 6, 15),
    work_started=date(2008, 7, 1),
    party_joined=date(2006, 6, 1),
    education="21",
    level="1A42",
    level_since=date(2024, 6, 15),
    grades={2023: "2", 2024: "1", 2025: "2"},
)
REQ = Requirements()


def _met(facts: Facts, req: Requirements = REQ, post: str = "1A41") -> dict[str, bool]:
    return {c.label: c.met for c in conditions(facts, req, post_level=post, as_of=ON)}


def test_years_at_the_level_below() -> None:
    # 副职 since 2024-06-15: on 2026-06-15 exactly 2 years → met; a day later start → 1 year
    assert _met(BASE)["任职年限"]
    assert not _met(replace(BASE, level_since=date(2024, 6, 16)))["任职年限"]
    # 乡科级副职 from 科员: 3 years; 科员 since 2023-06-15 → 3 years on the day
    clerk = replace(BASE, level="1A50", level_since=date(2023, 6, 15))
    assert _met(clerk, post="1A42")["任职年限"]
    assert not _met(replace(clerk, level_since=date(2023, 6, 16)), post="1A42")["任职年限"]
    # two levels below (科员 for a 正职 post) never meets it; the same level always does
    assert not _met(replace(BASE, level="1A50", level_since=date(2000, 1, 1)))["任职年限"]
    assert _met(replace(BASE, level="1A41", level_since=date(2026, 1, 1)))["任职年限"]


def test_education_age_work_and_party_years() -> None:
    assert (
        education_group("21") == "大学"
        and education_group("31") == "大专"
        and education_group("41") == "中专及以下"
    )
    assert _met(replace(BASE, education="31"))["学历"]  # 大专 meets the default 大专以上
    assert not _met(replace(BASE, education="41"))["学历"]
    assert not _met(replace(BASE, education=""))["学历"]
    assert _met(BASE, replace(REQ, education="大学"))["学历"]
    assert not _met(replace(BASE, education="31"), replace(REQ, education="大学"))["学历"]
    # born 1985-06-15: 41 on 2026-06-15; max 41 met, max 40 not; cut-off a day earlier: 40
    assert _met(BASE, replace(REQ, max_age=41))["年龄"]
    assert not _met(BASE, replace(REQ, max_age=40))["年龄"]
    assert _met(BASE, replace(REQ, max_age=40, age_on=date(2026, 6, 14)))["年龄"]
    # 工作 from 2008-07-01: 18 years on 2026-07-01, so not yet on 2026-06-15
    assert _met(BASE, replace(REQ, work_years=17))["工作年限"]
    assert not _met(BASE, replace(REQ, work_years=18))["工作年限"]
    assert not _met(replace(BASE, work_started=None))["工作年限"]
    # 党龄 from 2006-06-01: 20 years on 2026-06-01
    assert _met(BASE, replace(REQ, party_years=20))["党龄"]
    assert not _met(BASE, replace(REQ, party_years=21))["党龄"]
    assert "党龄" not in _met(BASE)  # 0: no requirement


def test_grades_sanctions_and_complaints() -> None:
    # the three years before 2026: 2023, 2024, 2025 — each 称职 or 优秀
    assert _met(BASE)["年度考核"]
    assert not _met(replace(BASE, grades={2023: "2", 2024: "3", 2025: "2"}))["年度考核"]
    assert not _met(replace(BASE, grades={2024: "2", 2025: "2"}))["年度考核"]  # 2023 missing
    assert _met(replace(BASE, grades={2024: "2", 2025: "2"}), replace(REQ, grade_years=2))["年度考核"]
    # a 警告 of 2025-12-15 runs six months, to 2026-06-15: in effect on the day, over the day after
    warned = replace(BASE, sanctions=(("警告", date(2025, 12, 15), date(2026, 6, 15)),))
    assert not _met(warned)["处分"]
    assert _met(replace(BASE, sanctions=(("警告", date(2025, 12, 14), date(2026, 6, 14)),)))["处分"]
    assert not _met(replace(BASE, complaint_open=True))["信访举报"]
    shown = {c.label: c.actual for c in conditions(warned, REQ, post_level="1A41", as_of=ON)}
    assert shown["处分"] == "警告处分期内" and shown["年度考核"] == "2023年称职，2024年优秀，2025年称职"


def test_a_failed_condition_blocks_until_an_exception(world: World) -> None:
    from ganbu.org import services as org_services
    from ganbu.selection import services
    from ganbu.selection.models import StepKind
    from ganbu.testing.registry import make_cadre

    post = org_services.post_create(unit=world.town_a, team=None, name="党委书记", level="1A41", actor=None)
    case = services.case_open(post=post, seats=1, method="委任", day=date(2026, 6, 1), actor=None)
    services.step_record(case=case, kind=StepKind.MOTION, day=date(2026, 6, 1), actor=None, today=ON)
    people = []
    for name in ("甲一", "乙二", "丙三"):
        cadre = make_cadre(
            world.town_b,
            name,
            highest_education="21" if name != "乙二" else "41",
            party_joined_on=date(2010, 7, 1),
        )
        candidate = services.candidate_add(case=case, cadre_id=cadre.pk, actor=None)
        people.append(candidate)
    services.step_record(
        case=case,
        kind=StepKind.RECOMMEND,
        day=date(2026, 6, 5),
        actor=None,
        today=ON,
        data={"valid_ballots": "30", **{f"votes-{c.pk}": "10" for c in people}},
        reason="谈话调研推荐得票均衡，经部务会研究不再二轮推荐",
    )
    for c in people:
        services.candidate_views(
            candidate=c, actor=None, two_recommendations=True, masses=True, party_org=True, leader=True
        )
    chosen = {"chosen": [people[0].pk, people[1].pk]}
    # make_cadre has no annual grades and no level: 年度考核 fails for both; 乙二's 学历 too
    with pytest.raises(ValidationError) as refused:
        services.step_record(
            case=case, kind=StepKind.SHORTLIST, day=date(2026, 6, 10), actor=None, today=ON, data=chosen
        )
    text = "；".join(refused.value.messages)
    assert "乙二资格条件不符（学历：应大专以上，实为中专及以下；年度考核：应近 3 年称职以上" in text
    for c in people[:2]:
        services.candidate_views(
            candidate=c,
            actor=None,
            two_recommendations=True,
            masses=True,
            party_org=True,
            leader=True,
            exception="新录用人员，经县委组织部部务会研究同意（青组〔2026〕5号）",
        )
    services.step_record(
        case=case, kind=StepKind.SHORTLIST, day=date(2026, 6, 10), actor=None, today=ON, data=chosen
    )


def test_a_party_post_needs_a_full_member_of_a_year() -> None:
    req = replace(REQ, party_member=True)
    # joined 2025-06-15: a full year on 2026-06-15; joined a day later: not yet
    assert _met(replace(BASE, party_joined=date(2025, 6, 15)), req)["政治面貌"]
    assert not _met(replace(BASE, party_joined=date(2025, 6, 16)), req)["政治面貌"]
    assert not _met(replace(BASE, political_status="02"), req)["政治面貌"]  # 预备党员
    assert not _met(replace(BASE, political_status="13"), req)["政治面貌"]  # 群众
    assert "政治面貌" not in _met(BASE)  # not a party post
