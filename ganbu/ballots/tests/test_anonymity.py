"""Unlinkability. Threat model: a full database dump, the server's logs and the order in which people
walked to the ballot box must not link any ballot to any code or person.

The central test casts the same multiset of ballots with the same codes, but in a different order
and with the ballots handed to different codes, each time on a freshly flushed database, and dumps
*every* table with SQLite's rowid or PostgreSQL's xmin/xmax (dense-ranked, since transaction ids
are cluster-wide). The dumps must be identical: then nothing in the database depends on who (which
code) voted how, or in which order. Time runs during the votes, so a timestamp written by a ballot
would make the dumps differ too. A control run with one ballot changed shows the dump does see the
tally.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, models
from django.test import Client
from django.urls import reverse

from ganbu.audit.models import AuditEvent
from ganbu.ballots import codes as code_rules
from ganbu.ballots import services
from ganbu.ballots.models import BallotBox, BallotCode, BallotSession, RaterGroup, SessionVoter, Tally
from ganbu.ballots.services import issuing
from ganbu.ballots.tests.factories import nominees
from ganbu.ballots.tests.scrub import scrub_completed
from ganbu.org import services as org_services
from ganbu.org.models import Role, UnitKind
from ganbu.testing.world import make_user

pytestmark = pytest.mark.django_db(transaction=True)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CLIENT_IP = "10.77.66.55"

APPROVAL_BALLOTS: list[dict[str, str]] = [
    {"张三": "同意", "李四": "同意"},
    {"张三": "同意", "李四": "不同意"},
    {"张三": "不同意", "李四": "缓议"},
    {"张三": "同意", "李四": "同意"},
    {"张三": "缓议", "李四": "不同意"},
    {"张三": "同意", "李四": "同意"},
    {"张三": "不同意", "李四": "同意"},
]
RECOMMENDATION_BALLOTS: list[dict[str, list[str]]] = [
    {"chosen": ["甲"], "write_in": ["赵六"]},
    {"chosen": ["乙", "丙"], "write_in": []},
    {"chosen": [], "write_in": ["钱七", "孙八"]},
    {"chosen": ["甲"], "write_in": ["孙八"]},
    {"chosen": ["丙"], "write_in": []},
]


def _deterministic_codes(monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    rng = random.Random(seed)
    monkeypatch.setattr(
        code_rules, "random_body", lambda: "".join(rng.choice(code_rules.ALPHABET) for _ in range(13))
    )


def _tables() -> list[str]:
    names = sorted(connection.introspection.table_names())
    if connection.vendor == "sqlite":
        names.append("sqlite_sequence")
    return names


def dump_database() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, with SQLite's rowid or PostgreSQL's xmin and xmax. Transaction ids
    are replaced by their rank among the ids in the dump."""
    quote = connection.ops.quote_name
    raw: dict[str, list[tuple[Any, ...]]] = {}
    with connection.cursor() as cursor:
        for table in _tables():
            if connection.vendor == "sqlite":
                cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 - introspected names
                plain = cursor.fetchall()
                try:
                    cursor.execute(f"SELECT rowid, * FROM {quote(table)}")  # noqa: S608
                    rows = cursor.fetchall()
                except Exception:
                    rows = plain
            else:
                cursor.execute(
                    f"SELECT xmin::text::bigint, xmax::text::bigint, * FROM {quote(table)}"  # noqa: S608
                )
                rows = cursor.fetchall()
            raw[table] = rows
    if connection.vendor == "postgresql":
        xids = sorted({x for rows in raw.values() for row in rows for x in row[:2] if x})
        rank = {x: i + 1 for i, x in enumerate(xids)}
        raw = {t: [(rank.get(r[0], 0), rank.get(r[1], 0), *r[2:]) for r in rows] for t, rows in raw.items()}
    return {t: sorted(rows, key=repr) for t, rows in raw.items()}


