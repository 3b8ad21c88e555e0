# ruff: noqa: S608 - SQL is assembled from constant fragments and model table names; every value is a parameter (selectors.sql.Sql)
"""The structure table (队伍结构统计表) of seed 001 for any scope, date and population: counts and
percentages by 性别, 职级, 年龄段, 学历, 政治面貌, 民族, 领导/非领导, plus the average age — one
grouped query over `state.state_source`, so no cadre row is loaded into Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection

from ganbu.analytics.rules import GRADE_LABELS, GRADE_ORDER, AgeBand, Grade, SentencePart, seed_sentence
from ganbu.analytics.selectors.sql import Sql, fetch_all, join
from ganbu.analytics.selectors.state import (
    EDUCATION_MODE_LABELS,
    POPULATION_LABELS,
    POPULATION_SUBJECTS,
    EducationMode,
    Population,
    StateOptions,
    StateSource,
    age_at_least,
    age_at_most,
    population_where,
    state_source,
)
from ganbu.cadres.rules import EDUCATION_RANK
from ganbu.cadres.selectors import CadreFilters, cadre_list
from ganbu.core.numbers import average_tenths, format_tenths, percent_tenths, percent_whole
from ganbu.org.models import Unit, User
from ganbu.org.selectors import code_groups

EDUCATION_GROUPS = ("大专及以下", "大学", "研究生")  # seed 001's column order
EDUCATION_PHRASES = {
    "大专及以下": "大专及以下学历",
    "大学": "大学学历",
    "研究生": "研究生",
}  # as seed 001 words them


@dataclass(frozen=True)
class StructureQuery:
    unit: Unit
    as_of: date
    population: str = Population.ALL
    bands: tuple[AgeBand, ...] = ()
    education: str = EducationMode.HIGHEST
    filter_ids: Sql | None = None  # population FILTER: SQL selecting cadre ids
    filter_label: str = ""
    source: str = "auto"  # see state.StateOptions


@dataclass(frozen=True)
class Category:
    key: str
    label: str  # column header: 「男」「35岁以下」
    phrase: str  # in the sentence: 「男性」「35岁以下」
    count: int
    total: int
    always: bool = True  # shown even when nobody is in it

    @property
    def percent_tenths(self) -> int | None:
        return percent_tenths(self.count, self.total)

    @property
    def percent(self) -> str:
        """One decimal, half up (the screen)."""
        return format_tenths(self.percent_tenths)

    @property
    def percent_whole(self) -> int | None:
        """Whole percent, half up (the seed-style text)."""
        return percent_whole(self.count, self.total)

    @property
    def shown(self) -> bool:
        return self.always or self.count > 0


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str
    categories: tuple[Category, ...]

    @property
    def shown_categories(self) -> list[Category]:
        return [c for c in self.categories if c.shown]

    def category(self, key: str) -> Category:
        return next(c for c in self.categories if c.key == key)


@dataclass(frozen=True)
class PyramidRow:
    band: str
    men: int
    women: int


@dataclass(frozen=True)
class StructureTable:
    unit: Unit
    as_of: date
    population: str
    education: str
    bands: tuple[AgeBand, ...]
    total: int
    age_sum: int
    dimensions: tuple[Dimension, ...]
    pyramid: tuple[PyramidRow, ...]
    filter_label: str = ""

    @property
    def population_label(self) -> str:
        label = POPULATION_LABELS.get(self.population, self.population)
        return f"{label}（{self.filter_label}）" if self.filter_label else label

    @property
    def education_label(self) -> str:
        return EDUCATION_MODE_LABELS.get(self.education, self.education)

    @property
    def average_age_tenths(self) -> int | None:
        return average_tenths(self.age_sum, self.total)

    @property
    def average_age(self) -> str:
        return format_tenths(self.average_age_tenths)

    def dimension(self, key: str) -> Dimension:
        return next(d for d in self.dimensions if d.key == key)

    @property
    def subject(self) -> str:
        return self.unit.name + POPULATION_SUBJECTS.get(self.population, "干部")

    @property
    def sentence(self) -> str:
        groups = [[SentencePart(c.phrase, c.count) for c in d.categories] for d in self.dimensions]
        return seed_sentence(
            as_of=self.as_of,
            subject=self.subject,
            total=self.total,
            groups=groups,
            average_age_tenths=self.average_age_tenths,
        )

    def to_json(self) -> dict[str, Any]:
        """The shape documented in analytics/README.md."""

        def number(tenths: int | None) -> float | None:
            return None if tenths is None else tenths / 10

        return {
            "unit": {"code": self.unit.code, "name": self.unit.name},
            "as_of": self.as_of.isoformat(),
            "population": self.population,
            "population_label": self.population_label,
            "education": self.education,
            "age_bands": [{"label": b.label, "min_age": b.min_age, "max_age": b.max_age} for b in self.bands],
            "total": self.total,
            "average_age": number(self.average_age_tenths),
            "labels": {d.key: d.label for d in self.dimensions},
            "dimensions": {
                d.key: {
                    c.label: {
                        "count": c.count,
                        "percent": number(c.percent_tenths),
                        "percent_whole": c.percent_whole,
                    }
                    for c in d.categories
                }
                for d in self.dimensions
            },
            "pyramid": [{"band": r.band, "men": r.men, "women": r.women} for r in self.pyramid],
            "sentence": self.sentence,
        }


# ---------------------------------------------------------------------------------------------
# Dimension definitions → SQL predicates over the state row `s`
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategorySpec:
    """One category: the values of the dimension's column that fall in it (None = NULL). The
    categories of a dimension are disjoint."""

    key: str
    label: str
    phrase: str
    values: tuple[object, ...]
    always: bool = True


@dataclass(frozen=True)
class DimensionSpec:
    key: str
    label: str
    categories: tuple[CategorySpec, ...]
    column: Sql  # the expression (over the grouped row `g`) whose values the categories list
    other_label: str = "其他"  # whoever is in none of the categories (shown only if anyone is)

    def index_sql(self) -> Sql:
        """The position of the row's category in `categories`, -1 for none of them (a simple CASE
        on the column, so it is evaluated once)."""
        whens = [
            Sql(f"WHEN %s THEN {i}", (value,))
            for i, c in enumerate(self.categories)
            for value in c.values
            if value is not None
        ]
        null = next((i for i, c in enumerate(self.categories) if None in c.values), None)
        otherwise = (
            self.column.wrap("CASE WHEN ", f" IS NULL THEN {null} ELSE -1 END")
            if null is not None
            else Sql("-1")
        )
        if not whens:
            return otherwise
        return self.column.wrap("CASE ", " ") + join(" ", whens) + otherwise.wrap(" ELSE ", " END")


def age_predicate(band: AgeBand, as_of: date, column: str = "s.birth_date") -> Sql:
    parts: list[Sql] = []
    if band.min_age is not None:
        parts.append(age_at_least(column, band.min_age, as_of))
    if band.max_age is not None:
        parts.append(age_at_most(column, band.max_age, as_of))
    return join(" AND ", parts) if parts else Sql("1 = 1")


def age_band_sql(bands: Sequence[AgeBand], as_of: date, column: str = "s.birth_date") -> Sql:
    """The index of the row's age band (-1 for none)."""
    whens = [age_predicate(b, as_of, column).wrap("WHEN ", f" THEN {i}") for i, b in enumerate(bands)]
    return join(" ", whens).wrap("CASE ", " ELSE -1 END") if whens else Sql("-1")


