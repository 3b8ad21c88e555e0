"""Working days (工作日) for every deadline of the system: 任前公示 (at least 5 working days), the 公示
of assessment grades, requests overdue in working days.

A day is a working day by, in this order:
1. the table an administrator keeps (`org`: 节假日安排, for years the package does not know yet;
   the schedule of next year is published each November or December) — passed in as `overrides`;
2. `chinesecalendar` (official holidays and make-up workdays, 调休, year by year);
3. neither knows the year: Monday to Friday, and the year is remembered in `guessed_years` so the
   page that used the result can say 「以下年份的节假日安排尚未录入，按周一至周五计算」.

Counting (the convention of 公示 notices, and of `chinesecalendar.find_workday`): a period of n
working days beginning on `start` counts `start` itself when it is a working day.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

import chinese_calendar

Source = Literal["table", "package", "weekday"]
_DAY = timedelta(days=1)
MAX_SPAN_DAYS = 3660  # a guard against loops over absurd spans (ten years)


@dataclass
class WorkCalendar:
    overrides: Mapping[date, bool] = field(default_factory=dict)  # date → is a working day
    guessed_years: set[int] = field(default_factory=set)

    def day(self, day: date) -> tuple[bool, Source]:
        """Whether `day` is a working day, and who said so."""
        if day in self.overrides:
            return self.overrides[day], "table"
        try:
            return bool(chinese_calendar.is_workday(day)), "package"
        except NotImplementedError:
            self.guessed_years.add(day.year)
            return day.weekday() < 5, "weekday"

    def is_workday(self, day: date) -> bool:
        return self.day(day)[0]

    def working_days_between(self, first: date, last: date) -> int:
        """Working days in [first, last], both ends included; 0 when last < first."""
        if last < first:
            return 0
        if (last - first).days > MAX_SPAN_DAYS:
            raise ValueError("期间过长")
        count, day = 0, first
        while day <= last:
            count += self.is_workday(day)
            day += _DAY
        return count

    def working_days_after(self, start: date, n: int) -> date:
        """The last day of a period of `n` working days beginning on `start` (the n-th working day
        counting `start` itself when it is one): 公示 from Monday 5 working days ends on Friday."""
        if n < 1:
            raise ValueError("n must be at least 1")
        day, counted = start, 0
        for _ in range(MAX_SPAN_DAYS):
            if self.is_workday(day):
                counted += 1
                if counted == n:
                    return day
            day += _DAY
        raise ValueError("期间过长")

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day strictly after `start` (a deadline of n working days from the day
        something was received)."""
        return self.working_days_after(start + _DAY, n)

    def warning(self) -> str:
        """The sentence a page shows when a result rests on Monday–Friday guesses ("" if none)."""
        if not self.guessed_years:
            return ""
        years = "、".join(str(y) for y in sorted(self.guessed_years))
        return f"{years}年的节假日安排尚未录入，工作日暂按周一至周五计算，请到「节假日安排」中录入。"


def known_by_package(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True
