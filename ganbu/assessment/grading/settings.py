"""The settings of the annual assessment of cadres (年度考核), with the values in force as defaults.
Each is a named value a county may override (the `settings` object of the inputs; later a settings
row). Sources:

- 优秀 within 20 % of those assessed, up to 25 % with approval: 《公务员考核规定》（2020）, as
  ../shared/REFERENCE.md summarises it (secondary source).
- The share by the unit's 综合考核 grade (实绩突出 20 %, 好 15 %, 一般 12 %, 较差 8 %) and the bonus of
  outstanding units (「单位人数在10人以下的…奖励一个优秀指标；10人以上的，领导干部和一般工作人员各奖励一个
  优秀指标」, 「在县里掌握的机动指标内」): seed 002.
- 平时考核: 好 / 较好 / 一般 / 较差 from a score (90 / 80 / 60) and 好 within 40 % of a unit's
  participants: the county's practice as the brief of this rule gives it (the 《公务员平时考核办法》
  leaves the share to each locality).
- Sanctions: 《公务员考核规定（试行）》（2007）第二十五条 — 「受警告处分的当年，参加年度考核，不得确定为
  优秀等次；受记过、记大过、降级、撤职处分的期间，参加年度考核，只写评语，不定等次」. The 2020 text could
  not be checked here (no access to the official text); the rule is a setting (SANCTION_CAPS).
- 不称职票 ≥ 30 % → 不胜任现职 (seed 004); three consecutive 优秀 → 记三等功, the county's amounts
  800 / 1500 yuan (seed 004); 基本称职 → no promotion that year, 不称职 → down one level, two
  consecutive 不称职 → 辞退 (《公务员考核规定》 as REFERENCE.md summarises it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError

from ganbu.core.rulesettings import Label, apply_overrides, parse_share

GRADES = ("优秀", "称职", "基本称职", "不称职", "不定等次")
NOT_ASSESSED = "不进行考核"  # a final outcome, never a proposal (ZB18 6A: 病、事假累计超过考核年度半年)
QUARTER_GRADES = ("好", "较好", "一般", "较差")
SANCTIONS = ("警告", "记过", "记大过", "降级", "撤职", "开除")


@dataclass(frozen=True)
class GradingSettings:
    # 平时考核: a score decides the quarter's grade (≥ score_good 好, ≥ score_fair 较好, ≥ score_pass
    # 一般, else 较差), and 好 goes to at most quarter_good_share of the unit's participants (floor)
    score_good: int = 90
    score_fair: int = 80
    score_pass: int = 60
    quarter_good_share: Fraction = Fraction(40, 100)
    # 优秀 share of the participants by the unit's sealed 综合考核 grade; DEFAULT_SHARE without one
    share_by_grade: dict[str, Fraction] = field(
        default_factory=lambda: {
            "实绩突出": Fraction(20, 100),
            "好": Fraction(15, 100),
            "一般": Fraction(12, 100),
            "较差": Fraction(8, 100),
        }
    )
    default_share: Fraction = Fraction(15, 100)
    cap: Fraction = Fraction(20, 100)  # overall cap on the share …
    cap_with_approval: Fraction = Fraction(25, 100)  # … raised when the approval is recorded
    bonus_grade: str = "实绩突出"  # units of this grade get the county's 机动指标 bonus
    bonus_small_unit: int = 10  # fewer participants than this: +1 for the unit; else +1 leaders +1 staff
    small_unit_bonus_pool: str = "staff"  # with separate pools, where the small unit's +1 goes
    quarters_required: bool = True  # the 平时 record decides 优秀 (届中或届末考核 of a team: no)
    quarters_good_more_than: Fraction = Fraction(1, 2)  # 优秀 needs 好 in more than this share of quarters
    quarters_forbidden: tuple[str, ...] = ("一般", "较差")  # … and none of these
    unfit_share: Fraction = Fraction(30, 100)  # 不称职 votes ≥ this share of valid votes → 不胜任现职
    # the highest grade a sanction in effect allows in the year ("不定等次": no grade, only remarks)
    sanction_caps: dict[str, str] = field(
        default_factory=lambda: {
            "警告": "称职",
            "记过": "不定等次",
            "记大过": "不定等次",
            "降级": "不定等次",
            "撤职": "不定等次",
            "开除": "不定等次",
        }
    )
    newcomer_months: int = 6  # started work less than this before 31 December: 不定等次 (试用期, ZB18 5A)
    absence_days: int = 183  # 病、事假 more than half the year: 不进行考核 (ZB18 6A)
    commendation_amount: int = 800  # 嘉奖 (seed 004's county)
    merit_amount: int = 1500  # 记三等功 (seed 004's county)
    merit_years: int = 3  # consecutive 优秀 years for 记三等功


def _change(name: str, current: Any, value: Any) -> Any:
    if isinstance(current, Fraction):
        return _share(value, name)
    if isinstance(current, bool):
        if not isinstance(value, bool):
            raise ValidationError(f"设置 {name} 应为 true 或 false，不是「{value}」")
        return value
    if isinstance(current, int):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValidationError(f"设置 {name} 应为不小于 0 的整数，不是「{value}」")
        return value
    if isinstance(current, dict) and name == "share_by_grade":
        if not isinstance(value, dict):
            raise ValidationError(f"设置 {name} 应为以等次为键的对象")
        return {str(k): _share(v, f"{name}.{k}") for k, v in value.items()}
    if isinstance(current, dict):
        if not isinstance(value, dict) or any(v not in GRADES for v in value.values()):
            raise ValidationError(f"设置 {name} 应为以处分为键、最高等次为值的对象")
        return dict(value)
    if isinstance(current, tuple):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValidationError(f"设置 {name} 应为文字的列表")
        return tuple(value)
    return str(value)


def _share(value: Any, name: str) -> Fraction:
    return parse_share(value, name, example="0.2、1/5 或 20%")


def with_overrides(overrides: dict[str, Any] | None) -> GradingSettings:
    """The defaults with the named overrides of an inputs file (unknown names and bad values
    refused, every problem listed), then the rules between settings."""
    result = apply_overrides(GradingSettings(), overrides, _change)
    _consistent(result)
    return result


def _consistent(s: GradingSettings) -> None:
    """Rules between settings (each named in the message)."""
    problems: list[str] = []
    if not 0 < s.score_pass < s.score_fair < s.score_good <= 100:
        problems.append("平时考核分数线应为「好」高于「较好」、「较好」高于「一般」，且在 1 到 100 之间")
    if not set(s.quarters_forbidden) <= set(QUARTER_GRADES):
        problems.append(f"设置 quarters_forbidden 只能包含 {'、'.join(QUARTER_GRADES)}")
    if s.bonus_grade not in s.share_by_grade:
        problems.append(f"设置 bonus_grade 应为综合考核等次之一（{'、'.join(s.share_by_grade)}）")
    if s.small_unit_bonus_pool not in ("staff", "leaders"):
        problems.append("设置 small_unit_bonus_pool 应为 staff 或 leaders")
    if unknown := [k for k in s.sanction_caps if k not in SANCTIONS]:
        problems.append(
            f"设置 sanction_caps 的处分种类应为 {'、'.join(SANCTIONS)}，不是「{'、'.join(unknown)}」"
        )
    if s.cap_with_approval < s.cap:
        problems.append("设置 cap_with_approval 不应小于「优秀比例上限」")
    if problems:
        raise ValidationError(problems)


# What the settings page shows, in this order (core.rulesettings); settings not listed here are
# fixed by the kind of review (quarters_required) or are a detail of the quota arithmetic.
LABELS: dict[str, Label] = {
    "score_good": Label("平时考核「好」最低分", "得分达到此分为「好」", unit="分"),
    "score_fair": Label("平时考核「较好」最低分", "得分达到此分为「较好」", unit="分"),
    "score_pass": Label("平时考核「一般」最低分", "得分达到此分为「一般」，低于为「较差」", unit="分"),
    "quarter_good_share": Label("平时考核「好」比例上限", "每季度「好」不超过参加人数的此比例，向下取整"),
    "share_by_grade": Label(
        "年度考核优秀比例（按单位综合考核等次）",
        "单位上年度综合考核封存等次对应的优秀比例（依据：县委考核办法）",
    ),
    "default_share": Label("年度考核优秀比例（无综合考核等次时）"),
    "cap": Label("优秀比例上限", "《公务员考核规定》：优秀等次一般不超过参加考核人数的 20%"),
    "cap_with_approval": Label("经批准后的优秀比例上限", "记录批准后可提高到此比例"),
    "bonus_grade": Label(
        "奖励优秀指标的综合考核等次",
        "该等次单位参加人数少于分界人数的奖励 1 个优秀指标，达到的领导干部和一般工作人员各奖励 1 个（县机动指标）",
        choices=("实绩突出", "好", "一般", "较差"),
    ),
    "bonus_small_unit": Label(
        "奖励指标的单位人数分界", "参加人数少于此数的奖励 1 个，达到此数的分别奖励", unit="人"
    ),
    "quarters_good_more_than": Label(
        "年度优秀须「好」的季度比例（超过）", "平时考核「好」的季度须超过此比例"
    ),
    "quarters_forbidden": Label(
        "年度优秀不得有的平时考核等次", "有这些等次的季度即不能评为优秀", choices=QUARTER_GRADES
    ),
    "unfit_share": Label("不胜任现职的不称职票比例", "民主测评不称职票达到有效票的此比例，标记不胜任现职"),
    "sanction_caps": Label(
        "处分影响期内最高等次",
        "《公务员考核规定》：受警告处分当年不得确定为优秀；记过以上处分期间只写评语、不定等次",
        choices=("称职", "基本称职", "不定等次"),
    ),
    "newcomer_months": Label(
        "新录用人员不定等次的月数", "12 月 31 日前参加工作不满此月数的不定等次", unit="个月"
    ),
    "absence_days": Label("病事假累计超过此天数不进行考核", unit="天"),
    "merit_years": Label("连续优秀几年记三等功", unit="年"),
    "commendation_amount": Label("嘉奖奖金", unit="元"),
    "merit_amount": Label("记三等功奖金", unit="元"),
}
