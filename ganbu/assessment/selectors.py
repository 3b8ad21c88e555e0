"""Reads of 综合考核 for pages and for other apps. Other apps read a unit's grade through
`unit_grade` (the annual individual assessment's 优秀 quotas use it); a grade exists only once the
cycle is sealed."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.db.models import QuerySet

from ganbu.assessment.models import (
    AnnualReview,
    Cycle,
    CycleStatus,
    Participant,
    Result,
    ReviewStatus,
    Track,
)
from ganbu.assessment.services.cycles import FIGURE_RULES, RANK_RULES, TARGET_RULES, leaves
from ganbu.ballots import selectors as ballot_selectors
from ganbu.org.models import Unit, User
from ganbu.org.scoping import units_in_scope

__all__ = [
    "LeafStatus",
    "composition_chart",
    "cycle_leaf_status",
    "participants_in_scope",
    "review_ballots",
    "sealed_results_of_unit",
    "targets_missed",
    "term_ranking",
    "term_summary",
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


def review_ballots(review: AnnualReview) -> dict[int, dict[str, Any]]:
    """cadre id → the sealed 民主测评's figures of a 年度/届中或届末考核 - the counts of the options (all
    rater groups added), and, with more than one rater group, the shares with the groups' weights
    applied as the ballot engine computes them (上级领导 30 % …), which the rules read instead of the
    counts. Empty before the session is sealed (never counted here)."""
    session = review.ballot_session
    if session is None or session.status != "sealed":
        return {}
    result = ballot_selectors.session_result(session)
    weighted = len(result.groups) > 1
    return {
        s.cadre_id: {
            "ballot": dict(s.counts),
            **(
                {"ballot_weighted": {o: v for o, v in s.shares.items() if v is not None}}
                if weighted and s.shares
                else {}
            ),
        }
        for s in result.subjects
        if s.cadre_id is not None
    }


SATISFIED = ("优秀", "称职")  # a member's 满意度: the (weighted) share of 优秀 and 称职 votes


def _satisfaction(figures: dict[str, Any]) -> Fraction | None:
    shares = figures.get("ballot_weighted")
    if shares:
        return sum((Fraction(shares.get(o, 0)) for o in SATISFIED), Fraction(0))
    counts = figures.get("ballot") or {}
    valid = sum(counts.values())
    return Fraction(sum(counts.get(o, 0) for o in SATISFIED), valid) if valid else None


def member_satisfaction(review: AnnualReview, cadre_id: int) -> Fraction | None:
    """One member's 满意度 in a 届中或届末考核 (as `term_summary` counts it); None before the seal."""
    return _satisfaction(review_ballots(review).get(cadre_id, {}))


def term_summary(review: AnnualReview) -> dict[str, Any]:
    """The per-team summary of a 届中或届末考核 - each member's grade and 满意度 (优秀 + 称职 share of
    the 民主测评, the rater groups weighted), the team's 满意度 (the members' average), and the unit's
    综合考核 grade in every year of the term (None for a year without a sealed result). The members
    are listed by 职务层次 (正职 1A41 before 副职 1A42, a cadre without one last), then as entered."""
    figures = review_ballots(review)
    people = {p["id"]: p for p in (review.result or {}).get("participants", [])}
    members: list[dict[str, Any]] = []
    rated: list[Fraction] = []
    entries = sorted(
        review.entries.select_related("cadre").order_by("id"),
        key=lambda e: (not e.cadre.current_level, e.cadre.current_level),
    )
    for entry in entries:
        f = figures.get(entry.cadre_id, {})
        members.append(
            {
                "entry": entry,
                "grade": entry.final or people.get(str(entry.pk), {}).get("final", ""),
                "satisfaction": _satisfaction(f),
                "unfit": (f.get("ballot_weighted") or {}).get("不称职"),
            }
        )
        if members[-1]["satisfaction"] is not None:
            rated.append(members[-1]["satisfaction"])
    start = review.term_start or review.year
    return {
        "members": members,
        "satisfaction": sum(rated, Fraction(0)) / len(rated) if rated else None,
        "unit_grades": [(y, unit_grade(review.unit, y)) for y in range(start, review.year + 1)],
        "grades": {g: sum(m["grade"] == g for m in members) for g in ("优秀", "称职", "基本称职", "不称职")},
    }


def term_ranking(year: int, kind: str) -> dict[str, list[tuple[AnnualReview, Fraction]]]:
    """Unit category → the final 届中或届末考核 of the year with the team's 满意度, lowest first (the
    末位 is the first of a category with at least two teams)."""
    out: dict[str, list[tuple[AnnualReview, Fraction]]] = {}
    for review in AnnualReview.objects.filter(year=year, kind=kind, status=ReviewStatus.FINAL).select_related(
        "unit"
    ):
        value = term_summary(review)["satisfaction"]
        if value is not None and review.unit.category:
            out.setdefault(review.unit.category, []).append((review, value))
    for rows in out.values():
        rows.sort(key=lambda r: (r[1], r[0].unit.path))
    return out
