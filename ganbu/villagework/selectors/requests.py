"""Reads of villagers' requests (群众诉求): the overdue rule as a query, the handling order, the
request list and the cadres who may handle a village's requests.

Overdue (`rules.is_overdue`): not 已办结 and the due date before today (due today is not overdue);
an escalated request past its due date is overdue too (for the township to resolve)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from ganbu.cadres.selectors import cadres_by_ids
from ganbu.org.models import Unit, User
from ganbu.org.scoping import filter_in_subtree
from ganbu.villagework import rules
from ganbu.villagework.models import (
    OPEN_REQUEST_STATUSES,
    Assignment,
    RequestStatus,
    VillagerRequest,
    WorkLog,
)
from ganbu.villagework.selectors.scope import requests_for

if TYPE_CHECKING:
    from ganbu.cadres.models import Cadre


def overdue_q(today: date) -> Q:
    """`rules.is_overdue` as a query condition on requests."""
    return ~Q(status=RequestStatus.RESOLVED) & Q(due_on__lt=today)


def overdue(queryset: QuerySet[VillagerRequest], today: date) -> QuerySet[VillagerRequest]:
    """Requests not resolved whose due date has passed (escalated ones included)."""
    return queryset.filter(overdue_q(today))


def is_overdue(request: VillagerRequest, today: date) -> bool:
    return rules.is_overdue(
        resolved=request.status == RequestStatus.RESOLVED, due_on=request.due_on, today=today
    )


def days_overdue(request: VillagerRequest, today: date) -> int:
    """Whole days past the due date (0 when not overdue)."""
    return rules.days_overdue(
        resolved=request.status == RequestStatus.RESOLVED, due_on=request.due_on, today=today
    )


def order_for_handling(queryset: QuerySet[VillagerRequest]) -> QuerySet[VillagerRequest]:
    """Escalated first (waiting for the township), then other open ones by due date, then resolved."""
    rank = Case(
        When(status=RequestStatus.ESCALATED, then=Value(0)),
        When(status__in=[RequestStatus.ACCEPTED, RequestStatus.IN_PROGRESS], then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return queryset.annotate(handling_rank=rank).order_by("handling_rank", "due_on", "-raised_on", "-id")


def request_list(
    user: User,
    *,
    today: date,
    township: Unit | None = None,
    village: Unit | None = None,
    status: str = "",
    category: str = "",
    overdue_only: bool = False,
) -> QuerySet[VillagerRequest]:
    """The requests the user may see, filtered, in handling order. `status` "open": not 已办结."""
    queryset = requests_for(user)
    if township is not None:
        queryset = filter_in_subtree(queryset, township, "village")
    if village is not None:
        queryset = queryset.filter(village=village)
    if status == "open":
        queryset = queryset.exclude(status=RequestStatus.RESOLVED)
    elif status:
        queryset = queryset.filter(status=status)
    if category:
        queryset = queryset.filter(category=category)
    if overdue_only:
        queryset = overdue(queryset, today)
    return order_for_handling(queryset.select_related("village__parent", "household", "cadre"))


def overdue_count(user: User, today: date) -> int:
    return overdue(requests_for(user), today).count()


def open_requests(user: User, villages: list[Unit], *, limit: int) -> list[VillagerRequest]:
    """Open requests of the villages the user may see, in handling order (the phone home)."""
    queryset = requests_for(user).filter(village__in=villages, status__in=OPEN_REQUEST_STATUSES)
    return list(order_for_handling(queryset)[:limit])


def raised_in_log(user: User, log: WorkLog) -> list[VillagerRequest]:
    return list(requests_for(user).filter(source_log=log).order_by("id"))


def handling_cadres(village: Unit, today: date) -> QuerySet[Cadre]:
    """The cadres stationed in the village today (the choices of 承办驻村干部)."""
    current = Assignment.objects.filter(village=village, started_on__lte=today).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=today)
    )
    ids = current.order_by().values_list("cadre_id", flat=True).distinct()
    return cadres_by_ids(ids).order_by("name_pinyin")
