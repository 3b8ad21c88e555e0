"""Villagers' requests (群众诉求): raised from a work log or directly, then handled to the end.

State rules, all in `TRANSITIONS` (who may move a request from one status to the next):

    受理       → 办理中 / 已办结 / 已上报乡镇      the village's 驻村干部 or the township
    办理中     → 已办结 / 已上报乡镇               the village's 驻村干部 or the township
    已上报乡镇 → 已办结                           the township only (villagework.manage)
    已办结     → (final: a resolved request is never reopened; a new problem is a new request)

已办结 needs the resolution text and sets `resolved_on`; 已上报乡镇 sets `escalated_on`.
Overdue = not resolved and `due_on` < today; an escalated request past its due date stays overdue
(it is the township's to resolve, and is flagged to the township).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from ganbu.audit.services import record_event
from ganbu.cadres.models import Cadre
from ganbu.org.models import Unit, User
from ganbu.org.permissions import has_capability
from ganbu.villagework.models import (
    Assignment,
    Household,
    RequestCategory,
    RequestStatus,
    VillagerRequest,
    WorkLog,
)
from ganbu.villagework.selectors.scope import own_cadre, own_only, villages_for
from ganbu.villagework.services.config import get_settings

Who = Literal["handler", "township"]

# from status → {to status: who may do it}. "handler": the village's 驻村干部 (villagework.log, the
# village among their own) or the township/county (villagework.manage, the village in scope);
# "township": only villagework.manage.
TRANSITIONS: dict[str, dict[str, Who]] = {
    RequestStatus.ACCEPTED: {
        RequestStatus.IN_PROGRESS: "handler",
        RequestStatus.RESOLVED: "handler",
        RequestStatus.ESCALATED: "handler",
    },
    RequestStatus.IN_PROGRESS: {
        RequestStatus.RESOLVED: "handler",
        RequestStatus.ESCALATED: "handler",
    },
    RequestStatus.ESCALATED: {RequestStatus.RESOLVED: "township"},
    RequestStatus.RESOLVED: {},
}

TRANSITION_LABELS = {
    RequestStatus.IN_PROGRESS: "开始办理",
    RequestStatus.RESOLVED: "办结",
    RequestStatus.ESCALATED: "上报乡镇",
}

DESCRIPTION_MAX = 2000
RESOLUTION_MAX = 2000


# --- who may act -------------------------------------------------------------------------------


def is_township(actor: User | None, village: Unit) -> bool:
    """A villagework.manage user (township or county) with the village in scope; None = system."""
    if actor is None:
        return True
    return has_capability(actor, "villagework.manage") and villages_for(actor).filter(pk=village.pk).exists()


def workable_assignments(cadre: Cadre, today: date) -> QuerySet[Assignment]:
    """The cadre's assignments they may still work under: started, and not ended before the first
    day still inside the edit window (a cadre who has left may finish that window's logs)."""
    earliest = today - timedelta(days=get_settings().edit_window_days)
    return Assignment.objects.filter(cadre=cadre, started_on__lte=today).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=earliest)
    )


def is_handler(actor: User | None, village: Unit, today: date | None = None) -> bool:
    """May raise and handle requests of the village: the township, or a 驻村干部 stationed there
    (an assignment still workable: a cadre who left the village long ago no longer handles them)."""
    if is_township(actor, village):
        return True
    assert actor is not None
    if not has_capability(actor, "villagework.log") or not villages_for(actor).filter(pk=village.pk).exists():
        return False
    cadre = own_cadre(actor)
    return (
        cadre is not None
        and workable_assignments(cadre, today or timezone.localdate()).filter(village=village).exists()
    )


def allowed_transitions(request: VillagerRequest, actor: User | None) -> list[str]:
    """The statuses `actor` may move `request` to now, in table order."""
    handler = is_handler(actor, request.village)
    township = handler and is_township(actor, request.village)
    result = []
    for to, who in TRANSITIONS[request.status].items():
        if (who == "handler" and handler) or (who == "township" and township):
            result.append(to)
    return result


# --- overdue -----------------------------------------------------------------------------------


def overdue(queryset: QuerySet[VillagerRequest], today: date) -> QuerySet[VillagerRequest]:
    """Requests not resolved whose due date has passed (escalated ones included)."""
    return queryset.exclude(status=RequestStatus.RESOLVED).filter(due_on__lt=today)


def is_overdue(request: VillagerRequest, today: date) -> bool:
    return request.status != RequestStatus.RESOLVED and request.due_on < today


def days_overdue(request: VillagerRequest, today: date) -> int:
    """Whole days past the due date (0 when not overdue)."""
    return (today - request.due_on).days if is_overdue(request, today) else 0


