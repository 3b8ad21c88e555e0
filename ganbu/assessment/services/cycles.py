"""A cycle (考核年度): created with its categories and units, opened (the schemes freeze and each
unit gets the items of its 目标责任书), then the figures: targets declared by the unit, reviewed and
signed by the county, actual values entered by the leading group that scores each indicator,
events (扣分, 加分, 一票否决), the county leaders' rankings and 民主测评 sessions.

Who may enter a leaf's figures: the county office (组织部, whole county), or an account of the
leaf's 牵头单位 (`lead`, a unit's name, short name or code). A unit never enters its own scores.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ganbu.assessment import errors, events, rules
from ganbu.assessment.models import (
    Cycle,
    CycleStatus,
    Figure,
    Incident,
    Participant,
    Ranking,
    Scheme,
    Target,
    TargetStatus,
    Track,
)
from ganbu.assessment.rules import Leaf
from ganbu.assessment.services.schemes import problems, refusal
from ganbu.audit.services import record_event
from ganbu.core.numbers import to_decimal
from ganbu.core.workflow import transition
from ganbu.org.models import Unit, User
from ganbu.org.permissions import has_capability
from ganbu.org.scoping import scope_path
from ganbu.org.selectors import unit_by_name

TARGET_RULES = frozenset({"completion"})
FIGURE_RULES = frozenset({"ratio_to_top", "rank_linear", "bracket", "manual", "ballot", "satisfaction"})
EVENT_RULES = frozenset({"deduct", "bonus", "veto"})
RANK_RULES = frozenset({"rank_step"})


@dataclass(frozen=True)
class TrackSpec:
    category: str
    scheme: Scheme
    units: list[Unit]


def leaves(track: Track) -> tuple[Leaf, ...]:
    return rules.parse_scheme(track.scheme.definition).leaves


def leaf_of(track: Track, code: str) -> Leaf:
    for leaf in leaves(track):
        if leaf.code == code:
            return leaf
    raise ValidationError(f"方案「{track.scheme}」中没有指标「{code}」", code=errors.FIGURE_INVALID)


def lead_unit(lead: str) -> Unit | None:
    """The unit a scheme's 牵头单位 names (by name, short name or code)."""
    return unit_by_name(lead)


def is_office(user: User) -> bool:
    """The county office (考核办): manages assessment with the whole county in scope."""
    return has_capability(user, "assessment.manage") and scope_path(user) is None


def may_enter(user: User | None, leaf: Leaf) -> bool:
    if user is None:  # the system: commands and the demo
        return True
    if is_office(user):
        return True
    if not has_capability(user, "assessment.enter") or user.scope_unit_id is None:
        return False
    unit = lead_unit(leaf.lead)
    return unit is not None and unit.pk == user.scope_unit_id


def refuse_unless_entering(user: User | None, leaf: Leaf) -> None:
    if not may_enter(user, leaf):
        who = f"牵头单位「{leaf.lead}」" if leaf.lead else "考核办"
        raise ValidationError(f"{leaf.label}由{who}填报，您的账号不能填报", code=errors.NOT_LEAD)


def refuse_unless_editable(cycle: Cycle, actor: User | None) -> None:
    """The figures of a cycle change while it is 考核中; after sealing only the county office may
    change them, for a correction (a new computation with its reason; the sealed one stays)."""
    status = Cycle.objects.filter(pk=cycle.pk).values_list("status", flat=True).get()
    if status == CycleStatus.SEALED and (actor is None or is_office(actor)):
        cycle.status = status
        return
    refuse_unless_open(cycle)


def refuse_unless_open(cycle: Cycle) -> None:
    """Read from the database, not the object handed in: a cycle sealed meanwhile takes nothing."""
    cycle.status = Cycle.objects.filter(pk=cycle.pk).values_list("status", flat=True).get()
    if cycle.status != CycleStatus.OPEN:
        label = CycleStatus(cycle.status).label
        raise ValidationError(f"考核年度「{cycle.name}」{label}，不能填报考核数据", code=errors.CYCLE_STATE)


# --- creating and opening a cycle -----------------------------------------------------------------


