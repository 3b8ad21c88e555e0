"""Scope-walk fixtures for the models analytics views expose by pk (see home/tests/scope_fixtures.py).

Unit (the analysis pages) is covered by the core fixtures. Composition rules are county-wide: no
user scoped below the county may read their edit page or change them, so a rule serves as the
object "outside 甲镇". The table of vacancies (班子配备) lists posts: a post of 乙乡 that nobody holds
is a vacancy the table would show if it leaked."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Model

from ganbu.analytics.models import CompositionRule
from ganbu.org import services as org_services
from ganbu.org.models import Post
from ganbu.testing.world import World

MARKER = "越权标记"


def _rule(world: World) -> tuple[Model, str]:
    rule = CompositionRule.objects.create(
        name=f"{MARKER}规则", scope="team", metric="women", min_count=1, source=f"{MARKER}依据"
    )
    return rule, MARKER


def _post(world: World) -> tuple[Model, str]:
    post = org_services.post_create(
        unit=world.town_b, team=None, name=f"{MARKER}委员", level="1A42", actor=None
    )
    return post, MARKER


SCOPE_FIXTURES: dict[type[Model], Callable[[World], tuple[Model, str]]] = {
    CompositionRule: _rule,
    Post: _post,
}
