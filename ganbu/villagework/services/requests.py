"""Villagers' requests (群众诉求): raised from a work log or directly, then handled to the end.

The moves are `VillagerRequest.TRANSITIONS` (受理 → 办理中 / 已办结 / 已上报乡镇; 办理中 → 已办结 /
已上报乡镇; 已上报乡镇 → 已办结; 已办结 is final) and who may make each is
`selectors.rights.REQUEST_MOVERS` (the village's 驻村干部 or the township; an escalated request
only the township). 已办结 needs the resolution text and sets `resolved_on`; 已上报乡镇 sets
`escalated_on`. A move is one conditional UPDATE on the status read (`core.workflow.transition`),
so two people cannot both move a request: the second gets a coded stale error.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ganbu.audit.services import record_event
from ganbu.core import workflow
from ganbu.org.models import Unit, User
from ganbu.villagework import errors, events, rules
from ganbu.villagework.models import (
    Assignment,
    Household,
    RequestCategory,
    RequestStatus,
    VillagerRequest,
    VillageWorkSettings,
    WorkLog,
)
from ganbu.villagework.selectors.rights import REQUEST_MOVERS, allowed_transitions, is_handler
from ganbu.villagework.selectors.scope import own_cadre, own_only

if TYPE_CHECKING:
    from ganbu.cadres.models import Cadre

__all__ = ["DESCRIPTION_MAX", "RESOLUTION_MAX", "TRANSITION_LABELS", "request_create", "request_transition"]

TRANSITION_LABELS = {
    RequestStatus.IN_PROGRESS: "开始办理",
    RequestStatus.RESOLVED: "办结",
    RequestStatus.ESCALATED: "上报乡镇",
}
DESCRIPTION_MAX = 2000
RESOLUTION_MAX = 2000
STALE_MESSAGE = "该诉求的状态已被他人更新，请刷新页面后再操作"


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
    problems: dict[str, str] = {}
    description = (description or "").strip()
    if category not in RequestCategory.values:
        problems["category"] = "请选择诉求类别"
    if not description:
        problems["description"] = "诉求内容不能为空"
    elif len(description) > DESCRIPTION_MAX:
        problems["description"] = f"诉求内容不能超过{DESCRIPTION_MAX}字"
    if raised_on > today:
        problems["raised_on"] = "提出日期不能晚于今天"
    if household is not None and household.village_id != village.pk:
        problems["household"] = "所选农户不属于该村"
    if due_on is None:
        due_on = rules.request_due_on(raised_on, VillageWorkSettings.current().request_due_days)
    elif due_on < raised_on:
        problems["due_on"] = "办理期限不能早于提出日期"
    if source_log is not None and source_log.village_id != village.pk:
        problems["source_log"] = "来源工作记录不属于该村"
    if cadre is not None and not Assignment.objects.filter(cadre=cadre, village=village).exists():
        problems["cadre"] = f"承办干部{cadre.name}没有驻{village.name}的安排"
    if problems:
        raise ValidationError(problems, code=errors.REQUEST_INVALID)
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
            action=events.REQUEST_CREATE,
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


def _check_move(request: VillagerRequest, to: str, actor: User | None) -> None:
    """The move is in the table, and `actor` may make it (REQUEST_MOVERS)."""
    current = request.status
    if to not in RequestStatus.values:
        raise ValidationError({"to": "未知的诉求状态"}, code=errors.REQUEST_STATUS)
    if not workflow.allowed(request, to):
        if current == RequestStatus.RESOLVED:
            message = "诉求已办结，不能再变更状态（如有新问题请另行登记）"
        else:
            message = f"诉求状态不能从「{RequestStatus(current).label}」改为「{RequestStatus(to).label}」"
        raise ValidationError({"to": message}, code=errors.REQUEST_TRANSITION)
    if to not in allowed_transitions(request, actor):
        if REQUEST_MOVERS[(current, to)] == "township":
            raise PermissionDenied("已上报乡镇的诉求由乡镇办结")
        raise PermissionDenied("您不能办理该村的群众诉求")


def request_transition(
    *,
    request: VillagerRequest,
    to: str,
    actor: User | None,
    resolution: str = "",
    on: date | None = None,
    today: date | None = None,
) -> VillagerRequest:
    """Move a request to `to` (`VillagerRequest.TRANSITIONS`, by whom `REQUEST_MOVERS` allows)
    through `core.workflow.transition`: one conditional UPDATE on the status it was read with, and
    its audit event (from, to, on, resolution)."""
    today = today or timezone.localdate()
    on = on or today
    _check_move(request, to, actor)
    resolution = (resolution or "").strip()
    problems: dict[str, str] = {}
    if to == RequestStatus.RESOLVED and not resolution:
        problems["resolution"] = "办结须填写办理结果"
    if len(resolution) > RESOLUTION_MAX:
        problems["resolution"] = f"办理结果不能超过{RESOLUTION_MAX}字"
    if on > today:
        problems["on"] = "日期不能晚于今天"
    elif on < request.raised_on:
        problems["on"] = "日期不能早于诉求提出日期"
    if problems:
        raise ValidationError(problems, code=errors.REQUEST_INVALID)
    fields: dict[str, Any] = {}
    if to == RequestStatus.RESOLVED:
        fields.update(resolution=resolution, resolved_on=on)
    elif to == RequestStatus.ESCALATED:
        fields["escalated_on"] = on
    try:
        with transaction.atomic():
            workflow.transition(
                request,
                to=to,
                actor=actor,
                action=events.REQUEST_TRANSITION,
                payload={"on": on, "resolution": resolution},
                fields=fields,
                unit_path=request.village.path,
            )
    except ValidationError as exc:
        if getattr(exc, "code", None) == workflow.STALE:
            # the kernel's code on the field's message, so the form shows it next to 状态
            raise ValidationError({"to": ValidationError(STALE_MESSAGE, code=errors.STALE)}) from exc
        raise
    return request