@transaction.atomic
def create_cycle(*, actor: User | None, year: int, name: str, tracks: Iterable[TrackSpec]) -> Cycle:
    """A cycle with its categories; every scheme must pass the validator, every unit take part
    once, and every 牵头单位 name a unit (else its figures could never be entered)."""
    specs = list(tracks)
    found: list[str] = []
    if not specs:
        found.append("请至少设置一个考核类别")
    seen: dict[int, str] = {}
    categories: set[str] = set()
    for spec in specs:
        if spec.category in categories:
            found.append(f"类别「{spec.category}」重复")
        categories.add(spec.category)
        scheme_problems = problems(spec.scheme.definition)
        if scheme_problems:
            found.append(
                f"类别「{spec.category}」选用的方案「{spec.scheme}」未通过校验：{scheme_problems[0]}"
            )
        else:
            for leaf in rules.parse_scheme(spec.scheme.definition).leaves:
                if leaf.lead and lead_unit(leaf.lead) is None:
                    found.append(f"方案「{spec.scheme}」{leaf.label}的牵头单位「{leaf.lead}」在单位中找不到")
        if not spec.units:
            found.append(f"类别「{spec.category}」没有参加考核的单位")
        for unit in spec.units:
            if unit.pk in seen:
                found.append(f"单位「{unit.name}」同时在类别「{seen[unit.pk]}」和「{spec.category}」中")
            seen[unit.pk] = spec.category
    if found:
        raise refusal(list(dict.fromkeys(found)), errors.CYCLE_STATE)
    cycle = Cycle.objects.create(year=year, name=name, created_by=actor)
    for order, spec in enumerate(specs):
        track = Track.objects.create(
            cycle=cycle, category=spec.category, scheme=spec.scheme, sort_order=order
        )
        Participant.objects.bulk_create(Participant(cycle=cycle, track=track, unit=u) for u in spec.units)
    record_event(
        actor=actor,
        action=events.CYCLE_CREATE,
        obj=cycle,
        object_label=cycle.name,
        payload={"year": year, "categories": {s.category: len(s.units) for s in specs}},
    )
    return cycle


@transaction.atomic
def open_cycle(*, cycle: Cycle, actor: User | None) -> Cycle:
    """筹备中 → 考核中: the schemes are frozen, and each unit's 目标责任书 gets one item per 完成率
    indicator of its category's scheme."""
    now = timezone.now()
    tracks = list(cycle.tracks.select_related("scheme"))
    Scheme.objects.filter(pk__in=[t.scheme_id for t in tracks], frozen_at__isnull=True).update(frozen_at=now)
    for track in tracks:
        codes = [leaf.code for leaf in leaves(track) if leaf.rule in TARGET_RULES]
        Target.objects.bulk_create(
            [Target(participant=p, leaf=code) for p in track.participants.all() for code in codes],
            ignore_conflicts=True,
        )
    return transition(
        cycle, to=CycleStatus.OPEN, actor=actor, action=events.CYCLE_OPEN, fields={"opened_at": now}
    )


# --- 目标责任书 -------------------------------------------------------------------------------------


def _decimal(value: Any, what: str) -> Decimal:
    """A typed number (thousands separators of either width allowed), or a Chinese refusal."""
    number = to_decimal(str(value).replace("，", "").replace(",", ""))
    if number is None:
        raise ValidationError(f"{what}应为数字，不是「{value}」", code=errors.FIGURE_INVALID)
    return number


@transaction.atomic
def declare_targets(
    *, participant: Participant, actor: User | None, values: Mapping[str, Any]
) -> Participant:
    """The unit's own targets (自认/申报), every item filled and above 0, then 待申报 → 已申报."""
    refuse_unless_open(participant.cycle)
    targets = {t.leaf: t for t in participant.targets.select_for_update()}
    names = {leaf.code: leaf.label for leaf in leaves(participant.track)}
    found: list[str] = []
    for code, target in targets.items():
        raw = values.get(code)
        if raw in (None, ""):
            found.append(f"{names.get(code, code)}：请填写申报目标值")
            continue
        try:
            number = _decimal(raw, f"{names.get(code, code)}的申报目标值")
        except ValidationError as exc:
            found.extend(exc.messages)
            continue
        if number <= 0:
            found.append(f"{names.get(code, code)}：目标值应大于 0")
        target.declared = number
    if found:
        raise refusal(found, errors.FIGURE_INVALID)
    Target.objects.bulk_update(targets.values(), ["declared"])
    return transition(
        participant,
        to=TargetStatus.DECLARED,
        field="target_status",
        actor=actor,
        action=events.TARGETS_DECLARE,
        fields={"declared_at": timezone.now()},
        unit_path=participant.unit.path,
        not_allowed="目标责任书已申报或已签订，不能重复申报",
    )


