"""Issuing codes: printed slips per group, and codes for logged-in members (常委, 全委会委员).

Nothing records who got which code. Printed codes are returned once (the PDF/CSV is made from the
return value and never stored); their rows are inserted in digest order, unrelated to the shuffled
print order. A member's code goes into a pre-made slot chosen at random, and every slot and member row
of the session is rewritten in the same statement, so neither row order nor PostgreSQL's xmin tells
which member holds which slot; a claim writes no audit event, closing records who claimed as one
sorted set (README.md, "Anonymity")."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, Value, When

from ganbu.ballots import codes, errors
from ganbu.ballots.models import (
    BallotBox,
    BallotCode,
    BallotSession,
    RaterGroup,
    SessionMode,
    SessionStatus,
    SessionVoter,
)
from ganbu.ballots.services.common import check_actor_scope, session_event
from ganbu.org.models import Role, User
from ganbu.org.scoping import unit_in_scope

MAX_CODES_PER_CALL = 5000


def _shuffled(items: list[str]) -> list[str]:
    secrets.SystemRandom().shuffle(items)
    return items


@transaction.atomic
def codes_issue(
    *, session: BallotSession, group: RaterGroup, count: int, test: bool = False, actor: User | None
) -> list[str]:
    """`count` new one-time codes for `group`, in random order. Only their digests are stored: the
    caller must print or hand them out now. Test codes work only during 模拟测试 and are wiped by it."""
    check_actor_scope(actor, session.unit)
    if group.session_id != session.pk:
        raise ValidationError("评议人类别不属于该投票", code=errors.SPEC_INVALID)
    if session.mode != SessionMode.ELECTRONIC:
        raise ValidationError("纸质票投票不使用票码", code=errors.BAD_STATUS)
    if not 1 <= count <= MAX_CODES_PER_CALL:
        raise ValidationError(f"每次生成 1 到 {MAX_CODES_PER_CALL} 个票码", code=errors.SPEC_INVALID)
    if test:
        if session.status not in (SessionStatus.DRAFT, SessionStatus.OPEN) or (
            session.status == SessionStatus.OPEN and not session.test_mode
        ):
            raise ValidationError("模拟测试票码只能在准备阶段或模拟测试中生成", code=errors.BAD_STATUS)
    elif session.status not in (SessionStatus.DRAFT, SessionStatus.OPEN):
        raise ValidationError("投票已结束，不能再生成票码", code=errors.BAD_STATUS)
    issued = _shuffled([codes.new_code() for _ in range(count)])
    rows = sorted(
        (BallotCode(session=session, group=group, digest=codes.digest(c), is_test=test) for c in issued),
        key=lambda row: row.digest,
    )
    BallotCode.objects.bulk_create(rows)
    if not test:
        RaterGroup.objects.filter(pk=group.pk).update(codes_issued=F("codes_issued") + count)
    session_event(
        actor,
        action="ballots.codes_issued",
        session=session,
        payload={"group": group.name, "count": count, "test": test},
    )
    return issued


@transaction.atomic
def member_slots_create(
    *, session: BallotSession, group: RaterGroup, users: Sequence[User], actor: User | None
) -> int:
    """Entitle logged-in members to one code each (they claim it on 「我的表决」)."""
    check_actor_scope(actor, session.unit)
    if group.session_id != session.pk:
        raise ValidationError("评议人类别不属于该投票", code=errors.SPEC_INVALID)
    if session.status not in (SessionStatus.DRAFT, SessionStatus.OPEN) or session.test_mode:
        raise ValidationError("只能在准备阶段或正式投票中添加表决成员", code=errors.BAD_STATUS)
    if session.mode != SessionMode.ELECTRONIC:
        raise ValidationError("纸质票投票不使用票码", code=errors.BAD_STATUS)
    existing = set(SessionVoter.objects.filter(session=session).values_list("user_id", flat=True))
    new = [u for u in dict.fromkeys(users) if u.pk not in existing]
    for user in new:
        if not user.is_active or user.role != Role.COMMITTEE or not unit_in_scope(user, session.unit):
            raise ValidationError(f"{user} 不是可参加此次表决的常委/全委会成员账号", code=errors.SPEC_INVALID)
    if not new:
        return 0
    SessionVoter.objects.bulk_create(SessionVoter(session=session, group=group, user=u) for u in new)
    slots = sorted(codes.placeholder_digest() for _ in new)
    BallotCode.objects.bulk_create(
        BallotCode(session=session, group=group, digest=d, member_slot=True) for d in slots
    )
    RaterGroup.objects.filter(pk=group.pk).update(codes_issued=F("codes_issued") + len(new))
    session_event(
        actor,
        action="ballots.members_added",
        session=session,
        payload={"group": group.name, "members": [u.username for u in new]},
    )
    return len(new)


@transaction.atomic
def member_code_claim(*, session: BallotSession, user: User) -> str:
    """Hand the member their code (shown once). Serialised on the ballot box lock.

    A claim writes no audit event: events in the order of claiming, next to the order in which the
    counters moved, would name the voters. Closing records who claimed, as one sorted set
    (`session_close`); until then `SessionVoter.claimed` is the sign-in sheet. Nothing else about
    a claim carries a time (README.md, "Anonymity")."""
    if session.status != SessionStatus.OPEN or session.test_mode:
        raise ValidationError("投票尚未开始或已经结束", code=errors.NOT_OPEN)
    BallotBox.objects.select_for_update().get(session=session)
    if not BallotSession.objects.filter(pk=session.pk, status=SessionStatus.OPEN, test_mode=False).exists():
        raise ValidationError("投票尚未开始或已经结束", code=errors.NOT_OPEN)
    voter = SessionVoter.objects.filter(session=session, user=user).first()
    if voter is None:
        raise ValidationError("您不是此次表决的成员", code=errors.NOT_A_VOTER)
    if voter.claimed:  # read under the box lock, which every claim of the session takes first
        raise ValidationError("您已领取过票码，每人只能领取一次", code=errors.ALREADY_CLAIMED)
    open_slots = list(
        BallotCode.objects.filter(session=session, group_id=voter.group_id, member_slot=True, claimed=False)
        .order_by("digest")
        .values_list("pk", flat=True)
    )
    if not open_slots:
        raise ValidationError("没有可用的票码，请联系会议工作人员", code=errors.BAD_STATUS)
    chosen = secrets.choice(open_slots)
    code = codes.new_code()
    # One UPDATE rewrites every member row of the session and marks this member's: one xmin for all,
    # whoever claimed last. No row is updated twice in the transaction: PostgreSQL re-checks the
    # foreign keys of a row updated again by the transaction that wrote it, which would lock the
    # member's user row (FOR KEY SHARE) and leave the claim's transaction id in its xmax.
    SessionVoter.objects.filter(session=session).update(
        claimed=Case(When(pk=voter.pk, then=Value(True)), default=F("claimed"))
    )
    BallotCode.objects.filter(session=session, group_id=voter.group_id, member_slot=True).update(
        digest=Case(When(pk=chosen, then=Value(codes.digest(code))), default=F("digest")),
        claimed=Case(When(pk=chosen, then=Value(True)), default=F("claimed")),
    )
    return code
