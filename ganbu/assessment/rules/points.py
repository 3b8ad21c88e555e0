"""The rule types of a scheme's leaves, one pure function each: arguments in, `Score` out (the
points, rounded half up to 2 decimals, and the derivation as Chinese text). No database, no floats:
Decimal inputs, exact rational arithmetic, one rounding per leaf (half up, `core.numbers`) unless
the docstring says which shown figure the next step uses (so a derivation adds up by hand).

Exactness and speed: the arithmetic runs on the integers of `Decimal.as_integer_ratio` (a
comparison a/b ≥ c/d as a·d ≥ c·b; `exact_q2`: the product of the numerators over the product of
the denominators, rounded with `core.numbers.round_half_up_div`, the rounding of `q2`), exact like
`Fraction` but several times faster, so a cycle of 300 units × 60 leaves scores in a fraction of a
second (bench/assessment.py).

A rule refuses an input it cannot score (target 0, points above the weight, an unknown option …)
with `ValidationError(message, code=errors.RULE_INPUT)`; the message names neither unit nor
indicator, the engine adds both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import lcm

from django.core.exceptions import ValidationError

from ganbu.assessment import errors
from ganbu.ballots.rules import BASIC, COMPETENT, EXCELLENT, UNFIT
from ganbu.core.numbers import ZERO, q2, round_half_up_div

# --- named defaults -------------------------------------------------------------------------------

DEFAULT_TOTAL = Decimal(1000)  # 千分制 (seed 000)
DEFAULT_CAP = Decimal(1)  # completion: at most 100 % of the weight unless the leaf says more
# ballot: option values of a 民主测评 (the ballot engine's rating options)
BALLOT_VALUES: dict[str, Decimal] = {
    EXCELLENT: Decimal(100),
    COMPETENT: Decimal(80),
    BASIC: Decimal(60),
    UNFIT: Decimal(40),
}
SATISFACTION_VALUES: dict[str, Decimal] = {
    "很满意": Decimal(100),
    "满意": Decimal(80),
    "基本满意": Decimal(60),
    "不太满意": Decimal(30),
    "不满意": Decimal(0),
}
MAX_OPTION_VALUE = Decimal(100)  # an option value is a score out of 100
DIFFICULTY_RANGE = (Decimal("0.8"), Decimal("1.2"))  # 难度系数 bounds when a scheme says "difficulty": true

RULE_LABELS: dict[str, str] = {
    "completion": "完成率",
    "ratio_to_top": "与最高值比",
    "rank_linear": "名次线性",
    "rank_step": "名次递减",
    "bracket": "区间分档",
    "deduct": "扣分",
    "bonus": "加分",
    "ballot": "测评",
    "satisfaction": "满意度",
    "manual": "评定",
    "veto": "一票否决",
}
UNWEIGHTED_RULES = frozenset({"bonus", "veto"})  # outside the weight: weight 0, not in the total of weights
NO_DIFFICULTY_RULES = UNWEIGHTED_RULES  # a 难度系数 scales weighted points only


@dataclass(frozen=True, slots=True)
class Score:
    points: Decimal  # two decimals
    derivation: str
    vetoes: tuple[str, ...] = ()  # veto: the reasons (empty: not vetoed)


def refuse(message: str) -> ValidationError:
    return ValidationError(message, code=errors.RULE_INPUT)


def num(value: Decimal | int) -> str:
    """A number as a person writes it: 1000, 0.5, 12.25 (no exponent, no trailing zeros)."""
    text = str(value)
    if "E" in text or ("." in text and text[-1] == "0") or text == "-0":  # 1E+3, 12.50, -0
        text = format(value, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return "0" if text == "-0" else text
    return text


def exact_q2(numerators: Sequence[Decimal | int], denominators: Sequence[Decimal | int] = ()) -> Decimal:
    """Π numerators ÷ Π denominators rounded half up to 2 decimals, exactly: on the integers of
    `as_integer_ratio`, rounded like `core.numbers.q2` (never through a rounded intermediate)."""
    top, bottom = 1, 1
    for factor in numerators:
        n, d = factor.as_integer_ratio()
        top, bottom = top * n, bottom * d
    for factor in denominators:
        n, d = factor.as_integer_ratio()
        top, bottom = top * d, bottom * n
    if bottom < 0:
        top, bottom = -top, -bottom
    return Decimal(round_half_up_div(top * 100, bottom)).scaleb(-2)


def share_text(share: Fraction) -> str:
    """1/3 → "1/3"; 3/10 → "3/10" (a share as the scheme gives it)."""
    return f"{share.numerator}/{share.denominator}"


# --- completion, ratio to the top, ranks ----------------------------------------------------------


def completion(*, weight: Decimal, actual: Decimal, target: Decimal, cap: Decimal = DEFAULT_CAP) -> Score:
    """完成率: weight × min(actual ÷ target, cap), floor 0. A target of 0 (or below) is refused."""
    if target <= 0:
        raise refuse(f"目标值为 {num(target)}，无法计算完成率（目标值应大于 0）")
    head = f"完成 {num(actual)} / 目标 {num(target)}"
    (an, ad), (tn, td), (cn, cd) = (
        actual.as_integer_ratio(),
        target.as_integer_ratio(),
        cap.as_integer_ratio(),
    )
    if an * td * cd > cn * tn * ad:  # actual ÷ target > cap, exactly
        points = exact_q2([cap, weight])
        return Score(points, f"{head}，超过上限 {num(cap)}，按 {num(cap)} × {num(weight)} = {points}")
    if actual < 0:
        return Score(ZERO, f"{head} 小于 0，按 0 计 = {ZERO}")
    points = exact_q2([actual, weight], [target])
    return Score(points, f"{head} × {num(weight)} = {points}")


def ratio_to_top(*, weight: Decimal, value: Decimal, top: Decimal) -> Score:
    """与最高值比: weight × value ÷ the highest value of the category; 0 when all are 0."""
    if value < 0:
        raise refuse(f"数值 {num(value)} 不能小于 0")
    if value > top:
        raise ValueError("value above the category's top")
    if top == 0:
        return Score(ZERO, f"{num(value)}，同类最高值为 0，得 {ZERO}")
    points = exact_q2([value, weight], [top])
    return Score(points, f"{num(value)} / 同类最高 {num(top)} × {num(weight)} = {points}")


def rank_linear(
    *, rank: int, count: int, top: Decimal, bottom: Decimal, value: Decimal | None = None
) -> Score:
    """名次线性: rank 1 of `count` gets `top`, the last rank `bottom`, linear in between:
    top − (top − bottom) × (rank − 1) ÷ (count − 1). A lone participant gets `top`."""
    if not 1 <= rank <= count:
        raise ValueError("rank outside 1..count")
    head = f"{num(value)}，" if value is not None else ""
    if count == 1:
        points = q2(top)
        return Score(points, f"{head}同类仅 1 个单位，得 {points}")
    # top − (top − bottom) × (rank − 1) ÷ (count − 1) = (top × (count − rank) + bottom × (rank − 1)) ÷ (count − 1)
    (tn, td), (bn, bd) = top.as_integer_ratio(), bottom.as_integer_ratio()
    points = exact_q2([tn * bd * (count - rank) + bn * td * (rank - 1)], [td * bd * (count - 1)])
    formula = f"{num(top)} − ({num(top)} − {num(bottom)}) × ({rank} − 1) ÷ ({count} − 1) = {points}"
    return Score(points, f"{head}同类 {count} 个单位中第 {rank} 名：{formula}")


def rank_step(*, weight: Decimal, ranks: Sequence[int], step: Decimal) -> Score:
    """名次递减: each rater's rank r gives weight × (1 − step × (r − 1)), floor 0; the points are the
    mean over the raters (exact, rounded once). The derivation lists the ranks from the best, never
    in the raters' order: a unit reading it must not tell which leader ranked it where."""
    if not ranks:
        raise refuse("没有评议人的名次")
    ranks = sorted(ranks)
    # rank r: weight × (1 − step × (r − 1)) = wn × (sd − sn × (r − 1)) ÷ (wd × sd), floor 0
    (wn, wd), (sn, sd) = weight.as_integer_ratio(), step.as_integer_ratio()
    summed = sum(wn * max(0, sd - sn * (r - 1)) for r in ranks)
    points = exact_q2([summed], [wd * sd * len(ranks)])
    listed = "、".join(str(r) for r in ranks)
    head = f"名次 {listed}（每低一名减 {num(weight * step)}）→ "
    if len(ranks) == 1:
        return Score(points, f"{head}{points}")
    shown = [num(max(ZERO, weight * (1 - step * (r - 1)))) for r in ranks]
    return Score(points, f"{head}{'、'.join(shown)}；平均 = ({' + '.join(shown)}) ÷ {len(ranks)} = {points}")


