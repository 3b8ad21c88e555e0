"""Ranking within a category and the unit grades (pure).

- **Ties share the better rank** (competition ranking: 1, 2, 2, 4), for measured values
  (`rank_linear`) and for totals alike.
- **Vetoes.** A vetoed unit (一票否决) ranks after every unit of its category without a veto;
  vetoed units rank among themselves by total. Ranks run on (1 … k for the others, k + 1 … for the
  vetoed).
- **Grades.** Bands from the top: a unit gets the first band whose `min_score` its total reaches
  (≥), that its veto cap allows, and that still has a place. A band with `max_share` has
  floor(max_share × n) places, n = the number of units of the category (vetoed ones included): the
  best ranked eligible units take them in rank order; the others fall to the next band. Units tied
  on the last place are not split: when they do not all fit, none of them gets the band (nor any
  unit ranked below them), so the share is never exceeded and nobody is chosen by chance. A unit
  below every band's `min_score` has no grade (None).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from itertools import groupby
from math import floor
from typing import Any


@dataclass(frozen=True, slots=True)
class Grade:
    name: str
    min_score: Decimal
    max_share: Fraction | None = None  # a fraction of the category, None: no limit

    def places(self, size: int) -> int | None:
        """floor(max_share × size): 20 % of 9 units → 1 place, of 10 → 2; None when unlimited."""
        if self.max_share is None:
            return None
        return floor(self.max_share * size)


def competition_ranks(keys: Sequence[Any]) -> list[int]:
    """1-based ranks, a smaller key ranking better; equal keys share the better rank (1, 2, 2, 4)."""
    order = sorted(range(len(keys)), key=keys.__getitem__)
    ranks = [0] * len(keys)
    for position, index in enumerate(order):
        if position and keys[index] == keys[order[position - 1]]:
            ranks[index] = ranks[order[position - 1]]
        else:
            ranks[index] = position + 1
    return ranks


def value_ranks(values: Sequence[Decimal]) -> list[int]:
    """Ranks by a measured value, highest first."""
    return competition_ranks([-v for v in values])


def unit_ranks(totals: Sequence[Decimal], vetoed: Sequence[bool]) -> list[int]:
    """Ranks of a category's units: units without a veto by total (highest first), then the vetoed
    units by total."""
    return competition_ranks([(v, -t) for t, v in zip(totals, vetoed, strict=True)])


def assign_grades(
    *,
    totals: Sequence[Decimal],
    ranks: Sequence[int],
    grades: Sequence[Grade],
    caps: Sequence[int] | None = None,
) -> list[str | None]:
    """The grade of each unit of one category (see the module's docstring).

    `caps[i]` is the index in `grades` of the highest grade unit i may get (0: no cap; a veto's
    `grade` gives its index)."""
    size = len(totals)
    limits = list(caps) if caps is not None else [0] * size
    result: list[str | None] = [None] * size
    order = sorted(range(size), key=lambda i: (ranks[i], i))
    for band, grade in enumerate(grades):
        eligible = [
            i for i in order if result[i] is None and limits[i] <= band and totals[i] >= grade.min_score
        ]
        places = grade.places(size)
        if places is None:
            for i in eligible:
                result[i] = grade.name
            continue
        taken = 0
        for _rank, tied in groupby(eligible, key=ranks.__getitem__):
            members = list(tied)
            if taken + len(members) > places:
                break
            for i in members:
                result[i] = grade.name
            taken += len(members)
    return result
