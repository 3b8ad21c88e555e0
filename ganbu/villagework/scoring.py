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

**The combination is the assessment engine's** (`ganbu.assessment.engine.compute`, one engine for
the county): `evaluation_scheme` turns the evaluation's frozen rules into a scheme of its JSON
contract — a leaf per part of nonzero weight (评议 the engine's `ballot` rule with `OPTION_POINTS`
and the rater groups' weights, fed with the ballot engine's counts per group, or its weighted
shares when it keeps a small group to them; 捆绑 and 实绩 `manual` points noted
「捆绑 87.50 × 30%」), a `veto` leaf capping the grade at 基本称职 (`rules.UNFIT_CAP_GRADE`) with an
event when the ballot engine flags 不胜任现职 (read, never recomputed), and the grade lines as its
grades (不称职 below the last). `combine` takes the total, each part's points and derivation, the
grade and the veto from the engine's output.

Total = Σ part weight × part score / 100 from the part scores as rounded and shown, rounded once
to 0.01, so the explanation on the page ("评议 86.40 × 50% + …") adds up exactly. The engine rounds
each leaf to 0.01 and sums the rounded leaves; a part's points (score to 0.01 × weight %) have up to
four decimals (89.99 × 50% = 44.995), so the scheme counts in 1/`scale` of a point (`point_scale`:
100 for whole-number weights, total 10000): every part's points are then whole hundredths of a
scheme point, the engine's sum is exact, and the total is that sum ÷ scale rounded half up. The
grade is that of the rounded total: each line sits half a cent (× scale) below its threshold
(`grade_line`: 90 → 8999.5, since 89.995 rounds to 90.00). Grades (ZB18 code): ≥ 优秀 min → "1",
≥ 称职 min → "2", ≥ 基本称职 min → "3", otherwise "4" (不称职). A 不胜任现职预警 caps the suggestion
at 基本称职: a cadre the raters flagged as unfit is not suggested as 优秀 or 称职 whatever the other
parts say; the township may still decide otherwise, with a stated reason.

All arithmetic is exact (Fraction / Decimal); every score is rounded half up to two decimals.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from fractions import Fraction
from typing import Any, Protocol

from django.core.exceptions import ValidationError

from ganbu.assessment import engine
from ganbu.core.numbers import plain, q2, to_decimal
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
    "EvaluationRules",
    "Rules",
    "WorkPart",
    "ballot_part",
    "bundled_score",
    "clean_bundled_scores",
    "combine",
    "evaluation_inputs",
    "evaluation_scheme",
    "grade_line",
    "point_scale",
    "points",
    "q2",
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
GRADE_CODES: dict[str, str] = {label: code for code, label in GRADE_LABELS.items()}
LOWEST_GRADE = "4"
UNFIT_FLAG = "不胜任现职预警"
# the scheme: its default name, leaf names (codes are PARTS), the veto leaf, the one category
SCHEME_NAME = "驻村干部年度考核"
PART_NAMES: dict[str, str] = {"ballot": "评议", "bundled": "捆绑考核", "work": "工作实绩"}
UNFIT_CODE = "unfit"
UNIT_CATEGORY = "驻村干部"

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
HALF_CENT = Decimal("0.005")


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
    # the assessment engine's `ballot` value: the counts per group, or {"shares": …} (None: no ballot)
    value: dict[str, Any] | None = None


def points(shares: Shares) -> Fraction | None:
    """Σ option points × share (0–100); None when there is no share (no valid ballot). Options
    without points (not 民主测评) count 0."""
    if not shares or any(s is None for s in shares.values()):
        return None
    return sum((OPTION_POINTS.get(o, 0) * s for o, s in shares.items() if s is not None), Fraction(0))