def dimension_specs(bands: Sequence[AgeBand], as_of: date, source: StateSource) -> tuple[DimensionSpec, ...]:
    """The dimensions, as categories of expressions over the grouped rows `g` of structure_sql."""
    groups = code_groups("political_status", "ethnicity", "education")
    political, ethnicity, education = groups["political_status"], groups["ethnicity"], groups["education"]
    grade_categories = tuple(
        CategorySpec(
            grade.value,
            GRADE_LABELS[grade],
            GRADE_LABELS[grade],
            (index,),
            always=grade in (Grade.SECTION_CHIEF, Grade.SECTION_DEPUTY),
        )
        for index, grade in enumerate(GRADE_ORDER)
    )
    education_categories = [
        CategorySpec(
            group,
            group,
            EDUCATION_PHRASES.get(group, group),
            tuple(sorted({EDUCATION_RANK[c] for c in education.get(group, []) if c in EDUCATION_RANK})),
        )
        for group in (*EDUCATION_GROUPS, *sorted(set(education) - set(EDUCATION_GROUPS)))
    ]
    education_categories.append(CategorySpec("none", "未填学历", "未填学历", (None,), always=False))
    return (
        DimensionSpec(
            "gender",
            "性别",
            (CategorySpec("1", "男", "男性", ("1",)), CategorySpec("2", "女", "女性", ("2",))),
            column=Sql("g.gender"),
        ),
        DimensionSpec("grade", "职级", grade_categories, column=source.grade("g.level_key", "g.rank_key")),
        DimensionSpec(
            "age",
            "年龄",
            tuple(CategorySpec(b.key, b.label, b.phrase or b.label, (i,)) for i, b in enumerate(bands)),
            column=Sql("g.band"),
        ),
        DimensionSpec("education", "学历", tuple(education_categories), column=source.edu_rank("g.edu_key")),
        DimensionSpec(
            "political",
            "政治面貌",
            (
                CategorySpec("party", "中共党员", "中共党员", tuple(political.get("党员", []))),
                CategorySpec("non_party", "党外", "党外干部", tuple(political.get("党外", []))),
            ),
            column=Sql("g.political_status"),
        ),
        DimensionSpec(
            "ethnicity",
            "民族",
            (
                CategorySpec("han", "汉族", "汉族", tuple(ethnicity.get("汉族", []))),
                CategorySpec("minority", "少数民族", "少数民族干部", tuple(ethnicity.get("少数民族", []))),
            ),
            column=Sql("g.ethnicity"),
        ),
        DimensionSpec(
            "leadership",
            "领导职务",
            (
                CategorySpec("leader", "领导职务", "领导职务干部", (1,)),
                CategorySpec("non_leader", "非领导职务", "非领导职务干部", (0,)),
            ),
            column=Sql("g.leader"),
        ),
    )


