"""Reads of the ballot engine. Other modules read results through `session_result`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from ganbu.audit.selectors import event_for_object_latest
from ganbu.ballots import errors
from ganbu.ballots.models import (
    BallotSession,
    SessionMode,
    SessionStatus,
    SessionVoter,
    Tally,
    TallyKind,
)
from ganbu.ballots.results import Result, compute_result, tally_snapshot
from ganbu.cadres.selectors import cadres_search_in_scope
from ganbu.org.models import User

if TYPE_CHECKING:
    from ganbu.cadres.models import Cadre
from ganbu.org.scoping import filter_by_scope, get_in_scope_or_404

__all__ = [
    "RESULT_STATUSES",
    "GroupProgress",
    "Progress",
    "Result",
    "SealCheck",
    "get_session_for_user",
    "member_entitlement",
    "member_entitlements",
    "seal_check",
    "session_progress",
    "session_result",
    "session_voters",
    "sessions_in_scope",
    "sessions_to_follow",
]

RESULT_STATUSES = (SessionStatus.CLOSED, SessionStatus.SEALED)


def sessions_in_scope(user: User) -> QuerySet[BallotSession]:
    return filter_by_scope(BallotSession.objects.select_related("unit"), user)


def get_session_for_user(user: User, pk: int) -> BallotSession:
    """One session of the user's scope; 404 when missing or out of scope."""
    return get_in_scope_or_404(BallotSession.objects.select_related("unit"), user, pk=pk)


def cadre_note(cadre: Cadre) -> str:
    """What tells a registry subject apart on ballots and results: the current post, else the unit."""
    return cadre.current_title or cadre.unit.name


def cadre_choice_label(cadre: Cadre) -> str:
    """A cadre as offered in a picker or a refusal: name, unit and current post."""
    return f"{cadre.name}（{cadre.unit.name}，{cadre.current_title or '无现任职务'}）"


SEARCH_LIMIT = 20  # results of the subject picker's search


def cadre_choices(user: User, q: str) -> list[dict[str, Any]]:
    """The subject picker's results: active cadres of the user's scope matching `q` (name, full
    pinyin, initials), with what tells namesakes apart (unit, current post). No 身份证号."""
    return [
        {
            "id": c.pk,
            "name": c.name,
            "unit": c.unit.name,
            "title": c.current_title,
            "note": cadre_note(c),
            "label": cadre_choice_label(c),
        }
        for c in cadres_search_in_scope(user, q, limit=SEARCH_LIMIT)
    ]


def session_result(session: BallotSession) -> Result:
    """The result with the rules applied. Only after the vote is closed: a count shown while voting
    goes on would tell the room how the last voters voted."""
    if session.status not in RESULT_STATUSES:
        raise ValidationError("投票结束后才能查看结果", code=errors.NOT_READY)
    return compute_result(session)


@dataclass(frozen=True)
class GroupProgress:
    name: str
    expected: int
    present: int | None
    received: int | None  # None: hidden while voting (small body or small group)


