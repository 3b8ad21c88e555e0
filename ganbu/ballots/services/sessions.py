"""Creating a session: from keyword arguments (other modules, the pages) or from the JSON spec of
`manage.py ballot create`. Subjects may be registry cadres given by 身份证号. The session starts in
准备中 (draft); its lifecycle is in lifecycle.py."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from ganbu.ballots import conf, errors, rules
from ganbu.ballots.models import (
    ApprovalRule,
    BallotSession,
    Denominator,
    RaterGroup,
    SessionKind,
    SessionMode,
    Subject,
)
from ganbu.ballots.selectors import cadre_choice_label, cadre_note
from ganbu.ballots.services.common import as_int, check_actor_scope, session_event, spec_error
from ganbu.cadres.selectors import cadre_by_id_number, cadres_by_ids, cadres_search_in_scope
from ganbu.org.models import Unit, User
from ganbu.org.scoping import unit_in_scope
from ganbu.org.selectors import county_root, unit_by_code

if TYPE_CHECKING:
    from ganbu.cadres.models import Cadre

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


CANDIDATES_SHOWN = 10  # namesakes named in the message of an ambiguous name


def _subject_error(
    index: int, message: str, code: str, candidates: list[Cadre] | None = None
) -> ValidationError:
    """A refused subject, naming its row; `params` carry the row and the namesakes so that a page
    can offer them as a choice on that row (forms.SessionForm)."""
    params = {
        "row": index,
        "candidates": [{"id": c.pk, "label": cadre_choice_label(c)} for c in candidates or []],
    }
    # with params, Django formats the message with `%`: a typed name may contain one
    text = f"测评/表决对象第 {index} 行{message}".replace("%", "%%")
    return ValidationError(text, code=code, params=params)


def _resolve_one(index: int, item: Any, actor: User | None) -> SubjectSpec:
    if isinstance(item, SubjectSpec):
        return item
    if isinstance(item, str):
        item = {"id_number": item} if ID_NUMBER.match(item.strip()) else {"name": item}
    if not isinstance(item, Mapping):
        raise _subject_error(index, "格式不正确：应为姓名、身份证号或对象", errors.SPEC_INVALID)
    note = str(item.get("note") or "").strip()
    name = str(item.get("name") or "").strip()
    cadre_id = item.get("cadre_id")
    id_number = str(item.get("id_number") or "").strip().upper()
    if cadre_id not in (None, ""):
        cadre = None
        if str(cadre_id).isdigit():
            cadre = cadres_by_ids([int(str(cadre_id))]).first()
        if cadre is None or (actor is not None and not unit_in_scope(actor, cadre.unit)):
            raise _subject_error(index, "：所选干部不存在或不在您的数据范围内", errors.SUBJECT_UNKNOWN)
        return SubjectSpec(label=cadre.name, note=note or cadre_note(cadre), cadre_id=cadre.pk)
    if id_number:
        cadre = cadre_by_id_number(id_number)
        if cadre is None or (actor is not None and not unit_in_scope(actor, cadre.unit)):
            raise _subject_error(
                index,
                f"：未找到身份证号为 {id_number} 的干部（或不在您的数据范围内）",
                errors.SUBJECT_UNKNOWN,
            )
        return SubjectSpec(label=name or cadre.name, note=note or cadre_note(cadre), cadre_id=cadre.pk)
    if not name:
        raise _subject_error(index, "没有姓名", errors.SPEC_INVALID)
    if item.get("nominee"):
        return SubjectSpec(label=name, note=note)
    found = cadres_search_in_scope(actor, name, exact=True, limit=CANDIDATES_SHOWN + 1)
    if not found:
        raise _subject_error(
            index,
            f"「{name}」：在册干部中没有此人（或不在您的数据范围内）。请从在册干部中选定，"
            "或确认不是在册干部后勾选「非在册人员」",
            errors.SUBJECT_UNKNOWN,
        )
    if len(found) > 1:
        shown = found[:CANDIDATES_SHOWN]
        more = "等" if len(found) > CANDIDATES_SHOWN else ""
        raise _subject_error(
            index,
            f"「{name}」：在册干部中有 {len(shown)}{more} 人同名：{'、'.join(cadre_choice_label(c) for c in shown)}"
            f"{more}。请选定其中一人",
            errors.SUBJECT_AMBIGUOUS,
            shown,
        )
    cadre = found[0]
    return SubjectSpec(label=cadre.name, note=note or cadre_note(cadre), cadre_id=cadre.pk)


def resolve_subjects(raw: Sequence[Any], *, actor: User | None) -> list[SubjectSpec]:
    """Subjects tied to the registry (README.md, "Subjects"). Each item is a `SubjectSpec` (taken as
    given: the caller chose the cadre from its own scoped query), a 身份证号, a name, or a mapping
    with `name`, `note` and one of `cadre_id` (a pick from the registry search), `id_number`, or
    `nominee: true` (「非在册人员」, no cadre). A name alone must be exactly one active cadre of the
    actor's scope (the whole registry for commands): none, or several namesakes, is refused with the
    row and the namesakes. Every refused row is reported at once."""
    specs: list[SubjectSpec] = []
    problems: list[ValidationError] = []
    for index, item in enumerate(raw, start=1):
        try:
            specs.append(_resolve_one(index, item, actor))
        except ValidationError as exc:
            problems.append(exc)
    if problems:
        raise ValidationError(problems)
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
        raise spec_error("请填写名称")
    if kind not in SessionKind.values:
        raise spec_error("类型应为 rating（民主测评）、recommendation（民主推荐）或 approval（表决）")
    if kind == SessionKind.APPROVAL and rule not in (ApprovalRule.DECISION, ApprovalRule.CONSULTATION):
        raise spec_error("表决须选择规则：decision（常委会票决）或 consultation（全委会征求意见）")
    if not subjects and not (kind == SessionKind.RECOMMENDATION and allow_write_in):
        raise spec_error("至少要有一个测评/表决对象")
    if len(subjects) > MAX_SUBJECTS:
        raise spec_error(f"对象最多 {MAX_SUBJECTS} 个")
    labels = [s.label for s in subjects]
    duplicates = sorted({x for x in labels if labels.count(x) > 1})
    if duplicates:
        raise spec_error(f"对象重名：{'、'.join(duplicates)}（请加说明区分）")
    if any(len(x) > 100 for x in labels):
        raise spec_error("对象姓名最长 100 字")
    if kind != SessionKind.RECOMMENDATION:
        if len(options) < 2:
            raise spec_error("至少要有两个选项")
        if len(set(options)) != len(options) or any(not o.strip() or len(o) > 20 for o in options):
            raise spec_error("选项不能重复、不能为空、每项最长 20 字")
    if kind == SessionKind.APPROVAL and not {rules.AGREE, rules.DISAGREE} <= set(options):
        raise spec_error("表决的选项必须包含「同意」和「不同意」")
    if not groups:
        raise spec_error("至少要有一类评议人")
    if len(groups) > MAX_GROUPS:
        raise spec_error(f"评议人类别最多 {MAX_GROUPS} 类")
    seen: dict[str, int] = {}
    for row, g in enumerate(groups, start=1):
        if not g.name.strip() or len(g.name) > 50:
            raise spec_error(f"评议人类别第 {row} 行：名称不能为空、最长 50 字")
        if g.name in seen:
            raise spec_error(f"评议人类别第 {row} 行「{g.name}」与第 {seen[g.name]} 行重名")
        seen[g.name] = row
        if g.expected < 1 or g.weight < 1:
            raise spec_error(f"评议人类别第 {row} 行「{g.name}」：应到人数和权重都应为正整数")
    if kind == SessionKind.RECOMMENDATION:
        if max_choices < 1:
            raise spec_error("最多可选人数应至少为 1")
        if not 0 <= min_choices <= max_choices:
            raise spec_error("最少须选人数应在 0 与最多可选人数之间")
        if not allow_write_in and max_choices > len(subjects):
            raise spec_error(f"最多可选 {max_choices} 人，但候选人只有 {len(subjects)} 人")


@dataclass(frozen=True)
class Prepared:
    """A session's settings checked and normalised: the model's fields, the subjects and groups."""

    fields: dict[str, Any]
    subjects: list[SubjectSpec]
    groups: list[GroupSpec]


def prepare_session(
    *,
    title: str,
    kind: str,
    subjects: Sequence[SubjectSpec | str | Mapping[str, Any]],
    groups: Sequence[GroupSpec],
    options: Sequence[str] | None,
    rule: str,
    mode: str,
    max_choices: int,
    min_choices: int,
    allow_write_in: bool,
    denominator: str | None,
    min_group_size: int | None,
    live_min: int | None,
    description: str,
    actor: User | None,
) -> Prepared:
    """Resolve the subjects, apply the defaults of the kind, validate everything (shared by
    `session_create` and `services.drafts.session_update`). Fields that do not belong to the kind
    are ignored: options for 推荐, the number of choices and 另选他人 but for 推荐, the rule but for
    表决."""
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
    group_specs = [GroupSpec(name=g.name.strip(), expected=g.expected, weight=g.weight) for g in groups]
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
        raise spec_error("投票方式应为 electronic（扫码/手机）或 paper（纸质票）")
    settings = conf.current()
    denominator = denominator or settings.consult_denominator
    if denominator not in Denominator.values:
        raise spec_error("征求意见计算基数应为 expected（应到）或 present（实到）")
    fields = {
        "title": title.strip(),
        "description": description,
        "kind": kind,
        "rule": rule,
        "mode": mode,
        "options": option_list,
        "max_choices": max_choices,
        "min_choices": min_choices,
        "allow_write_in": allow_write_in,
        "denominator": denominator,
        "min_group_size": min_group_size if min_group_size is not None else settings.min_group_size,
        "live_min": live_min if live_min is not None else settings.live_min,
    }
    return Prepared(fields=fields, subjects=subject_specs, groups=group_specs)


def write_subjects(session: BallotSession, subjects: Sequence[SubjectSpec]) -> None:
    Subject.objects.bulk_create(
        Subject(session=session, label=s.label, note=s.note[:200], cadre_id=s.cadre_id, sort_order=i)
        for i, s in enumerate(subjects)
    )


def setup_payload(prepared: Prepared, min_group_size: int) -> dict[str, Any]:
    """What the audit event of a creation (or a copy) records about the session's set-up."""
    fields = prepared.fields
    return {
        "kind": fields["kind"],
        "rule": fields["rule"],
        "mode": fields["mode"],
        "options": fields["options"],
        "max_choices": fields["max_choices"],
        "min_choices": fields["min_choices"],
        "subjects": [s.label for s in prepared.subjects],
        "registry_subjects": [s.cadre_id for s in prepared.subjects],
        "groups": [{"name": g.name, "weight": g.weight, "expected": g.expected} for g in prepared.groups],
        "small_groups": [g.name for g in prepared.groups if g.expected < min_group_size],
    }


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
    prepared = prepare_session(
        title=title,
        kind=kind,
        subjects=subjects,
        groups=groups,
        options=options,
        rule=rule,
        mode=mode,
        max_choices=max_choices,
        min_choices=min_choices,
        allow_write_in=allow_write_in,
        denominator=denominator,
        min_group_size=min_group_size,
        live_min=live_min,
        description=description,
        actor=actor,
    )
    return create_prepared(unit=unit, prepared=prepared, actor=actor)


