"""Working days: the built-in official schedule (holidays and make-up workdays), the
administrator's entries for later years, and Monday–Friday with a warning when neither knows."""

from __future__ import annotations

from datetime import date

import pytest

from ganbu.core.calendar import WorkCalendar, known_by_package


def test_2026_national_day_holiday_and_its_make_up_workday() -> None:
    cal = WorkCalendar()
    assert not cal.is_workday(date(2026, 10, 1)) and not cal.is_workday(date(2026, 10, 7))
    assert cal.is_workday(date(2026, 10, 10))  # Saturday: 调休上班
    assert cal.is_workday(date(2026, 9, 30))
    # 公示 from Wed 30 September, 5 working days: 9/30, 10/8, 10/9, 10/10 (Sat, make-up), 10/12
    assert cal.working_days_after(date(2026, 9, 30), 5) == date(2026, 10, 12)
    assert cal.working_days_between(date(2026, 9, 30), date(2026, 10, 11)) == 4
    assert cal.working_days_between(date(2026, 9, 30), date(2026, 10, 12)) == 5
    assert not cal.guessed_years


def test_2026_spring_festival_and_its_two_saturday_make_up_days() -> None:
    cal = WorkCalendar()
    assert cal.is_workday(date(2026, 2, 14)) and cal.is_workday(date(2026, 2, 28))  # Saturdays
    assert not cal.is_workday(date(2026, 2, 16)) and not cal.is_workday(date(2026, 2, 23))
    # from Fri 13 February: 2/13, 2/14 (Sat, make-up), then the holiday until 2/23, 2/24, 2/25, 2/26
    assert cal.working_days_after(date(2026, 2, 13), 5) == date(2026, 2, 26)
    assert cal.working_days_between(date(2026, 1, 1), date(2026, 12, 31)) == 248


def test_the_start_counts_only_when_it_is_a_working_day() -> None:
    cal = WorkCalendar()
    assert cal.working_days_after(date(2026, 11, 2), 1) == date(2026, 11, 2)  # Monday
    assert cal.working_days_after(date(2026, 11, 1), 1) == date(2026, 11, 2)  # Sunday
    assert cal.add_working_days(date(2026, 11, 2), 1) == date(2026, 11, 3)
    assert cal.working_days_between(date(2026, 11, 3), date(2026, 11, 2)) == 0
    with pytest.raises(ValueError):
        cal.working_days_after(date(2026, 11, 2), 0)


def test_a_year_the_package_does_not_know_falls_back_to_weekdays_and_says_so() -> None:
    assert known_by_package(2026) and not known_by_package(2027)
    cal = WorkCalendar()
    assert cal.is_workday(date(2027, 1, 1))  # a Friday, unknown: counted as a working day
    assert cal.guessed_years == {2027}
    assert "2027年的节假日安排尚未录入" in cal.warning()


def test_entries_for_2027_override_and_remove_the_warning() -> None:
    entries = {date(2027, 1, 1): False, date(2027, 1, 2): False, date(2027, 1, 3): False}
    cal = WorkCalendar(overrides=entries)
    assert not cal.is_workday(date(2027, 1, 1))
    assert cal.day(date(2027, 1, 1)) == (False, "table")
    assert cal.working_days_after(date(2026, 12, 31), 2) == date(2027, 1, 4)
    # the days around the entries are still guesses: the warning stays until the year is entered
    assert cal.guessed_years == {2027}
    # an entry also corrects a year the package knows
    assert (
        WorkCalendar(overrides={date(2026, 10, 9): False}).working_days_between(
            date(2026, 10, 8), date(2026, 10, 9)
        )
        == 1
    )
