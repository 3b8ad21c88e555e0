"""What the parts of the 驻村 demo share: the run (its random stream, progress, counts) and a
village with its households."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from ganbu.org.models import Unit
from ganbu.villagework.models import Household

# The logs cover one year up to the demo's TODAY.
LOG_WINDOW_START = date(2025, 11, 1)
CHUNK = 5000


@dataclass
class DemoRun:
    """One seeding: a random stream derived from the seed alone (a str seed hashes the same in
    every run), the rows written and the counts reported."""

    rng: random.Random
    progress: Callable[[str], None]
    rows: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    @classmethod
    def start(cls, seed: int, progress: Callable[[str], None] | None = None) -> DemoRun:
        return cls(rng=random.Random(f"villagework:{seed}"), progress=progress or (lambda msg: None))


@dataclass
class DemoVillage:
    unit: Unit
    households: list[Household] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
