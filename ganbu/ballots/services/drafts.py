"""What may happen to a session before it opens: edit it, copy it (any session, into a new draft),
delete it. Editing and deleting are for 准备中 (draft) only, and never during 模拟测试: the row is
locked with a conditional `SELECT … FOR UPDATE WHERE status = 'draft' AND test_mode = false`, so a
session opened meanwhile is refused, not changed (STYLE.md 7). Once opened a session is a record of
a vote and stays (its status moves only through `BallotSession.TRANSITIONS`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import PROTECT, ForeignObjectRel, ProtectedError
from django.forms.models import model_to_dict

from ganbu.ballots import errors
from ganbu.ballots.models import BallotCode, BallotSession, RaterGroup, SessionStatus, SessionVoter
from ganbu.ballots.services.common import check_actor_scope, session_event, spec_error
from ganbu.ballots.services.sessions import (
    GroupSpec,
    Prepared,
    SubjectSpec,
    create_prepared,
    prepare_session,
    write_subjects,
)
from ganbu.org.models import Unit, User

COPY_SUFFIX = "（副本）"

# the fields an edit may change, compared for the audit event
EDITABLE_FIELDS = (
    "unit",
    "title",
    "description",
    "kind",
    "rule",
    "mode",
    "options",
    "max_choices",
    "min_choices",
    "allow_write_in",
    "denominator",
)


def owner_module(row: BallotSession) -> str:
    """The Chinese name of the module that created the session and keeps a protected reference to it
    (a 述职评议 of 驻村, a 民主测评 of 综合考核 build their rater groups and subjects themselves), or
    "": found through the model's relations, so the engine names no module above it."""
    for relation in row._meta.get_fields(include_hidden=True):  # hidden: related_name="+"
        if not isinstance(relation, ForeignObjectRel) or relation.on_delete is not PROTECT:
            continue  # reverse relations that protect the session only
        model = relation.related_model
        if not isinstance(model, type) or model._meta.app_label == "ballots":
            continue
        if model._default_manager.filter(**{relation.field.name: row}).exists():
            return str(apps.get_app_config(model._meta.app_label).verbose_name)
    return ""


def _owned_elsewhere(row: BallotSession) -> bool:
    return bool(owner_module(row))


def _locked_draft(session: BallotSession, refusal: str) -> BallotSession:
    """The session's row locked, if it is still 准备中 and not in 模拟测试; else the refusal."""
    row = (
        BallotSession.objects.select_for_update()
        .select_related("unit")
        .filter(pk=session.pk, status=SessionStatus.DRAFT, test_mode=False)
        .first()
    )
    if row is None:
        session.refresh_from_db()
        state = "模拟测试中" if session.test_mode else session.get_status_display()
        raise spec_error(
            f"{refusal}：该投票已是「{state}」状态，只有准备中的投票可以修改或删除", errors.NOT_DRAFT
        )
    return row


def _setup(session: BallotSession) -> dict[str, Any]:
    data = model_to_dict(session, fields=EDITABLE_FIELDS)
    # readable on the 记实 page: one line per subject and per group
    data["subjects"] = [f"{s.label}{'' if s.cadre_id else '（非在册人员）'}" for s in session.subjects.all()]
    data["groups"] = [f"{g.name}（应到 {g.expected}，权重 {g.weight}）" for g in session.groups.all()]
    return data


def _sync_groups(session: BallotSession, groups: Sequence[GroupSpec]) -> None:
    """Groups are matched by name, so a group keeps its codes and members; a group that has codes
    or members cannot be removed."""
    existing = {g.name: g for g in session.groups.all()}
    wanted = {g.name for g in groups}
    for name, group in existing.items():
        if name in wanted:
            continue
        used = (
            group.codes_issued
            or BallotCode.objects.filter(group=group).exists()
            or SessionVoter.objects.filter(group=group).exists()
        )
        if used:
            raise spec_error(f"评议人类别「{name}」已发票码或已添加表决成员，不能删除", errors.NOT_DRAFT)
        group.delete()
    for order, spec in enumerate(groups):
        group = existing.get(spec.name) or RaterGroup(session=session, name=spec.name)
        group.expected, group.weight, group.sort_order = spec.expected, spec.weight, order
        if group.present is not None and group.present > group.expected:
            group.present = None  # an 实到 above the new 应到 is entered again at opening
        group.full_clean()
        group.save()


