"""平时考核 and 年度考核 of one township through the pages: four quarters (the 40 % 好 limit), the
year's proposals (over the quota refused, naming the numbers), 主管 and 组织部, the 公示 across the
National Day holiday, the grades in the registry, and the 三等功 proposal confirmed into the 奖惩."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from typing import Any

import docx
import openpyxl
from django.test import Client
from django.urls import reverse

from ganbu.assessment.models import AnnualReview, ConsequenceProposal, QuarterGrade
from ganbu.ballots import services as ballot_services
from ganbu.cadres.models import AnnualAssessment, Cadre, RewardPunishment
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import World


def _client(world: World, who: str) -> Client:
    client = Client()
    client.force_login(world.users[who])
    return client


def _messages(response: Any) -> str:
    return "；".join(str(m) for m in response.context["messages"]) if response.context else ""


def _staff(world: World) -> list[Cadre]:
    names = ["丁一", "王二", "张三", "李四", "赵五", "钱六", "孙七", "周八", "吴九", "郑十"]
    return [make_cadre(world.town_a, name) for name in names]


def test_a_year_of_one_township(world: World) -> None:
    people = _staff(world)
    for year in (2024, 2025):  # 丁一 was 优秀 the two years before
        AnnualAssessment.objects.create(cadre=people[0], year=year, grade="1")
    clerk, county = _client(world, "clerk_a"), _client(world, "county")
    url = reverse("assessment:quarters")

    # 平时考核: 10 people → 好 at most floor(10 × 40 %) = 4
    def quarter(q: int, good: list[int]) -> Any:
        form = {f"g-{c.pk}": ("好" if i in good else "较好") for i, c in enumerate(people)}
        return clerk.post(f"{url}?unit={world.town_a.pk}&year=2026&quarter={q}", form)

    refused = quarter(1, [0, 1, 2, 3, 4])
    assert "第1季度「好」最多 4 人（参加 10 人 × 40%，向下取整），现为 5 人" in _messages(refused)
    assert not QuarterGrade.objects.exists()
    for q in (1, 2, 3, 4):
        assert quarter(q, [0, 1, 2, 3]).status_code == 302
    by_score = clerk.post(f"{url}?unit={world.town_a.pk}&year=2026&quarter=4", {f"s-{people[9].pk}": "59.5"})
    assert by_score.status_code == 302
    assert QuarterGrade.objects.get(cadre=people[9], quarter=4).grade == "较差"  # a score < 60
    assert QuarterGrade.objects.filter(year=2026).count() == 40

    # the year: no sealed 综合考核 grade → 15 %: 10 × 15 % = 1.5 → 1 place
    assert (
        clerk.post(reverse("assessment:reviews"), {"unit": world.town_a.pk, "year": 2026}).status_code == 302
    )
    review = AnnualReview.objects.get(unit=world.town_a, year=2026)
    detail = reverse("assessment:review_detail", args=[review.pk])
    entries = {e.cadre.name: e for e in review.entries.select_related("cadre")}
    proposals = {f"p-{e.pk}": "称职" for e in entries.values()} | {
        f"p-{entries['丁一'].pk}": "优秀",
        f"p-{entries['王二'].pk}": "优秀",
    }
    over = clerk.post(detail, {"action": "submit", **proposals})
    assert "优秀名额 1 个已用完" in _messages(over)
    review.refresh_from_db()
    assert review.status == "draft"
    proposals[f"p-{entries['王二'].pk}"] = "称职"
    proposals[f"p-{entries['郑十'].pk}"] = "优秀"  # a 较差 quarter: refused by the 平时 rule
    not_met = clerk.post(detail, {"action": "submit", **proposals})
    assert "郑十：平时考核 4 个季度中「好」0 个，有「较差」，不能确定为优秀" in _messages(not_met)
    proposals[f"p-{entries['郑十'].pk}"] = "基本称职"
    assert clerk.post(detail, {"action": "submit", **proposals}).status_code == 302
    review.refresh_from_db()
    assert review.status == "proposed"

    assert clerk.post(detail, {"action": "confirm"}).status_code == 400  # the unit does not confirm itself
    for action in ("confirm", "approve"):
        assert county.post(detail, {"action": action}).status_code == 302
    # 公示 of 5 working days from Tuesday 29 September 2026: 29, 30 September, then the National Day
    # holiday (1–7 October), 8, 9 October and Saturday 10 October (a make-up working day)
    assert county.post(detail, {"action": "publicity", "start": "2026-09-29"}).status_code == 302
    review.refresh_from_db()
    assert (review.publicity_start, review.publicity_end) == (date(2026, 9, 29), date(2026, 10, 10))
    assert county.post(detail, {"action": "final"}).status_code == 302  # the suite's today: 2026-11-16
    review.refresh_from_db()
    assert review.status == "final"
    grades = dict(AnnualAssessment.objects.filter(year=2026).values_list("cadre__name", "grade"))
    assert grades["丁一"] == "1" and grades["王二"] == "2" and grades["郑十"] == "3"
    merit = ConsequenceProposal.objects.get(code="MERIT_THIRD_CLASS")
    assert merit.entry.cadre == people[0] and "1500 元" in merit.message
    assert ConsequenceProposal.objects.filter(code="NO_PROMOTION", entry__cadre=people[9]).exists()
    assert (
        clerk.post(detail, {"action": "accept", "proposal": merit.pk}).status_code == 400
    )  # the county decides
    assert county.post(detail, {"action": "accept", "proposal": merit.pk}).status_code == 302
    reward = RewardPunishment.objects.get(cadre=people[0])
    assert reward.name == "记三等功"
    page = county.get(detail).content.decode()
    assert "已确认" in page

    summary = county.get(reverse("assessment:review_download", args=[review.pk, "summary.xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(summary.content)).active
    assert sheet is not None
    rows = {r[0].value: [c.value for c in r] for r in sheet.iter_rows(min_row=3)}
    assert rows["丁一"][3:9] == ["好", "好", "好", "好", "优秀", "优秀"]
    notice = docx.Document(
        io.BytesIO(
            county.get(reverse("assessment:review_download", args=[review.pk, "publicity.docx"])).content
        )
    )
    text = "\n".join(p.text for p in notice.paragraphs)
    assert "1．丁一" in text and "2026年09月29日至2026年10月10日（5 个工作日）" in text
    bundle = clerk.get(reverse("assessment:review_download", args=[review.pk, "registers.zip"]))
    assert len(zipfile.ZipFile(io.BytesIO(bundle.content)).namelist()) == 10
    assert (
        _client(world, "clerk_b")
        .get(reverse("assessment:review_download", args=[review.pk, "registers.zip"]))
        .status_code
        == 404
    )


def test_the_final_grades_wait_for_the_end_of_the_publicity(world: World) -> None:
    _staff(world)
    county = _client(world, "county")
    county.post(reverse("assessment:reviews"), {"unit": world.town_a.pk, "year": 2026})
    review = AnnualReview.objects.get()
    detail = reverse("assessment:review_detail", args=[review.pk])
    county.post(detail, {"action": "submit"})
    for action in ("confirm", "approve"):
        county.post(detail, {"action": action})
    county.post(detail, {"action": "publicity", "start": "2026-11-16"})  # ends Friday 20 November
    early = county.post(detail, {"action": "final"})
    assert "公示期至 2026-11-20 结束，期满后才能确定等次" in _messages(early)
    assert not AnnualAssessment.objects.exists()


def test_another_township_sees_nothing(world: World) -> None:
    _staff(world)
    _client(world, "clerk_a").post(reverse("assessment:reviews"), {"unit": world.town_a.pk, "year": 2026})
    review = AnnualReview.objects.get()
    clerk_b = _client(world, "clerk_b")
    assert clerk_b.get(reverse("assessment:review_detail", args=[review.pk])).status_code == 404
    page = clerk_b.get(f"{reverse('assessment:quarters')}?unit={world.town_a.pk}").content.decode()
    assert "丁一" not in page


def test_the_years_ballot_decides_the_place_and_flags_the_unfit(world: World) -> None:
    people = _staff(world)
    clerk = _client(world, "clerk_a")
    for q in (1, 2, 3, 4):  # 丁一 and 王二 好 every quarter
        form = {f"g-{c.pk}": ("好" if i < 2 else "较好") for i, c in enumerate(people)}
        clerk.post(f"{reverse('assessment:quarters')}?unit={world.town_a.pk}&year=2026&quarter={q}", form)
    clerk.post(reverse("assessment:reviews"), {"unit": world.town_a.pk, "year": 2026})
    review = AnnualReview.objects.get()
    detail = reverse("assessment:review_detail", args=[review.pk])
    made = clerk.post(detail, {"action": "ballot", "mode": "paper", "e-本单位干部": "20"})
    assert made.status_code == 302
    review.refresh_from_db()
    session = review.ballot_session
    assert session is not None and session.unit == world.town_a
    assert {s.cadre_id for s in session.subjects.all()} == {c.pk for c in people}
    entries = {e.cadre.name: e for e in review.entries.select_related("cadre")}
    proposals = {f"p-{e.pk}": "称职" for e in entries.values()} | {
        f"p-{entries['丁一'].pk}": "优秀",
        f"p-{entries['王二'].pk}": "优秀",
    }
    unsealed = clerk.post(detail, {"action": "submit", **proposals})
    assert "民主测评尚未封存" in _messages(unsealed)

    votes = {c.name: {"优秀": 5, "称职": 15} for c in people}
    votes["王二"] = {"优秀": 12, "称职": 8}  # 60 % 优秀: the one place (丁一 25 %)
    votes["张三"] = {"称职": 14, "不称职": 6}  # 6 of 20 = 30 %: 不胜任现职
    ballot_services.paper_meeting_record(session=session, present=20, votes=votes)

    flagged = clerk.post(detail, {"action": "submit", **proposals})
    text = _messages(flagged)
    assert "丁一：本单位优秀名额 1 个已用完" in text
    assert "张三民主测评不称职票 6/20，确定为称职须写明理由" in text
    proposals[f"p-{entries['丁一'].pk}"] = "称职"
    ok = clerk.post(
        detail, {"action": "submit", **proposals, f"r-{entries['张三'].pk}": "经核实系个别矛盾，工作实绩突出"}
    )
    assert ok.status_code == 302
    review.refresh_from_db()
    assert review.status == "proposed"


def test_grades_command(world: World) -> None:
    import json

    from django.core.management import call_command

    _staff(world)
    _client(world, "clerk_a").post(reverse("assessment:reviews"), {"unit": world.town_a.pk, "year": 2026})
    out = io.StringIO()
    call_command("assessment", "grades", "--unit", "TA", "--year", "2026", stdout=out)
    data = json.loads(out.getvalue())
    assert data["unit"] == "甲镇" and data["quota"]["total"] == {"all": 1}
    assert len(data["participants"]) == 10


def test_the_county_overview_counts_grades_places_and_warnings(world: World) -> None:
    _staff(world)
    clerk, county = _client(world, "clerk_a"), _client(world, "county")
    clerk.post(reverse("assessment:reviews"), {"unit": world.town_a.pk, "year": 2026})
    review = AnnualReview.objects.get()
    clerk.post(reverse("assessment:review_detail", args=[review.pk]), {"action": "save"})
    page = county.get(reverse("assessment:annual_overview"), {"year": 2026})
    [row] = page.context["rows"]
    assert (row["n"], row["places"], row["counts"]["称职"], row["warnings"]) == (10, 1, 10, 0)
    assert clerk.get(reverse("assessment:annual_overview")).status_code == 403


def test_quarter_entry_keeps_what_was_typed_and_the_score_decides(world: World) -> None:
    people = _staff(world)
    clerk = _client(world, "clerk_a")
    url = f"{reverse('assessment:quarters')}?unit={world.town_a.pk}&year=2026&quarter=1"
    # one 好 first: the limit is of the unit's 10 participants (4), not of those graded so far
    assert clerk.post(url, {f"g-{people[0].pk}": "好"}).status_code == 302
    refused = clerk.post(url, {f"g-{people[1].pk}": "较好", f"s-{people[2].pk}": "九十"})
    html = refused.content.decode()
    assert refused.status_code == 400 and "得分应为数字" in _messages(refused)
    assert 'value="九十"' in html  # what was typed comes back
    assert f'name="g-{people[1].pk}"' in html and '<option value="较好" selected>' in html
    assert QuarterGrade.objects.count() == 1
    assert "「好」最多 4 人" in clerk.get(url).content.decode()  # 10 participants × 40 %
    # a saved 较差 with 58, then 75 typed while the list still shows 较差: the score decides (一般)
    clerk.post(url, {f"s-{people[3].pk}": "58"})
    clerk.post(url, {f"g-{people[3].pk}": "较差", f"s-{people[3].pk}": "75"})
    row = QuarterGrade.objects.get(cadre=people[3], quarter=1)
    assert (row.grade, str(row.score)) == ("一般", "75.00")


def test_a_refused_submission_keeps_the_proposals(world: World) -> None:
    _staff(world)
    clerk = _client(world, "clerk_a")
    clerk.post(reverse("assessment:reviews"), {"unit": world.town_a.pk, "year": 2026})
    review = AnnualReview.objects.get()
    entries = list(review.entries.all())
    form = {f"p-{e.pk}": "优秀" for e in entries[:3]}  # no 平时 record: refused
    refused = clerk.post(reverse("assessment:review_detail", args=[review.pk]), {"action": "submit", **form})
    assert "不能确定为优秀" in _messages(refused)
    review.refresh_from_db()
    assert review.status == "draft"
    assert [e.proposed for e in review.entries.order_by("id")][:3] == ["优秀", "优秀", "优秀"]
    shown = refused.content.decode()  # the refusal page shows what was just proposed
    assert shown.count("<option selected>优秀</option>") == 3
    assert review.result["participants"]


def test_a_report_is_uploaded_checked_and_downloaded_in_scope(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    _staff(world)
    clerk = _client(world, "clerk_a")
    clerk.post(reverse("assessment:reviews"), {"unit": world.town_a.pk, "year": 2026})
    review = AnnualReview.objects.get()
    entry = review.entries.select_related("cadre").first()
    assert entry is not None
    detail = reverse("assessment:review_detail", args=[review.pk])
    fake = clerk.post(
        detail, {"action": "report", "entry": entry.pk, "file": SimpleUploadedFile("述职.pdf", b"MZ\x90\x00")}
    )
    assert "不是 PDF、Word、Excel、JPG 或 PNG 文件" in _messages(fake)
    ok = clerk.post(
        detail,
        {"action": "report", "entry": entry.pk, "file": SimpleUploadedFile("述职.pdf", b"%PDF-1.4 report")},
    )
    assert ok.status_code == 302
    url = reverse("assessment:report_file", args=[review.pk, entry.pk])
    got = clerk.get(url)
    assert (
        got.status_code == 200
        and got["Content-Disposition"].startswith("attachment")
        and b"".join(got) == b"%PDF-1.4 report"
    )
    assert _client(world, "clerk_b").get(url).status_code == 404
