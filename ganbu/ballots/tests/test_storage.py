"""What the database *files* keep of a vote (README.md, "Anonymity"). test_anonymity.py shows that
a logical dump links no ballot to a code, a person or an order; here the attacker holds the files:

- counters are stored at one width whatever their count (so SQLite rewrites their cells in place);
- after closing and after sealing, no page of a ballot table holds a dead row version, a lock mark
  or leftover bytes (PostgreSQL, read with `pageinspect` as the superuser);
- after sealing, the SQLite database file is the same, byte for byte, for two different orders of
  the same claims and ballots (each meeting in a fresh file, in a child process: sqlite_meeting.py),
  and differs when one ballot differs;
- the migration converts existing counters to the fixed-width encoding and back.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ganbu.ballots import services
from ganbu.ballots.models import BallotBox, CounterField, Tally
from ganbu.ballots.services import lifecycle
from ganbu.ballots.tests.factories import nominees
from ganbu.ballots.tests.scrub import scrub_completed
from ganbu.ballots.tests.test_anonymity import APPROVAL_BALLOTS, RECOMMENDATION_BALLOTS
from ganbu.org import services as org_services
from ganbu.org.models import Role, UnitKind
from ganbu.testing.world import make_user

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[3]


def _stored(table: str, column: str) -> list[int]:
    """The values as stored, bypassing the field's decoding."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote(column)} FROM {quote(table)} ORDER BY id")  # noqa: S608 - model names
        return [row[0] for row in cursor.fetchall()]


def _meeting(*, claims: list[int], votes: list[int]) -> list[Any]:
    """A 常委会票决 with four members who claim (in `claims` order) and vote (in `votes` order), and a
    民主推荐 with written-in names voted with printed codes; both left open. Returns the sessions."""
    county = org_services.unit_create(code="C", name="测试县", kind=UnitKind.COUNTY, parent=None, actor=None)
    members = [make_user(f"member{i}", Role.COMMITTEE, county) for i in range(4)]
    committee = services.session_create(
        unit=county,
        title="常委会票决",
        kind="approval",
        subjects=nominees("张三", "李四"),
        groups=[services.GroupSpec("常委", expected=4)],
        actor=None,
    )
    services.member_slots_create(session=committee, group=committee.groups.get(), users=members, actor=None)
    recommendation = services.session_create(
        unit=county,
        title="民主推荐",
        kind="recommendation",
        subjects=nominees("甲", "乙", "丙"),
        groups=[services.GroupSpec("乡镇干部", expected=40)],
        max_choices=2,
        allow_write_in=True,
        actor=None,
    )
    printed = services.codes_issue(
        session=recommendation,
        group=recommendation.groups.get(),
        count=len(RECOMMENDATION_BALLOTS),
        actor=None,
    )
    for s in (committee, recommendation):
        s.refresh_from_db()
        services.session_open(session=s, actor=None)
    claimed = {i: services.member_code_claim(session=committee, user=members[i]) for i in claims}
    for i in votes:
        services.ballot_cast(code=claimed[i], answers=APPROVAL_BALLOTS[i])
    for code, answers in zip(printed, RECOMMENDATION_BALLOTS, strict=True):
        services.ballot_cast(code=code, answers=answers)
    return [committee, recommendation]


def _close_and_seal(sessions: list[Any], *, seal: bool = True) -> None:
    for s in sessions:
        s.refresh_from_db()
        if s.status == "open":
            services.session_close(session=s, actor=None)
        if seal:
            s.refresh_from_db()
            services.session_seal(session=s, actor=None)


# --- counters at one width -------------------------------------------------------------------


def test_counters_are_stored_at_one_width_whatever_their_count() -> None:
    """Every stored counter lies in [2**40, 2**47): SQLite stores all of them in 6 bytes (0 and 1 in
    none, 2 to 127 in one byte …, so a plain count changes its record's size as it grows); reads
    through the ORM give the counts."""
    sessions = _meeting(claims=[0, 1, 2, 3], votes=[0, 1, 2, 3])
    stored = _stored(Tally._meta.db_table, "count") + _stored(BallotBox._meta.db_table, "received")
    assert stored and all(2**40 <= v < 2**47 for v in stored), stored
    counts = dict(Tally.objects.filter(session=sessions[0]).values_list("key", "count"))
    # received 4, invalid 0; 张三 同意 3 不同意 1 缓议 0; 李四 同意 2 不同意 1 缓议 1
    assert sorted(counts.values()) == [0, 0, 1, 1, 1, 2, 3, 4]
    assert sorted(v - CounterField.OFFSET for v in stored)[-1] == len(RECOMMENDATION_BALLOTS)
    assert BallotBox.objects.get(session=sessions[0]).received == 4
    assert BallotBox.objects.get(session=sessions[1]).received == len(RECOMMENDATION_BALLOTS)
    assert Tally.objects.filter(session=sessions[0], kind="received").get().count == 4
    assert Tally.objects.filter(session=sessions[0], count=4).count() == 1  # lookups are encoded too
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT data_type FROM information_schema.columns "
                "WHERE (table_name, column_name) IN (('ballots_tally', 'count'), ('ballots_ballotbox', 'received'))"
            )
            assert {row[0] for row in cursor.fetchall()} == {"bigint"}


