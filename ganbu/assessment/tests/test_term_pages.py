"""The pages around a 届中或届末考核 after the new-user tour: every step of a review says what it did
(and 确定等次 asks first), the team summary says 「无封存结果」 for a year without a sealed 综合考核 and
lists 正职 before 副职, the term review's 结果汇总表 has the 满意度 instead of the quarters, the
cadre's 考核记录 keeps the 平时考核 out of a term review's chain, and the list of reviews is filtered by
年度 and 考核类别."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import openpyxl
from django.test import Client
from django.urls import reverse

from ganbu.assessment import annual_documents
from ganbu.assessment.models import AnnualReview
from ganbu.assessment.selectors import term_summary
from ganbu.assessment.services import annual
from ganbu.ballots import services as ballot_services
from ganbu.cadres.models import Cadre
from ganbu.org.models import Unit
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import World

TEAM = {"丁书记": "1A41", "王镇长": "1A41", "张副镇长": "1A42"}


def _client(world: World, who: str) -> Client:
    client = Client()
    client.force_login(world.users[who])
    return client


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def _team(unit: Unit, team: dict[str, str] = TEAM) -> dict[str, Cadre]:
    return {
        name: make_cadre(unit, name, is_leader=True, current_level=level, current_title=f"{unit.name}{name}")
        for name, level in team.items()
    }


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _seal(review: AnnualReview, unfit: dict[str, int]) -> None:
    """A paper count in each of the five rater groups: 20 valid ballots, `unfit[name]` 不称职."""
    session = annual.create_review_ballot(
        review=review, actor=None, expected={g: "20" for g, _ in annual.TERM_RATER_GROUPS}
    )
    votes = {name: {"称职": 20 - n, "不称职": n} for name, n in unfit.items()}
    ballot_services.paper_meeting_record(session=session, present=20, votes=votes)
    review.refresh_from_db()


def _through(review: AnnualReview) -> AnnualReview:
    """Proposed as the rules check, then 主管, 组织部, 公示 from 5 January 2026, final."""
    annual.save_proposals(review=review, actor=None, proposals={}, submit=True)
    annual.confirm_review(review=review, actor=None)
    annual.approve_review(review=review, actor=None)
    annual.start_publicity(review=review, actor=None, start=date(2026, 1, 5))
    annual.finalize_review(review=review, actor=None, today=date(2026, 1, 20))
    review.refresh_from_db()
    return review


# --- 1: every step says what it did -------------------------------------------------------------


def test_each_step_of_a_year_says_what_it_did(world: World) -> None:
    for name in ("丁一", "王二", "张三"):
        make_cadre(world.town_a, name)
    clerk, county = _client(world, "clerk_a"), _client(world, "county")
    made = clerk.post(reverse("assessment:reviews"), {"unit": world.town_a.pk, "year": 2026}, follow=True)
    assert _messages(made) == ["已建立甲镇2026年度考核，参加考核的干部 3 人；请组织民主测评，并拟定等次。"]
    review = AnnualReview.objects.get()
    detail = reverse("assessment:review_detail", args=[review.pk])
    low = review.entries.get(cadre__name="张三")  # 基本称职: the rules propose 不得晋升
    clerk.post(detail, {"action": "submit", f"p-{low.pk}": "基本称职"})

    def step(data: dict[str, str]) -> list[str]:
        response = county.post(detail, data, follow=True)
        assert response.redirect_chain, _messages(response)
        return _messages(response)

    assert step({"action": "return", "reason": "请补充述职报告"}) == [
        "已退回甲镇重新填报（理由：请补充述职报告）。"
    ]
    clerk.post(detail, {"action": "submit", f"p-{low.pk}": "基本称职"})
    assert step({"action": "confirm"}) == ["已审核，报县委组织部审批。"]
    assert step({"action": "approve"}) == ["已审批，请安排公示。"]
    # five working days from Tuesday 29 September 2026 across the National Day holiday
    assert step({"action": "publicity", "start": "2026-09-29"}) == [
        "公示期为 2026年9月29日至10月10日（5 个工作日）。"
    ]
    page = county.get(detail).content.decode()
    assert 'data-confirm="确定甲镇2026年度考核的等次并记入干部档案？确定后不能再修改。"' in page
    assert step({"action": "final"}) == ["等次已确定并记入干部档案；奖惩建议待确认。"]
    proposal = review.entries.get(pk=low.pk).consequences.get()
    assert step({"action": "decline", "proposal": str(proposal.pk)}) == [f"已不采纳「{proposal.message}」。"]


def test_a_team_review_says_where_its_grades_went(world: World) -> None:
    _team(world.town_a)
    county = _client(world, "county")
    made = county.post(
        reverse("assessment:reviews"),
        {"unit": world.town_a.pk, "year": 2026, "kind": "endterm", "term_start": "2022"},
        follow=True,
    )
    assert _messages(made) == [
        "已建立甲镇领导班子2022—2026年届末考核，参加考核的领导班子成员 3 人；请组织民主测评，并拟定等次。"
    ]
    review = AnnualReview.objects.get()
    detail = reverse("assessment:review_detail", args=[review.pk])
    county.post(detail, {"action": "submit"})
    for action in ("confirm", "approve"):
        county.post(detail, {"action": action})
    county.post(detail, {"action": "publicity", "start": "2026-09-29"})
    page = county.get(detail).content.decode()
    assert (
        'data-confirm="确定甲镇领导班子2022—2026年届末考核的等次并记入干部档案的专项考核？确定后不能再修改。"'
        in page
    )
    final = county.post(detail, {"action": "final"}, follow=True)
    assert _messages(final) == ["等次已确定并记入干部档案的专项考核。"]


# --- 2: the team summary ---------------------------------------------------------------------------


def test_the_summary_says_none_for_a_year_without_a_result_and_lists_heads_first(world: World) -> None:
    # stroke order (the entries' order): 丁 王 李 张; 丁 is a deputy, 李 has no level
    _team(world.town_a, {"丁副书记": "1A42", "王书记": "1A41", "李委员": "", "张镇长": "1A41"})
    review = annual.open_review(unit=world.town_a, year=2026, actor=None, kind="midterm", term_start=2024)
    assert [e.cadre.name for e in review.entries.order_by("id")] == ["丁副书记", "王书记", "李委员", "张镇长"]
    summary = term_summary(review)
    assert [m["entry"].cadre.name for m in summary["members"]] == ["王书记", "张镇长", "丁副书记", "李委员"]
    page = _client(world, "county").get(reverse("assessment:review_detail", args=[review.pk]))
    text = _text(page.content.decode())
    assert "本届各年度综合考核：2024年无封存结果，2025年无封存结果，2026年无封存结果。" in text
    assert "未封存" not in text
    assert text.index("王书记") < text.index("张镇长") < text.index("丁副书记")


# --- 3: the 结果汇总表 of a team --------------------------------------------------------------------


def _sheet(content: bytes) -> Any:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return sheet


def test_the_summary_sheet_of_a_team_has_the_satisfaction_not_the_quarters(world: World) -> None:
    _team(world.town_a)
    review = annual.open_review(unit=world.town_a, year=2026, actor=None, kind="endterm", term_start=2022)
    # 不称职 of 20 in every group: 丁书记 0 (满意度 100 %), 王镇长 2 (90 %), 张副镇长 3 (85 %)
    _seal(review, {"丁书记": 0, "王镇长": 2, "张副镇长": 3})
    annual.save_proposals(review=review, actor=None, proposals={}, submit=False)
    response = _client(world, "county").get(
        reverse("assessment:review_download", args=[review.pk, "summary.xlsx"])
    )
    sheet = _sheet(response.content)
    assert sheet.title == "届末考核结果"
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0][0] == "甲镇领导班子2022—2026年届末考核结果汇总表（单位填报中）"
    assert rows[1] == ["姓名", "职务", "类别", "满意度", "不称职票（加权）", "拟定等次", "确定等次", "说明"]
    assert [r[:5] for r in rows[2:5]] == [
        ["丁书记", "甲镇丁书记", "领导干部", "100.00%", "0.00%"],
        ["王镇长", "甲镇王镇长", "领导干部", "90.00%", "10.00%"],
        ["张副镇长", "甲镇张副镇长", "领导干部", "85.00%", "15.00%"],
    ]
    assert rows[5][0] == "班子满意度" and rows[5][3] == "91.67%"  # (100 + 90 + 85) / 3
    assert len(rows) == 6
    midterm = annual.open_review(unit=world.town_a, year=2026, actor=None, kind="midterm", term_start=2024)
    assert _sheet(annual_documents.summary_xlsx(midterm)).title == "届中考核结果"
    yearly = annual.open_review(unit=world.town_a, year=2026, actor=None)
    sheet = _sheet(annual_documents.summary_xlsx(yearly))
    assert sheet.title == "年度考核结果"
    assert [c.value for c in sheet[2]][3:7] == ["一季度", "二季度", "三季度", "四季度"]


# --- 4: the cadre's 考核记录 ---------------------------------------------------------------------


def test_the_record_keeps_the_quarters_out_of_a_term_review(world: World) -> None:
    team = _team(world.town_a)
    head = team["丁书记"]
    annual.enter_quarter_grades(
        unit=world.town_a, year=2026, quarter=1, actor=None, values={head.pk: ("较好", "")}
    )
    annual.open_review(unit=world.town_a, year=2026, actor=None)  # the year's, still open
    _through(annual.open_review(unit=world.town_a, year=2026, actor=None, kind="endterm", term_start=2022))
    page = _client(world, "county").get(reverse("assessment:cadre_record", args=[head.pk])).content.decode()
    card = re.search(r'id="year-2026".*?</section>', page, re.S)
    assert card
    html = card.group(0)
    yearly = _text(html[html.index(">年度考核</h2>") : html.index(">2022—2026年届末考核</h2>")])
    term = _text(html[html.index(">2022—2026年届末考核</h2>") : html.index(">干部档案</h2>")])
    assert "等次形成： 甲镇未拟定等次 → 平时考核 1 个季度中「好」0 个 → 尚未按规则核对" in _text(html)
    assert "奖惩建议" in yearly
    assert "甲镇领导班子2022—2026年届末考核" in term
    assert "等次形成： 甲镇拟定称职 → 确定称职" in term
    assert "平时考核" not in term and "奖惩建议" not in term
    assert "记入干部档案的专项考核" in term


# --- 5: the list of reviews ---------------------------------------------------------------------


def test_the_reviews_are_filtered_by_year_and_kind(world: World) -> None:
    _team(world.town_a)
    make_cadre(world.town_b, "乙一")
    annual.open_review(unit=world.town_a, year=2025, actor=None)
    annual.open_review(unit=world.town_a, year=2026, actor=None)
    annual.open_review(unit=world.town_b, year=2026, actor=None)
    annual.open_review(unit=world.town_a, year=2026, actor=None, kind="endterm", term_start=2022)
    county = _client(world, "county")
    url = reverse("assessment:reviews")

    def listed(query: dict[str, str]) -> tuple[list[str], str]:
        response = county.get(url, query)
        assert response.status_code == 200
        return [str(r) for r in response.context["reviews"]], _text(response.content.decode())

    shown, text = listed({})  # the suite's today: 2026
    assert sorted(shown) == ["乙乡2026年度考核", "甲镇2026年度考核", "甲镇领导班子2022—2026年届末考核"]
    assert "2026年各类考核，共 3 个" in text and "建立考核" in text
    assert listed({"year": "2025"})[0] == ["甲镇2025年度考核"]
    assert len(listed({"year": "all"})[0]) == 4
    shown, text = listed({"year": "2026", "kind": "endterm"})
    assert shown == ["甲镇领导班子2022—2026年届末考核"] and "2026年届末考核，共 1 个" in text
    assert listed({"year": "all", "kind": "annual"})[1].count("年度考核") >= 3
    shown, text = listed({"year": "2024"})
    assert shown == [] and "该年度还没有考核。" in text and "2024年各类考核，共 0 个" in text
    assert "该年度还没有届中考核。" in listed({"kind": "midterm"})[1]
    assert len(listed({"year": "abc", "kind": "nonsense"})[0]) == 3  # unreadable: the defaults
    clerk_b = _client(world, "clerk_b")
    assert [str(r) for r in clerk_b.get(url, {"year": "all"}).context["reviews"]] == ["乙乡2026年度考核"]


def test_the_record_reads_a_team_review_by_the_satisfaction(world: World) -> None:
    _team(world.town_a)
    review = annual.open_review(unit=world.town_a, year=2026, actor=None, kind="endterm", term_start=2022)
    _seal(review, {"丁书记": 0, "王镇长": 2, "张副镇长": 3})  # 王镇长: 满意度 90 %
    annual.save_proposals(review=review, actor=None, proposals={}, submit=False)
    deputy = review.entries.get(cadre__name="王镇长").cadre
    page = _client(world, "county").get(reverse("assessment:cadre_record", args=[deputy.pk])).content.decode()
    text = _text(page)
    assert "民主测评满意度 90.00%" in text
    assert "民主测评优秀票" not in text
