"""How the kernel writes audit events without knowing the audit app.

`core` is the bottom layer and imports no app, yet two of its tools must leave a record: a workflow
transition (`core.workflow.transition`) and a download (`core.office.audited_attachment`). They
call `emit(...)`; the audit app plugs its writer in at start-up (`AuditConfig.ready`). Apps write
their own events with `audit.services.record_event`, the one writer; this port only lets the kernel
reach it. Emitting with no writer registered is an error, never a silent skip.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model


class EventWriter(Protocol):
    def __call__(
        self,
        *,
        actor: Any,
        action: str,
        obj: Model | None = None,
        object_type: str = "",
        object_id: str = "",
        object_label: str = "",
        unit_path: str = "",
        payload: dict[str, Any] | None = None,
    ) -> Any: ...


_writer: EventWriter | None = None


def register_writer(writer: EventWriter) -> None:
    global _writer
    _writer = writer


def emit(
    *,
    actor: Any,
    action: str,
    obj: Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_label: str = "",
    unit_path: str = "",
    payload: dict[str, Any] | None = None,
) -> Any:
    """Write one audit event through the registered writer (inside the caller's transaction)."""
    if _writer is None:
        raise ImproperlyConfigured("no audit event writer is registered (is ganbu.audit installed?)")
    return _writer(
        actor=actor,
        action=action,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        object_label=object_label,
        unit_path=unit_path,
        payload=payload,
    )
