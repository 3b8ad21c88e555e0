"""Tests that read the ballot tables' storage after closing or sealing need the scrub to have been
complete. On PostgreSQL the scrub's VACUUM FULL keeps every row version and lock mark that a
snapshot may still see, and a snapshot's horizon counts the running transactions of *every*
database on the server (its own snapshot included): a long transaction of another test worker, in
another database, holds it back as a pg_dump would. The scrub then logs an error naming what it
kept (lifecycle.storage_scrub), and an operator runs `manage.py ballot scrub` after that
transaction ends. `scrub_completed` does the same: it watches the scrubs run inside it and, when one
logged that it kept something, scrubs again until none is kept; the caller learns whether that was
needed, so a test can also check that the incomplete scrub said so.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from django.db import connection

from ganbu.ballots.services import lifecycle

INCOMPLETE = "VACUUM FULL 未能重写"
WAIT_SECONDS = 180.0


@dataclass
class ScrubWatch:
    incomplete: list[str] = field(default_factory=list)  # the errors of scrubs that kept something
    repeated: int = 0  # scrubs run again after the block


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if INCOMPLETE in message:
            self.messages.append(message)


@contextmanager
def _collected() -> Iterator[_Collect]:
    handler = _Collect()
    logger = logging.getLogger(lifecycle.__name__)
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def _backends() -> str:
    """Every backend of the server that holds a transaction id or a snapshot (for the failure message)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT datname, pid, state, backend_xid::text, backend_xmin::text, xact_start, left(query, 120)"
            " FROM pg_stat_activity WHERE backend_xid IS NOT NULL OR backend_xmin IS NOT NULL"
        )
        return "\n".join(repr(row) for row in cursor.fetchall())


@contextmanager
def scrub_completed() -> Iterator[ScrubWatch]:
    watch = ScrubWatch()
    with _collected() as handler:
        yield watch
    watch.incomplete = list(handler.messages)
    if not watch.incomplete or connection.vendor != "postgresql":
        return
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        time.sleep(1.0)
        with _collected() as again:
            lifecycle.storage_scrub()
        watch.repeated += 1
        if not again.messages:
            return
        if time.monotonic() > deadline:
            pytest.fail(
                f"the ballot scrub kept row versions for {WAIT_SECONDS:.0f} s: {again.messages[-1]}\n"
                f"backends holding a snapshot:\n{_backends()}"
            )
