from __future__ import annotations

import pytest

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
