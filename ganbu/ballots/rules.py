"""The counting rules of the seeds, as pure functions in integer (exact rational) arithmetic.

Statutory constants stay constants, with the regulation cited where they are used
(《党政领导干部选拔任用工作条例》2019; seed 002):
- 常委会票决 (decision): valid only when at least two thirds of the members who should attend are
  present (present × 3 ≥ expected × 2); a nominee passes when 同意 × 2 > expected (应到会人数), not
  of those present.
- 全委会征求意见 (consultation): a nominee is dropped when 不同意 × 2 > the denominator (应到 or 实到,
  chosen per session); exactly half keeps the nominee (「超过半数不同意」).
- A session whose returned ballots exceed the ballots issued is invalid (收回票数多于发出票数).

The numbers an administrator may change on the 测评投票设置 page (`models.BallotSettings`) have
their named defaults below and are passed to the predicates as arguments (the value in force):
- 民主推荐 (recommendation): vote share per candidate; a ballot with more than N choices is invalid;
  a second round is needed when the top share is under `SECOND_ROUND_PERCENT` (seed 004: 30%).
- 民主测评 (rating): share of each option per group and weighted across groups; 满意度 = 优秀 + 称职;
  不称职 ≥ `UNFIT_WARNING_PERCENT` (seed 004: 30%) → 不胜任现职 warning.
- Anonymity: per-group results are not broken out below `MIN_GROUP_SIZE` valid ballots, live
  counts are hidden for bodies under `LIVE_MIN` expected voters (README.md, "Anonymity").
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from fractions import Fraction

from ganbu.core.numbers import format_hundredths, percent_hundredths

AGREE = "同意"
DISAGREE = "不同意"
DEFER = "缓议"
APPROVAL_OPTIONS = [AGREE, DISAGREE, DEFER]
EXCELLENT, COMPETENT, BASIC, UNFIT = "优秀", "称职", "基本称职", "不称职"
RATING_OPTIONS = [EXCELLENT, COMPETENT, BASIC, UNFIT]
SATISFIED_OPTIONS = (EXCELLENT, COMPETENT)
WRITE_IN_MAX_LENGTH = 20

# --- named defaults of the settings (models.BallotSettings holds the values in force) ----------

MIN_GROUP_SIZE = 5  # a rater group with fewer valid ballots is not shown on its own
LIVE_MIN = 20  # bodies with fewer expected voters see no live received counts until close
CONSULT_DENOMINATOR = "expected"  # 征求意见 base of new sessions: "expected" (应到) or "present" (实到)
UNFIT_WARNING_PERCENT = 30  # 测评: 不称职 share (%) from which 不胜任现职 is flagged (seed 004)
SECOND_ROUND_PERCENT = 30  # 推荐: top share (%) under which a second round is needed (seed 004)
PUBLIC_BASE_URL = ""  # origin printed on slips and QR codes; empty: the request's own
# 测评, 推荐 and 征求意见: the ballots returned must reach this share of those present (实到; 应到
# where 实到 was not entered), else the vote is void. 票决 has its statutory quorum instead.
TURNOUT = "2/3"
TURNOUT_CHOICES = {
    "2/3": ("三分之二", Fraction(2, 3)),
    "1/2": ("二分之一", Fraction(1, 2)),
    "3/4": ("四分之三", Fraction(3, 4)),
    "4/5": ("五分之四", Fraction(4, 5)),
    "0": ("不设下限", Fraction(0)),
}
# --- the create form's templates for the common meetings (forms.SessionForm prefills from them) -
# kind is the form's kind (测评 rating, 推荐 recommendation, 征求意见 consultation, 票决 decision);
# groups are (name, 应到, 权重), typical numbers the clerk corrects for the meeting at hand.
MEETING_TEMPLATES: dict[str, dict[str, object]] = {
    "standing_committee": {
        "label": "常委会票决",
        "title": "县委常委会票决",
        "kind": "decision",
        "options": APPROVAL_OPTIONS,
        "groups": [("常委", 11, 1)],
        "mode": "electronic",
    },
    "full_committee": {
        "label": "全委会征求意见",
        "title": "县委全委会征求意见",
        "kind": "consultation",
        "options": APPROVAL_OPTIONS,
        "groups": [("全委会委员", 35, 1)],
        "mode": "electronic",
    },
    "annual_rating": {
        "label": "年度民主测评",
        "title": "年度领导班子和领导干部民主测评",
        "kind": "rating",
        "options": RATING_OPTIONS,
        "groups": [("领导班子成员", 7, 1), ("中层干部", 20, 1), ("一般干部", 40, 1)],
        "mode": "electronic",
    },
    "year_end_recommendation": {
        "label": "年终民主推荐",
        "title": "年终民主推荐",
        "kind": "recommendation",
        "max_choices": 1,
        "min_choices": 0,
        "allow_write_in": True,
        "groups": [("领导班子成员", 7, 1), ("中层正职", 15, 1), ("其他干部", 40, 1)],
        "mode": "paper",
    },
}

# The defaults as fractions, for callers that read them; the predicates take the value in force.
UNFIT_THRESHOLD = Fraction(UNFIT_WARNING_PERCENT, 100)
SECOND_ROUND_THRESHOLD = Fraction(SECOND_ROUND_PERCENT, 100)


# --- statutory rules ---------------------------------------------------------------------------


def quorum_met(present: int, expected: int) -> bool:
    """At least two thirds of the members who should attend are present. Statutory, not a setting:
    《党政领导干部选拔任用工作条例》(2019)「必须有三分之二以上成员到会」: present × 3 ≥ expected × 2."""
    return present * 3 >= expected * 2


def decision_passes(agree: int, expected: int) -> bool:
    """票决: more than half of the members who should attend (应到) agree. Statutory, not a setting:
    《党政领导干部选拔任用工作条例》(2019)「以党委（党组）应到会成员超过半数同意形成决定」:
    同意 × 2 > 应到."""
    return agree * 2 > expected


def consultation_drops(disagree: int, denominator: int) -> bool:
    """征求意见: more than half disagree → no longer a nominee (「超过半数不同意」, seed 002). Exactly
    half keeps the nominee."""
    return disagree * 2 > denominator


# --- rules with an administrator's threshold ---------------------------------------------------


def second_round_needed(top_share: Fraction | None, threshold_percent: int) -> bool:
    """推荐: the top vote share is under `threshold_percent` % → a second round."""
    return top_share is not None and top_share * 100 < threshold_percent


def unfit_warning(unfit_share: Fraction | None, threshold_percent: int) -> bool:
    """测评: 不称职 share ≥ `threshold_percent` % → 不胜任现职 warning."""
    return unfit_share is not None and unfit_share * 100 >= threshold_percent


def turnout_needed(base: int, turnout: str) -> int:
    """The fewest ballots that must be returned out of `base` (实到, or 应到) under the rule `turnout`
    (a key of TURNOUT_CHOICES): ⌈base × fraction⌉, so 2 of 3 is enough under 「三分之二」."""
    fraction = TURNOUT_CHOICES[turnout][1]
    return -(-base * fraction.numerator // fraction.denominator)


def turnout_met(returned: int, base: int, turnout: str) -> bool:
    return returned >= turnout_needed(base, turnout)


# --- verdicts (the words a result prints) ------------------------------------------------------

APPOINT, REJECT, DEFERRED, UNDECIDED = "同意任用", "不予任用", "缓议", "不能作出决定"
DROPPED, KEPT = "建议不再作为提名人选", "可继续作为提名人选"


def decision_verdict(*, valid: bool, agree: int, defer: int, expected: int) -> str:
    """票决: 同意 > ½ 应到 → 同意任用; otherwise 缓议 when more than half of 应到 chose 缓议, else
    不予任用; a vote without its quorum decides nothing."""
    if not valid:
        return UNDECIDED
    if decision_passes(agree, expected):
        return APPOINT
    return DEFERRED if defer * 2 > expected else REJECT


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
    """A share as a percentage with two decimals, rounded half up from the exact fraction (the
    kernel's policy, `core.numbers`): 6/11 → "54.55"; "" when there is no share."""
    if value is None:
        return ""
    return format_hundredths(percent_hundredths(value.numerator, value.denominator))


def normalise_name(raw: str) -> str:
    """A written-in name as it is counted: NFKC (full-width → half-width), no whitespace."""
    return "".join(unicodedata.normalize("NFKC", raw).split())


def integer_weights(weights: Iterable[Fraction | int | str]) -> list[int]:
    """Rater-group weights as the engine stores them (integers, at least 1): decimal weights of
    another module (60.5 / 39.5) scaled by a power of ten, the ratios kept."""
    exact = [Fraction(str(w)) for w in weights]
    scale = 1
    while any((w * scale).denominator != 1 for w in exact) and scale < 10**6:
        scale *= 10
    return [max(1, round(w * scale)) for w in exact]
