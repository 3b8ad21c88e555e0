"""The demo's household registers: each village gets its `Unit.households` households in 4–12
村民小组, unique by 户主 + 村民小组, with the search keys the services would derive."""

from __future__ import annotations

import itertools

from django.db import reset_queries, transaction

from ganbu.core.demo import FEMALE_CHARS, MALE_CHARS, SURNAMES, weighted
from ganbu.core.pinyin import name_keys
from ganbu.org.models import Unit
from ganbu.villagework.demo.common import CHUNK, DemoRun, DemoVillage
from ganbu.villagework.demo.texts import (
    HOUSEHOLD_CATEGORIES,
    MEMBER_COUNTS,
    MEMBER_WEIGHTS,
    NUMERALS,
    PHONE_PREFIXES,
)
from ganbu.villagework.models import Household, HouseholdCategory
from ganbu.villagework.rules import group_order


def group_names(n: int) -> list[str]:
    def numeral(i: int) -> str:
        return NUMERALS[i - 1] if i <= 10 else "十" + NUMERALS[i - 11]

    return [numeral(i) + "组" for i in range(1, n + 1)]


class HouseholdBuilder:
    def __init__(self, run: DemoRun) -> None:
        self.run = run
        self.name_cache: dict[str, tuple[str, str]] = {}
        self.surnames = [s for s, _ in SURNAMES]
        self.surname_cum = list(itertools.accumulate(w for _, w in SURNAMES))

    def _head_name(self) -> str:
        rng = self.run.rng
        surname = rng.choices(self.surnames, cum_weights=self.surname_cum)[0]
        chars = MALE_CHARS if rng.random() < 0.82 else FEMALE_CHARS
        given = rng.choice(chars) if rng.random() < 0.3 else rng.choice(chars) + rng.choice(chars)
        return surname + given

    def _keys(self, name: str) -> tuple[str, str]:
        keys = self.name_cache.get(name)
        if keys is None:
            pinyin, initials, _ = name_keys(name)
            keys = self.name_cache[name] = (pinyin, initials)
        return keys

    def _phone(self) -> str:
        return self.run.rng.choice(PHONE_PREFIXES) + f"{self.run.rng.randrange(10**8):08d}"

    def build(self, villages: list[Unit]) -> dict[int, DemoVillage]:
        rng = self.run.rng
        by_village: dict[int, DemoVillage] = {}
        batch: list[Household] = []
        total = 0
        for village in villages:
            info = DemoVillage(unit=village, groups=group_names(rng.randint(4, 12)))
            by_village[village.pk] = info
            taken: set[tuple[str, str]] = set()
            for _ in range(village.households or 0):
                group = rng.choice(info.groups)
                name = self._head_name()
                while (name, group) in taken:  # 户主 + 小组 is unique within the village
                    name = self._head_name()
                taken.add((name, group))
                category = weighted(rng, HOUSEHOLD_CATEGORIES)
                members = (
                    1
                    if category == HouseholdCategory.WUBAO
                    else rng.choices(MEMBER_COUNTS, weights=MEMBER_WEIGHTS)[0]
                )
                pinyin, initials = self._keys(name)
                household = Household(
                    village_id=village.pk,
                    head_name=name,
                    group_name=group,
                    group_order=group_order(group),
                    members=members,
                    phone=self._phone() if rng.random() < 0.8 else "",
                    category=category,
                    address=f"{village.name}{group}{rng.randint(1, 120)}号",
                    head_pinyin=pinyin,
                    head_initials=initials,
                )
                batch.append(household)
                info.households.append(household)
            if len(batch) >= CHUNK:
                total += self._insert_households(batch)
                batch = []
        total += self._insert_households(batch)
        self.run.counts["households"] = total
        return by_village

    def _insert_households(self, batch: list[Household]) -> int:
        if not batch:
            return 0
        with transaction.atomic():
            Household.objects.bulk_create(batch, batch_size=CHUNK)
        reset_queries()
        self.run.rows += len(batch)
        return len(batch)
