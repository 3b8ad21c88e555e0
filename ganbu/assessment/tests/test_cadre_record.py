"""A cadre's 考核记录 (issue 15 item 7): every grade with how it was reached — the quarters, each
year's review (proposed, refused or flagged by the rules, the sealed 民主测评, the 公示, final, the
consequences decided), and a registry grade entered by hand marked 「档案录入」; the cadre's page
links here for the roles that may see it."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from ganbu.assessment.models import AnnualEntry, AnnualReview, ConsequenceProposal
from ganbu.assessment.services import annual
from ganbu.ballots import services as ballot_services
from ganbu.cadres.models import AnnualAssessment, Cadre
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import World

NAMES = ["丁一", "王二", "张三", "李四", "赵五", "钱六", "孙七", "周八", "吴九", "郑十"]


def _client(world: World, who: str) -> Client:
    client = Client()
    client.force_login(world.users[who])
    return client


def _section(page: str, year: int) -> str:
    """The card of one year on the page."""
    match = re.search(rf'id="year-{year}".*?</section>', page, re.S)
    assert match, f"no card for {year}"
    return match.group(0)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def people(world: World) -> dict[str, Cadre]:
    return {name: make_cadre(world.town_a, name) for name in NAMES}


def _quarters(
    world: World, people: dict[str, Cadre], year: int, grades: dict[str, list[tuple[str, str]]]
) -> None:
    for q in (1, 2, 3, 4):
        values = {people[name].pk: quarters[q - 1] for name, quarters in grades.items() if len(quarters) >= q}
        if values:
            annual.enter_quarter_grades(unit=world.town_a, year=year, quarter=q, actor=None, values=values)


def _seal(review: AnnualReview, votes: dict[str, dict[str, int]]) -> None:
    session = annual.create_review_ballot(review=review, actor=None, expected={"本单位干部": "20"})
    ballot_services.paper_meeting_record(session=session, present=20, votes=votes)


@pytest.fixture
def year_2025(world: World, people: dict[str, Cadre]) -> AnnualReview:
    """甲镇's 2025: 丁一 好 three quarters of four (the first by a score of 92), 优秀 by the
    民主测评 (16 of 20), within the one place, 公示 from 5 January 2026, final; the 嘉奖 confirmed."""
    _quarters(
        world,
        people,
        2025,
        {"丁一": [("", "92"), ("好", ""), ("好", ""), ("较好", "")]}
        | {name: [("较好", "")] * 4 for name in NAMES[1:]},
    )
    review = annual.open_review(unit=world.town_a, year=2025, actor=None)
    _seal(review, {name: {"优秀": 5, "称职": 15} for name in NAMES} | {"丁一": {"优秀": 16, "称职": 4}})
    review.refresh_from_db()
    entries = {e.cadre.name: e for e in review.entries.select_related("cadre")}
    proposals = {e.pk: ("称职", "") for e in entries.values()} | {entries["丁一"].pk: ("优秀", "")}
    annual.save_proposals(review=review, actor=None, proposals=proposals, submit=True)
    annual.confirm_review(review=review, actor=None)
    annual.approve_review(review=review, actor=None)
    annual.start_publicity(review=review, actor=None, start=date(2026, 1, 5))
    annual.finalize_review(review=review, actor=None, today=date(2026, 1, 20))
    commendation = ConsequenceProposal.objects.get(entry=entries["丁一"], code="COMMENDATION")
    annual.decide_consequence(proposal=commendation, actor=world.users["county"], confirm=True, note="已发文")
    review.refresh_from_db()
    return review


def test_the_page_shows_every_grade_with_how_it_was_reached(
    world: World, people: dict[str, Cadre], year_2025: AnnualReview
) -> None:
    cadre = people["丁一"]
    AnnualAssessment.objects.create(cadre=cadre, year=2023, grade="2")  # typed into the registry by hand
    response = _client(world, "clerk_a").get(reverse("assessment:cadre_record", args=[cadre.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "丁一的考核记录" in page
    assert page.index('id="year-2025"') < page.index('id="year-2023"')  # newest first
    card = _text(_section(page, 2025))
    assert "第1季度 好 92 分" in card and "第4季度 较好 —" in card
    end = year_2025.publicity_end
    assert end is not None and end > date(2026, 1, 5)
    assert (
        f"甲镇拟定优秀 → 平时考核 4 个季度中「好」3 个 → 民主测评优秀票 80.00% → 名额内 → "
        f"公示 2026-01-05 至 {end:%Y-%m-%d} → 确定优秀" in card
    )
    assert "优秀 16 票（加权 80.00%），称职 4 票（加权 20.00%）" in card
    assert "已确定" in card and "符合规定" in card
    assert "丁一年度考核优秀，建议嘉奖（奖金" in card and "已确认" in card
    assert "决定人：county（组织部），2026-11-16；说明：已发文" in card
    assert "由本系统年度考核确定后写入" in card and "档案录入" not in card
    registry = _text(_section(page, 2023))
    assert "干部档案 年度考核结果：称职 档案录入" in registry
    assert "档案录入：称职（未经本系统年度考核）" in registry


def test_a_refusal_is_shown_while_the_review_is_open(world: World, people: dict[str, Cadre]) -> None:
    _quarters(world, people, 2026, {"王二": [("一般", "")]})
    review = annual.open_review(unit=world.town_a, year=2026, actor=None)
    entry = review.entries.get(cadre=people["王二"])
    annual.save_proposals(review=review, actor=None, proposals={entry.pk: ("优秀", "")}, submit=False)
    page = _client(world, "county").get(reverse("assessment:cadre_record", args=[people["王二"].pk]))
    card = _text(_section(page.content.decode(), 2026))
    refusal = (
        "王二：平时考核 1 个季度中「好」0 个，有「一般」，不能确定为优秀（须「好」超过半数且无一般、较差）"
    )
    assert f"未通过：{refusal}" in card
    assert (
        f"甲镇拟定优秀 → 平时考核 1 个季度中「好」0 个，有「一般」 → 未通过：{refusal} → 核对结果称职（单位填报中）"
        in card
    )
    assert "尚未确定" in card and "第1季度 一般 —" in card
    assert "尚无年度考核结果" in card


def test_it_shows_the_review_result_as_stored(world: World, people: dict[str, Cadre]) -> None:
    """The rules' warnings come from the stored result, never re-applied (no ballot exists here)."""
    review = AnnualReview.objects.create(unit=world.town_a, year=2024, status="final")
    entry = AnnualEntry.objects.create(
        review=review, cadre=people["张三"], role="staff", proposed="称职", final="基本称职"
    )
    flag = "张三民主测评不称职票 6/20，达到 30%，不胜任现职"
    review.result = {
        "participants": [
            {
                "id": str(entry.pk),
                "proposed": "称职",
                "final": "基本称职",
                "refused": [],
                "flags": [{"code": "UNFIT_SHARE", "message": flag}],
                "proposals": [],
            }
        ]
    }
    review.save()
    page = _client(world, "county").get(reverse("assessment:cadre_record", args=[people["张三"].pk]))
    card = _text(_section(page.content.decode(), 2024))
    assert f"提示：{flag}" in card
    assert f"甲镇拟定称职 → 平时考核无记录 → 提示：{flag} → 确定基本称职" in card