# ---------------------------------------------------------------------------------------------
# The query
# ---------------------------------------------------------------------------------------------


# PostgreSQL: date_part (double precision), not EXTRACT, which returns numeric since PostgreSQL 14
# and costs about three times as much: at a million rows the three calls per row of the average
# age took ~1 s with EXTRACT, ~0.3 s with date_part (measured, bench/structure.py).
def birth_year_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(date_part('year', {column}) AS INTEGER)"
    return f"CAST(substr({column}, 1, 4) AS INTEGER)"


def birth_mmdd_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(date_part('month', {column}) * 100 + date_part('day', {column}) AS INTEGER)"
    return f"CAST(substr({column}, 6, 2) || substr({column}, 9, 2) AS INTEGER)"


def population_source(query: StructureQuery, *, today: date) -> tuple[StateSource, Sql]:
    """The state source and its rows `s` restricted to the population, as `FROM … WHERE …`."""
    source = state_source(
        StateOptions(
            as_of=query.as_of, unit=query.unit, today=today, education=query.education, source=query.source
        )
    )
    where = population_where(query.population, source, "s", query.filter_ids)
    return source, source.sql.wrap("FROM (", ") s WHERE ") + where


# The columns the population's rows are first grouped by: the raw keys, so that mapping codes to
# categories (the costly part) is done once per group, not once per cadre.
KEY_COLUMNS = ("gender", "political_status", "ethnicity", "level_key", "rank_key", "edu_key", "leader")


