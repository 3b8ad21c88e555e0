"""Casting a ballot: exactly once, and leaving nothing that links it to its code, its voter or its
place in the order of voting.

Before any lock (two queries): find the code with its session, load the subjects, check the ballot
and turn it into the keys of the counters to add 1 to (validation needs no lock). Then one
transaction:
  1. lock the session's ballot box row, check that the box is open (for this kind of code);
  2. `DELETE FROM code WHERE digest = … RETURNING group_id` — consuming the code is this one
     conditional statement; a second submission of the code deletes nothing and is refused;
  3. one UPDATE of *all* the session's counters: +1 on the ballot's counters, +0 on the rest;
  4. one UPDATE of the box row (total, written-in names).
On PostgreSQL the four are one statement (`_CAST_SQL`, data-modifying CTEs) run as its own
transaction, so the box lock is held for no client round trip at all; on SQLite (writers serialise on
the database file anyway) they are separate statements inside BEGIN IMMEDIATE.
Any error rolls back all four: the code is usable again and no counter moved. Nothing is inserted,
nothing is timestamped, nothing is logged (not even an audit event: it would time-stamp the ballot).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DataError, connection, transaction
from django.db.models import Case, F, Value, When

from ganbu.ballots import codes, errors, rules
from ganbu.ballots.models import (
    BallotBox,
    BallotCode,
    BallotSession,
    RaterGroup,
    SessionKind,
    SessionStatus,
    Subject,
    Tally,
    TallyKind,
)
from ganbu.ballots.results import tally_key


@dataclass(frozen=True)
class Found:
    digest: str
    session: BallotSession
    group_id: int
    is_test: bool

    @property
    def session_id(self) -> int:
        return self.session.pk


@dataclass(frozen=True)
class BallotContext:
    session: BallotSession
    subjects: list[Subject]


def _find(raw_code: object) -> Found:
    """The code's row and its session, in one query."""
    code = codes.normalise(raw_code)
    if code is None:
        raise errors.error(errors.CODE_UNKNOWN)
    digest = codes.digest(code)
    row = BallotCode.objects.select_related("session").filter(digest=digest).first()
    if row is None:
        raise errors.error(errors.CODE_USED if codes.is_genuine(code) else errors.CODE_UNKNOWN)
    return Found(digest, row.session, row.group_id, row.is_test)


def _context(session: BallotSession) -> BallotContext:
    """The session and its subjects. (Not cached across requests: one indexed query costs less than
    a cache that must never serve a stale session.) Counters are addressed by key (`tally_key`), so
    their ids need not be loaded."""
    subjects = list(Subject.objects.filter(session_id=session.pk).order_by("sort_order", "id"))
    return BallotContext(session, subjects)


@contextmanager
def _writer_queue() -> Iterator[None]:
    """On SQLite, queue ballot writers on a file lock before BEGIN IMMEDIATE: waiting in flock()
    wakes a writer the moment the lock is free, where SQLite's busy handler sleeps and backs off
    (up to 100 ms a try), which under a full hall's load costs seconds. Correctness does not rest
    on this lock: the conditional DELETE inside the transaction does."""
    if connection.vendor != "sqlite":
        yield
        return
    database = os.path.realpath(str(connection.settings_dict["NAME"]))
    name = hashlib.sha256(database.encode()).hexdigest()[:16]
    path = os.path.join(tempfile.gettempdir(), f"ganbu-ballot-{name}.lock")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _check_open(status: str, test_mode: bool, is_test: bool) -> None:
    if status != SessionStatus.OPEN:
        message = "投票已经结束。" if status in (SessionStatus.CLOSED, SessionStatus.SEALED) else None
        raise errors.error(errors.NOT_OPEN, message)
    if test_mode and not is_test:
        raise errors.error(
            errors.NOT_OPEN, "现在是模拟测试，正式票码要等正式投票开始后才能使用，请妥善保管。"
        )
    if is_test and not test_mode:
        raise errors.error(errors.NOT_OPEN, "这是模拟测试票码，不能用于正式投票。")


def _invalid(message: str) -> ValidationError:
    return errors.error(errors.BALLOT_INVALID, message)


