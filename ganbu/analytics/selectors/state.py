# ruff: noqa: S608 - SQL is assembled from constant fragments and model table names; every value is a parameter (selectors.sql.Sql)
"""Where every cadre stood on a given date, computed in the database from the history tables.

`cadre_state_sql` is the one definition of "a cadre's position on date D" that structure tables,
composition checks and forecasts share. It is the SQL twin of `cadres.rules.derive_current` (the
function that maintains the registry's current_* fields), so for today it gives what the current_*
fields say when they are fresh. `state_source` reads the same state from one of two derived copies
instead: today's from the current_* fields when they are provably fresh, any other date's from the
registry's state periods (`cadres.selectors.state_periods_on`, one row per cadre and interval of
unchanged state, built by `cadres.rules.state_periods` with derive_current itself). The history
computation stays as the reference the tests hold both copies to (`source="history"`):

- held appointments on D: started on or before D and not ended before D (`ended_on >= D` or open);
- the main appointment is the primary one, else the highest level, then the earliest start, then the
  lowest id; it gives the unit (which decides scope), the level (职务层次) and the title;
- leader on D: any held appointment is a leadership one;
- rank (职级) on D: the latest rank record started on or before D and not ended before D;
- education on D: records graduated on or before D (or without a date); "highest" takes the best of
  all records by `cadres.rules.EDUCATION_RANK`, "fulltime" the best full-time record (第一学历).

Who is in the population on D: cadres with a held appointment on D in the subtree. A cadre whose
status is no longer 在职 (退休/调出) counts only through appointments with an end date, and never on or
after today: the registry does not record when the status changed, so an appointment left open is
not taken to last for ever.

The history computation reads the registry's tables (read-only) because it is the reference the
registry's derived copies are checked against; the periods are read through a registry selector.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.db import connection

from ganbu.analytics.rules import (
    GRADE_ORDER,
    LEVEL_GRADE,
    RANK_GRADE,
    SECTION_GRADES,
    UNKNOWN_EDUCATION_RANK,
    Grade,
    born_by,
)
from ganbu.analytics.selectors.sql import Sql, fetch_all, in_list, join, table
from ganbu.cadres.models import Appointment, Cadre, CadreStatus, Education, EducationKind, RankRecord
from ganbu.cadres.rules import EDUCATION_RANK, LEVEL_ORDER
from ganbu.cadres.selectors import state_periods_built, state_periods_on
from ganbu.core.db import prefix_upper
from ganbu.org.models import Post, Unit
from ganbu.org.selectors import is_only_root

logger = logging.getLogger(__name__)


class Population:
    ALL = "all"
    SECTION = "section"
    LEADERS = "leaders"
    FILTER = "filter"


POPULATION_LABELS = {
    Population.ALL: "全部干部",
    Population.SECTION: "科级以上干部",
    Population.LEADERS: "领导干部",
    Population.FILTER: "按档案筛选条件",
}
# How the population is named in the seed-style sentence (「…科级以上干部126人」).
POPULATION_SUBJECTS = {
    Population.ALL: "干部",
    Population.SECTION: "科级以上干部",
    Population.LEADERS: "领导干部",
    Population.FILTER: "符合条件的干部",
}


class EducationMode:
    HIGHEST = "highest"
    FULLTIME = "fulltime"


EDUCATION_MODE_LABELS = {EducationMode.HIGHEST: "最高学历", EducationMode.FULLTIME: "全日制学历（第一学历）"}


@dataclass(frozen=True)
class StateOptions:
    as_of: date
    unit: Unit
    today: date
    education: str = EducationMode.HIGHEST
    with_details: bool = False  # also name and title (for lists)
    # "auto" | "current" | "periods" | "history" (tests and the benchmark force one; see state_source)
    source: str = "auto"


def case_map(expression: str, mapping: dict[str, int], default: int) -> Sql:
    """CASE expression WHEN code THEN n … ELSE default END, codes as parameters."""
    whens = join(" ", (Sql("WHEN %s THEN %s", (code, value)) for code, value in mapping.items()))
    return whens.wrap(f"CASE {expression} ", f" ELSE {default} END")


def subtree_unit_ids(unit: Unit) -> Sql:
    """Ids of the units in `unit`'s subtree: a range on the materialized path (index-friendly on
    both backends; paths are codes and slashes, so the next prefix is the last character + 1).
    Empty for the root of the only tree: every unit is in it, and the filter would only cost time."""
    if is_only_root(unit):
        return Sql("")
    return Sql(
        f"SELECT id FROM {table(Unit)} WHERE path >= %s AND path < %s", (unit.path, prefix_upper(unit.path))
    )


def _inactive_ids() -> Sql:
    statuses = [s for s in CadreStatus.values if s != CadreStatus.ACTIVE]
    return in_list("status", statuses).wrap(f"SELECT id FROM {table(Cadre)} WHERE ", "")


def held_appointments_where(alias: str, as_of: date, today: date) -> Sql:
    """Predicate: appointment `alias` is held on `as_of` (see the module docstring)."""
    held = Sql(f"{alias}.started_on <= %s AND ", (as_of,))
    if as_of < today:
        return (
            held
            + Sql(
                f"({alias}.ended_on >= %s OR ({alias}.ended_on IS NULL AND {alias}.cadre_id NOT IN (",
                (as_of,),
            )
            + _inactive_ids()
            + ")))"
        )
    return (
        held
        + Sql(f"({alias}.ended_on >= %s OR {alias}.ended_on IS NULL) AND {alias}.cadre_id NOT IN (", (as_of,))
        + _inactive_ids()
        + ")"
    )


def day_number(column: str) -> str:
    """An integer that orders dates (days since 1900-01-01), per backend."""
    if connection.vendor == "postgresql":
        return f"({column} - DATE '1900-01-01')"
    return f"(CAST(julianday({column}) AS INTEGER) - 2415020)"


def age_at_least(column: str, age: int, on: date) -> Sql:
    """Predicate: the holder of the birth date in `column` is `age` or older on `on` (has reached an
    age cap of `age`): the age rule of `rules.born_by`."""
    return Sql(f"{column} <= %s", (born_by(age, on),))


def age_at_most(column: str, age: int, on: date) -> Sql:
    """Predicate: the holder of the birth date in `column` is `age` or younger on `on` (not yet
    `age + 1`)."""
    return Sql(f"{column} > %s", (born_by(age + 1, on),))


# The main appointment is found with one GROUP BY: MIN over an integer key that sorts like
# derive_current's order and ends with the appointment id, so the winner can be joined back.
#   key = (not_primary * 10 + level_order) * 10^15 + day_number(started_on) * 10^9 + id
# (ids below 10^9, dates before the year 4600).
KEY_ORDER = 10**15
KEY_DAYS = 10**9
NO_LEVEL = LEVEL_ORDER[""]


def level_order_sql(column: str) -> Sql:
    return case_map(column, {k: v for k, v in LEVEL_ORDER.items() if k}, NO_LEVEL)


def _appointment_key_sql() -> Sql:
    return (
        Sql("(CASE WHEN a.is_primary THEN 0 ELSE 10 END + ")
        + level_order_sql("a.level")
        + f") * CAST({KEY_ORDER} AS BIGINT) + CAST({day_number('a.started_on')} AS BIGINT) * {KEY_DAYS} + a.id"
    )


def _education_rank_sql() -> Sql:
    return case_map("e.education", EDUCATION_RANK, UNKNOWN_EDUCATION_RANK)


OTHER_GRADE = GRADE_ORDER.index(Grade.OTHER)


def rank_grade_sql(column: str) -> Sql:
    """The grade index (rules.GRADE_ORDER) of the rank code in `column`; OTHER for none."""
    return case_map(column, {k: GRADE_ORDER.index(g) for k, g in RANK_GRADE.items()}, OTHER_GRADE)


def _rank_key_sql() -> Sql:
    """key = day_number(started_on) * 10^10 + (10^9 - 1 - id) * 10 + grade index: the MAX is the
    latest started rank record, then the lowest id (derive_current's choice), and its last digit
    is the grade (index into rules.GRADE_ORDER) the rank corresponds to."""
    return Sql(
        f"CAST({day_number('r.started_on')} AS BIGINT) * 10000000000 + (999999999 - r.id) * 10 + "
    ) + rank_grade_sql("r.rank")


def history_sql(as_of: date, today: date, education: str) -> Sql:
    """cadre_id → k (the main appointment's key), leader (0/1), one_unit (the unit when every held
    appointment is in the same unit, else NULL), edu_rank (NULL: no record) and rank_key (NULL: no
    rank), for cadres holding an appointment on `as_of`. One GROUP BY over the three history tables
    together (one hash table instead of three plus two joins)."""
    kind = (
        Sql(" AND e.kind = %s", (EducationKind.FULL_TIME.value,))
        if education == EducationMode.FULLTIME
        else Sql("")
    )
    appointments = (
        _appointment_key_sql().wrap("SELECT a.cadre_id AS cadre_id, ", " AS ak, ")
        + "CASE WHEN a.is_leadership THEN 1 ELSE 0 END AS ld, a.unit_id AS un, "
        + "CAST(NULL AS INTEGER) AS er, CAST(NULL AS BIGINT) AS rk "
        + f"FROM {table(Appointment)} a WHERE "
        + held_appointments_where("a", as_of, today)
    )
    educations = (
        _education_rank_sql().wrap("SELECT e.cadre_id, NULL, NULL, NULL, ", ", NULL ")
        + Sql(
            f"FROM {table(Education)} e WHERE e.education <> '' AND (e.ended_on IS NULL OR e.ended_on <= %s)",
            (as_of,),
        )
        + kind
    )
    ranks = _rank_key_sql().wrap("SELECT r.cadre_id, NULL, NULL, NULL, NULL, ", " ") + Sql(
        f"FROM {table(RankRecord)} r WHERE r.started_on <= %s AND (r.ended_on IS NULL OR r.ended_on >= %s)",
        (as_of, as_of),
    )
    return (
        Sql(
            "SELECT u.cadre_id AS cadre_id, MIN(u.ak) AS k, MAX(u.ld) AS leader, "
            "CASE WHEN MIN(u.un) = MAX(u.un) THEN MIN(u.un) END AS one_unit, "
            "MIN(u.er) AS edu_rank, MAX(u.rk) AS rank_key FROM ("
        )
        + join(" UNION ALL ", [appointments, educations, ranks])
        + ") u GROUP BY u.cadre_id HAVING MIN(u.ak) IS NOT NULL"
    )


@dataclass(frozen=True)
class StateSource:
    """The state rows of a date and how to read them.

    `sql` gives one row per cadre in the population's scope with the columns id, gender,
    birth_date, political_status, ethnicity, personnel_category, unit_id, leader (0/1) and three
    keys: level_key, rank_key and edu_key [, name, title]. From the history tables the keys are
    already small integers (level order, rank grade, education rank); from the current_* fields and
    the state periods they are the raw codes. The methods turn a key column into the integer it
    stands for, so a query can group by the keys first and map the few groups afterwards (the
    mapping is the costly part)."""

    sql: Sql
    from_history: bool

    def lo(self, level_key: str) -> Sql:
        """Level order (cadres.rules.LEVEL_ORDER; 9 = none)."""
        return Sql(level_key) if self.from_history else level_order_sql(level_key)

    def rank_grade(self, rank_key: str) -> Sql:
        """Grade index (rules.GRADE_ORDER) of the rank held; OTHER when none."""
        if self.from_history:
            return Sql(f"COALESCE({rank_key}, {OTHER_GRADE})")
        return rank_grade_sql(rank_key)

    def edu_rank(self, edu_key: str) -> Sql:
        """Education rank (cadres.rules.EDUCATION_RANK; NULL = no record)."""
        if self.from_history:
            return Sql(edu_key)
        return case_map(edu_key, EDUCATION_RANK, UNKNOWN_EDUCATION_RANK).wrap(
            f"CASE WHEN {edu_key} = '' THEN NULL ELSE ", " END"
        )

    def grade(self, level_key: str, rank_key: str) -> Sql:
        """Index into GRADE_ORDER of the higher of the level's and the rank's grade (rules.grade_of)."""
        by_level = (
            Sql("CASE ")
            + self.lo(level_key)
            + (
                " "
                + " ".join(
                    f"WHEN {LEVEL_ORDER[k]} THEN {GRADE_ORDER.index(g)}" for k, g in LEVEL_GRADE.items()
                )
                + f" ELSE {OTHER_GRADE} END"
            )
        )
        by_rank = self.rank_grade(rank_key)
        return join(
            "",
            [
                Sql("(CASE WHEN "),
                by_rank,
                Sql(" < "),
                by_level,
                Sql(" THEN "),
                by_rank,
                Sql(" ELSE "),
                by_level,
                Sql(" END)"),
            ],
        )


def cadre_state_sql(options: StateOptions) -> Sql:
    """The state rows (see StateSource) from the history tables."""
    main_id = f"h.k %% {KEY_DAYS}"
    lo = f"((h.k / {KEY_ORDER}) %% 10)"
    # the unit of the main appointment; looked up only for the few cadres holding appointments in
    # more than one unit on the date
    unit = f"COALESCE(h.one_unit, (SELECT a2.unit_id FROM {table(Appointment)} a2 WHERE a2.id = {main_id}))"
    details = ""
    if options.with_details:
        details = f", c.name AS name, (SELECT a3.title FROM {table(Appointment)} a3 WHERE a3.id = {main_id}) AS title"
    scope = subtree_unit_ids(options.unit)
    return (
        Sql(
            "SELECT c.id AS id, c.gender AS gender, c.birth_date AS birth_date, "
            "c.political_status AS political_status, c.ethnicity AS ethnicity, "
            f"c.personnel_category AS personnel_category, {unit} AS unit_id, h.leader AS leader, "
            f"{lo} AS level_key, (h.rank_key %% 10) AS rank_key, h.edu_rank AS edu_key{details} FROM ("
        )
        + history_sql(options.as_of, options.today, options.education)
        + f") h JOIN {table(Cadre)} c ON c.id = h.cadre_id"
        + (scope.wrap(f" WHERE {unit} IN (", ")") if scope.text else "")
    )


def current_state_sql(options: StateOptions) -> Sql:
    """The state rows (see StateSource) from the registry's derived current_* fields: one scan of
    the cadre table. Only valid when `current_fields_are_fresh()`."""
    edu_column = (
        "c.fulltime_education" if options.education == EducationMode.FULLTIME else "c.highest_education"
    )
    details = ", c.name AS name, c.current_title AS title" if options.with_details else ""
    scope = subtree_unit_ids(options.unit)
    return Sql(
        "SELECT c.id AS id, c.gender AS gender, c.birth_date AS birth_date, "
        "c.political_status AS political_status, c.ethnicity AS ethnicity, "
        "c.personnel_category AS personnel_category, c.unit_id AS unit_id, "
        "CASE WHEN c.is_leader THEN 1 ELSE 0 END AS leader, c.current_level AS level_key, "
        f"c.current_rank AS rank_key, {edu_column} AS edu_key{details} "
        f"FROM {table(Cadre)} c WHERE c.status = %s AND c.current_title <> ''",
        (CadreStatus.ACTIVE.value,),
    ) + (scope.wrap(" AND c.unit_id IN (", ")") if scope.text else "")


def periods_state_sql(options: StateOptions) -> Sql:
    """The state rows (see StateSource) from the registry's state periods: one range scan of the
    periods valid on the date (`cadres.selectors.state_periods_on`). For a date on or after today a
    cadre no longer 在职 does not count at all (as in `held_appointments_where`); before today the
    periods already count them only through appointments with an end date."""
    edu_column = (
        "p.fulltime_education" if options.education == EducationMode.FULLTIME else "p.highest_education"
    )
    periods = (
        state_periods_on(options.as_of)
        .values(
            "cadre_id",
            "gender",
            "birth_date",
            "political_status",
            "ethnicity",
            "personnel_category",
            "unit_id",
            "is_leader",
            "level",
            "rank",
            "highest_education",
            "fulltime_education",
            "main_appointment_id",
        )
        .query.sql_with_params()
    )
    details = ""
    if options.with_details:
        details = (
            f", (SELECT c.name FROM {table(Cadre)} c WHERE c.id = p.cadre_id) AS name, "
            f"(SELECT a.title FROM {table(Appointment)} a WHERE a.id = p.main_appointment_id) AS title"
        )
    scope = subtree_unit_ids(options.unit)
    conditions = []
    if scope.text:
        conditions.append(scope.wrap("p.unit_id IN (", ")"))
    if options.as_of >= options.today:
        conditions.append(_inactive_ids().wrap("p.cadre_id NOT IN (", ")"))
    return (
        Sql(
            "SELECT p.cadre_id AS id, p.gender AS gender, p.birth_date AS birth_date, "
            "p.political_status AS political_status, p.ethnicity AS ethnicity, "
            "p.personnel_category AS personnel_category, p.unit_id AS unit_id, "
            "CASE WHEN p.is_leader THEN 1 ELSE 0 END AS leader, p.level AS level_key, "
            f"p.rank AS rank_key, {edu_column} AS edu_key{details} FROM ("
        )
        + Sql(periods[0], tuple(periods[1]))
        + ") p"
        + (join(" AND ", conditions).wrap(" WHERE ", "") if conditions else "")
    )


def _saved_on_lower_bound(column: str) -> str:
    """A date on or before the local date of the timestamp `column` (its UTC date minus one day,
    which is at most the Asia/Shanghai date)."""
    if connection.vendor == "postgresql":
        return f"(CAST({column} AS DATE) - 1)"
    return f"date({column}, '-1 day')"


def stale_current_fields_sql(today: date) -> Sql:
    """Rows whose date became effective after they were saved: an appointment or rank that started
    (or ended) between its last save and today, an education completed in that window. The
    registry computes current_* when a record is saved, so such a record may have left them
    stale; none at all means they are exactly what `cadre_state_sql` computes for today."""
    a, r, e = (
        _saved_on_lower_bound("a.updated_at"),
        _saved_on_lower_bound("r.updated_at"),
        _saved_on_lower_bound("e.updated_at"),
    )
    return join(
        " UNION ALL ",
        [
            Sql(
                f"SELECT 1 FROM (SELECT 1 AS x FROM {table(Appointment)} a WHERE (a.started_on > {a} AND a.started_on <= %s) "
                f"OR (a.ended_on >= {a} AND a.ended_on < %s) LIMIT 1) s1",
                (today, today),
            ),
            Sql(
                f"SELECT 1 FROM (SELECT 1 AS x FROM {table(RankRecord)} r WHERE (r.started_on > {r} AND r.started_on <= %s) "
                f"OR (r.ended_on >= {r} AND r.ended_on < %s) LIMIT 1) s2",
                (today, today),
            ),
            Sql(
                f"SELECT 1 FROM (SELECT 1 AS x FROM {table(Education)} e WHERE e.ended_on > {e} AND e.ended_on <= %s LIMIT 1) s3",
                (today,),
            ),
        ],
    )


FRESH_CACHE_SECONDS = 6 * 3600


def current_fields_are_fresh(today: date, *, use_cache: bool = True) -> bool:
    """Whether the current_* fields are exactly the state on `today`. A "yes" holds for the rest of
    that day: every registry write refreshes the written cadre's fields as of the day it is made,
    so writes never make them stale for that day — only a date passing does. So a "yes" is cached
    per day (per process); a "no" is not (re-saving the record makes it fresh again)."""
    key = f"ganbu.analytics.fresh:{connection.alias}:{today.isoformat()}"
    if use_cache and cache.get(key):
        return True
    fresh = not fetch_all(stale_current_fields_sql(today))
    if fresh:
        cache.set(key, True, FRESH_CACHE_SECONDS)
    return fresh


def state_source(options: StateOptions) -> StateSource:
    """The state rows for the date. `auto`: from the current_* fields when the date is today and
    they are fresh (one scan of the cadre table), else from the state periods (one range scan), both
    identical to the history computation by construction and by test; from the history tables only
    when the periods were never built (a database bulk-filled without rebuilding them)."""
    source = options.source
    if source == "auto":
        if options.as_of == options.today and current_fields_are_fresh(options.today):
            source = "current"
        elif state_periods_built():
            source = "periods"
        else:
            logger.warning("state periods not built: run manage.py rebuild_state_periods")
            source = "history"
    if source == "current":
        return StateSource(current_state_sql(options), from_history=False)
    if source == "periods":
        return StateSource(periods_state_sql(options), from_history=False)
    return StateSource(cadre_state_sql(options), from_history=True)


def team_members_sql(as_of: date, today: date, unit: Unit) -> Sql:
    """(team_id, cadre_id) pairs: cadres holding, on `as_of`, an appointment to a post of a team whose
    unit is in `unit`'s subtree (once per team even with two posts in it)."""
    scope = subtree_unit_ids(unit)
    return (
        Sql(
            f"SELECT DISTINCT p.team_id AS team_id, a.cadre_id AS cadre_id FROM {table(Appointment)} a "
            f"JOIN {table(Post)} p ON p.id = a.post_id WHERE p.team_id IS NOT NULL AND "
        )
        + held_appointments_where("a", as_of, today)
        + (scope.wrap(" AND p.unit_id IN (", ")") if scope.text else "")
    )


def population_where(
    population: str, source: StateSource, alias: str = "s", filter_ids: Sql | None = None
) -> Sql:
    """Predicate restricting the state rows `alias` of `source` to a population."""
    if population == Population.LEADERS:
        return Sql(f"{alias}.leader = 1")
    if population == Population.SECTION:
        grade = source.grade(f"{alias}.level_key", f"{alias}.rank_key")
        return grade + in_list("", [GRADE_ORDER.index(g) for g in SECTION_GRADES]).wrap(" ", "")
    if population == Population.FILTER:
        assert filter_ids is not None
        return filter_ids.wrap(f"{alias}.id IN (", ")")
    return Sql("1 = 1")
