"""Pure rules: rounding, the age rule and age caps, age bands, grades and the seed-style sentence.
(The statutory retirement age is the registry's: cadres/tests/test_retirement.py.)"""

from __future__ import annotations

from datetime import date

import pytest

from ganbu.analytics.rules import (
    SEED000_BANDS,
    SEED001_BANDS,
    Grade,
    SentencePart,
    bands_from_cuts,
    born_by,
    grade_of,
    has_reached_age,
    parse_cuts,
    reaches_age_on,
    seed_sentence,
)
from ganbu.core.dates import add_years, age_on, years_before
from ganbu.core.numbers import (
    average_tenths,
    format_tenths,
    percent_hundredths,
    percent_tenths,
    percent_whole,
    round_half_up_div,
)


@pytest.mark.parametrize(
    ("count", "total", "whole", "tenths"),
    [
        (98, 126, 78, 778),
        (28, 126, 22, 222),
        (47, 126, 37, 373),  # the seed's table says 47; the count gives 37
        (27, 126, 21, 214),
        (1, 126, 1, 8),
        (1, 8, 13, 125),  # 12.5 → 13: half up, where banker's rounding gives 12
        (1, 16, 6, 63),  # 6.25 → 6.3 (banker's: 6.2)
        (1, 200, 1, 5),  # 0.5% → 1% whole: half up (banker's: 0)
        (5, 40, 13, 125),
        (0, 7, 0, 0),
        (7, 7, 100, 1000),
    ],
)
def test_percentages_round_half_up_on_integers(count: int, total: int, whole: int, tenths: int) -> None:
    assert percent_whole(count, total) == whole
    assert percent_tenths(count, total) == tenths


def test_no_percentage_of_nobody() -> None:
    assert percent_whole(0, 0) is None
    assert format_tenths(percent_tenths(0, 0)) == "—"


def test_formatting() -> None:
    assert format_tenths(373) == "37.3"
    assert format_tenths(-5) == "-0.5"
    assert format_tenths(0) == "0.0"
    assert percent_hundredths(256, 674) == 3798  # seed 004's 37.98%
    assert average_tenths(85, 2) == 425
    assert round_half_up_div(-3, 2) == -2


def test_seed001_bands_include_their_upper_ages() -> None:
    ages = {band.label: [a for a in range(20, 70) if band.contains(a)] for band in SEED001_BANDS}
    assert ages["35岁以下"][-1] == 35
    assert ages["36–40岁"] == [36, 37, 38, 39, 40]
    assert ages["41–50岁"][0] == 41 and ages["41–50岁"][-1] == 50
    assert ages["51岁以上"][0] == 51


def test_seed000_bands_are_under_30_and_over_45() -> None:
    by_age = {a: next(b.label for b in SEED000_BANDS if b.contains(a)) for a in range(20, 70)}
    assert by_age[29] == "30岁以下" and by_age[30] == "30–34岁"
    assert by_age[45] == "41–45岁" and by_age[46] == "45岁以上"
    # every age is in exactly one band
    assert all(sum(b.contains(a) for b in SEED000_BANDS) == 1 for a in range(0, 100))


def test_custom_bands_from_cuts() -> None:
    bands = bands_from_cuts(parse_cuts("35,40,50"))
    assert [b.label for b in bands] == ["35岁及以下", "36–40岁", "41–50岁", "51岁及以上"]
    assert parse_cuts("30,35、40") == (30, 35, 40)  # half-width: parsers accept both widths
    assert parse_cuts("30，35、40") == (30, 35, 40)
    for bad in ("", "a", "40,35", "35,35", "0,10", "35;40"):
        with pytest.raises(ValueError):
            parse_cuts(bad)


@pytest.mark.parametrize(
    ("on", "age"),
    [(date(2015, 10, 31), 35), (date(2016, 2, 29), 40), (date(2024, 2, 29), 60)],
)
def test_birth_date_threshold_matches_age_on(on: date, age: int) -> None:
    threshold = years_before(on, age)
    assert born_by(age, on) == threshold
    assert age_on(threshold, on) >= age
    assert age_on(date.fromordinal(threshold.toordinal() + 1), on) < age


def test_someone_born_on_29_february_reaches_an_age_on_1_march_in_common_years() -> None:
    born = date(1972, 2, 29)
    assert add_years(born, 55) == date(2027, 3, 1)
    assert age_on(born, date(2027, 2, 28)) == 54
    assert age_on(born, date(2027, 3, 1)) == 55
    assert add_years(born, 56) == date(2028, 2, 29)
    assert reaches_age_on(born, 55) == date(2027, 3, 1)
    assert not has_reached_age(born, 55, date(2027, 2, 28))
    assert has_reached_age(born, 55, date(2027, 3, 1))


def test_a_cap_is_reached_on_the_birthday_and_not_a_day_before() -> None:
    born = date(1970, 5, 10)
    assert reaches_age_on(born, 55) == date(2025, 5, 10)
    assert not has_reached_age(born, 55, date(2025, 5, 9))  # just below
    assert has_reached_age(born, 55, date(2025, 5, 10))  # at the cap
    assert has_reached_age(born, 55, date(2025, 5, 11))  # just above


def test_grade_is_the_higher_of_level_and_rank() -> None:
    assert grade_of("1A41", "") == Grade.SECTION_CHIEF
    assert grade_of("1A42", "17") == Grade.SECTION_CHIEF  # 副科 post, 一级主任科员
    assert grade_of("1A50", "1A") == Grade.SECTION_DEPUTY  # 科员 post, 四级主任科员
    assert grade_of("1A50", "1B") == Grade.STAFF
    assert grade_of("", "") == Grade.OTHER
    assert grade_of("1A99", "") == Grade.OTHER
    assert grade_of("1A32", "19") == Grade.COUNTY


def test_seed_sentence() -> None:
    text = seed_sentence(
        as_of=date(2015, 10, 31),
        subject="全县乡镇科级以上干部",
        total=126,
        groups=[
            [SentencePart("男性", 98), SentencePart("女性", 28)],
            [SentencePart("县处级", 0), SentencePart("正科", 28)],
        ],
        average_age_tenths=None,
    )
    assert (
        text
        == "截至2015年10月，全县乡镇科级以上干部126人，其中男性98名，占78%；女性28名，占22%；正科28名，占22%。"
    )
    assert (
        seed_sentence(as_of=date(2015, 10, 1), subject="某镇干部", total=0, groups=[])
        == "截至2015年10月，某镇干部0人。"
    )
