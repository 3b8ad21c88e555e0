"""Pure rules of structure analysis (no database): the age rule, age bands, level grades, the
seed-style sentence, age caps and the bounds of the settings administrators edit. Rounding and
percentages are the kernel's (`core.numbers`); the statutory retirement age is a fact about a
person and lives in `cadres.rules`.

Everything here is exact integer arithmetic; nothing goes through binary floats.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from ganbu.cadres.rules import EDUCATION_RANK
from ganbu.core.dates import add_years, years_before
from ganbu.core.numbers import format_tenths, percent_whole

# ---------------------------------------------------------------------------------------------
# The age rule (周岁) and age caps (任职年龄界限, 「年龄到杠」)
# ---------------------------------------------------------------------------------------------
# One rule for every age the analysis compares: age bands, 「N岁以下」 composition rules and the
# age-cap forecast. A person is N or older on D exactly when born on or before `born_by(N, D)`;
# they reach N (and a cap of N: 到杠) on `reaches_age_on(born, N)`. Both follow `core.dates`
# (`age_on`): someone born on 29 February turns a year older on 1 March in common years. The SQL
# of the selectors compares birth dates with `born_by` (selectors/sql.py `age_at_least`,
# `age_at_most`), so the database and Python cannot disagree.


def born_by(age: int, on: date) -> date:
    """The latest birth date of someone who is `age` or older on `on`."""
    return years_before(on, age)


def has_reached_age(born: date, age: int, on: date) -> bool:
    """Whether someone born on `born` is `age` or older on `on` (at or over an age cap of `age`)."""
    return born <= born_by(age, on)


def reaches_age_on(born: date, age: int) -> date:
    """The day someone born on `born` turns `age` (the 到杠 date of a cap of `age`)."""
    return add_years(born, age)


# The leadership levels (职务层次) an age cap may be set for: 正处 (1A31), 副处 (1A32), 正科 (1A41),
# 副科 (1A42). The defaults (seed 004) are loaded by migration 0002 into the AgeCap table.
CAP_LEVELS = ("1A31", "1A32", "1A41", "1A42")
# The range an administrator may set a cap in, in whole years of age.
CAP_AGE_MIN = 40
CAP_AGE_MAX = 70
# The range of the age limit of a 「不超过规定年龄」 composition rule.
RULE_AGE_MIN = 18
RULE_AGE_MAX = 80


# ---------------------------------------------------------------------------------------------
# Age bands
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgeBand:
    """Whole years of age on the as-of date (周岁), both ends inclusive; None = open."""

    key: str
    label: str
    min_age: int | None
    max_age: int | None
    phrase: str = ""  # for the seed-style sentence, e.g. 「36岁到40岁」

    def contains(self, age: int) -> bool:
        return (self.min_age is None or age >= self.min_age) and (self.max_age is None or age <= self.max_age)


def bands_from_cuts(cuts: Sequence[int]) -> tuple[AgeBand, ...]:
    """Bands from ascending upper bounds: (35, 40, 50) → ≤35, 36–40, 41–50, ≥51."""
    if not cuts:
        raise ValueError("至少需要一个分界年龄")
    if list(cuts) != sorted(set(cuts)) or cuts[0] < 1 or cuts[-1] > 99:
        raise ValueError("分界年龄应为 1–99 之间严格递增的整数")
    bands = [AgeBand("a0", f"{cuts[0]}岁及以下", None, cuts[0], f"{cuts[0]}岁及以下")]
    for i in range(1, len(cuts)):
        low, high = cuts[i - 1] + 1, cuts[i]
        bands.append(AgeBand(f"a{i}", f"{low}–{high}岁", low, high, f"{low}岁到{high}岁"))
    bands.append(
        AgeBand(f"a{len(cuts)}", f"{cuts[-1] + 1}岁及以上", cuts[-1] + 1, None, f"{cuts[-1] + 1}岁及以上")
    )
    return tuple(bands)


# Seed 001's table: 35岁以下 / 36-40 / 41-50 / 51岁以上. 「以下」 includes the number itself here
# (35 belongs to the first band, since the next starts at 36).
SEED001_BANDS = (
    AgeBand("a0", "35岁以下", None, 35, "35岁以下"),
    AgeBand("a1", "36–40岁", 36, 40, "36岁到40岁"),
    AgeBand("a2", "41–50岁", 41, 50, "41岁到50岁"),
    AgeBand("a3", "51岁以上", 51, None, "51岁以上"),
)
# Seed 000: 30岁以下 / 30至34岁 / 35至40岁 / 41至45岁 / 45岁以上. Because the second band starts at 30
# and the fourth ends at 45, 「30岁以下」 here means under 30 (≤29) and 「45岁以上」 over 45 (≥46).
SEED000_BANDS = (
    AgeBand("a0", "30岁以下", None, 29, "30岁以下"),
    AgeBand("a1", "30–34岁", 30, 34, "30岁至34岁"),
    AgeBand("a2", "35–40岁", 35, 40, "35岁至40岁"),
    AgeBand("a3", "41–45岁", 41, 45, "41岁至45岁"),
    AgeBand("a4", "45岁以上", 46, None, "45岁以上"),
)
BAND_PRESETS: dict[str, tuple[AgeBand, ...]] = {"seed001": SEED001_BANDS, "seed000": SEED000_BANDS}
BAND_PRESET_LABELS = {
    # named by the reports that use them (seeds 001 and 000), never by the seed's number
    "seed001": "35岁以下 / 36–40 / 41–50 / 51岁以上（《关于健全和完善乡镇基层一线选人用人……》的分段）",
    "seed000": "30岁以下 / 30–34 / 35–40 / 41–45 / 45岁以上（《乡镇干部队伍建设的现状及思考》的分段）",
}

CUTS_PATTERN = re.compile(r"^\s*\d{1,2}(\s*[,，、]\s*\d{1,2})*\s*$")


def parse_cuts(text: str) -> tuple[int, ...]:
    """「35,40,50」 → (35, 40, 50). Raises ValueError with a Chinese message."""
    if not CUTS_PATTERN.match(text or ""):
        raise ValueError("分界年龄格式应为用逗号分隔的整数，如 35,40,50")
    cuts = tuple(int(x) for x in re.split(r"[,，、]", text))
    bands_from_cuts(cuts)  # validates
    return cuts


# ---------------------------------------------------------------------------------------------
# Levels (职务层次) and ranks (职级)
# ---------------------------------------------------------------------------------------------


class Grade(StrEnum):
    """The 级别 of a cadre for structure tables, highest first."""

    COUNTY = "county"  # 县处级
    SECTION_CHIEF = "section_chief"  # 正科
    SECTION_DEPUTY = "section_deputy"  # 副科
    STAFF = "staff"  # 科员及以下
    OTHER = "other"  # 其他 / 未定


GRADE_LABELS = {
    Grade.COUNTY: "县处级",
    Grade.SECTION_CHIEF: "正科",
    Grade.SECTION_DEPUTY: "副科",
    Grade.STAFF: "科员及以下",
    Grade.OTHER: "其他",
}
GRADE_ORDER = [Grade.COUNTY, Grade.SECTION_CHIEF, Grade.SECTION_DEPUTY, Grade.STAFF, Grade.OTHER]
SECTION_GRADES = (Grade.COUNTY, Grade.SECTION_CHIEF, Grade.SECTION_DEPUTY)  # 科级以上

LEVEL_GRADE = {
    "1A31": Grade.COUNTY,
    "1A32": Grade.COUNTY,
    "1A41": Grade.SECTION_CHIEF,
    "1A42": Grade.SECTION_DEPUTY,
    "1A50": Grade.STAFF,
    "1A60": Grade.STAFF,
    "1A98": Grade.STAFF,
}
# 公务员职务与职级并行规定 (2019): the level each rank corresponds to. 一/二级巡视员 (厅局级) are above
# anything a county holds and count as 县处级 here (the highest grade the table shows).
RANK_GRADE = {
    "11": Grade.COUNTY,
    "12": Grade.COUNTY,
    "13": Grade.COUNTY,
    "14": Grade.COUNTY,
    "15": Grade.COUNTY,
    "16": Grade.COUNTY,
    "17": Grade.SECTION_CHIEF,
    "18": Grade.SECTION_CHIEF,
    "19": Grade.SECTION_DEPUTY,
    "1A": Grade.SECTION_DEPUTY,
    "1B": Grade.STAFF,
    "1C": Grade.STAFF,
}


def grade_of(level: str, rank: str) -> Grade:
    """The higher of the grade of the 职务层次 of the main post and the grade the 职级 corresponds to
    (a 一级主任科员 without a leadership post counts as 正科, as in 「科级以上(含领导、非领导职务)」)."""
    candidates = [g for g in (LEVEL_GRADE.get(level), RANK_GRADE.get(rank)) if g is not None]
    if not candidates:
        return Grade.OTHER
    return min(candidates, key=GRADE_ORDER.index)


# Education: the ranking that decides "highest" is the registry's (cadres.rules.EDUCATION_RANK).
UNKNOWN_EDUCATION_RANK = 99


def education_rank(code: str) -> int:
    return EDUCATION_RANK.get(code, UNKNOWN_EDUCATION_RANK)


# ---------------------------------------------------------------------------------------------
# The seed-style sentence
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SentencePart:
    phrase: str  # 「男性」「35岁以下」「大学学历」
    count: int


def seed_sentence(
    *,
    as_of: date,
    subject: str,
    total: int,
    groups: Sequence[Sequence[SentencePart]],
    average_age_tenths: int | None = None,
) -> str:
    """「截至2015年10月,全县乡镇科级以上干部126人,其中男性98名,占78%;女性28名,占22%;……。」

    Whole percentages, half up; categories with no one are left out; groups are joined with 「;」
    as in seed 001.
    """
    head = f"截至{as_of.year}年{as_of.month}月，{subject}{total}人"
    if total == 0:
        return head + "。"
    parts: list[str] = []
    for group in groups:
        for part in group:
            if part.count:
                parts.append(f"{part.phrase}{part.count}名，占{percent_whole(part.count, total)}%")
    text = head + ("，其中" + "；".join(parts) if parts else "")
    if average_age_tenths is not None:
        text += f"；平均年龄{format_tenths(average_age_tenths)}岁"
    return text + "。"
