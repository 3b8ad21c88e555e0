"""A session's lifecycle: 模拟测试, open, present counts, close, seal. The status moves only through
`core.workflow.transition` (the table is `BallotSession.TRANSITIONS`): one conditional UPDATE that
also names `test_mode`, and the audit event of the move, in the service's transaction.

The order of the writes is part of the anonymity design (README.md): the counters are created in one
fixed order before any ballot; closing and sealing first take the ballot box lock, so no ballot is
half counted when the status changes; closing records, as one sorted set, which members claimed a
code; sealing writes the tally and its SHA-256 into the audit chain with the move, then deletes the
unused codes. After each of the two commits, `storage_scrub` rewrites the ballot tables into fresh
storage, so the database files keep no earlier row version of a counter, a code or a slot."""

from __future__ import annotations

import dataclasses
import logging
import re
import time
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, OperationalError, connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Model
from django.utils import timezone

from ganbu.audit.services import anchor_on_commit
from ganbu.ballots import errors, rules
from ganbu.ballots.models import (
    ApprovalRule,
    BallotBox,
    BallotCode,
    BallotSession,
    RaterGroup,
    SessionKind,
    SessionMode,
    SessionStatus,
    SessionVoter,
    Subject,
    Tally,
    TallyKind,
)
from ganbu.ballots.results import compute_result, tally_key, tally_snapshot
from ganbu.ballots.services.common import as_int, check_actor_scope, session_event, spec_error
from ganbu.core.workflow import transition
from ganbu.org.models import User

logger = logging.getLogger(__name__)

# VACUUM FULL of a ballot table waits this long for the table's lock, and is tried again after these
# pauses while a table could not be rewritten (`_vacuum_full`).
SCRUB_LOCK_TIMEOUT = "500ms"
SCRUB_RETRY_DELAYS = (0.5, 2.0)

# The tables that opening, claiming, voting, closing and sealing write: rewritten into fresh storage
# after close and after seal (`storage_scrub`).
BALLOT_TABLES: tuple[type[Model], ...] = (
    BallotSession,
    RaterGroup,
    Subject,
    BallotCode,
    Tally,
    BallotBox,
    SessionVoter,
)


def _create_counters(session: BallotSession) -> None:
    """The fixed set of counters, inserted in one deterministic order before any ballot."""
    rows: list[Tally] = []
    subjects = list(session.subjects.order_by("sort_order", "id"))
    for group in session.groups.order_by("sort_order", "id"):
        for kind in (TallyKind.RECEIVED, TallyKind.INVALID):
            rows.append(Tally(session=session, group=group, kind=kind, key=tally_key(group.pk, kind)))
        for subject in subjects:
            if session.kind == SessionKind.RECOMMENDATION:
                key = tally_key(group.pk, TallyKind.PICK, subject.pk)
                rows.append(
                    Tally(session=session, group=group, subject=subject, kind=TallyKind.PICK, key=key)
                )
            else:
                for index in range(len(session.options)):
                    key = tally_key(group.pk, TallyKind.OPTION, subject.pk, index)
                    rows.append(
                        Tally(
                            session=session,
                            group=group,
                            subject=subject,
                            kind=TallyKind.OPTION,
                            option=index,
                            key=key,
                        )
                    )
    Tally.objects.bulk_create(rows)
    BallotBox.objects.create(session=session, is_open=True, is_test=session.test_mode)


def _set_present(session: BallotSession, present: Mapping[str, int]) -> dict[str, int]:
    groups = {g.name: g for g in session.groups.all()}
    stored: dict[str, int] = {}
    for name, value in present.items():
        group = groups.get(name)
        if group is None:
            raise spec_error(f"没有名为「{name}」的评议人类别")
        number = as_int(value, f"「{name}」的实到人数")
        if number > group.expected:
            raise spec_error(f"「{name}」的实到人数 {number} 超过应到人数 {group.expected}")
        RaterGroup.objects.filter(pk=group.pk).update(present=number)
        stored[name] = number
    return stored


def _check_quorum(session: BallotSession) -> None:
    """票决 needs two thirds of 应到 present (statutory, rules.quorum_met)."""
    groups = list(session.groups.all())
    if session.rule != ApprovalRule.DECISION or any(g.present is None for g in groups):
        return
    present = sum(g.present or 0 for g in groups)
    expected = sum(g.expected for g in groups)
    if not rules.quorum_met(present, expected):
        raise ValidationError(
            f"实到 {present} 人，不足应到 {expected} 人的三分之二，不能进行票决", code=errors.QUORUM
        )


