"""Reads of 综合考核 for pages and for other apps. Other apps read a unit's grade through
`unit_grade` (the annual individual assessment's 优秀 quotas use it); a grade exists only once the
cycle is sealed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from ganbu.assessment.models import Cycle, CycleStatus, Participant, Result, Track
from ganbu.assessment.services.cycles import FIGURE_RULES, RANK_RULES, TARGET_RULES, leaves
from ganbu.org.models import Unit, User
from ganbu.org.scoping import units_in_scope

__all__ = [
    "LeafStatus",
    "composition_chart",
    "cycle_leaf_status",
    "participants_in_scope",
    "sealed_results_of_unit",
    "targets_missed",
    "unit_grade",
]


def participants_in_scope(user: User) -> QuerySet[Participant]:
    return Participant.objects.filter(unit__in=units_in_scope(user)).select_related("cycle", "track", "unit")


def unit_grade(unit: Unit, year: int) -> str | None:
    """The unit's grade (实绩突出 / 好 / 一般 / 较差 …) of the sealed cycle of `year`; None when
    not assessed or not sealed yet."""
    result = (
        Result.objects.filter(
            participant__unit=unit,
            participant__cycle__year=year,
            participant__cycle__status=CycleStatus.SEALED,
            computation__sealed=True,
        )
        .order_by("-computation_id")
        .first()
    )
    return None if result is None else (result.grade or None)


def sealed_results_of_unit(unit: Unit) -> list[Result]:
    """The unit's sealed result of every year (the current sealed run of each), oldest first."""
    seen: dict[int, Result] = {}
    for result in (
        Result.objects.filter(participant__unit=unit, computation__sealed=True)
        .select_related("participant__cycle", "participant__track", "computation")
        .order_by("-computation_id")
    ):
        seen.setdefault(result.participant.cycle_id, result)
    return sorted(seen.values(), key=lambda r: r.participant.cycle.year)


@dataclass(frozen=True)
class LeafStatus:
    track: Track
    code: str
    name: str
    rule: str
    lead: str
    kind: str  # target | figure | event | rank
    filled: int
    total: int


def cycle_leaf_status(cycle: Cycle) -> list[LeafStatus]:
    """For each leaf of each category: how many units have its figure (the county sees which
    leading groups are still missing)."""
    out: list[LeafStatus] = []
    for track in cycle.tracks.select_related("scheme"):
        n = track.participants.count()
        for leaf in leaves(track):
            kind, filled = _filled(track, leaf.code, leaf.rule)
            out.append(LeafStatus(track, leaf.code, leaf.name, leaf.rule, leaf.lead, kind, filled, n))
    return out


def _filled(track: Track, code: str, rule: str) -> tuple[str, Any]:
    if rule in TARGET_RULES:
        return "target", track.participants.filter(targets__leaf=code, targets__actual__isnull=False).count()
    if rule in FIGURE_RULES:
        return "figure", track.participants.filter(figures__leaf=code).count()
    if rule in RANK_RULES:
        return "rank", track.rankings.filter(leaf=code).values("rater").distinct().count()
    return "event", track.participants.filter(incidents__leaf=code).distinct().count()


def composition_chart(track: Track, output: dict[str, Any], chart_id: str) -> dict[str, Any]:
    """The stacked bars of a category: per unit, each first-level indicator's points (a parent's
    subtotal, or a top-level leaf's points) and the bonus apart; bonus and veto leaves are left out
    of the stack (the bonus is its own series)."""
    definition = track.scheme.definition
    units = output.get("units", [])
    series = []
    for node in definition.get("indicators") or []:
        code = str(node.get("code"))
        if node.get("rule") in ("bonus", "veto") or (
            node.get("children") and all(c.get("rule") in ("bonus", "veto") for c in node["children"])
        ):
            continue
        data = []
        for u in units:
            value = u.get("subtotals", {}).get(code) or u.get("indicators", {}).get(code, {}).get("points")
            data.append(float(value) if value is not None else 0)
        series.append({"name": str(node.get("name", code)), "data": data})
    if any(float(u.get("bonus", 0)) for u in units):
        series.append({"name": "加分", "data": [float(u.get("bonus", 0)) for u in units]})
    return {"id": chart_id, "units": [u["name"] for u in units], "series": series}


def targets_missed(unit: Unit, year: int) -> bool | None:
    """Whether the unit missed an annual target of the year's sealed 综合考核 (a verified actual
    below the target the county set); None when it took part in no sealed cycle that year."""
    participant = (
        Participant.objects.filter(unit=unit, cycle__year=year, cycle__status=CycleStatus.SEALED)
        .prefetch_related("targets")
        .first()
    )
    if participant is None:
        return None
    return any(
        t.actual is not None and t.target is not None and t.actual < t.target
        for t in participant.targets.all()
    )
