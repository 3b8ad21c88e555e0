"""难度系数: the county office sets a coefficient per unit and indicator when the scheme uses one
(within the scheme's range; not on 加分 or 一票否决 leaves). A blank removes it (coefficient 1)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from ganbu.assessment import errors, events, rules
from ganbu.assessment.models import Participant, Track
from ganbu.assessment.services.cycles import is_office, leaf_of, refuse_unless_editable
from ganbu.assessment.services.schemes import refusal
from ganbu.audit.services import record_event
from ganbu.org.models import User


def difficulty_range(track: Track) -> tuple[Decimal, Decimal] | None:
    return rules.parse_scheme(track.scheme.definition).difficulty


@transaction.atomic
def set_difficulty(*, track: Track, leaf_code: str, actor: User | None, values: Mapping[int, Any]) -> int:
    """Coefficients of one leaf by participant id; all or nothing. Returns how many changed."""
    refuse_unless_editable(track.cycle, actor)
    if actor is not None and not is_office(actor):
        raise ValidationError("难度系数由县委考核办设定", code=errors.NOT_LEAD)
    leaf = leaf_of(track, leaf_code)
    bounds = difficulty_range(track)
    if bounds is None:
        raise ValidationError(f"方案「{track.scheme}」不使用难度系数", code=errors.FIGURE_INVALID)
    if leaf.rule in rules.NO_DIFFICULTY_RULES:
        raise ValidationError(f"{leaf.label}不适用难度系数", code=errors.FIGURE_INVALID)
    low, high = bounds
    participants = {
        p.pk: p for p in Participant.objects.select_for_update().filter(track=track).select_related("unit")
    }
    found: list[str] = []
    changed: list[Participant] = []
    for pid, raw in values.items():
        participant = participants.get(pid)
        if participant is None:
            found.append(f"第 {pid} 号单位不在类别「{track.category}」中")
            continue
        text = str(raw or "").strip()
        current = dict(participant.difficulty or {})
        if not text:
            if leaf_code in current:
                current.pop(leaf_code)
                participant.difficulty = current
                changed.append(participant)
            continue
        try:
            number = Decimal(text)
        except InvalidOperation:
            found.append(f"{participant.unit.name}的难度系数应为数字，不是「{text}」")
            continue
        if not (low <= number <= high):
            found.append(f"{participant.unit.name}的难度系数应在 {low} 到 {high} 之间，不是「{text}」")
            continue
        if current.get(leaf_code) != text:
            current[leaf_code] = text
            participant.difficulty = current
            changed.append(participant)
    if found:
        raise refusal(found, errors.FIGURE_INVALID)
    Participant.objects.bulk_update(changed, ["difficulty"])
    if changed:
        record_event(
            actor=actor,
            action=events.DIFFICULTY_SET,
            object_label=f"{track.cycle.name} {track.category} {leaf.label}",
            payload={"units": {p.unit.name: p.difficulty.get(leaf_code, "") for p in changed}},
        )
    return len(changed)