@transaction.atomic
def session_update(
    *,
    session: BallotSession,
    unit: Unit,
    title: str,
    kind: str,
    subjects: Sequence[SubjectSpec | str | Mapping[str, Any]],
    groups: Sequence[GroupSpec],
    options: Sequence[str] | None = None,
    rule: str = "",
    mode: str = "electronic",
    max_choices: int = 1,
    min_choices: int = 0,
    allow_write_in: bool = False,
    denominator: str | None = None,
    description: str = "",
    actor: User | None,
) -> BallotSession:
    """Change a draft: everything `session_create` takes, checked the same way (subjects tied to
    the registry). One event, `ballots.session_updated`, with the before and after of what changed."""
    check_actor_scope(actor, session.unit)
    check_actor_scope(actor, unit)
    row = _locked_draft(session, "不能修改")
    owner = owner_module(row)
    if owner:
        raise spec_error(f"该投票由「{owner}」模块创建，对象和评议人类别请在该模块中修改", errors.IN_USE)
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
        min_group_size=row.min_group_size,
        live_min=row.live_min,
        description=description,
        actor=actor,
    )
    before = _setup(row)
    row.unit = unit
    for name, value in prepared.fields.items():
        setattr(row, name, value)
    row.full_clean()
    row.save(update_fields=["unit", *prepared.fields, "updated_at"])
    _sync_groups(row, prepared.groups)
    row.subjects.all().delete()  # a draft has no counters yet (模拟测试 wipes its own)
    write_subjects(row, prepared.subjects)
    after = _setup(row)
    keys = [k for k in after if before.get(k) != after[k]]
    if keys:
        session_event(
            actor,
            action="ballots.session_updated",
            session=row,
            payload={"before": {k: before.get(k) for k in keys}, "after": {k: after[k] for k in keys}},
        )
    return row


@transaction.atomic
def session_copy(*, session: BallotSession, actor: User | None) -> BallotSession:
    """A new draft with the same settings, subjects and groups (no codes, members or counts), e.g.
    for this year's 民主测评 from last year's. Registry subjects stay tied to their cadres."""
    check_actor_scope(actor, session.unit)
    fields = model_to_dict(
        session, fields=[f for f in EDITABLE_FIELDS if f != "unit"] + ["min_group_size", "live_min"]
    )
    title = session.title
    fields["title"] = title if title.endswith(COPY_SUFFIX) else f"{title}{COPY_SUFFIX}"[:200]
    prepared = Prepared(
        fields=fields,
        subjects=[
            SubjectSpec(label=s.label, note=s.note, cadre_id=s.cadre_id) for s in session.subjects.all()
        ],
        groups=[GroupSpec(name=g.name, expected=g.expected, weight=g.weight) for g in session.groups.all()],
    )
    return create_prepared(
        unit=session.unit, prepared=prepared, actor=actor, payload={"copied_from": session.pk}
    )


@transaction.atomic
def session_delete(*, session: BallotSession, actor: User | None) -> None:
    """Delete a draft (with its groups, subjects, unused codes and members). Refused once the
    session has opened or during 模拟测试, and when another module refers to it (a 述职评议 of
    驻村). The event `ballots.session_deleted` keeps what the draft was."""
    check_actor_scope(actor, session.unit)
    row = _locked_draft(session, "不能删除")
    setup = _setup(row)
    setup["unit"] = row.unit.name
    session_event(
        actor,
        action="ballots.session_deleted",
        session=row,
        payload={**setup, "codes_issued": sum(g.codes_issued for g in row.groups.all())},
    )
    try:
        with transaction.atomic():
            row.delete()
    except ProtectedError as exc:
        raise spec_error(
            f"该投票由「{owner_module(session) or '其他'}」模块创建并引用，不能删除", errors.IN_USE
        ) from exc
