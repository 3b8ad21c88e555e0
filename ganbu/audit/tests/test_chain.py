"""The audit chain detects edits, deletions and reorderings made behind the app's back (a rewrite
with every hash recomputed, and deletions from the end, are caught against anchors: test_anchors.py)."""

from __future__ import annotations

from itertools import pairwise

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test.utils import CaptureQueriesContext

from ganbu.audit.models import AuditEvent
from ganbu.audit.services import GENESIS_HASH, record_event, verify_chain

pytestmark = pytest.mark.django_db


def _sql(statement: str, params: list[str | int] | None = None) -> None:
    """Tamper directly in the database (on PostgreSQL the append-only trigger is switched off first,
    as an attacker with owner rights could do)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update_delete")
        cursor.execute(statement, params or [])
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_no_update_delete")


def _five_events() -> list[AuditEvent]:
    return [
        record_event(actor=None, action="test.event", object_label=f"对象{i}", payload={"n": i, "名": "张三"})
        for i in range(5)
    ]


def test_intact_chain_verifies() -> None:
    events = _five_events()
    report = verify_chain()
    assert report.ok and report.checked == 5
    assert events[0].prev_hash == GENESIS_HASH
    assert all(b.prev_hash == a.hash for a, b in pairwise(events))
    call_command("verify_audit")


def test_it_detects_a_changed_payload() -> None:
    events = _five_events()
    _sql(
        "UPDATE audit_auditevent SET payload = %s WHERE seq = %s", ['{"n": 99, "名": "张三"}', events[2].seq]
    )
    report = verify_chain()
    assert not report.ok and report.broken_seq == 3
    assert "修改" in report.reason
    with pytest.raises(CommandError, match="第 3 条"):
        call_command("verify_audit")


def test_it_detects_a_changed_actor_label() -> None:
    events = _five_events()
    _sql("UPDATE audit_auditevent SET actor_label = 'someone' WHERE seq = %s", [events[0].seq])
    assert verify_chain().broken_seq == 1


def test_it_detects_a_deleted_row() -> None:
    events = _five_events()
    _sql("DELETE FROM audit_auditevent WHERE seq = %s", [events[1].seq])
    report = verify_chain()
    assert not report.ok and report.broken_seq == 2
    assert "删除" in report.reason


def test_it_detects_a_deleted_tail_against_an_anchor(tmp_path) -> None:
    """There is no head row any more: the end of the chain is vouched for by the anchors."""
    events = _five_events()
    anchors = tmp_path / "anchors.jsonl"
    call_command("audit_anchor", "--out", str(anchors))
    _sql("DELETE FROM audit_auditevent WHERE seq = %s", [events[-1].seq])
    assert verify_chain().ok  # the chain alone cannot see it
    with pytest.raises(CommandError, match="末尾记录被删除"):
        call_command("verify_audit", "--anchors", str(anchors))


def test_it_detects_reordered_rows() -> None:
    events = _five_events()
    a, b = events[1].seq, events[3].seq
    _sql("UPDATE audit_auditevent SET seq = 999999 WHERE seq = %s", [a])
    _sql("UPDATE audit_auditevent SET seq = %s WHERE seq = %s", [a, b])
    _sql("UPDATE audit_auditevent SET seq = %s WHERE seq = 999999", [b])
    report = verify_chain()
    assert not report.ok and report.broken_seq == 2


def test_it_detects_a_rehashed_row_when_the_next_link_no_longer_matches() -> None:
    """An attacker edits a row and recomputes its own hash: the next row's prev_hash exposes it."""
    from ganbu.audit.services import event_hash

    events = _five_events()
    target = AuditEvent.objects.get(seq=events[2].seq)
    target.payload = {"n": 1000}
    new_hash = event_hash(target)
    _sql(
        "UPDATE audit_auditevent SET payload = %s, hash = %s WHERE seq = %s",
        ['{"n": 1000}', new_hash, target.seq],
    )
    report = verify_chain()
    assert not report.ok and report.broken_seq == 4


def test_an_append_updates_no_row() -> None:
    """The runtime role may only INSERT and SELECT the audit table: appending must not need UPDATE
    (no head row), and on PostgreSQL the appends queue on an advisory lock instead."""
    _five_events()
    with CaptureQueriesContext(connection) as queries:
        event = record_event(actor=None, action="test.event")
    statements = [q["sql"].lstrip().upper() for q in queries.captured_queries]
    assert not [s for s in statements if s.startswith(("UPDATE", "DELETE"))], statements
    assert any("INSERT INTO" in s for s in statements)
    if connection.vendor == "postgresql":
        assert any("PG_ADVISORY_XACT_LOCK" in s for s in statements)
    assert event.seq == 6 and event.prev_hash == AuditEvent.objects.get(seq=5).hash


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_postgresql_refuses_update_and_delete() -> None:
    _five_events()
    for statement in ("UPDATE audit_auditevent SET action = 'x'", "DELETE FROM audit_auditevent"):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    assert AuditEvent.objects.count() == 5
    assert verify_chain().ok


def test_event_is_rolled_back_with_its_change() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        record_event(actor=None, action="test.rollback")
        raise RuntimeError("boom")
    assert not AuditEvent.objects.filter(action="test.rollback").exists()
    assert verify_chain().ok