def _locked_box(session: BallotSession) -> BallotBox | None:
    """The ballot box row, locked for the rest of the transaction (None before the session opened:
    the transition then refuses the move)."""
    return BallotBox.objects.select_for_update().filter(session=session).first()


@transaction.atomic
def session_open(
    *, session: BallotSession, present: Mapping[str, int] | None = None, actor: User | None
) -> BallotSession:
    """draft → open: create the counters; optionally record 实到 per group (票决 needs two thirds)."""
    check_actor_scope(actor, session.unit)
    if session.status != SessionStatus.DRAFT:  # before 实到 is checked, so the message names the state
        raise ValidationError("只有准备中的投票可以开始", code=errors.BAD_STATUS)
    stored = _set_present(session, present or {})
    _check_quorum(session)
    transition(
        session,
        to=SessionStatus.OPEN,
        actor=actor,
        action="ballots.session_opened",
        fields={"test_mode": False, "opened_at": timezone.now()},
        where={"test_mode": False},
        payload={"present": stored},
        not_allowed="只有准备中的投票可以开始",
        unit_path=session.unit.path,
    )
    _create_counters(session)
    return session


@transaction.atomic
def session_test_start(*, session: BallotSession, actor: User | None) -> BallotSession:
    """模拟测试 - open with test codes only; `session_test_end` wipes every test ballot and code."""
    check_actor_scope(actor, session.unit)
    transition(
        session,
        to=SessionStatus.OPEN,
        actor=actor,
        action="ballots.test_started",
        fields={"test_mode": True},
        where={"test_mode": False},
        not_allowed="只有准备中的投票可以进行模拟测试",
        unit_path=session.unit.path,
    )
    _create_counters(session)
    return session


@transaction.atomic
def session_test_end(*, session: BallotSession, actor: User | None) -> BallotSession:
    """模拟测试 → draft: its counters, its box and its test codes are deleted."""
    check_actor_scope(actor, session.unit)
    box = _locked_box(session)
    test_codes = BallotCode.objects.filter(session=session, is_test=True)
    transition(
        session,
        to=SessionStatus.DRAFT,
        actor=actor,
        action="ballots.test_wiped",
        fields={"test_mode": False},
        where={"test_mode": True},
        payload={"test_ballots": box.received if box else 0, "test_codes_wiped": test_codes.count()},
        not_allowed="当前没有进行模拟测试",
        unit_path=session.unit.path,
    )
    Tally.objects.filter(session=session).delete()
    BallotBox.objects.filter(session=session).delete()
    test_codes.delete()
    return session


@transaction.atomic
def session_set_present(*, session: BallotSession, present: Mapping[str, int], actor: User | None) -> None:
    """Record 实到人数 per group (entered at the meeting)."""
    check_actor_scope(actor, session.unit)
    if session.status == SessionStatus.SEALED:
        raise ValidationError("结果已封存，不能再修改实到人数", code=errors.BAD_STATUS)
    stored = _set_present(session, present)
    session_event(actor, action="ballots.present_recorded", session=session, payload={"present": stored})


@transaction.atomic
def session_close(*, session: BallotSession, actor: User | None) -> BallotSession:
    """open → closed. Takes the ballot box lock first, so no ballot is half counted when it closes.
    The event names the members who claimed a code, sorted by username: the one record of the
    claims (a claim writes no event, which would keep the order of claiming)."""
    check_actor_scope(actor, session.unit)
    box = _locked_box(session)
    claimed = sorted(
        SessionVoter.objects.filter(session=session, claimed=True).values_list("user__username", flat=True)
    )
    transition(
        session,
        to=SessionStatus.CLOSED,
        actor=actor,
        action="ballots.session_closed",
        fields={"closed_at": timezone.now()},
        where={"test_mode": False},
        payload={"received": box.received if box else 0, "members_claimed": claimed},
        not_allowed="只有正式投票中的投票可以结束（模拟测试请用「结束模拟测试」）",
        unit_path=session.unit.path,
    )
    # the flag a ballot re-checks on the locked row (models.BallotBox); set under the same lock
    BallotBox.objects.filter(session=session).update(is_open=False)
    transaction.on_commit(storage_scrub)
    return session


