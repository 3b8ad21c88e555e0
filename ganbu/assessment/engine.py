"""The scoring engine: `compute(scheme, inputs) -> output`, the JSON contract of README.md.

Pure (no database): the scheme is validated (`rules.parse_scheme`), every unit's values are read
and checked, each leaf is scored by its rule (`rules.points`), the 难度系数 applied, units are
ranked per category (vetoed units last) and graded (`rules.ranking`). Every problem of the inputs
is collected and raised at once as a `ValidationError` whose messages name the unit and the
indicator; nothing is returned then. Numbers in the output are strings with two decimals.

The cycle (later) calls the same function with the figures it read from the database: actual
values, rankings entered per rater, and for 测评 the option counts of the ballot engine's sealed
result (`ballots.selectors.session_result`), or its weighted shares when it does not break out every
group, never recounted here. The 驻村 evaluation (`villagework.scoring`) calls it too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError

from ganbu.assessment import errors, rules
from ganbu.assessment.rules import Event, Leaf, Scheme, Score
from ganbu.core.numbers import ZERO, q2, to_decimal

EVENT_KEYS = frozenset({"points", "level", "reason", "date"})


class _Invalid(Exception):
    """A value a leaf cannot use; the message names neither unit nor indicator."""


@dataclass
class _Unit:
    index: int
    code: str
    name: str
    category: str
    difficulty: dict[str, Decimal] = field(default_factory=dict)
    args: dict[str, Any] = field(default_factory=dict)  # leaf code → the value as its rule takes it
    scores: dict[str, Score] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"单位 {self.code}（{self.name}）" if self.name else f"单位 {self.code}"


# --- reading the values of each rule --------------------------------------------------------------


def _number(raw: Any, what: str) -> Decimal:
    value = to_decimal(raw)
    if value is None:
        raise _Invalid(f"{what}应为数字，不是「{raw}」")
    return value


def _missing(raw: Any) -> bool:
    return raw is None or raw == ""


def _read_completion(leaf: Leaf, raw: Any) -> tuple[Decimal, Decimal]:
    if not isinstance(raw, dict):
        raise _Invalid("应填写完成值 actual 和目标值 target")
    missing = [
        label
        for key, label in (("actual", "完成值 actual"), ("target", "目标值 target"))
        if _missing(raw.get(key))
    ]
    if missing:
        raise _Invalid(f"缺少{'和'.join(missing)}")
    return _number(raw["actual"], "完成值"), _number(raw["target"], "目标值")


def _read_number(leaf: Leaf, raw: Any) -> Decimal:
    return _number(raw, "数值")


def _read_ranks(leaf: Leaf, raw: Any) -> list[int]:
    if not isinstance(raw, list) or not raw:
        raise _Invalid("应填写各评议人给出的名次列表（每名评议人一个）")
    bad = [r for r in raw if isinstance(r, bool) or not isinstance(r, int) or r < 1]
    if bad:
        raise _Invalid(f"名次应为正整数，不是「{'、'.join(str(r) for r in bad)}」")
    return list(raw)


def _read_counts(leaf: Leaf, raw: Any) -> dict[str, dict[str, int]]:
    """Option counts per rater group: {group: {option: n}}."""
    if not isinstance(raw, dict) or not raw or not all(isinstance(v, dict) for v in raw.values()):
        raise _Invalid("应填写各评议人类别的选项票数")
    counts: dict[str, dict[str, int]] = {}
    problems = []
    for group, options in raw.items():
        if all(type(n) is int and n >= 0 for n in options.values()):  # not bool, not float
            counts[group] = options
            continue
        for option, n in options.items():
            if type(n) is not int or n < 0:
                problems.append(f"「{group}」的「{option}」票数应为不小于 0 的整数，不是「{n}」")
    if problems:
        raise _Invalid("；".join(problems))
    return counts


@dataclass(frozen=True)
class _Shares:
    """A 测评 value given as the ballot engine's weighted shares of the options."""

    shares: dict[str, Fraction]