def test_the_database_refuses_a_counter_outside_the_fixed_width() -> None:
    from django.db import IntegrityError, transaction

    sessions = _meeting(claims=[0], votes=[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        Tally.objects.filter(session=sessions[0]).update(count=CounterField.LIMIT)
    with pytest.raises(IntegrityError), transaction.atomic():
        BallotBox.objects.filter(session=sessions[0]).update(received=-1)


def test_the_migration_encodes_existing_counters_and_back() -> None:
    sessions = _meeting(claims=[0, 1], votes=[1, 0])
    before = dict(Tally.objects.values_list("key", "count"))
    received = dict(BallotBox.objects.values_list("session_id", "received"))
    executor = MigrationExecutor(connection)
    # every app's newest migration, to come back to exactly the schema the suite runs on (not only
    # the counters' migration: later ones, of any app, would otherwise be left unapplied)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate([("ballots", "0004_ballot_settings")])  # back: plain counts
        plain = _stored("ballots_tally", "count")
        assert max(plain) == len(RECOMMENDATION_BALLOTS) and min(plain) == 0
        assert sorted(_stored("ballots_ballotbox", "received")) == sorted(received.values())
    finally:
        executor.loader.build_graph()
        executor.migrate(latest)
    assert all(2**40 <= v < 2**47 for v in _stored("ballots_tally", "count"))
    assert dict(Tally.objects.values_list("key", "count")) == before
    assert dict(BallotBox.objects.values_list("session_id", "received")) == received
    assert BallotBox.objects.get(session=sessions[1]).received == len(RECOMMENDATION_BALLOTS)


# --- PostgreSQL: no dead tuple survives ------------------------------------------------------


@contextmanager
def _superuser() -> Iterator[psycopg.Cursor[Any]]:
    """The superuser on the test database (pageinspect's functions are for superusers only);
    autocommit, and closed at once, so it holds back no VACUUM."""
    settings = connection.settings_dict
    with psycopg.connect(
        dbname=settings["NAME"],
        user="postgres",
        host=settings["HOST"] or "127.0.0.1",
        port=int(settings["PORT"] or 54329),
        autocommit=True,
    ) as conn:
        yield conn.cursor()


def _ballot_tables() -> list[str]:
    return sorted(model._meta.db_table for model in apps.get_app_config("ballots").get_models())


def _page_problems(cursor: psycopg.Cursor[Any], table: str) -> list[str]:
    """Dead or redirected line pointers, tuples with an xmax (deleted, updated or locked), and
    non-zero bytes in a page's free space (bytes of a row version that was moved or removed), in the
    table and its TOAST table."""
    problems: list[str] = []
    cursor.execute(
        "SELECT c.oid::regclass::text, t.oid::regclass::text FROM pg_class c "
        "LEFT JOIN pg_class t ON t.oid = c.reltoastrelid WHERE c.oid = %s::regclass",
        [table],
    )
    relations = [r for r in cursor.fetchone() or () if r]
    for relation in relations:
        cursor.execute("SELECT pg_relation_size(%s) / current_setting('block_size')::int", [relation])
        (blocks,) = cursor.fetchone() or (0,)
        for block in range(blocks):
            cursor.execute(
                "SELECT lp, lp_flags, t_xmin::text, t_xmax::text, t_infomask "
                "FROM heap_page_items(get_raw_page(%s, %s))",
                [relation, block],
            )
            for lp, flags, xmin, xmax, infomask in cursor.fetchall():
                if flags != 1:
                    problems.append(f"{relation} page {block} item {lp}: line pointer flags {flags}")
                elif xmax != "0":
                    problems.append(
                        f"{relation} page {block} item {lp}: xmin {xmin} xmax {xmax} mask {infomask:#06x}"
                    )
            cursor.execute("SELECT get_raw_page(%s, %s)", [relation, block])
            (page,) = cursor.fetchone() or (b"",)
            lower, upper = int.from_bytes(page[12:14], "little"), int.from_bytes(page[14:16], "little")
            if any(page[lower:upper]):
                problems.append(f"{relation} page {block}: free space ({lower}–{upper}) holds old bytes")
    return problems


def _dead_tuples() -> dict[str, list[str]]:
    with _superuser() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        found = {table: _page_problems(cursor, table) for table in _ballot_tables()}
    return {t: p for t, p in found.items() if p}


def test_no_dead_tuple_of_a_ballot_table_survives_closing_or_sealing() -> None:
    """On PostgreSQL an UPDATE leaves the old row version in the page until VACUUM, and a plain VACUUM
    frees it without zeroing it; the versions of the counters, with their transaction ids, gave every
    ballot, and the slot rows the member. After closing, and again after sealing, the ballot tables
    have been rewritten: only live, unlocked tuples in freshly written pages."""
    if connection.vendor != "postgresql":
        pytest.skip("pageinspect: PostgreSQL only (SQLite: the file test below)")
    sessions = _meeting(claims=[2, 0, 3, 1], votes=[1, 3, 0, 2])
    assert _dead_tuples(), "the meeting must leave dead tuples before closing (or the test proves nothing)"
    # a transaction of another test worker can hold the scrub back, which it then says (scrub.py)
    with scrub_completed():
        _close_and_seal(sessions, seal=False)
    assert _dead_tuples() == {}
    with scrub_completed():
        _close_and_seal(sessions)
    assert _dead_tuples() == {}


def test_a_snapshot_older_than_the_close_keeps_row_versions_and_the_log_says_so(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """VACUUM FULL must copy the dead versions that a running transaction (a pg_dump, a long
    report) may still see. Closing then retries, and says so in the log; `ballot scrub` after that
    transaction ends removes them."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    monkeypatch.setattr(lifecycle, "SCRUB_RETRY_DELAYS", (0.01,))
    sessions = _meeting(claims=[1, 0], votes=[0, 1])
    settings = connection.settings_dict
    with psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"],
        host=settings["HOST"],
        port=int(settings["PORT"]),
    ) as reader:
        reader.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        reader.execute("SELECT 1")  # a snapshot from before the close, and no lock on a ballot table
        with caplog.at_level(logging.ERROR, logger="ganbu.ballots.services.lifecycle"):
            _close_and_seal(sessions, seal=False)
        assert any("保留了" in r.getMessage() for r in caplog.records)
        assert _dead_tuples(), "the versions the reader may see were kept"
        reader.execute("SELECT count(*) FROM ballots_tally")  # now it holds a lock, as pg_dump would
        caplog.clear()
        with caplog.at_level(logging.ERROR, logger="ganbu.ballots.services.lifecycle"):
            started = time.monotonic()
            assert lifecycle.storage_scrub() is False
            assert time.monotonic() - started < 10, "waited for the lock (ballots would queue behind)"
        assert any("等待表锁超时" in r.getMessage() for r in caplog.records)
        reader.rollback()
    with scrub_completed():
        lifecycle.storage_scrub()
    assert _dead_tuples() == {}


def test_sealing_warns_when_the_role_may_not_checkpoint(caplog: pytest.LogCaptureFixture) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("CHECKPOINT: PostgreSQL only")
    with _superuser() as cursor:
        cursor.execute(
            "SELECT rolsuper OR pg_has_role(%s, 'pg_checkpoint', 'USAGE') FROM pg_roles WHERE rolname = %s",
            [connection.settings_dict["USER"]] * 2,
        )
        (may,) = cursor.fetchone() or (False,)
    sessions = _meeting(claims=[0], votes=[0])
    with caplog.at_level(logging.INFO, logger="ganbu.ballots.services.lifecycle"):
        _close_and_seal(sessions)
    warned = [r for r in caplog.records if "CHECKPOINT" in r.getMessage()]
    assert bool(warned) == (not may)
    assert any("存储已重写" in r.getMessage() for r in caplog.records)
    if may:
        call_command("ballot", "scrub")
    else:
        with pytest.raises(CommandError, match="未全部完成"):
            call_command("ballot", "scrub")


def test_ballot_scrub_command_rewrites_the_sqlite_file(capsys: pytest.CaptureFixture[str]) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only (PostgreSQL: the CHECKPOINT test above)")
    call_command("ballot", "scrub")
    assert "已重写" in capsys.readouterr().out


# --- SQLite: the file after sealing does not depend on the order -----------------------------


def _child_env(directory: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "GANBU_", "PYTEST"))}
    env.update(
        DJANGO_SETTINGS_MODULE="ganbu.settings",
        GANBU_VAR_DIR=str(directory),
        DATABASE_URL=f"sqlite:///{directory / 'ganbu.sqlite3'}",
        SECRET_KEY="sqlite-meeting-test-key-0123456789abcdefghijklmnopqrstuvwxyz",
        PYTHONHASHSEED="0",
        LOG_LEVEL="WARNING",
    )
    return env


def _child(directory: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "ganbu.ballots.tests.sqlite_meeting", *args],
        cwd=ROOT,
        env=_child_env(directory),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait(process: subprocess.Popen[str]) -> str:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err[-3000:]
    return out


def _spec(
    *, claims: list[int], member_votes: list[int], order: list[tuple[str, int]], assign: dict[str, list[int]]
) -> dict[str, Any]:
    return {
        "ballots": {"approval": APPROVAL_BALLOTS, "recommendation": RECOMMENDATION_BALLOTS},
        "claims": claims,
        "member_votes": member_votes,
        "order": order,
        "assign": assign,
    }


def _first_difference(a: bytes, b: bytes, page_size: int = 4096) -> str:
    pages = [
        i for i in range(0, max(len(a), len(b)), page_size) if a[i : i + page_size] != b[i : i + page_size]
    ]
    return f"{len(a)} and {len(b)} bytes; {len(pages)} pages differ, first page {pages[0] // page_size + 1}"


def _pages(path: Path, tables: tuple[str, ...]) -> dict[str, list[bytes]]:
    """The raw pages of the named tables and of their indexes (SQLite's dbstat table)."""
    data = path.read_bytes()
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
        owners = dict(db.execute("SELECT name, tbl_name FROM sqlite_schema WHERE type IN ('table', 'index')"))
        rows = db.execute("SELECT name, pageno FROM dbstat ORDER BY name, pageno").fetchall()
    pages: dict[str, list[bytes]] = {}
    for name, number in rows:
        if owners.get(name) in tables:
            pages.setdefault(name, []).append(data[(number - 1) * page_size : number * page_size])
    return pages


def test_the_sqlite_file_after_sealing_is_the_same_for_two_voting_orders(tmp_path: Path) -> None:
    """The same claims and ballots, in two different orders (and with the printed codes casting
    different ballots), each in a fresh database file: after sealing the files are identical byte
    for byte, so nothing in them (page layout, free space, the audit log, the WAL) depends on the
    order. A control meeting with one ballot changed gives a different file.

    Already during voting (a copy of the file once the WAL is checkpointed), the pages of the
    counters and of the members' sign-in rows are the same whatever the order: fixed-width counters
    are rewritten in place, so the page layout records no step of the count (the code table's pages
    do keep traces of the order in which codes were deleted until close rebuilds the file:
    README.md, "Residual risks")."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only (PostgreSQL: the pageinspect test above)")
    template = tmp_path / "template"
    template.mkdir(mode=0o700)
    _wait(_child(template, "migrate"))
    n_a, n_r = len(APPROVAL_BALLOTS), len(RECOMMENDATION_BALLOTS)
    first = _spec(
        claims=[0, 1, 2, 3, 4, 5, 6],
        member_votes=[0, 1, 2, 3, 4, 5, 6],
        order=[("approval", i) for i in range(n_a)] + [("recommendation", i) for i in range(n_r)],
        assign={"approval": list(range(n_a)), "recommendation": list(range(n_r))},
    )
    reversed_r = [("recommendation", i) for i in reversed(range(n_r))]
    second = _spec(
        claims=[4, 1, 6, 0, 3, 5, 2],
        member_votes=[2, 5, 0, 6, 1, 4, 3],
        order=[
            x
            for pair in zip(reversed_r, [("approval", i) for i in (6, 2, 4, 0, 5)], strict=True)
            for x in pair
        ]
        + [("approval", 3), ("approval", 1)],
        assign={
            "approval": [(i + 3) % n_a for i in range(n_a)],
            "recommendation": [(i + 2) % n_r for i in range(n_r)],
        },
    )
    control = json.loads(json.dumps(first))
    control["ballots"]["approval"][0] = {"张三": "不同意", "李四": "同意"}
    runs = {"first": first, "second": second, "control": control}
    children = {}
    for name, spec in runs.items():
        directory = tmp_path / name
        directory.mkdir(mode=0o700)
        shutil.copyfile(template / "ganbu.sqlite3", directory / "ganbu.sqlite3")
        spec["out"] = str(directory / "sealed.sqlite3")
        spec["voted_out"] = str(directory / "voted.sqlite3")
        (directory / "spec.json").write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
        children[name] = _child(directory, "meeting", str(directory / "spec.json"))
    reports = {name: json.loads(_wait(child).strip().splitlines()[-1]) for name, child in children.items()}
    files = {name: (tmp_path / name / "sealed.sqlite3").read_bytes() for name in runs}
    assert all(r["wal_bytes"] in (0, None) for r in reports.values()), reports  # the WAL was emptied
    assert files["first"] == files["second"], _first_difference(files["first"], files["second"])
    assert files["control"] != files["first"]
    watched = ("ballots_tally", "ballots_sessionvoter")
    voted = {name: _pages(tmp_path / name / "voted.sqlite3", watched) for name in runs}
    assert set(voted["first"]) >= {"ballots_tally", "ballots_sessionvoter"}
    for table, pages in voted["first"].items():
        assert voted["second"][table] == pages, f"{table}: pages during voting depend on the order"
    assert voted["control"]["ballots_tally"] != voted["first"]["ballots_tally"]
