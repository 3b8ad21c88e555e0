"""A session's moves go through the declared table (`BallotSession.TRANSITIONS`) and the kernel's
`transition`: refused moves say why, a stale copy changes nothing, each move writes one event."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from ganbu.audit.models import AuditEvent
from ganbu.ballots import errors, selectors, services
from ganbu.ballots.models import BallotBox, BallotCode, BallotSession, SessionStatus, Tally, TallyKind
from ganbu.ballots.results import tally_key
from ganbu.ballots.tests.factories import approval_session, close, group, issue, open_, recommendation_session
from ganbu.core.workflow import next_states
from ganbu.testing.world import World

pytestmark = pytest.mark.django_db


def events(session: BallotSession) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(object_type="ballots.ballotsession", object_id=str(session.pk)).order_by(
            "seq"
        )
    )


def test_the_table_declares_every_move() -> None:
    assert BallotSession.TRANSITIONS.keys() == {SessionStatus.DRAFT, SessionStatus.OPEN, SessionStatus.CLOSED}
    assert set(BallotSession.TRANSITIONS[SessionStatus.OPEN]) == {SessionStatus.DRAFT, SessionStatus.CLOSED}


def test_each_move_writes_one_event_with_from_and_to(world: World) -> None:
    session = approval_session(world.county, expected=11)
    assert next_states(session) == [SessionStatus.OPEN]
    services.session_test_start(session=session, actor=world.users["county"])
    assert next_states(session) == [SessionStatus.DRAFT]  # no close during 模拟测试
    services.session_test_end(session=session, actor=world.users["county"])
    open_(session, 常委=11)
    close(session)
    services.session_seal(session=session, actor=None)
    moves = [(e.action, e.payload.get("from"), e.payload.get("to")) for e in events(session)[1:]]
    assert moves == [
        ("ballots.test_started", "draft", "open"),
        ("ballots.test_wiped", "open", "draft"),
        ("ballots.session_opened", "draft", "open"),
        ("ballots.session_closed", "open", "closed"),
        ("ballots.session_sealed", "closed", "sealed"),
    ]
    assert events(session)[3].payload["present"] == {"常委": 11}
    assert events(session)[1].actor_id == world.users["county"].pk
    assert all(e.unit_path == world.county.path for e in events(session))


def test_refused_moves_say_why_and_change_nothing(world: World) -> None:
    session = approval_session(world.county, expected=11)
    with pytest.raises(ValidationError, match="当前没有进行模拟测试") as caught:
        services.session_test_end(session=session, actor=None)
    assert caught.value.code == errors.MOVE_NOT_ALLOWED
    with pytest.raises(ValidationError, match="只有正式投票中的投票可以结束"):
        close(session)
    with pytest.raises(ValidationError, match="只有已结束的投票可以封存"):
        services.session_seal(session=session, actor=None)
    services.session_test_start(session=session, actor=None)
    with pytest.raises(ValidationError, match="模拟测试中不能结束投票") as caught:
        close(session)
    assert caught.value.code == errors.MOVE_REFUSED
    with pytest.raises(ValidationError, match="只有准备中的投票可以开始"):
        open_(session)
    with pytest.raises(ValidationError, match="只有准备中的投票可以进行模拟测试"):
        services.session_test_start(session=session, actor=None)
    session.refresh_from_db()
    assert (session.status, session.test_mode) == (SessionStatus.OPEN, True)
    assert [e.action for e in events(session)] == ["ballots.session_created", "ballots.test_started"]


def test_a_stale_copy_changes_nothing(world: World) -> None:
    session = approval_session(world.county, expected=11)
    open_(session)
    stale = BallotSession.objects.get(pk=session.pk)
    close(session)
    with pytest.raises(ValidationError) as caught:
        services.session_close(session=stale, actor=None)  # the copy still reads 投票中
    assert caught.value.code == errors.MOVE_STALE
    assert [e.action for e in events(session)].count("ballots.session_closed") == 1


def test_ending_the_test_wipes_its_ballots_counters_and_codes(world: World) -> None:
    session = approval_session(world.county, expected=11)
    real = issue(session, 2)
    test = issue(session, 3, test=True)
    services.session_test_start(session=session, actor=None)
    services.ballot_cast(code=test[0], answers={"张三": "同意", "李四": "同意"})
    services.session_test_end(session=session, actor=None)
    assert not Tally.objects.filter(session=session).exists()
    assert not BallotBox.objects.filter(session=session).exists()
    assert BallotCode.objects.filter(session=session).count() == len(real)
    assert events(session)[-1].payload == {
        "from": "open",
        "to": "draft",
        "test_ballots": 1,
        "test_codes_wiped": 2,
    }


def test_sealing_records_the_tally_its_hash_and_the_sealed_result(world: World) -> None:
    session = approval_session(world.county, expected=11, subjects=["张三"])
    codes = issue(session, 11)
    open_(session)
    for code in codes[:8]:
        services.ballot_cast(code=code, answers={"张三": "同意"})
    close(session)
    services.session_seal(session=session, actor=None)
    session.refresh_from_db()
    payload = events(session)[-1].payload
    assert payload["tally_sha256"] == session.tally_sha256 and len(session.tally_sha256) == 64
    assert payload["result"]["session"]["status"] == "sealed"
    assert payload["result"]["tally_sha256"] == session.tally_sha256
    assert payload["tally"]["groups"][0]["votes"] == {"张三": {"同意": 8, "不同意": 0, "缓议": 0}}
    assert payload["unused_codes_voided"] == 3
    assert not BallotCode.objects.filter(session=session).exists()
    assert selectors.seal_check(session).ok


def test_counters_are_named_by_the_one_key_function(world: World) -> None:
    session = recommendation_session(world.county, subjects=["甲", "乙"])
    open_(session)
    g = group(session)
    subjects = list(session.subjects.order_by("sort_order"))
    assert set(Tally.objects.filter(session=session).values_list("key", flat=True)) == {
        tally_key(g.pk, TallyKind.RECEIVED),
        tally_key(g.pk, TallyKind.INVALID),
        *(tally_key(g.pk, TallyKind.PICK, s.pk) for s in subjects),
    }
    assert tally_key(7, TallyKind.OPTION, 12, 0) == "g7:s12:o0"
    assert tally_key(7, TallyKind.RECEIVED) == "g7:received"


def test_sealing_anchors_the_chain_at_the_seal_event_when_an_anchor_file_is_set(
    world: World, settings, tmp_path, django_capture_on_commit_callbacks
) -> None:
    from ganbu.audit import selectors as audit_selectors

    settings.GANBU_AUDIT_ANCHOR_FILE = str(tmp_path / "anchors" / "ganbu.anchors")
    session = approval_session(world.county, expected=3, subjects=["张三"])
    codes = issue(session, 3)
    open_(session)
    services.ballot_cast(code=codes[0], answers={"张三": "同意"})
    close(session)
    assert audit_selectors.latest_anchor() is None  # closing does not anchor
    with django_capture_on_commit_callbacks(execute=True):
        services.session_seal(session=session, actor=None)
    sealed = events(session)[-1]
    assert sealed.action == "ballots.session_sealed"
    anchor = audit_selectors.latest_anchor()
    assert anchor is not None and (anchor.seq, anchor.hash) == (sealed.seq, sealed.hash)