@transaction.atomic
def session_seal(*, session: BallotSession, actor: User | None) -> BallotSession:
    """closed → sealed: the tally (every counter, by name), its SHA-256 and the result with the
    rules applied go into the audit chain with the move (with the number of unused codes voided,
    for an electronic session); then the remaining unused codes are deleted."""
    check_actor_scope(actor, session.unit)
    if session.status != SessionStatus.CLOSED:  # before reading the tally of a session still open
        raise ValidationError("只有已结束的投票可以封存", code=errors.BAD_STATUS)
    _locked_box(session)
    snapshot, digest = tally_snapshot(session)
    result = dataclasses.replace(compute_result(session), status=SessionStatus.SEALED, tally_sha256=digest)
    unused = BallotCode.objects.filter(session=session)
    payload: dict[str, Any] = {"tally": snapshot, "tally_sha256": digest, "result": result.as_dict()}
    if session.mode == SessionMode.ELECTRONIC:  # a paper count has no codes: nothing voided to record
        payload["unused_codes_voided"] = unused.count()
    transition(
        session,
        to=SessionStatus.SEALED,
        actor=actor,
        action="ballots.session_sealed",
        fields={"sealed_at": timezone.now(), "tally_sha256": digest},
        where={"test_mode": False},
        payload=payload,
        not_allowed="只有已结束的投票可以封存",
        unit_path=session.unit.path,
    )
    unused.delete()
    transaction.on_commit(storage_scrub)
    # after the scrub: an anchor outside the database fixes the chain up to the seal event
    anchor_on_commit()
    return session


def storage_scrub() -> bool:
    """Rewrite the ballot tables into fresh storage, so that no earlier version of a counter, a code
    or a member's slot survives in the database files (README.md, "Anonymity"). Runs after the
    commit of a close and of a seal (VACUUM cannot run inside a transaction), and from
    `manage.py ballot scrub`. Returns whether everything it should do was done.

    - SQLite: `VACUUM` rebuilds the whole file from its live rows (so its bytes depend only on the
      content, not on the order of the writes), then `PRAGMA wal_checkpoint(TRUNCATE)` copies the
      rebuilt pages into the file and empties the WAL.
    - PostgreSQL: `VACUUM (FULL)` copies each ballot table (and its indexes and TOAST) into a new
      file, frozen, and drops the old file with its dead tuples; then `CHECKPOINT` writes the new
      files and lets the WAL segments of the voting period be recycled. VACUUM FULL needs the role
      to own the tables (PostgreSQL 17: or the MAINTAIN privilege) and CHECKPOINT needs superuser
      or `pg_checkpoint` (PostgreSQL 15+); what is missing is logged as an error or a warning.

    A failure is logged, never raised: the close or seal has committed."""
    if connection.in_atomic_block:  # only when called directly inside a transaction
        logger.error("投票数据存储重写须在事务之外运行，本次未执行。")
        return False
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                done = _scrub_sqlite(cursor)
            elif connection.vendor == "postgresql":
                done = _scrub_postgresql(cursor)
            else:
                return False
    except DatabaseError:
        logger.exception("投票数据存储重写失败，请稍后运行 manage.py ballot scrub。")
        return False
    logger.info("投票数据存储已重写，用时 %.2f 秒。", time.monotonic() - started)
    return done


def _scrub_sqlite(cursor: CursorWrapper) -> bool:
    cursor.execute("VACUUM")
    cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    busy, _, _ = cursor.fetchone()
    if busy:
        logger.warning(
            "SQLite 预写日志（WAL）未能截断：有其他连接正在读取；请稍后运行 manage.py ballot scrub。"
        )
    return not busy


