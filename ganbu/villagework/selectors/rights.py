"""Who may do what with 驻村 records, answered before a page offers a button and again by the
service that does it.

- **Requests** (`REQUEST_MOVERS`): each move of `VillagerRequest.TRANSITIONS` is made by the
  village's 驻村干部 or the township ("handler": a `villagework.log` user stationed there under an
  assignment still workable, or a `villagework.manage` user with the village in scope), or by the
  township only ("township": an escalated request is resolved by the township).
- **Logs** (`write_right`): the cadre (the login linked to the log's cadre) while today <= 记录日期
  + the edit window in force; the township (`villagework.manage`, village in scope) at any time,
  always with a reason; nobody else, not even a colleague in the same village.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Literal

from django.db.models import Q, QuerySet
from django.utils import timezone

from ganbu.org.models import Unit, User
from ganbu.org.permissions import has_capability
from ganbu.villagework import rules
from ganbu.villagework.models import Assignment, RequestStatus, VillagerRequest, VillageWorkSettings, WorkLog
from ganbu.villagework.selectors.scope import own_cadre, villages_for

if TYPE_CHECKING:
    from ganbu.cadres.models import Cadre

Who = Literal["handler", "township"]
Mode = Literal["own", "correction", "system", "none"]

S = RequestStatus
# (from, to) → who may make the move; the moves are VillagerRequest.TRANSITIONS
REQUEST_MOVERS: dict[tuple[str, str], Who] = {
    (S.ACCEPTED, S.IN_PROGRESS): "handler",
    (S.ACCEPTED, S.RESOLVED): "handler",
    (S.ACCEPTED, S.ESCALATED): "handler",
    (S.IN_PROGRESS, S.RESOLVED): "handler",
    (S.IN_PROGRESS, S.ESCALATED): "handler",
    (S.ESCALATED, S.RESOLVED): "township",
}


# --------------------------------------------------------------------------------------------------
# Requests
# --------------------------------------------------------------------------------------------------


def is_township(actor: User | None, village: Unit) -> bool:
    """A villagework.manage user (township or county) with the village in scope; None = system."""
    if actor is None:
        return True
    return has_capability(actor, "villagework.manage") and villages_for(actor).filter(pk=village.pk).exists()


def workable_assignments(cadre: Cadre, today: date) -> QuerySet[Assignment]:
    """The cadre's assignments they may still work under: started, and not ended before the first
    day still inside the edit window (a cadre who has left may finish that window's logs)."""
    earliest = today - timedelta(days=VillageWorkSettings.current().edit_window_days)
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
    """The statuses `actor` may move `request` to now, in the order of the table."""
    handler = is_handler(actor, request.village)
    township = handler and is_township(actor, request.village)
    result = []
    for to in VillagerRequest.TRANSITIONS[request.status]:
        who = REQUEST_MOVERS[(request.status, to)]
        if (who == "handler" and handler) or (who == "township" and township):
            result.append(to)
    return result


# --------------------------------------------------------------------------------------------------
# Logs
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EditRight:
    """Whether `actor` may change a log now, and how: "own" (the cadre, inside the window, no reason
    needed), "correction" (the township, reason required), "system" (actor None), "none"."""

    mode: Mode
    message: str = ""
    days_left: int | None = None  # days the cadre may still edit (0 = last day); None if not own

    @property
    def allowed(self) -> bool:
        return self.mode != "none"

    @property
    def reason_required(self) -> bool:
        return self.mode == "correction"


def edit_deadline(logged_on: date) -> date:
    """The last day the cadre may change a log of `logged_on` themself (the window in force)."""
    return rules.edit_deadline(logged_on, VillageWorkSettings.current().edit_window_days)


def is_own(actor: User | None, cadre: Cadre) -> bool:
    return (
        actor is not None
        and actor.is_authenticated
        and cadre.account_id == actor.pk
        and has_capability(actor, "villagework.log")
    )


def write_right(actor: User | None, cadre: Cadre, village: Unit, logged_on: date, today: date) -> EditRight:
    """May `actor` write (create, change, delete) a log of `cadre` in `village` dated `logged_on`?"""
    if actor is None:
        return EditRight("system")
    window = VillageWorkSettings.current().edit_window_days
    days_left = rules.edit_days_left(logged_on, today, window)
    own = is_own(actor, cadre) and villages_for(actor).filter(pk=village.pk).exists()
    if own and days_left >= 0:
        return EditRight("own", days_left=days_left)
    if is_township(actor, village):
        return EditRight("correction")
    if own:
        deadline = rules.edit_deadline(logged_on, window)
        return EditRight(
            "none",
            f"记录日期后{window}天内可由本人修改，已超过期限（{deadline:%Y-%m-%d}），请联系乡镇修改",
            days_left=days_left,
        )
    return EditRight("none", "只能由记录人本人或乡镇修改该工作记录")


def edit_right(log: WorkLog, actor: User | None, today: date | None = None) -> EditRight:
    return write_right(actor, log.cadre, log.village, log.logged_on, today or timezone.localdate())