def _fresh_database() -> None:
    """Flush, and on SQLite rebuild the file, so that each run starts from the same storage: closing
    and sealing rebuild it (VACUUM), which renumbers `sqlite_sequence`'s rowids."""
    call_command("flush", interactive=False, verbosity=0)
    if connection.vendor == "postgresql":
        # A backend on this database (a connection an earlier test on this worker left open, a live
        # server's thread) holds back the horizon, and the scrub's VACUUM FULL then keeps a lock-only
        # xmax it would otherwise freeze; transactions of other workers do too (scrub.py), for which
        # the meeting scrubs again until nothing is kept.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM")


def _post(client: Client, url: str, body: dict[str, Any]) -> int:
    return client.post(url, data=json.dumps(body), content_type="application/json").status_code


def run_meeting(
    monkeypatch: pytest.MonkeyPatch,
    *,
    order: list[tuple[str, int]],
    assign: dict[str, list[int]],
    ballots: tuple[list[Any], list[Any]] = (APPROVAL_BALLOTS, RECOMMENDATION_BALLOTS),
) -> tuple[dict[str, Any], dict[str, Any]]:
    """One meeting on a freshly flushed database: two sessions, codes issued deterministically;
    `order` lists (session, code index) in voting order; `assign[session][code index]` is the index
    of the ballot that code casts. Returns the dump after voting and after closing and sealing."""
    _fresh_database()
    _deterministic_codes(monkeypatch, seed=7)
    with time_machine.travel(T0, tick=False):
        county = org_services.unit_create(
            code="C", name="测试县", kind=UnitKind.COUNTY, parent=None, actor=None
        )
        approval = services.session_create(
            unit=county,
            title="常委会票决",
            kind="approval",
            subjects=nominees("张三", "李四"),
            groups=[services.GroupSpec("常委", expected=11)],
            actor=None,
        )
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
        sessions = {"approval": approval, "recommendation": recommendation}
        issued = {
            name: sorted(services.codes_issue(session=s, group=s.groups.get(), count=len(b), actor=None))
            for (name, s), b in zip(sessions.items(), ballots, strict=True)
        }
        for s in sessions.values():
            s.refresh_from_db()
            services.session_open(session=s, actor=None)
    table = dict(zip(sessions, ballots, strict=True))
    client = Client(REMOTE_ADDR=CLIENT_IP)
    with time_machine.travel(T0 + timedelta(hours=1), tick=True):  # real time passes while voting
        for name, index in order:
            answers = table[name][assign[name][index]]
            assert (
                _post(
                    client, reverse("ballots_api:submit"), {"code": issued[name][index], "answers": answers}
                )
                == 201
            )
    after_votes = dump_database()
    with scrub_completed(), time_machine.travel(T0 + timedelta(hours=2), tick=False):
        for s in sessions.values():
            s.refresh_from_db()
            services.session_close(session=s, actor=None)
            services.session_seal(session=s, actor=None)
    return after_votes, dump_database()


# Which session each successive ballot goes to (the hall's pattern); kept fixed, see below.
PATTERN = ["approval", "recommendation"] * len(RECOMMENDATION_BALLOTS) + ["approval"] * (
    len(APPROVAL_BALLOTS) - len(RECOMMENDATION_BALLOTS)
)


def _orders(seed: int) -> Iterator[tuple[list[tuple[str, int]], dict[str, list[int]]]]:
    """Orders of voting and assignments of ballots to codes. On PostgreSQL a session's counters carry
    the xmin of its latest ballot, so *when the latest ballot of each session* arrived, relative to
    other transactions, is visible (README.md); the pattern of sessions is therefore kept, and
    within each session both the order of the codes and which code casts which ballot vary."""
    sizes = {"approval": len(APPROVAL_BALLOTS), "recommendation": len(RECOMMENDATION_BALLOTS)}
    rng = random.Random(seed)
    for variant in range(3):
        code_orders = {}
        assign = {}
        for name, n in sizes.items():
            if variant == 0:
                code_orders[name], assign[name] = list(range(n)), list(range(n))
            elif variant == 1:
                code_orders[name] = list(reversed(range(n)))
                assign[name] = [(i + 3) % n for i in range(n)]
            else:
                code_orders[name], assign[name] = rng.sample(range(n), n), rng.sample(range(n), n)
        positions = {name: iter(order) for name, order in code_orders.items()}
        yield [(name, next(positions[name])) for name in PATTERN], assign


