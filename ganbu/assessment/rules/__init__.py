"""The rules of 综合考核 (千分制), pure: no database, Decimal and exact fractions, never floats.

- `scheme`: the scheme validator (`parse_scheme`: JSON → `Scheme`, or every problem at once);
- `points`: one function per rule type (`completion`, `ratio_to_top`, `rank_linear`, `rank_step`,
  `bracket`, `deduct`, `bonus`, `ballot`, `satisfaction`, `manual`, `veto`) and the 难度系数
  (`difficulty`), each returning the points and their derivation; the named defaults;
- `ranking`: ranks within a category (ties share the better rank, vetoed units last) and grades
  with their maximum shares.

Rounding: each leaf half up to 2 decimals (`core.numbers.q2`); totals are sums of rounded leaves.
The formulas and the examples are in `ganbu/assessment/README.md`.
"""

from __future__ import annotations

from ganbu.assessment.rules.points import (
    BALLOT_VALUES,
    DEFAULT_CAP,
    DEFAULT_TOTAL,
    DIFFICULTY_RANGE,
    MAX_OPTION_VALUE,
    NO_DIFFICULTY_RULES,
    RULE_LABELS,
    SATISFACTION_VALUES,
    UNWEIGHTED_RULES,
    Event,
    Override,
    Score,
    ballot,
    ballot_shares,
    bonus,
    bracket,
    completion,
    deduct,
    difficulty,
    manual,
    num,
    option_totals,
    rank_linear,
    rank_step,
    ratio_to_top,
    satisfaction,
    veto,
)
from ganbu.assessment.rules.ranking import (
    Grade,
    assign_grades,
    competition_ranks,
    unit_ranks,
    value_ranks,
)
from ganbu.assessment.rules.scheme import Leaf, Scheme, parse_scheme, to_share

__all__ = [
    "BALLOT_VALUES",
    "DEFAULT_CAP",
    "DEFAULT_TOTAL",
    "DIFFICULTY_RANGE",
    "MAX_OPTION_VALUE",
    "NO_DIFFICULTY_RULES",
    "RULE_LABELS",
    "SATISFACTION_VALUES",
    "UNWEIGHTED_RULES",
    "Event",
    "Grade",
    "Leaf",
    "Override",
    "Scheme",
    "Score",
    "assign_grades",
    "ballot",
    "ballot_shares",
    "bonus",
    "bracket",
    "competition_ranks",
    "completion",
    "deduct",
    "difficulty",
    "manual",
    "num",
    "option_totals",
    "parse_scheme",
    "rank_linear",
    "rank_step",
    "ratio_to_top",
    "satisfaction",
    "to_share",
    "unit_ranks",
    "value_ranks",
    "veto",
]
