"""Generic tools of the demo county that every app's seeder shares: the seeding context (one random
stream, the demo's "today", progress and figures) and plausible Chinese names. Each app builds its
own part in its `demo.py`; `ganbu/home/demo.py` runs them in order."""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

# The demo county's "today": every seeded date is on or before it.
TODAY = date(2026, 11, 1)

# surname, weight (approximate national frequency, with a Hainan flavour)
SURNAMES = [
    ("王", 72),
    ("李", 72),
    ("张", 69),
    ("刘", 55),
    ("陈", 54),
    ("杨", 32),
    ("黄", 25),
    ("赵", 21),
    ("吴", 21),
    ("周", 20),
    ("徐", 15),
    ("孙", 15),
    ("马", 14),
    ("朱", 13),
    ("胡", 12),
    ("郭", 12),
    ("何", 12),
    ("林", 11),
    ("高", 11),
    ("罗", 10),
    ("郑", 10),
    ("梁", 9),
    ("谢", 8),
    ("宋", 7),
    ("唐", 7),
    ("许", 7),
    ("韩", 7),
    ("冯", 6),
    ("邓", 6),
    ("曹", 6),
    ("彭", 6),
    ("曾", 6),
    ("肖", 6),
    ("田", 5),
    ("董", 5),
    ("符", 8),
    ("潘", 5),
    ("袁", 5),
    ("蔡", 5),
    ("蒋", 5),
    ("余", 5),
    ("于", 5),
    ("杜", 5),
    ("叶", 5),
    ("程", 4),
    ("苏", 4),
    ("魏", 4),
    ("吕", 4),
    ("丁", 4),
    ("任", 4),
    ("卢", 4),
    ("姚", 4),
    ("沈", 4),
    ("钟", 4),
    ("姜", 4),
    ("崔", 4),
    ("谭", 4),
    ("陆", 4),
    ("范", 3),
    ("汪", 3),
    ("廖", 3),
    ("石", 3),
    ("金", 3),
    ("韦", 3),
    ("贾", 3),
    ("夏", 3),
    ("付", 3),
    ("方", 3),
    ("邹", 3),
    ("熊", 3),
    ("白", 3),
    ("孟", 3),
    ("秦", 3),
    ("邱", 3),
    ("侯", 3),
    ("江", 3),
    ("尹", 3),
    ("薛", 3),
    ("闫", 3),
    ("段", 3),
    ("雷", 3),
    ("龙", 3),
    ("黎", 3),
    ("史", 3),
    ("陶", 3),
    ("贺", 3),
    ("毛", 3),
    ("郝", 3),
    ("顾", 3),
    ("龚", 3),
    ("邵", 3),
    ("万", 3),
    ("覃", 3),
    ("武", 3),
    ("钱", 3),
    ("戴", 3),
    ("严", 3),
    ("莫", 3),
    ("孔", 3),
    ("向", 3),
    ("常", 3),
    ("欧阳", 1),
    ("司马", 1),
]
MALE_CHARS = list("伟强军明辉建国华文斌志刚勇杰平涛磊峰海波鹏宇浩亮超东林春晓俊光永健兴福德立成新清荣飞凯顺")
FEMALE_CHARS = list("芳娟敏静丽艳娜秀英华慧婷玉霞红梅兰琳雪萍燕凤洁颖晶琴丹珍莉倩媛晓云月彩春翠雅")


@dataclass
class SeedStats:
    units: int = 0
    teams: int = 0
    posts: int = 0
    cadres: int = 0
    rows: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)


def weighted(rng: random.Random, items: Sequence[tuple[str, int]]) -> str:
    """One item, chosen with the given integer weights."""
    return rng.choices([i for i, _ in items], weights=[w for _, w in items])[0]


@dataclass
class DemoContext:
    """What the app seeders share: one random stream (so one seed gives one county), the
    requested size, progress reporting and the running figures."""

    seed: int
    cadres: int
    rng: random.Random
    progress: Callable[[str], None]
    stats: SeedStats = field(default_factory=SeedStats)

    def date_between(self, start: date, end: date) -> date:
        if end <= start:
            return start
        return start + timedelta(days=self.rng.randint(0, (end - start).days))

    def periods(self, start: date, end: date, *, shorter_than_days: int) -> list[tuple[date, date]]:
        """[start, end) cut into consecutive periods (each one's end is the next one's start) of
        at least a year where the span allows, each shorter than `shorter_than_days`."""
        days = (end - start).days
        if days <= 0:
            return []
        limit = shorter_than_days - 1
        fewest = math.ceil(days / limit)
        n = max(fewest, min(days // 365, fewest + self.rng.randint(0, 2)))
        piece = days / n
        jitter = int(min(piece * 0.3, (limit - piece) / 2))
        cuts = [start]
        for i in range(1, n):
            cuts.append(start + timedelta(days=round(piece * i) + self.rng.randint(-jitter, jitter)))
        cuts.append(end)
        return list(itertools.pairwise(cuts))


class NameMaker:
    """Plausible Chinese names (surnames by approximate national frequency, with a Hainan flavour)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._total = sum(w for _, w in SURNAMES)
        self._cumulative: list[tuple[float, str]] = []
        acc = 0.0
        for surname, w in SURNAMES:
            acc += w
            self._cumulative.append((acc, surname))

    def surname(self) -> str:
        r = self.rng.uniform(0, self._total)
        return next(s for acc, s in self._cumulative if r <= acc)

    def given(self, gender: str) -> str:
        rng = self.rng
        chars = MALE_CHARS if gender == "1" else FEMALE_CHARS
        return rng.choice(chars) if rng.random() < 0.35 else rng.choice(chars) + rng.choice(chars)

    def name(self, gender: str) -> str:
        surname = self.surname()
        return surname + self.given(gender)

    def relative(self, surname: str, gender: str, taken: list[str]) -> str:
        """A name with `surname` unlike every name in `taken` (a family's), added to it."""
        while True:
            name = surname + self.given(gender)
            if name not in taken:
                taken.append(name)
                return name


COMPOUND_SURNAMES = frozenset(s for s, _ in SURNAMES if len(s) > 1)


def surname_of(name: str) -> str:
    """The surname of a name made by NameMaker (欧阳 and 司马 are two characters)."""
    return name[:2] if name[:2] in COMPOUND_SURNAMES else name[:1]