def test_the_database_is_the_same_whatever_the_order_and_whoever_cast_which_ballot(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runs = [run_meeting(monkeypatch, order=o, assign=a) for o, a in _orders(seed=2026)]
    (votes_1, sealed_1), *others = runs
    assert votes_1["ballots_tally"], "the dump must include the counters"
    assert any(row for row in votes_1["ballots_ballotbox"])
    for votes, sealed in others:
        for table in votes_1:
            assert votes[table] == votes_1[table], f"{table} differs after voting"
        for table in sealed_1:
            assert sealed[table] == sealed_1[table], f"{table} differs after sealing"
    text = repr(votes_1) + repr(sealed_1)
    assert CLIENT_IP not in text, "a client address reached the database"


def test_the_dump_does_see_a_different_ballot(monkeypatch: pytest.MonkeyPatch) -> None:
    """Control: the comparison above is not vacuous."""
    order, assign = next(_orders(seed=1))
    baseline, _ = run_meeting(monkeypatch, order=order, assign=assign)
    changed = [dict(b) for b in APPROVAL_BALLOTS]
    changed[0] = {"张三": "不同意", "李四": "同意"}
    other, _ = run_meeting(monkeypatch, order=order, assign=assign, ballots=(changed, RECOMMENDATION_BALLOTS))
    assert other["ballots_tally"] != baseline["ballots_tally"]


def test_members_claiming_in_any_order_leave_the_same_database(monkeypatch: pytest.MonkeyPatch) -> None:
    """Which member holds which slot, and in which order members claimed, is recorded nowhere: the
    whole database (ballot tables, the audit log, every other table) is the same after voting and
    after closing, whatever the order of the claims."""

    def meeting(claim_order: list[int]) -> tuple[dict[str, Any], dict[str, Any]]:
        _fresh_database()
        _deterministic_codes(monkeypatch, seed=3)
        rng = random.Random(5)
        monkeypatch.setattr(issuing.secrets, "choice", lambda seq: seq[rng.randrange(len(seq))])
        monkeypatch.setattr(issuing.codes, "placeholder_digest", lambda: f"{rng.getrandbits(256):064x}")
        with time_machine.travel(T0, tick=False):
            county = org_services.unit_create(
                code="C", name="测试县", kind=UnitKind.COUNTY, parent=None, actor=None
            )
            members = [make_user(f"member{i}", Role.COMMITTEE, county) for i in range(4)]
            session = services.session_create(
                unit=county,
                title="常委会票决",
                kind="approval",
                subjects=nominees("张三"),
                groups=[services.GroupSpec("常委", expected=4)],
                actor=None,
            )
            services.member_slots_create(
                session=session, group=session.groups.get(), users=members, actor=None
            )
            session.refresh_from_db()
            services.session_open(session=session, actor=None)
        claimed = {}
        with time_machine.travel(T0 + timedelta(hours=1), tick=True):
            for i in claim_order:
                claimed[i] = services.member_code_claim(session=session, user=members[i])
            for i in claim_order:  # member i always votes the same way
                services.ballot_cast(code=claimed[i], answers={"张三": "同意" if i % 2 else "不同意"})
        after_votes = dump_database()
        with time_machine.travel(T0 + timedelta(hours=2), tick=False):
            session.refresh_from_db()
            services.session_close(session=session, actor=None)
        closed = dump_database()
        assert not any(code in repr(closed["audit_auditevent"]) for code in claimed.values())
        return after_votes, closed

    first_votes, first_closed = meeting([0, 1, 2, 3])
    assert first_votes["ballots_sessionvoter"] and first_votes["audit_auditevent"]
    other_votes, other_closed = meeting([3, 1, 0, 2])
    for table in first_votes:
        assert other_votes[table] == first_votes[table], f"{table} differs after voting"
        assert other_closed[table] == first_closed[table], f"{table} differs after closing"


def test_the_audit_log_keeps_no_order_of_claims(monkeypatch: pytest.MonkeyPatch) -> None:
    """Claims and ballots write no audit event (an event per claim, in the order of claiming, next
    to the order in which counters moved, named the voters); closing records who claimed as one
    set, sorted by username."""
    call_command("flush", interactive=False, verbosity=0)
    county = org_services.unit_create(code="C", name="测试县", kind=UnitKind.COUNTY, parent=None, actor=None)
    members = [make_user(name, Role.COMMITTEE, county) for name in ("wang", "li", "zhao", "chen")]
    session = services.session_create(
        unit=county,
        title="常委会票决",
        kind="approval",
        subjects=nominees("张三"),
        groups=[services.GroupSpec("常委", expected=4)],
        actor=None,
    )
    services.member_slots_create(session=session, group=session.groups.get(), users=members, actor=None)
    session.refresh_from_db()
    services.session_open(session=session, actor=None)
    last = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    for i in (0, 3, 1):  # wang, chen, li: neither sorted nor reverse-sorted; zhao does not claim
        code = services.member_code_claim(session=session, user=members[i])
        services.ballot_cast(code=code, answers={"张三": "同意"})
    assert not AuditEvent.objects.filter(seq__gt=last).exists(), "a claim or a ballot wrote an event"
    session.refresh_from_db()
    services.session_close(session=session, actor=None)
    (closed,) = AuditEvent.objects.filter(seq__gt=last)
    assert closed.action == "ballots.session_closed"
    assert closed.payload["members_claimed"] == ["chen", "li", "wang"]
    assert not AuditEvent.objects.filter(action="ballots.member_claimed").exists()
    member_ids = {m.pk for m in members}
    assert not AuditEvent.objects.filter(actor_id__in=member_ids).exists(), "an event names a member as actor"


def test_ballot_tables_have_no_time_and_no_link_between_code_and_count() -> None:
    for model in (BallotCode, Tally, BallotBox, SessionVoter):
        kinds = {type(f) for f in model._meta.get_fields()}
        assert not kinds & {models.DateTimeField, models.DateField, models.TimeField}, model
    code_links = {f.related_model for f in BallotCode._meta.get_fields() if f.is_relation}
    assert code_links == {BallotSession, RaterGroup}
    assert not any(f.related_model is BallotCode for f in Tally._meta.get_fields() if f.is_relation)
    assert not any(f.related_model is BallotCode for f in BallotBox._meta.get_fields() if f.is_relation)


def test_no_code_reaches_the_logs(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with caplog.at_level(logging.DEBUG):
        call_command("flush", interactive=False, verbosity=0)
        _deterministic_codes(monkeypatch, seed=7)
        county = org_services.unit_create(
            code="C", name="测试县", kind=UnitKind.COUNTY, parent=None, actor=None
        )
        session = services.session_create(
            unit=county,
            title="票决",
            kind="approval",
            subjects=nominees("张三"),
            groups=[services.GroupSpec("常委", expected=5)],
            actor=None,
        )
        issued = services.codes_issue(session=session, group=session.groups.get(), count=3, actor=None)
        session.refresh_from_db()
        services.session_open(session=session, actor=None)
        client = Client(REMOTE_ADDR=CLIENT_IP)
        url = reverse("ballots_api:submit")
        assert _post(client, url, {"code": issued[0], "answers": {"张三": "同意"}}) == 201
        assert _post(client, url, {"code": issued[0], "answers": {"张三": "同意"}}) == 409  # logged as 4xx
        assert _post(client, url, {"code": issued[1], "answers": {"张三": "?"}}) == 400
        assert _post(client, url, {"code": "ZZZZ-ZZZZ", "answers": {}}) == 404
    logged = "\n".join(f"{r.getMessage()} {r.args!r}" for r in caplog.records)
    assert "Conflict: /api/ballots/" in logged  # the request log is there, and has only the path
    for code in issued:
        assert code not in logged and code_rules.display(code) not in logged
        assert code_rules.digest(code) not in logged
    assert CLIENT_IP not in logged
