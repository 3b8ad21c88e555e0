"""The organiser's and members' pages as users use them."""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client
from django.urls import reverse

from ganbu.audit.models import AuditEvent
from ganbu.ballots import services
from ganbu.ballots.models import BallotSession, SessionVoter
from ganbu.ballots.tests.factories import approval_session, close, issue, nominees, open_, rating_session
from ganbu.testing.world import World

pytestmark = pytest.mark.django_db


def login(world: World, who: str) -> Client:
    client = Client()
    client.force_login(world.users[who])
    return client


def test_a_whole_meeting_through_the_pages(world: World) -> None:
    clerk = login(world, "clerk_a")
    response = clerk.post(
        reverse("ballots:session_create"),
        {
            "title": "甲村驻村干部述职评议",
            "unit": world.town_a.pk,
            "kind": "rating",
            "mode": "electronic",
            "subject-0-name": "王芳",
            "subject-0-note": "驻甲村第一书记",
            "subject-0-nominee": "on",
            "subject-1-name": "李强",
            "subject-1-nominee": "on",
            "subject-2-name": "",
            "options": "",
            "group-0-name": "村民代表",
            "group-0-expected": "30",
            "group-0-weight": "4",
            "group-1-name": "乡镇干部",
            "group-1-expected": "20",
            "group-1-weight": "3",
            "group-2-name": "乡镇领导",
            "group-2-expected": "4",
            "group-2-weight": "3",
            "group-3-name": "",
            "group-3-expected": "",
            "group-3-weight": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    session = BallotSession.objects.get()
    assert session.unit == world.town_a and session.created_by == world.users["clerk_a"]
    assert [g.name for g in session.groups.all()] == ["村民代表", "乡镇干部", "乡镇领导"]
    detail = reverse("ballots:session_detail", args=[session.pk])
    assert "王芳" in clerk.get(detail).content.decode()

    group = session.groups.get(name="村民代表")
    pdf = clerk.post(
        reverse("ballots:session_codes", args=[session.pk]), {"group": group.pk, "count": 12, "format": "pdf"}
    )
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and pdf["Cache-Control"] == "no-store"
    csv = clerk.post(
        reverse("ballots:session_codes", args=[session.pk]), {"group": group.pk, "count": 25, "format": "csv"}
    )
    codes = csv.content.decode().split()
    assert len(codes) == 25

    assert (
        clerk.post(
            reverse("ballots:session_open", args=[session.pk]), {f"present_{group.pk}": 28}
        ).status_code
        == 302
    )
    session.refresh_from_db()
    assert session.status == "open"
    for i, code in enumerate(codes):
        body = {
            "code": code,
            "answers": {"王芳": "优秀" if i < 20 else "称职", "李强": "不称职" if i < 10 else "称职"},
        }
        assert (
            Client().post("/api/ballots/", json.dumps(body), content_type="application/json").status_code
            == 201
        )

    progress = clerk.get(reverse("ballots_api:progress", args=[session.pk])).json()
    assert progress["received"] is None or progress["groups"][0]["received"] == 25
    assert progress["groups"][0] == {"name": "村民代表", "expected": 30, "present": 28, "received": 25}
    assert progress["groups"][2]["received"] is None  # 乡镇领导 (4) is below the minimum group size (5)
    screen = clerk.get(reverse("ballots:session_screen_counts", args=[session.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in screen and "25" in screen
    assert clerk.get(reverse("ballots:session_result", args=[session.pk])).context["result"] is None

    assert clerk.post(reverse("ballots:session_close", args=[session.pk])).status_code == 302
    closed = clerk.get(detail).content.decode()
    assert "计票结果的校验码写入记实" in closed
    assert clerk.post(reverse("ballots:session_seal", args=[session.pk])).status_code == 302
    session.refresh_from_db()
    assert session.status == "sealed"
    page = clerk.get(reverse("ballots:session_result", args=[session.pk]))
    html = page.content.decode()
    assert "封存，校验通过" in html or "校验通过" in html
    # the seal in the organisation department's words, its value shown for an auditor to compare
    sealed = clerk.get(detail).content.decode()
    assert "计票结果与记实第" in sealed and "条中的封存校验码一致" in sealed
    for text in (html, sealed):
        assert f"封存校验码：{session.tally_sha256}" in text
    for text in (closed, html, sealed):
        assert "SHA-256" not in text and "哈希" not in text
    assert "不胜任现职预警" in html  # 李强: 10 of 25 不称职 = 40%
    result = page.context["result"]
    assert result.subjects[0].counts == {"优秀": 20, "称职": 5, "基本称职": 0, "不称职": 0}

    xlsx = clerk.get(reverse("ballots:session_result_xlsx", args=[session.pk]))
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content))["结果"]
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert "王芳" in values and "李强" in values and 20 in values
    docx = clerk.get(reverse("ballots:session_result_docx", args=[session.pk]))
    from docx import Document

    document = Document(io.BytesIO(docx.content))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert "王芳" in cells and "40.00" in cells
    actions = list(
        AuditEvent.objects.filter(object_type="ballots.ballotsession").values_list("action", flat=True)
    )
    assert actions == [
        "ballots.session_created",
        "ballots.codes_issued",
        "ballots.codes_export",
        "ballots.codes_issued",
        "ballots.codes_export",
        "ballots.session_opened",
        "ballots.session_closed",
        "ballots.session_sealed",
        "ballots.result_export",
        "ballots.result_export",
    ]


def test_small_bodies_see_no_live_count(world: World) -> None:
    session = approval_session(world.county, expected=11)
    codes = issue(session, 11)
    open_(session)
    services.ballot_cast(code=codes[0], answers={"张三": "同意", "李四": "同意"})
    county = login(world, "county")
    assert county.get(reverse("ballots_api:progress", args=[session.pk])).json()["received"] is None
    screen = county.get(reverse("ballots:session_screen_counts", args=[session.pk])).content.decode()
    assert "投票进行中" in screen and "screen-total" not in screen
    close(session)
    data = county.get(reverse("ballots_api:progress", args=[session.pk])).json()
    assert data["received"] == 1 and data["hidden"] is False
    assert (
        "every 2s"
        not in county.get(reverse("ballots:session_screen_counts", args=[session.pk])).content.decode()
    )


def test_committee_members_cannot_manage_and_townships_see_only_their_own(world: World) -> None:
    theirs = rating_session(world.town_b)
    assert login(world, "committee").get(reverse("ballots:session_list")).status_code == 403
    clerk = login(world, "clerk_a")
    assert clerk.get(reverse("ballots:session_detail", args=[theirs.pk])).status_code == 404
    assert clerk.get(reverse("ballots_api:progress", args=[theirs.pk])).status_code == 404
    assert clerk.post(reverse("ballots:session_open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "draft"
    assert Client().get(reverse("ballots_api:progress", args=[theirs.pk])).status_code == 302


def test_a_member_claims_one_code_and_votes_anonymously(world: World) -> None:
    session = approval_session(world.county, expected=11)
    services.member_slots_create(
        session=session, group=session.groups.get(), users=[world.users["committee"]], actor=None
    )
    member = login(world, "committee")
    assert "尚未开始" in member.get(reverse("ballots:my_ballots")).content.decode()
    open_(session)
    page = member.post(reverse("ballots:member_claim", args=[session.pk]))
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    code = page.context["code"]
    assert SessionVoter.objects.get().claimed is True
    again = member.post(reverse("ballots:member_claim", args=[session.pk]), follow=True)
    assert "已领取过票码" in again.content.decode()
    body = json.dumps({"code": code, "answers": {"张三": "同意", "李四": "缓议"}})
    assert Client().post("/api/ballots/", body, content_type="application/json").status_code == 201
    assert not AuditEvent.objects.filter(action="ballots.member_claimed").exists()  # no event per claim
    close(session)
    closed = AuditEvent.objects.get(action="ballots.session_closed")
    assert closed.payload["members_claimed"] == [world.users["committee"].username]
    assert code not in json.dumps(closed.payload, ensure_ascii=False)
    other = approval_session(world.county, expected=11)
    open_(other)
    assert member.post(reverse("ballots:member_claim", args=[other.pk])).status_code == 404


def test_paper_entry_page(world: World) -> None:
    session = services.session_create(
        unit=world.county,
        title="全委会征求意见",
        kind="approval",
        rule="consultation",
        mode="paper",
        subjects=nominees("张三"),
        groups=[services.GroupSpec("委员", expected=30)],
        actor=None,
    )
    county = login(world, "county")
    url = reverse("ballots:session_paper", args=[session.pk])
    detail = reverse("ballots:session_detail", args=[session.pk])
    assert url not in county.get(detail).content.decode()  # no count before the meeting opens
    open_(session)
    assert url in county.get(detail).content.decode()
    assert "v_" in county.get(url).content.decode()
    subject = session.subjects.get()
    group = session.groups.get()
    bad = county.post(
        url,
        {
            "group": group.pk,
            "present": 28,
            "returned": 28,
            "invalid": 0,
            f"v_{subject.pk}_0": 20,
            f"v_{subject.pk}_1": 10,
        },
    )
    assert "超过有效票数" in bad.content.decode()
    ok = county.post(
        url,
        {
            "group": group.pk,
            "present": 28,
            "returned": 28,
            "invalid": 2,
            f"v_{subject.pk}_0": 10,
            f"v_{subject.pk}_1": 16,
        },
    )
    assert ok.status_code == 302
    close(session)
    result = county.get(reverse("ballots:session_result", args=[session.pk])).context["result"]
    assert result.subjects[0].dropped is True  # 16 × 2 > 30
    assert result.groups[0].valid == 26


def test_present_numbers_are_checked_then_saved_through_the_pages(world: World) -> None:
    clerk = login(world, "clerk_a")
    session = approval_session(world.town_a, expected=11)
    group = session.groups.get()
    detail = reverse("ballots:session_detail", args=[session.pk])
    too_many = clerk.post(reverse("ballots:session_open", args=[session.pk]), {f"present_{group.pk}": 12})
    assert too_many.status_code == 302 and too_many["Location"] == detail
    session.refresh_from_db()
    group.refresh_from_db()
    assert session.status == "draft" and group.present is None
    saved = clerk.post(
        reverse("ballots:session_present", args=[session.pk]), {f"present_{group.pk}": 9}, follow=True
    )
    assert "实到人数已保存" in saved.content.decode()
    group.refresh_from_db()
    assert group.present == 9
    opened = clerk.post(
        reverse("ballots:session_open", args=[session.pk]), {f"present_{group.pk}": 10}, follow=True
    )
    assert "投票已开始" in opened.content.decode()
    session.refresh_from_db()
    group.refresh_from_db()
    assert session.status == "open" and group.present == 10


def test_a_small_meeting_shows_all_in_when_the_present_have_all_voted(world: World) -> None:
    session = approval_session(world.county, expected=11, subjects=["张三"])
    codes = issue(session, 11)
    open_(session, 常委=9)
    county = login(world, "county")
    url = reverse("ballots:session_screen_counts", args=[session.pk])
    for code in codes[:8]:
        services.ballot_cast(code=code, answers={"张三": "同意"})
    screen = county.get(url).content.decode()
    assert "投票进行中" in screen and "screen-all-in" not in screen  # 8 of 9: nothing else shown
    services.ballot_cast(code=codes[8], answers={"张三": "同意"})
    screen = county.get(url).content.decode()
    assert 'id="screen-all-in"' in screen and "screen-total" not in screen
    assert county.get(reverse("ballots_api:progress", args=[session.pk])).json()["all_in"] is True


def test_progress_is_shown_against_present_once_entered(world: World) -> None:
    session = rating_session(world.county, groups=[services.GroupSpec("村民代表", expected=30)])
    codes = issue(session, 30)
    open_(session, 村民代表=24)
    for code in codes[:10]:
        services.ballot_cast(code=code, answers={"王芳": "称职", "李强": "称职"})
    screen = login(world, "county").get(reverse("ballots:session_screen_counts", args=[session.pk])).content
    text = screen.decode()
    assert "已收回 / 实到" in text and "/ 24" in text and "实到 24 人（应到 30 人）" in text


def test_sealing_speaks_of_voided_codes_only_for_an_electronic_vote(world: World) -> None:
    county = login(world, "county")
    paper = services.session_create(
        unit=world.county,
        title="全委会征求意见",
        kind="approval",
        rule="consultation",
        mode="paper",
        subjects=nominees("张三"),
        groups=[services.GroupSpec("委员", expected=30)],
        actor=None,
    )
    electronic = approval_session(world.county, expected=11)
    issue(electronic, 11)
    for session in (paper, electronic):
        open_(session)
        close(session)
    for session, codes in ((paper, False), (electronic, True)):
        detail = reverse("ballots:session_detail", args=[session.pk])
        closed = county.get(detail).content.decode()
        confirm = (
            "封存后结果不能再修改，未使用的票码全部作废。确认封存？"
            if codes
            else "封存后结果不能再修改。确认封存？"
        )
        assert f'data-confirm="{confirm}"' in closed
        sealed = county.post(reverse("ballots:session_seal", args=[session.pk]), follow=True)
        html = sealed.content.decode()
        assert "结果已封存并写入记实" in html
        assert ("未使用的票码已作废" in html) is codes
        event = AuditEvent.objects.get(action="ballots.session_sealed", object_id=str(session.pk))
        assert ("unused_codes_voided" in event.payload) is codes
    sealed_electronic = AuditEvent.objects.get(action="ballots.session_sealed", object_id=str(electronic.pk))
    assert sealed_electronic.payload["unused_codes_voided"] == 11  # every code issued, none used
