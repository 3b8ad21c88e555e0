"""A small composable SQL fragment (text with positional %s placeholders plus its parameters), so
that queries assembled from pieces keep their parameters in order and never format values into
the text."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction


@dataclass(frozen=True)
class Sql:
    text: str
    params: tuple[Any, ...] = ()

    def __add__(self, other: Sql | str) -> Sql:
        if isinstance(other, str):
            return Sql(self.text + other, self.params)
        return Sql(self.text + other.text, self.params + other.params)

    def __radd__(self, other: str) -> Sql:
        return Sql(other + self.text, self.params)

    def wrap(self, before: str, after: str) -> Sql:
        return Sql(before + self.text + after, self.params)


def join(separator: str, parts: Iterable[Sql]) -> Sql:
    texts: list[str] = []
    params: list[Any] = []
    for part in parts:
        texts.append(part.text)
        params.extend(part.params)
    return Sql(separator.join(texts), tuple(params))


def param(value: Any) -> Sql:
    return Sql("%s", (value,))


def in_list(expression: str, values: Sequence[Any]) -> Sql:
    """`expression IN (...)`; an always-false predicate for an empty list."""
    if not values:
        return Sql("1 = 0")
    return Sql(f"{expression} IN ({', '.join(['%s'] * len(values))})", tuple(values))


def table(model: Any) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))


# PostgreSQL settings for the analytic queries, local to their transaction. The planner cannot
# estimate how many rows a GROUP BY over a UNION returns (it guesses 200 where there is one per
# cadre), and with that guess it (a) compiles the query with JIT — seconds of compilation for a
# query that runs in a fraction of one —, (b) joins with nested loops and (c) groups by sorting,
# over what are really hundreds of thousands of rows. All three are switched off: these queries
# are hash joins and hash aggregates from end to end, and none of them needs an ORDER BY.
# work_mem is raised so the per-cadre hash tables stay in memory at a million cadres.
POSTGRES_SETTINGS = (
    ("jit", "off"),
    ("enable_nestloop", "off"),
    ("enable_sort", "off"),
    ("work_mem", "256MB"),
)


def fetch_all(query: Sql, *, parallel: bool = True) -> list[tuple[Any, ...]]:
    """Run an analytic query. `parallel=False` for the queries over the history tables: their big
    GROUP BY is by cadre, and parallel workers each build a partial table over all cadres that then
    has to be merged — slower than one process, measured (bench/structure.py)."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            settings = (
                POSTGRES_SETTINGS
                if parallel
                else (*POSTGRES_SETTINGS, ("max_parallel_workers_per_gather", "0"))
            )
            calls = ", ".join("set_config(%s, %s, true)" for _ in settings)
            cursor.execute(f"SELECT {calls}", [v for pair in settings for v in pair])
        cursor.execute(query.text, query.params)
        return list(cursor.fetchall())