def _scrub_postgresql(cursor: CursorWrapper) -> bool:
    quote = connection.ops.quote_name
    tables = [model._meta.db_table for model in BALLOT_TABLES]
    # VACUUM skips a table the role may not vacuum with only a notice to the client: say so here
    maintain = (
        " AND NOT has_table_privilege(c.oid, 'MAINTAIN')"
        if getattr(connection, "pg_version", 0) >= 170000
        else ""
    )
    cursor.execute(
        "SELECT c.relname FROM pg_class c WHERE c.oid = ANY(%s::regclass[]) "  # noqa: S608 - constant text
        f"AND NOT pg_has_role(c.relowner, 'USAGE'){maintain} ORDER BY c.relname",
        [tables],
    )
    refused = [name for (name,) in cursor.fetchall()]
    if refused:
        logger.error(
            "数据库角色不是这些投票数据表的所有者，VACUUM FULL 无法重写它们，旧行版本仍留在数据文件中：%s。",
            "、".join(refused),
        )
    allowed = [model for model in BALLOT_TABLES if model._meta.db_table not in refused]
    left: dict[str, str] = {}
    for delay in (0.0, *SCRUB_RETRY_DELAYS):
        time.sleep(delay)
        left = _vacuum_full(cursor, [quote(model._meta.db_table) for model in allowed])
        locked = _rows_still_marked(cursor, allowed)
        if locked:
            left["（已结束的投票）"] = f"{locked} 行仍带有事务号标记"
        if not left:
            break
    if left:
        logger.error(
            "VACUUM FULL 未能重写这些投票数据表（%s）：另有事务（如正在运行的 pg_dump 或长事务）在使用它们，"
            "或其快照早于本次结束/封存而使旧行版本不能删除；请在其结束后运行 manage.py ballot scrub。",
            "；".join(f"{table}：{why}" for table, why in left.items()),
        )
    checkpoint = _may_checkpoint(cursor)
    if checkpoint:
        cursor.execute("CHECKPOINT")
    else:
        logger.warning(
            "数据库角色无权执行 CHECKPOINT（需超级用户或 pg_checkpoint 角色，PostgreSQL 15 及以上："
            "GRANT pg_checkpoint TO 该角色），投票期间的预写日志段要到下一次自动检查点后才能回收。"
        )
    return not refused and not left and checkpoint


def _vacuum_full(cursor: CursorWrapper, tables: list[str]) -> dict[str, str]:
    """VACUUM FULL each table; return those not fully rewritten, with the reason.

    - VACUUM FULL needs the table's ACCESS EXCLUSIVE lock, and ballots of other open sessions queue
      behind a VACUUM that waits for it (a pg_dump holds a lock on every table until it ends): it
      waits at most `SCRUB_LOCK_TIMEOUT`.
    - It copies the dead versions that a running transaction's snapshot may still see ("recently
      dead": a pg_dump or a long transaction begun before the close or the seal). VERBOSE reports
      how many (the first number of the DETAIL line, which the server may translate)."""
    left: dict[str, str] = {}
    kept: list[int] = []

    def notice(diag: Any) -> None:  # psycopg's Diagnostic
        found = re.match(r"\D*(\d+)", diag.message_detail or "")
        if diag.severity_nonlocalized == "INFO" and found:
            kept.append(int(found.group(1)))

    raw = connection.connection
    raw.add_notice_handler(notice)
    cursor.execute("SELECT set_config('lock_timeout', %s, false)", [SCRUB_LOCK_TIMEOUT])
    try:
        for table in tables:
            kept.clear()
            try:
                cursor.execute(f"VACUUM (FULL, VERBOSE) {table}")
            except OperationalError as exc:
                if getattr(exc.__cause__, "sqlstate", None) != "55P03":  # lock_not_available
                    raise
                left[table] = "等待表锁超时"
                continue
            if sum(kept):
                left[table] = f"保留了 {sum(kept)} 个旧行版本"
    finally:
        cursor.execute("RESET lock_timeout")
        raw.remove_notice_handler(notice)
    return left


def _rows_still_marked(cursor: CursorWrapper, models: list[type[Model]]) -> int:
    """Rows of closed and sealed sessions whose xmax is still set (a lock of the close or the seal,
    or of an earlier write). VACUUM FULL clears it only when no snapshot older than the lock's
    transaction remained, so a mark left means the horizon was held back while some table was
    rewritten; its dead versions, if it had any, may then have been kept too."""
    quote = connection.ops.quote_name
    sessions = quote(BallotSession._meta.db_table)
    done = f"SELECT id FROM {sessions} WHERE status IN ('{SessionStatus.CLOSED}', '{SessionStatus.SEALED}')"  # noqa: S608
    counts = [
        f"(SELECT count(*) FROM {quote(m._meta.db_table)} WHERE xmax::text <> '0' "  # noqa: S608 - model names
        f"AND {'id' if m is BallotSession else 'session_id'} IN ({done}))"
        for m in models
    ]
    if not counts:
        return 0
    cursor.execute(f"SELECT {' + '.join(counts)}")
    row = cursor.fetchone()
    return int(row[0]) if row else 0


def _may_checkpoint(cursor: CursorWrapper) -> bool:
    """Superuser, or (PostgreSQL 15+) a member of pg_checkpoint."""
    if getattr(connection, "pg_version", 0) >= 150000:
        cursor.execute(
            "SELECT rolsuper OR pg_has_role(current_user, 'pg_checkpoint', 'USAGE') "
            "FROM pg_roles WHERE rolname = current_user"
        )
    else:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    row = cursor.fetchone()
    return bool(row and row[0])
