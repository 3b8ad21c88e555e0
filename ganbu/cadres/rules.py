"""Pure domain rules of the registry (no database): 身份证号 (GB 11643), derived current fields,
ages and name keys. Services and the demo seeder share them so derived data is computed one way."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from typing import Protocol, TypeVar

from django.utils import timezone

from ganbu.org.codes import CODE_TABLES

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
# ASCII digits only: `\d` would also take full-width or Arabic-Indic digits, and such a number
# would be stored as typed, beside the same number in ASCII (the uniqueness check misses it).
ID_PATTERN = re.compile(r"^[0-9]{17}[0-9X]$")

# education code → rank for "highest" (lower is higher), over the codes of the 学历 table (ZB64,
# org.codes): 研究生 > 大学 > 大专 > 中专 … A heading (研究生教育) ranks last in its level; historical
# values (第二学士学位班, 职业高中) beside their level.
EDUCATION_RANK = {
    "11": 1,
    "13": 2,
    "1A": 3,
    "1B": 4,
    "1": 5,
    "21": 10,
    "2A": 11,
    "2B": 12,
    "24": 13,
    "2": 14,
    "31": 20,
    "34": 21,
    "37": 22,
    "3B": 23,
    "3": 24,
    "41": 30,
    "47": 31,
    "44": 32,
    "61": 40,
    "71": 50,
    "81": 60,
}
# degree code → rank (lower is higher): every degree of the 学位 table (GB/T 6864) by its level, the
# discipline not counting (法学学士 403 ranks as 学士 4); 名誉博士 is not an earned degree and ranks last.
DEGREE_LEVEL_RANK = {"博士": 1, "硕士": 2, "学士": 3, "名誉博士": 4}
DEGREE_RANK = {code: DEGREE_LEVEL_RANK[level] for code, _, level in CODE_TABLES["degree"][2]}


def id_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


@dataclass(frozen=True)
class IdInfo:
    birth_date: date
    gender: str  # "1" male, "2" female


# The first two digits of the address code: the provinces of GB/T 2260 (11 北京 … 65 新疆, 71 台湾,
# 81 香港, 82 澳门), and 83, which GB/T 2260 lacks but the 台湾居民居住证 numbers carry (《港澳台居民
# 居住证申领发放办法》, 2018: 810000 香港, 820000 澳门, 830000 台湾).
ID_PROVINCES = frozenset(
    {
        *("11", "12", "13", "14", "15"),
        *("21", "22", "23"),
        *("31", "32", "33", "34", "35", "36", "37"),
        *("41", "42", "43", "44", "45", "46"),
        *("50", "51", "52", "53", "54"),
        *("61", "62", "63", "64", "65"),
        *("71", "81", "82", "83"),
    }
)
# Births before this year are refused: no living person, and the usual sign of a typing error.
ID_EARLIEST_BIRTH_YEAR = 1900


def parse_id_number(value: str, *, today: date | None = None) -> IdInfo:
    """Validate an 18-digit 身份证号 (GB 11643) and return its birth date and gender. Raises
    ValueError with a Chinese message naming what is wrong: the shape, the province of the address
    code (GB/T 2260), the birth date (a real date, not before 1900, not after `today`, by default
    the local date), the check character. `today` is passed by tests."""
    value = value.strip().upper()
    if not ID_PATTERN.match(value):
        raise ValueError("身份证号应为18位，前17位为数字，最后一位为数字或X")
    if value[:6] == "000000":
        raise ValueError("身份证号的地址码不能为000000")
    if value[:2] not in ID_PROVINCES:
        raise ValueError(f"身份证号的前两位 {value[:2]} 不是省级行政区划代码（GB/T 2260）")
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError as exc:
        raise ValueError(f"身份证号中的出生日期 {value[6:14]} 不是有效日期") from exc
    if born.year < ID_EARLIEST_BIRTH_YEAR:
        raise ValueError(f"身份证号中的出生日期 {value[6:14]} 早于{ID_EARLIEST_BIRTH_YEAR}年，不予接受")
    today = today or timezone.localdate()
    if born > today:
        raise ValueError(f"身份证号中的出生日期 {value[6:14]} 晚于今天（{today:%Y%m%d}）")
    if id_check_char(value[:17]) != value[17]:
        raise ValueError(f"身份证号校验位错误（应为 {id_check_char(value[:17])}）")
    gender = "1" if int(value[16]) % 2 == 1 else "2"
    return IdInfo(birth_date=born, gender=gender)


def make_id_number(area: str, born: date, sequence: int, gender: str) -> str:
    """Build a valid 身份证号 (for demo data and tests): sequence 0–499, parity set by gender."""
    seq = sequence * 2 + (1 if gender == "1" else 0)
    seq = seq % 1000
    if (seq % 2 == 1) != (gender == "1"):
        seq = (seq + 1) % 1000
    first17 = f"{area}{born:%Y%m%d}{seq:03d}"
    return first17 + id_check_char(first17)


# --- 身份证号: masking and the search by number ------------------------------------------------

# Who may see what is decided by the role (`cadres.view_sensitive`, see `selectors.sees_sensitive`);
# these functions only say how a number looks when masked. Only the region code is kept: the birth
# date in the middle is shown on the record anyway, so a mask that showed the last four (sequence and
# check digit) as well would give the whole number away.
ID_MASK_KEEP = 6
HIDDEN = "***"  # a value a role may not see (family members' fields in the history)
_ID_IN_TEXT = re.compile(r"(?<![0-9])([0-9]{6})[0-9]{9,11}[0-9Xx]?(?![0-9])")

# The search of the registry by 身份证号 (the whole number, or its first digits) is an oracle: does
# this person exist, where do they work. Each user may run at most ID_LOOKUP_MAX such searches in
# ID_LOOKUP_WINDOW_MINUTES; every search is audited (event `cadre.lookup_id_number`).
ID_LOOKUP_MAX = 30
ID_LOOKUP_WINDOW_MINUTES = 10
ID_QUERY = re.compile(r"^\d{6,17}[\dXx]?$")


def mask_id_number(value: str | None) -> str:
    """`469099************`: the region code, the rest hidden (see ID_MASK_KEEP)."""
    if not value:
        return ""
    return value[:ID_MASK_KEEP] + "*" * max(len(value) - ID_MASK_KEEP, 0)


def mask_ids_in_text(text: str) -> str:
    """Every 15- to 18-digit run in `text` (a 身份证号, whole or most of it) masked like
    `mask_id_number`."""
    return _ID_IN_TEXT.sub(lambda m: m.group(1) + "*" * (len(m.group(0)) - ID_MASK_KEEP), text)


def mask_payload(value: object, *, hide_records: bool = False) -> object:
    """A copy of an audit payload fit for a role without `cadres.view_sensitive`: every 身份证号
    masked (the `id_number` fields and any number written in text) and, with `hide_records` (the
    events about family members), every value of the record (`before`, `after`, `fields`) hidden."""
    if isinstance(value, dict):
        masked: dict[object, object] = {}
        for key, item in value.items():
            if hide_records and key in ("before", "after", "fields") and isinstance(item, dict):
                masked[key] = {field: HIDDEN for field in item}
            elif key == "id_number" and isinstance(item, str) and item and item != HIDDEN:
                masked[key] = mask_id_number(item)
            else:
                masked[key] = mask_payload(item, hide_records=hide_records)
        return masked
    if isinstance(value, list | tuple):
        return [mask_payload(item, hide_records=hide_records) for item in value]
    if isinstance(value, str):
        return mask_ids_in_text(value)
    return value


def is_id_number_query(query: str) -> bool:
    """A search text that is a 身份证号 or its first digits (6 to 18 characters)."""
    return bool(ID_QUERY.match(query.strip()))


def id_lookup_allowed(used: int, limit: int) -> bool:
    """`used` searches by 身份证号 in the window, this one included, are within `limit`."""
    return used <= limit


def id_lookup_refused_message(limit: int, minutes: int) -> str:
    return f"按身份证号查询过于频繁：每 {minutes} 分钟最多 {limit} 次，请稍后再试"


@dataclass(frozen=True)
class AppointmentFacts:
    title: str
    level: str
    is_leadership: bool
    is_primary: bool
    started_on: date
    ended_on: date | None
    unit_id: int
    id: int | None = None  # the record's id, when it has one (state periods name the main post)


@dataclass(frozen=True)
class CurrentFields:
    unit_id: int | None
    current_title: str
    current_level: str
    current_post_since: date | None
    is_leader: bool
    current_rank: str
    current_rank_since: date | None
    fulltime_education: str
    fulltime_degree: str
    highest_education: str
    highest_degree: str
    main_appointment_id: int | None = None  # the id of the appointment that gives unit and level


LEVEL_ORDER = {"1A31": 1, "1A32": 2, "1A41": 3, "1A42": 4, "1A50": 5, "1A60": 6, "1A98": 7, "1A99": 8, "": 9}


class _Held(Protocol):
    @property
    def level(self) -> str: ...
    @property
    def is_primary(self) -> bool: ...
    @property
    def started_on(self) -> date: ...
    @property
    def ended_on(self) -> date | None: ...


HeldT = TypeVar("HeldT", bound=_Held)


def held_appointments(appointments: Iterable[HeldT], on: date) -> list[HeldT]:
    """The appointments held on `on` (started on/before it, not ended before it), the main one
    first: the primary one, else the highest level, then the earliest start (stable otherwise)."""
    held = [a for a in appointments if a.started_on <= on and (a.ended_on is None or a.ended_on >= on)]
    held.sort(key=lambda a: (not a.is_primary, LEVEL_ORDER.get(a.level, 9), a.started_on))
    return held


def derive_current(
    *,
    appointments: Iterable[AppointmentFacts],
    ranks: Iterable[tuple[str, date, date | None]],
    educations: Iterable[tuple[str, str, str, date | None]],
    on: date,
) -> CurrentFields:
    """Current post, rank and education from the history records, as of `on`.

    - current appointments: started on/before `on` and not ended before `on`; the primary one
      (else the highest level) gives unit, level and since-date; titles of all are joined with 、.
    - rank: the latest rank record started on/before `on` and not ended.
    - education: (kind, education, degree, ended_on); full-time = the highest full-time record;
      highest = the highest of all records by EDUCATION_RANK / DEGREE_RANK.
    """
    current = held_appointments(appointments, on)
    main = current[0] if current else None
    rank_rows = sorted(
        (r for r in ranks if r[1] <= on and (r[2] is None or r[2] >= on)), key=lambda r: r[1], reverse=True
    )
    edus = [e for e in educations if e[3] is None or e[3] <= on]
    fulltime = [e for e in edus if e[0] == "fulltime"]

    def best_edu(rows: list[tuple[str, str, str, date | None]]) -> str:
        codes = [r[1] for r in rows if r[1]]
        return min(codes, key=lambda c: EDUCATION_RANK.get(c, 99), default="")

    def best_degree(rows: list[tuple[str, str, str, date | None]]) -> str:
        codes = [r[2] for r in rows if r[2]]
        return min(codes, key=lambda c: DEGREE_RANK.get(c, 99), default="")

    return CurrentFields(
        unit_id=main.unit_id if main else None,
        current_title="、".join(a.title for a in current),
        current_level=main.level if main else "",
        current_post_since=main.started_on if main else None,
        is_leader=any(a.is_leadership for a in current),
        current_rank=rank_rows[0][0] if rank_rows else "",
        current_rank_since=rank_rows[0][1] if rank_rows else None,
        fulltime_education=best_edu(fulltime),
        fulltime_degree=best_degree(fulltime),
        highest_education=best_edu(edus),
        highest_degree=best_degree(edus),
        main_appointment_id=main.id if main else None,
    )


# The end of a state period that has not ended (valid_to is exclusive, so a date no record reaches).
OPEN_END = date(9999, 12, 31)


@dataclass(frozen=True)
class Period:
    """What structure analysis needs of a cadre during [valid_from, valid_to): the derived fields
    of `derive_current` on every day of the interval (they change only on a record's date)."""

    valid_from: date
    valid_to: date  # exclusive; OPEN_END while it lasts
    unit_id: int
    main_appointment_id: int | None
    level: str
    is_leader: bool
    rank: str
    highest_education: str
    fulltime_education: str


def state_periods(
    *,
    appointments: Sequence[AppointmentFacts],
    ranks: Sequence[tuple[str, date, date | None]],
    educations: Sequence[tuple[str, str, str, date | None]],
    active: bool,
) -> list[Period]:
    """A cadre's structure-relevant state over time, as the intervals in which `derive_current`
    gives the same unit, level, leader flag, rank, education and main appointment, for the days
    the cadre holds an appointment (no interval for the days in between).

    The state can change only on a record's date: an appointment or rank starting, the day after
    one ends (the end date still counts), an education completed. So `derive_current` is
    evaluated on each of those dates, and equal neighbours are merged.

    `active`: whether the cadre's status is 在职. A cadre who has retired or left counts only
    through appointments with an end date (the registry does not date the status change, so an
    open appointment is not taken to last for ever: analytics' definition of "in post on D")."""
    if not active:
        appointments = [a for a in appointments if a.ended_on is not None]
    boundaries: set[date] = set()
    for start, end in [(a.started_on, a.ended_on) for a in appointments] + [(r[1], r[2]) for r in ranks]:
        boundaries.add(start)
        if end is not None and end < OPEN_END - timedelta(days=1):
            boundaries.add(end + timedelta(days=1))
    boundaries.update(e[3] for e in educations if e[3] is not None)
    periods: list[Period] = []
    ordered = sorted(boundaries)
    for i, on in enumerate(ordered):
        valid_to = ordered[i + 1] if i + 1 < len(ordered) else OPEN_END
        d = derive_current(appointments=appointments, ranks=ranks, educations=educations, on=on)
        if d.unit_id is None:  # no appointment held
            continue
        period = Period(
            on,
            valid_to,
            d.unit_id,
            d.main_appointment_id,
            d.current_level,
            d.is_leader,
            d.current_rank,
            d.highest_education,
            d.fulltime_education,
        )
        last = periods[-1] if periods else None
        if (
            last is not None
            and last.valid_to == on
            and replace(last, valid_from=on, valid_to=valid_to) == period
        ):
            periods[-1] = replace(last, valid_to=valid_to)  # the same state: one longer period
        else:
            periods.append(period)
    return periods


# ---------------------------------------------------------------------------------------------
# Statutory retirement age (2025 reform: 《关于实施渐进式延迟法定退休年龄的决定》, from 2025-01-01)
# ---------------------------------------------------------------------------------------------


class RetirementGroup(StrEnum):
    MEN = "men60"  # men, originally 60 → 63
    WOMEN_CADRES = "women55"  # women cadres (原法定退休年龄55周岁的女职工), 55 → 58
    WOMEN_WORKERS = "women50"  # women workers (原法定退休年龄50周岁的女职工), 50 → 55


@dataclass(frozen=True)
class RetirementRule:
    base_age: int
    first_affected: tuple[int, int]  # (year, month) of birth from which the age rises
    months_per_step: int  # one more month of age per this many months of birth
    max_delay_months: int


RETIREMENT_RULES = {
    RetirementGroup.MEN: RetirementRule(60, (1965, 1), 4, 36),
    RetirementGroup.WOMEN_CADRES: RetirementRule(55, (1970, 1), 4, 36),
    RetirementGroup.WOMEN_WORKERS: RetirementRule(50, (1975, 1), 2, 60),
}
RETIREMENT_GROUP_LABELS = {
    RetirementGroup.MEN: "男性（原60周岁）",
    RetirementGroup.WOMEN_CADRES: "女干部（原55周岁）",
    RetirementGroup.WOMEN_WORKERS: "女职工（原50周岁）",
}

# 人员类别 codes (org.codes, ZB125) whose women are cadres: the 55 group — 公务员, 参照管理机关 /
# 事业单位工作人员, 事业单位管理 / 专业技术人员, 在机关工作的事业编制人员, 企业管理 / 专业技术人员,
# and the former 参公人员 (2) and 事业人员 (3). The 工勤人员 (07, 08, 11), 村（社区）干部 (4) and
# 其他人员 (9) are not cadres in the sense of the decision: the 50 group.
WOMEN_CADRE_CATEGORIES = frozenset({"1", "5", "6", "04", "05", "06", "09", "10", "2", "3"})


def retirement_group(gender: str, personnel_category: str) -> RetirementGroup:
    if gender == "1":
        return RetirementGroup.MEN
    if personnel_category in WOMEN_CADRE_CATEGORIES:
        return RetirementGroup.WOMEN_CADRES
    return RetirementGroup.WOMEN_WORKERS


@dataclass(frozen=True)
class Retirement:
    years: int
    months: int  # the age is `years` years and `months` months
    year: int  # the year and month of retirement (the month the age is reached)
    month: int

    @property
    def age_label(self) -> str:
        return f"{self.years}岁" + (f"{self.months}个月" if self.months else "")

    @property
    def year_month(self) -> str:
        """yyyyMM, as LRMX 到龄年月 (DaoLingNianYue)."""
        return f"{self.year}{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"


def retirement_delay_months(born: date, group: RetirementGroup) -> int:
    rule = RETIREMENT_RULES[group]
    first_year, first_month = rule.first_affected
    months_after = (born.year - first_year) * 12 + (born.month - first_month)
    if months_after < 0:
        return 0
    return min(months_after // rule.months_per_step + 1, rule.max_delay_months)


def statutory_retirement(born: date, group: RetirementGroup) -> Retirement:
    """The statutory retirement age and month. Born 1965-01 (men): 60 years 1 month, retiring
    2025-02; born 1976-09 or later: 63 years. The month of retirement is the birth month plus the
    age, as in the official comparison table (对照表)."""
    rule = RETIREMENT_RULES[group]
    total_months = rule.base_age * 12 + retirement_delay_months(born, group)
    month_index = born.year * 12 + (born.month - 1) + total_months
    return Retirement(
        years=total_months // 12,
        months=total_months % 12,
        year=month_index // 12,
        month=month_index % 12 + 1,
    )