# --- bracket --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Override:
    """The row of a bracket table that applies when the share of `options` reaches `share`
    (「基本称职与不称职票合计达三分之一的，得 130 分」)."""

    options: tuple[str, ...]
    share: Fraction
    points: Decimal


def option_totals(counts: Mapping[str, Mapping[str, int]]) -> dict[str, int]:
    """Option counts of all groups added (unweighted)."""
    totals: dict[str, int] = {}
    for group in counts.values():
        for option, n in group.items():
            totals[option] = totals.get(option, 0) + n
    return totals


def bracket(
    *,
    brackets: Sequence[tuple[Decimal, Decimal]],
    value: Decimal | None = None,
    counts: Mapping[str, Mapping[str, int]] | None = None,
    share_of: str | None = None,
    override: Override | None = None,
) -> Score:
    """区间分档: points from a table of [lower bound, points] rows from the top; the first row whose
    lower bound the value reaches (≥) applies; below every row: 0.

    The value is a number, or, with `share_of`, that option's percentage share of all the option
    counts (all groups added, unweighted; compared exactly, e.g. 2/3 = 66.666… %). With an
    `override`, the override row applies instead of the table when the share of its options
    reaches its share (exactly: 20 of 60 reaches 1/3)."""
    if share_of is not None:
        if counts is None:
            raise ValueError("share_of needs counts")
        totals = option_totals(counts)
        valid = sum(totals.values())
        if valid == 0:
            raise refuse("没有有效票，无法计算比例")
        if override is not None:
            hits = sum(totals.get(o, 0) for o in override.options)
            if hits * override.share.denominator >= override.share.numerator * valid:  # hits ÷ valid ≥ share
                points = q2(override.points)
                names = "和".join(override.options)
                return Score(
                    points, f"{names}票 {hits} / {valid}，达到 {share_text(override.share)} → {points}"
                )
        # the share in percent, exactly: 100 × count ÷ valid
        top, bottom = 100 * totals.get(share_of, 0), valid
        head = f"{share_of}票 {totals.get(share_of, 0)} / {valid} = {exact_q2([top], [bottom])}%"
        unit = "%"
    else:
        if value is None:
            raise ValueError("bracket needs a value")
        top, bottom = value.as_integer_ratio()
        head = num(value)
        unit = ""
    for lower, row_points in brackets:
        ln, ld = lower.as_integer_ratio()
        if top * ld >= ln * bottom:  # top ÷ bottom ≥ lower
            points = q2(row_points)
            return Score(points, f"{head} ≥ {num(lower)}{unit} → {points}")
    lowest = brackets[-1][0]
    return Score(ZERO, f"{head}，低于最低档 {num(lowest)}{unit} → {ZERO}")