def _read_ballot(leaf: Leaf, raw: Any) -> dict[str, dict[str, int]] | _Shares:
    """Option counts per rater group, or `{"shares": {option: share}}`: the ballot engine's weighted
    shares when its result does not break out every group (a scheme group named "shares" is read
    as a group)."""
    if not (isinstance(raw, dict) and set(raw) == {"shares"} and "shares" not in leaf.groups):
        return _read_counts(leaf, raw)
    given = raw["shares"]
    if not isinstance(given, dict) or not given:
        raise _Invalid('加权占比 shares 应为以选项为键、占比为值的对象，如 {"优秀": "3/5"}')
    shares: dict[str, Fraction] = {}
    problems = []
    for option, value in given.items():
        share = rules.to_share(value)
        if share is None:
            problems.append(f"「{option}」的加权占比应为数字或分数，不是「{value}」")
        else:
            shares[str(option)] = share
    if problems:
        raise _Invalid("；".join(problems))
    return _Shares(shares)


def _read_bracket(leaf: Leaf, raw: Any) -> Decimal | dict[str, dict[str, int]]:
    if leaf.share_of is None:
        return _number(raw, "数值")
    counts = _read_counts(leaf, raw)
    unknown_groups = [g for g in counts if leaf.groups and g not in leaf.groups]
    unknown_options = sorted({o for c in counts.values() for o in c if o not in leaf.options})
    problems = []
    if unknown_groups:
        problems.append(
            f"评议人类别「{'、'.join(unknown_groups)}」不在方案中（可选：{'、'.join(leaf.groups)}）"
        )
    if unknown_options:
        problems.append(f"选项「{'、'.join(unknown_options)}」不在方案中（可选：{'、'.join(leaf.options)}）")
    if problems:
        raise _Invalid("；".join(problems))
    return counts


def _read_events(leaf: Leaf, raw: Any) -> list[Event]:
    need = {"deduct": "points", "bonus": "level", "veto": "reason"}[leaf.rule]
    if not isinstance(raw, list):
        raise _Invalid(f"应为事项列表，每项含 {need}")
    events = []
    for i, item in enumerate(raw, start=1):
        if not isinstance(item, dict) or _missing(item.get(need)):
            raise _Invalid(f"第 {i} 项缺少 {need}")
        unknown = sorted(set(item) - EVENT_KEYS)
        if unknown:
            raise _Invalid(f"第 {i} 项有不认识的字段：{'、'.join(unknown)}")
        points = ZERO
        if need == "points":
            points = _number(item["points"], f"第 {i} 项的扣分")
            if points <= 0:
                raise _Invalid(f"第 {i} 项的扣分应大于 0，不是 {rules.num(points)}")
        events.append(
            Event(
                points=points,
                level=str(item.get("level") or "").strip(),
                reason=str(item.get("reason") or "").strip(),
                date=str(item.get("date") or "").strip(),
            )
        )
    return events


def _read_manual(leaf: Leaf, raw: Any) -> tuple[Decimal, str]:
    if isinstance(raw, dict):
        if _missing(raw.get("points")):
            raise _Invalid("缺少评定分 points")
        return _number(raw["points"], "评定分"), str(raw.get("note") or "").strip()
    return _number(raw, "评定分"), ""


READERS: dict[str, Callable[[Leaf, Any], Any]] = {
    "completion": _read_completion,
    "ratio_to_top": _read_number,
    "rank_linear": _read_number,
    "rank_step": _read_ranks,
    "bracket": _read_bracket,
    "deduct": _read_events,
    "bonus": _read_events,
    "ballot": _read_ballot,
    "satisfaction": _read_ballot,
    "manual": _read_manual,
    "veto": _read_events,
}
OPTIONAL = frozenset({"deduct", "bonus", "veto"})  # no value: no event
WHAT = {
    "completion": "完成值和目标值",
    "ratio_to_top": "数值",
    "rank_linear": "数值",
    "rank_step": "各评议人的名次",
    "bracket": "数值",
    "ballot": "测评票数",
    "satisfaction": "满意度票数",
    "manual": "评定分",
}


