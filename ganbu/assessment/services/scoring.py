"""Computing a cycle with the engine, sealing it, and correcting it after sealing.

`cycle_inputs(track)` gathers the stored figures into the engine's input JSON (README.md): the
verified actual against the target the county set, numbers, points with notes, the events, the
leaders' ranks, and for 测评 the option counts per rater group of a *sealed* ballots-engine session
(`ballots.selectors.session_result`, never recounted). `compute` keeps the inputs and the whole
output of every run; `seal` refuses when a figure changed since the last run, then writes a digest
of the results into the audit log (and an anchor outside the database when one is configured).
After sealing a correction is a new run with a reason; the sealed run stays visible.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ganbu.assessment import engine, errors, events
from ganbu.assessment.models import (
    Computation,
    Cycle,
    CycleStatus,
    Figure,
    Incident,
    Ranking,
    Result,
    Target,
    Track,
)
from ganbu.assessment.services.cycles import leaves
from ganbu.assessment.services.schemes import refusal
from ganbu.audit.services import anchor_on_commit, record_event
from ganbu.ballots import selectors as ballot_selectors
from ganbu.core.numbers import written
from ganbu.core.workflow import transition
from ganbu.org.models import User


def _text(value: Decimal | None) -> str | None:
    return None if value is None else written(value)


def _ballot_counts(figure: Figure, label: str) -> dict[str, Any]:
    session = figure.ballot_session
    assert session is not None
    if session.status != "sealed":
        raise ValidationError(
            f"{label}：测评投票「{session.title}」尚未封存，封存后才能计分", code=errors.FIGURE_INVALID
        )
    result = ballot_selectors.session_result(session)
    for subject in result.subjects:
        if subject.label == figure.ballot_subject:
            complete = all(
                sum(subject.by_group.get(g.name, {}).values()) == g.valid
                for g in result.groups
                if g.valid > 0 and g.weight > 0
            )
            if complete:
                return {group: dict(counts) for group, counts in subject.by_group.items()}
            # a small group kept out of the counts (anonymity), or ballots without a mark for the
            # subject: the ballots engine's weighted shares, never a recount
            return {
                "shares": {
                    o: f"{v.numerator}/{v.denominator}" for o, v in subject.shares.items() if v is not None
                }
            }
    raise ValidationError(
        f"{label}：测评投票「{session.title}」中没有对象「{figure.ballot_subject}」",
        code=errors.FIGURE_INVALID,
    )


def cycle_inputs(track: Track) -> dict[str, Any]:
    """The engine's inputs for one category, from the stored figures."""
    participants = list(track.participants.select_related("unit").order_by("unit__path"))
    by_leaf = {leaf.code: leaf for leaf in leaves(track)}
    values: dict[int, dict[str, Any]] = {p.pk: {} for p in participants}
    for t in Target.objects.filter(participant__track=track):
        if t.actual is not None and t.target is not None:
            values[t.participant_id][t.leaf] = {"actual": _text(t.actual), "target": _text(t.target)}
        elif t.target is not None:
            values[t.participant_id][t.leaf] = {"actual": None, "target": _text(t.target)}
    problems: list[str] = []
    names = {p.pk: p.unit.name for p in participants}
    for f in Figure.objects.filter(participant__track=track).select_related("ballot_session"):
        leaf = by_leaf.get(f.leaf)
        if leaf is None:
            continue
        if f.ballot_session_id is not None:
            try:
                values[f.participant_id][f.leaf] = _ballot_counts(
                    f, f"{names[f.participant_id]} {leaf.label}"
                )
            except ValidationError as exc:
                problems.extend(exc.messages)
        elif leaf.rule == "manual":
            values[f.participant_id][f.leaf] = {"points": _text(f.value), "note": f.note}
        else:
            values[f.participant_id][f.leaf] = _text(f.value)
    for i in Incident.objects.filter(participant__track=track).order_by("happened_on", "id"):
        event: dict[str, Any] = {"reason": i.reason, "date": i.happened_on.isoformat()}
        if i.points is not None:
            event["points"] = _text(i.points)
        if i.level:
            event["level"] = i.level
        values[i.participant_id].setdefault(i.leaf, []).append(event)
    # one list per unit in the raters' order (the engine checks each rater's ranks); the derivation
    # shows them sorted (rules.rank_step), so a unit cannot tell which leader ranked it where
    for r in Ranking.objects.filter(track=track).order_by("leaf", "rater", "id"):
        values[r.participant_id].setdefault(r.leaf, []).append(r.rank)
    if problems:
        raise refusal(problems, errors.INPUTS_INVALID)
    return {
        "units": [
            {
                "code": p.unit.code,
                "name": p.unit.name,
                "category": track.category,
                "values": values[p.pk],
                **({"difficulty": p.difficulty} if p.difficulty else {}),
            }
            for p in participants
        ]
    }


