"""What each role may do. Scope (which units) is separate: see org.scoping.

Capabilities are plain strings "<area>.<verb>"; views declare the one they need.

驻村工作: `villagework.view` (pages and numbers), `villagework.log` (a 驻村干部 writes their own logs
and handles requests of their villages), `villagework.manage` (township/county: households,
assignments, requests, late corrections of logs, the annual evaluation), `villagework.configure`
(county: the settings).

综合考核: `assessment.manage` (the county office, whole county in scope: schemes, cycles, review and
signing of targets, computing, sealing), `assessment.configure` (county: the grading settings of
the 平时 and 年度考核), `assessment.view` (a township or department sees its own
目标责任书, declares and reports on it, and its own results once sealed), `assessment.enter` (a
department that is a scheme's 牵头单位 enters the figures of the indicators it leads).

选拔任用: `selection.view` (the pages), `selection.manage` (the 组织部: opens cases and records their
steps; sees the cases it created or handles), `selection.configure` (county: the rules' numbers). 干部监督 has `selection.view` alone: every case in
scope, read-only, candidates' personal data masked, and the 选人用人 check. A 常委 votes with a one-time code (`ballots.vote`) and sees no
case.
"""

from __future__ import annotations

from ganbu.org.models import Role, User

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.COUNTY: frozenset(
        {
            "org.view",
            "org.manage",
            "org.accounts",
            "cadres.view",
            "cadres.edit",
            "cadres.import",
            "cadres.export",
            "cadres.view_sensitive",
            "audit.view",
            "analytics.view",
            "analytics.manage_rules",
            "ballots.manage",
            "villagework.view",
            "villagework.manage",
            "villagework.configure",
            "assessment.manage",
            "assessment.view",
            "assessment.configure",
            "selection.view",
            "selection.manage",
            "selection.configure",
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
            "villagework.view",
            "villagework.manage",
            "assessment.view",
        }
    ),
    Role.DEPARTMENT: frozenset(
        {
            "org.view",
            "cadres.view",
            "cadres.edit",
            "cadres.export",
            "cadres.view_sensitive",
            "analytics.view",
            "assessment.view",
            "assessment.enter",
        }
    ),
    Role.VILLAGE_CADRE: frozenset({"org.view", "villagework.view", "villagework.log"}),
    Role.COMMITTEE: frozenset({"org.view", "cadres.view", "ballots.vote"}),
    Role.SUPERVISION: frozenset(
        {"org.view", "cadres.view", "audit.view", "analytics.view", "villagework.view", "selection.view"}
    ),
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
