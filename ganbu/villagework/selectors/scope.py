"""Who sees which 驻村 rows. Everything starts from these querysets.

- Township and county users (and supervision) see rows whose village is in their unit subtree
  (org.scoping, the one scope mechanism).
- A 驻村干部 (role village_cadre) additionally sees only the villages they are or were assigned to
  (through the cadre record linked to their login, `Cadre.account`), and of the logs only their own.
  Without a linked cadre record they see nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

from ganbu.cadres.selectors import cadre_for_account_or_in_scope, cadre_of_account, cadres_by_ids
from ganbu.org.models import TOWNSHIP_KINDS, VILLAGE_KINDS, Role, Unit, User
from ganbu.org.permissions import has_capability
from ganbu.org.scoping import filter_by_scope, get_in_scope_or_404, units_in_scope
from ganbu.villagework.models import (
    Assignment,
    Evaluation,
    EvaluationEntry,
    Household,
    VillagerRequest,
    WorkLog,
)

if TYPE_CHECKING:
    from ganbu.cadres.models import Cadre

M = TypeVar("M", bound=Model)
NOT_FOUND = "对象不存在或不在您的数据范围内"


def own_only(user: User) -> bool:
    """True when the user sees only their own villages and logs (a 驻村干部)."""
    return user.role == Role.VILLAGE_CADRE and not user.is_superuser


def own_cadre(user: User) -> Cadre | None:
    """The cadre record linked to the user's login (a 驻村干部's), or None."""
    return cadre_of_account(user)


def villages_for(user: User) -> QuerySet[Unit]:
    villages = units_in_scope(user).filter(kind__in=VILLAGE_KINDS)
    if own_only(user):
        cadre = own_cadre(user)
        if cadre is None:
            return villages.none()
        villages = villages.filter(pk__in=Assignment.objects.filter(cadre=cadre).values("village_id"))
    return villages


def townships_for(user: User) -> QuerySet[Unit]:
    return units_in_scope(user).filter(kind__in=TOWNSHIP_KINDS)


def _by_village(queryset: QuerySet[M], user: User) -> QuerySet[M]:
    queryset = filter_by_scope(queryset, user, "village")
    if own_only(user):
        queryset = queryset.filter(village__in=villages_for(user))
    return queryset


def households_for(user: User) -> QuerySet[Household]:
    return _by_village(Household.objects.select_related("village"), user)


def assignments_for(user: User) -> QuerySet[Assignment]:
    queryset = _by_village(Assignment.objects.select_related("village", "cadre", "village__parent"), user)
    if own_only(user):
        queryset = queryset.filter(cadre=own_cadre(user))
    return queryset


def logs_for(user: User) -> QuerySet[WorkLog]:
    queryset = _by_village(WorkLog.objects.select_related("village", "cadre"), user)
    if own_only(user):
        queryset = queryset.filter(cadre=own_cadre(user))
    return queryset


def requests_for(user: User) -> QuerySet[VillagerRequest]:
    return _by_village(VillagerRequest.objects.select_related("village", "household", "cadre"), user)


def evaluations_for(user: User) -> QuerySet[Evaluation]:
    if own_only(user):
        return Evaluation.objects.none()
    return filter_by_scope(Evaluation.objects.select_related("township"), user, "township")


def entries_for(user: User) -> QuerySet[EvaluationEntry]:
    if own_only(user):
        return EvaluationEntry.objects.none()
    return filter_by_scope(
        EvaluationEntry.objects.select_related("evaluation", "cadre", "village"), user, "evaluation__township"
    )


def get_household(user: User, pk: int) -> Household:
    return get_in_scope_or_404(households_for(user), user, "village", pk=pk)


def get_assignment(user: User, pk: int) -> Assignment:
    return get_in_scope_or_404(assignments_for(user), user, "village", pk=pk)


def get_log(user: User, pk: int) -> WorkLog:
    return get_in_scope_or_404(logs_for(user), user, "village", pk=pk)


def get_request(user: User, pk: int) -> VillagerRequest:
    return get_in_scope_or_404(requests_for(user), user, "village", pk=pk)


def get_village(user: User, pk: int) -> Unit:
    return get_in_scope_or_404(villages_for(user), user, "", pk=pk)


def get_evaluation(user: User, pk: int) -> Evaluation:
    return get_in_scope_or_404(evaluations_for(user), user, "township", pk=pk)


def get_entry(user: User, pk: int) -> EvaluationEntry:
    return get_in_scope_or_404(entries_for(user), user, "evaluation__township", pk=pk)


def get_stationed_cadre(user: User, pk: int) -> Cadre:
    """A cadre stationed (now or before) in a village the user may see; 404 otherwise.

    A 驻村干部 only themself. Other users also reach a cadre of their registry scope who has no
    assignment they may see (an empty report, so a county user can open any cadre); the cadre's
    registry unit is otherwise irrelevant: a township sees a county cadre stationed in its village.
    """
    if own_only(user):
        cadre = own_cadre(user)
        if cadre is None or cadre.pk != pk:
            raise Http404(NOT_FOUND)
        return cadre
    stationed = Assignment.objects.filter(cadre_id=pk, village__in=villages_for(user))
    if stationed.exists():
        cadre = cadres_by_ids([pk]).first()
    elif has_capability(user, "cadres.view"):
        cadre = cadre_for_account_or_in_scope(user, pk)
    else:
        cadre = None
    if cadre is None:
        raise Http404(NOT_FOUND)
    return cadre


def cadre_villages(user: User, cadre: Cadre) -> QuerySet[Unit]:
    """The villages the cadre is or was stationed in that the user may see."""
    assigned = Assignment.objects.filter(cadre=cadre).values("village_id")
    return villages_for(user).filter(pk__in=assigned).select_related("parent").order_by("path")
