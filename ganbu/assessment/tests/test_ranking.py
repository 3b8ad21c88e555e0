"""Ranks (ties share the better rank, vetoed units last) and grades with their maximum shares
(rules.ranking)."""

from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction

from ganbu.assessment.rules import Grade, assign_grades, competition_ranks, unit_ranks

GRADES = [
    Grade("实绩突出", D(900), Fraction(1, 5)),
    Grade("好", D(800)),
    Grade("一般", D(600)),
    Grade("较差", D(0)),
]


def totals(*values: str) -> list[D]:
    return [D(v) for v in values]


def test_ties_share_the_better_rank() -> None:
    assert competition_ranks([3, 1, 2, 2, 5]) == [4, 1, 2, 2, 5]
    assert unit_ranks(totals("950", "900", "900", "850"), [False] * 4) == [1, 2, 2, 4]
    assert unit_ranks(totals("900", "900", "900"), [False] * 3) == [1, 1, 1]


def test_vetoed_units_rank_after_the_others_and_among_themselves_by_total() -> None:
    # 甲 980 vetoed, 乙 700, 丙 990 vetoed, 丁 800 → 丁 1, 乙 2, 丙 3, 甲 4
    ranks = unit_ranks(totals("980", "700", "990", "800"), [True, False, True, False])
    assert ranks == [4, 2, 3, 1]
    # vetoed ties share too
    assert unit_ranks(totals("500", "980", "980"), [False, True, True]) == [1, 2, 2]


def grades_of(
    values: list[D], *, caps: list[int] | None = None, vetoed: list[bool] | None = None
) -> list[str | None]:
    ranks = unit_ranks(values, vetoed or [False] * len(values))
    return assign_grades(totals=values, ranks=ranks, grades=GRADES, caps=caps)


def test_grade_bands_by_min_score() -> None:
    assert grades_of(totals("899.99", "800", "799.99", "600", "599.99")) == [
        "好",
        "好",
        "一般",
        "一般",
        "较差",
    ]


def test_max_share_takes_floor_of_share_times_n() -> None:
    # 1/5 of 10 units = 2 places: the two best of the four ≥ 900 get it, the others fall to 好
    ten = totals("990", "980", "970", "960", "850", "800", "700", "650", "600", "100")
    assert grades_of(ten)[:5] == ["实绩突出", "实绩突出", "好", "好", "好"]
    # 1/5 of 9 units = 1.8 → 1 place
    nine = ten[:9]
    assert grades_of(nine)[:3] == ["实绩突出", "好", "好"]
    # 1/5 of 4 units = 0.8 → no place at all
    assert grades_of(totals("990", "980", "700", "600")) == ["好", "好", "一般", "一般"]


def test_max_share_boundary_exactly_one_place() -> None:
    # 5 units: 1/5 × 5 = 1 place exactly
    assert grades_of(totals("950", "940", "700", "600", "0")) == ["实绩突出", "好", "一般", "一般", "较差"]


def test_units_tied_on_the_last_place_are_not_split() -> None:
    # 10 units, 2 places: 990 takes one; 970 and 970 tie for the second: both fall to 好, and so
    # does 960 ranked below them
    ten = totals("990", "970", "970", "960", "850", "800", "700", "650", "600", "100")
    assert grades_of(ten)[:4] == ["实绩突出", "好", "好", "好"]
    # a tie that fits is kept together
    ten = totals("970", "970", "960", "950", "850", "800", "700", "650", "600", "100")
    assert grades_of(ten)[:3] == ["实绩突出", "实绩突出", "好"]


def test_a_veto_caps_the_grade_and_does_not_take_a_place() -> None:
    # 5 units, 1 place; 丙 995 is vetoed (cap 一般 = index 2): it ranks last and gets 一般; the place
    # goes to 甲 950
    values = totals("950", "940", "995", "700", "500")
    vetoed = [False, False, True, False, False]
    assert grades_of(values, caps=[0, 0, 2, 0, 0], vetoed=vetoed) == [
        "实绩突出",
        "好",
        "一般",
        "一般",
        "较差",
    ]
    # the cap is a maximum: a vetoed unit below 一般 gets the lower grade
    values = totals("950", "940", "590", "700", "500")
    assert grades_of(values, caps=[0, 0, 2, 0, 0], vetoed=vetoed)[2] == "较差"


def test_below_every_band_has_no_grade() -> None:
    grades = [Grade("好", D(800)), Grade("一般", D(600))]
    ranks = unit_ranks(totals("850", "550"), [False, False])
    assert assign_grades(totals=totals("850", "550"), ranks=ranks, grades=grades) == ["好", None]
    assert assign_grades(totals=totals("850"), ranks=[1], grades=[]) == [None]