def plan_ballot(ctx: BallotContext, group_id: int, answers: object) -> tuple[list[str], list[str]]:
    """Check a ballot against the session and return (counter keys to add 1 to, written-in names).
    Every subject of a rating/approval ballot needs an explicit choice: no mark never means agree."""
    session = ctx.session
    if not isinstance(answers, Mapping):
        raise _invalid("选票内容格式不正确")
    keys = [tally_key(group_id, TallyKind.RECEIVED)]
    by_label = {s.label: s for s in ctx.subjects}
    if session.kind != SessionKind.RECOMMENDATION:
        unknown = [str(k) for k in answers if k not in by_label]
        if unknown:
            raise _invalid(f"「{unknown[0]}」不在本次名单中")
        missing = [s.label for s in ctx.subjects if s.label not in answers]
        if missing:
            raise _invalid(f"还有 {len(missing)} 人未选择意见：{'、'.join(missing[:5])}")
        for subject in ctx.subjects:
            choice = answers[subject.label]
            if not isinstance(choice, str) or choice not in session.options:
                raise _invalid(f"对「{subject.label}」的意见「{choice}」不是本次的选项")
            keys.append(tally_key(group_id, TallyKind.OPTION, subject.pk, session.options.index(choice)))
        return keys, []
    extra = set(answers) - {"chosen", "write_in"}
    if extra:
        raise _invalid(f"选票中有无法识别的内容：{'、'.join(sorted(map(str, extra)))}")
    chosen = answers.get("chosen", [])
    written = answers.get("write_in", [])
    if not isinstance(chosen, list) or not isinstance(written, list):
        raise _invalid("选票内容格式不正确")
    if any(not isinstance(x, str) for x in [*chosen, *written]):
        raise _invalid("姓名应为文字")
    if len(set(chosen)) != len(chosen):
        raise _invalid("同一人不能重复推荐")
    for label in chosen:
        if label not in by_label:
            raise _invalid(f"「{label}」不在候选人名单中")
        keys.append(tally_key(group_id, TallyKind.PICK, by_label[label].pk))
    names = [rules.normalise_name(n) for n in written]
    if names and not session.allow_write_in:
        raise _invalid("本次推荐不能另选他人")
    for name in names:
        if not name or len(name) > rules.WRITE_IN_MAX_LENGTH:
            raise _invalid(f"另选他人的姓名不能为空，最长 {rules.WRITE_IN_MAX_LENGTH} 字")
        if name in by_label:
            raise _invalid(f"「{name}」已在候选人名单中，请直接选择")
    if len(set(names)) != len(names):
        raise _invalid("同一人不能重复推荐")
    total = len(chosen) + len(names)
    if total > session.max_choices:
        raise _invalid(f"最多只能推荐 {session.max_choices} 人，您选了 {total} 人，此票无效，请减少后再提交")
    if total < session.min_choices:
        raise _invalid(f"至少要推荐 {session.min_choices} 人，您选了 {total} 人")
    return keys, names


def ballot_form(*, code: object) -> dict[str, Any]:
    """What the ballot page shows for a code, without using it (the page's `lookup` call)."""
    found = _find(code)
    ctx = _context(found.session)
    _check_open(ctx.session.status, ctx.session.test_mode, found.is_test)
    session = ctx.session
    group = RaterGroup.objects.values_list("name", flat=True).get(pk=found.group_id)
    return {
        "session": {
            "title": session.title,
            "description": session.description,
            "kind": session.kind,
            "rule": session.rule,
            "kind_label": session.kind_label,
            "test": session.test_mode,
        },
        "group": group,
        "subjects": [{"label": s.label, "note": s.note} for s in ctx.subjects],
        "options": list(session.options),
        "min_choices": session.min_choices,
        "max_choices": session.max_choices,
        "write_in": session.allow_write_in,
    }


