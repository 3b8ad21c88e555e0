"""What each role may do. Scope (which units) is separate: see org.scoping.

Capabilities are plain strings "<area>.<verb>"; views declare the one they need.
"""

from __future__ import annotations

from ganbu.org.models import Role, User

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.COUNTY: frozenset(
        {
            "org.view",
            "org.manage",
            "cadres.view",
            "cadres.edit",
            "cadres.import",
            "cadres.export",
            "cadres.view_sensitive",
            "audit.view",
            "analytics.view",
            "analytics.manage_rules",
            "ballots.manage",
        }
    ),
    Role.TOWNSHIP: frozenset(
        {
            "org.view",
            "cadres.view",
            "cadres.edit",
            "cadres.import",
            "cadres.export",
            "cadres.view_sensitive",
            "analytics.view",
            "ballots.manage",
        }
    ),
    Role.DEPARTMENT: frozenset(
        {"org.view", "cadres.view", "cadres.edit", "cadres.export", "cadres.view_sensitive", "analytics.view"}
    ),
    Role.VILLAGE_CADRE: frozenset({"org.view"}),
    Role.COMMITTEE: frozenset({"org.view", "cadres.view", "ballots.vote"}),
    Role.SUPERVISION: frozenset({"org.view", "cadres.view", "audit.view", "analytics.view"}),
}


def has_capability(user: User, capability: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if user.scope_unit_id is None:
        return False
    return capability in ROLE_CAPABILITIES.get(user.role, frozenset())


def capabilities(user: User) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    if user.is_superuser:
        return frozenset().union(*ROLE_CAPABILITIES.values())
    if user.scope_unit_id is None:
        return frozenset()
    return ROLE_CAPABILITIES.get(user.role, frozenset())
