"""末位: the units last in their category in two consecutive sealed 综合考核 years (seed 004: 「末位
……进行调整」), and the teams last in their category at a 届中/届末考核 (the lowest 满意度 of the
民主测评, `selectors.term_ranking`), listed for the county to decide a measure for the team
(提醒谈话 / 诫勉 / 组织调整).
The system lists and proposes; staff decide, and the decision is audited. A unit vetoed (一票否决)
ranks last by the engine's rule, so it is listed like any last place."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ganbu.assessment import errors, events
from ganbu.assessment.models import BottomEntry, CycleStatus, Result
from ganbu.assessment.selectors import term_ranking
from ganbu.assessment.services.cycles import is_office
from ganbu.audit.services import record_event
from ganbu.ballots import rules as ballot_rules
from ganbu.org.models import User


def last_places(year: int) -> dict[tuple[int, str], int]:
    """(unit id, category) → its rank, for the units last in their category in the sealed cycle of
    the year (the current sealed computation of each category)."""
    out: dict[tuple[int, str], int] = {}
    results = (
        Result.objects.filter(
            computation__sealed=True,
            computation__cycle__year=year,
            computation__cycle__status=CycleStatus.SEALED,
        )
        .select_related("participant__track", "computation")
        .order_by("computation__track_id", "-computation_id")
    )
    latest: dict[int, int] = {}
    for r in results:  # the newest sealed computation of each category (a correction replaces)
        latest.setdefault(r.computation.track_id, r.computation_id)
    worst: dict[int, int] = {}
    for r in results:
        if latest[r.computation.track_id] == r.computation_id:
            worst[r.computation.track_id] = max(worst.get(r.computation.track_id, 0), r.rank)
    for r in results:
        track = r.computation.track_id
        if latest[track] == r.computation_id and r.rank == worst[track] and worst[track] > 1:
            out[(r.participant.unit_id, r.participant.track.category)] = r.rank
    return out


@transaction.atomic
def refresh_bottom_list(*, year: int, actor: User | None) -> list[BottomEntry]:
    """List the units last in the year and in the year before (same category); keeps decisions."""
    if actor is not None and not is_office(actor):
        raise PermissionDenied("由县委组织部办理")
    now, before = last_places(year), last_places(year - 1)
    created = []
    for unit_id, category in now:
        if (unit_id, category) in before:
            entry, made = BottomEntry.objects.get_or_create(
                unit_id=unit_id,
                year=year,
                source="annual",
                defaults={
                    "category": category,
                    "reason": f"{year - 1}、{year}年度综合考核连续两年位列{category}末位",
                },
            )
            if made:
                created.append(entry)
    for kind, label in (("midterm", "届中考核"), ("endterm", "届末考核")):
        for category, rows in term_ranking(year, kind).items():
            if len(rows) < 2:
                continue  # a category of one team has no last place
            review, value = rows[0]
            entry, made = BottomEntry.objects.get_or_create(
                unit_id=review.unit_id,
                year=year,
                source=kind,
                defaults={
                    "category": category,
                    "reason": f"{review.period}{label}领导班子民主测评满意度 {ballot_rules.percent(value)}%，"
                    f"在{category} {len(rows)} 个班子中最低",
                },
            )
            if made:
                created.append(entry)
    if created:
        record_event(
            actor=actor,
            action=events.BOTTOM_LIST,
            object_label=f"{year}年度末位单位",
            payload={"units": [e.unit_id for e in created]},
        )
    return created


@transaction.atomic
def decide_measure(*, entry: BottomEntry, actor: User | None, measure: str, note: str = "") -> BottomEntry:
    if actor is not None and not is_office(actor):
        raise PermissionDenied("由县委组织部办理")
    if measure not in dict(BottomEntry.MEASURES):
        raise ValidationError("措施应为提醒谈话、诫勉或组织调整", code=errors.FIGURE_INVALID)
    entry.measure, entry.note = measure, note.strip()[:300]
    entry.decided_by, entry.decided_at = actor, timezone.now()
    entry.save()
    record_event(
        actor=actor,
        action=events.BOTTOM_MEASURE,
        object_label=f"{entry.year}年度末位单位",
        unit_path="",
        payload={"unit": entry.unit_id, "measure": measure, "note": entry.note},
    )
    return entry