# --- deductions, bonus, veto ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Event:
    """A deduction, a bonus or a veto: points (deduct), a level (bonus), a reason, a date."""

    points: Decimal = ZERO
    level: str = ""
    reason: str = ""
    date: str = ""

    def described(self) -> str:
        text = " ".join(part for part in (self.date, self.reason) if part)
        return f"（{text}）" if text else ""


def deduct(*, weight: Decimal, events: Sequence[Event]) -> Score:
    """扣分: weight minus the listed deductions, floor 0."""
    if not events:
        points = q2(weight)
        return Score(points, f"无扣分，得 {points}")
    remaining = weight - sum((e.points for e in events), Decimal(0))
    parts = " ".join(f"− {num(e.points)}{e.described()}" for e in events)
    if remaining < 0:
        return Score(ZERO, f"{num(weight)} {parts} = {num(remaining)}，按 0 计 = {ZERO}")
    points = q2(remaining)
    return Score(points, f"{num(weight)} {parts} = {points}")


def bonus(*, events: Sequence[Event], levels: Mapping[str, Decimal], cap: Decimal) -> Score:
    """加分 (附加分, outside the weight): points per event by its level, capped at `cap`."""
    if not events:
        return Score(ZERO, f"无加分，得 {ZERO}")
    unknown = sorted({e.level for e in events if e.level not in levels})
    if unknown:
        known = "、".join(levels)
        raise refuse(f"加分级别「{'、'.join(unknown)}」不在方案中（可选：{known}）")
    each = [levels[e.level] for e in events]
    raw = sum(each, Decimal(0))
    parts = " + ".join(f"{e.level} {num(p)}{e.described()}" for e, p in zip(events, each, strict=True))
    if raw > cap:
        points = q2(cap)
        return Score(points, f"{parts} = {num(raw)}，超过上限 {num(cap)} → {points}")
    points = q2(raw)
    return Score(points, f"{parts} = {points}")


