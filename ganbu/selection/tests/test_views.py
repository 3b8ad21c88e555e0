"""The 选拔任用 pages: 动议 from the form (a post without a free seat refused naming the numbers),
candidates and their views, a vote created through the ballot engine, steps from the form with the
rules' refusals shown, who sees a case (its handlers, not another 组织部 account; 干部监督 read-only
with the 身份证号 masked), and the year's check."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.test import Client
from django.urls import reverse

from ganbu.audit.models import AuditEvent
from ganbu.ballots.models import BallotSession
from ganbu.cadres.models import Appointment
from ganbu.org import services as org_services
from ganbu.org.models import Post, Role
from ganbu.selection.models import Case
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import World, make_user


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _messages(response: Any) -> str:
    return "；".join(str(m) for m in response.context["messages"]) if response.context else ""


def _post(world: World) -> Post:
    return org_services.post_create(unit=world.town_a, team=None, name="党委书记", level="1A41", actor=None)


def _open(world: World, client: Client, post: Post, **extra: Any) -> Any:
    form = {
        "post": post.pk,
        "seats": "1",
        "method": "民主推荐",
        "day": "2026-06-01",
        "decision": "经县委书记专题会议研究启动",
        **extra,
    }
    return client.post(reverse("selection:case_new"), form)


def test_a_case_from_the_pages(world: World) -> None:
    post = _post(world)
    county = _client(world.users["county"])
    made = _open(world, county, post)
    assert made.status_code == 302
    case = Case.objects.get()
    assert case.stage == "动议" and case.handlers.filter(pk=world.users["county"].pk).exists()
    page = reverse("selection:case", args=[case.pk])
    people = [make_cadre(world.town_b, name) for name in ("甲一", "乙二", "丙三")]
    for p in people:
        assert county.post(page, {"action": "candidate", "cadre": p.id_number}).status_code == 302
    unknown = county.post(page, {"action": "candidate", "cadre": "查无此人"})
    assert "未找到姓名或身份证号为「查无此人」的干部" in _messages(unknown)

    # a 谈话调研推荐 entered by hand: 3 listed for 1 post, top 5 of 20 = 25 % < 30 % → a reason
    votes = {f"votes-{c.pk}": n for c, n in zip(case.candidates.order_by("id"), ("5", "4", "3"), strict=True)}
    step = {"action": "step", "kind": "民主推荐", "day": "2026-06-10", "valid_ballots": "20", **votes}
    refused = county.post(page, step)
    text = _messages(refused)
    assert "应进行第二轮" in text or "30%" in text
    assert "如确需继续，请在「说明」中写明理由" in text
    ok = county.post(page, {**step, "reason": "推荐人选得票分散，经部务会研究不再二轮推荐"})
    assert ok.status_code == 302
    shown = county.get(page).content.decode()
    assert "第 1 轮，推荐名单 3 人，有效票 20 张：甲一 5 票（25.00%）" in shown
    assert "已说明" in shown

    made_vote = county.post(page, {"action": "ballot", "purpose": "票决", "expected": "11", "mode": "paper"})
    assert made_vote.status_code == 302
    session = BallotSession.objects.get()
    assert session.title.endswith("常委会票决") and session.rule == "decision"
    assert AuditEvent.objects.filter(action="selection.ballot").exists()

    # out of order: 任职 before its steps
    early = county.post(page, {"action": "step", "kind": "任职", "day": "2026-06-12", "doc_no": "x"})
    assert "之前缺少" in _messages(early)


def test_a_post_without_a_free_seat_is_refused_on_the_form(world: World) -> None:
    post = _post(world)
    holder = make_cadre(world.town_a, "现任")
    Appointment.objects.create(
        cadre=holder,
        unit=world.town_a,
        post=post,
        title="甲镇党委书记",
        level="1A41",
        started_on=date(2021, 1, 1),
    )
    response = _open(world, _client(world.users["county"]), post)
    assert response.status_code == 400
    assert "职数 1 名，现任 1 名" in response.content.decode()
    assert not Case.objects.exists()


def test_who_sees_a_case(world: World) -> None:
    post = _post(world)
    county = _client(world.users["county"])
    _open(world, county, post)
    case = Case.objects.get()
    cadre = make_cadre(world.town_b, "甲一")
    page = reverse("selection:case", args=[case.pk])
    county.post(page, {"action": "candidate", "cadre": cadre.id_number})

    other = make_user("county2", Role.COUNTY, world.county)  # 组织部, not a handler
    assert _client(other).get(page).status_code == 404
    assert case.title not in _client(other).get(reverse("selection:index")).content.decode()

    supervision = _client(world.users["supervision"])
    seen = supervision.get(page)
    assert seen.status_code == 200
    html = seen.content.decode()
    assert cadre.id_number
    assert cadre.id_number not in html and cadre.id_number[:6] in html  # masked
    assert county.get(page).content.decode().count(cadre.id_number) == 1  # the 组织部 sees it
    refused = supervision.post(page, {"action": "candidate", "cadre": "x"})
    assert refused.status_code == 403
    for who in ("clerk_a", "committee", "dept"):
        assert _client(world.users[who]).get(page).status_code == 403

    check = supervision.get(reverse("selection:check") + "?year=2026").content.decode()
    assert "共检查 1 项选拔任用" in check and case.title in check


def test_a_cadres_cases(world: World) -> None:
    """一人一档 - the cadre page links to the cases the cadre was in, for those who may see them."""
    post = _post(world)
    county = _client(world.users["county"])
    _open(world, county, post)
    case = Case.objects.get()
    cadre = make_cadre(world.town_a, "甲一")
    county.post(reverse("selection:case", args=[case.pk]), {"action": "candidate", "cadre": cadre.id_number})
    own = reverse("selection:cadre_cases", args=[cadre.pk])
    assert own in county.get(reverse("cadres:detail", args=[cadre.pk])).content.decode()
    listed = county.get(own).content.decode()
    assert case.title in listed and "在程序中" in listed
    clerk = _client(world.users["clerk_a"])  # sees the cadre, not selection
    assert own not in clerk.get(reverse("cadres:detail", args=[cadre.pk])).content.decode()
    assert clerk.get(own).status_code == 403
    other = make_user("county3", Role.COUNTY, world.county)  # 组织部, not a handler: no case listed
    assert case.title not in _client(other).get(own).content.decode()


def test_a_refused_step_keeps_what_was_typed(world: World) -> None:
    post = _post(world)
    county = _client(world.users["county"])
    _open(world, county, post)
    case = Case.objects.get()
    page = reverse("selection:case", args=[case.pk])
    refused = county.post(
        page,
        {
            "action": "step",
            "kind": "任职",
            "day": "2026-06-12",
            "doc_no": "青委〔2026〕9号",
            "decision": "县委常委会决定",
        },
    )
    assert refused.status_code == 400
    html = refused.content.decode()
    assert 'value="青委〔2026〕9号"' in html and ">县委常委会决定</textarea>" in html
    assert 'value="2026-06-12"' in html and '<option value="任职" selected>' in html
