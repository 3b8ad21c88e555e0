"""Reads of cadres' sub-records that other apps take as inputs (the annual assessment reads earlier
grades and the sanctions in the 奖惩; selectors.py holds the registry's pages' reads). Lookups by
cadre ids the caller already holds through its own scoped queries."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from ganbu.cadres.models import AnnualAssessment, Appointment, RewardKind, RewardPunishment

__all__ = [
    "SANCTION_KINDS",
    "annual_assessment_records",
    "annual_grades_of",
    "level_since",
    "open_appointments",
    "punishments_of",
]

# the kinds of a 处分 as its name writes them, the longer first (记大过 before 记过)
SANCTION_KINDS = ("开除", "撤职", "降级", "记大过", "记过", "警告")


def annual_grades_of(cadre_ids: Iterable[int]) -> dict[int, dict[int, str]]:
    """cadre id → {year: the 年度考核 result code (ZB18)}."""
    out: dict[int, dict[int, str]] = {}
    for cid, year, grade in AnnualAssessment.objects.filter(cadre_id__in=list(cadre_ids)).values_list(
        "cadre_id", "year", "grade"
    ):
        out.setdefault(cid, {})[year] = grade
    return out


def punishments_of(cadre_ids: Iterable[int]) -> dict[int, list[tuple[str, date]]]:
    """cadre id → [(kind, date given)] of the 惩处 records whose name says a sanction kind (警告,
    记过, 记大过, 降级, 撤职, 开除); other 惩处 (通报批评 …) are not sanctions and are left out."""
    out: dict[int, list[tuple[str, date]]] = {}
    rows = RewardPunishment.objects.filter(cadre_id__in=list(cadre_ids), kind=RewardKind.PUNISHMENT)
    for cid, name, granted in rows.values_list("cadre_id", "name", "granted_on"):
        kind = next((k for k in SANCTION_KINDS if k in name), None)
        if kind is not None:
            out.setdefault(cid, []).append((kind, granted))
    return out


def annual_assessment_records(cadre_ids: Iterable[int], year: int) -> dict[int, AnnualAssessment]:
    """cadre id → its 年度考核 record of `year` (to correct it through services.record_save)."""
    rows = AnnualAssessment.objects.filter(cadre_id__in=list(cadre_ids), year=year).select_related(
        "cadre__unit"
    )
    return {a.cadre_id: a for a in rows}


def open_appointments(cadre_id: int, *, on: date) -> list[Appointment]:
    """The cadre's appointments held on `on` (begun, not ended), the primary first: a new
    appointment (选拔任用's 任职) ends the one it replaces through `services.record_save`."""
    return list(
        Appointment.objects.filter(cadre_id=cadre_id, started_on__lte=on)
        .exclude(ended_on__lt=on)
        .select_related("unit", "post")
        .order_by("-is_primary", "-started_on", "id")
    )


def level_since(cadre_ids: Iterable[int], levels: dict[int, str]) -> dict[int, date]:
    """cadre id → the first day of the cadre's earliest appointment at `levels[cadre id]` (their
    current 职务层次): how long they have held that level, for the 资格审查 of 选拔任用."""
    out: dict[int, date] = {}
    rows = Appointment.objects.filter(cadre_id__in=list(cadre_ids)).values_list(
        "cadre_id", "level", "started_on"
    )
    for cid, level, started in rows:
        if level and level == levels.get(cid) and (cid not in out or started < out[cid]):
            out[cid] = started
    return out
