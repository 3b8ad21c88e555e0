"""Writing and verifying the hash-chained audit log.

hash(n) = SHA-256 over the canonical JSON (sorted keys, no spaces, UTF-8) of the event's fields
including prev_hash = hash(n-1). The first event's prev_hash is GENESIS_HASH.

Appending takes a lock that needs no UPDATE privilege, reads the previous hash from the tail event
and inserts: the runtime database role may INSERT and SELECT the table and nothing else (README.md,
"Two database roles"). On PostgreSQL the lock is a transaction-level advisory lock; SQLite runs every
transaction IMMEDIATE (settings), which serialises writers at BEGIN. Whatever the lock, the unique
`seq` and `hash` make a fork fail rather than commit.

The chain alone proves that rows were not changed one by one. Whoever can write the table can also
rewrite a row and recompute every hash after it, or delete rows from the end, and the chain is again
consistent: those are caught only against anchors, the signed checkpoints kept outside the database
(services/anchors.py). Events after the newest anchor are protected only by the chain until the next
anchor, hence an anchor every day and at every seal.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from ganbu.audit.models import AuditEvent
from ganbu.audit.rules import GENESIS_HASH, Anchor

# The advisory lock key of the chain's tail ("ganbu.au" read as a 64-bit integer).
CHAIN_LOCK_KEY = int.from_bytes(b"ganbu.au", "big")


def _normalise(payload: dict[str, Any]) -> dict[str, Any]:
    """JSON round trip so dates/decimals become strings and the stored value hashes the same."""
    result: dict[str, Any] = json.loads(json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False))
    return result


def _timestamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def compute_hash(
    *,
    seq: int,
    created_at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    object_label: str,
    unit_path: str,
    payload: dict[str, Any],
    prev_hash: str,
) -> str:
    canonical = json.dumps(
        {
            "seq": seq,
            "created_at": _timestamp(created_at),
            "actor_id": actor_id,
            "actor_label": actor_label,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "object_label": object_label,
            "unit_path": unit_path,
            "payload": payload,
            "prev_hash": prev_hash,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def event_hash(event: AuditEvent) -> str:
    return compute_hash(
        seq=event.seq,
        created_at=event.created_at,
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        object_label=event.object_label,
        unit_path=event.unit_path,
        payload=event.payload,
        prev_hash=event.prev_hash,
    )


def _lock_chain() -> None:
    """Serialise appends until the end of the transaction, without writing any row."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
    # SQLite: the transaction began IMMEDIATE, so this process already holds the write lock.


def chain_tail() -> tuple[int, str]:
    """(seq, hash) of the last event; (0, GENESIS_HASH) for an empty chain."""
    tail = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    return tail if tail else (0, GENESIS_HASH)


def record_event(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_label: str = "",
    unit_path: str = "",
    payload: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Call inside the transaction of the change it records, so both commit or
    neither does. `actor` is a User, or None for system actions (commands, seeding)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_label = object_label or str(obj)[:200]
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    actor_label = (getattr(actor, "username", "") or "") if actor is not None else "系统"
    normalised = _normalise(payload or {})
    with transaction.atomic():
        _lock_chain()
        tail_seq, prev_hash = chain_tail()
        seq = tail_seq + 1
        created_at = timezone.now()
        digest = compute_hash(
            seq=seq,
            created_at=created_at,
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_label=object_label,
            unit_path=unit_path,
            payload=normalised,
            prev_hash=prev_hash,
        )
        event = AuditEvent.objects.create(
            seq=seq,
            created_at=created_at,
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_label=object_label,
            unit_path=unit_path,
            payload=normalised,
            prev_hash=prev_hash,
            hash=digest,
        )
    return event


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""
    anchors: int = 0  # anchors checked against the table
    newest_anchor: Anchor | None = None


def _newest(anchors: Sequence[Anchor]) -> Anchor | None:
    return max(anchors, key=lambda a: (a.seq, a.line), default=None)


def verify_chain(*, anchors: Sequence[Anchor] = (), since: Anchor | None = None) -> ChainReport:
    """Walk the chain in seq order; name the first broken link.

    `anchors` (their signatures already checked, services/anchors.py): the event at each anchor's seq
    must carry the anchor's hash, and no anchor may lie beyond the table's tail. `since`: start the
    walk at that anchor (its event must carry its hash) instead of the first event; what comes before
    it is vouched for by the anchor (how `anchor_write` checks only what is new)."""
    checkpoints: dict[int, list[Anchor]] = {}
    for anchor in [*anchors, *([since] if since else [])]:
        checkpoints.setdefault(anchor.seq, []).append(anchor)
    newest = _newest([*anchors, *([since] if since else [])])
    matched_upto = 0  # the seq of the last anchor found intact

    def fail(seq: int, reason: str, checked: int) -> ChainReport:
        if newest is not None and seq <= newest.seq:
            reason += f"（在最新{newest.describe()}之前）"
        return ChainReport(False, checked, seq, reason, len(anchors), newest)

    for anchor in checkpoints.get(0, []):
        if anchor.hash != GENESIS_HASH:
            return fail(0, f"{anchor.describe()}记的是空链，哈希却不是空链的哈希：锚点无效", 0)
    start = since.seq if since else 0
    expected_seq = max(start, 1)
    expected_prev: str | None = GENESIS_HASH if start == 0 else None  # None: vouched for by `since`
    checked = 0
    events = AuditEvent.objects.filter(seq__gte=expected_seq).order_by("seq")
    for event in events.iterator(chunk_size=2000):
        if event.seq != expected_seq:
            return fail(
                expected_seq,
                f"缺少第 {expected_seq} 条（下一条为第 {event.seq} 条）：记录被删除",
                checked,
            )
        if expected_prev is not None and event.prev_hash != expected_prev:
            return fail(
                event.seq,
                f"第 {event.seq} 条的前一哈希与第 {event.seq - 1} 条不符：记录被删除、替换或调换顺序",
                checked,
            )
        if event_hash(event) != event.hash:
            return fail(event.seq, f"第 {event.seq} 条的内容与其哈希不符：记录被修改", checked)
        for anchor in checkpoints.get(event.seq, []):
            if anchor.hash != event.hash:
                return fail(
                    event.seq,
                    f"第 {event.seq} 条的哈希与{anchor.describe()}不符：第 {matched_upto + 1} 条至第 "
                    f"{event.seq} 条之间的记录被改写，并重算了哈希",
                    checked,
                )
            matched_upto = event.seq
        expected_prev = event.hash
        expected_seq += 1
        checked += 1
    tail = expected_seq - 1 if checked else chain_tail()[0]
    if newest is not None and newest.seq > tail:
        return ChainReport(
            False,
            checked,
            tail + 1,
            f"表中最后一条为第 {tail} 条，而{newest.describe()}记到第 {newest.seq} 条："
            f"末尾记录被删除{'（整表被清空）' if tail == 0 else ''}",
            len(anchors),
            newest,
        )
    return ChainReport(True, checked, anchors=len(anchors), newest_anchor=newest)
