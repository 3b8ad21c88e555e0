"""The audit log against attackers inside the database (README, threat model), project-wide:

- PostgreSQL: the runtime role made by `grant_runtime_role` may append to and read the log and
  change every other table, but UPDATE, DELETE and TRUNCATE of the log are refused to it, also after
  a mistaken `GRANT ALL`; a superuser (who can do anything to the table) is caught by the anchors.
- SQLite: an offline edit of the database file with every hash recomputed is caught by the anchors.
- Both: no table holds the anchor signing key, so a logical dump cannot forge an anchor.

The PostgreSQL tests connect as the superuser `postgres` (GANBU_TEST_PG_SUPERUSER) to create the
runtime role; without one they are skipped, except in CI where they fail.
"""

from __future__ import annotations

import base64
import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from ganbu.audit import conf, errors
from ganbu.audit.models import AuditEvent
from ganbu.audit.services import record_event, runtime_role_grant, verify_chain
from ganbu.audit.tests import tampering

POSTGRES = connection.vendor == "postgresql"
only_postgresql = pytest.mark.skipif(not POSTGRES, reason="database roles and privileges: PostgreSQL")
AUDIT = AuditEvent._meta.db_table
REFUSED = ("UPDATE", "DELETE", "TRUNCATE")
REFUSING = {
    "UPDATE": f"UPDATE {AUDIT} SET actor_label = 'someone'",  # noqa: S608
    "DELETE": f"DELETE FROM {AUDIT}",  # noqa: S608
    "TRUNCATE": f"TRUNCATE {AUDIT}",
}


@pytest.fixture(autouse=True)
def _audit_keys_in_tmp(settings: pytest.FixtureRequest, tmp_path: Path) -> None:
    settings.GANBU_AUDIT_KEY_FILE = str(tmp_path / "keys" / "audit_signing_key")  # type: ignore[attr-defined]
    settings.GANBU_AUDIT_SIGNING_KEY = ""  # type: ignore[attr-defined]
    settings.GANBU_AUDIT_VERIFY_KEY = ""  # type: ignore[attr-defined]
    settings.GANBU_AUDIT_ANCHOR_FILE = ""  # type: ignore[attr-defined]


@pytest.fixture
def superuser() -> Iterator[object]:
    import psycopg

    params = connection.settings_dict
    try:
        conn = psycopg.connect(
            host=params["HOST"] or "127.0.0.1",
            port=params["PORT"] or 5432,
            dbname=params["NAME"],
            user=os.environ.get("GANBU_TEST_PG_SUPERUSER", "postgres"),
            autocommit=True,
            connect_timeout=10,
        )
    except psycopg.OperationalError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no PostgreSQL superuser connection to create a role: {exc}")
    try:
        yield conn
    finally:
        conn.close()


@pytest.fixture
def runtime_role(superuser) -> Iterator[str]:
    """A login role of its own (roles are cluster-wide: the name carries the worker's pid); the
    test's connection (the owner) becomes a member of it so that it may SET ROLE to it."""
    role = f"ganbu_runtime_{os.getpid()}"
    owner = connection.settings_dict["USER"]
    superuser.execute(f"DROP ROLE IF EXISTS {role}")
    superuser.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'runtime'")
    superuser.execute(f"GRANT {role} TO {owner}")
    try:
        yield role
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
        superuser.execute(f"DROP OWNED BY {role}")
        superuser.execute(f"DROP ROLE {role}")


@contextlib.contextmanager
def as_role(role: str) -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {role}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


def _refused(statement: str) -> str:
    """The database's error message for `statement`, which must fail."""
    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    return str(caught.value)


def _events(count: int = 5) -> None:
    for n in range(count):
        record_event(actor=None, action="test.event", payload={"n": n, "名": "张三"})


