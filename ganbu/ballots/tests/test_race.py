"""Exactly once under concurrency: 50 threads submit the same code at the same moment, on the
file SQLite database (IMMEDIATE transactions, busy timeout) and on PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from ganbu.ballots import selectors, services
from ganbu.ballots.models import BallotBox, BallotCode, Tally
from ganbu.ballots.services import casting, lifecycle
from ganbu.ballots.tests.factories import approval_session, close, issue, open_
from ganbu.testing.world import World

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
    """A counter the ballot needs is missing when it is counted: on SQLite `_count` raises after the
    DELETE, on PostgreSQL the one statement fails after its DELETE; either way the transaction, code
    included, rolls back."""
    session = approval_session(world.county, expected=11)
    code = issue(session, 1)[0]
    open_(session)
    real_plan = casting.plan_ballot

    def plan_with_a_missing_counter(*args: Any) -> tuple[list[str], list[str]]:
        keys, names = real_plan(*args)
        return [*keys, "g0:gone"], names

    monkeypatch.setattr(casting, "plan_ballot", plan_with_a_missing_counter)
    with pytest.raises(RuntimeError, match="counter set changed"):
        services.ballot_cast(code=code, answers=ANSWERS)
    assert BallotCode.objects.filter(session=session).count() == 1  # the code is back
    assert _received(session.pk) == 0
    assert BallotBox.objects.get(session=session).received == 0
    monkeypatch.undo()
    services.ballot_cast(code=code, answers=ANSWERS)
    assert _received(session.pk) == 1
    assert not BallotCode.objects.filter(session=session).exists()


def test_a_ballot_waiting_behind_a_close_is_refused(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """A ballot that checked the session while it was open, then waits for the box while the
    session closes, must be refused once it gets the lock: the open flag is re-read on the locked
    row, not taken from a snapshot from before the wait."""
    session = approval_session(world.county, expected=11)
    code = issue(session, 1)[0]
    open_(session)
    holding, release = threading.Event(), threading.Event()
    real_transition = lifecycle.transition

    def slow_transition(*args: Any, **kwargs: Any) -> Any:  # inside session_close's transaction, box locked
        holding.set()
        assert release.wait(timeout=30)
        return real_transition(*args, **kwargs)

    monkeypatch.setattr(lifecycle, "transition", slow_transition)
    outcome: list[str] = []

    def vote() -> None:
        try:
            assert holding.wait(timeout=30)
            services.ballot_cast(code=code, answers=ANSWERS)
            outcome.append("accepted")
        except ValidationError as exc:
            outcome.append(str(exc.code))
        finally:
            connections.close_all()

    def closer() -> None:
        try:
            close(session)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=closer), threading.Thread(target=vote)]
    for t in threads:
        t.start()
    assert holding.wait(timeout=30)
    time.sleep(1.0)  # the ballot has passed its first check and now waits for the box
    release.set()
    for t in threads:
        t.join(timeout=60)
    assert outcome == ["session_not_open"]
    assert _received(session.pk) == 0
    assert BallotCode.objects.filter(session=session).count() == 1
