"""届中或届末考核 of a leading team (issue 15 item 6): the team's members take part, the 民主测评 of the
five sources with their weights decides (not the counts added up), the grades go into the registry's
专项考核, the team summary, and the 末位 list of the teams lowest in their category."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from ganbu.assessment.grading import grade_unit
from ganbu.assessment.models import AnnualReview, BottomEntry, ConsequenceProposal
from ganbu.assessment.selectors import term_summary
from ganbu.assessment.services import annual, bottom
from ganbu.ballots import services as ballot_services
from ganbu.cadres.models import AnnualAssessment, Cadre, EvaluationRecord
from ganbu.org.models import Unit
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import World

LEADERS = ["丁书记", "王镇长", "张副书记"]


def _team(unit: Unit, names: list[str] = LEADERS) -> list[Cadre]:
    return [make_cadre(unit, name, is_leader=True) for name in names]


def _client(world: World, who: str) -> Client:
    client = Client()
    client.force_login(world.users[who])
    return client


def _vote(review: AnnualReview, votes: dict[str, dict[str, dict[str, int]]]) -> None:
    """Paper counts per rater group: group → cadre name → option → n (20 valid ballots a group)."""
    session = review.ballot_session
    assert session is not None
    ballot_services.paper_meeting_record(session=session, present=20, group_votes=votes)
    review.refresh_from_db()


def _term_review(world: World, unit: Unit, names: list[str] = LEADERS) -> AnnualReview:
    _team(unit, names)
    make_cadre(unit, f"{unit.name}科员")  # staff: not in a team's review
    return annual.open_review(unit=unit, year=2026, actor=None, kind="endterm", term_start=2022)


def test_only_the_team_takes_part_and_the_term_is_checked(world: World) -> None:
    review = _term_review(world, world.town_a)
    assert sorted(e.cadre.name for e in review.entries.select_related("cadre")) == sorted(LEADERS)
    assert {e.role for e in review.entries.all()} == {"leader"}
    assert str(review) == "甲镇领导班子2022—2026年届末考核"
    # a term of five years: 2026 − 5 + 1 = 2022 is the earliest start, 2021 is refused
    with pytest.raises(ValidationError, match="任期起始年度应在 2022 到 2026 之间"):
        annual.open_review(unit=world.town_a, year=2026, actor=None, kind="midterm", term_start=2021)
    annual.open_review(unit=world.town_a, year=2026, actor=None, kind="midterm", term_start=2022)
    annual.open_review(unit=world.town_a, year=2026, actor=None)  # the annual one beside them
    with pytest.raises(ValidationError, match="甲镇2026年届末考核已建立"):
        annual.open_review(unit=world.town_a, year=2026, actor=None, kind="endterm", term_start=2023)
    with pytest.raises(ValidationError, match="没有领导班子成员"):
        annual.open_review(unit=world.dept, year=2026, actor=None, kind="endterm", term_start=2022)


def test_weighted_shares_decide_over_the_counts_added_up() -> None:
    """不称职 by counts: 9 of 40 = 22.5 % < 30 %; weighted 上级评价 30 × 40 % + … = 31 % ≥ 30 %."""
    person: dict[str, Any] = {
        "id": "1",
        "name": "丁书记",
        "role": "leader",
        "proposed": "称职",
        "ballot": {"称职": 31, "不称职": 9},
    }
    plain = grade_unit({"year": 2026, "unit": {"name": "甲镇"}, "participants": [person]})
    assert plain["participants"][0]["flags"] == []
    weighted = {**person, "ballot_weighted": {"称职": "0.69", "不称职": "0.31"}}
    out = grade_unit({"year": 2026, "unit": {"name": "甲镇"}, "participants": [weighted]})
    assert [f["code"] for f in out["participants"][0]["flags"]] == ["UNFIT_SHARE"]
    assert (
        "丁书记民主测评不称职票加权比例 31%，确定为称职须写明理由"
        in out["participants"][0]["refused"][0]["message"]
    )
    at_line = {**person, "ballot_weighted": {"称职": "0.71", "不称职": "0.29"}}
    out = grade_unit({"year": 2026, "unit": {"name": "甲镇"}, "participants": [at_line]})
    assert out["participants"][0]["flags"] == []
    bad = {**person, "ballot_weighted": {"不称职": "1.5"}}
    with pytest.raises(ValidationError, match="加权测评比例「不称职」应为 0 到 1 之间的数"):
        grade_unit({"year": 2026, "unit": {"name": "甲镇"}, "participants": [bad]})


def test_a_team_through_its_term_review(world: World) -> None:
    county = _client(world, "county")
    review = _term_review(world, world.town_a)
    detail = reverse("assessment:review_detail", args=[review.pk])
    groups = {g: "20" for g, _ in annual.TERM_RATER_GROUPS}
    made = county.post(
        detail, {"action": "ballot", "mode": "paper", **{f"e-{g}": n for g, n in groups.items()}}
    )
    assert made.status_code == 302
    review.refresh_from_db()
    assert review.ballot_session is not None
    assert {g.name: g.weight for g in review.ballot_session.groups.all()} == dict(annual.TERM_RATER_GROUPS)
    good = {"优秀": 10, "称职": 10}
    votes = {g: {n: good for n in LEADERS} for g, _ in annual.TERM_RATER_GROUPS}
    # 张副书记: 不称职 8 of 20 (40 %) from 上级评价 (30) and 基层群众评价 (20), none elsewhere:
    # weighted (30 × 40 % + 20 × 40 %) / 100 = 20 % < 30 %, while 优秀 … counts added 16 of 100
    for g in ("上级评价", "基层群众评价"):
        votes[g] = {**votes[g], "张副书记": {"称职": 12, "不称职": 8}}
    _vote(review, votes)
    entries = {e.cadre.name: e for e in review.entries.select_related("cadre")}
    # no 平时 record is needed for 优秀 in a team's review; one place: 3 × 20 %? no grade → 15 %
    # of 3 = 0.45 → 0 places; so 优秀 is refused by the quota, not by the quarters
    proposals = {f"p-{e.pk}": "称职" for e in entries.values()} | {f"p-{entries['丁书记'].pk}": "优秀"}
    over = county.post(detail, {"action": "submit", **proposals})
    text = "；".join(str(m) for m in over.context["messages"])
    assert "优秀名额 0 个已用完" in text and "平时考核" not in text
    proposals[f"p-{entries['丁书记'].pk}"] = "称职"
    assert county.post(detail, {"action": "submit", **proposals}).status_code == 302
    for action in ("confirm", "approve"):
        assert county.post(detail, {"action": action}).status_code == 302
    assert county.post(detail, {"action": "publicity", "start": "2026-09-29"}).status_code == 302
    assert county.post(detail, {"action": "final"}).status_code == 302
    review.refresh_from_db()
    assert review.status == "final"
    # into the registry's 专项考核, not its 年度考核; no reward or sanction proposed
    records = EvaluationRecord.objects.filter(kind="届末考核", year=2026)
    assert sorted(records.values_list("cadre__name", flat=True)) == sorted(LEADERS)
    assert set(records.values_list("grade", flat=True)) == {"2"}
    assert not AnnualAssessment.objects.filter(year=2026).exists()
    assert not ConsequenceProposal.objects.exists()

    summary = term_summary(review)
    by_name = {m["entry"].cadre.name: m for m in summary["members"]}
    assert by_name["丁书记"]["satisfaction"] == 1
    # 张副书记: 满意度 1 − 20 % (the weighted 不称职) = 80 %
    assert by_name["张副书记"]["satisfaction"] == Fraction(80, 100)
    assert summary["satisfaction"] == (1 + 1 + Fraction(80, 100)) / 3
    assert [y for y, _ in summary["unit_grades"]] == [2022, 2023, 2024, 2025, 2026]
    page = county.get(detail).content.decode()
    assert "领导班子届末考核情况" in page and "93.33%" in page  # 2.8 / 3
    registers = reverse("assessment:review_download", args=[review.pk, "registers.zip"])
    assert county.get(registers).status_code == 404  # the 登记表 is of the annual assessment
    sheet = county.get(reverse("assessment:review_download", args=[review.pk, "summary.xlsx"]))
    assert sheet.status_code == 200


def _final_team(world: World, unit: Unit, names: list[str], unfit: int) -> AnnualReview:
    """A closed 届末考核 whose members each got `unfit` 不称职 of 20 in every group."""
    review = _term_review(world, unit, names)
    annual.create_review_ballot(
        review=review, actor=None, expected={g: "20" for g, _ in annual.TERM_RATER_GROUPS}
    )
    review.refresh_from_db()
    row = {"称职": 20 - unfit, "不称职": unfit}
    _vote(review, {g: {n: row for n in names} for g, _ in annual.TERM_RATER_GROUPS})
    annual.save_proposals(review=review, actor=None, proposals={}, submit=False)
    AnnualReview.objects.filter(pk=review.pk).update(status="final")
    return review


def test_the_lowest_team_of_a_category_goes_on_the_bottom_list(world: World) -> None:
    Unit.objects.filter(pk=world.town_b.pk).update(category="中心镇")  # two teams in one category
    _final_team(world, world.town_a, ["甲书记", "甲镇长"], unfit=1)  # 满意度 95 %
    _final_team(world, world.town_b, ["乙书记", "乙乡长"], unfit=3)  # 满意度 85 %
    bottom.refresh_bottom_list(year=2026, actor=None)
    entry = BottomEntry.objects.get(source="endterm")
    assert entry.unit_id == world.town_b.pk
    assert entry.reason == "2022—2026年届末考核领导班子民主测评满意度 85.00%，在中心镇 2 个班子中最低"
    BottomEntry.objects.all().delete()
    Unit.objects.filter(pk=world.town_b.pk).update(category="山区乡镇")  # one team each: no last
    bottom.refresh_bottom_list(year=2026, actor=None)
    assert not BottomEntry.objects.exists()


def test_a_term_review_is_opened_from_the_page(world: World) -> None:
    _team(world.town_a)
    clerk = _client(world, "clerk_a")
    url = reverse("assessment:reviews")
    missing = clerk.post(url, {"unit": world.town_a.pk, "year": 2026, "kind": "midterm"})
    assert "请填写本届任期的起始年度" in "；".join(str(m) for m in missing.context["messages"])
    made = clerk.post(url, {"unit": world.town_a.pk, "year": 2026, "kind": "midterm", "term_start": "2024"})
    assert made.status_code == 302
    review = AnnualReview.objects.get(kind="midterm")
    assert review.term_start == 2024 and review.entries.count() == 3
    listing = clerk.get(url).content.decode()
    assert "届中考核" in listing and "2024—2026年" in listing


def test_many_refusals_read_as_one_alert(world: World) -> None:
    people = [make_cadre(world.town_a, name) for name in ("甲一", "甲二", "甲三", "甲四")]
    clerk = _client(world, "clerk_a")
    url = f"{reverse('assessment:quarters')}?unit={world.town_a.pk}&year=2026&quarter=1"
    four = clerk.post(url, {f"s-{c.pk}": "abc" for c in people})
    alerts = [str(m) for m in four.context["messages"]]
    assert len(alerts) == 1 and alerts[0].startswith("共 4 处需要修改：甲一：得分应为数字")
    three = clerk.post(url, {f"s-{c.pk}": "abc" for c in people[:3]})
    assert len(list(three.context["messages"])) == 3
