"""Settings from the environment, and `check --deploy` clean in production."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ganbu.env import ConfigError, env_bool, env_int, env_list, read_private_file, write_private_file

ROOT = Path(__file__).resolve().parents[3]


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "GANBU_ENV", "ALLOWED_HOSTS"}}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_is_clean_in_production(tmp_path: Path) -> None:
    result = _run(
        {
            "GANBU_ENV": "production",
            "SECRET_KEY": "x" * 30 + "-production-secret-key-for-the-check-%$#",
            "ALLOWED_HOSTS": "ganbu.example.gov.cn",
            "GANBU_VAR_DIR": str(tmp_path),
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_requires_a_secret_key(tmp_path: Path) -> None:
    result = _run(
        {"GANBU_ENV": "production", "ALLOWED_HOSTS": "a.b", "GANBU_VAR_DIR": str(tmp_path)}, "check"
    )
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_production_requires_allowed_hosts(tmp_path: Path) -> None:
    result = _run(
        {"GANBU_ENV": "production", "SECRET_KEY": "k" * 60, "GANBU_VAR_DIR": str(tmp_path)}, "check"
    )
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is required" in result.stderr


def test_env_helpers_fail_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_BOOL", "maybe")
    with pytest.raises(ConfigError):
        env_bool("X_BOOL")
    monkeypatch.setenv("X_INT", "ten")
    with pytest.raises(ConfigError):
        env_int("X_INT", 1)
    monkeypatch.setenv("X_LIST", "a, b,,c")
    assert env_list("X_LIST") == ["a", "b", "c"]


def test_sqlite_runs_in_wal_mode_with_immediate_transactions() -> None:
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    options = settings.DATABASES["default"]["OPTIONS"]
    assert "journal_mode=WAL" in options["init_command"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5


def test_private_files_are_owner_only_before_the_secret_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh, stale = tmp_path / "fresh.txt", tmp_path / "stale.txt"
    stale.write_text("old secret, longer than the new one")
    stale.chmod(0o644)
    modes_when_writing: list[int] = []
    real_fdopen = os.fdopen

    def fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
        modes_when_writing.append(os.fstat(fd).st_mode & 0o777)
        return real_fdopen(fd, *args, **kwargs)

    monkeypatch.setattr(os, "fdopen", fdopen)
    for path in (fresh, stale):
        write_private_file(path, "s3cret")
        assert path.stat().st_mode & 0o777 == 0o600
        assert read_private_file(path) == "s3cret"
    assert modes_when_writing == [0o600, 0o600]
    assert read_private_file(tmp_path / "missing.txt") is None