# --- reading the units ----------------------------------------------------------------------------


def _read_units(scheme: Scheme, inputs: Any, problems: list[str]) -> list[_Unit]:
    if not isinstance(inputs, dict) or not isinstance(inputs.get("units"), list) or not inputs["units"]:
        problems.append('输入数据应为 {"units": [单位…]}，且至少有一个单位')
        return []
    leaves = {leaf.code: leaf for leaf in scheme.leaves}
    units: list[_Unit] = []
    seen: set[str] = set()
    for index, raw in enumerate(inputs["units"], start=1):
        if not isinstance(raw, dict):
            problems.append(f"第 {index} 个单位：应为 JSON 对象（含 code、name、category、values）")
            continue
        unit = _Unit(
            index=index,
            code=str(raw.get("code") or "").strip(),
            name=str(raw.get("name") or "").strip(),
            category=str(raw.get("category") or "").strip(),
        )
        where = unit.label if unit.code else f"第 {index} 个单位（{unit.name}）"
        for key, label in (
            ("code", "单位代码 code"),
            ("name", "单位名称 name"),
            ("category", "类别 category"),
        ):
            if not getattr(unit, key):
                problems.append(f"{where}：缺少{label}")
        if unit.code and unit.code in seen:
            problems.append(f"{where}：单位代码重复")
        seen.add(unit.code)
        values = raw.get("values") or {}
        if not isinstance(values, dict):
            problems.append(f"{where}：values 应为以末级指标代码为键的对象")
            values = {}
        for code in values:
            if code in scheme.parents:
                problems.append(
                    f"{where}，指标 {code}（{scheme.names[code]}）：有下级指标，只能给末级指标填值"
                )
            elif code not in leaves:
                problems.append(f"{where}：指标 {code} 不在方案中")
        for leaf in scheme.leaves:
            value = values.get(leaf.code)
            if _missing(value) and leaf.rule in OPTIONAL:
                value = []
            if _missing(value):
                what = "各评议人类别的选项票数" if leaf.share_of else WHAT[leaf.rule]
                problems.append(f"{where}，{leaf.label}：缺少{what}")
                continue
            try:
                unit.args[leaf.code] = READERS[leaf.rule](leaf, value)
            except _Invalid as exc:
                problems.append(f"{where}，{leaf.label}：{exc}")
        _read_difficulty(scheme, leaves, unit, raw.get("difficulty"), where, problems)
        units.append(unit)
    return units


def _read_difficulty(
    scheme: Scheme, leaves: Mapping[str, Leaf], unit: _Unit, raw: Any, where: str, problems: list[str]
) -> None:
    if not raw:
        return
    if scheme.difficulty is None:
        problems.append(f"{where}：方案未使用难度系数，不能填写 difficulty")
        return
    if not isinstance(raw, dict):
        problems.append(f"{where}：difficulty 应为以末级指标代码为键、难度系数为值的对象")
        return
    low, high = scheme.difficulty
    for code, value in raw.items():
        leaf = leaves.get(code)
        if leaf is None:
            problems.append(f"{where}：难度系数的指标 {code} 不是方案的末级指标")
            continue
        if leaf.rule in rules.NO_DIFFICULTY_RULES:
            problems.append(f"{where}，{leaf.label}：{rules.RULE_LABELS[leaf.rule]}不用难度系数")
            continue
        coefficient = to_decimal(value)
        if coefficient is None or not low <= coefficient <= high:
            problems.append(
                f"{where}，{leaf.label}：难度系数应在 {rules.num(low)} 到 {rules.num(high)} 之间，不是「{value}」"
            )
            continue
        unit.difficulty[code] = coefficient