@only_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_runtime_role_appends_and_reads_the_log_and_may_not_change_it(runtime_role: str) -> None:
    _events(2)
    out = StringIO()
    call_command("grant_runtime_role", runtime_role, stdout=out)
    assert f"已给运行角色「{runtime_role}」授权" in out.getvalue()
    assert "记实表 audit_auditevent 只可查询和追加" in out.getvalue()
    with as_role(runtime_role):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == runtime_role
        event = record_event(actor=None, action="test.as_runtime")  # lock, tail, INSERT
        assert event.seq == 4 and AuditEvent.objects.count() == 4  # 2, the grant's event, this one
        # every other table: select, insert, update, delete
        session = Session.objects.create(
            session_key="k" * 32, session_data="x", expire_date=timezone.now() + timedelta(hours=1)
        )
        Session.objects.filter(pk=session.pk).update(session_data="y")
        Session.objects.filter(pk=session.pk).delete()
        for privilege in REFUSED:
            assert f"permission denied for table {AUDIT}" in _refused(REFUSING[privilege])
        assert "permission denied" in _refused(
            "INSERT INTO django_migrations (app, name, applied) VALUES ('x', 'y', now())"
        )
    assert AuditEvent.objects.count() == 4
    assert verify_chain().ok


@only_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_runtime_role_logs_in_with_the_same_privileges(runtime_role: str) -> None:
    import psycopg

    _events(1)
    call_command("grant_runtime_role", runtime_role, stdout=StringIO())
    params = connection.settings_dict
    with psycopg.connect(
        host=params["HOST"] or "127.0.0.1",
        port=params["PORT"] or 5432,
        dbname=params["NAME"],
        user=runtime_role,
        password="runtime",
        autocommit=True,
    ) as conn:
        assert conn.execute(f"SELECT count(*) FROM {AUDIT}").fetchone() == (2,)  # noqa: S608
        for privilege in REFUSED:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(REFUSING[privilege])
    assert AuditEvent.objects.count() == 2


@only_postgresql
@pytest.mark.django_db(transaction=True)
def test_triggers_refuse_changes_even_after_a_mistaken_grant_all(runtime_role: str, superuser) -> None:
    """`GRANT ALL ON ALL TABLES` by mistake: the row trigger still refuses UPDATE and DELETE, and the
    statement trigger TRUNCATE (row triggers do not fire on TRUNCATE); grant_runtime_role repairs it."""
    _events(3)
    superuser.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {runtime_role}")
    with as_role(runtime_role):
        assert "append-only: UPDATE refused" in _refused(REFUSING["UPDATE"])
        assert "append-only: DELETE refused" in _refused(REFUSING["DELETE"])
        assert f"append-only: TRUNCATE refused to role {runtime_role}" in _refused(REFUSING["TRUNCATE"])
    assert AuditEvent.objects.count() == 3
    runtime_role_grant(role=runtime_role)
    with connection.cursor() as cursor:
        for privilege in (*REFUSED, "INSERT", "SELECT"):
            cursor.execute("SELECT has_table_privilege(%s, %s, %s)", [runtime_role, AUDIT, privilege])
            assert cursor.fetchone()[0] is (privilege in ("INSERT", "SELECT")), privilege


@only_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_grant_refuses_roles_that_could_bypass_it(runtime_role: str, superuser) -> None:
    owner = connection.settings_dict["USER"]
    cases: list[tuple[str, str]] = [
        ("no_such_role_here", errors.ROLE_MISSING),
        ("Robert'); DROP TABLE x;--", errors.ROLE_NAME),
        ("postgres", errors.ROLE_TOO_STRONG),
        (owner, errors.ROLE_TOO_STRONG),
    ]
    for role, code in cases:
        with pytest.raises(ValidationError) as caught:
            runtime_role_grant(role=role)
        assert caught.value.code == code, role
    superuser.execute(f"REVOKE {runtime_role} FROM {owner}")  # (no membership cycle)
    superuser.execute(f"GRANT {owner} TO {runtime_role}")  # a member of the owner could SET ROLE
    try:
        with pytest.raises(ValidationError, match="或其成员") as caught:
            runtime_role_grant(role=runtime_role)
    finally:
        superuser.execute(f"REVOKE {owner} FROM {runtime_role}")
    superuser.execute(
        f"CREATE TABLE owned_by_runtime (id int); ALTER TABLE owned_by_runtime OWNER TO {runtime_role}"
    )
    try:
        with pytest.raises(ValidationError, match="拥有这些表：owned_by_runtime") as caught:
            runtime_role_grant(role=runtime_role)
    finally:
        superuser.execute("DROP TABLE owned_by_runtime")
    superuser.execute(f"GRANT UPDATE ON {AUDIT} TO PUBLIC")
    try:
        with pytest.raises(ValidationError) as caught:
            runtime_role_grant(role=runtime_role)
        assert caught.value.code == errors.PRIVILEGE_LEFT
        assert "UPDATE" in caught.value.messages[0]
    finally:
        superuser.execute(f"REVOKE UPDATE ON {AUDIT} FROM PUBLIC")
    with pytest.raises(CommandError, match="不存在"):
        call_command("grant_runtime_role", "no_such_role_here")


