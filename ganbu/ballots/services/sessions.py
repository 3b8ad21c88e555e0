"""Session lifecycle: create (from arguments or a JSON spec), 模拟测试, open, present counts, close,
seal. Every function is atomic and writes its audit event."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from ganbu.audit.services import record_event
from ganbu.ballots import conf, errors, rules
from ganbu.ballots.models import (
    ApprovalRule,
    BallotBox,
    BallotCode,
    BallotSession,
    Denominator,
    RaterGroup,
    SessionKind,
    SessionMode,
    SessionStatus,
    Subject,
    Tally,
    TallyKind,
)
from ganbu.org.models import Unit, User
from ganbu.org.scoping import unit_in_scope
from ganbu.org.selectors import county_root

ID_NUMBER = re.compile(r"^\d{17}[\dXx]$")
MAX_SUBJECTS = 300
MAX_GROUPS = 20


@dataclass(frozen=True)
class SubjectSpec:
    label: str
    note: str = ""
    cadre_id: int | None = None


@dataclass(frozen=True)
class GroupSpec:
    name: str
    expected: int
    weight: int = 1


def _bad(message: str, code: str = errors.SPEC_INVALID) -> ValidationError:
    return ValidationError(message, code=code)


def _audit(actor: User | None, action: str, session: BallotSession, payload: dict[str, Any]) -> None:
    record_event(actor=actor, action=action, obj=session, unit_path=session.unit.path, payload=payload)


def check_actor_scope(actor: User | None, unit: Unit) -> None:
    """Commands run as the system (actor None); a user may only act on sessions of their subtree."""
    if actor is not None and not unit_in_scope(actor, unit):
        raise PermissionDenied("该投票不在您的数据范围内")


# --- create -----------------------------------------------------------------------------------


def resolve_subjects(raw: Sequence[Any], *, actor: User | None) -> list[SubjectSpec]:
    """Subjects given as names, as 身份证号 of registry cadres, or as {"name", "id_number", "note"}."""
    from ganbu.cadres.models import Cadre
    from ganbu.cadres.selectors import cadres_in_scope

    specs: list[SubjectSpec] = []
    for index, item in enumerate(raw, start=1):
        if isinstance(item, SubjectSpec):
            specs.append(item)
            continue
        if isinstance(item, str):
            item = {"id_number": item} if ID_NUMBER.match(item.strip()) else {"name": item}
        if not isinstance(item, Mapping):
            raise _bad(f"第 {index} 个对象格式不正确：应为姓名、身份证号或对象")
        note = str(item.get("note") or "").strip()
        id_number = str(item.get("id_number") or "").strip().upper()
        if id_number:
            cadres = cadres_in_scope(actor) if actor is not None else Cadre.objects.all()
            cadre = cadres.filter(id_number=id_number).first()
            if cadre is None:
                raise _bad(f"第 {index} 个对象：未找到身份证号为 {id_number} 的干部（或不在您的数据范围内）")
            label = str(item.get("name") or cadre.name).strip()
            specs.append(SubjectSpec(label=label, note=note or cadre.current_title, cadre_id=cadre.pk))
        else:
            label = str(item.get("name") or "").strip()
            if not label:
                raise _bad(f"第 {index} 个对象没有姓名")
            specs.append(SubjectSpec(label=label, note=note))
    # the same name twice: tell them apart by the note (e.g. current post)
    labels = [s.label for s in specs]
    result = []
    for spec in specs:
        if labels.count(spec.label) > 1 and spec.note:
            spec = SubjectSpec(label=f"{spec.label}（{spec.note}）", note=spec.note, cadre_id=spec.cadre_id)
        result.append(spec)
    return result


def _validate(
    *,
    title: str,
    kind: str,
    rule: str,
    options: list[str],
    subjects: list[SubjectSpec],
    groups: list[GroupSpec],
    max_choices: int,
    min_choices: int,
    allow_write_in: bool,
) -> None:
    if not title.strip():
        raise _bad("请填写名称")
    if kind not in SessionKind.values:
        raise _bad("类型应为 rating（民主测评）、recommendation（民主推荐）或 approval（表决）")
    if kind == SessionKind.APPROVAL and rule not in (ApprovalRule.DECISION, ApprovalRule.CONSULTATION):
        raise _bad("表决须选择规则：decision（常委会票决）或 consultation（全委会征求意见）")
    if not subjects and not (kind == SessionKind.RECOMMENDATION and allow_write_in):
        raise _bad("至少要有一个测评/表决对象")
    if len(subjects) > MAX_SUBJECTS:
        raise _bad(f"对象最多 {MAX_SUBJECTS} 个")
    labels = [s.label for s in subjects]
    duplicates = sorted({x for x in labels if labels.count(x) > 1})
    if duplicates:
        raise _bad(f"对象重名：{'、'.join(duplicates)}（请加说明区分）")
    if any(len(x) > 100 for x in labels):
        raise _bad("对象姓名最长 100 字")
    if kind != SessionKind.RECOMMENDATION:
        if len(options) < 2:
            raise _bad("至少要有两个选项")
        if len(set(options)) != len(options) or any(not o.strip() or len(o) > 20 for o in options):
            raise _bad("选项不能重复、不能为空、每项最长 20 字")
    if kind == SessionKind.APPROVAL and not {rules.AGREE, rules.DISAGREE} <= set(options):
        raise _bad("表决的选项必须包含「同意」和「不同意」")
    if not groups:
        raise _bad("至少要有一类评议人")
    if len(groups) > MAX_GROUPS:
        raise _bad(f"评议人类别最多 {MAX_GROUPS} 类")
    names = [g.name for g in groups]
    if len(set(names)) != len(names) or any(not n.strip() or len(n) > 50 for n in names):
        raise _bad("评议人类别名称不能重复、不能为空、最长 50 字")
    for g in groups:
        if g.expected < 1 or g.weight < 1:
            raise _bad(f"「{g.name}」的应到人数和权重都应为正整数")
    if kind == SessionKind.RECOMMENDATION:
        if max_choices < 1:
            raise _bad("最多可选人数应至少为 1")
        if not 0 <= min_choices <= max_choices:
            raise _bad("最少须选人数应在 0 与最多可选人数之间")
        if not allow_write_in and max_choices > len(subjects):
            raise _bad(f"最多可选 {max_choices} 人，但候选人只有 {len(subjects)} 人")


@transaction.atomic
def session_create(
    *,
    unit: Unit,
    title: str,
    kind: str,
    subjects: Sequence[SubjectSpec | str | Mapping[str, Any]],
    groups: Sequence[GroupSpec],
    options: Sequence[str] | None = None,
    rule: str = "",
    mode: str = SessionMode.ELECTRONIC,
    max_choices: int = 1,
    min_choices: int = 0,
    allow_write_in: bool = False,
    denominator: str | None = None,
    min_group_size: int | None = None,
    live_min: int | None = None,
    description: str = "",
    actor: User | None,
) -> BallotSession:
    """Create a session in draft. This is the entry point for other modules (e.g. 驻村 述职评议)."""
    check_actor_scope(actor, unit)
    subject_specs = resolve_subjects(list(subjects), actor=actor)
    if kind == SessionKind.APPROVAL:
        rule = rule or ApprovalRule.DECISION
        option_list = list(options) if options else list(rules.APPROVAL_OPTIONS)
    elif kind == SessionKind.RATING:
        rule = ""
        option_list = list(options) if options else list(rules.RATING_OPTIONS)
    else:
        rule = ""
        option_list = []
    if kind != SessionKind.RECOMMENDATION:
        max_choices, min_choices, allow_write_in = 1, 0, False
    option_list = [str(o).strip() for o in option_list]
    group_specs = list(groups)
    _validate(
        title=title,
        kind=kind,
        rule=rule,
        options=option_list,
        subjects=subject_specs,
        groups=group_specs,
        max_choices=max_choices,
        min_choices=min_choices,
        allow_write_in=allow_write_in,
    )
    if mode not in SessionMode.values:
        raise _bad("投票方式应为 electronic（扫码/手机）或 paper（纸质票）")
    denominator = denominator or conf.consult_denominator()
    if denominator not in Denominator.values:
        raise _bad("征求意见计算基数应为 expected（应到）或 present（实到）")
    session = BallotSession(
        unit=unit,
        title=title.strip(),
        description=description,
        kind=kind,
        rule=rule,
        mode=mode,
        options=option_list,
        max_choices=max_choices,
        min_choices=min_choices,
        allow_write_in=allow_write_in,
        denominator=denominator,
        min_group_size=min_group_size if min_group_size is not None else conf.min_group_size(),
        live_min=live_min if live_min is not None else conf.live_min(),
        created_by=actor,
    )
    session.full_clean()
    session.save()
    RaterGroup.objects.bulk_create(
        RaterGroup(session=session, name=g.name.strip(), weight=g.weight, expected=g.expected, sort_order=i)
        for i, g in enumerate(group_specs)
    )
    Subject.objects.bulk_create(
        Subject(session=session, label=s.label, note=s.note[:200], cadre_id=s.cadre_id, sort_order=i)
        for i, s in enumerate(subject_specs)
    )
    small = [g.name for g in group_specs if g.expected < session.min_group_size]
    _audit(
        actor,
        "ballots.session_created",
        session,
        {
            "kind": kind,
            "rule": rule,
            "mode": mode,
            "options": option_list,
            "max_choices": max_choices,
            "min_choices": min_choices,
            "subjects": [s.label for s in subject_specs],
            "groups": [{"name": g.name, "weight": g.weight, "expected": g.expected} for g in group_specs],
            "small_groups": small,
        },
    )
    return session


def _int(value: Any, what: str, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise _bad(f"{what}应为整数")
    try:
        number = int(value)
    except ValueError as exc:
        raise _bad(f"{what}应为整数") from exc
    if number < minimum:
        raise _bad(f"{what}不能小于 {minimum}")
    return number


def session_create_from_spec(*, spec: Mapping[str, Any], actor: User | None) -> BallotSession:
    """The JSON spec of `manage.py ballot create` (README.md documents every key)."""
    if not isinstance(spec, Mapping):
        raise _bad("spec 应为 JSON 对象")
    unit_code = spec.get("unit")
    if unit_code:
        unit = Unit.objects.filter(code=str(unit_code)).first()
        if unit is None:
            raise _bad(f"未找到单位代码为 {unit_code} 的单位")
    else:
        unit = county_root()
        if unit is None:
            raise _bad("系统中还没有单位")
    raw_groups = spec.get("groups") or []
    if not isinstance(raw_groups, list):
        raise _bad("groups 应为数组")
    groups = []
    for i, g in enumerate(raw_groups, start=1):
        if not isinstance(g, Mapping) or not str(g.get("name") or "").strip():
            raise _bad(f"第 {i} 类评议人缺少名称")
        groups.append(
            GroupSpec(
                name=str(g["name"]).strip(),
                expected=_int(g.get("expected"), f"「{g['name']}」的应到人数", minimum=1),
                weight=_int(g.get("weight", 1), f"「{g['name']}」的权重", minimum=1),
            )
        )
    subjects = spec.get("subjects") or []
    options = spec.get("options")
    if not isinstance(subjects, list) or (options is not None and not isinstance(options, list)):
        raise _bad("subjects 和 options 应为数组")
    return session_create(
        unit=unit,
        title=str(spec.get("title") or ""),
        kind=str(spec.get("kind") or ""),
        rule=str(spec.get("rule") or ""),
        mode=str(spec.get("mode") or SessionMode.ELECTRONIC),
        subjects=subjects,
        groups=groups,
        options=[str(o) for o in options] if options else None,
        max_choices=_int(spec.get("max_choices", 1), "max_choices", minimum=1),
        min_choices=_int(spec.get("min_choices", 0), "min_choices"),
        allow_write_in=bool(spec.get("write_in", False)),
        denominator=spec.get("denominator"),
        min_group_size=_int(spec["min_group_size"], "min_group_size") if "min_group_size" in spec else None,
        live_min=_int(spec["live_min"], "live_min") if "live_min" in spec else None,
        description=str(spec.get("description") or ""),
        actor=actor,
    )


# --- open / 模拟测试 / present / close ----------------------------------------------------------


def tally_key(group_id: int, kind: str, subject_id: int | None = None, option: int | None = None) -> str:
    if kind in (TallyKind.RECEIVED, TallyKind.INVALID):
        return f"g{group_id}:{kind}"
    if kind == TallyKind.PICK:
        return f"g{group_id}:s{subject_id}:pick"
    return f"g{group_id}:s{subject_id}:o{option}"


def _create_counters(session: BallotSession) -> None:
    """The fixed set of counters, inserted in one deterministic order before any ballot."""
    rows: list[Tally] = []
    subjects = list(session.subjects.order_by("sort_order", "id"))
    for group in session.groups.order_by("sort_order", "id"):
        for kind in (TallyKind.RECEIVED, TallyKind.INVALID):
            rows.append(Tally(session=session, group=group, kind=kind, key=tally_key(group.pk, kind)))
        for subject in subjects:
            if session.kind == SessionKind.RECOMMENDATION:
                key = tally_key(group.pk, TallyKind.PICK, subject.pk)
                rows.append(
                    Tally(session=session, group=group, subject=subject, kind=TallyKind.PICK, key=key)
                )
            else:
                for index in range(len(session.options)):
                    key = tally_key(group.pk, TallyKind.OPTION, subject.pk, index)
                    rows.append(
                        Tally(
                            session=session,
                            group=group,
                            subject=subject,
                            kind=TallyKind.OPTION,
                            option=index,
                            key=key,
                        )
                    )
    Tally.objects.bulk_create(rows)
    BallotBox.objects.create(session=session, is_open=True, is_test=session.test_mode)


def _set_present(session: BallotSession, present: Mapping[str, int]) -> dict[str, int]:
    groups = {g.name: g for g in session.groups.all()}
    stored: dict[str, int] = {}
    for name, value in present.items():
        group = groups.get(name)
        if group is None:
            raise _bad(f"没有名为「{name}」的评议人类别", errors.SPEC_INVALID)
        number = _int(value, f"「{name}」的实到人数")
        if number > group.expected:
            raise _bad(f"「{name}」的实到人数 {number} 超过应到人数 {group.expected}")
        RaterGroup.objects.filter(pk=group.pk).update(present=number)
        stored[name] = number
    return stored


def _check_quorum(session: BallotSession) -> None:
    groups = list(session.groups.all())
    if session.rule != ApprovalRule.DECISION or any(g.present is None for g in groups):
        return
    present = sum(g.present or 0 for g in groups)
    expected = sum(g.expected for g in groups)
    if not rules.quorum_met(present, expected):
        raise ValidationError(
            f"实到 {present} 人，不足应到 {expected} 人的三分之二，不能进行票决", code=errors.QUORUM
        )


def _transition(session: BallotSession, *, frm: str, to: str, test_mode: bool, **fields: Any) -> None:
    updated = BallotSession.objects.filter(pk=session.pk, status=frm, test_mode=session.test_mode).update(
        status=to, test_mode=test_mode, updated_at=timezone.now(), **fields
    )
    if updated != 1:
        raise ValidationError("投票状态已变化，请刷新页面后重试", code=errors.BAD_STATUS)
    session.refresh_from_db()


@transaction.atomic
def session_open(
    *, session: BallotSession, present: Mapping[str, int] | None = None, actor: User | None
) -> BallotSession:
    """draft → open: create the counters; optionally record 实到 per group (票决 needs two thirds)."""
    check_actor_scope(actor, session.unit)
    if session.status != SessionStatus.DRAFT:
        raise ValidationError("只有准备中的投票可以开始", code=errors.BAD_STATUS)
    stored = _set_present(session, present or {})
    _check_quorum(session)
    _transition(
        session, frm=SessionStatus.DRAFT, to=SessionStatus.OPEN, test_mode=False, opened_at=timezone.now()
    )
    _create_counters(session)
    _audit(actor, "ballots.session_opened", session, {"present": stored})
    return session


@transaction.atomic
def session_test_start(*, session: BallotSession, actor: User | None) -> BallotSession:
    """模拟测试: open with test codes only; `session_test_end` wipes every test ballot and code."""
    check_actor_scope(actor, session.unit)
    if session.status != SessionStatus.DRAFT:
        raise ValidationError("只有准备中的投票可以进行模拟测试", code=errors.BAD_STATUS)
    _transition(session, frm=SessionStatus.DRAFT, to=SessionStatus.OPEN, test_mode=True)
    _create_counters(session)
    _audit(actor, "ballots.test_started", session, {})
    return session


@transaction.atomic
def session_test_end(*, session: BallotSession, actor: User | None) -> BallotSession:
    check_actor_scope(actor, session.unit)
    if not (session.status == SessionStatus.OPEN and session.test_mode):
        raise ValidationError("当前没有进行模拟测试", code=errors.BAD_STATUS)
    box = BallotBox.objects.select_for_update().get(session=session)
    received = box.received
    _transition(session, frm=SessionStatus.OPEN, to=SessionStatus.DRAFT, test_mode=False)
    Tally.objects.filter(session=session).delete()
    BallotBox.objects.filter(session=session).delete()
    wiped_codes, _ = BallotCode.objects.filter(session=session, is_test=True).delete()
    _audit(actor, "ballots.test_wiped", session, {"test_ballots": received, "test_codes_wiped": wiped_codes})
    return session


@transaction.atomic
def session_set_present(*, session: BallotSession, present: Mapping[str, int], actor: User | None) -> None:
    """Record 实到人数 per group (entered at the meeting)."""
    check_actor_scope(actor, session.unit)
    if session.status == SessionStatus.SEALED:
        raise ValidationError("结果已封存，不能再修改实到人数", code=errors.BAD_STATUS)
    stored = _set_present(session, present)
    _audit(actor, "ballots.present_recorded", session, {"present": stored})


@transaction.atomic
def session_close(*, session: BallotSession, actor: User | None) -> BallotSession:
    """open → closed. Takes the ballot box lock, so no ballot is half counted when it closes."""
    check_actor_scope(actor, session.unit)
    if session.status != SessionStatus.OPEN or session.test_mode:
        raise ValidationError(
            "只有正式投票中的投票可以结束（模拟测试请用「结束模拟测试」）", code=errors.BAD_STATUS
        )
    box = BallotBox.objects.select_for_update().get(session=session)
    _transition(
        session, frm=SessionStatus.OPEN, to=SessionStatus.CLOSED, test_mode=False, closed_at=timezone.now()
    )
    # the flag a ballot re-checks on the locked row (models.BallotBox); set under the same lock
    BallotBox.objects.filter(pk=box.pk).update(is_open=False)
    _audit(actor, "ballots.session_closed", session, {"received": box.received})
    return session


@transaction.atomic
def session_seal(*, session: BallotSession, actor: User | None) -> BallotSession:
    """closed → sealed: the tally (every counter, by name) and its SHA-256 go into the audit chain,
    the result is computed with the rules, and the remaining unused codes are deleted."""
    from ganbu.ballots.results import compute_result, tally_snapshot

    check_actor_scope(actor, session.unit)
    if session.status != SessionStatus.CLOSED:
        raise ValidationError("只有已结束的投票可以封存", code=errors.BAD_STATUS)
    BallotBox.objects.select_for_update().get(session=session)
    snapshot, digest = tally_snapshot(session)
    _transition(
        session,
        frm=SessionStatus.CLOSED,
        to=SessionStatus.SEALED,
        test_mode=False,
        sealed_at=timezone.now(),
        tally_sha256=digest,
    )
    result = compute_result(session)
    voided, _ = BallotCode.objects.filter(session=session).delete()
    _audit(
        actor,
        "ballots.session_sealed",
        session,
        {
            "tally": snapshot,
            "tally_sha256": digest,
            "result": result.as_dict(),
            "unused_codes_voided": voided,
        },
    )
    transaction.on_commit(scrub_storage)
    return session


def scrub_storage() -> None:
    """After sealing, shrink what physical storage still holds of earlier row versions: SQLite's
    WAL file is checkpointed and truncated; PostgreSQL's dead tuples of the ballot tables vacuumed.
    (Beyond the logical-dump threat model; README.md, "Anonymity", residual risks.)"""
    if connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        elif connection.vendor == "postgresql":
            for model in (Tally, BallotBox, BallotCode, RaterGroup):
                cursor.execute(f"VACUUM {connection.ops.quote_name(model._meta.db_table)}")
