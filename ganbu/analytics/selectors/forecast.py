# ruff: noqa: S608 - SQL is assembled from constant fragments and model table names; every value is a parameter (selectors.sql.Sql)
"""Age-cap forecast (到龄预测): which leaders reach the age cap of their post (年龄到杠) in each of
the next N years, with the breakdowns of seed 004 (妇女, 党外, 少数民族) and the share of all
leaders; and each one's statutory retirement date under the 2025 reform.

Who: the leaders of the scope on the start date (a leadership appointment held that day). Their cap
is the AgeCap of the level of their main post and their gender; levels without a cap are not
forecast. A leader reaches the cap on the day they turn that age: the age rule of
`rules.born_by` / `rules.reaches_age_on`, in SQL `state.age_at_least`.

Counting: per calendar year, those whose cap date falls in that year (from the start date for the
first year); those already at or over the cap on the start date are 「已到龄」. The cumulative
figure for year Y (seed 004's 「到2011年…将有256人年龄到杠」) counts everyone whose cap date is on or
before 31 December of Y, those already over it included, and its share is of all leaders on the
start date (领导干部总数), in hundredths of a percent, half up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ganbu.analytics.models import AgeCap
from ganbu.analytics.rules import has_reached_age, reaches_age_on
from ganbu.analytics.selectors.sql import Sql, fetch_all, in_list, join
from ganbu.analytics.selectors.state import (
    POPULATION_SUBJECTS,
    EducationMode,
    Population,
    StateOptions,
    age_at_least,
    population_where,
    state_source,
)
from ganbu.analytics.selectors.structure import birth_year_sql
from ganbu.cadres.rules import (
    LEVEL_ORDER,
    Retirement,
    RetirementGroup,
    retirement_group,
    statutory_retirement,
)
from ganbu.core.dates import age_on
from ganbu.core.numbers import format_hundredths, percent_hundredths
from ganbu.org.models import Unit
from ganbu.org.selectors import group_codes, unit_names

OVERDUE = 0  # bucket of those already at or over the cap on the start date


@dataclass(frozen=True)
class Counts:
    total: int = 0
    women: int = 0
    non_party: int = 0
    minority: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.total + other.total,
            self.women + other.women,
            self.non_party + other.non_party,
            self.minority + other.minority,
        )


@dataclass(frozen=True)
class ForecastYear:
    year: int
    reaching: Counts  # cap date in this year (from the start date for the first year)
    cumulative: Counts  # cap date on or before 31 December, those already over included
    leaders_total: int

    @property
    def share_hundredths(self) -> int | None:
        return percent_hundredths(self.cumulative.total, self.leaders_total)

    @property
    def share(self) -> str:
        return format_hundredths(self.share_hundredths)

    @property
    def year_share(self) -> str:
        return format_hundredths(percent_hundredths(self.reaching.total, self.leaders_total))


@dataclass(frozen=True)
class ForecastPerson:
    cadre_id: int
    name: str
    unit_name: str
    title: str
    level: str
    gender: str
    birth_date: date
    political_status: str
    ethnicity: str
    cap: int
    cap_date: date
    retirement: Retirement
    retirement_group: RetirementGroup
    age: int
    overdue: bool  # at or over the cap on the start date


@dataclass(frozen=True)
class Forecast:
    unit: Unit
    as_of: date
    years: tuple[ForecastYear, ...]
    overdue: Counts
    leaders_total: int
    people: tuple[ForecastPerson, ...]
    caps: tuple[AgeCap, ...]
    until: date | None = None  # the list (`people`) stops at this cap date; None: the whole horizon

    def sentence(self, year: ForecastYear | None = None) -> str:
        """「到2011年,…领导干部中,将有256人年龄到杠(其中妇女干部33人,党外干部25人,少数民族干部3人),约占领导干部总数的37.98%。」"""
        row = year or (self.years[-1] if self.years else None)
        if row is None:
            return ""
        c = row.cumulative
        subject = self.unit.name + POPULATION_SUBJECTS[Population.LEADERS]
        return (
            f"到{row.year}年，{subject}中将有{c.total}人年龄到杠（其中妇女干部{c.women}人，"
            f"党外干部{c.non_party}人，少数民族干部{c.minority}人），约占领导干部总数的{row.share}%。"
        )


def age_caps() -> list[AgeCap]:
    return list(AgeCap.objects.order_by("level", "gender"))


def _cap_sql(caps: list[AgeCap]) -> Sql:
    """The cap of the row `s` (by level order and gender), NULL when none applies."""
    whens = [
        Sql("WHEN s.lo = %s AND s.gender = %s THEN %s", (LEVEL_ORDER[c.level], c.gender, c.age))
        for c in caps
        if c.level in LEVEL_ORDER
    ]
    if not whens:
        return Sql("CAST(NULL AS INTEGER)")
    return join(" ", whens).wrap("CASE ", " END")


def _reaching_by(caps: list[AgeCap], on: date) -> Sql:
    """Whether the row `s` has reached its cap on `on` (born on or before the cap's threshold)."""
    parts = [
        Sql("(s.lo = %s AND s.gender = %s AND ", (LEVEL_ORDER[c.level], c.gender))
        + age_at_least("s.birth_date", c.age, on)
        + ")"
        for c in caps
        if c.level in LEVEL_ORDER
    ]
    return join(" OR ", parts).wrap("(", ")") if parts else Sql("1 = 0")


def age_cap_forecast(
    *, unit: Unit, as_of: date, years: int, today: date, until: date | None = None
) -> Forecast:
    """The forecast of `years` calendar years from `as_of`; with `until`, the list of people
    (not the year table) keeps only those reaching their cap on or before it, those already over
    included (the home page's 到龄提醒 and the page it links to read the same list). The horizon
    is stretched to cover `until`."""
    caps = age_caps()
    if until is not None:
        years = max(years, until.year - as_of.year + 1)
    last_year = as_of.year + years - 1
    horizon = date(last_year, 12, 31)
    state = state_source(
        StateOptions(as_of=as_of, unit=unit, today=today, education=EducationMode.HIGHEST, with_details=True)
    )
    # the leaders with their level order as `lo`
    source = (
        state.lo("s.level_key").wrap("FROM (SELECT s.*, ", " AS lo FROM (")
        + state.sql
        + ") s) s WHERE "
        + population_where(Population.LEADERS, state, "s")
    )
    overdue = _reaching_by(caps, as_of)
    reaching = _reaching_by(caps, horizon)
    cap = _cap_sql(caps)
    non_party = in_list("s.political_status", group_codes("political_status", "党外"))
    minority = in_list("s.ethnicity", group_codes("ethnicity", "少数民族"))
    # bucket: 0 = already over the cap, else the year the cap is reached (the year of
    # rules.reaches_age_on: birth year + cap, since 29 February moves to 1 March of the same year);
    # NULL = beyond the horizon
    bucket = (
        overdue.wrap("CASE WHEN ", f" THEN {OVERDUE} WHEN ")
        + reaching
        + f" THEN {birth_year_sql('s.birth_date')} + "
        + cap
        + " END"
    )
    flags = [
        Sql("CASE WHEN s.gender = %s THEN 1 ELSE 0 END", ("2",)),
        non_party.wrap("CASE WHEN ", " THEN 1 ELSE 0 END"),
        minority.wrap("CASE WHEN ", " THEN 1 ELSE 0 END"),
    ]
    inner = join(", ", [bucket.wrap("", " AS b"), *(f.wrap("", f" AS f{i}") for i, f in enumerate(flags))])
    grouped = (
        inner.wrap("SELECT b, f0, f1, f2, COUNT(*) FROM (SELECT ", " ")
        + source
        + ") g GROUP BY b, f0, f1, f2"
    )
    by_bucket: dict[int | None, Counts] = {}
    leaders_total = 0
    for b, women, party, minor, n in fetch_all(grouped, parallel=not state.from_history):
        n = int(n)
        leaders_total += n
        key = None if b is None else int(b)
        by_bucket[key] = by_bucket.get(key, Counts()) + Counts(
            n, n if women else 0, n if party else 0, n if minor else 0
        )
    overdue_counts = by_bucket.get(OVERDUE, Counts())
    rows: list[ForecastYear] = []
    running = overdue_counts
    for year in range(as_of.year, last_year + 1):
        this = by_bucket.get(year, Counts())
        running = running + this
        rows.append(ForecastYear(year, this, running, leaders_total))
    people = _people(source, reaching, caps, as_of, parallel=not state.from_history)
    if until is not None:
        people = [p for p in people if p.cap_date <= until]
    return Forecast(
        unit=unit,
        as_of=as_of,
        years=tuple(rows),
        overdue=overdue_counts,
        leaders_total=leaders_total,
        people=tuple(people),
        caps=tuple(caps),
        until=until,
    )


def _people(
    source: Sql, reaching: Sql, caps: list[AgeCap], as_of: date, *, parallel: bool
) -> list[ForecastPerson]:
    """The leaders reaching their cap by the horizon (the list the page and the Excel file show)."""
    sql = (
        Sql(
            "SELECT s.id, s.name, s.title, s.lo, s.gender, s.birth_date, s.political_status, s.ethnicity, "
            "s.personnel_category, s.unit_id "
        )
        + source
        + " AND "
        + reaching
    )
    cap_by = {(LEVEL_ORDER[c.level], c.gender): c for c in caps if c.level in LEVEL_ORDER}
    level_by_order = {v: k for k, v in LEVEL_ORDER.items() if k}
    rows = fetch_all(sql, parallel=parallel)
    names = unit_names({r[9] for r in rows})
    people = []
    for cadre_id, name, title, lo, gender, born, political, ethnicity, category, unit_id in rows:
        if isinstance(born, str):  # SQLite returns dates of raw queries as text
            born = date.fromisoformat(born)
        cap = cap_by[(int(lo), gender)]
        group = retirement_group(gender, category)
        people.append(
            ForecastPerson(
                cadre_id=int(cadre_id),
                name=name,
                unit_name=names.get(unit_id, ""),
                title=title or "",
                level=level_by_order.get(int(lo), ""),
                gender=gender,
                birth_date=born,
                political_status=political,
                ethnicity=ethnicity,
                cap=cap.age,
                cap_date=reaches_age_on(born, cap.age),
                retirement=statutory_retirement(born, group),
                retirement_group=group,
                age=age_on(born, as_of),
                overdue=has_reached_age(born, cap.age, as_of),
            )
        )
    people.sort(key=lambda p: (p.cap_date, p.name))
    return people
