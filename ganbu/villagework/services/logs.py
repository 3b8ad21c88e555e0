"""Work logs (驻村蹲点工作记录表) written on a phone: create, update, delete, with their visits,
requests raised and photos. (Who may write: `selectors.rights`; the phone pages' reads:
`selectors.logs`.)

Rules
- A log belongs to a cadre and a village; the cadre must have an assignment to the village covering
  the log's date; the date is not in the future.
- Households visited are active households of that village (a household already in the log that has
  since moved out may stay in it).
- `client_key` is the phone draft's uuid: a retried submit returns the log already stored instead of
  creating a second one (the unique constraint decides when two submits race).
- Photos: JPEG or PNG (checked by their first bytes), each at most `photo_max_kb`, at most
  `photos_per_log` per log (the values in force).
- Edit window: the cadre (the login linked to the log's cadre) may create, change and delete their
  logs while today <= 记录日期 + `edit_window_days`. After that only the township (a
  villagework.manage user with the village in scope) may change it, always giving a reason, audited
  with before/after. Decision: the township may correct a log at any time, inside the window too,
  but always with a reason; nobody else may touch another cadre's log.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from ganbu.audit.services import record_event
from ganbu.org.models import Unit, User
from ganbu.villagework import errors, events, rules
from ganbu.villagework.models import (
    Assignment,
    Household,
    LogKind,
    LogPhoto,
    RequestCategory,
    VillageWorkSettings,
    Visit,
    WorkLog,
)
from ganbu.villagework.selectors.logs import covering_assignment, first_assignment, photo_kind
from ganbu.villagework.selectors.rights import edit_right, write_right
from ganbu.villagework.services.requests import DESCRIPTION_MAX, request_create

if TYPE_CHECKING:
    from ganbu.cadres.models import Cadre

__all__ = ["check_photo", "log_create", "log_delete", "log_update"]

CONTENT_MAX = 5000
REASON_MAX = 500
MAX_HOUSEHOLDS = 100
CLIENT_KEY_MAX = 64


# --- validation helpers ------------------------------------------------------------------------


def _check_date(
    cadre: Cadre, village: Unit, logged_on: date | None, today: date, problems: dict[str, str]
) -> Assignment | None:
    if logged_on is None:
        problems["logged_on"] = "请填写日期"
        return None
    if logged_on > today:
        problems["logged_on"] = "日期不能晚于今天"
        return None
    assignment = covering_assignment(cadre, village, logged_on)
    if assignment is None:
        first = first_assignment(cadre, village)
        if first is None:
            problems["village"] = f"{cadre.name}没有驻{village.name}的安排"
        elif logged_on < first.started_on:
            problems["logged_on"] = f"日期不能早于驻村开始日期（{first.started_on:%Y-%m-%d}）"
        else:
            problems["logged_on"] = f"{logged_on:%Y-%m-%d}不在{cadre.name}驻{village.name}的期间内"
    return assignment


def _clean_text(value: str, field: str, label: str, limit: int, problems: dict[str, str]) -> str:
    text = (value or "").strip()
    if not text:
        problems[field] = f"{label}不能为空"
    elif len(text) > limit:
        problems[field] = f"{label}不能超过{limit}字"
    return text


def _check_households(
    village: Unit, household_ids: Iterable[int | str], problems: dict[str, str], keep: Iterable[int] = ()
) -> list[Household]:
    try:
        ids = sorted({int(i) for i in household_ids})
    except (TypeError, ValueError):
        problems["households"] = "走访农户选择有误"
        return []
    if len(ids) > MAX_HOUSEHOLDS:
        problems["households"] = f"一条记录最多选择{MAX_HOUSEHOLDS}户"
        return []
    keep_ids = set(keep)
    found = list(
        Household.objects.filter(pk__in=ids, village=village).filter(Q(is_active=True) | Q(pk__in=keep_ids))
    )
    if len(found) != len(ids):
        problems["households"] = f"走访农户中有不属于{village.name}或已不在册的农户，请重新选择"
        return []
    return found


def photo_too_large_message(index: int, size: int, max_kb: int) -> str:
    return f"第{index}张照片为{size // 1024}KB，超过{max_kb}KB的上限，请压缩后再上传"


def check_photo(content: bytes, index: int = 1) -> tuple[str, str]:
    """(extension, content type) of an acceptable photo; ValidationError naming the photo otherwise."""
    max_kb = VillageWorkSettings.current().photo_max_kb
    kind = photo_kind(content)
    if kind is None:
        raise ValidationError({"photos": f"第{index}张照片应为 JPG 或 PNG 格式"}, code=errors.PHOTO_TYPE)
    if rules.photo_too_large(len(content), max_kb):
        raise ValidationError(
            {"photos": photo_too_large_message(index, len(content), max_kb)}, code=errors.PHOTO_TOO_LARGE
        )
    return kind


def _check_photos(photos: Sequence[bytes], existing: int, problems: dict[str, str]) -> None:
    limit = VillageWorkSettings.current().photos_per_log
    if existing + len(photos) > limit:
        problems["photos"] = f"每条记录最多{limit}张照片"
        return
    for index, content in enumerate(photos, start=existing + 1):
        try:
            check_photo(content, index)
        except ValidationError as exc:
            problems["photos"] = exc.message_dict["photos"][0]
            return


def _parse_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _check_requests(
    village: Unit, logged_on: date | None, items: Sequence[dict[str, Any]], problems: dict[str, str]
) -> list[dict[str, Any]]:
    """Validate the requests raised in a log; returns request_create keyword arguments."""
    cleaned: list[dict[str, Any]] = []
    messages: list[str] = []
    for number, item in enumerate(items, start=1):
        prefix = f"第{number}条诉求："
        category = str(item.get("category") or "")
        description = str(item.get("description") or "").strip()
        if category not in RequestCategory.values:
            messages.append(prefix + "请选择诉求类别")
        if not description:
            messages.append(prefix + "诉求内容不能为空")
        elif len(description) > DESCRIPTION_MAX:
            messages.append(prefix + f"诉求内容不能超过{DESCRIPTION_MAX}字")
        household = None
        if item.get("household_id") not in (None, ""):
            raw_id = str(item["household_id"])
            household = (
                Household.objects.filter(pk=int(raw_id), village=village).first()
                if raw_id.isdecimal()
                else None
            )
            if household is None:
                messages.append(prefix + f"所选农户不属于{village.name}")
        try:
            due_on = _parse_date(item.get("due_on"))
        except ValueError:
            messages.append(prefix + "办理期限日期格式应为 YYYY-MM-DD")
            due_on = None
        if due_on is not None and logged_on is not None and due_on < logged_on:
            messages.append(prefix + "办理期限不能早于记录日期")
        cleaned.append(
            {"category": category, "description": description, "household": household, "due_on": due_on}
        )
    if messages:
        problems["requests"] = "；".join(messages)
    return cleaned


def _store_photos(log: WorkLog, photos: Sequence[bytes], stored: list[str]) -> list[int]:
    ids = []
    for content in photos:
        extension, _ = check_photo(content)
        digest = hashlib.sha256(content).hexdigest()
        photo = LogPhoto(log=log, size=len(content), sha256=digest)
        photo.image.save(f"log{log.pk}_{digest[:16]}.{extension}", ContentFile(content), save=False)
        stored.append(photo.image.name)
        photo.save()
        ids.append(photo.pk)
    return ids


def _delete_files(names: Iterable[str]) -> None:
    storage = LogPhoto._meta.get_field("image").storage
    for name in names:
        storage.delete(name)


# --- writes ------------------------------------------------------------------------------------


def log_create(
    *,
    actor: User | None,
    cadre: Cadre,
    village: Unit,
    logged_on: date | None,
    kind: str,
    content: str,
    household_ids: Iterable[int | str] = (),
    requests: Sequence[dict[str, Any]] = (),
    client_key: str | None = None,
    photos: Sequence[bytes] = (),
    reason: str = "",
    today: date | None = None,
) -> WorkLog:
    """Store one work log with its visits, requests and photos (all or nothing). With a
    `client_key` already stored for this cadre, returns that log unchanged (a retried submit)."""
    today = today or timezone.localdate()
    client_key = (client_key or "").strip() or None
    if client_key is not None:
        if len(client_key) > CLIENT_KEY_MAX:
            raise ValidationError({"client_key": "草稿编号过长"}, code=errors.LOG_INVALID)
        existing = _existing(client_key, cadre)
        if existing is not None:
            return existing
    if logged_on is None:
        right = write_right(actor, cadre, village, today, today)
    else:
        right = write_right(actor, cadre, village, logged_on, today)
    if not right.allowed:
        if right.days_left is not None and right.days_left < 0:
            raise ValidationError(
                {
                    "logged_on": f"只能补记{VillageWorkSettings.current().edit_window_days}天内的工作记录，更早的请联系乡镇补录"
                },
                code=errors.LOG_WINDOW,
            )
        raise PermissionDenied("只能由本人填写自己的驻村工作记录")
    problems: dict[str, str] = {}
    reason = (reason or "").strip()
    if right.reason_required and not reason:
        problems["reason"] = "乡镇代为补录须填写原因"
    if kind not in LogKind.values:
        problems["kind"] = "请选择工作类型"
    content = _clean_text(content, "content", "工作内容", CONTENT_MAX, problems)
    assignment = _check_date(cadre, village, logged_on, today, problems)
    households = _check_households(village, household_ids, problems)
    request_items = _check_requests(village, logged_on, requests, problems)
    _check_photos(photos, 0, problems)
    if problems:
        raise ValidationError(problems, code=errors.LOG_INVALID)
    assert logged_on is not None
    log = WorkLog(
        cadre=cadre,
        village=village,
        assignment=assignment,
        logged_on=logged_on,
        kind=kind,
        content=content,
        created_by=actor,
        client_key=client_key,
    )
    log.full_clean(exclude=["created_by"], validate_unique=False)
    stored: list[str] = []
    try:
        with transaction.atomic():
            log.save()
            Visit.objects.bulk_create(
                Visit(log=log, household=h, village=village, cadre=cadre, visited_on=logged_on)
                for h in households
            )
            raised = [
                request_create(
                    actor=actor,
                    village=village,
                    source_log=log,
                    cadre=cadre,
                    raised_on=logged_on,
                    today=today,
                    **item,
                )
                for item in request_items
            ]
            photo_ids = _store_photos(log, photos, stored)
            record_event(
                actor=actor,
                action=events.LOG_CREATE,
                obj=log,
                unit_path=village.path,
                payload={
                    "cadre_id": cadre.pk,
                    "village_id": village.pk,
                    "logged_on": logged_on,
                    "kind": kind,
                    "household_ids": sorted(h.pk for h in households),
                    "request_ids": [r.pk for r in raised],
                    "photo_ids": photo_ids,
                    "client_key": client_key,
                    "mode": right.mode,
                    "reason": reason,
                },
            )
    except IntegrityError:
        _delete_files(stored)
        existing = _existing(client_key, cadre) if client_key else None
        if existing is None:
            raise
        return existing  # the same draft was stored by a concurrent submit
    except BaseException:
        _delete_files(stored)
        raise
    return log


def _existing(client_key: str, cadre: Cadre) -> WorkLog | None:
    existing = WorkLog.objects.filter(client_key=client_key).select_related("village", "cadre").first()
    if existing is not None and existing.cadre_id != cadre.pk:
        raise ValidationError(
            {"client_key": "草稿编号冲突，请刷新页面后重新填写"}, code=errors.LOG_CLIENT_KEY
        )
    return existing


def log_update(
    *,
    log: WorkLog,
    actor: User | None,
    logged_on: date | None,
    kind: str,
    content: str,
    household_ids: Iterable[int | str],
    reason: str = "",
    add_photos: Sequence[bytes] = (),
    remove_photo_ids: Iterable[int] = (),
    today: date | None = None,
) -> WorkLog:
    """Change a log (date, kind, content, households visited, photos). The cadre inside the edit
    window; the township at any time with a reason (audited with before/after)."""
    today = today or timezone.localdate()
    right = edit_right(log, actor, today)
    if not right.allowed:
        raise PermissionDenied(right.message)
    problems: dict[str, str] = {}
    reason = (reason or "").strip()
    if right.reason_required and not reason:
        problems["reason"] = "乡镇修改工作记录须填写修改原因"
    elif len(reason) > REASON_MAX:
        problems["reason"] = f"修改原因不能超过{REASON_MAX}字"
    if kind not in LogKind.values:
        problems["kind"] = "请选择工作类型"
    content = _clean_text(content, "content", "工作内容", CONTENT_MAX, problems)
    assignment = _check_date(log.cadre, log.village, logged_on, today, problems)
    window = VillageWorkSettings.current().edit_window_days
    own_outside = logged_on is not None and rules.edit_days_left(logged_on, today, window) < 0
    if right.mode == "own" and own_outside and "logged_on" not in problems:
        problems["logged_on"] = f"只能改为{window}天内的日期"
    before_households = set(log.visits.values_list("household_id", flat=True))
    households = _check_households(log.village, household_ids, problems, keep=before_households)
    remove_ids = {int(i) for i in remove_photo_ids}
    photos_now = list(log.photos.all())
    removing = [p for p in photos_now if p.pk in remove_ids]
    if len(removing) != len(remove_ids):
        problems["photos"] = "要删除的照片不属于该记录"
    else:
        _check_photos(add_photos, len(photos_now) - len(removing), problems)
    if problems:
        raise ValidationError(problems, code=errors.LOG_INVALID)
    assert logged_on is not None
    after_households = {h.pk for h in households}
    before = {"logged_on": log.logged_on, "kind": log.kind, "content": log.content}
    after = {"logged_on": logged_on, "kind": kind, "content": content}
    changes: dict[str, list[Any]] = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if before_households != after_households:
        changes["household_ids"] = [sorted(before_households), sorted(after_households)]
    if not changes and not add_photos and not removing:
        return log
    log.logged_on, log.kind, log.content, log.assignment = logged_on, kind, content, assignment
    log.full_clean(exclude=["created_by"], validate_unique=False)
    stored: list[str] = []
    removed_files = [p.image.name for p in removing]
    try:
        with transaction.atomic():
            log.save(update_fields=["logged_on", "kind", "content", "assignment", "updated_at"])
            Visit.objects.filter(log=log, household_id__in=before_households - after_households).delete()
            Visit.objects.filter(log=log).exclude(visited_on=logged_on).update(visited_on=logged_on)
            Visit.objects.bulk_create(
                Visit(log=log, household=h, village=log.village, cadre=log.cadre, visited_on=logged_on)
                for h in households
                if h.pk not in before_households
            )
            LogPhoto.objects.filter(pk__in=[p.pk for p in removing]).delete()
            added = _store_photos(log, add_photos, stored)
            record_event(
                actor=actor,
                action=events.LOG_UPDATE,
                obj=log,
                unit_path=log.village.path,
                payload={
                    "changes": changes,
                    "photos_added": added,
                    "photos_removed": sorted(p.pk for p in removing),
                    "mode": right.mode,
                    "reason": reason,
                },
            )
            transaction.on_commit(lambda: _delete_files(removed_files))
    except BaseException:
        _delete_files(stored)
        raise
    return log


def log_delete(*, log: WorkLog, actor: User | None, reason: str = "", today: date | None = None) -> None:
    """Delete a log with its visits and photos; requests raised from it stay (their source is
    cleared). Same rights as log_update; the audit event keeps what was deleted."""
    right = edit_right(log, actor, today or timezone.localdate())
    if not right.allowed:
        raise PermissionDenied(right.message)
    reason = (reason or "").strip()
    if right.reason_required and not reason:
        raise ValidationError({"reason": "乡镇删除工作记录须填写原因"}, code=errors.LOG_INVALID)
    files = [p.image.name for p in log.photos.all()]
    snapshot = {
        "cadre_id": log.cadre_id,
        "village_id": log.village_id,
        "logged_on": log.logged_on,
        "kind": log.kind,
        "content": log.content,
        "household_ids": sorted(log.visits.values_list("household_id", flat=True)),
        "request_ids": sorted(log.requests.values_list("pk", flat=True)),
        "photo_sha256": [p.sha256 for p in log.photos.all()],
    }
    with transaction.atomic():
        record_event(
            actor=actor,
            action=events.LOG_DELETE,
            obj=log,
            unit_path=log.village.path,
            payload={"before": snapshot, "mode": right.mode, "reason": reason},
        )
        log.delete()
        transaction.on_commit(lambda: _delete_files(files))
