"""Calendar arithmetic every app shares: ages and anniversaries (one 29-February policy), stays in
years, Monday–Sunday weeks.

The 29-February policy follows how an age is counted (`age_on`): a span of n years from a date is
complete on its n-th anniversary, and in a common year the anniversary of 29 February is 1 March
(someone born on 29 February 2000 is 18 on 1 March 2018, not on 28 February). So `add_years` moves
29 February to 1 March, and `years_before` (the latest start that is at least n years before a
date) moves it to 28 February; both agree with `age_on` at every boundary.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

WEEK = timedelta(days=7)


def age_on(born: date, on: date) -> int:
    """Whole years from `born` to `on` (an age, a time in post, years of service)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


years_between = age_on


def add_years(start: date, years: int) -> date:
    """The first day on which `years` whole years have passed since `start` (its anniversary):
    `age_on(start, add_years(start, n)) == n` and the day before it is n - 1. 29 February → 1 March
    in common years."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February in a common year
        return date(start.year + years, 3, 1)


def years_before(on: date, years: int) -> date:
    """The latest start date that is at least `years` whole years before `on`, so that
    `age_on(start, on) >= years ⇔ start <= years_before(on, years)` (e.g. "born on or before" for
    an age filter). `on` = 29 February and a common target year → 28 February."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return date(on.year - years, 2, 28)


def months_after(day: date, months: int) -> date:
    """The same day `months` months later (the last day of a shorter month)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def stay_years(since: date, on: date) -> float:
    """Years from `since` to `on`, rounded down to one decimal: whole anniversaries passed plus the
    share of the current anniversary year (integer arithmetic, no float drift)."""
    if on < since:
        return 0.0
    whole = age_on(since, on)
    start = add_years(since, whole)
    end = add_years(since, whole + 1)
    span = (end - start).days
    tenths = (whole * span + (on - start).days) * 10 // span
    return tenths / 10


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def full_weeks(start: date, end: date) -> list[date]:
    """Mondays of the Monday–Sunday weeks lying entirely inside [start, end]."""
    monday = start + timedelta(days=(7 - start.weekday()) % 7)
    weeks: list[date] = []
    while monday + timedelta(days=6) <= end:
        weeks.append(monday)
        monday += WEEK
    return weeks


def year_period(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def month_index(value: date) -> int:
    """Months since year 0 (for month arithmetic: index // 12 is the year, index % 12 + 1 the month)."""
    return value.year * 12 + value.month - 1