def test_a_review_of_a_unit_outside_the_scope_shows_without_its_link(
    world: World, people: dict[str, Cadre]
) -> None:
    """A cadre who moved to 甲镇 took part in 乙乡's review: 甲镇 reads the grade, not 乙乡's review."""
    review = AnnualReview.objects.create(unit=world.town_b, year=2024, status="final")
    AnnualEntry.objects.create(
        review=review, cadre=people["李四"], role="staff", proposed="称职", final="称职"
    )
    url = reverse("assessment:cadre_record", args=[people["李四"].pk])
    page = _client(world, "clerk_a").get(url).content.decode()
    detail = reverse("assessment:review_detail", args=[review.pk])
    assert "乙乡2024年度考核" in page and detail not in page
    assert detail in _client(world, "county").get(url).content.decode()


def test_another_township_cannot_open_it(world: World, people: dict[str, Cadre]) -> None:
    url = reverse("assessment:cadre_record", args=[people["丁一"].pk])
    assert _client(world, "clerk_b").get(url).status_code == 404
    assert _client(world, "clerk_a").get(url).status_code == 200


def test_a_role_without_assessment_view_is_refused(world: World, people: dict[str, Cadre]) -> None:
    url = reverse("assessment:cadre_record", args=[people["丁一"].pk])
    for who in ("supervision", "committee"):  # they see the registry, not the assessment
        response = _client(world, who).get(url)
        assert response.status_code == 403, who
        assert "丁一" not in response.content.decode()


def test_it_answers_get_only(world: World, people: dict[str, Cadre]) -> None:
    url = reverse("assessment:cadre_record", args=[people["丁一"].pk])
    assert _client(world, "county").post(url).status_code == 405


def test_the_cadre_page_links_here_for_who_may_follow(world: World, people: dict[str, Cadre]) -> None:
    cadre = people["丁一"]
    detail = reverse("cadres:detail", args=[cadre.pk])
    link = f'href="{reverse("assessment:cadre_record", args=[cadre.pk])}">考核记录</a>'
    assert link in _client(world, "clerk_a").get(detail).content.decode()
    shown = _client(world, "supervision").get(detail)
    assert shown.status_code == 200 and "丁一" in shown.content.decode()
    assert "考核记录" not in shown.content.decode()
