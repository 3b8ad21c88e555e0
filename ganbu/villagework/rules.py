"""The rules of 驻村工作 as pure functions (no database), and the named default of every number they
use (seed 000, DESIGN.md).

The numbers a county administrator may change live in `models.VillageWorkSettings` (one row, read
with `VillageWorkSettings.current()`, changed by `services.settings.settings_update`); the defaults
below are its field defaults, the values in force until someone changes them. Predicates take the
value in force as an argument; messages print it.

- **Edit window**: the cadre may change their own log while today <= 记录日期 + N days
  (`EDIT_WINDOW_DAYS`); on day N + 1 it is locked for them (the township corrects it with a reason).
- **Weekly quota** (出诊): a cadre owes `WEEKLY_VISIT_QUOTA` household visits in every full
  Monday–Sunday week of their stay; a village owes the quota times the cadres stationed the whole
  week. `week_met` is the one place that decides whether a week met it.
- **Rotation** (轮岗提醒): a continuous stay in one village is due after `ROTATION_YEARS` years,
  from the anniversary of its start on (`core.dates.add_years`: 29 February → 1 March).
- **Requests** (群众诉求): due `REQUEST_DUE_DAYS` days after they are raised unless set otherwise;
  overdue = not resolved and the due date before today (due today is not overdue).
- **Photos**: each at most `PHOTO_MAX_KB`, at most `PHOTOS_PER_LOG` per log.
- **Annual evaluation**: rater groups and their weights, bundled items and their weights, the share
  of each part in the total and the grade thresholds (copied into an evaluation when it is opened);
  option points and the work part's sub-weights are fixed (`OPTION_POINTS`, `WORK_WEIGHTS`).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from ganbu.core.dates import add_years

# --------------------------------------------------------------------------------------------------
# Settings: the defaults of VillageWorkSettings, and the range an administrator may choose from
# --------------------------------------------------------------------------------------------------

EDIT_WINDOW_DAYS = 7
WEEKLY_VISIT_QUOTA = 5
ROTATION_YEARS = 3
REQUEST_DUE_DAYS = 15
PHOTO_MAX_KB = 2048
PHOTOS_PER_LOG = 6

# (lowest, highest) accepted for each integer setting
SETTING_RANGES: dict[str, tuple[int, int]] = {
    "edit_window_days": (0, 365),
    "weekly_visit_quota": (0, 200),
    "rotation_years": (1, 30),
    "request_due_days": (1, 365),
    "photo_max_kb": (50, 20480),
    "photos_per_log": (0, 20),
}

RATER_GROUPS: tuple[tuple[str, int], ...] = (("村民代表", 40), ("乡镇干部", 30), ("乡镇领导", 30))
BUNDLED_ITEMS: tuple[tuple[str, int], ...] = (
    ("村级创业承诺", 25),
    ("村务财务党务公开", 25),
    ("社会治安综合治理", 25),
    ("村级组织建设", 25),
)
# share of the final 100-point score taken by each part
PARTS: tuple[str, ...] = ("ballot", "bundled", "work")
PART_WEIGHTS: dict[str, int] = {"ballot": 50, "bundled": 30, "work": 20}
# lowest score for each suggested grade (ZB18 code), highest first; below the last → 不称职 ("4")
GRADE_CODES: tuple[str, ...] = ("1", "2", "3")
GRADE_MINIMUMS: tuple[int, ...] = (90, 75, 60)


def rater_groups() -> list[dict[str, Any]]:
    """The default rater groups (a fresh list: the model field's default)."""
    return [{"name": name, "weight": weight} for name, weight in RATER_GROUPS]


def bundled_items() -> list[dict[str, Any]]:
    return [{"name": name, "weight": weight} for name, weight in BUNDLED_ITEMS]


def part_weights() -> dict[str, int]:
    return dict(PART_WEIGHTS)


def grade_thresholds() -> list[dict[str, Any]]:
    return [{"grade": g, "min": m} for g, m in zip(GRADE_CODES, GRADE_MINIMUMS, strict=True)]


# --------------------------------------------------------------------------------------------------
# The annual evaluation's fixed numbers
# --------------------------------------------------------------------------------------------------

# points per 民主测评 option (the ballot engine's rating options)
OPTION_POINTS: dict[str, int] = {"优秀": 100, "称职": 80, "基本称职": 60, "不称职": 0}
UNFIT_OPTION = "不称职"
# sub-weights of the work part (percent, sum 100)
WORK_WEIGHTS: dict[str, int] = {"coverage": 50, "quota": 30, "resolution": 20}
# 应到 per rater group proposed when the ballot sessions are created; other groups get the fallback
EXPECTED_VOTERS: dict[str, int] = {"村民代表": 30, "乡镇干部": 15, "乡镇领导": 5}
EXPECTED_FALLBACK = 10
EXPECTED_MAX = 5000
# a 不胜任现职预警 caps the suggested grade at 基本称职
UNFIT_CAP_GRADE = "3"

# rotation: stays that become due within this many days are listed for planning
ROTATION_UPCOMING_DAYS = 365


# --------------------------------------------------------------------------------------------------
# Predicates
# --------------------------------------------------------------------------------------------------


def week_requirement(quota: int, cadres: int = 1) -> int:
    """The household visits owed in one quota week: the quota for each cadre stationed the whole
    week (a village with two cadres owes twice the quota)."""
    return quota * cadres


def week_met(visits: int, required: int) -> bool:
    """The weekly-quota rule: a quota week is met when its visits reach what was owed
    (`week_requirement`). Used by every number that counts met weeks."""
    return visits >= required


def edit_deadline(logged_on: date, window_days: int) -> date:
    """The last day the cadre may change a log of `logged_on` themself."""
    return logged_on + timedelta(days=window_days)


def edit_days_left(logged_on: date, today: date, window_days: int) -> int:
    """Days the cadre may still change the log (0 = today is the last day; negative = locked)."""
    return (edit_deadline(logged_on, window_days) - today).days


def request_due_on(raised_on: date, due_days: int) -> date:
    return raised_on + timedelta(days=due_days)


def is_overdue(*, resolved: bool, due_on: date, today: date) -> bool:
    """Not resolved and the due date has passed (due today is not overdue yet)."""
    return not resolved and due_on < today


def days_overdue(*, resolved: bool, due_on: date, today: date) -> int:
    """Whole days past the due date (0 when not overdue)."""
    return (today - due_on).days if is_overdue(resolved=resolved, due_on=due_on, today=today) else 0


def rotation_due_on(since: date, years: int) -> date:
    """The day a continuous stay that began on `since` becomes due for rotation (its `years`-th
    anniversary: exactly N years is due)."""
    return add_years(since, years)


def photo_too_large(size_bytes: int, max_kb: int) -> bool:
    return size_bytes > max_kb * 1024


# --- 村民小组 order ------------------------------------------------------------------------------

_NUMERAL = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNIT = {"十": 10, "百": 100}
_NUMBER = re.compile(r"[0-9０-９]+|[零〇一二两三四五六七八九十百]+")
UNNUMBERED_GROUP = 100_000  # groups without a number come after the numbered ones, by name


def _chinese_number(text: str) -> int:
    """「十」 10, 「十二」 12, 「二十」 20, 「二十三」 23, 「一百零五」 105, 「三五」 35 (digit by digit)."""
    if not any(ch in _UNIT for ch in text):
        return int("".join(str(_NUMERAL[ch]) for ch in text))
    total, digit = 0, 0
    for ch in text:
        if ch in _UNIT:
            total += (digit or 1) * _UNIT[ch]
            digit = 0
        else:
            digit = _NUMERAL[ch]
    return total + digit


def group_order(name: str) -> int:
    """Where a 村民小组 sorts: by its number (一组 < 二组 < 十组 < 十一组; 3组, 第3村民小组 and
    第三组 alike), unnumbered names after all numbered ones. The first number in the name counts."""
    match = _NUMBER.search(name or "")
    if not match:
        return UNNUMBERED_GROUP
    text = match.group(0)
    if text[0].isdigit():
        value = int(text.translate(str.maketrans("０１２３４５６７８９", "0123456789")))
    else:
        value = _chinese_number(text)
    return min(value, UNNUMBERED_GROUP - 1)
