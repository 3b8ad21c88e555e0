"""Start-up checks: the collation (unit subtrees are string ranges, which need code-point
ordering) and owner-only modes of the data directory, database, secrets and uploads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from ganbu.core import checks
from ganbu.env import create_private_file, make_private

pytestmark = pytest.mark.django_db


def test_the_database_orders_paths_by_code_point() -> None:
    assert checks.check_path_collation(databases=["default"]) == []


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL only: SQLite compares by code point"
)
def test_a_linguistic_ordering_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checks, "_PROBE", ("b", "a"))  # what a collation ignoring "/" amounts to
    errors = checks.check_path_collation(databases=["default"])
    assert [e.id for e in errors] == ["ganbu.E001"] and "C.UTF-8" in (errors[0].hint or "")


def test_wide_data_files_are_reported(settings: Any, tmp_path: Path) -> None:
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    secret = var / "secret_key"
    secret.write_text("x")
    secret.chmod(0o644)
    settings.VAR_DIR, settings.PRIVATE_FILES, settings.MEDIA_ROOT = var, [secret], tmp_path / "media"
    settings.PRODUCTION = False
    assert [m.id for m in checks.check_private_files()] == ["ganbu.W002"]
    settings.PRODUCTION = True
    messages = checks.check_private_files()
    assert [m.id for m in messages] == ["ganbu.E002"] and "secret_key" in messages[0].msg
    assert make_private(var, [secret]) == []
    assert checks.check_private_files() == []
    assert oct(var.stat().st_mode & 0o777) == "0o700" and oct(secret.stat().st_mode & 0o777) == "0o600"


def test_a_new_sqlite_database_and_its_wal_are_private(tmp_path: Path) -> None:
    import sqlite3

    database = tmp_path / "db.sqlite3"
    create_private_file(database)
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE t (x)")
    connection.execute("INSERT INTO t VALUES (1)")
    connection.commit()
    for path in (database, tmp_path / "db.sqlite3-wal", tmp_path / "db.sqlite3-shm"):
        assert path.stat().st_mode & 0o777 == 0o600, path
    connection.close()