def digest(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def current(track: Track) -> Computation | None:
    return track.computations.order_by("-id").first()


def _run(track: Track, actor: User | None, *, reason: str, sealed: bool) -> Computation:
    inputs = cycle_inputs(track)
    output = engine.compute(track.scheme.definition, inputs)
    computation = Computation.objects.create(
        cycle=track.cycle,
        track=track,
        inputs=inputs,
        output=output,
        digest=digest(output),
        reason=reason,
        sealed=sealed,
        computed_by=actor,
    )
    by_code = {p.unit.code: p for p in track.participants.select_related("unit")}
    Result.objects.bulk_create(
        Result(
            computation=computation,
            participant=by_code[u["code"]],
            total=Decimal(u["total"]),
            bonus=Decimal(u["bonus"]),
            rank=u["rank"],
            grade=u["grade"] or "",
            vetoed=u["vetoed"],
        )
        for u in output["units"]
    )
    return computation


@transaction.atomic
def compute(*, cycle: Cycle, actor: User | None, reason: str = "") -> list[Computation]:
    """Compute every category. While 考核中 as often as wanted; after sealing only as a correction
    with a reason (the sealed figures stay). Every problem of every category is reported at once,
    and then nothing is stored."""
    if cycle.status == CycleStatus.DRAFT:
        raise ValidationError("考核年度尚未开始考核，不能计分", code=errors.CYCLE_STATE)
    correcting = cycle.status == CycleStatus.SEALED
    if correcting and not reason.strip():
        raise ValidationError("考核结果已封存，更正须写明理由", code=errors.CYCLE_STATE)
    found: list[str] = []
    runs: list[Computation] = []
    for track in cycle.tracks.select_related("scheme", "cycle"):
        try:
            with transaction.atomic():
                runs.append(_run(track, actor, reason=reason.strip(), sealed=correcting))
        except ValidationError as exc:
            found.extend(f"{track.category}：{m}" for m in exc.messages)
    if found:
        raise refusal(found, errors.INPUTS_INVALID)
    record_event(
        actor=actor,
        action=events.CORRECT if correcting else events.COMPUTE,
        obj=cycle,
        object_label=cycle.name,
        payload={
            "digests": {r.track.category: r.digest for r in runs},
            **({"reason": reason.strip()} if correcting else {}),
        },
    )
    if correcting:
        anchor_on_commit()
    return runs


def seal_check(cycle: Cycle) -> list[str]:
    """Why the cycle cannot be sealed now (empty: it can)."""
    if cycle.status != CycleStatus.OPEN:
        return ["只有考核中的年度可以封存"]
    found: list[str] = []
    for track in cycle.tracks.select_related("scheme"):
        run = current(track)
        if run is None:
            found.append(f"{track.category}：尚未计分")
            continue
        try:
            now = cycle_inputs(track)
        except ValidationError as exc:
            found.extend(f"{track.category}：{m}" for m in exc.messages)
            continue
        if digest(now) != digest(run.inputs):
            found.append(f"{track.category}：计分后考核数据有变化，请重新计分后再封存")
    return found


@transaction.atomic
def seal(*, cycle: Cycle, actor: User | None) -> Cycle:
    """考核中 → 已封存: the current run of every category is sealed, and the digest of their results
    is written into the audit log (anchored outside the database when configured)."""
    locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
    found = seal_check(locked)
    if found:
        raise refusal(found, errors.SEAL_REFUSED)
    runs = [run for track in locked.tracks.all() if (run := current(track)) is not None]
    Computation.objects.filter(pk__in=[r.pk for r in runs]).update(sealed=True)
    seal_digest = digest(sorted(r.digest for r in runs))
    sealed = transition(
        locked,
        to=CycleStatus.SEALED,
        actor=actor,
        action=events.CYCLE_SEAL,
        fields={"sealed_at": timezone.now(), "seal_digest": seal_digest},
        payload={"digest": seal_digest, "categories": {r.track.category: r.digest for r in runs}},
    )
    anchor_on_commit()
    return sealed


def participants_with_results(cycle: Cycle) -> dict[int, Result]:
    """Each participant's line of its category's current run."""
    out: dict[int, Result] = {}
    for track in cycle.tracks.all():
        run = current(track)
        if run is not None:
            for result in run.results.all():
                out[result.participant_id] = result
    return out


__all__ = ["compute", "current", "cycle_inputs", "digest", "participants_with_results", "seal", "seal_check"]
