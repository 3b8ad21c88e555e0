"""The statutory retirement age of the 2025 reform (`cadres.rules.statutory_retirement`), against
the official comparison table, and who belongs to which retirement group."""

from __future__ import annotations

from datetime import date

import pytest

from ganbu.cadres.rules import RetirementGroup, retirement_group, statutory_retirement

# The official comparison table (人社部《渐进式延迟法定退休年龄对照表》): birth month → age → month.
MEN = [
    ((1964, 12), (60, 0), (2024, 12)),
    ((1965, 1), (60, 1), (2025, 2)),
    ((1965, 4), (60, 1), (2025, 5)),
    ((1965, 5), (60, 2), (2025, 7)),
    ((1965, 8), (60, 2), (2025, 10)),
    ((1965, 9), (60, 3), (2025, 12)),
    ((1966, 1), (60, 4), (2026, 5)),
    ((1970, 1), (61, 4), (2031, 5)),
    ((1976, 8), (62, 11), (2039, 7)),
    ((1976, 9), (63, 0), (2039, 9)),
    ((1990, 6), (63, 0), (2053, 6)),
]
WOMEN_CADRES = [
    ((1969, 12), (55, 0), (2024, 12)),
    ((1970, 1), (55, 1), (2025, 2)),
    ((1970, 5), (55, 2), (2025, 7)),
    ((1981, 8), (57, 11), (2039, 7)),
    ((1981, 9), (58, 0), (2039, 9)),
]
WOMEN_WORKERS = [
    ((1974, 12), (50, 0), (2024, 12)),
    ((1975, 1), (50, 1), (2025, 2)),
    ((1975, 2), (50, 1), (2025, 3)),
    ((1975, 3), (50, 2), (2025, 5)),
    ((1980, 1), (52, 7), (2032, 8)),
    ((1984, 10), (54, 11), (2039, 9)),
    ((1984, 11), (55, 0), (2039, 11)),
]


@pytest.mark.parametrize(
    ("group", "born", "age", "month"),
    [(RetirementGroup.MEN, *row) for row in MEN]
    + [(RetirementGroup.WOMEN_CADRES, *row) for row in WOMEN_CADRES]
    + [(RetirementGroup.WOMEN_WORKERS, *row) for row in WOMEN_WORKERS],
)
def test_statutory_retirement_follows_the_official_table(
    group: RetirementGroup, born: tuple[int, int], age: tuple[int, int], month: tuple[int, int]
) -> None:
    result = statutory_retirement(date(born[0], born[1], 15), group)
    assert (result.years, result.months) == age
    assert (result.year, result.month) == month


def test_the_first_affected_men_retire_in_february_2025() -> None:
    result = statutory_retirement(date(1965, 1, 1), RetirementGroup.MEN)
    assert result.age_label == "60岁1个月"
    assert result.year_month == "202502"  # LRMX 到龄年月
    assert result.label == "2025年2月"


def test_which_group_a_woman_is_in() -> None:
    assert retirement_group("1", "4") == RetirementGroup.MEN
    for category in ("1", "2", "3"):  # 公务员, 参公, 事业
        assert retirement_group("2", category) == RetirementGroup.WOMEN_CADRES
    for category in ("4", "9"):  # 村(社区)干部, 其他
        assert retirement_group("2", category) == RetirementGroup.WOMEN_WORKERS
