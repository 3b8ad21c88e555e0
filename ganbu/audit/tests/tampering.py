"""What an attacker who can write the audit table does, as SQL statements, and a way to run them.

The statements are built here and run by whoever plays the attacker: the test database's owner
(`as_owner`, with the table's triggers switched off first, as an owner could) or a PostgreSQL
superuser on its own connection (home/tests/test_audit_roles.py)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db import connection

from ganbu.audit.models import AuditEvent
from ganbu.audit.services import event_hash

Statement = tuple[str, list[Any]]
TABLE = AuditEvent._meta.db_table


def rehash_from(seq: int, **changes: Any) -> list[Statement]:
    """Change the event at `seq` (payload, actor_label, …) and recompute its hash and every hash
    after it, so the chain is consistent again."""
    events = list(AuditEvent.objects.filter(seq__gte=seq).order_by("seq"))
    previous = events[0].prev_hash
    statements: list[Statement] = []
    for event in events:
        if event.seq == seq:
            for field, value in changes.items():
                setattr(event, field, value)
        event.prev_hash = previous
        event.hash = event_hash(event)
        previous = event.hash
        statements.append(
            (
                f"UPDATE {TABLE} SET payload = %s, actor_label = %s, prev_hash = %s, hash = %s WHERE seq = %s",  # noqa: S608
                [
                    json.dumps(event.payload, ensure_ascii=False),
                    event.actor_label,
                    event.prev_hash,
                    event.hash,
                    event.seq,
                ],
            )
        )
    return statements


def drop_tail(count: int) -> list[Statement]:
    last = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    return [(f"DELETE FROM {TABLE} WHERE seq > %s", [last - count])]  # noqa: S608


def change_actor(seq: int, label: str) -> list[Statement]:
    """Only the row: the chain shows it (its hash no longer matches)."""
    return [(f"UPDATE {TABLE} SET actor_label = %s WHERE seq = %s", [label, seq])]  # noqa: S608


def truncate() -> list[Statement]:
    if connection.vendor == "postgresql":
        return [(f"TRUNCATE {TABLE}", [])]
    return [(f"DELETE FROM {TABLE}", [])]  # noqa: S608


def as_owner(statements: Sequence[Statement]) -> None:
    """Run the statements on the test's own connection (the table owner): on PostgreSQL the
    table's triggers are switched off around them, as an owner may."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
        for sql, params in statements:
            cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")
