"""Reads of the audit log. The audit app sits below `org`, so it knows nothing of users: callers
pass the unit-path prefix of the reader's scope (`org.scoping.scope_path(user)`; None = the whole
county, including events that belong to no unit). The anchors are read from their file."""

from __future__ import annotations

from pathlib import Path

from django.db.models import QuerySet

from ganbu.audit import conf
from ganbu.audit.models import AuditEvent
from ganbu.audit.rules import Anchor, anchor_parse, anchor_signature_ok
from ganbu.core.db import prefix_range

__all__ = ["event_for_object_latest", "events_for_object", "events_in_scope", "latest_anchor", "read_anchors"]


def events_in_scope(*, prefix: str | None) -> QuerySet[AuditEvent]:
    """Events about units under `prefix`. Events with no unit (system-wide) are for county-wide
    readers only (prefix None)."""
    qs = AuditEvent.objects.all()
    if prefix is None:
        return qs
    return qs.filter(prefix_range("unit_path", prefix))


def events_for_object(*, prefix: str | None, object_type: str, object_id: str) -> QuerySet[AuditEvent]:
    return (
        events_in_scope(prefix=prefix).filter(object_type=object_type, object_id=object_id).order_by("-seq")
    )


def event_for_object_latest(*, action: str, object_type: str, object_id: str) -> AuditEvent | None:
    """The newest event of `action` about one object, whatever its unit (for integrity checks such
    as a sealed ballot's tally hash, which compare what the chain recorded)."""
    return (
        AuditEvent.objects.filter(action=action, object_type=object_type, object_id=object_id)
        .order_by("-seq")
        .first()
    )


def read_anchors(path: Path) -> list[Anchor]:
    """Every anchor of the file in order (blank lines skipped); AnchorFormatError names a bad line.
    An absent file has no anchors. Signatures are not checked here."""
    if not path.exists():
        return []
    anchors = []
    with path.open(encoding="utf-8") as handle:
        for number, text in enumerate(handle, start=1):
            if text.strip():
                anchors.append(anchor_parse(text.strip(), line=number))
    return anchors


def latest_anchor(path: Path | None = None) -> Anchor | None:
    """The newest anchor of `path` (default GANBU_AUDIT_ANCHOR_FILE), for sealed results and reports
    to print (seq, `hash_prefix`, `at_datetime`). None when no file is configured, it has no
    anchor, its newest line is not an anchor, or that anchor's signature does not verify with the
    keys at hand: a page shows only what `verify_audit --anchors` would accept."""
    path = path or conf.anchor_file()
    if path is None:
        return None
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
        number, text = next((n, t) for n, t in reversed(list(enumerate(lines, start=1))) if t.strip())
        newest = anchor_parse(text.strip(), line=number)
        public = conf.verify_keys().get(newest.key)
    except (OSError, StopIteration, ValueError, conf.SigningKeyError):  # ValueError: AnchorFormatError too
        return None
    if public is None or not anchor_signature_ok(newest, public):
        return None
    return newest
