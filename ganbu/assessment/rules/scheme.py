"""The scheme (考核方案) validator: JSON data → a checked `Scheme`, or a `ValidationError` holding
every problem found, each message naming the indicator by code and name.

The rules checked (README.md, "Scheme"):
- an indicator has a unique `code` and a `name`; a parent has `children` and no `rule`; a leaf
  has a known `rule` and that rule's parameters, valid (unknown keys are refused: a typo such as
  `cpa` must not silently fall back to a default);
- the weights of a parent's children add up exactly to the parent's weight; the weights of the
  leaves add up exactly to the scheme's `total` (default 1000); `bonus` and `veto` leaves are
  outside the weight (weight 0 or absent);
- grades from the top: unique names, `min_score` strictly descending, `max_share` a fraction in
  (0, 1] (not on the lowest grade: the units over a band's share fall to the next band);
- `difficulty`: absent (no 难度系数), `true` (the default range) or `{"min", "max"}`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError

from ganbu.assessment import errors
from ganbu.assessment.rules.points import (
    BALLOT_VALUES,
    DEFAULT_CAP,
    DEFAULT_TOTAL,
    DIFFICULTY_RANGE,
    MAX_OPTION_VALUE,
    RULE_LABELS,
    SATISFACTION_VALUES,
    UNWEIGHTED_RULES,
    Override,
    num,
)
from ganbu.assessment.rules.ranking import Grade
from ganbu.core.numbers import ZERO, to_decimal
from ganbu.core.punctuation import normalise

COMMON_KEYS = frozenset({"code", "name", "weight", "rule", "children", "lead", "description"})
RULE_PARAMS: dict[str, frozenset[str]] = {
    "completion": frozenset({"cap"}),
    "ratio_to_top": frozenset(),
    "rank_linear": frozenset({"top", "bottom"}),
    "rank_step": frozenset({"step", "raters"}),
    "bracket": frozenset({"brackets", "share_of", "options", "groups", "override"}),
    "deduct": frozenset(),
    "bonus": frozenset({"levels", "max"}),
    "ballot": frozenset({"values", "groups"}),
    "satisfaction": frozenset({"values", "groups"}),
    "manual": frozenset(),
    "veto": frozenset({"grade"}),
}
GRADE_KEYS = frozenset({"name", "min_score", "max_share", "description"})
OVERRIDE_KEYS = frozenset({"options", "share", "points"})
KNOWN_RULES = "、".join(f"{rule}（{label}）" for rule, label in RULE_LABELS.items())


@dataclass(frozen=True)
class Leaf:
    """A scored indicator with its rule's parameters (only those of its rule are meaningful)."""

    code: str
    name: str
    weight: Decimal
    rule: str
    lead: str = ""  # 牵头单位: the county leading group that scores it
    cap: Decimal = DEFAULT_CAP  # completion
    top: Decimal = ZERO  # rank_linear
    bottom: Decimal = ZERO  # rank_linear
    step: Decimal = ZERO  # rank_step
    raters: int | None = None  # rank_step: the number of raters, when fixed
    brackets: tuple[tuple[Decimal, Decimal], ...] = ()  # bracket
    share_of: str | None = None  # bracket
    options: tuple[str, ...] = ()  # bracket (with share_of): the options counted
    groups: Mapping[str, Decimal] = field(default_factory=dict)  # ballot weights; bracket: names only
    override: Override | None = None  # bracket
    levels: Mapping[str, Decimal] = field(default_factory=dict)  # bonus
    max: Decimal = ZERO  # bonus cap
    values: Mapping[str, Decimal] = field(default_factory=dict)  # ballot / satisfaction
    grade: str = ""  # veto: the highest grade allowed

    @property
    def label(self) -> str:
        return f"指标 {self.code}（{self.name}）"

    @property
    def weighted(self) -> bool:
        return self.rule not in UNWEIGHTED_RULES


@dataclass(frozen=True)
class Scheme:
    name: str
    total: Decimal
    leaves: tuple[Leaf, ...]
    parents: Mapping[str, tuple[str, ...]]  # parent code → the codes of the leaves under it
    names: Mapping[str, str]  # every indicator's code → name
    grades: tuple[Grade, ...]
    difficulty: tuple[Decimal, Decimal] | None  # (min, max) of a 难度系数; None: not used

    def grade_index(self, name: str) -> int:
        return next(i for i, g in enumerate(self.grades) if g.name == name)