def _consume(digest: str, session_id: int, is_test: bool) -> int | None:
    """The one conditional statement that uses a code up; None when it was already used."""
    table = connection.ops.quote_name(BallotCode._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE digest = %s AND session_id = %s AND is_test = %s "  # noqa: S608 - table name from model meta
            "RETURNING group_id",
            [digest, session_id, is_test],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else None


def _count(session_id: int, keys: list[str]) -> None:
    """Add 1 to the ballot's counters and 0 to every other counter of the session, in one UPDATE."""
    if Tally.objects.filter(session_id=session_id, key__in=keys).count() != len(set(keys)):
        raise RuntimeError("counter set changed during a ballot")
    Tally.objects.filter(session_id=session_id).update(
        count=F("count") + Case(When(key__in=keys, then=Value(1)), default=Value(0))
    )


def _with_write_ins(current: dict[str, dict[str, int]], group_id: int, names: list[str]) -> dict[str, Any]:
    merged = {g: dict(v) for g, v in current.items()}
    if names:
        bucket = merged.setdefault(str(group_id), {})
        for name in names:
            bucket[name] = bucket.get(name, 0) + 1
    return {g: dict(sorted(v.items())) for g, v in sorted(merged.items())}


# One ballot on PostgreSQL, in one statement (READ COMMITTED, autocommit: the statement is the
# transaction, so the box lock is held for no client round trip). `box` takes the session's lock
# first: the DELETE waits for it (its one-time filter reads `box`), the two UPDATEs run only when a
# code was deleted. After waiting, `FOR UPDATE` re-checks is_open / is_test on the box row's newest
# version, and the DELETE / UPDATEs act on the newest versions of their rows (a code deleted
# meanwhile is skipped; counts add to the committed values). The final SELECT checks that each of
# the ballot's counters was among the session's counters the UPDATE rewrote (all of them) and that
# the box row was rewritten; otherwise it fails (a cast of a non-constant text to integer, so not
# folded at planning) and the whole statement, the DELETE included, rolls back.
_CAST_SQL = """
WITH box AS (
    SELECT id FROM {box} WHERE session_id = %(session)s AND is_open AND is_test = %(test)s FOR UPDATE
), used AS (
    DELETE FROM {code}
    WHERE digest = %(digest)s AND session_id = %(session)s AND is_test = %(test)s
      AND EXISTS (SELECT 1 FROM box)
    RETURNING group_id
), counted AS (
    UPDATE {tally} SET count = count + CASE WHEN key = ANY(%(keys)s::text[]) THEN 1 ELSE 0 END
    WHERE session_id = %(session)s AND EXISTS (SELECT 1 FROM used)
    RETURNING key = ANY(%(keys)s::text[]) AS hit
), boxed AS (
    UPDATE {box} SET
        received = received + 1,
        write_ins = CASE WHEN cardinality(%(names)s::text[]) = 0 THEN write_ins ELSE
            write_ins || jsonb_build_object(
                %(group)s::text,
                COALESCE(write_ins -> %(group)s::text, '{{}}'::jsonb) || (
                    SELECT jsonb_object_agg(
                        name, COALESCE((write_ins -> %(group)s::text ->> name)::int, 0) + 1
                    )
                    FROM unnest(%(names)s::text[]) AS written(name)
                )
            )
        END
    WHERE id IN (SELECT id FROM box) AND EXISTS (SELECT 1 FROM used)
    RETURNING 1
)
SELECT
    (SELECT count(*) FROM box),
    CASE
        WHEN NOT EXISTS (SELECT 1 FROM used) THEN 0
        WHEN (SELECT count(*) FROM counted WHERE hit) = %(hits)s
             AND (SELECT count(*) FROM boxed) = 1 THEN 1
        ELSE CAST((SELECT 'ballot not counted: ' || count(*) || ' counters' FROM counted) AS integer)
    END
"""


def _cast_in_one_statement(found: Found, keys: list[str], names: list[str]) -> None:
    quote = connection.ops.quote_name
    sql = _CAST_SQL.format(
        box=quote(BallotBox._meta.db_table),
        code=quote(BallotCode._meta.db_table),
        tally=quote(Tally._meta.db_table),
    )
    params: dict[str, Any] = {
        "session": found.session_id,
        "test": found.is_test,
        "digest": found.digest,
        "group": str(found.group_id),
        "keys": keys,
        "names": names,
        "hits": len(set(keys)),
    }
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            locked, counted = cursor.fetchone()
    except DataError as exc:
        if "ballot not counted" in str(exc):
            raise RuntimeError("counter set changed during a ballot") from exc
        raise
    if not locked:  # closed (or the test ended) since the first check: say which
        status, test_mode = BallotSession.objects.values_list("status", "test_mode").get(pk=found.session_id)
        _check_open(status, test_mode, found.is_test)
        raise errors.error(errors.NOT_OPEN)
    if not counted:
        raise errors.error(errors.CODE_USED)


def _cast_locked(found: Found, keys: list[str], names: list[str]) -> None:
    """SQLite: the same steps as separate statements in one BEGIN IMMEDIATE transaction."""
    with _writer_queue(), transaction.atomic():
        # one round trip: lock the box row and read the session's status as of now
        box = (
            BallotBox.objects.select_for_update(of=("self",))
            .select_related("session")
            .only("id", "write_ins", "session__status", "session__test_mode")
            .get(session_id=found.session_id)
        )
        _check_open(box.session.status, box.session.test_mode, found.is_test)
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA secure_delete = ON")  # the deleted code row is zeroed in the file
        if _consume(found.digest, found.session_id, found.is_test) is None:
            raise errors.error(errors.CODE_USED)
        _count(found.session_id, keys)
        BallotBox.objects.filter(pk=box.pk).update(
            received=F("received") + 1, write_ins=_with_write_ins(box.write_ins, found.group_id, names)
        )


def ballot_cast(*, code: object, answers: object) -> None:
    """Count one anonymous ballot. Raises ValidationError with code code_unknown (404), code_used
    (409), session_not_open (423) or ballot_invalid (400). There is no actor and no audit event."""
    found = _find(code)
    ctx = _context(found.session)
    _check_open(ctx.session.status, ctx.session.test_mode, found.is_test)
    keys, names = plan_ballot(ctx, found.group_id, answers)
    if connection.vendor == "postgresql":
        _cast_in_one_statement(found, keys, names)
    else:
        _cast_locked(found, keys, names)
