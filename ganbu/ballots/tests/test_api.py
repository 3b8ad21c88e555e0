"""The JSON API and the ballot page as the voter's phone uses them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ganbu.ballots import codes as code_rules
from ganbu.ballots import selectors, services
from ganbu.ballots.models import BallotCode, BallotSession, Tally
from ganbu.ballots.tests.factories import approval_session, close, issue, open_, recommendation_session
from ganbu.testing.world import World

pytestmark = pytest.mark.django_db


def submit(code: str, answers: Any, client: Client | None = None) -> Any:
    return (client or Client(enforce_csrf_checks=True)).post(
        reverse("ballots_api:submit"),
        data=json.dumps({"code": code, "answers": answers}),
        content_type="application/json",
    )


def lookup(code: str) -> Any:
    return Client(enforce_csrf_checks=True).post(
        reverse("ballots_api:lookup"), data=json.dumps({"code": code}), content_type="application/json"
    )


@pytest.fixture
def committee(world: World) -> tuple[BallotSession, list[str]]:
    session = approval_session(world.county, expected=11)
    codes = issue(session, 11)
    open_(session, 常委=11)
    return session, codes


def received(session: BallotSession) -> int:
    return sum(Tally.objects.filter(session=session, kind="received").values_list("count", flat=True))


def test_the_ballot_page_is_public_and_keeps_no_cache() -> None:
    response = Client().get("/v/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert b"ballot.js" in response.content
    assert b"<script>" not in response.content  # CSP: no inline scripts


def test_it_accepts_a_ballot_once(committee: tuple[BallotSession, list[str]]) -> None:
    session, codes = committee
    answers = {"张三": "同意", "李四": "缓议"}
    first = submit(codes[0], answers)
    assert first.status_code == 201, first.content
    assert first.json()["ok"] is True
    again = submit(codes[0], answers)
    assert again.status_code == 409
    assert again.json()["error"] == {
        "code": "code_used",
        "message": "此票码已经使用过，每个票码只能投一次票。",
    }
    assert received(session) == 1


def test_it_accepts_the_code_in_display_form_and_lower_case(
    committee: tuple[BallotSession, list[str]],
) -> None:
    _, codes = committee
    typed = code_rules.display(codes[1]).lower().replace("0", "o")
    assert submit(typed, {"张三": "同意", "李四": "同意"}).status_code == 201


def test_it_rejects_an_unknown_code(committee: tuple[BallotSession, list[str]]) -> None:
    _, codes = committee
    forged = codes[0][:-1] + ("A" if codes[0][-1] != "A" else "B")
    response = submit(forged, {"张三": "同意", "李四": "同意"})
    assert response.status_code == 404
    assert "票码无效" in response.json()["error"]["message"]
    assert submit("hello", {}).status_code == 404


def test_it_refuses_codes_before_the_vote_opens_and_after_it_closes(world: World) -> None:
    session = approval_session(world.county, expected=11)
    codes = issue(session, 3)
    response = submit(codes[0], {"张三": "同意", "李四": "同意"})
    assert response.status_code == 423
    assert "尚未开始" in response.json()["error"]["message"]
    open_(session)
    assert submit(codes[0], {"张三": "同意", "李四": "同意"}).status_code == 201
    close(session)
    response = submit(codes[1], {"张三": "同意", "李四": "同意"})
    assert response.status_code == 423
    assert response.json()["error"]["message"] == "投票已经结束。"
    assert received(session) == 1


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"张三": "同意"}, "还有 1 人未选择意见：李四"),
        ({"张三": "同意", "李四": "弃权"}, "不是本次的选项"),
        ({"张三": "同意", "李四": "同意", "王五": "同意"}, "不在本次名单中"),
        (["同意"], "格式不正确"),
    ],
)
def test_it_rejects_an_incomplete_or_invalid_ballot_without_using_the_code(
    committee: tuple[BallotSession, list[str]], answers: Any, message: str
) -> None:
    session, codes = committee
    response = submit(codes[0], answers)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "ballot_invalid"
    assert message in response.json()["error"]["message"]
    assert received(session) == 0
    assert submit(codes[0], {"张三": "同意", "李四": "同意"}).status_code == 201


def test_it_needs_json(committee: tuple[BallotSession, list[str]]) -> None:
    _, codes = committee
    response = Client().post(reverse("ballots_api:submit"), {"code": codes[0]})
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "bad_request"
    bad = Client().post(reverse("ballots_api:submit"), data="{", content_type="application/json")
    assert bad.status_code == 400
    assert Client().get(reverse("ballots_api:submit")).status_code == 405


def test_lookup_shows_the_ballot_without_using_the_code(committee: tuple[BallotSession, list[str]]) -> None:
    session, codes = committee
    response = lookup(codes[0])
    assert response.status_code == 200
    data = response.json()
    assert data["session"]["kind_label"] == "常委会票决"
    assert data["group"] == "常委"
    assert [s["label"] for s in data["subjects"]] == ["张三", "李四"]
    assert data["options"] == ["同意", "不同意", "缓议"]
    assert submit(codes[0], {"张三": "同意", "李四": "同意"}).status_code == 201
    assert lookup(codes[0]).status_code == 409
    assert received(session) == 1


def test_recommendation_with_write_ins_counts_names_normalised(world: World) -> None:
    session = recommendation_session(world.county, max_choices=2, allow_write_in=True)
    codes = issue(session, 3)
    open_(session)
    assert submit(codes[0], {"chosen": ["甲"], "write_in": ["王 五"]}).status_code == 201
    assert submit(codes[1], {"chosen": [], "write_in": ["王五", "赵六"]}).status_code == 201
    dup = submit(codes[2], {"chosen": ["甲"], "write_in": ["甲"]})
    assert dup.status_code == 400 and "已在候选人名单中" in dup.json()["error"]["message"]
    assert submit(codes[2], {"chosen": [], "write_in": []}).status_code == 201  # an explicit blank ballot
    close(session)
    result = selectors.session_result(session)
    assert [(n, v) for n, v, _ in result.write_ins] == [("王五", 2), ("赵六", 1)]


def test_write_ins_are_refused_when_the_session_does_not_allow_them(world: World) -> None:
    session = recommendation_session(world.county, max_choices=2)
    code = issue(session, 1)[0]
    open_(session)
    response = submit(code, {"chosen": ["甲"], "write_in": ["王五"]})
    assert response.status_code == 400 and "不能另选他人" in response.json()["error"]["message"]


def test_minimum_number_of_picks(world: World) -> None:
    session = recommendation_session(world.county, max_choices=3, min_choices=2)
    code = issue(session, 1)[0]
    open_(session)
    response = submit(code, {"chosen": ["甲"]})
    assert response.status_code == 400 and "至少要推荐 2 人" in response.json()["error"]["message"]


def test_test_mode_ballots_are_wiped_and_real_codes_wait(world: World) -> None:
    session = approval_session(world.county, expected=11)
    real = issue(session, 2)
    test_codes = issue(session, 2, test=True)
    services.session_test_start(session=session, actor=None)
    assert submit(test_codes[0], {"张三": "同意", "李四": "同意"}).status_code == 201
    refused = submit(real[0], {"张三": "同意", "李四": "同意"})
    assert refused.status_code == 423 and "模拟测试" in refused.json()["error"]["message"]
    assert received(session) == 1
    session.refresh_from_db()
    services.session_test_end(session=session, actor=None)
    assert not BallotCode.objects.filter(session=session, is_test=True).exists()
    assert not Tally.objects.filter(session=session).exists()
    open_(session)
    assert received(session) == 0
    assert submit(test_codes[1], {"张三": "同意", "李四": "同意"}).status_code == 409  # wiped test code
    assert submit(real[0], {"张三": "同意", "李四": "同意"}).status_code == 201
    close(session)
    result = selectors.session_result(session)
    assert result.subjects[0].counts["同意"] == 1
    assert result.groups[0].issued == 2  # test codes are not counted as issued


def test_sealing_voids_unused_codes_and_records_the_tally_hash(
    world: World, committee: tuple[BallotSession, list[str]]
) -> None:
    session, codes = committee
    for code in codes[:6]:
        assert submit(code, {"张三": "同意", "李四": "不同意"}).status_code == 201
    close(session)
    session.refresh_from_db()
    services.session_seal(session=session, actor=None)
    assert not BallotCode.objects.filter(session=session).exists()
    assert submit(codes[7], {"张三": "同意", "李四": "同意"}).status_code == 409
    check = selectors.seal_check(session)
    assert check.ok and check.recorded == session.tally_sha256
    Tally.objects.filter(session=session, kind="option").update(count=0)  # tampering with the tally
    assert not selectors.seal_check(session).ok