def structure_sql(query: StructureQuery, specs: Sequence[DimensionSpec], rows: Sql, *, today: date) -> Sql:
    """The one query of a structure table. The population's rows (`rows`, from population_source)
    are grouped by their raw keys and age band (some thousands of groups at 1,000,000 cadres), then
    those groups by their category in each dimension (a few hundred), with the count and the
    birth-year sums that give the average age."""
    mmdd = query.as_of.month * 100 + query.as_of.day
    keys = ", ".join(f"s.{c} AS {c}" for c in KEY_COLUMNS)
    inner = (
        Sql(f"SELECT {keys}, ")
        + age_band_sql(query.bands, query.as_of)
        + Sql(
            f" AS band, COUNT(*) AS n, SUM({birth_year_sql('s.birth_date')}) AS y, "
            f"SUM(CASE WHEN {birth_mmdd_sql('s.birth_date')} > %s THEN 1 ELSE 0 END) AS a ",
            (mmdd,),
        )
        + rows
        + " GROUP BY "
        + ", ".join(str(i) for i in range(1, len(KEY_COLUMNS) + 2))
    )
    indexes = join(", ", (spec.index_sql() for spec in specs))
    positions = ", ".join(str(i) for i in range(1, len(specs) + 1))
    return (
        indexes.wrap("SELECT ", ", SUM(g.n), SUM(g.y), SUM(g.a) FROM (") + inner + f") g GROUP BY {positions}"
    )


def structure_table(query: StructureQuery, *, today: date) -> StructureTable:
    """Every dimension from one query (structure_sql); the groups are added up per dimension."""
    source, rows = population_source(query, today=today)
    specs = dimension_specs(query.bands, query.as_of, source)
    groups = fetch_all(structure_sql(query, specs, rows, today=today), parallel=not source.from_history)
    n = len(specs)
    total = sum(int(row[n]) for row in groups)
    year_sum = sum(int(row[n + 1] or 0) for row in groups)
    ahead = sum(int(row[n + 2] or 0) for row in groups)
    counts = [[0] * len(spec.categories) for spec in specs]
    age_index = next(i for i, spec in enumerate(specs) if spec.key == "age")
    gender_index = next(i for i, spec in enumerate(specs) if spec.key == "gender")
    pyramid_counts: dict[tuple[int, int], int] = {}
    for row in groups:
        count = int(row[n])
        for i in range(n):
            position = int(row[i])
            if position >= 0:
                counts[i][position] += count
        key = (int(row[age_index]), int(row[gender_index]))
        pyramid_counts[key] = pyramid_counts.get(key, 0) + count
    dimensions = []
    for i, spec in enumerate(specs):
        categories = [
            Category(c.key, c.label, c.phrase, counts[i][j], total, c.always)
            for j, c in enumerate(spec.categories)
        ]
        rest = total - sum(c.count for c in categories)
        if rest:
            categories.append(Category("other", spec.other_label, spec.other_label, rest, total, False))
        dimensions.append(Dimension(spec.key, spec.label, tuple(categories)))
    pyramid = tuple(
        PyramidRow(band.label, pyramid_counts.get((j, 0), 0), pyramid_counts.get((j, 1), 0))
        for j, band in enumerate(query.bands)
    )
    return StructureTable(
        unit=query.unit,
        as_of=query.as_of,
        population=query.population,
        education=query.education,
        bands=query.bands,
        total=total,
        age_sum=total * query.as_of.year - year_sum - ahead,
        dimensions=tuple(dimensions),
        pyramid=pyramid,
        filter_label=query.filter_label,
    )


def registry_filter_ids(*, user: User, filters: CadreFilters) -> Sql:
    """The ids the registry list would show for `filters` (its own scope and filters), as SQL."""
    queryset = cadre_list(user=user, filters=filters).order_by().values("id")
    text, params = queryset.query.sql_with_params()
    return Sql(text, tuple(params))