@pytest.mark.skipif(POSTGRES, reason="SQLite has no database roles")
@pytest.mark.django_db
def test_the_grant_is_for_postgresql_only() -> None:
    with pytest.raises(ValidationError) as caught:
        runtime_role_grant(role="ganbu_runtime")
    assert caught.value.code == errors.NOT_POSTGRESQL


def _superuser_rehash(seq: int, **changes: object) -> Callable[[], list[tampering.Statement]]:
    return lambda: tampering.rehash_from(seq, **changes)


SUPERUSER_ATTACKS: dict[str, tuple[Callable[[], list[tampering.Statement]], str]] = {
    "rehash": (_superuser_rehash(2, payload={"n": 1000}), "第 1 条至第 5 条之间的记录被改写，并重算了哈希"),
    "drop_tail": (lambda: tampering.drop_tail(2), "表中最后一条为第 3 条，而第 1 行锚点（第 5 条"),
    "actor": (_superuser_rehash(4, actor_label="someone"), "第 5 条的哈希与第 1 行锚点"),
    "truncate": (tampering.truncate, "整表被清空"),
}


@only_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attack", sorted(SUPERUSER_ATTACKS))
def test_a_superusers_rewrite_is_caught_by_the_anchors(attack: str, superuser, tmp_path: Path) -> None:
    """The superuser switches the triggers off (session_replication_role) and rewrites the table
    consistently; only the anchor, signed with a key the database does not hold, shows it."""
    _events(5)
    anchors = tmp_path / "anchors.jsonl"
    call_command("audit_anchor", "--out", str(anchors), stdout=StringIO())
    build, expected = SUPERUSER_ATTACKS[attack]
    statements = build()
    with superuser.transaction():
        superuser.execute("SET LOCAL session_replication_role = replica")
        for sql, params in statements:
            superuser.execute(sql, params)
    assert verify_chain().ok  # consistent again: the chain alone sees nothing
    with pytest.raises(CommandError) as caught:
        call_command("verify_audit", "--anchors", str(anchors))
    assert expected in str(caught.value)


@pytest.mark.skipif(POSTGRES, reason="the SQLite database file")
@pytest.mark.django_db(transaction=True)
def test_an_offline_edit_of_the_sqlite_file_is_caught_by_the_anchors(tmp_path: Path) -> None:
    """Whoever holds the database file opens it with sqlite3 and rewrites the log consistently."""
    _events(5)
    anchors = tmp_path / "anchors.jsonl"
    call_command("audit_anchor", "--out", str(anchors), stdout=StringIO())
    statements = tampering.rehash_from(3, actor_label="someone", payload={"n": 7})
    with contextlib.closing(sqlite3.connect(connection.settings_dict["NAME"])) as raw, raw:
        for sql, params in statements:
            raw.execute(sql.replace("%s", "?"), params)
    assert AuditEvent.objects.get(seq=3).actor_label == "someone"
    assert verify_chain().ok
    with pytest.raises(CommandError, match="第 5 条的哈希与第 1 行锚点"):
        call_command("verify_audit", "--anchors", str(anchors))


@pytest.mark.django_db
def test_no_table_holds_the_anchor_signing_key(tmp_path: Path) -> None:
    """A logical dump of every table carries no key: whoever has it can read the log but not sign an
    anchor (a forged one is refused: audit/tests/test_anchors.py)."""
    _events(3)
    call_command("audit_anchor", "--out", str(tmp_path / "anchors.jsonl"), stdout=StringIO())
    key = conf.signing_key()
    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    secrets = {base64.b64encode(raw).decode(), raw.hex(), raw.hex().upper()}
    dump = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            dump.append(repr(cursor.fetchall()))
    text = "\n".join(dump)
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    assert AuditEvent.objects.count() == 3 and base64.b64encode(public).decode() not in text
    assert not [s for s in secrets if s in text]
