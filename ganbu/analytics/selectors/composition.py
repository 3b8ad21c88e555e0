# ruff: noqa: S608 - SQL is assembled from constant fragments and model table names; every value is a parameter (selectors.sql.Sql)
"""Leadership-team composition check (班子结构体检): every team in the scope against the team rules,
and the scope's leaders as a whole against the population rules, on a date.

Team membership on D = cadres holding on D an appointment to a post of the team. Counts come from
grouped queries; only the teams (a few hundred rows at most) reach Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ganbu.analytics.models import CompositionRule, Metric, RuleScope
from ganbu.analytics.rules import UNKNOWN_EDUCATION_RANK
from ganbu.analytics.selectors.sql import Sql, fetch_all, in_list, join, table
from ganbu.analytics.selectors.state import (
    EducationMode,
    Population,
    StateOptions,
    age_at_most,
    case_map,
    population_where,
    state_source,
    team_members_sql,
)
from ganbu.cadres.models import Cadre, Education
from ganbu.cadres.rules import EDUCATION_RANK
from ganbu.core.numbers import format_tenths, percent_tenths
from ganbu.org.models import Unit
from ganbu.org.selectors import codes_in_groups, group_codes, teams_in_subtree


def _education_ranks(*groups: str) -> list[int]:
    codes = codes_in_groups("education", groups)
    return sorted({EDUCATION_RANK[c] for c in codes if c in EDUCATION_RANK})


def metric_predicate(
    metric: str, age: int | None, as_of: date, alias: str, edu_rank: Sql | None = None
) -> Sql:
    """Whether the row `alias` (gender, political_status, ethnicity, birth_date and `edu_rank`,
    by default its column edu_rank) meets a metric on `as_of`."""
    edu = edu_rank or Sql(f"{alias}.edu_rank")
    if metric == Metric.WOMEN:
        return Sql(f"{alias}.gender = %s", ("2",))
    if metric == Metric.NON_PARTY:
        return in_list(f"{alias}.political_status", group_codes("political_status", "党外"))
    if metric == Metric.MINORITY:
        return in_list(f"{alias}.ethnicity", group_codes("ethnicity", "少数民族"))
    if metric == Metric.UNIVERSITY:
        return edu.wrap("(", ")") + in_list("", _education_ranks("大学", "研究生"))
    if metric == Metric.POSTGRADUATE:
        return edu.wrap("(", ")") + in_list("", _education_ranks("研究生"))
    if metric == Metric.AGE_AT_MOST:
        assert age is not None
        return age_at_most(f"{alias}.birth_date", age, as_of)
    raise ValueError(f"unknown metric {metric}")


def metric_label(rule: CompositionRule) -> str:
    if rule.metric == Metric.AGE_AT_MOST:
        return f"{rule.age}岁以下（含{rule.age}岁）干部"
    return Metric(rule.metric).label


@dataclass(frozen=True)
class TeamFailure:
    rule: CompositionRule
    actual: int
    required: int

    @property
    def text(self) -> str:
        return f"{metric_label(self.rule)} {self.actual} 名，要求至少 {self.required} 名"


@dataclass(frozen=True)
class TeamResult:
    team_id: int
    name: str
    unit_name: str
    kind: str
    kind_label: str
    members: int
    failures: tuple[TeamFailure, ...]


@dataclass(frozen=True)
class PopulationResult:
    rule: CompositionRule
    count: int
    total: int

    @property
    def percent_tenths(self) -> int | None:
        return percent_tenths(self.count, self.total)

    @property
    def percent(self) -> str:
        return format_tenths(self.percent_tenths)

    @property
    def target(self) -> Decimal:
        assert self.rule.min_percent is not None
        return self.rule.min_percent

    @property
    def target_label(self) -> str:
        return f"{self.target.normalize():f}"

    @property
    def passed(self) -> bool:
        """Exact: count / total >= target %, compared as count * 100 >= target * total."""
        return self.total > 0 and Decimal(self.count) * 100 >= self.target * self.total

    @property
    def shortfall(self) -> int:
        """How many more would meet the target with the same total (the smallest n with
        (count + n) * 100 >= target * total)."""
        if self.passed or self.total == 0:
            return 0
        needed = (self.target * self.total / 100).to_integral_value(rounding="ROUND_CEILING")
        return int(needed) - self.count


@dataclass(frozen=True)
class CompositionReport:
    unit: Unit
    as_of: date
    teams_checked: int
    teams_without_members: tuple[str, ...]
    failing: tuple[TeamResult, ...]
    passing: tuple[TeamResult, ...]
    population: tuple[PopulationResult, ...]
    leaders_total: int
    team_rules: tuple[CompositionRule, ...] = field(default=())

    @property
    def population_failing(self) -> int:
        return sum(1 for p in self.population if not p.passed)

    @property
    def failures_by_rule(self) -> list[tuple[CompositionRule, int]]:
        counts = {r.pk: 0 for r in self.team_rules}
        for team in self.failing:
            for failure in team.failures:
                counts[failure.rule.pk] += 1
        return [(r, counts[r.pk]) for r in self.team_rules]


def active_rules(scope: str) -> list[CompositionRule]:
    return list(CompositionRule.objects.filter(is_active=True, scope=scope).order_by("sort_order", "id"))


def all_rules() -> list[CompositionRule]:
    """Every rule, active or not, for the rules page."""
    return list(CompositionRule.objects.order_by("scope", "sort_order", "id"))


def rule_by_pk(pk: int) -> CompositionRule | None:
    return CompositionRule.objects.filter(pk=pk).first()


def _team_counts(unit: Unit, as_of: date, today: date, rules: list[CompositionRule]) -> dict[int, list[int]]:
    """team_id → [members, count for rule 1, count for rule 2, …]: one grouped query over the
    members on `as_of` (team_members_sql) with their highest education on that date."""
    members = team_members_sql(as_of, today, unit)
    rank = case_map("e.education", EDUCATION_RANK, UNKNOWN_EDUCATION_RANK)
    education = (
        rank.wrap("SELECT e.cadre_id AS cadre_id, MIN(", ") AS edu_rank ")
        + Sql(
            f"FROM {table(Education)} e WHERE e.education <> '' AND (e.ended_on IS NULL OR e.ended_on <= %s) "
            "AND e.cadre_id IN (SELECT cadre_id FROM (",
            (as_of,),
        )
        + members
        + ") mm) GROUP BY e.cadre_id"
    )
    sums = [Sql("COUNT(*)")] + [
        metric_predicate(r.metric, r.age, as_of, "x").wrap("SUM(CASE WHEN ", " THEN 1 ELSE 0 END)")
        for r in rules
    ]
    sql = (
        join(", ", sums).wrap("SELECT x.team_id, ", " FROM (")
        + "SELECT tm.team_id AS team_id, c.gender AS gender, c.political_status AS political_status, "
        + "c.ethnicity AS ethnicity, c.birth_date AS birth_date, ed.edu_rank AS edu_rank FROM ("
        + members
        + f") tm JOIN {table(Cadre)} c ON c.id = tm.cadre_id LEFT JOIN ("
        + education
        + ") ed ON ed.cadre_id = tm.cadre_id) x GROUP BY x.team_id"
    )
    return {int(row[0]): [int(v or 0) for v in row[1:]] for row in fetch_all(sql)}


def _population_counts(
    unit: Unit, as_of: date, today: date, rules: list[CompositionRule]
) -> tuple[int, list[int]]:
    source = state_source(StateOptions(as_of=as_of, unit=unit, today=today, education=EducationMode.HIGHEST))
    edu_rank = source.edu_rank("s.edu_key")
    sums = [Sql("COUNT(*)")] + [
        metric_predicate(r.metric, r.age, as_of, "s", edu_rank).wrap("SUM(CASE WHEN ", " THEN 1 ELSE 0 END)")
        for r in rules
    ]
    sql = (
        join(", ", sums).wrap("SELECT ", " FROM (")
        + source.sql
        + ") s WHERE "
        + population_where(Population.LEADERS, source, "s")
    )
    row = [int(v or 0) for v in fetch_all(sql, parallel=not source.from_history)[0]]
    return row[0], row[1:]


def composition_check(*, unit: Unit, as_of: date, today: date) -> CompositionReport:
    team_rules = active_rules(RuleScope.TEAM)
    population_rules = active_rules(RuleScope.POPULATION)
    counts = _team_counts(unit, as_of, today, team_rules)
    teams = list(teams_in_subtree(unit).select_related("unit").order_by("unit__path", "sort_order", "id"))
    failing: list[TeamResult] = []
    passing: list[TeamResult] = []
    empty: list[str] = []
    for team in teams:
        row = counts.get(team.pk)
        if not row or row[0] == 0:
            empty.append(team.name)
            continue
        failures = tuple(
            TeamFailure(rule, row[i + 1], int(rule.min_count or 0))
            for i, rule in enumerate(team_rules)
            if (not rule.kinds or team.kind in rule.kinds) and row[i + 1] < (rule.min_count or 0)
        )
        result = TeamResult(
            team.pk, team.name, team.unit.name, team.kind, team.get_kind_display(), row[0], failures
        )
        (failing if failures else passing).append(result)
    leaders_total, population_counts = _population_counts(unit, as_of, today, population_rules)
    population = tuple(
        PopulationResult(rule, count, leaders_total)
        for rule, count in zip(population_rules, population_counts, strict=True)
    )
    return CompositionReport(
        unit=unit,
        as_of=as_of,
        teams_checked=len(failing) + len(passing),
        teams_without_members=tuple(empty),
        failing=tuple(failing),
        passing=tuple(passing),
        population=population,
        leaders_total=leaders_total,
        team_rules=tuple(team_rules),
    )
