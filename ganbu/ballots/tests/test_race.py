"""Exactly once under concurrency: 50 threads submit the same code at the same moment, on the
file SQLite database (IMMEDIATE transactions, busy timeout) and on PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from ganbu.ballots import selectors, services
from ganbu.ballots.models import BallotCode, Tally
from ganbu.ballots.services import casting
from ganbu.ballots.tests.factories import approval_session, close, issue, open_
from ganbu.testing import World

pytestmark = pytest.mark.django_db(transaction=True)

ANSWERS = {"张三": "同意", "李四": "不同意"}


def _in_threads(count: int, work: Callable[[int], str]) -> Counter[str]:
    barrier = threading.Barrier(count)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            outcome = work(index)
        except ValidationError as exc:
            outcome = str(exc.code)
        except Exception as exc:
            outcome = f"error: {exc!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return Counter(outcomes)


def _received(session_id: int) -> int:
    return sum(Tally.objects.filter(session_id=session_id, kind="received").values_list("count", flat=True))


def test_fifty_threads_with_the_same_code_count_one_ballot(world: World) -> None:
    session = approval_session(world.county, expected=60)
    code = issue(session, 1)[0]
    open_(session)

    def cast(_: int) -> str:
        services.ballot_cast(code=code, answers=ANSWERS)
        return "accepted"

    outcomes = _in_threads(50, cast)
    assert outcomes == Counter({"accepted": 1, "code_used": 49}), outcomes
    assert _received(session.pk) == 1
    close(session)
    result = selectors.session_result(session)
    assert result.subjects[0].counts == {"同意": 1, "不同意": 0, "缓议": 0}
    assert result.subjects[1].counts == {"同意": 0, "不同意": 1, "缓议": 0}


def test_fifty_threads_with_fifty_codes_count_fifty_ballots(world: World) -> None:
    session = approval_session(world.county, expected=60)
    codes = issue(session, 50)
    open_(session)

    def cast(index: int) -> str:
        services.ballot_cast(code=codes[index], answers=ANSWERS)
        return "accepted"

    outcomes = _in_threads(50, cast)
    assert outcomes == Counter({"accepted": 50}), outcomes
    assert _received(session.pk) == 50
    assert not BallotCode.objects.filter(session=session).exists()


def test_closing_while_ballots_arrive_leaves_a_consistent_count(world: World) -> None:
    session = approval_session(world.county, expected=60)
    codes = issue(session, 40)
    open_(session)

    def work(index: int) -> str:
        if index == 20:
            close(session)
            return "closed"
        services.ballot_cast(code=codes[index], answers=ANSWERS)
        return "accepted"

    outcomes = _in_threads(40, work)
    accepted = outcomes["accepted"]
    assert outcomes["closed"] == 1
    assert accepted + outcomes["session_not_open"] == 39, outcomes
    assert _received(session.pk) == accepted
    assert BallotCode.objects.filter(session=session).count() == 40 - accepted


def test_an_error_after_the_code_is_consumed_rolls_both_back(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = approval_session(world.county, expected=11)
    code = issue(session, 1)[0]
    open_(session)

    def broken(*args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(casting, "_count", broken)
    with pytest.raises(RuntimeError):
        services.ballot_cast(code=code, answers=ANSWERS)
    assert BallotCode.objects.filter(session=session).count() == 1  # the code is back
    assert _received(session.pk) == 0
    monkeypatch.undo()
    services.ballot_cast(code=code, answers=ANSWERS)
    assert _received(session.pk) == 1
    assert not BallotCode.objects.filter(session=session).exists()