def _check_rank_lists(category: str, leaf: Leaf, units: list[_Unit], problems: list[str]) -> None:
    """rank_step: one rank per rater (`raters` of the scheme, or the same number for every unit of
    the category), each from 1 to the category's size, no rank twice from one rater."""
    lists = [(u, u.args[leaf.code]) for u in units if leaf.code in u.args]
    if not lists:
        return
    size = len(units)
    ok = True
    if leaf.raters:
        for unit, ranks in lists:
            if len(ranks) != leaf.raters:
                problems.append(
                    f"{unit.label}，{leaf.label}：名次应有 {leaf.raters} 个（每名评议人一个），实有 {len(ranks)} 个"
                )
                ok = False
    else:
        lengths: dict[int, list[str]] = {}
        for unit, ranks in lists:
            lengths.setdefault(len(ranks), []).append(unit.name or unit.code)
        if len(lengths) > 1:
            listed = "；".join(
                f"{n} 个：{'、'.join(names)}" for n, names in sorted(lengths.items(), reverse=True)
            )
            problems.append(
                f"类别「{category}」，{leaf.label}：各单位的名次个数不一致（{listed}），应每名评议人一个"
            )
            ok = False
    for unit, ranks in lists:
        high = [r for r in ranks if r > size]
        if high:
            problems.append(
                f"{unit.label}，{leaf.label}：名次 {'、'.join(map(str, high))} 超出范围（同类共 {size} 个单位）"
            )
            ok = False
    if not ok or len(lists) != size:
        return
    for rater in range(len(lists[0][1])):
        given: dict[int, list[str]] = {}
        for unit, ranks in lists:
            given.setdefault(ranks[rater], []).append(unit.name or unit.code)
        for rank, names in sorted(given.items()):
            if len(names) > 1:
                problems.append(
                    f"类别「{category}」，{leaf.label}，第 {rater + 1} 名评议人：名次 {rank} 同时给了{'、'.join(names)}"
                )


# --- scoring --------------------------------------------------------------------------------------


def _score(leaf: Leaf, arg: Any, context: Any) -> Score:
    rule = leaf.rule
    if rule == "completion":
        return rules.completion(weight=leaf.weight, actual=arg[0], target=arg[1], cap=leaf.cap)
    if rule == "ratio_to_top":
        return rules.ratio_to_top(weight=leaf.weight, value=arg, top=context)
    if rule == "rank_linear":
        rank, count = context
        return rules.rank_linear(rank=rank, count=count, top=leaf.top, bottom=leaf.bottom, value=arg)
    if rule == "rank_step":
        return rules.rank_step(weight=leaf.weight, ranks=arg, step=leaf.step)
    if rule == "bracket":
        if leaf.share_of is None:
            return rules.bracket(brackets=leaf.brackets, value=arg)
        return rules.bracket(
            brackets=leaf.brackets, counts=arg, share_of=leaf.share_of, override=leaf.override
        )
    if rule == "deduct":
        return rules.deduct(weight=leaf.weight, events=arg)
    if rule == "bonus":
        return rules.bonus(events=arg, levels=leaf.levels, cap=leaf.max)
    if rule in ("ballot", "satisfaction") and isinstance(arg, _Shares):
        return rules.ballot_shares(weight=leaf.weight, shares=arg.shares, values=leaf.values)
    if rule in ("ballot", "satisfaction"):
        return rules.ballot(weight=leaf.weight, counts=arg, groups=leaf.groups, values=leaf.values)
    if rule == "manual":
        return rules.manual(weight=leaf.weight, points=arg[0], note=arg[1])
    return rules.veto(events=arg, grade=leaf.grade)


