"""Scope-walk fixtures for the models analytics views expose by pk (see home/tests/scope_fixtures.py).

Unit (the analysis pages) is covered by the core fixtures. Composition rules are county-wide: no
user scoped below the county may read their edit page or change them, so a rule serves as the
object "outside 甲镇"."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Model

from ganbu.analytics.models import CompositionRule
from ganbu.testing.world import World

MARKER = "越权标记"


def _rule(world: World) -> tuple[Model, str]:
    rule = CompositionRule.objects.create(
        name=f"{MARKER}规则", scope="team", metric="women", min_count=1, source=f"{MARKER}依据"
    )
    return rule, MARKER


SCOPE_FIXTURES: dict[type[Model], Callable[[World], tuple[Model, str]]] = {CompositionRule: _rule}
