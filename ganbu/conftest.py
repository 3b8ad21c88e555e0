from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from ganbu.testing.world import World, build_world


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: pytest.FixtureRequest) -> None:
    # Argon2 is the production hasher (tested in home/tests/test_auth.py); most tests only need
    # logins to work, so hash quickly there.
    settings.PASSWORD_HASHERS = [  # type: ignore[attr-defined]
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]


@pytest.fixture(autouse=True)
def _jobs_inline(settings: pytest.FixtureRequest) -> None:
    """Background jobs (imports) run inline in tests, so their outcome is there when the view returns."""
    settings.GANBU_JOBS_SYNC = True  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: pytest.FixtureRequest, tmp_path: object) -> None:
    settings.MEDIA_ROOT = str(tmp_path)  # type: ignore[attr-defined]


# The suite's "today": every test (and every fixture, also module-scoped ones) runs on this day,
# whatever the real date, so nothing depends on the calendar of the machine (a rule that looks at
# "today" gets the same answer on 1 January as on any other day). Time still passes (tick), so
# timeouts and the live server work. Tests about other dates travel on from here or pass today=.
SUITE_NOW = datetime(2026, 11, 16, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True, scope="session")
def _frozen_today() -> Iterator[None]:
    traveller = time_machine.travel(SUITE_NOW, tick=True)
    traveller.start()
    yield
    traveller.stop()