def to_share(value: Any) -> Fraction | None:
    """A share as a scheme writes it: "1/3", "0.2", 0.2 → Fraction; None when not a number."""
    if isinstance(value, str) and "/" in normalise(value):
        top, _, bottom = normalise(value).partition("/")
        numerator, denominator = to_decimal(top), to_decimal(bottom)
        if numerator is None or denominator is None or denominator == 0:
            return None
        return Fraction(numerator) / Fraction(denominator)
    number = to_decimal(value)
    return None if number is None else Fraction(number)


class _Parser:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.codes: set[str] = set()
        self.leaves: list[Leaf] = []
        self.parents: dict[str, tuple[str, ...]] = {}
        self.names: dict[str, str] = {}

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}：{message}")

    def number(self, node: Mapping[str, Any], key: str, where: str, *, what: str = "") -> Decimal | None:
        """The number under `key`, or None with an error (missing or not a number)."""
        label = f"参数 {key}{f'（{what}）' if what else ''}"
        if key not in node or node[key] is None or node[key] == "":
            self.error(where, f"缺少{label}")
            return None
        value = to_decimal(node[key])
        if value is None:
            self.error(where, f"{label}应为数字，不是「{node[key]}」")
        return value

    # --- the tree ---------------------------------------------------------------------------------

    def indicator(self, node: Any, where: str) -> tuple[Decimal | None, list[str]]:
        """Check one indicator (and its subtree); returns its weight (None when unknown) and the
        codes of the leaves under it."""
        if not isinstance(node, dict):
            self.error(where, "应为一个指标（含 code、name、weight 的对象）")
            return None, []
        code = str(node.get("code") or "").strip()
        name = str(node.get("name") or "").strip()
        if code:
            where = f"指标 {code}（{name}）" if name else f"指标 {code}"
        if not code:
            self.error(where, "缺少指标代码 code")
        elif code in self.codes:
            self.error(where, f"指标代码 {code} 重复")
        self.codes.add(code)
        self.names[code] = name
        if not name:
            self.error(where, "缺少指标名称 name")
        if "children" in node:
            return self.parent(node, code, where)
        return self.leaf(node, code, name, where)

    def parent(self, node: Mapping[str, Any], code: str, where: str) -> tuple[Decimal | None, list[str]]:
        children = node["children"]
        if "rule" in node:
            self.error(where, "有下级指标，不能再设计分规则 rule（计分规则只设在末级指标上）")
        unknown = sorted(set(node) - COMMON_KEYS)
        if unknown:
            self.error(
                where,
                f"不认识的参数：{'、'.join(unknown)}（有下级指标的指标只有 code、name、weight、children）",
            )
        if not isinstance(children, list) or not children:
            self.error(where, "下级指标 children 应为非空列表")
            return None, []
        weights: list[Decimal | None] = []
        leaves: list[str] = []
        for i, child in enumerate(children, start=1):
            weight, codes = self.indicator(child, f"{where}的第 {i} 个下级指标")
            weights.append(weight)
            leaves.extend(codes)
        self.parents[code] = tuple(leaves)
        known = None if any(w is None for w in weights) else sum((w for w in weights if w is not None), ZERO)
        if node.get("weight") in (None, ""):
            if known == 0:
                return ZERO, leaves  # only bonus / veto below: outside the weight
            self.error(where, "缺少权重 weight")
            return None, leaves
        weight = to_decimal(node["weight"])
        if weight is None or weight < 0:
            self.error(where, f"权重 weight 应为不小于 0 的数，不是「{node['weight']}」")
            return None, leaves
        if known is not None and known != weight:
            self.error(where, f"下级指标权重合计 {num(known)}，应等于本指标权重 {num(weight)}")
        return weight, leaves

    def leaf(
        self, node: Mapping[str, Any], code: str, name: str, where: str
    ) -> tuple[Decimal | None, list[str]]:
        rule = node.get("rule")
        if rule in (None, "") or rule not in RULE_PARAMS:
            if rule in (None, ""):
                self.error(where, f"末级指标缺少计分规则 rule（可选：{KNOWN_RULES}）")
            else:
                self.error(where, f"计分规则「{rule}」不存在（可选：{KNOWN_RULES}）")
            weight = to_decimal(node.get("weight"))  # still checked against its parent
            return (weight if weight is not None and weight >= 0 else None), [code]
        unknown = sorted(set(node) - COMMON_KEYS - RULE_PARAMS[rule])
        if unknown:
            allowed = "、".join(sorted(RULE_PARAMS[rule])) or "无"
            self.error(
                where, f"不认识的参数：{'、'.join(unknown)}（{RULE_LABELS[rule]}（{rule}）的参数：{allowed}）"
            )
        weight = self.leaf_weight(node, rule, where)
        if weight is None:
            return None, [code]
        params = getattr(self, f"params_{rule}")(node, where, weight)
        if params is not None:
            lead = str(node.get("lead") or "").strip()
            self.leaves.append(Leaf(code=code, name=name, weight=weight, rule=rule, lead=lead, **params))
        return weight, [code]

    def leaf_weight(self, node: Mapping[str, Any], rule: str, where: str) -> Decimal | None:
        raw = node.get("weight")
        if rule in UNWEIGHTED_RULES:
            weight = ZERO if raw in (None, "") else to_decimal(raw)
            if weight != 0:
                self.error(where, f"{RULE_LABELS[rule]}在权重之外，权重 weight 应为 0 或不填")
                return None
            return ZERO
        if raw in (None, ""):
            self.error(where, "缺少权重 weight")
            return None
        weight = to_decimal(raw)
        if weight is None or weight <= 0:
            self.error(where, f"权重 weight 应为大于 0 的数，不是「{raw}」")
            return None
        return weight

    # --- the parameters of each rule (None: invalid, the errors recorded) ---------------------------

    def params_completion(
        self, node: Mapping[str, Any], where: str, weight: Decimal
    ) -> dict[str, Any] | None:
        if "cap" not in node:
            return {}
        cap = self.number(node, "cap", where, what="完成率上限")
        if cap is None:
            return None
        if cap < 1:
            self.error(where, f"参数 cap（完成率上限）应不小于 1，不是 {num(cap)}")
            return None
        return {"cap": cap}

    def params_ratio_to_top(self, node: Mapping[str, Any], where: str, weight: Decimal) -> dict[str, Any]:
        return {}

    params_deduct = params_ratio_to_top
    params_manual = params_ratio_to_top

    def params_rank_linear(
        self, node: Mapping[str, Any], where: str, weight: Decimal
    ) -> dict[str, Any] | None:
        top = self.number(node, "top", where, what="第一名得分") if "top" in node else weight
        bottom = self.number(node, "bottom", where, what="最后一名得分") if "bottom" in node else ZERO
        if top is None or bottom is None:
            return None
        if not 0 <= bottom <= top <= weight:
            self.error(
                where,
                f"参数应满足 0 ≤ bottom ≤ top ≤ 权重 {num(weight)}，现为 top {num(top)}、bottom {num(bottom)}",
            )
            return None
        return {"top": top, "bottom": bottom}

    def params_rank_step(self, node: Mapping[str, Any], where: str, weight: Decimal) -> dict[str, Any] | None:
        step = self.number(node, "step", where, what="每低一名扣减的权重比例")
        if step is None:
            return None
        if not 0 < step <= 1:
            self.error(where, f"参数 step（每低一名扣减的权重比例）应大于 0 且不大于 1，不是 {num(step)}")
            return None
        raters = node.get("raters")
        if raters is not None and (isinstance(raters, bool) or not isinstance(raters, int) or raters < 1):
            self.error(where, f"参数 raters（评议人数）应为正整数，不是「{raters}」")
            return None
        return {"step": step, "raters": raters}

    def params_bracket(self, node: Mapping[str, Any], where: str, weight: Decimal) -> dict[str, Any] | None:
        ok = True
        rows: list[tuple[Decimal, Decimal]] = []
        brackets = node.get("brackets")
        if not isinstance(brackets, list) or not brackets:
            self.error(where, "缺少参数 brackets（分档表：每行两个数，下限和得分，从高到低排列）")
            ok = False
        else:
            for i, row in enumerate(brackets, start=1):
                pair = [to_decimal(x) for x in row] if isinstance(row, list) and len(row) == 2 else None
                if pair is None or pair[0] is None or pair[1] is None:
                    self.error(where, f"分档表第 {i} 行应为两个数（下限和得分），不是「{row}」")
                    ok = False
                    continue
                lower, points = pair[0], pair[1]
                if not 0 <= points <= weight:
                    self.error(where, f"分档表第 {i} 行的得分 {num(points)} 应在 0 到权重 {num(weight)} 之间")
                    ok = False
                if rows and lower >= rows[-1][0]:
                    self.error(
                        where,
                        f"分档表第 {i} 行的下限 {num(lower)} 应低于上一行的 {num(rows[-1][0])}（从高到低排列）",
                    )
                    ok = False
                rows.append((lower, points))
        options = node.get("options", list(BALLOT_VALUES))
        if not isinstance(options, list) or not options or not all(isinstance(o, str) and o for o in options):
            self.error(where, "参数 options（选项）应为非空的选项名称列表")
            return None
        share_of = node.get("share_of")
        if share_of is not None and share_of not in options:
            self.error(where, f"参数 share_of 的选项「{share_of}」不在选项中（{'、'.join(options)}）")
            ok = False
        groups = node.get("groups", {})
        if isinstance(groups, list) and all(isinstance(g, str) for g in groups):
            groups = dict.fromkeys(groups, Decimal(1))
        if not isinstance(groups, dict):
            self.error(where, "参数 groups（评议人类别）应为名称列表")
            ok = False
        override = (
            self.override(node.get("override"), where, weight, options, share_of)
            if "override" in node
            else None
        )
        if not ok or (override is None and "override" in node):
            return None
        return {
            "brackets": tuple(rows),
            "share_of": share_of,
            "options": tuple(options),
            "groups": dict(groups) if share_of else {},
            "override": override,
        }

    def override(
        self, raw: Any, where: str, weight: Decimal, options: list[str], share_of: str | None
    ) -> Override | None:
        if share_of is None:
            self.error(where, "参数 override（按票数比例直接定分的一档）只能与 share_of 一起使用")
            return None
        if not isinstance(raw, dict) or set(raw) - OVERRIDE_KEYS:
            self.error(where, "参数 override 应为 {options, share, points}")
            return None
        chosen = raw.get("options")
        if not isinstance(chosen, list) or not chosen or any(o not in options for o in chosen):
            self.error(where, f"参数 override 的 options 应为选项（{'、'.join(options)}）中的一个或几个")
            return None
        share = to_share(raw.get("share"))
        if share is None or not 0 < share <= 1:
            self.error(
                where,
                f'参数 override 的 share 应为大于 0、不大于 1 的比例（如 "1/3"），不是「{raw.get("share")}」',
            )
            return None
        points = to_decimal(raw.get("points"))
        if points is None or not 0 <= points <= weight:
            self.error(where, f"参数 override 的 points 应在 0 到权重 {num(weight)} 之间")
            return None
        return Override(options=tuple(chosen), share=share, points=points)

    def params_bonus(self, node: Mapping[str, Any], where: str, weight: Decimal) -> dict[str, Any] | None:
        levels = node.get("levels")
        parsed: dict[str, Decimal] = {}
        if not isinstance(levels, dict) or not levels:
            self.error(where, '缺少参数 levels（各级别的加分，如 {"省级": 20}）')
            return None
        for level, raw in levels.items():
            points = to_decimal(raw)
            if points is None or points <= 0:
                self.error(where, f"加分级别「{level}」的分值应为大于 0 的数，不是「{raw}」")
                return None
            parsed[level] = points
        cap = self.number(node, "max", where, what="加分上限")
        if cap is None:
            return None
        if cap <= 0:
            self.error(where, f"参数 max（加分上限）应大于 0，不是 {num(cap)}")
            return None
        return {"levels": parsed, "max": cap}

    def params_ballot(self, node: Mapping[str, Any], where: str, weight: Decimal) -> dict[str, Any] | None:
        default = SATISFACTION_VALUES if node.get("rule") == "satisfaction" else BALLOT_VALUES
        raw_values = node.get("values", default)
        values: dict[str, Decimal] = {}
        if not isinstance(raw_values, dict) or not raw_values:
            self.error(where, '参数 values（各选项的分值）应为以选项为键、分值为值的对象，如 {"优秀": 100}')
            return None
        for option, raw in raw_values.items():
            value = to_decimal(raw)
            if value is None or not 0 <= value <= MAX_OPTION_VALUE:
                self.error(
                    where, f"选项「{option}」的分值应在 0 到 {num(MAX_OPTION_VALUE)} 之间，不是「{raw}」"
                )
                return None
            values[option] = value
        raw_groups = node.get("groups")
        groups: dict[str, Decimal] = {}
        if not isinstance(raw_groups, dict) or not raw_groups:
            self.error(where, '缺少参数 groups（评议人类别及权重，如 {"干部群众": 60, "县领导": 40}）')
            return None
        for group, raw in raw_groups.items():
            group_weight = to_decimal(raw)
            if group_weight is None or group_weight <= 0:
                self.error(where, f"评议人类别「{group}」的权重应为大于 0 的数，不是「{raw}」")
                return None
            groups[group] = group_weight
        return {"values": values, "groups": groups}

    params_satisfaction = params_ballot

    def params_veto(self, node: Mapping[str, Any], where: str, weight: Decimal) -> dict[str, Any] | None:
        grade = node.get("grade")
        if not isinstance(grade, str) or not grade.strip():
            self.error(where, "缺少参数 grade（一票否决后最高可评的等次）")
            return None
        return {"grade": grade.strip()}  # that the grade exists is checked with the grades

    # --- grades and the rest ----------------------------------------------------------------------

    def grades(self, raw: Any) -> tuple[Grade, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.error("方案", "等次 grades 应为列表（从高到低）")
            return ()
        parsed: list[Grade] = []
        for i, node in enumerate(raw, start=1):
            where = f"第 {i} 个等次"
            if not isinstance(node, dict):
                self.error(where, "应为 {name, min_score, max_share}")
                continue
            name = str(node.get("name") or "").strip()
            where = f"等次「{name}」" if name else where
            if not name:
                self.error(where, "缺少等次名称 name")
            elif any(g.name == name for g in parsed):
                self.error(where, "等次名称重复")
            unknown = sorted(set(node) - GRADE_KEYS)
            if unknown:
                self.error(where, f"不认识的参数：{'、'.join(unknown)}")
            low = self.number(node, "min_score", where, what="最低分")
            if low is not None and low < 0:
                self.error(where, f"最低分 min_score 应不小于 0，不是 {num(low)}")
            share = None
            if node.get("max_share") not in (None, ""):
                share = to_share(node["max_share"])
                if share is None or not 0 < share <= 1:
                    self.error(
                        where, f"比例上限 max_share 应为大于 0、不大于 1 的比例，不是「{node['max_share']}」"
                    )
            if parsed and low is not None and low >= parsed[-1].min_score:
                self.error(
                    where,
                    f"最低分 {num(low)} 应低于上一等次「{parsed[-1].name}」的 {num(parsed[-1].min_score)}（等次从高到低排列）",
                )
            if name and low is not None:
                parsed.append(Grade(name=name, min_score=low, max_share=share))
        if parsed and parsed[-1].max_share is not None and len(parsed) == len(raw):
            self.error(
                f"等次「{parsed[-1].name}」",
                "最低等次不能设比例上限 max_share（超出比例的单位要落到下一等次）",
            )
        return tuple(parsed)

    def difficulty(self, raw: Any) -> tuple[Decimal, Decimal] | None:
        if raw in (None, False):
            return None
        if raw is True:
            return DIFFICULTY_RANGE
        if isinstance(raw, dict):
            low, high = to_decimal(raw.get("min")), to_decimal(raw.get("max"))
            if low is not None and high is not None and 0 < low <= high:
                return (low, high)
        self.error("方案", '难度系数 difficulty 应为 true 或 {"min": 0.8, "max": 1.2}（0 < min ≤ max）')
        return None


def parse_scheme(data: Any) -> Scheme:
    """Validate a scheme (see the module's docstring); raises ValidationError with every problem."""
    parser = _Parser()
    if not isinstance(data, dict):
        raise ValidationError(
            "方案应为 JSON 对象（含 name、total、indicators、grades）", code=errors.SCHEME_INVALID
        )
    name = str(data.get("name") or "").strip()
    if not name:
        parser.error("方案", "缺少方案名称 name")
    total = DEFAULT_TOTAL
    if data.get("total") not in (None, ""):
        given = to_decimal(data["total"])
        if given is None or given <= 0:
            parser.error("方案", f"总分 total 应为大于 0 的数，不是「{data['total']}」")
        else:
            total = given
    indicators = data.get("indicators")
    weights: list[Decimal | None] = []
    if not isinstance(indicators, list) or not indicators:
        parser.error("方案", "指标 indicators 应为非空列表")
    else:
        for i, node in enumerate(indicators, start=1):
            weights.append(parser.indicator(node, f"第 {i} 个一级指标")[0])
    grades = parser.grades(data.get("grades"))
    difficulty = parser.difficulty(data.get("difficulty"))
    names = {g.name for g in grades}
    for leaf in parser.leaves:
        if leaf.rule == "veto" and leaf.grade not in names:
            known = "、".join(g.name for g in grades) or "方案未设等次"
            parser.error(leaf.label, f"一票否决的最高等次「{leaf.grade}」不在方案的等次中（{known}）")
    if weights and all(w is not None for w in weights):
        # children add up to their parent (checked above), so the first level adds up to the leaves
        summed = sum((w for w in weights if w is not None), ZERO)
        if summed != total:
            parser.error("方案", f"一级指标权重合计 {num(summed)}，应等于方案总分 {num(total)}")
    if parser.errors:
        raise ValidationError(
            [ValidationError(message, code=errors.SCHEME_INVALID) for message in parser.errors]
        )
    return Scheme(
        name=name,
        total=total,
        leaves=tuple(parser.leaves),
        parents=parser.parents,
        names=parser.names,
        grades=grades,
        difficulty=difficulty,
    )
