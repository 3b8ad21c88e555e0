"""Stationing cadres in villages (驻村安排): create, change, end, and link the cadre's login.

Rules (each refused with a Chinese message naming the field):
- the village is a 村/社区 in the actor's scope, and the actor's role manages 驻村 data;
- a new assignment is for a cadre in service (状态 在职);
- the end date (the last day of the stay) is not before the start;
- one cadre cannot have two overlapping assignments to the same village;
- a village has at most one 驻村第一书记 at any time (overlapping periods are refused);
- the period cannot be shortened so that existing work logs of the assignment fall outside it.

Concurrent writes for one village are serialised by locking the village row first, so two clerks
cannot both slip a 第一书记 in at the same time.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ganbu.audit.services import record_event
from ganbu.cadres.services import cadre_link_account
from ganbu.org.models import Role, Unit, User
from ganbu.org.scoping import unit_in_scope
from ganbu.org.selectors import units_by_path, units_by_pk, user_by_username
from ganbu.org.services import user_create
from ganbu.villagework import errors, events
from ganbu.villagework.models import Assignment, AssignmentRole, WorkLog
from ganbu.villagework.selectors.villages import is_active_cadre, linkable_accounts
from ganbu.villagework.services.households import lock_village, require_village_manager

if TYPE_CHECKING:
    from ganbu.cadres.models import Cadre

__all__ = [
    "EDITABLE_FIELDS",
    "account_scope",
    "assignment_create",
    "assignment_end",
    "assignment_link_account",
    "assignment_update",
]

EDITABLE_FIELDS = ("role", "started_on", "ended_on", "duties", "document_number", "note")
TEXT_LIMITS = {"duties": ("工作职责", 2000), "document_number": ("派驻文号", 100), "note": ("备注", 200)}


def period_label(started_on: dt.date, ended_on: dt.date | None) -> str:
    return f"{started_on:%Y-%m-%d} 至 {f'{ended_on:%Y-%m-%d}' if ended_on else '今'}"


def _overlapping(village: Unit, started_on: dt.date, ended_on: dt.date | None) -> Q:
    """Assignments of `village` whose period shares at least one day with [started_on, ended_on]."""
    q = Q(village=village) & (Q(ended_on__isnull=True) | Q(ended_on__gte=started_on))
    if ended_on is not None:
        q &= Q(started_on__lte=ended_on)
    return q


def _validate(
    *,
    cadre: Cadre,
    village: Unit,
    role: str,
    started_on: Any,
    ended_on: Any,
    texts: dict[str, str],
    exclude_pk: int | None,
) -> None:
    problems: dict[str, str] = {}
    if role not in AssignmentRole.values:
        problems["role"] = (
            f"驻村身份「{role}」不正确，应为 {'、'.join(str(x) for x in AssignmentRole.labels)} 之一"
        )
    if not isinstance(started_on, dt.date):
        problems["started_on"] = "请填写驻村开始日期"
    if ended_on is not None and not isinstance(ended_on, dt.date):
        problems["ended_on"] = "驻村结束日期不正确"
    for field, (label, limit) in TEXT_LIMITS.items():
        if len(texts.get(field, "")) > limit:
            problems[field] = f"{label}不能超过{limit}字"
    if problems:
        raise ValidationError(problems, code=errors.ASSIGNMENT_INVALID)
    if ended_on is not None and ended_on < started_on:
        raise ValidationError(
            {"ended_on": f"驻村结束日期 {ended_on:%Y-%m-%d} 不能早于开始日期 {started_on:%Y-%m-%d}"},
            code=errors.ASSIGNMENT_END_BEFORE_START,
        )
    others = Assignment.objects.filter(_overlapping(village, started_on, ended_on)).select_related("cadre")
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    same_cadre = others.filter(cadre=cadre).order_by("started_on").first()
    if same_cadre is not None:
        raise ValidationError(
            {
                "started_on": f"{cadre.name}在{village.name}已有驻村安排"
                f"（{period_label(same_cadre.started_on, same_cadre.ended_on)}），与此期间重叠"
            },
            code=errors.ASSIGNMENT_OVERLAP,
        )
    if role == AssignmentRole.FIRST_SECRETARY:
        secretary = others.filter(role=AssignmentRole.FIRST_SECRETARY).order_by("started_on").first()
        if secretary is not None:
            raise ValidationError(
                {
                    "role": f"{village.name}在此期间已有驻村第一书记{secretary.cadre.name}"
                    f"（{period_label(secretary.started_on, secretary.ended_on)}），同一时间只能有一名第一书记"
                },
                code=errors.ASSIGNMENT_TWO_SECRETARIES,
            )


def _check_logs_inside(assignment: Assignment, started_on: dt.date, ended_on: dt.date | None) -> None:
    outside = WorkLog.objects.filter(assignment=assignment).filter(
        Q(logged_on__lt=started_on) | (Q(logged_on__gt=ended_on) if ended_on else Q(pk__in=[]))
    )
    count = outside.count()
    if count:
        raise ValidationError(
            {
                "ended_on": f"该驻村安排已有 {count} 条工作记录在新的驻村期间（{period_label(started_on, ended_on)}）之外"
            },
            code=errors.ASSIGNMENT_LOGS_OUTSIDE,
        )


def _snapshot(assignment: Assignment) -> dict[str, Any]:
    return {
        "cadre": assignment.cadre_id,
        "cadre_name": assignment.cadre.name,
        "village": assignment.village.code,
        **{field: getattr(assignment, field) for field in EDITABLE_FIELDS},
    }


def assignment_create(
    *,
    cadre: Cadre,
    village: Unit,
    role: str,
    started_on: dt.date,
    ended_on: dt.date | None = None,
    duties: str = "",
    document_number: str = "",
    note: str = "",
    actor: User | None,
) -> Assignment:
    require_village_manager(actor, village)
    if not is_active_cadre(cadre):
        raise ValidationError(
            {"cadre": f"{cadre.name}的状态为「{cadre.get_status_display()}」，只能安排在职干部驻村"},
            code=errors.CADRE_NOT_ACTIVE,
        )
    texts = {"duties": duties.strip(), "document_number": document_number.strip(), "note": note.strip()}
    with transaction.atomic():
        lock_village(village)
        _validate(
            cadre=cadre,
            village=village,
            role=role,
            started_on=started_on,
            ended_on=ended_on,
            texts=texts,
            exclude_pk=None,
        )
        assignment = Assignment(
            cadre=cadre, village=village, role=role, started_on=started_on, ended_on=ended_on, **texts
        )
        assignment.full_clean()
        assignment.save()
        record_event(
            actor=actor,
            action=events.ASSIGNMENT_CREATE,
            obj=assignment,
            unit_path=village.path,
            payload=_snapshot(assignment),
        )
    return assignment


def assignment_update(*, assignment: Assignment, actor: User | None, **fields: Any) -> Assignment:
    """Change role, dates, duties, 文号 or note (the cadre and the village are fixed; end the
    assignment and create a new one instead)."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    require_village_manager(actor, assignment.village)
    with transaction.atomic():
        lock_village(assignment.village)
        assignment = (
            Assignment.objects.select_for_update().select_related("cadre", "village").get(pk=assignment.pk)
        )
        before = _snapshot(assignment)
        for field, value in fields.items():
            setattr(
                assignment, field, value.strip() if isinstance(value, str) and field in TEXT_LIMITS else value
            )
        changed = [f for f in EDITABLE_FIELDS if getattr(assignment, f) != before[f]]
        if not changed:
            return assignment
        _validate(
            cadre=assignment.cadre,
            village=assignment.village,
            role=assignment.role,
            started_on=assignment.started_on,
            ended_on=assignment.ended_on,
            texts={f: getattr(assignment, f) for f in TEXT_LIMITS},
            exclude_pk=assignment.pk,
        )
        if {"started_on", "ended_on"} & set(changed):
            _check_logs_inside(assignment, assignment.started_on, assignment.ended_on)
        assignment.full_clean()
        assignment.save(update_fields=[*changed, "updated_at"])
        record_event(
            actor=actor,
            action=events.ASSIGNMENT_UPDATE,
            obj=assignment,
            unit_path=assignment.village.path,
            payload={
                "before": {f: before[f] for f in changed},
                "after": {f: getattr(assignment, f) for f in changed},
            },
        )
    return assignment