def _score_category(scheme: Scheme, units: list[_Unit], problems: list[str]) -> None:
    for leaf in scheme.leaves:
        scored = [u for u in units if leaf.code in u.args]
        contexts: list[Any] = [None] * len(scored)
        if leaf.rule == "ratio_to_top":
            top = max((u.args[leaf.code] for u in scored), default=ZERO)
            contexts = [top] * len(scored)
        elif leaf.rule == "rank_linear":
            ranks = rules.value_ranks([u.args[leaf.code] for u in scored])
            contexts = [(rank, len(scored)) for rank in ranks]
        for unit, context in zip(scored, contexts, strict=True):
            try:
                score = _score(leaf, unit.args[leaf.code], context)
            except ValidationError as exc:
                problems.extend(f"{unit.label}，{leaf.label}：{message}" for message in exc.messages)
                continue
            coefficient = unit.difficulty.get(leaf.code)
            unit.scores[leaf.code] = score if coefficient is None else rules.difficulty(score, coefficient)


# --- the result -----------------------------------------------------------------------------------


def _text(value: Decimal) -> str:
    """Points as the output writes them: "510.00". Every leaf is rounded to cents (exponent −2)
    and sums of them keep the exponent, so this is `str`, not a second rounding."""
    return str(value)


def _results(scheme: Scheme, units: list[_Unit]) -> list[dict[str, Any]]:
    """One category's units with totals, ranks and grades, best first."""
    bonus_codes = [leaf.code for leaf in scheme.leaves if leaf.rule == "bonus"]
    veto_leaves = [leaf for leaf in scheme.leaves if leaf.rule == "veto"]
    totals = [sum((s.points for s in u.scores.values()), ZERO) for u in units]
    reasons = [[r for leaf in veto_leaves for r in u.scores[leaf.code].vetoes] for u in units]
    caps = [
        max((scheme.grade_index(leaf.grade) for leaf in veto_leaves if u.scores[leaf.code].vetoes), default=0)
        for u in units
    ]
    vetoed = [bool(r) for r in reasons]
    ranks = rules.unit_ranks(totals, vetoed)
    grades = rules.assign_grades(totals=totals, ranks=ranks, grades=scheme.grades, caps=caps)
    results = []
    for i in sorted(range(len(units)), key=lambda i: (ranks[i], units[i].index)):
        unit = units[i]
        results.append(
            {
                "code": unit.code,
                "name": unit.name,
                "category": unit.category,
                "total": _text(totals[i]),
                "bonus": _text(sum((unit.scores[c].points for c in bonus_codes), ZERO)),
                "rank": ranks[i],
                "grade": grades[i],
                "vetoed": vetoed[i],
                "veto_reasons": reasons[i],
                "subtotals": {
                    code: _text(sum((unit.scores[c].points for c in leaves), ZERO))
                    for code, leaves in scheme.parents.items()
                },
                "indicators": {
                    leaf.code: {
                        "points": _text(unit.scores[leaf.code].points),
                        "derivation": unit.scores[leaf.code].derivation,
                    }
                    for leaf in scheme.leaves
                },
            }
        )
    return results


def compute(scheme: Mapping[str, Any], inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Score every unit of `inputs` with `scheme` (README.md, "JSON contract"); raises
    ValidationError with every problem of the scheme, or else of the inputs."""
    plan = rules.parse_scheme(scheme)
    problems: list[str] = []
    units = _read_units(plan, inputs, problems)
    categories: dict[str, list[_Unit]] = {}
    for unit in units:
        categories.setdefault(unit.category, []).append(unit)
    for category, members in categories.items():
        for leaf in plan.leaves:
            if leaf.rule == "rank_step":
                _check_rank_lists(category, leaf, members, problems)
    for members in categories.values():  # also with problems above: a rule's refusals are reported too
        _score_category(plan, members, problems)
    if problems:
        raise ValidationError([ValidationError(p, code=errors.INPUTS_INVALID) for p in problems])
    return {
        "scheme": {"name": plan.name, "total": str(q2(plan.total))},
        "units": [result for members in categories.values() for result in _results(plan, members)],
    }