def create_prepared(
    *, unit: Unit, prepared: Prepared, actor: User | None, payload: dict[str, Any] | None = None
) -> BallotSession:
    """Write a prepared session, its groups and subjects, and the creation event (in the caller's
    transaction)."""
    session = BallotSession(unit=unit, created_by=actor, **prepared.fields)
    session.full_clean()
    session.save()
    RaterGroup.objects.bulk_create(
        RaterGroup(session=session, name=g.name, weight=g.weight, expected=g.expected, sort_order=i)
        for i, g in enumerate(prepared.groups)
    )
    write_subjects(session, prepared.subjects)
    session_event(
        actor,
        action="ballots.session_created",
        session=session,
        payload={**setup_payload(prepared, session.min_group_size), **(payload or {})},
    )
    return session


def session_create_from_spec(*, spec: Mapping[str, Any], actor: User | None) -> BallotSession:
    """The JSON spec of `manage.py ballot create` (README.md documents every key)."""
    if not isinstance(spec, Mapping):
        raise spec_error("spec 应为 JSON 对象")
    unit_code = spec.get("unit")
    if unit_code:
        unit = unit_by_code(str(unit_code))
        if unit is None:
            raise spec_error(f"未找到单位代码为 {unit_code} 的单位")
    else:
        unit = county_root()
        if unit is None:
            raise spec_error("系统中还没有单位")
    raw_groups = spec.get("groups") or []
    if not isinstance(raw_groups, list):
        raise spec_error("groups 应为数组")
    groups = []
    for i, g in enumerate(raw_groups, start=1):
        if not isinstance(g, Mapping) or not str(g.get("name") or "").strip():
            raise spec_error(f"第 {i} 类评议人缺少名称")
        groups.append(
            GroupSpec(
                name=str(g["name"]).strip(),
                expected=as_int(g.get("expected"), f"「{g['name']}」的应到人数", minimum=1),
                weight=as_int(g.get("weight", 1), f"「{g['name']}」的权重", minimum=1),
            )
        )
    subjects = spec.get("subjects") or []
    options = spec.get("options")
    if not isinstance(subjects, list) or (options is not None and not isinstance(options, list)):
        raise spec_error("subjects 和 options 应为数组")
    return session_create(
        unit=unit,
        title=str(spec.get("title") or ""),
        kind=str(spec.get("kind") or ""),
        rule=str(spec.get("rule") or ""),
        mode=str(spec.get("mode") or SessionMode.ELECTRONIC),
        subjects=subjects,
        groups=groups,
        options=[str(o) for o in options] if options else None,
        max_choices=as_int(spec.get("max_choices", 1), "max_choices", minimum=1),
        min_choices=as_int(spec.get("min_choices", 0), "min_choices"),
        allow_write_in=bool(spec.get("write_in", False)),
        denominator=spec.get("denominator"),
        min_group_size=as_int(spec["min_group_size"], "min_group_size") if "min_group_size" in spec else None,
        live_min=as_int(spec["live_min"], "live_min") if "live_min" in spec else None,
        description=str(spec.get("description") or ""),
        actor=actor,
    )