def assignment_end(*, assignment: Assignment, ended_on: dt.date, actor: User | None) -> Assignment:
    """End an open assignment; `ended_on` is the last day in the village."""
    require_village_manager(actor, assignment.village)
    if assignment.ended_on is not None:
        raise ValidationError(
            {"ended_on": f"该驻村安排已于 {assignment.ended_on:%Y-%m-%d} 结束；如需更正请修改驻村安排"},
            code=errors.ASSIGNMENT_ALREADY_ENDED,
        )
    if not isinstance(ended_on, dt.date):
        raise ValidationError({"ended_on": "请填写驻村结束日期"}, code=errors.ASSIGNMENT_END_MISSING)
    with transaction.atomic():
        lock_village(assignment.village)
        assignment = (
            Assignment.objects.select_for_update().select_related("cadre", "village").get(pk=assignment.pk)
        )
        if assignment.ended_on is not None:  # ended by someone else meanwhile
            raise ValidationError({"ended_on": "该驻村安排已经结束"}, code=errors.ASSIGNMENT_ALREADY_ENDED)
        if ended_on < assignment.started_on:
            raise ValidationError(
                {
                    "ended_on": f"驻村结束日期 {ended_on:%Y-%m-%d} 不能早于开始日期 {assignment.started_on:%Y-%m-%d}"
                },
                code=errors.ASSIGNMENT_END_BEFORE_START,
            )
        _check_logs_inside(assignment, assignment.started_on, ended_on)
        assignment.ended_on = ended_on
        assignment.full_clean()
        assignment.save(update_fields=["ended_on", "updated_at"])
        record_event(
            actor=actor,
            action=events.ASSIGNMENT_END,
            obj=assignment,
            unit_path=assignment.village.path,
            payload={"ended_on": ended_on},
        )
    return assignment