def veto(*, events: Sequence[Event], grade: str) -> Score:
    """一票否决: any event vetoes the unit (ranked after every unit without one in its category,
    grade at most `grade`). No points."""
    if not events:
        return Score(ZERO, "无一票否决事项")
    reasons = tuple(f"{e.reason}{'（' + e.date + '）' if e.date else ''}" for e in events)
    return Score(ZERO, f"一票否决：{'；'.join(reasons)}；等次最高为「{grade}」", vetoes=reasons)


# --- ballots and satisfaction ---------------------------------------------------------------------


def ballot(
    *,
    weight: Decimal,
    counts: Mapping[str, Mapping[str, int]],
    groups: Mapping[str, Decimal],
    values: Mapping[str, Decimal] = BALLOT_VALUES,
) -> Score:
    """测评: each option is worth `values[option]` (out of 100); a rater group's mean is
    Σ value × count ÷ Σ count; the weighted mean is Σ group weight × group mean ÷ Σ weights over
    the groups with valid ballots (a group without any is left out: it neither helps nor hurts).
    The weighted mean is rounded to 2 decimals as shown, and points = weight × that mean ÷ 100,
    rounded (so the derivation adds up by hand). Counts are the ballot engine's, never recounted."""
    unknown_groups = [g for g in counts if g not in groups]
    unknown_options = sorted({o for c in counts.values() for o in c if o not in values})
    problems = []
    if unknown_groups:
        problems.append(f"评议人类别「{'、'.join(unknown_groups)}」不在方案中（可选：{'、'.join(groups)}）")
    if unknown_options:
        problems.append(f"选项「{'、'.join(unknown_options)}」不在方案中（可选：{'、'.join(values)}）")
    if problems:
        raise ValidationError([refuse(p) for p in problems])
    ratios = [(option, *value.as_integer_ratio()) for option, value in values.items()]
    scale = lcm(*(d for _, _, d in ratios))  # option values × scale are integers
    scaled = {option: n * (scale // d) for option, n, d in ratios}
    parts: list[str] = []
    top, bottom = 0, 1  # Σ group weight × group mean, as an integer fraction
    weights = ZERO
    for name, group_weight in groups.items():
        group_counts = counts.get(name, {})
        valid = sum(group_counts.values())
        if valid == 0:
            parts.append(f"{name}无有效票，不计")
            continue
        summed = sum(scaled[o] * n for o, n in group_counts.items())  # Σ value × count × scale
        gn, gd = group_weight.as_integer_ratio()
        n, d = gn * summed, gd * valid * scale  # group weight × Σ value × count ÷ valid
        top, bottom = top * d + n * bottom, bottom * d
        weights += group_weight
        parts.append(
            f"{name} {valid} 票平均 {exact_q2([summed], [valid * scale])}（权重 {num(group_weight)}）"
        )
    if weights == 0:
        raise refuse("各评议人类别均无有效票")
    mean_shown = exact_q2([top], [bottom, weights])
    points = exact_q2([weight, mean_shown], [100])
    return Score(points, f"{'；'.join(parts)}；加权平均 {mean_shown} × {num(weight)} ÷ 100 = {points}")


def ballot_shares(
    *,
    weight: Decimal,
    shares: Mapping[str, Fraction],
    values: Mapping[str, Decimal] = BALLOT_VALUES,
) -> Score:
    """测评 from the ballot engine's weighted shares of the options (Σ group weight × the option's
    share of the group's valid ballots ÷ Σ weights over the groups with valid ballots): the form of
    a result that does not break out every group (a group below the minimum size is counted only in
    the weighted shares, so its votes cannot be read off). The mean is Σ value × share, rounded to
    2 decimals as shown, and points = weight × that mean ÷ 100, rounded (as `ballot`). Shares below
    1 in total leave the rest without points (ballots that marked no option)."""
    unknown = sorted(o for o in shares if o not in values)
    if unknown:
        raise refuse(f"选项「{'、'.join(unknown)}」不在方案中（可选：{'、'.join(values)}）")
    bad = [o for o, share in shares.items() if not 0 <= share <= 1]
    if bad:
        raise refuse(f"选项「{'、'.join(bad)}」的加权占比应在 0 到 1 之间")
    summed = sum(shares.values(), Fraction(0))
    if summed > 1:
        raise refuse(
            f"各选项加权占比合计 {exact_q2([summed.numerator * 100], [summed.denominator])}%，超过 100%"
        )
    if summed == 0:
        raise refuse("没有有效票")
    mean = sum((Fraction(values[o]) * share for o, share in shares.items()), Fraction(0))
    mean_shown = exact_q2([mean.numerator], [mean.denominator])
    points = exact_q2([weight, mean_shown], [100])
    listed = "、".join(f"{o} {exact_q2([s.numerator * 100], [s.denominator])}%" for o, s in shares.items())
    return Score(
        points,
        f"加权占比 {listed}（各评议人类别按权重合并）；加权平均 {mean_shown} × {num(weight)} ÷ 100 = {points}",
    )


def satisfaction(
    *,
    weight: Decimal,
    counts: Mapping[str, Mapping[str, int]],
    groups: Mapping[str, Decimal],
    values: Mapping[str, Decimal] = SATISFACTION_VALUES,
) -> Score:
    """满意度: the 测评 rule with 很满意 100 / 满意 80 / 基本满意 60 / 不太满意 30 / 不满意 0."""
    return ballot(weight=weight, counts=counts, groups=groups, values=values)


# --- manual, difficulty ---------------------------------------------------------------------------


def manual(*, weight: Decimal, points: Decimal, note: str = "") -> Score:
    """评定: entered points in [0, weight] with at most 2 decimals, with a note (「四看」)."""
    if not 0 <= points <= weight:
        raise refuse(f"评定分 {num(points)} 应在 0 到 {num(weight)} 之间")
    if points != q2(points):
        raise refuse(f"评定分 {num(points)} 最多保留两位小数")
    shown = q2(points)
    return Score(shown, f"评定 {shown}{'：' + note if note else ''}")


def difficulty(score: Score, coefficient: Decimal) -> Score:
    """难度系数: the leaf's points (as rounded and shown) × the coefficient, rounded again."""
    points = exact_q2([score.points, coefficient])
    return Score(points, f"{score.derivation}；× 难度系数 {num(coefficient)} = {points}", score.vetoes)
