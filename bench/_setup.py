"""Shared set-up for benchmarks: point Django at the database given by --database-url (default: a
fresh SQLite file under /tmp), migrate, and seed the demo county once per size."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup_django(database_url: str | None, default_sqlite: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{default_sqlite}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ganbu.settings")
    os.environ.setdefault("AXES_ENABLED", "0")
    import django

    django.setup()
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