@transaction.atomic
def adjust_target(*, target: Target, actor: User | None, value: Any, reason: str) -> Target:
    """The county raises or lowers a declared target, with a reason; both values are kept."""
    participant = target.participant
    refuse_unless_open(participant.cycle)
    if participant.target_status != TargetStatus.DECLARED:
        raise ValidationError("只有已申报、未签订的目标责任书可以审核调整", code=errors.CYCLE_STATE)
    number = _decimal(value, "审定目标值")
    if number <= 0:
        raise ValidationError("审定目标值应大于 0", code=errors.FIGURE_INVALID)
    reason = reason.strip()
    if number != target.declared and not reason:
        raise ValidationError("调整申报目标值须写明理由", code=errors.FIGURE_INVALID)
    before = target.adjusted
    target.adjusted = None if number == target.declared else number
    target.adjust_reason = reason if target.adjusted is not None else ""
    target.save(update_fields=["adjusted", "adjust_reason"])
    record_event(
        actor=actor,
        action=events.TARGET_ADJUST,
        obj=target,
        object_label=f"{participant.unit.name} {target.leaf}",
        unit_path=participant.unit.path,
        payload={"before": {"adjusted": before}, "after": {"adjusted": target.adjusted}, "reason": reason},
    )
    return target


@transaction.atomic
def sign_targets(*, participant: Participant, actor: User | None) -> Participant:
    refuse_unless_open(participant.cycle)
    return transition(
        participant,
        to=TargetStatus.SIGNED,
        field="target_status",
        actor=actor,
        action=events.TARGETS_SIGN,
        fields={"signed_at": timezone.now(), "signed_by": actor},
        unit_path=participant.unit.path,
        not_allowed="目标责任书尚未申报，或已签订",
    )


@transaction.atomic
def return_targets(*, participant: Participant, actor: User | None, reason: str) -> Participant:
    if not reason.strip():
        raise ValidationError("退回须写明理由", code=errors.FIGURE_INVALID)
    return transition(
        participant,
        to=TargetStatus.OPEN,
        field="target_status",
        actor=actor,
        action=events.TARGETS_RETURN,
        reason=reason.strip(),
        unit_path=participant.unit.path,
        not_allowed="只有已申报、未签订的目标责任书可以退回",
    )


@transaction.atomic
def report_progress(*, target: Target, actor: User | None, text: str) -> Target:
    participant = target.participant
    refuse_unless_open(participant.cycle)
    if participant.target_status != TargetStatus.SIGNED:
        raise ValidationError("目标责任书签订后才能报送进展情况", code=errors.CYCLE_STATE)
    target.progress = text.strip()[:500]
    target.save(update_fields=["progress"])
    record_event(
        actor=actor,
        action=events.TARGET_PROGRESS,
        obj=target,
        object_label=f"{participant.unit.name} {target.leaf}",
        unit_path=participant.unit.path,
    )
    return target


@transaction.atomic
def enter_actuals(*, track: Track, leaf_code: str, actor: User | None, values: Mapping[int, Any]) -> int:
    """The verified actual values of one 完成率 indicator (单项考核) by participant id; blank leaves a
    value as it was. All or nothing: one bad value and nothing is stored. Returns how many changed."""
    refuse_unless_editable(track.cycle, actor)
    leaf = leaf_of(track, leaf_code)
    refuse_unless_entering(actor, leaf)
    targets = {
        t.participant_id: t
        for t in Target.objects.select_for_update()
        .select_related("participant__unit")
        .filter(participant__track=track, leaf=leaf_code)
    }
    found: list[str] = []
    changed: list[Target] = []
    now = timezone.now()
    for pid, raw in values.items():
        target = targets.get(pid)
        if target is None:
            found.append(f"第 {pid} 号单位不在类别「{track.category}」中")
            continue
        if raw in (None, ""):
            continue
        try:
            number = _decimal(raw, f"{target.participant.unit.name}的核定完成值")
        except ValidationError as exc:
            found.extend(exc.messages)
            continue
        if number < 0:
            found.append(f"{target.participant.unit.name}的核定完成值不能小于 0")
            continue
        if target.participant.target_status != TargetStatus.SIGNED:
            found.append(f"{target.participant.unit.name}的目标责任书尚未签订")
            continue
        if target.actual != number:
            target.actual, target.actual_by, target.actual_at = number, actor, now
            changed.append(target)
    if found:
        raise refusal(found, errors.FIGURE_INVALID)
    Target.objects.bulk_update(changed, ["actual", "actual_by", "actual_at"])
    if changed:
        record_event(
            actor=actor,
            action=events.ACTUAL_ENTER,
            object_label=f"{track.cycle.name} {leaf.label}",
            payload={"units": {t.participant.unit.name: str(t.actual) for t in changed}},
        )
    return len(changed)


