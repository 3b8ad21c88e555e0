"""The demo county (青山县), built by the apps' own seeders in dependency order.

Each app contributes a `demo.py` that builds its part (org: the county tree, teams and posts;
cadres: the people; villagework: 驻村工作 …) and knows nothing of the apps above it; this module,
at the top, is the only place that lists them. Deterministic for a given seed: the registry part
shares one random stream (`core.demo.DemoContext.rng`), the other apps derive theirs from the seed.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from ganbu.assessment import demo as assessment_demo
from ganbu.audit.services import record_event
from ganbu.cadres import demo as cadres_demo
from ganbu.core.db import refresh_planner_statistics
from ganbu.core.demo import DemoContext, SeedStats
from ganbu.org import demo as org_demo
from ganbu.org.selectors import county_root
from ganbu.selection import demo as selection_demo
from ganbu.villagework import demo as villagework_demo

__all__ = ["SEEDERS", "Seeder", "seed_demo"]


@dataclass(frozen=True)
class Seeder:
    key: str  # figures and timings are reported under this name
    label: str
    needs_cadres: bool  # skipped when the demo is built with --cadres 0
    run: Callable[[DemoContext], int]  # returns the rows written beyond ctx.stats' counters


def _structure(ctx: DemoContext) -> int:
    org_demo.seed_structure(ctx)
    return 0


def _cadres(ctx: DemoContext) -> int:
    cadres_demo.seed_cadres(ctx)
    return 0


def _villagework(ctx: DemoContext) -> int:
    return villagework_demo.seed_villagework(seed=ctx.seed, progress=ctx.progress)


def _assessment(ctx: DemoContext) -> int:
    return assessment_demo.seed_assessment(seed=ctx.seed, progress=ctx.progress)


def _selection(ctx: DemoContext) -> int:
    return selection_demo.seed_selection(seed=ctx.seed, progress=ctx.progress)


# In dependency order; an app's seeder may read what the seeders before it wrote.
SEEDERS: tuple[Seeder, ...] = (
    Seeder("structure", "单位、班子与职位", False, _structure),
    Seeder("cadres", "干部", True, _cadres),
    Seeder("selection", "选拔任用", True, _selection),  # before 驻村: its moves precede the assignments
    Seeder("villagework", "驻村工作", True, _villagework),
    Seeder("assessment", "综合考核", False, _assessment),
)


def seed_demo(
    *,
    cadres: int,
    seed: int,
    progress: Callable[[str], None] | None = None,
    skip: frozenset[str] = frozenset(),
    villagework: bool = True,
) -> SeedStats:
    """The demo county with `cadres` cadres and every app's demo data built on them. `skip` names
    seeders to leave out (tests that only need the registry skip "villagework", about 185,000 rows
    whatever the cadre count); `villagework=False` is the same as skipping it."""
    if not villagework:
        skip = skip | {"villagework"}
    ctx = DemoContext(
        seed=seed, cadres=cadres, rng=random.Random(seed), progress=progress or (lambda m: None)
    )
    started = time.monotonic()
    for seeder in SEEDERS:
        if seeder.key in skip or (seeder.needs_cadres and cadres <= 0):
            continue
        t = time.monotonic()
        added = seeder.run(ctx)  # before adding: a seeder may count its rows into ctx.stats itself
        ctx.stats.rows += added
        ctx.stats.timings[seeder.key] = time.monotonic() - t
    county = county_root()
    with transaction.atomic():
        record_event(
            actor=None,
            action="demo.seed",
            obj=county,
            unit_path=county.path if county else "",
            payload={"cadres": cadres, "seed": seed, "units": ctx.stats.units},
        )
    refresh_planner_statistics()
    ctx.stats.seconds = time.monotonic() - started
    return ctx.stats
