"""The arithmetic of the annual 驻村干部 evaluation: pure functions, no database.

A stationed cadre's score has three parts, each on a 0–100 scale, combined with the part weights
copied into the evaluation from the settings (default 评议 50 + 捆绑考核 30 + 工作实绩 20):

1. **评议 (ballot)**, from the anonymous 述职评议 of the ballot engine (民主测评 options). Each option
   is worth `OPTION_POINTS` (优秀 100, 称职 80, 基本称职 60, 不称职 0). A rater group's score is
   Σ points × share of the group's valid ballots; the ballot score is Σ weight × group score / Σ
   weight over the groups that returned valid ballots (a group with none is left out, so it neither
   helps nor hurts). The same weighting gives the 不称职 share; ≥ 30 % raises 「不胜任现职预警」
   (DESIGN.md, seed 004; the ballot engine's `rules.UNFIT_THRESHOLD`).
2. **捆绑考核 (bundled)**, the township's scores (0–100) for the village's key work items:
   Σ item weight × item score / Σ item weights. Every item must be scored.
3. **工作实绩 (work)**, from the year's work numbers (selectors.stats.Numbers), with the sub-weights
   `WORK_WEIGHTS`: 50 % household coverage (capped at 100) + 30 % weekly-quota rate (share of weeks
   the visit quota was met, capped at 100) + 20 % resolution rate (requests resolved ÷ requests
   raised × 100; 100 when none was raised).

Total = Σ part weight × part score / 100, computed from the part scores as rounded and shown, so the
explanation on the page ("评议 86.40 × 50% + …") adds up exactly. Suggested grade (ZB18 code): the
first threshold (highest first) the total reaches — ≥ 优秀 min → "1", ≥ 称职 min → "2", ≥ 基本称职
min → "3", otherwise "4" (不称职). A 不胜任现职预警 caps the suggestion at 基本称职 ("3"): a cadre a
third of the raters judged unfit is not suggested as 优秀 or 称职 whatever the other parts say; the
township may still decide otherwise, with a stated reason.

All arithmetic is exact (Fraction / Decimal); every score is rounded half up to two decimals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError

from ganbu.ballots.rules import UNFIT, UNFIT_THRESHOLD
from ganbu.core.numbers import q2, to_decimal

# points per 民主测评 option (the ballot engine's RATING_OPTIONS)
OPTION_POINTS: dict[str, int] = {"优秀": 100, "称职": 80, "基本称职": 60, "不称职": 0}
# sub-weights of the work part (percent, sum 100)
WORK_WEIGHTS: dict[str, int] = {"coverage": 50, "quota": 30, "resolution": 20}
WORK_LABELS: dict[str, str] = {
    "coverage": "走访覆盖率",
    "quota": "每周走访达标率",
    "resolution": "诉求办结率",
}
PARTS = ("ballot", "bundled", "work")
PART_LABELS: dict[str, str] = {"ballot": "评议", "bundled": "捆绑", "work": "实绩"}
# ZB18 考核结果 codes used by the suggestion
GRADE_LABELS: dict[str, str] = {"1": "优秀", "2": "称职", "3": "基本称职", "4": "不称职"}
LOWEST_GRADE = "4"
UNFIT_CAP_GRADE = "3"
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


@dataclass(frozen=True)
class GroupVotes:
    """One rater group's answers about one cadre: the share of each option among the group's valid
    ballots (exact fractions), or None when the group returned no valid ballot."""

    name: str
    weight: Fraction
    shares: Mapping[str, Fraction] | None

    @classmethod
    def from_counts(cls, name: str, weight: Any, counts: Mapping[str, int]) -> GroupVotes:
        """From the number of ballots per option (each valid ballot marks exactly one option)."""
        valid = sum(counts.values())
        shares = {o: Fraction(n, valid) for o, n in counts.items()} if valid else None
        return cls(name=name, weight=to_fraction(weight), shares=shares)


@dataclass(frozen=True)
class BallotPart:
    score: Decimal | None  # None: no group returned a valid ballot
    group_scores: dict[str, Decimal | None]
    unfit_share: Decimal | None  # percent, weighted like the score
    unfit_warning: bool


def group_score(shares: Mapping[str, Fraction]) -> Fraction:
    """Σ option points × share (0–100). Options without points (not 民主测评) count 0."""
    return sum((OPTION_POINTS.get(o, 0) * s for o, s in shares.items()), Fraction(0))


def ballot_part(groups: Sequence[GroupVotes]) -> BallotPart:
    """Weighted mean of the group scores over groups that returned valid ballots and have a weight."""
    counted = [g for g in groups if g.shares is not None and g.weight > 0]
    weights = sum((g.weight for g in counted), Fraction(0))
    group_scores = {g.name: q2(group_score(g.shares)) if g.shares is not None else None for g in groups}
    if not weights:
        return BallotPart(score=None, group_scores=group_scores, unfit_share=None, unfit_warning=False)
    score = sum((g.weight * group_score(g.shares) for g in counted if g.shares), Fraction(0)) / weights
    unfit = sum((g.weight * g.shares.get(UNFIT, Fraction(0)) for g in counted if g.shares), Fraction(0))
    unfit /= weights
    return BallotPart(
        score=q2(score),
        group_scores=group_scores,
        unfit_share=q2(unfit * 100),
        unfit_warning=unfit >= UNFIT_THRESHOLD,
    )


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
        raise ValidationError(errors, code="bundled_scores_invalid")
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
