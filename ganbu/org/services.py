"""Writes for units, teams, posts, code tables, accounts and the holiday calendar. Each validates,
writes in one transaction and records an audit event (`events.py`); errors carry the codes of
`errors.py`."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from ganbu.audit.services import record_event
from ganbu.org import errors
from ganbu.org.models import CalendarDay, CodeItem, Post, Role, Team, Unit, UnitKind, User
from ganbu.org.scoping import scope_path
from ganbu.org.selectors import code_exists

ALLOWED_PARENT_KINDS: dict[str, set[str | None]] = {
    UnitKind.COUNTY: {None},
    UnitKind.TOWNSHIP: {UnitKind.COUNTY},
    UnitKind.TOWN: {UnitKind.COUNTY},
    UnitKind.DEPARTMENT: {UnitKind.COUNTY},
    UnitKind.VILLAGE: {UnitKind.TOWNSHIP, UnitKind.TOWN},
    UnitKind.COMMUNITY: {UnitKind.TOWNSHIP, UnitKind.TOWN},
}


def build_path(parent: Unit | None, code: str) -> str:
    return f"{parent.path if parent else '/'}{code}/"


def unit_create(
    *,
    code: str,
    name: str,
    kind: str,
    parent: Unit | None,
    category: str = "",
    households: int | None = None,
    sort_order: int = 0,
    actor: User | None,
) -> Unit:
    if "/" in code:
        raise ValidationError({"code": "单位代码不能包含 /"}, code=errors.UNIT_CODE_INVALID)
    parent_kind = parent.kind if parent else None
    if parent_kind not in ALLOWED_PARENT_KINDS.get(kind, set()):
        raise ValidationError(
            {
                "parent": f"{UnitKind(kind).label}不能设在{UnitKind(parent_kind).label if parent_kind else '顶层'}之下"
            },
            code=errors.UNIT_PARENT_INVALID,
        )
    if households is not None and kind not in (UnitKind.VILLAGE, UnitKind.COMMUNITY):
        raise ValidationError({"households": "只有村/社区可以填写户数"}, code=errors.UNIT_HOUSEHOLDS_INVALID)
    unit = Unit(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        category=category,
        households=households,
        sort_order=sort_order,
        path=build_path(parent, code),
        depth=(parent.depth + 1) if parent else 0,
    )
    with transaction.atomic():
        unit.full_clean()
        unit.save()
        record_event(
            actor=actor,
            action="unit.create",
            obj=unit,
            unit_path=unit.path,
            payload={
                "code": code,
                "name": name,
                "kind": kind,
                "category": category,
                "households": households,
            },
        )
    return unit


def unit_update(
    *, unit: Unit, name: str, category: str, households: int | None, sort_order: int, actor: User
) -> Unit:
    """Code, kind and parent are fixed once created (the path depends on them)."""
    if households is not None and not unit.is_village:
        raise ValidationError({"households": "只有村/社区可以填写户数"}, code=errors.UNIT_HOUSEHOLDS_INVALID)
    before = {"name": unit.name, "category": unit.category, "households": unit.households}
    unit.name, unit.category, unit.households, unit.sort_order = name, category, households, sort_order
    with transaction.atomic():
        unit.full_clean()
        unit.save(update_fields=["name", "category", "households", "sort_order", "updated_at"])
        record_event(
            actor=actor,
            action="unit.update",
            obj=unit,
            unit_path=unit.path,
            payload={
                "before": before,
                "after": {"name": name, "category": category, "households": households},
            },
        )
    return unit


def team_create(*, unit: Unit, kind: str, name: str, sort_order: int = 0, actor: User | None) -> Team:
    team = Team(unit=unit, kind=kind, name=name, sort_order=sort_order)
    with transaction.atomic():
        team.full_clean()
        team.save()
        record_event(actor=actor, action="team.create", obj=team, unit_path=unit.path, payload={"name": name})
    return team


def post_create(
    *,
    unit: Unit,
    team: Team | None,
    name: str,
    level: str,
    quota: int = 1,
    is_leadership: bool = True,
    sort_order: int = 0,
    actor: User | None,
) -> Post:
    if team is not None and team.unit_id != unit.pk:
        raise ValidationError({"team": "职位所属班子必须属于同一单位"}, code=errors.POST_TEAM_UNIT_MISMATCH)
    if not code_exists("leadership_level", level, active_only=False):
        raise ValidationError({"level": f"职务层次代码 {level} 不在代码表中"}, code=errors.POST_LEVEL_INVALID)
    post = Post(
        unit=unit,
        team=team,
        name=name,
        level=level,
        quota=quota,
        is_leadership=is_leadership,
        sort_order=sort_order,
    )
    with transaction.atomic():
        post.full_clean()
        post.save()
        record_event(
            actor=actor,
            action="post.create",
            obj=post,
            unit_path=unit.path,
            payload={"name": name, "level": level, "quota": quota},
        )
    return post


def user_create(
    *,
    username: str,
    role: str,
    scope_unit: Unit | None,
    display_name: str = "",
    password: str | None = None,
    is_superuser: bool = False,
    actor: User | None,
) -> tuple[User, str]:
    """Create an account; returns (user, password). A random password is generated if none is given."""
    if role not in Role.values:
        raise ValidationError({"role": f"未知角色 {role}"}, code=errors.USER_ROLE_INVALID)
    if not is_superuser and scope_unit is None:
        raise ValidationError(
            {"scope_unit": "非管理员账号必须指定数据范围单位"}, code=errors.USER_SCOPE_MISSING
        )
    password = password or secrets.token_urlsafe(12)
    user = User(
        username=username,
        role=role,
        scope_unit=scope_unit,
        display_name=display_name,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    user.set_password(password)
    with transaction.atomic():
        user.full_clean(exclude=["password"])
        user.save()
        record_event(
            actor=actor,
            action="user.create",
            obj=user,
            unit_path=scope_unit.path if scope_unit else "",
            payload={"username": username, "role": role, "scope": scope_unit.code if scope_unit else None},
        )
    return user, password


def code_tables_ensure() -> int:
    """Create any national code table or item that is missing (the same values the data migration
    loads). Needed after a database flush, e.g. in transactional tests; never changes existing rows.
    Returns the number of items created."""
    from ganbu.org.codes import CODE_TABLES
    from ganbu.org.models import CodeTable

    created = 0
    with transaction.atomic():
        for key, (name, standard, items) in CODE_TABLES.items():
            table, _ = CodeTable.objects.get_or_create(key=key, defaults={"name": name, "standard": standard})
            existing = set(table.items.values_list("code", flat=True))
            for order, item in enumerate(items):
                if item[0] not in existing:
                    CodeItem.objects.create(
                        table=table,
                        code=item[0],
                        name=item[1],
                        group=item[2] if len(item) > 2 else "",
                        sort_order=order,
                    )
                    created += 1
    return created


# --- 节假日安排 (working-day calendar) ----------------------------------------------------------


def calendar_day_set(*, day: date, is_workday: bool, note: str, actor: User | None) -> CalendarDay:
    """Enter or change one day of the official schedule (a holiday, or a make-up working day)."""
    note = note.strip()
    if len(note) > 50:
        raise ValidationError({"note": "说明不能超过50字"}, code=errors.CALENDAR_NOTE_TOO_LONG)
    with transaction.atomic():
        entry = CalendarDay.objects.select_for_update().filter(day=day).first()
        before = None if entry is None else {"is_workday": entry.is_workday, "note": entry.note}
        entry = entry or CalendarDay(day=day, is_workday=is_workday)
        entry.is_workday, entry.note = is_workday, note
        entry.full_clean()
        entry.save()
        record_event(
            actor=actor,
            action="calendar.set",
            obj=entry,
            payload={"day": day, "before": before, "after": {"is_workday": is_workday, "note": note}},
        )
    return entry


def calendar_day_delete(*, entry: CalendarDay, actor: User | None) -> None:
    with transaction.atomic():
        record_event(
            actor=actor,
            action="calendar.delete",
            obj=entry,
            payload={"day": entry.day, "is_workday": entry.is_workday, "note": entry.note},
        )
        entry.delete()


# --- accounts, managed in the app by county administrators (pages under /users/) ----------------

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9._-]{2,30}$")


@dataclass(frozen=True)
class Lockout:
    username: str
    ip_address: str
    failures: int
    last_attempt: datetime


def _check_reach(actor: User | None, *, scope_unit: Unit | None, superuser: bool) -> None:
    """An administrator manages accounts within their own scope, and never a system administrator
    unless they are one."""
    if actor is None or actor.is_superuser:
        return
    if superuser:
        raise ValidationError("只有系统管理员可以管理系统管理员账号", code=errors.USER_SUPERUSER)
    prefix = scope_path(actor)
    if prefix is not None and (scope_unit is None or not scope_unit.path.startswith(prefix)):
        raise ValidationError({"scope_unit": "数据范围超出了您的管理范围"}, code=errors.USER_OUT_OF_SCOPE)


def _account_snapshot(user: User) -> dict[str, object]:
    return {
        "display_name": user.display_name,
        "role": user.role,
        "scope_unit": user.scope_unit.name if user.scope_unit else None,
    }


def account_create(
    *, username: str, display_name: str, role: str, scope_unit: Unit | None, actor: User | None
) -> tuple[User, str]:
    """A new account with a random password (returned once, never stored in clear)."""
    username = username.strip()
    if not USERNAME_PATTERN.match(username):
        raise ValidationError(
            {"username": "登录名应为 2 至 30 位英文字母、数字或 . _ -"}, code=errors.USER_NAME_INVALID
        )
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"登录名「{username}」已被使用"}, code=errors.USER_NAME_TAKEN)
    if not display_name.strip():
        raise ValidationError({"display_name": "请填写使用人姓名"}, code=errors.USER_NAME_INVALID)
    _check_reach(actor, scope_unit=scope_unit, superuser=False)
    return user_create(
        username=username, role=role, scope_unit=scope_unit, display_name=display_name.strip(), actor=actor
    )


def account_update(
    *, user: User, display_name: str, role: str, scope_unit: Unit | None, actor: User | None
) -> User:
    """Change the name, role and scope of an account (the login itself never changes)."""
    _check_reach(actor, scope_unit=user.scope_unit, superuser=user.is_superuser)
    _check_reach(actor, scope_unit=scope_unit, superuser=False)
    if role not in Role.values:
        raise ValidationError({"role": f"未知角色 {role}"}, code=errors.USER_ROLE_INVALID)
    if scope_unit is None and not user.is_superuser:
        raise ValidationError(
            {"scope_unit": "非管理员账号必须指定数据范围单位"}, code=errors.USER_SCOPE_MISSING
        )
    if not display_name.strip():
        raise ValidationError({"display_name": "请填写使用人姓名"}, code=errors.USER_NAME_INVALID)
    if actor is not None and actor.pk == user.pk and (role != user.role or scope_unit != user.scope_unit):
        raise ValidationError("不能修改自己的角色或数据范围，请由其他管理员操作", code=errors.USER_SELF)
    before = _account_snapshot(user)
    user.display_name, user.role, user.scope_unit = display_name.strip(), role, scope_unit
    after = _account_snapshot(user)
    changed = [k for k in after if after[k] != before[k]]
    if not changed:
        return user
    with transaction.atomic():
        user.save(update_fields=["display_name", "role", "scope_unit"])
        record_event(
            actor=actor,
            action="user.update",
            obj=user,
            unit_path=scope_unit.path if scope_unit else "",
            payload={"before": {k: before[k] for k in changed}, "after": {k: after[k] for k in changed}},
        )
    return user


def account_set_active(*, user: User, active: bool, actor: User | None) -> User:
    """Disable (or enable again) an account. A disabled account cannot log in, and its open
    sessions end at their next request (the session's user must be active)."""
    _check_reach(actor, scope_unit=user.scope_unit, superuser=user.is_superuser)
    if actor is not None and actor.pk == user.pk and not active:
        raise ValidationError("不能停用自己的账号", code=errors.USER_SELF)
    if user.is_active == active:
        return user
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        record_event(
            actor=actor,
            action="user.enable" if active else "user.disable",
            obj=user,
            unit_path=user.scope_unit.path if user.scope_unit else "",
            payload={"username": user.username},
        )
    return user


def account_reset_password(*, user: User, actor: User | None) -> str:
    """A new random password, returned once (to be shown once and handed over); the account's open
    sessions end (Django ties a session to the password)."""
    _check_reach(actor, scope_unit=user.scope_unit, superuser=user.is_superuser)
    password = secrets.token_urlsafe(12)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        record_event(
            actor=actor,
            action="user.password_reset",
            obj=user,
            unit_path=user.scope_unit.path if user.scope_unit else "",
            payload={"username": user.username},
        )
    return password


def lockouts() -> list[Lockout]:
    """Logins locked after too many failed attempts (django-axes, by login and address)."""
    from axes.models import AccessAttempt
    from django.conf import settings

    limit = int(getattr(settings, "AXES_FAILURE_LIMIT", 5))
    rows = AccessAttempt.objects.filter(failures_since_start__gte=limit).order_by("-attempt_time")
    return [
        Lockout(r.username or "", r.ip_address or "", r.failures_since_start, r.attempt_time)
        for r in rows[:500]
    ]


def lockout_release(*, username: str, actor: User | None) -> int:
    """Release the lockouts of one login (every address); returns how many records were cleared."""
    from axes.utils import reset

    with transaction.atomic():
        count = int(reset(username=username))
        if count:
            record_event(
                actor=actor,
                action="user.lockout_release",
                object_type="org.user",
                object_label=username,
                payload={"username": username, "count": count},
            )
    return count
