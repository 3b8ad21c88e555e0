"""Paper mode: the figures of a hand count (唱票/计票), entered per group, then counted by the same
rules and documents as electronic ballots. Figures per group carry no per-voter data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Value, When

from ganbu.ballots import errors, rules
from ganbu.ballots.models import (
    BallotBox,
    BallotSession,
    CounterField,
    RaterGroup,
    SessionKind,
    SessionMode,
    SessionStatus,
    Tally,
    TallyKind,
)
from ganbu.ballots.results import tally_key
from ganbu.ballots.services.common import check_actor_scope, session_event
from ganbu.ballots.services.lifecycle import session_close, session_open, session_seal
from ganbu.org.models import User


def _bad(message: str) -> ValidationError:
    return ValidationError(message, code=errors.PAPER_INVALID)


def _count(value: Any, what: str) -> int:
    if isinstance(value, bool):
        raise _bad(f"{what}应为非负整数")
    try:
        number = int(value or 0)
    except (TypeError, ValueError) as exc:
        raise _bad(f"{what}应为非负整数") from exc
    if number < 0:
        raise _bad(f"{what}应为非负整数")
    return number


@transaction.atomic
def paper_count_enter(
    *,
    session: BallotSession,
    group: RaterGroup,
    present: int,
    returned: int,
    invalid: int,
    votes: Mapping[str, Any],
    write_ins: Mapping[str, int] | None = None,
    actor: User | None,
) -> None:
    """Record one group's hand count: 实参加 (present), 收回 (returned), 作废 (invalid), and per
    subject the votes for each option ({label: {option: n}}) or, for 推荐, the picks ({label: n})."""
    check_actor_scope(actor, session.unit)
    if session.mode != SessionMode.PAPER:
        raise _bad("只有纸质票投票可以录入计票结果")
    if session.status not in (SessionStatus.OPEN, SessionStatus.CLOSED):
        raise ValidationError("请在投票开始后、封存前录入计票结果", code=errors.BAD_STATUS)
    if group.session_id != session.pk:
        raise _bad("评议人类别不属于该投票")
    present = _count(present, "实参加人数")
    returned = _count(returned, "收回票数")
    invalid = _count(invalid, "作废票数")
    if present > group.expected:
        raise _bad(f"实参加人数 {present} 超过应参加人数 {group.expected}")
    if invalid > returned:
        raise _bad(f"作废票数 {invalid} 超过收回票数 {returned}")
    valid = returned - invalid
    subjects = {s.label: s for s in session.subjects.all()}
    unknown = [str(k) for k in votes if k not in subjects]
    if unknown:
        raise _bad(f"「{unknown[0]}」不在本次名单中")
    values: dict[str, int] = {
        tally_key(group.pk, TallyKind.RECEIVED): returned,
        tally_key(group.pk, TallyKind.INVALID): invalid,
    }
    picks_total = 0
    for label, subject in subjects.items():
        given = votes.get(label, {} if session.kind != SessionKind.RECOMMENDATION else 0)
        if session.kind == SessionKind.RECOMMENDATION:
            picks = _count(given, f"「{label}」的得票数")
            if picks > valid:
                raise _bad(f"「{label}」得票 {picks} 超过有效票数 {valid}")
            picks_total += picks
            values[tally_key(group.pk, TallyKind.PICK, subject.pk)] = picks
            continue
        if not isinstance(given, Mapping):
            raise _bad(f"「{label}」的票数格式不正确")
        bad = [str(o) for o in given if o not in session.options]
        if bad:
            raise _bad(f"「{label}」的选项「{bad[0]}」不是本次的选项")
        total = 0
        for index, option in enumerate(session.options):
            number = _count(given.get(option, 0), f"「{label}」的「{option}」票数")
            total += number
            values[tally_key(group.pk, TallyKind.OPTION, subject.pk, index)] = number
        if total > valid:
            raise _bad(f"「{label}」各选项票数合计 {total} 超过有效票数 {valid}")
    names: dict[str, int] = {}
    for raw, number in (write_ins or {}).items():
        if not session.allow_write_in:
            raise _bad("本次推荐不能另选他人")
        name = rules.normalise_name(str(raw))
        if not name or len(name) > rules.WRITE_IN_MAX_LENGTH or name in subjects:
            raise _bad(f"另选他人「{raw}」的姓名不正确或已在候选人名单中")
        names[name] = names.get(name, 0) + _count(number, f"另选他人「{name}」的得票数")
        if names[name] > valid:
            raise _bad(f"另选他人「{name}」得票超过有效票数 {valid}")
    picks_total += sum(names.values())
    if session.kind == SessionKind.RECOMMENDATION and picks_total > valid * session.max_choices:
        raise _bad(f"得票合计 {picks_total} 超过有效票数 × 最多可选人数（{valid} × {session.max_choices}）")

    box = BallotBox.objects.select_for_update().get(session=session)
    # the figures are counts: Value(..., output_field=CounterField()) stores them in its encoding
    updated = Tally.objects.filter(session=session, key__in=list(values)).update(
        count=Case(
            *[When(key=k, then=Value(v, output_field=CounterField())) for k, v in values.items()],
            output_field=CounterField(),
        )
    )
    if updated != len(values):
        raise RuntimeError("paper counters missing")
    write_in_map = dict(box.write_ins)
    if names:
        write_in_map[str(group.pk)] = dict(sorted(names.items()))
    else:
        write_in_map.pop(str(group.pk), None)
    received = sum(
        Tally.objects.filter(session=session, kind=TallyKind.RECEIVED).values_list("count", flat=True)
    )
    BallotBox.objects.filter(pk=box.pk).update(
        received=received, write_ins=dict(sorted(write_in_map.items()))
    )
    RaterGroup.objects.filter(pk=group.pk).update(present=present)
    session_event(
        actor,
        action="ballots.paper_count_entered",
        session=session,
        payload={
            "group": group.name,
            "present": present,
            "returned": returned,
            "invalid": invalid,
            "votes": {k: votes.get(k) for k in subjects},
            "write_ins": names,
        },
    )


def paper_meeting_record(
    *,
    session: BallotSession,
    present: int,
    votes: Mapping[str, Any] | None = None,
    group_votes: Mapping[str, Mapping[str, Any]] | None = None,
    write_ins: Mapping[str, int] | None = None,
    actor: User | None = None,
    seal: bool = True,
) -> None:
    """A whole paper meeting at once, as the demo seeders and tests record one: opened (when still
    a draft), every rater group's hand count (all `present` returned, none invalid; `votes` for
    every group alike, or `group_votes` by group name; `write_ins` of a 推荐 alike), closed, and sealed
    unless `seal` is False."""
    if session.status == SessionStatus.DRAFT:
        session_open(session=session, actor=actor)
    for group in session.groups.order_by("id"):
        session.refresh_from_db()
        counts = group_votes[group.name] if group_votes is not None else votes or {}
        paper_count_enter(
            session=session,
            group=group,
            present=present,
            returned=present,
            invalid=0,
            votes=counts,
            write_ins=write_ins,
            actor=actor,
        )
    session.refresh_from_db()
    session_close(session=session, actor=actor)
    if seal:
        session.refresh_from_db()
        session_seal(session=session, actor=actor)
    session.refresh_from_db()
