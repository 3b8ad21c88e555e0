"""What every ballot service shares: the scope check of the acting user, the audit event about a
session, and the coded errors of a bad specification."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from ganbu.audit.services import record_event
from ganbu.ballots import errors
from ganbu.ballots.models import BallotSession
from ganbu.org.models import Unit, User
from ganbu.org.scoping import unit_in_scope


def spec_error(message: str, code: str = errors.SPEC_INVALID) -> ValidationError:
    return ValidationError(message, code=code)


def session_event(
    actor: User | None, *, action: str, session: BallotSession, payload: dict[str, Any]
) -> None:
    """The audit event of a change to a session (never of a ballot: README.md, "Anonymity")."""
    record_event(actor=actor, action=action, obj=session, unit_path=session.unit.path, payload=payload)


def check_actor_scope(actor: User | None, unit: Unit) -> None:
    """Commands run as the system (actor None); a user may only act on sessions of their subtree."""
    if actor is not None and not unit_in_scope(actor, unit):
        raise PermissionDenied("该投票不在您的数据范围内")


def as_int(value: Any, what: str, *, minimum: int = 0) -> int:
    """An integer from a spec or a form (not a boolean), at least `minimum`."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise spec_error(f"{what}应为整数")
    try:
        number = int(value)
    except ValueError as exc:
        raise spec_error(f"{what}应为整数") from exc
    if number < minimum:
        raise spec_error(f"{what}不能小于 {minimum}")
    return number
