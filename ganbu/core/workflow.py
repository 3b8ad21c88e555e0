"""One way to move a workflow: a declared table of transitions and one `transition()` that checks
it, runs the guard, changes the status with a single conditional UPDATE, and writes the audit event.

A workflow model declares (EvaP's declared state machine; healthchecks' conditional UPDATE):

    class Request(models.Model):
        status = models.CharField(choices=RequestStatus.choices, ...)
        TRANSITIONS = {
            RequestStatus.ACCEPTED: {RequestStatus.IN_PROGRESS: None, RequestStatus.RESOLVED: _can_resolve},
            ...
        }

A model with a second workflow field (the selection case's `stage` beside its `status`) declares
that field's table in `FIELD_TRANSITIONS = {"stage": {...}}`; `field="stage"` reads it.

`None` allows the move; a guard is `guard(obj) -> str | None`, returning the Chinese reason that
refuses it. `transition(obj, to=..., actor=..., reason=..., action=...)`:
1. refuses a move the table does not list (code `workflow_not_allowed`), naming both states;
2. refuses what the guard refuses (code `workflow_guard`);
3. runs `UPDATE ... SET status = to WHERE pk = obj.pk AND status = from [AND where...]`; when no row
   matched, someone else moved it first: code `workflow_stale`, nothing written;
4. writes the audit event (the kernel's event port) with from, to, reason and the payload.

Call it inside the caller's `transaction.atomic()` with the other writes of the change. A workflow
that needs a typed history keeps step rows of its own (the selection case does); this function
moves the status.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from ganbu.core.events import emit

Guard = Callable[[Any], str | None]
Transitions = Mapping[str, Mapping[str, Guard | None]]
M = TypeVar("M", bound=models.Model)

NOT_ALLOWED = "workflow_not_allowed"
GUARD = "workflow_guard"
STALE = "workflow_stale"
STALE_MESSAGE = "状态已变化，请刷新页面后重试"


def _table(obj: models.Model, field: str) -> Transitions:
    by_field: Mapping[str, Transitions] = getattr(type(obj), "FIELD_TRANSITIONS", {})
    if field in by_field:
        return by_field[field]
    return type(obj).TRANSITIONS  # type: ignore[attr-defined]


def _label(obj: models.Model, field: str, value: str) -> str:
    choices = dict(getattr(obj._meta.get_field(field), "choices", None) or [])
    return str(choices.get(value, value))


def allowed(obj: models.Model, to: str, *, field: str = "status") -> bool:
    """Whether the table lists the move from the object's current state to `to` (guards not run)."""
    return to in _table(obj, field).get(getattr(obj, field), {})


def next_states(obj: models.Model, *, field: str = "status") -> list[str]:
    """The states the table allows from the current one and whose guard passes (for buttons)."""
    return [
        to
        for to, guard in _table(obj, field).get(getattr(obj, field), {}).items()
        if guard is None or guard(obj) is None
    ]


def transition(
    obj: M,
    *,
    to: str,
    actor: Any,
    action: str,
    reason: str = "",
    payload: dict[str, Any] | None = None,
    fields: dict[str, Any] | None = None,
    where: dict[str, Any] | None = None,
    field: str = "status",
    not_allowed: str = "",
    unit_path: str = "",
) -> M:
    """Move `obj` to `to` (see the module docstring). `fields` are set in the same UPDATE (e.g.
    `closed_at`); `where` adds conditions on other columns that are part of the state (e.g. a
    ballot session's test mode). `not_allowed` replaces the generic refusal message."""
    frm = getattr(obj, field)
    moves = _table(obj, field).get(frm, {})
    if to not in moves:
        raise ValidationError(
            not_allowed or f"「{_label(obj, field, frm)}」状态不能变为「{_label(obj, field, to)}」",
            code=NOT_ALLOWED,
        )
    guard = moves[to]
    refusal = guard(obj) if guard is not None else None
    if refusal:
        raise ValidationError(refusal, code=GUARD)
    values: dict[str, Any] = {field: to, **(fields or {})}
    if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
        values.setdefault("updated_at", timezone.now())
    updated = type(obj)._default_manager.filter(pk=obj.pk, **{field: frm}, **(where or {})).update(**values)
    if updated != 1:
        raise ValidationError(STALE_MESSAGE, code=STALE)
    for name, value in values.items():
        setattr(obj, name, value)
    emit(
        actor=actor,
        action=action,
        obj=obj,
        unit_path=unit_path,
        payload={"from": frm, "to": to, **({"reason": reason} if reason else {}), **(payload or {})},
    )
    return obj
