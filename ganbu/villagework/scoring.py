"""The arithmetic of the annual 驻村干部 evaluation: pure functions, no database.

A stationed cadre's score has three parts, each on a 0–100 scale, combined with the part weights
copied into the evaluation from the settings (default 评议 50 + 捆绑考核 30 + 工作实绩 20):

1. **评议 (ballot)**, from the anonymous 述职评议 of the ballot engine (民主测评 options), consumed as
   the engine computes it and never recomputed: the ballot score = Σ `OPTION_POINTS`[option] ×
   the engine's weighted share of the option (`SubjectResult.shares`: Σ group weight × share of
   the group's valid ballots / Σ weight over the groups that returned valid ballots, exact
   fractions). Option points: 优秀 100, 称职 80, 基本称职 60, 不称职 0. The weighted mean is linear,
   so this equals the weighted mean of the group scores. A group's own score (Σ points × its
   shares) is shown only for the groups the engine shows (`SubjectResult.group_shares`); the
   不称职 share is the engine's weighted share and 「不胜任现职预警」 is the engine's flag (its
   threshold in force).
2. **捆绑考核 (bundled)**, the township's scores (0–100) for the village's key work items:
   Σ item weight × item score / Σ item weights. Every item must be scored.
3. **工作实绩 (work)**, from the year's work numbers (selectors.stats.Numbers), with the sub-weights
   `WORK_WEIGHTS`: 50 % household coverage (capped at 100) + 30 % weekly-quota rate (share of weeks
   the visit quota was met, capped at 100) + 20 % resolution rate (requests resolved ÷ requests
   raised × 100; 100 when none was raised).

Total = Σ part weight × part score / 100, computed from the part scores as rounded and shown, so the
explanation on the page ("评议 86.40 × 50% + …") adds up exactly. Suggested grade (ZB18 code): the
first threshold (highest first) the total reaches — ≥ 优秀 min → "1", ≥ 称职 min → "2", ≥ 基本称职
min → "3", otherwise "4" (不称职). A 不胜任现职预警 caps the suggestion at 基本称职 ("3",
`rules.UNFIT_CAP_GRADE`): a cadre the raters flagged as unfit is not suggested as 优秀 or 称职
whatever the other parts say; the township may still decide otherwise, with a stated reason.

All arithmetic is exact (Fraction / Decimal); every score is rounded half up to two decimals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError

from ganbu.core.numbers import q2, to_decimal
from ganbu.villagework.errors import BUNDLED_SCORES_INVALID
from ganbu.villagework.rules import OPTION_POINTS, PARTS, UNFIT_CAP_GRADE, UNFIT_OPTION, WORK_WEIGHTS

__all__ = [
    "GRADE_LABELS",
    "OPTION_POINTS",
    "PARTS",
    "PART_LABELS",
    "UNFIT_FLAG",
    "WORK_LABELS",
    "WORK_WEIGHTS",
    "BallotPart",
    "Combination",
    "WorkPart",
    "ballot_part",
    "bundled_score",
    "clean_bundled_scores",
    "combine",
    "points",
    "q2",
    "suggest_grade",
    "to_decimal",
    "to_fraction",
    "work_part",
]

WORK_LABELS: dict[str, str] = {
    "coverage": "走访覆盖率",
    "quota": "每周走访达标率",
    "resolution": "诉求办结率",
}
PART_LABELS: dict[str, str] = {"ballot": "评议", "bundled": "捆绑", "work": "实绩"}
# ZB18 考核结果 codes used by the suggestion
GRADE_LABELS: dict[str, str] = {"1": "优秀", "2": "称职", "3": "基本称职", "4": "不称职"}
LOWEST_GRADE = "4"
UNFIT_FLAG = "不胜任现职预警"

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def to_fraction(value: Any) -> Fraction:
    number = to_decimal(value)
    if number is None:
        raise ValueError(f"not a number: {value!r}")
    return Fraction(number)


# --------------------------------------------------------------------------------------------------
# 1. ballot part
# --------------------------------------------------------------------------------------------------


Shares = Mapping[str, Fraction | None]


@dataclass(frozen=True)
class BallotPart:
    score: Decimal | None  # None: no group returned a valid ballot
    group_scores: dict[str, Decimal | None]  # the groups the engine shows; None: no valid ballot
    unfit_share: Decimal | None  # percent: the engine's weighted 不称职 share
    unfit_warning: bool  # the engine's 不胜任现职 warning


def points(shares: Shares) -> Fraction | None:
    """Σ option points × share (0–100); None when there is no share (no valid ballot). Options
    without points (not 民主测评) count 0."""
    if not shares or any(s is None for s in shares.values()):
        return None
    return sum((OPTION_POINTS.get(o, 0) * s for o, s in shares.items() if s is not None), Fraction(0))


def ballot_part(*, shares: Shares, group_shares: Mapping[str, Shares], unfit_warning: bool) -> BallotPart:
    """The ballot part from the engine's result for one subject: its weighted shares per option,
    the shares of each group it shows, and its 不胜任现职 warning."""
    group_scores = {name: _rounded(points(group)) for name, group in group_shares.items()}
    score = points(shares)
    if score is None:
        return BallotPart(score=None, group_scores=group_scores, unfit_share=None, unfit_warning=False)
    unfit = shares.get(UNFIT_OPTION) or Fraction(0)
    return BallotPart(
        score=q2(score), group_scores=group_scores, unfit_share=q2(unfit * 100), unfit_warning=unfit_warning
    )


def _rounded(value: Fraction | None) -> Decimal | None:
    return None if value is None else q2(value)


# --------------------------------------------------------------------------------------------------
# 2. bundled part
# --------------------------------------------------------------------------------------------------


def clean_bundled_scores(items: Sequence[Mapping[str, Any]], scores: Mapping[str, Any]) -> dict[str, Decimal]:
    """Every item of the evaluation present, each a number from 0 to 100; unknown items refused.
    Raises ValidationError whose messages name the item."""
    errors: list[str] = []
    names = [str(i["name"]) for i in items]
    cleaned: dict[str, Decimal] = {}
    for name in names:
        raw = scores.get(name)
        if raw is None or str(raw).strip() == "":
            errors.append(f"请填写「{name}」的得分")
            continue
        number = to_decimal(raw)
        if number is None or not 0 <= number <= 100:
            errors.append(f"「{name}」的得分应为0到100之间的数")
            continue
        if number != number.quantize(CENT):
            errors.append(f"「{name}」的得分最多保留两位小数")
            continue
        cleaned[name] = number
    unknown = [k for k in scores if k not in names]
    if unknown:
        errors.append(f"「{'、'.join(unknown)}」不是本次考核的捆绑考核项目")
    if errors:
        raise ValidationError(errors, code=BUNDLED_SCORES_INVALID)
    return cleaned


def bundled_score(items: Sequence[Mapping[str, Any]], scores: Mapping[str, Any]) -> Decimal:
    """Σ item weight × item score / Σ item weights (items: [{"name", "weight"}])."""
    cleaned = clean_bundled_scores(items, scores)
    weights = sum((to_fraction(i["weight"]) for i in items), Fraction(0))
    if not weights:
        raise ValueError("bundled items have no weight")
    total = sum((to_fraction(i["weight"]) * Fraction(cleaned[str(i["name"])]) for i in items), Fraction(0))
    return q2(total / weights)


# --------------------------------------------------------------------------------------------------
# 3. work part
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkPart:
    score: Decimal
    components: dict[str, Decimal]  # coverage / quota / resolution, each 0–100 as used


def _clamp(value: Decimal | None) -> Decimal:
    if value is None:
        return Decimal(0)
    return min(max(Decimal(value), Decimal(0)), HUNDRED)


def work_part(
    *, coverage: Decimal | None, quota_rate: Decimal | None, requests_raised: int, requests_resolved: int
) -> WorkPart:
    """50 % coverage + 30 % quota rate + 20 % resolution rate (`WORK_WEIGHTS`), each capped 0–100.
    No households registered (coverage None) counts 0; no request raised counts 100."""
    if requests_raised > 0:
        resolution = Fraction(min(requests_resolved, requests_raised) * 100, requests_raised)
    else:
        resolution = Fraction(100)
    components = {
        "coverage": Fraction(_clamp(coverage)),
        "quota": Fraction(_clamp(quota_rate)),
        "resolution": resolution,
    }
    score = sum((WORK_WEIGHTS[k] * v for k, v in components.items()), Fraction(0)) / 100
    return WorkPart(score=q2(score), components={k: q2(v) for k, v in components.items()})


# --------------------------------------------------------------------------------------------------
# combination
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    part: str
    score: Decimal | None
    weight: Decimal


@dataclass(frozen=True)
class Combination:
    total: Decimal
    terms: list[Term]
    suggested_grade: str
    capped: bool  # the 不胜任现职预警 lowered the suggestion
    flags: list[str] = field(default_factory=list)

    def explain(self) -> str:
        """ "评议 86.40 × 50% + 捆绑 90.00 × 30% + 实绩 75.50 × 20% = 85.30"."""
        shown = [t for t in self.terms if t.weight]
        text = " + ".join(f"{PART_LABELS[t.part]} {t.score} × {_pct(t.weight)}%" for t in shown)
        return f"{text} = {self.total}"


def _pct(weight: Decimal) -> str:
    return str(weight.normalize()) if weight != weight.to_integral() else str(int(weight))


def suggest_grade(total: Decimal, thresholds: Sequence[Mapping[str, Any]]) -> str:
    """The first threshold (highest first) the total reaches; below all → "4" (不称职)."""
    ordered = sorted(thresholds, key=lambda t: to_fraction(t["min"]), reverse=True)
    for threshold in ordered:
        if Fraction(total) >= to_fraction(threshold["min"]):
            return str(threshold["grade"])
    return LOWEST_GRADE


def combine(
    *,
    parts: Mapping[str, Decimal | None],
    part_weights: Mapping[str, Any],
    thresholds: Sequence[Mapping[str, Any]],
    unfit_warning: bool = False,
) -> Combination:
    """Total = Σ part weight × part score / 100 (weights sum to 100; a part of weight 0 may be
    missing). The suggested grade follows the thresholds, capped at 基本称职 by an unfit warning."""
    terms: list[Term] = []
    total = Fraction(0)
    for part in PARTS:
        weight = to_decimal(part_weights.get(part, 0)) or Decimal(0)
        score = parts.get(part)
        if weight and score is None:
            raise ValueError(f"part {part} has weight {weight} but no score")
        terms.append(Term(part=part, score=score, weight=weight))
        if weight and score is not None:
            total += Fraction(weight) * Fraction(score)
    rounded = q2(total / 100)
    grade = suggest_grade(rounded, thresholds)
    flags = [UNFIT_FLAG] if unfit_warning else []
    capped = unfit_warning and grade < UNFIT_CAP_GRADE  # "1"/"2" → "3"
    if capped:
        grade = UNFIT_CAP_GRADE
    return Combination(total=rounded, terms=terms, suggested_grade=grade, capped=capped, flags=flags)
