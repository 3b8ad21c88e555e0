"""The settings of the annual assessment of cadres (年度考核), with the values in force as defaults.
Each is a named value a county may override (the `settings` object of the inputs; later a settings
row). Sources:

- 优秀 within 20 % of those assessed, up to 25 % with approval: 《公务员考核规定》（2020）, as
  ../shared/REFERENCE.md summarises it (secondary source).
- The share by the unit's 综合考核 grade (实绩突出 20 %, 好 15 %, 一般 12 %, 较差 8 %) and the bonus of
  outstanding units (「单位人数在10人以下的…奖励一个优秀指标；10人以上的，领导干部和一般工作人员各奖励一个
  优秀指标」, 「在县里掌握的机动指标内」): seed 002.
- Sanctions: 《公务员考核规定（试行）》（2007）第二十五条 — 「受警告处分的当年，参加年度考核，不得确定为
  优秀等次；受记过、记大过、降级、撤职处分的期间，参加年度考核，只写评语，不定等次」. The 2020 text could
  not be checked here (no access to the official text); the rule is a setting (SANCTION_CAPS).
- 不称职票 ≥ 30 % → 不胜任现职 (seed 004); three consecutive 优秀 → 记三等功, the county's amounts
  800 / 1500 yuan (seed 004); 基本称职 → no promotion that year, 不称职 → down one level, two
  consecutive 不称职 → 辞退 (《公务员考核规定》 as REFERENCE.md summarises it).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError

GRADES = ("优秀", "称职", "基本称职", "不称职", "不定等次")
NOT_ASSESSED = "不进行考核"  # a final outcome, never a proposal (ZB18 6A: 病、事假累计超过考核年度半年)
QUARTER_GRADES = ("好", "较好", "一般", "较差")
SANCTIONS = ("警告", "记过", "记大过", "降级", "撤职", "开除")


@dataclass(frozen=True)
class GradingSettings:
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
    quarters_required: bool = True  # the 平时 record decides 优秀 (届中/届末考核 of a team: no)
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


def _fraction(value: Any, name: str) -> Fraction:
    try:
        text = str(value).strip()
        result = Fraction(text.rstrip("%")) / (100 if text.endswith("%") else 1)
    except (ValueError, ZeroDivisionError):
        raise ValidationError(f"设置 {name} 应为比例（如 0.2、1/5 或 20%），不是「{value}」") from None
    if not 0 <= result <= 1:
        raise ValidationError(f"设置 {name} 应在 0 到 1 之间，不是「{value}」")
    return result


def with_overrides(overrides: dict[str, Any] | None) -> GradingSettings:
    """The defaults with the named overrides of an inputs file (unknown names refused)."""
    base = GradingSettings()
    if not overrides:
        return base
    if not isinstance(overrides, dict):
        raise ValidationError("settings 应为以设置名为键的对象")
    known = {f.name: f for f in fields(GradingSettings)}
    changes: dict[str, Any] = {}
    for name, value in overrides.items():
        if name not in known:
            raise ValidationError(f"没有名为 {name} 的设置（可选：{'、'.join(known)}）")
        current = getattr(base, name)
        if isinstance(current, Fraction):
            changes[name] = _fraction(value, name)
        elif isinstance(current, bool):
            if not isinstance(value, bool):
                raise ValidationError(f"设置 {name} 应为 true 或 false，不是「{value}」")
            changes[name] = value
        elif not isinstance(current, int | str | tuple | dict):
            changes[name] = value
        elif isinstance(current, int):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValidationError(f"设置 {name} 应为不小于 0 的整数，不是「{value}」")
            changes[name] = value
        elif isinstance(current, dict) and name == "share_by_grade":
            if not isinstance(value, dict):
                raise ValidationError(f"设置 {name} 应为以等次为键的对象")
            changes[name] = {str(k): _fraction(v, f"{name}.{k}") for k, v in value.items()}
        elif isinstance(current, dict):
            if not isinstance(value, dict) or any(v not in GRADES for v in value.values()):
                raise ValidationError(f"设置 {name} 应为以处分为键、最高等次为值的对象")
            changes[name] = dict(value)
        elif isinstance(current, tuple):
            changes[name] = tuple(value) if isinstance(value, list) else current
        else:
            changes[name] = str(value)
    return replace(base, **changes)
