"""Shared set-up for benchmarks: point Django at the database given by --database-url (default: a
fresh SQLite file under /tmp), migrate, and seed the demo county once per size."""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def remove_sqlite(path: str) -> None:
    """Delete an SQLite database file and its WAL companions, for a fresh run."""
    for suffix in ("", "-wal", "-shm"):
        Path(path + suffix).unlink(missing_ok=True)


def setup_django(database_url: str | None, default_sqlite: str, *, migrate: bool = True) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{default_sqlite}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ganbu.settings")
    os.environ.setdefault("AXES_ENABLED", "0")
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def ensure_seeded(cadres: int, seed: int = 1) -> float | None:
    """Seed the demo county with `cadres` cadres unless the database already has exactly that many.
    Returns the seeding time in seconds, or None when the data was already there."""
    from django.core.management import call_command

    from ganbu.cadres.models import Cadre
    from ganbu.org.models import Unit

    if Unit.objects.exists():
        existing = Cadre.objects.count()
        if existing == cadres:
            return None
        raise SystemExit(f"database already holds {existing} cadres, not {cadres}: use a fresh database")
    started = time.perf_counter()
    call_command("seed_demo", "--cadres", str(cadres), "--seed", str(seed))
    return time.perf_counter() - started


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def timed(fn: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    """Call `fn` once to warm up, then `runs` times; returns the times in ms and the last result."""
    result = fn()
    times: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return times, result


def fmt(times: list[float]) -> str:
    return f"p50={statistics.median(times):8.1f} ms  min={min(times):8.1f}  p95={percentile(times, 95):8.1f}"
