"""Writing and verifying the hash-chained audit log.

hash(n) = SHA-256 over the canonical JSON (sorted keys, no spaces, UTF-8) of the event's fields
including prev_hash = hash(n-1). The first event's prev_hash is GENESIS_HASH.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from ganbu.audit.models import AuditEvent, AuditHead

GENESIS_HASH = "0" * 64


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
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1, defaults={"hash": GENESIS_HASH})
        seq = head.seq + 1
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
            prev_hash=head.hash,
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
            prev_hash=head.hash,
            hash=digest,
        )
        head.seq = seq
        head.hash = digest
        head.save(update_fields=["seq", "hash"])
    return event


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""


def verify_chain() -> ChainReport:
    """Walk the chain in seq order; name the first broken link."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        if event.seq != expected_seq:
            return ChainReport(
                False,
                checked,
                expected_seq,
                f"缺少第 {expected_seq} 条（下一条为第 {event.seq} 条）：记录被删除",
            )
        if event.prev_hash != expected_prev:
            return ChainReport(
                False,
                checked,
                event.seq,
                f"第 {event.seq} 条的前一哈希与第 {event.seq - 1} 条不符：记录被删除、替换或调换顺序",
            )
        if event_hash(event) != event.hash:
            return ChainReport(False, checked, event.seq, f"第 {event.seq} 条的内容与其哈希不符：记录被修改")
        expected_prev = event.hash
        expected_seq += 1
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    if head_seq != checked or head_hash != expected_prev:
        return ChainReport(
            False,
            checked,
            checked + 1 if head_seq > checked else head_seq,
            f"链头记录为第 {head_seq} 条，表中最后一条为第 {checked} 条：末尾记录被删除或链头被改动",
        )
    return ChainReport(True, checked)