# --- the other figures ----------------------------------------------------------------------------


@transaction.atomic
def enter_figures(
    *, track: Track, leaf_code: str, actor: User | None, values: Mapping[int, tuple[Any, str]]
) -> int:
    """Numbers (or points with a note, for 评定) of one leaf by participant id; all or nothing."""
    refuse_unless_editable(track.cycle, actor)
    leaf = leaf_of(track, leaf_code)
    refuse_unless_entering(actor, leaf)
    if leaf.rule not in FIGURE_RULES - {"ballot", "satisfaction"} and not (
        leaf.rule == "bracket" and leaf.share_of is None
    ):
        raise ValidationError(f"{leaf.label}的数据不是逐个填写的数值", code=errors.FIGURE_INVALID)
    participants = {p.pk: p for p in track.participants.select_related("unit")}
    found: list[str] = []
    rows: list[tuple[Participant, Decimal, str]] = []
    for pid, (raw, note) in values.items():
        participant = participants.get(pid)
        if participant is None:
            found.append(f"第 {pid} 号单位不在类别「{track.category}」中")
            continue
        if raw in (None, ""):
            continue
        try:
            number = _decimal(raw, f"{participant.unit.name}的{leaf.name}")
        except ValidationError as exc:
            found.extend(exc.messages)
            continue
        if leaf.rule == "manual" and not (0 <= number <= leaf.weight):
            found.append(f"{participant.unit.name}的{leaf.name}应在 0 到 {leaf.weight} 分之间")
            continue
        if leaf.rule == "manual" and not note.strip():
            found.append(f"{participant.unit.name}的{leaf.name}：评定须写明依据")
            continue
        if leaf.rule != "manual" and number < 0:
            found.append(f"{participant.unit.name}的{leaf.name}不能小于 0")
            continue
        rows.append((participant, number, note.strip()[:300]))
    if found:
        raise refusal(found, errors.FIGURE_INVALID)
    for participant, number, note in rows:
        Figure.objects.update_or_create(
            participant=participant,
            leaf=leaf_code,
            defaults={
                "value": number,
                "note": note,
                "entered_by": actor,
                "ballot_session": None,
                "ballot_subject": "",
            },
        )
    if rows:
        record_event(
            actor=actor,
            action=events.FIGURE_ENTER,
            object_label=f"{track.cycle.name} {leaf.label}",
            payload={"units": {p.unit.name: str(n) for p, n, _ in rows}},
        )
    return len(rows)


@transaction.atomic
def link_ballot(
    *, participant: Participant, leaf_code: str, actor: User | None, session: Any, subject: str
) -> Figure:
    """A 测评 / 满意度 leaf reads the counts of a ballots-engine session (for this unit's team, the
    subject's label); the counts are read when computing, and only from a sealed session."""
    track = participant.track
    refuse_unless_editable(track.cycle, actor)
    leaf = leaf_of(track, leaf_code)
    refuse_unless_entering(actor, leaf)
    if leaf.rule not in ("ballot", "satisfaction") and not (leaf.rule == "bracket" and leaf.share_of):
        raise ValidationError(f"{leaf.label}不取测评结果", code=errors.FIGURE_INVALID)
    figure, _ = Figure.objects.update_or_create(
        participant=participant,
        leaf=leaf_code,
        defaults={"value": None, "ballot_session": session, "ballot_subject": subject, "entered_by": actor},
    )
    record_event(
        actor=actor,
        action=events.FIGURE_ENTER,
        object_label=f"{participant.unit.name} {leaf.label}",
        unit_path=participant.unit.path,
        payload={"ballot_session": session.pk, "subject": subject},
    )
    return figure


