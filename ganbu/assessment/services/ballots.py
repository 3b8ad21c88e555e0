"""民主测评 for a cycle through the ballots engine: one rating session per assessed team, its rater
groups (and their weights) from the scheme's 测评 / 满意度 indicator, its options the indicator's.

The sessions belong to this module (the figure keeps a protected reference, so the ballots pages
leave their groups and subjects alone); voting, closing and sealing happen on the ballots pages
as for any session. The counts are read when computing, from the sealed result only."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from ganbu.assessment import errors, events
from ganbu.assessment.models import Figure, Track
from ganbu.assessment.services.cycles import is_office, leaf_of, refuse_unless_entering, refuse_unless_open
from ganbu.assessment.services.schemes import refusal
from ganbu.audit.services import record_event
from ganbu.ballots import rules as ballot_rules
from ganbu.ballots import services as ballot_services
from ganbu.org.models import User
from ganbu.org.selectors import county_root

EXPECTED_MAX = 2000


def team_label(unit_name: str) -> str:
    return f"{unit_name}领导班子"


@transaction.atomic
def create_ballots(
    *,
    track: Track,
    leaf_code: str,
    expected: Mapping[str, Any],
    actor: User | None,
    mode: str = "electronic",
) -> list[Figure]:
    """A rating session for every team of the category that has none yet for this indicator;
    `expected` is the number of raters per group (应到), `mode` electronic (codes, phones) or paper
    (hand count entered). The sessions belong to the county (the 考核办 runs them): a team never
    manages the vote on itself. Returns the figures linked."""
    refuse_unless_open(track.cycle)
    leaf = leaf_of(track, leaf_code)
    refuse_unless_entering(actor, leaf)
    if actor is not None and not is_office(actor):
        raise ValidationError("考核民主测评由县委考核办组织", code=errors.NOT_LEAD)
    if mode not in ("electronic", "paper"):
        raise ValidationError("投票方式应为扫码投票或纸质票", code=errors.FIGURE_INVALID)
    county = county_root()
    if county is None:
        raise ValidationError("系统中还没有单位", code=errors.FIGURE_INVALID)
    if leaf.rule not in ("ballot", "satisfaction"):
        raise ValidationError(f"{leaf.label}不是测评或满意度指标", code=errors.FIGURE_INVALID)
    names = list(leaf.groups)
    found: list[str] = []
    counts: dict[str, int] = {}
    for name in names:
        raw = str(expected.get(name, "")).strip()
        if not raw.isdigit() or not 1 <= int(raw) <= EXPECTED_MAX:
            found.append(f"「{name}」的应到人数应为 1 到 {EXPECTED_MAX} 的整数")
        else:
            counts[name] = int(raw)
    if found:
        raise refusal(found, errors.FIGURE_INVALID)
    weights = ballot_rules.integer_weights([str(leaf.groups[n]) for n in names])
    groups = [
        ballot_services.GroupSpec(n, expected=counts[n], weight=w)
        for n, w in zip(names, weights, strict=True)
    ]
    linked = set(
        Figure.objects.filter(participant__track=track, leaf=leaf_code).values_list(
            "participant_id", flat=True
        )
    )
    created: list[Figure] = []
    for participant in track.participants.select_related("unit").order_by("unit__path"):
        if participant.pk in linked:
            continue
        label = team_label(participant.unit.name)
        session = ballot_services.session_create(
            unit=county,
            title=f"{track.cycle.year}年度{leaf.name} · {label}",
            mode=mode,
            kind="rating",
            subjects=[ballot_services.SubjectSpec(label=label, note=track.category)],
            groups=groups,
            options=list(leaf.values),
            description=f"{track.cycle.name}：{leaf.name}（无记名）",
            actor=actor,
        )
        created.append(
            Figure.objects.create(
                participant=participant,
                leaf=leaf_code,
                ballot_session=session,
                ballot_subject=label,
                entered_by=actor,
            )
        )
    record_event(
        actor=actor,
        action=events.BALLOTS_CREATE,
        object_label=f"{track.cycle.name} {track.category} {leaf.label}",
        payload={"sessions": [f.ballot_session_id for f in created], "expected": counts},
    )
    return created
