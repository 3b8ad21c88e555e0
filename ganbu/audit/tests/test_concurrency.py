"""Appends from many connections at once never fork the chain, with no head row to lock: an
advisory lock on PostgreSQL, IMMEDIATE transactions on SQLite (the file database of the tests)."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections

from ganbu.audit.models import AuditEvent
from ganbu.audit.services import record_event, verify_chain

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8
EACH = 10


def test_concurrent_appends_make_one_chain() -> None:
    barrier = threading.Barrier(THREADS)
    failures: list[str] = []

    def append(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            for n in range(EACH):
                record_event(actor=None, action="test.concurrent", payload={"thread": index, "n": n})
        except Exception as exc:
            failures.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == [], failures
    assert AuditEvent.objects.count() == THREADS * EACH
    report = verify_chain()
    assert report.ok and report.checked == THREADS * EACH, (report, connection.vendor)


def test_migrating_back_refills_the_head_row_from_the_tail() -> None:
    """0004 removed the head row; its way back (0003's reverse) recreates it from the tail event, so
    the previous code's verification (head = tail) holds after a rollback of the release."""

    events = [record_event(actor=None, action="test.event", payload={"n": n}) for n in range(3)]
    call_command("migrate", "audit", "0002", verbosity=0)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, seq, hash FROM audit_audithead")
            assert cursor.fetchall() == [(1, 3, events[-1].hash)]
    finally:
        call_command("migrate", "audit", verbosity=0)
    assert "audit_audithead" not in connection.introspection.table_names()
    assert verify_chain().ok
