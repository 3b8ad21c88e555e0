"""Typed helpers that read settings from the environment and fail loudly on bad values."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


class ConfigError(RuntimeError):
    pass


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ConfigError(f"environment variable {name} is required")
        return default
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"environment variable {name} must be a boolean, got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ConfigError(f"environment variable {name} must be an integer, got {value!r}") from exc


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def write_private_file(path: Path, text: str) -> None:
    """Write a local secret (the development SECRET_KEY, generated demo passwords under var/) so that
    only the owner can read it, from the first byte on: the mode is set before anything is written,
    also when the file already existed with a wider mode."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


def read_private_file(path: Path) -> str | None:
    """The stripped text of a file written by `write_private_file`, or None when there is none."""
    return path.read_text().strip() if path.exists() else None


PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def make_private(directory: Path, files: list[Path]) -> list[str]:
    """Restrict the data directory to its owner (0700) and the given files (the SQLite database,
    its WAL and shared-memory files, secrets) to 0600, creating the directory if missing; returns a
    message per path whose mode could not be set (a file owned by someone else)."""
    problems = []
    directory.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    for path, mode in [(directory, PRIVATE_DIR_MODE), *[(f, PRIVATE_FILE_MODE) for f in files]]:
        if not path.exists():
            continue
        if path.stat().st_mode & 0o777 != mode:
            try:
                path.chmod(mode)
            except OSError as exc:
                problems.append(f"{path}: {exc.strerror}")
    return problems


def create_private_file(path: Path) -> None:
    """Create an empty file with mode 0600 unless it exists (SQLite then opens it, and gives its
    WAL and shared-memory files the same mode)."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))


def wider_than_private(paths: list[Path]) -> list[str]:
    """The paths readable or writable by group or others (for the start-up check)."""
    wide = []
    for path in paths:
        if path.exists() and path.stat().st_mode & 0o077:
            wide.append(f"{path}（{oct(path.stat().st_mode & 0o777)}）")
    return wide