def ballot_part(
    *,
    shares: Shares,
    group_shares: Mapping[str, Shares],
    unfit_warning: bool,
    counts: Mapping[str, Mapping[str, int]] | None = None,
) -> BallotPart:
    """The ballot part from the engine's result for one subject: its weighted shares per option,
    the shares of each group it shows, and its 不胜任现职 warning. `counts` are its option counts
    per group (`SubjectResult.by_group`) when they hold every group it counted with all the group's
    valid ballots; the assessment engine's `ballot` rule then reads them, else it reads the weighted
    shares (`{"shares": …}`, exact fractions as "n/d"): the same weighted mean either way."""
    group_scores = {name: _rounded(points(group)) for name, group in group_shares.items()}
    score = points(shares)
    if score is None:
        return BallotPart(score=None, group_scores=group_scores, unfit_share=None, unfit_warning=False)
    unfit = shares.get(UNFIT_OPTION) or Fraction(0)
    if counts is not None:
        value: dict[str, Any] = {group: dict(options) for group, options in counts.items()}
    else:
        value = {"shares": {o: f"{s.numerator}/{s.denominator}" for o, s in shares.items() if s is not None}}
    return BallotPart(
        score=q2(score),
        group_scores=group_scores,
        unfit_share=q2(unfit * 100),
        unfit_warning=unfit_warning,
        value=value,
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
# the scheme: the evaluation's rules as an assessment scheme, scored by the assessment engine
# --------------------------------------------------------------------------------------------------


class EvaluationRules(Protocol):
    """What the scheme is built from: an `Evaluation` (its frozen copy of the rules) or the
    `VillageWorkSettings` in force, or `Rules` in tests."""

    @property
    def rater_groups(self) -> Any: ...
    @property
    def part_weights(self) -> Any: ...
    @property
    def grade_thresholds(self) -> Any: ...


@dataclass(frozen=True)
class Rules:
    rater_groups: Sequence[Mapping[str, Any]]
    part_weights: Mapping[str, Any]
    grade_thresholds: Sequence[Mapping[str, Any]]


def _weights(rules: EvaluationRules) -> dict[str, Decimal]:
    return {part: to_decimal(rules.part_weights.get(part, 0)) or Decimal(0) for part in PARTS}


def point_scale(weights: Iterable[Decimal]) -> int:
    """How many scheme points make one point of the total: 100 × 10^k, k the most decimals of a part
    weight. A part's points (score to 0.01 × weight %) are then whole hundredths of a scheme point,
    exact under the engine's rounding of each leaf to 0.01 (see the module's docstring)."""
    places = max((max(0, -int(w.normalize().as_tuple().exponent)) for w in weights), default=0)
    return 100 * 10**places


def grade_line(minimum: Any, scale: int) -> Decimal:
    """The scheme's `min_score` of a threshold: the lowest scaled total that reaches the threshold
    once rounded half up to 0.01 (threshold rounded up to cents, less half a cent), at least 0."""
    value = to_decimal(minimum)
    if value is None:
        raise ValueError(f"not a number: {minimum!r}")
    line = (value.quantize(CENT, rounding=ROUND_CEILING) - HALF_CENT) * scale
    return max(line, Decimal(0)).normalize()


def evaluation_scheme(rules: EvaluationRules, *, name: str = "") -> dict[str, Any]:
    """The evaluation's rules (an evaluation's frozen copy, or the settings in force) as a scheme of
    the assessment engine (`ganbu/assessment/README.md`): a leaf per part of nonzero weight — 评议 the
    engine's `ballot` rule (`OPTION_POINTS`, the rater groups and their weights), 捆绑 and 实绩
    `manual` points —, the 不胜任现职预警 as a `veto` capping the grade at 基本称职, and the grade
    lines as its grades (不称职 below the last line). Points count in 1/`scale` of a point of the
    total (`point_scale`); `scale` is kept in the scheme, the engine ignores it."""
    weights = _weights(rules)
    scale = point_scale(weights.values())
    indicators: list[dict[str, Any]] = []
    for part in PARTS:
        if not weights[part]:
            continue
        leaf: dict[str, Any] = {
            "code": part,
            "name": PART_NAMES[part],
            "weight": plain(weights[part] * scale),
        }
        if part == "ballot":
            leaf["rule"] = "ballot"
            leaf["groups"] = {
                str(g["name"]): plain(to_decimal(g["weight"]) or Decimal(0)) for g in rules.rater_groups
            }
            leaf["values"] = dict(OPTION_POINTS)
        else:
            leaf["rule"] = "manual"
        indicators.append(leaf)
    indicators.append(
        {"code": UNFIT_CODE, "name": UNFIT_FLAG, "rule": "veto", "grade": GRADE_LABELS[UNFIT_CAP_GRADE]}
    )
    thresholds = sorted(rules.grade_thresholds, key=lambda t: to_fraction(t["min"]), reverse=True)
    grades = [
        {"name": GRADE_LABELS[str(t["grade"])], "min_score": plain(grade_line(t["min"], scale))}
        for t in thresholds
    ]
    if not grades or Decimal(str(grades[-1]["min_score"])) > 0:
        grades.append({"name": GRADE_LABELS[LOWEST_GRADE], "min_score": 0})
    return {
        "name": name or getattr(rules, "title", "") or SCHEME_NAME,
        "total": plain(Decimal(100) * scale),
        "scale": scale,
        "indicators": indicators,
        "grades": grades,
    }


def _manual(part: str, score: Decimal, weight: Decimal, scale: int) -> dict[str, str]:
    """A part as `manual` points: score × weight % in scheme points, noted as the explanation shows it."""
    points = score * weight * scale / 100
    return {"points": str(points), "note": f"{PART_LABELS[part]} {score} × {_pct(weight)}%"}


def evaluation_inputs(
    scheme: Mapping[str, Any], *, ballot: BallotPart | None, bundled: Decimal | None, work: Decimal | None
) -> dict[str, Any]:
    """The engine's inputs for one entry: the ballot engine's counts (or weighted shares) for the
    ballot leaf, the points of the other parts, and the veto event when the ballot engine warned."""
    scale = int(scheme["scale"])
    values: dict[str, Any] = {}
    scores = {"bundled": bundled, "work": work}
    for leaf in scheme["indicators"]:
        code, score = leaf["code"], scores.get(leaf["code"])
        if code == "ballot" and ballot is not None:
            values[code] = ballot.value
        elif score is not None:
            values[code] = _manual(code, score, Decimal(str(leaf["weight"])) / scale, scale)
    if ballot is not None and ballot.unfit_warning:
        values[UNFIT_CODE] = [{"reason": UNFIT_FLAG}]
    return {"units": [{"code": "1", "name": "考核对象", "category": UNIT_CATEGORY, "values": values}]}


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
    """The engine's result for one entry, on the scale of the total (0–100)."""

    total: Decimal
    terms: list[Term]
    suggested_grade: str
    capped: bool  # the 不胜任现职预警 (the engine's veto) lowered the suggestion
    flags: list[str] = field(default_factory=list)
    points: dict[str, Decimal] = field(default_factory=dict)  # each weighted part's points, exact
    derivations: dict[str, str] = field(default_factory=dict)  # the engine's text, per leaf code

    def explain(self) -> str:
        """ "评议 86.40 × 50% + 捆绑 90.00 × 30% + 实绩 75.50 × 20% = 85.30"."""
        shown = [t for t in self.terms if t.weight]
        text = " + ".join(f"{PART_LABELS[t.part]} {t.score} × {_pct(t.weight)}%" for t in shown)
        return f"{text} = {self.total}"


def _pct(weight: Decimal) -> str:
    return str(weight.normalize()) if weight != weight.to_integral() else str(int(weight))


def _reaches_above(scheme: Mapping[str, Any], total: Decimal, cap: str) -> bool:
    """Whether the total reaches the line of a grade above `cap` (the veto then lowered it)."""
    for grade in scheme["grades"]:
        if grade["name"] == cap:
            return False
        if total >= Decimal(str(grade["min_score"])):
            return True
    return False


def combine(
    *, rules: EvaluationRules, ballot: BallotPart | None, bundled: Decimal | None, work: Decimal | None
) -> Combination:
    """Score one entry with the assessment engine (`evaluation_scheme`, `evaluation_inputs`): the
    total, each part's points and derivation, the grade and the veto are the engine's output. A
    part of weight 0 may be missing; a weighted part without a score is a programming error."""
    weights = _weights(rules)
    scores = {"ballot": ballot.score if ballot is not None else None, "bundled": bundled, "work": work}
    terms: list[Term] = []
    for part in PARTS:
        if weights[part] and scores[part] is None:
            raise ValueError(f"part {part} has weight {weights[part]} but no score")
        terms.append(Term(part=part, score=scores[part], weight=weights[part]))
    scheme = evaluation_scheme(rules)
    output = engine.compute(scheme, evaluation_inputs(scheme, ballot=ballot, bundled=bundled, work=work))
    unit = output["units"][0]
    scale = Decimal(scheme["scale"])
    total = Decimal(unit["total"])
    cap = GRADE_LABELS[UNFIT_CAP_GRADE]
    return Combination(
        total=q2(total / scale),
        terms=terms,
        suggested_grade=GRADE_CODES.get(unit["grade"], LOWEST_GRADE),
        capped=bool(unit["vetoed"]) and _reaches_above(scheme, total, cap),
        flags=list(unit["veto_reasons"]),
        points={
            code: Decimal(found["points"]) / scale
            for code, found in unit["indicators"].items()
            if code in PARTS
        },
        derivations={code: found["derivation"] for code, found in unit["indicators"].items()},
    )
