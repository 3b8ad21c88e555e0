"""优秀 places of a unit: floor(participants × share), the share by the unit's sealed 综合考核 grade
(settings.share_by_grade; default_share without one), at most the cap (cap_with_approval when the
approval is recorded); with separate pools, leaders and staff each floor(pool × share). An
outstanding unit (settings.bonus_grade) then gets the county's 机动指标 bonus, after the cap
(「在县里掌握的机动指标内」): fewer than `bonus_small_unit` participants → +1 (with separate pools to
`small_unit_bonus_pool`); otherwise +1 for leaders and +1 for staff (both to the one pool when the
unit counts them together)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import floor
from typing import Any

from ganbu.assessment.grading.settings import GradingSettings

POOL_LABELS = {"all": "本单位", "leaders": "领导干部", "staff": "一般工作人员"}


@dataclass(frozen=True)
class Quota:
    share: Fraction  # the share applied (after the cap)
    places: dict[str, int]  # by pool, from the share
    bonus: dict[str, int]  # by pool, the county's 机动指标

    @property
    def total(self) -> dict[str, int]:
        return {pool: n + self.bonus.get(pool, 0) for pool, n in self.places.items()}

    @staticmethod
    def pool_label(pool: str) -> str:
        return POOL_LABELS.get(pool, pool)

    def as_dict(self) -> dict[str, Any]:
        return {
            "share": f"{float(self.share):.4g}",
            "places": self.places,
            "bonus": self.bonus,
            "total": self.total,
        }


def compute_quota(
    *, leaders: int, staff: int, unit_grade: str | None, pools: str, approved: bool, settings: GradingSettings
) -> Quota:
    share = (
        settings.share_by_grade.get(unit_grade, settings.default_share)
        if unit_grade
        else settings.default_share
    )
    share = min(share, settings.cap_with_approval if approved else settings.cap)
    n = leaders + staff
    if pools == "leaders_staff":
        places = {"leaders": floor(leaders * share), "staff": floor(staff * share)}
    else:
        places = {"all": floor(n * share)}
    bonus: dict[str, int] = {}
    if unit_grade and unit_grade == settings.bonus_grade and n:
        if n < settings.bonus_small_unit:
            bonus = {settings.small_unit_bonus_pool if pools == "leaders_staff" else "all": 1}
        else:
            bonus = {"leaders": 1, "staff": 1} if pools == "leaders_staff" else {"all": 2}
    return Quota(share, places, bonus)