# --------------------------------------------------------------------------------------------------
# The cadre's own login (how a 驻村干部 gets to the phone pages)
# --------------------------------------------------------------------------------------------------


def account_scope(actor: User | None, assignment: Assignment) -> Unit:
    """The scope for a new 驻村干部 login: the smallest unit holding every village the cadre is
    stationed in now or later (one village → that village; several in one township → the
    township), but never beyond the actor's scope (then: the assignment's village)."""
    today = timezone.localdate()
    current = Assignment.objects.filter(cadre=assignment.cadre).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=today)
    )
    villages = list(units_by_pk(current.values_list("village_id", flat=True))) or [assignment.village]
    if assignment.village not in villages:
        villages.append(assignment.village)
    paths = [v.path for v in villages]
    common = paths[0]
    for path in paths[1:]:
        while not path.startswith(common):
            common = common[: common.rstrip("/").rfind("/") + 1]
    unit = units_by_path([common]).get(common) or assignment.village
    if actor is not None and not unit_in_scope(actor, unit):
        return assignment.village
    return unit


def _link(cadre: Cadre, user: User | None, actor: User | None, village: Unit) -> None:
    """A cadre of a county department stationed in a township's village is outside the township's
    registry scope; the link is authorised by the village being in the actor's scope."""
    cadre_link_account(cadre=cadre, user=user, actor=actor, scope_unit=village)


def assignment_link_account(
    *,
    assignment: Assignment,
    actor: User | None,
    user: User | None = None,
    new_username: str = "",
) -> tuple[User | None, str]:
    """Link the stationed cadre's login: an existing 驻村干部 account (`user`), a new one
    (`new_username`; returns its generated password, shown once), or neither (unlink).
    Returns (the linked user or None, the new password or "")."""
    require_village_manager(actor, assignment.village)
    cadre = assignment.cadre
    new_username = new_username.strip()
    if user is not None and new_username:
        raise ValidationError("请在“选择已有账号”和“新建账号”中选一项", code=errors.ACCOUNT_CHOICE)
    if user is not None and actor is not None and user not in linkable_accounts(actor, cadre):
        raise ValidationError(
            {"user": "只能关联您数据范围内、未关联其他干部的驻村干部账号"}, code=errors.ACCOUNT_INVALID
        )
    password = ""
    with transaction.atomic():
        if new_username:
            if not 3 <= len(new_username) <= 150 or not all(
                c.isalnum() or c in "@.+-_" for c in new_username
            ):
                raise ValidationError(
                    {"new_username": "用户名应为3到150个字母、数字或 @.+-_ 字符"},
                    code=errors.USERNAME_INVALID,
                )
            if user_by_username(new_username) is not None:
                raise ValidationError(
                    {"new_username": f"用户名「{new_username}」已被使用"}, code=errors.USERNAME_TAKEN
                )
            user, password = user_create(
                username=new_username,
                role=Role.VILLAGE_CADRE,
                scope_unit=account_scope(actor, assignment),
                display_name=cadre.name,
                actor=actor,
            )
        before = cadre.account_id
        _link(cadre, user, actor, assignment.village)
        record_event(
            actor=actor,
            action=events.ASSIGNMENT_ACCOUNT,
            obj=assignment,
            unit_path=assignment.village.path,
            payload={
                "cadre": cadre.pk,
                "before": before,
                "after": user.pk if user else None,
                "created": bool(new_username),
            },
        )
    return user, password