@dataclass(frozen=True)
class Progress:
    session_id: int
    title: str
    status: str
    status_label: str
    test: bool
    hidden: bool
    groups: list[GroupProgress]
    all_in: bool = False  # every group's 实到 entered and as many ballots received: reveals nobody

    @property
    def shown(self) -> list[GroupProgress]:
        """The groups whose count is shown; totals are over these only, so a hidden group's count
        cannot be had by subtraction."""
        return [g for g in self.groups if g.received is not None]

    @property
    def hidden_groups(self) -> list[str]:
        return [g.name for g in self.groups if g.received is None]

    @property
    def expected(self) -> int:
        return sum(g.expected for g in self.shown)

    @property
    def against_present(self) -> bool:
        """Progress is shown against 实到 once it is entered for every shown group."""
        return bool(self.shown) and all(g.present is not None for g in self.shown)

    @property
    def target(self) -> int:
        """What the received count is shown against: 实到 once entered, else 应到."""
        return sum(g.present or 0 for g in self.shown) if self.against_present else self.expected

    @property
    def expected_all(self) -> int:
        return sum(g.expected for g in self.groups)

    @property
    def received(self) -> int | None:
        shown = self.shown
        return sum(g.received or 0 for g in shown) if shown else None

    @property
    def percent(self) -> int:
        received = self.received
        return 0 if received is None or not self.expected else min(100, received * 100 // self.expected)

    def as_dict(self) -> dict[str, Any]:
        return {
            "session": self.session_id,
            "status": self.status,
            "test": self.test,
            "hidden": self.hidden,
            "expected": self.expected,
            "received": self.received,
            "hidden_groups": self.hidden_groups,
            "all_in": self.all_in,
            "target": self.target,
            "against_present": self.against_present,
            "groups": [
                {"name": g.name, "expected": g.expected, "present": g.present, "received": g.received}
                for g in self.groups
            ],
        }


def session_progress(session: BallotSession) -> Progress:
    """Ballots received per group against 应到. Never who has or has not voted. While the vote is
    open, a body smaller than `live_min` shows no counts at all, and a group smaller than
    `min_group_size` shows none of its own, so the last voter cannot be read off a changing count."""
    groups = list(session.groups.order_by("sort_order", "id"))
    received = dict(
        Tally.objects.filter(session=session, kind=TallyKind.RECEIVED).values_list("group_id", "count")
    )
    voting = session.status == SessionStatus.OPEN and session.mode == SessionMode.ELECTRONIC
    hidden = voting and sum(g.expected for g in groups) < session.live_min
    rows = []
    for g in groups:
        hide = hidden or (voting and len(groups) > 1 and g.expected < session.min_group_size)
        rows.append(
            GroupProgress(g.name, g.expected, g.present, None if hide else int(received.get(g.pk, 0)))
        )
    present = [g.present for g in groups]
    all_in = (
        bool(groups)
        and all(p is not None for p in present)
        and sum(int(received.get(g.pk, 0)) for g in groups) >= sum(p or 0 for p in present)
    )
    return Progress(
        session.pk,
        session.title,
        session.status,
        session.get_status_display(),
        session.test_mode,
        hidden,
        rows,
        all_in,
    )


@dataclass(frozen=True)
class SealCheck:
    sealed: bool
    ok: bool
    recorded: str
    recomputed: str
    event_seq: int | None


def seal_check(session: BallotSession) -> SealCheck:
    """Recompute the tally hash and compare it with the sealed one in the audit chain."""
    if session.status != SessionStatus.SEALED:
        return SealCheck(False, False, "", "", None)
    _, recomputed = tally_snapshot(session)
    event = event_for_object_latest(
        action="ballots.session_sealed", object_type="ballots.ballotsession", object_id=str(session.pk)
    )
    recorded = str(event.payload.get("tally_sha256", "")) if event else ""
    ok = bool(recorded) and recorded == recomputed == session.tally_sha256
    return SealCheck(True, ok, recorded, recomputed, event.seq if event else None)


def session_voters(session: BallotSession) -> QuerySet[SessionVoter]:
    """The members entitled to a code of the session, and whether they took it (never which)."""
    return SessionVoter.objects.filter(session=session).select_related("user", "group")


def member_entitlement(user: User, session_id: int) -> SessionVoter | None:
    """The user's membership of one session, if any, with the session and its unit."""
    return (
        SessionVoter.objects.select_related("session__unit").filter(session_id=session_id, user=user).first()
    )


def member_entitlements(user: User) -> QuerySet[SessionVoter]:
    """The user's memberships of sessions not yet sealed (「我的表决」)."""
    return (
        SessionVoter.objects.filter(user=user)
        .exclude(session__status=SessionStatus.SEALED)
        .select_related("session", "group")
        .order_by("-session__created_at")
    )


def sessions_to_follow(user: User) -> QuerySet[BallotSession]:
    """The sessions of the user's scope that need the organiser: being voted (投票中) or closed and
    not yet sealed (已结束，待封存), newest first (the home page's to-do)."""
    return (
        sessions_in_scope(user)
        .filter(status__in=[SessionStatus.OPEN, SessionStatus.CLOSED])
        .order_by("-created_at", "-id")
    )
