"""身份证号 (GB 11643): the province of the address code (GB/T 2260), the region 000000, the birth date
(a real date, from 1900, not after today) and the check character, each refused with a Chinese
message that names the problem."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import time_machine

from ganbu.cadres.rules import ID_PROVINCES, id_check_char, make_id_number, parse_id_number

TODAY = date(2026, 12, 7)
BORN = date(1985, 3, 4)


def number(area: str = "469099", born: date = BORN) -> str:
    return make_id_number(area, born, 12, "1")


def refusal(value: str, today: date = TODAY) -> str:
    with pytest.raises(ValueError) as exc:
        parse_id_number(value, today=today)
    message = str(exc.value)
    assert not re.search(r"[(),:;]", message), message  # full-width punctuation in Chinese text
    return message


@pytest.mark.parametrize(
    "province",
    ["11", "15", "21", "23", "31", "37", "41", "46", "50", "54", "61", "65", "71", "81", "82", "83"],
)
def test_it_accepts_every_province_of_gb_t_2260_at_the_ends_of_each_range(province: str) -> None:
    assert parse_id_number(number(province + "0101"), today=TODAY).birth_date == BORN


@pytest.mark.parametrize(
    "province",
    [
        "00",
        "10",
        "16",
        "20",
        "24",
        "30",
        "38",
        "40",
        "47",
        "49",
        "55",
        "60",
        "66",
        "70",
        "72",
        "80",
        "84",
        "91",
        "99",
    ],
)
def test_it_refuses_first_two_digits_that_are_no_province(province: str) -> None:
    message = refusal(number(province + "0101"))
    assert f"前两位 {province} 不是省级行政区划代码" in message


def test_the_provinces_are_the_34_of_the_standard_and_the_taiwan_residence_permits() -> None:
    assert len(ID_PROVINCES) == 35


def test_it_refuses_the_region_000000() -> None:
    assert "地址码不能为000000" in refusal(number("000000"))


def test_a_birth_today_is_accepted_and_tomorrow_refused() -> None:
    assert parse_id_number(number(born=TODAY), today=TODAY).birth_date == TODAY
    tomorrow = TODAY + timedelta(days=1)
    message = refusal(number(born=tomorrow))
    assert message == f"身份证号中的出生日期 {tomorrow:%Y%m%d} 晚于今天（{TODAY:%Y%m%d}）"


def test_today_is_the_local_date_when_not_given() -> None:
    with time_machine.travel("2026-12-07 23:30 +08:00", tick=False):  # still 7 December in China
        assert parse_id_number(number(born=date(2026, 12, 7))).birth_date == date(2026, 12, 7)
        with pytest.raises(ValueError, match="晚于今天"):
            parse_id_number(number(born=date(2026, 12, 8)))


def test_births_from_1900_are_accepted_and_earlier_ones_refused_saying_why() -> None:
    assert parse_id_number(number(born=date(1900, 1, 1)), today=TODAY).birth_date == date(1900, 1, 1)
    assert refusal(number(born=date(1899, 12, 31))) == "身份证号中的出生日期 18991231 早于1900年，不予接受"


def test_an_impossible_date_is_refused() -> None:
    first17 = "46909919850230123"
    assert "19850230 不是有效日期" in refusal(first17 + id_check_char(first17))


def test_a_wrong_check_character_is_refused_naming_the_right_one() -> None:
    good = number()
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    assert refusal(wrong) == f"身份证号校验位错误（应为 {good[17]}）"


def test_the_shape_is_checked_first() -> None:
    assert refusal("12345") == "身份证号应为18位，前17位为数字，最后一位为数字或X"
