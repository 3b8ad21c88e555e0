"""For every model a view exposes, how to make one object *outside* 甲镇 (in 乙乡) with a marker
text that the page would show if it leaked. New models exposed by views must be added here; the
scope walk fails and says so otherwise."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Model

from ganbu.audit.models import AuditEvent
from ganbu.audit.services import record_event
from ganbu.org.models import Unit
from ganbu.testing import World

MARKER = "越权标记"

Factory = Callable[[World], tuple[Model, str]]


def _unit(world: World) -> tuple[Model, str]:
    unit = world.village_b
    Unit.objects.filter(pk=unit.pk).update(name=f"{MARKER}乙村")
    unit.refresh_from_db()
    return unit, MARKER


def _audit_event(world: World) -> tuple[Model, str]:
    event = record_event(
        actor=None, action="test.outside", object_label=f"{MARKER}事件", unit_path=world.village_b.path
    )
    return event, MARKER


SCOPE_FIXTURES: dict[type[Model], Factory] = {
    Unit: _unit,
    AuditEvent: _audit_event,
}
