"""The counting rules of the seeds, as pure functions in integer (exact rational) arithmetic.

- 常委会票决 (decision): valid only when at least two thirds of the members who should attend are
  present (present × 3 ≥ expected × 2); a nominee passes when 同意 × 2 > expected (应到会人数), not
  of those present (seed 002, 条例 2019).
- 全委会征求意见 (consultation): a nominee is dropped when 不同意 × 2 > the denominator (应到 or 实到,
  a setting); exactly half keeps the nominee (seed 002: 「超过半数不同意」).
- 民主推荐 (recommendation): vote share per candidate; a ballot with more than N choices is invalid;
  a second round is needed when the top share is under 30% (seed 004).
- 民主测评 (rating): share of each option per group and weighted across groups; 满意度 = 优秀 + 称职;
  不称职 ≥ 30% → 不胜任现职 warning (seed 004).
- A session whose returned ballots exceed the ballots issued is invalid (收回票数多于发出票数).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from fractions import Fraction

AGREE = "同意"
DISAGREE = "不同意"
DEFER = "缓议"
APPROVAL_OPTIONS = [AGREE, DISAGREE, DEFER]
EXCELLENT, COMPETENT, BASIC, UNFIT = "优秀", "称职", "基本称职", "不称职"
RATING_OPTIONS = [EXCELLENT, COMPETENT, BASIC, UNFIT]
SATISFIED_OPTIONS = (EXCELLENT, COMPETENT)
UNFIT_THRESHOLD = Fraction(3, 10)
SECOND_ROUND_THRESHOLD = Fraction(3, 10)
WRITE_IN_MAX_LENGTH = 20


def quorum_met(present: int, expected: int) -> bool:
    """At least two thirds of the members who should attend are present."""
    return present * 3 >= expected * 2


def decision_passes(agree: int, expected: int) -> bool:
    """票决: more than half of the members who should attend (应到) agree."""
    return agree * 2 > expected


def consultation_drops(disagree: int, denominator: int) -> bool:
    """征求意见: more than half disagree → no longer a nominee. Exactly half keeps the nominee."""
    return disagree * 2 > denominator


def second_round_needed(top_share: Fraction | None) -> bool:
    """推荐: the top vote share is under 30% → a second round."""
    return top_share is not None and top_share < SECOND_ROUND_THRESHOLD


def unfit_warning(unfit_share: Fraction | None) -> bool:
    """测评: 不称职 ≥ 30% → 不胜任现职 warning."""
    return unfit_share is not None and unfit_share >= UNFIT_THRESHOLD


def returned_exceeds_issued(returned: int, issued: int) -> bool:
    return returned > issued


def share(count: int, total: int) -> Fraction | None:
    return Fraction(count, total) if total > 0 else None


def weighted_share(parts: Iterable[tuple[int, int, int]]) -> Fraction | None:
    """Σ w·(count/valid) / Σ w over the groups (weight, count, valid) that returned valid ballots."""
    numerator = Fraction(0)
    weights = 0
    for weight, count, valid in parts:
        if valid > 0 and weight > 0:
            numerator += Fraction(weight * count, valid)
            weights += weight
    return numerator / weights if weights else None


def percent(value: Fraction | None) -> str:
    """A share as a percentage with two decimals, rounded half up, from integers only: 6/11 → "54.55"."""
    if value is None:
        return ""
    hundredths = (value.numerator * 20000 + value.denominator) // (2 * value.denominator)
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def normalise_name(raw: str) -> str:
    """A written-in name as it is counted: NFKC (full-width → half-width), no whitespace."""
    return "".join(unicodedata.normalize("NFKC", raw).split())