def order_for_handling(queryset: QuerySet[VillagerRequest]) -> QuerySet[VillagerRequest]:
    """Escalated first (waiting for the township), then other open ones by due date, then resolved."""
    rank = Case(
        When(status=RequestStatus.ESCALATED, then=Value(0)),
        When(status__in=[RequestStatus.ACCEPTED, RequestStatus.IN_PROGRESS], then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return queryset.annotate(handling_rank=rank).order_by("handling_rank", "due_on", "-raised_on", "-id")


# --- writes ------------------------------------------------------------------------------------


def request_create(
    *,
    actor: User | None,
    village: Unit,
    category: str,
    description: str,
    household: Household | None = None,
    due_on: date | None = None,
    raised_on: date | None = None,
    cadre: Cadre | None = None,
    source_log: WorkLog | None = None,
    today: date | None = None,
) -> VillagerRequest:
    """Register a request in 受理. `due_on` defaults to raised_on + the settings' request_due_days;
    the responsible cadre defaults to the source log's cadre, else the acting 驻村干部."""
    today = today or timezone.localdate()
    raised_on = raised_on or today
    if not is_handler(actor, village, today):
        raise PermissionDenied("您不能登记该村的群众诉求")
    errors: dict[str, str] = {}
    description = (description or "").strip()
    if category not in RequestCategory.values:
        errors["category"] = "请选择诉求类别"
    if not description:
        errors["description"] = "诉求内容不能为空"
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = f"诉求内容不能超过{DESCRIPTION_MAX}字"
    if raised_on > today:
        errors["raised_on"] = "提出日期不能晚于今天"
    if household is not None and household.village_id != village.pk:
        errors["household"] = "所选农户不属于该村"
    if due_on is None:
        due_on = raised_on + timedelta(days=get_settings().request_due_days)
    elif due_on < raised_on:
        errors["due_on"] = "办理期限不能早于提出日期"
    if source_log is not None and source_log.village_id != village.pk:
        errors["source_log"] = "来源工作记录不属于该村"
    if cadre is not None and not Assignment.objects.filter(cadre=cadre, village=village).exists():
        errors["cadre"] = f"承办干部{cadre.name}没有驻{village.name}的安排"
    if errors:
        raise ValidationError(errors, code="villagework_request_invalid")
    if cadre is None:
        if source_log is not None:
            cadre = source_log.cadre
        elif actor is not None and own_only(actor):
            cadre = own_cadre(actor)
    request = VillagerRequest(
        village=village,
        household=household,
        source_log=source_log,
        cadre=cadre,
        category=category,
        description=description,
        raised_on=raised_on,
        due_on=due_on,
        status=RequestStatus.ACCEPTED,
        created_by=actor,
    )
    request.full_clean(exclude=["created_by"])  # None for system actions
    with transaction.atomic():
        request.save()
        record_event(
            actor=actor,
            action="villagework.request.create",
            obj=request,
            unit_path=village.path,
            payload={
                "village_id": village.pk,
                "household_id": household.pk if household else None,
                "source_log_id": source_log.pk if source_log else None,
                "cadre_id": cadre.pk if cadre else None,
                "category": category,
                "raised_on": raised_on,
                "due_on": due_on,
            },
        )
    return request


def request_transition(
    *,
    request: VillagerRequest,
    to: str,
    actor: User | None,
    resolution: str = "",
    on: date | None = None,
    today: date | None = None,
) -> VillagerRequest:
    """Move a request to `to` following TRANSITIONS. A conditional UPDATE on the status it was read
    with, so two people acting at once cannot both move it (the second gets an error)."""
    today = today or timezone.localdate()
    on = on or today
    current = request.status
    if to not in RequestStatus.values:
        raise ValidationError({"to": "未知的诉求状态"}, code="villagework_request_status")
    if to not in TRANSITIONS[current]:
        if current == RequestStatus.RESOLVED:
            message = "诉求已办结，不能再变更状态（如有新问题请另行登记）"
        else:
            message = f"诉求状态不能从「{RequestStatus(current).label}」改为「{RequestStatus(to).label}」"
        raise ValidationError({"to": message}, code="villagework_request_transition")
    if to not in allowed_transitions(request, actor):
        if TRANSITIONS[current][to] == "township":
            raise PermissionDenied("已上报乡镇的诉求由乡镇办结")
        raise PermissionDenied("您不能办理该村的群众诉求")
    resolution = (resolution or "").strip()
    errors: dict[str, str] = {}
    if to == RequestStatus.RESOLVED and not resolution:
        errors["resolution"] = "办结须填写办理结果"
    if len(resolution) > RESOLUTION_MAX:
        errors["resolution"] = f"办理结果不能超过{RESOLUTION_MAX}字"
    if on > today:
        errors["on"] = "日期不能晚于今天"
    elif on < request.raised_on:
        errors["on"] = "日期不能早于诉求提出日期"
    if errors:
        raise ValidationError(errors, code="villagework_request_invalid")
    fields: dict[str, object] = {"status": to, "updated_at": timezone.now()}
    if to == RequestStatus.RESOLVED:
        fields.update(resolution=resolution, resolved_on=on)
    elif to == RequestStatus.ESCALATED:
        fields["escalated_on"] = on
    with transaction.atomic():
        changed = VillagerRequest.objects.filter(pk=request.pk, status=current).update(**fields)
        if changed != 1:
            raise ValidationError(
                {"to": "该诉求的状态已被他人更新，请刷新页面后再操作"}, code="villagework_request_stale"
            )
        request.refresh_from_db()
        record_event(
            actor=actor,
            action="villagework.request.transition",
            obj=request,
            unit_path=request.village.path,
            payload={
                "from": current,
                "to": to,
                "on": on,
                "resolution": resolution,
            },
        )
    return request
