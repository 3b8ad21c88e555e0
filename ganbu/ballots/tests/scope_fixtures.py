"""Scope-walk fixtures (home/tests/test_scope_walk.py): a sealed session organised by 乙乡, with a
marker in its title and subjects, so every page, export and API response about it would show it."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Model

from ganbu.ballots import services
from ganbu.ballots.models import BallotSession
from ganbu.ballots.tests.factories import nominees
from ganbu.testing.world import World

MARKER = "越权标记"


def _session(world: World) -> tuple[Model, str]:
    session = services.session_create(
        unit=world.town_b,
        title=f"{MARKER}乙乡驻村干部述职评议",
        kind="rating",
        subjects=nominees(f"{MARKER}王五"),
        groups=[services.GroupSpec(name="村民代表", expected=10)],
        actor=None,
    )
    group = session.groups.get()
    codes = services.codes_issue(session=session, group=group, count=6, actor=None)
    services.member_slots_create(session=session, group=group, users=[world.users["committee"]], actor=None)
    services.session_open(session=session, actor=None)
    for code in codes:
        services.ballot_cast(code=code, answers={f"{MARKER}王五": "称职"})
    session.refresh_from_db()
    services.session_close(session=session, actor=None)
    services.session_seal(session=session, actor=None)
    return session, MARKER


SCOPE_FIXTURES: dict[type[Model], Callable[[World], tuple[Model, str]]] = {BallotSession: _session}