@transaction.atomic
def add_incident(
    *,
    participant: Participant,
    leaf_code: str,
    actor: User | None,
    happened_on: date,
    reason: str,
    points: Any = None,
    level: str = "",
) -> Incident:
    """An event of a 扣分 (points), 加分 (level) or 一票否决 (reason) leaf."""
    track = participant.track
    refuse_unless_editable(track.cycle, actor)
    leaf = leaf_of(track, leaf_code)
    refuse_unless_entering(actor, leaf)
    if leaf.rule not in EVENT_RULES:
        raise ValidationError(f"{leaf.label}不是加减分或一票否决指标", code=errors.FIGURE_INVALID)
    if not reason.strip():
        raise ValidationError("请写明事由", code=errors.FIGURE_INVALID)
    value: Decimal | None = None
    if leaf.rule == "deduct":
        if points in (None, ""):
            raise ValidationError("扣分事项须填写扣分分值", code=errors.FIGURE_INVALID)
        value = _decimal(points, "扣分分值")
        if value <= 0:
            raise ValidationError("扣分分值应大于 0", code=errors.FIGURE_INVALID)
    if leaf.rule == "bonus" and level not in leaf.levels:
        raise ValidationError(
            f"加分级别应为：{'、'.join(leaf.levels)}，不是「{level}」", code=errors.FIGURE_INVALID
        )
    incident = Incident.objects.create(
        participant=participant,
        leaf=leaf_code,
        happened_on=happened_on,
        reason=reason.strip()[:300],
        points=value,
        level=level if leaf.rule == "bonus" else "",
        entered_by=actor,
    )
    record_event(
        actor=actor,
        action=events.INCIDENT_ADD,
        obj=incident,
        object_label=f"{participant.unit.name} {leaf.label}",
        unit_path=participant.unit.path,
        payload={
            "date": happened_on.isoformat(),
            "reason": incident.reason,
            "points": str(value or ""),
            "level": level,
        },
    )
    return incident


@transaction.atomic
def delete_incident(*, incident: Incident, actor: User | None) -> None:
    participant = incident.participant
    refuse_unless_editable(participant.cycle, actor)
    refuse_unless_entering(actor, leaf_of(participant.track, incident.leaf))
    record_event(
        actor=actor,
        action=events.INCIDENT_DELETE,
        object_label=f"{participant.unit.name} {incident.leaf}",
        unit_path=participant.unit.path,
        payload={"date": incident.happened_on.isoformat(), "reason": incident.reason},
    )
    incident.delete()


@transaction.atomic
def enter_rankings(
    *, track: Track, leaf_code: str, actor: User | None, rater: str, ranks: Mapping[int, Any]
) -> int:
    """One county leader's ranking of every unit of the category (领导评价): each rank from 1 to the
    number of units, every unit ranked, no rank given twice (the engine refuses a tie from one
    rater, README "Validation", so it is refused here, not only when computing)."""
    refuse_unless_editable(track.cycle, actor)
    leaf = leaf_of(track, leaf_code)
    refuse_unless_entering(actor, leaf)
    if leaf.rule not in RANK_RULES:
        raise ValidationError(f"{leaf.label}不是名次评价指标", code=errors.FIGURE_INVALID)
    rater = rater.strip()
    if not rater:
        raise ValidationError("请填写评价人姓名", code=errors.FIGURE_INVALID)
    participants = {p.pk: p for p in track.participants.select_related("unit")}
    n = len(participants)
    found: list[str] = []
    parsed: dict[int, int] = {}
    for pid, participant in participants.items():
        raw = ranks.get(pid)
        text = "" if raw is None else str(raw).strip()
        if not text.isdigit() or not 1 <= int(text) <= n:
            found.append(
                f"{participant.unit.name}：名次应为 1 到 {n} 的整数" + (f"，不是「{text}」" if text else "")
            )
            continue
        parsed[pid] = int(text)
    given: dict[int, list[str]] = {}
    for pid, rank in parsed.items():
        given.setdefault(rank, []).append(participants[pid].unit.name)
    found.extend(
        f"名次 {r} 同时给了{'、'.join(names)}" for r, names in sorted(given.items()) if len(names) > 1
    )
    if found:
        raise refusal(found, errors.FIGURE_INVALID)
    Ranking.objects.filter(track=track, leaf=leaf_code, rater=rater).delete()
    Ranking.objects.bulk_create(
        Ranking(track=track, leaf=leaf_code, rater=rater, participant_id=pid, rank=r)
        for pid, r in parsed.items()
    )
    record_event(
        actor=actor,
        action=events.RANKINGS_ENTER,
        object_label=f"{track.cycle.name} {track.category} {leaf.label}",
        payload={"rater": rater, "ranks": {participants[p].unit.name: r for p, r in parsed.items()}},
    )
    return len(parsed)
