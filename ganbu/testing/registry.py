"""Registry helpers for tests: a minimal cadre record and the registry part of the demo county."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from ganbu.cadres.demo import seed_cadres
from ganbu.cadres.models import Cadre
from ganbu.cadres.rules import make_id_number
from ganbu.core.demo import DemoContext, SeedStats
from ganbu.core.pinyin import name_keys
from ganbu.org.demo import seed_structure
from ganbu.org.models import Unit

_sequence = [0]


def make_cadre(unit: Unit, name: str = "张三", **fields: Any) -> Cadre:
    """A minimal valid cadre record for tests (bypasses the import pipeline on purpose)."""
    _sequence[0] += 1
    born = fields.pop("birth_date", date(1985, 3, 4))
    gender = fields.pop("gender", "1")
    pinyin, initials, stroke = name_keys(name)
    defaults: dict[str, Any] = {
        "ethnicity": "01",
        "political_status": "01",
        "personnel_category": "1",
        "id_number": make_id_number("469099", born, _sequence[0] % 500, gender),
        "work_started_on": date(born.year + 22, 7, 1),
    }
    defaults.update(fields)
    return Cadre.objects.create(
        name=name,
        gender=gender,
        birth_date=born,
        unit=unit,
        name_pinyin=pinyin,
        name_initials=initials,
        stroke_key=stroke,
        **defaults,
    )


def seed_registry_demo(*, cadres: int, seed: int) -> SeedStats:
    """The registry part of the demo county (units, teams, posts and cadres, as `seed_demo` builds
    them) for tests of the apps below `home`, which may not import the whole demo."""
    ctx = DemoContext(seed=seed, cadres=cadres, rng=random.Random(seed), progress=lambda message: None)
    seed_structure(ctx)
    seed_cadres(ctx)
    return ctx.stats
