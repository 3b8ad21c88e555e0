"""Scope-walk fixtures for the org models views expose by pk (see home/tests/scope_fixtures.py).

The holiday calendar is county-wide: no user scoped below the county may change it, so a calendar
day serves as the object "outside 甲镇"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.db.models import Model

from ganbu.org.models import CalendarDay
from ganbu.testing.world import World

MARKER = "越权标记"


def _calendar_day(world: World) -> tuple[Model, str]:
    return CalendarDay.objects.create(day=date(2027, 1, 1), is_workday=False, note=f"{MARKER}元旦"), MARKER


SCOPE_FIXTURES: dict[type[Model], Callable[[World], tuple[Model, str]]] = {CalendarDay: _calendar_day}
