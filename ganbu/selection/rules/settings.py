"""The numbers of 选拔任用 (selection and appointment), with the values in force as defaults. Each is a
named value a county may override (`with_overrides`, the `--settings` file of `selection check`;
later a settings row); messages print the value in force. Sources:

- 差额推荐 at least 1:3 candidates per post, 差额考察 1:2 (`recommend_ratio`, `inspect_ratio`): seed 004
  (「按1:3比例差额推荐、1:2比例差额考察」).
- A second round of 民主推荐 when the top vote share is under 30 % of the valid ballots
  (`second_round_below`): seed 004 (「如遇最高得票率在30%以下…可进行二轮推荐」). The seed's 「以下」
  would by legal usage include 30 % itself; the brief of this rule reads it as strictly under, so
  exactly 30 % needs no second round.
- 民主推荐 results valid one year (`recommend_valid_months`): seed 004 (「推荐结果一年有效」) and the
  《党政领导干部选拔任用工作条例》（2019）as ../shared/REFERENCE.md summarises it.
- Individual talks of the 考察 cover at least half of the unit (`talks_share`): seed 000
  (「個別談話面均達到50%以上」).
- 全委会征求意见 for township Party and government heads (乡镇党政正职: `consult_level`,
  `consult_titles`), a nominee dropped when more than half of the members disagree
  (`consult_drop_share`): seed 002 (「委员超过半数不同意的建议人选将不再作为提名人选」).
- 讨论决定: at least two thirds of the members present (`vote_quorum`); passes only with 同意 votes
  more than half of the members who should attend (`vote_pass_share`): 条例（2019）as REFERENCE.md
  summarises it, and seed 002 (「同意票超过应到会人员半数的予以任用，等于或低于半数的不予任用」).
  Statutory; settings only so that a county's stricter rule can be tried.
- 任前公示 at least 5 working days (`publicity_working_days`), counted with the holiday calendar
  (make-up workdays count): 条例（2019）as REFERENCE.md summarises it.
- 试用期 one year for posts not filled by election (`probation_months`): seed 002 (「对非选任方式
  提拔担任副乡科级以上职务的干部，全部实行任职试用期，期限为一年」). `probation_notice_days`: how long
  before its end the checker gives notice that the assessment is due (a house choice, 60 days).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError

from ganbu.core.rulesettings import Label, apply_overrides, parse_share
from ganbu.selection import errors


@dataclass(frozen=True)
class SelectionSettings:
    recommend_ratio: int = 3  # 差额推荐: at least this many listed per post
    inspect_ratio: int = 2  # 差额考察: at least this many 考察对象 per post
    second_round_below: Fraction = Fraction(30, 100)  # top share of valid ballots under this → round 2
    recommend_valid_months: int = 12  # a 民主推荐 result is used at most this long after it
    talks_share: Fraction = Fraction(1, 2)  # 个别谈话 cover at least this share of the unit's staff
    consult_drop_share: Fraction = Fraction(1, 2)  # 不同意 more than this share of the members → dropped
    consult_level: str = "乡镇"  # the unit level whose heads need 全委会征求意见 …
    consult_titles: tuple[str, ...] = ("党委书记", "乡长", "镇长")  # … and the titles (never 副…)
    vote_quorum: Fraction = Fraction(2, 3)  # members present at least this share of those expected
    vote_pass_share: Fraction = Fraction(1, 2)  # passes when 同意 > this share of those expected
    publicity_working_days: int = 5  # 任前公示 at least this many working days
    probation_months: int = 12  # 试用期 (not for 选任)
    probation_notice_days: int = 60  # notice that the probation ends within this many days

    def needs_consultation(self, *, level: str, title: str) -> bool:
        """乡镇党政正职 - the unit's level is `consult_level` and the title holds one of `consult_titles`
        not preceded by 副 (镇长 yes, 副镇长 no; 党委副书记 does not hold 党委书记)."""
        if level != self.consult_level:
            return False
        return any(re.search(r"(?<!副)" + re.escape(t), title) for t in self.consult_titles if t)


def _change(name: str, current: Any, value: Any) -> Any:
    if isinstance(current, Fraction):
        return parse_share(value, name)
    if isinstance(current, int):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValidationError(f"设置 {name} 应为不小于 0 的整数，不是「{value}」")
        return value
    if isinstance(current, tuple):
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise ValidationError(f"设置 {name} 应为不空的文字的列表")
        return tuple(v.strip() for v in value)
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"设置 {name} 应为文字，不是「{value}」")
    return value.strip()


def with_overrides(overrides: dict[str, Any] | None) -> SelectionSettings:
    """The defaults with the named overrides (unknown names and bad values refused, every problem
    listed)."""
    return apply_overrides(SelectionSettings(), overrides, _change, code=errors.SETTINGS_INVALID)


# What the settings page shows, in this order (core.rulesettings).
LABELS: dict[str, Label] = {
    "recommend_ratio": Label("差额推荐比例（每个职位至少几名）", "县委办法：按 1∶3 比例差额推荐", unit="名"),
    "second_round_below": Label("需二轮推荐的最高得票率", "最高得票率低于此比例的，须进行二轮推荐"),
    "recommend_valid_months": Label("民主推荐结果有效期", "推荐结果一年内有效", unit="个月"),
    "inspect_ratio": Label("差额考察比例（每个职位至少几名）", "县委办法：按 1∶2 比例差额考察", unit="名"),
    "talks_share": Label("个别谈话覆盖面", "考察时个别谈话人数不少于单位人数的此比例"),
    "consult_level": Label(
        "须征求全委会意见的单位层级", "该层级单位的党政正职须征求全委会意见", choices=("乡镇", "县直部门")
    ),
    "consult_titles": Label("须征求全委会意见的职务", "职务名称含这些词（不含「副」职），用顿号分隔"),
    "consult_drop_share": Label(
        "征求意见不同意票比例（超过即不再提名）", "全委会委员超过半数不同意的，不再作为提名人选"
    ),
    "vote_quorum": Label(
        "常委会到会比例", "《党政领导干部选拔任用工作条例》：到会成员不少于应到会成员的三分之二"
    ),
    "vote_pass_share": Label("常委会票决通过比例（超过）", "同意票超过应到会成员半数的方为通过"),
    "publicity_working_days": Label("任前公示最少工作日", "按节假日和调休上班日计算", unit="个工作日"),
    "probation_months": Label("试用期", "非选任方式提拔的，试用期一年", unit="个月"),
    "probation_notice_days": Label("试用期满提前提醒天数", unit="天"),
}


# 《党政领导干部选拔任用工作条例》（2019）as ../shared/REFERENCE.md summarises it: a county may be
# stricter on its settings page, never looser (name → the least strict value, how a message says it).
STATUTORY: dict[str, tuple[Fraction | int, str]] = {
    "vote_quorum": (Fraction(2, 3), "三分之二"),
    "vote_pass_share": (Fraction(1, 2), "半数"),
    "publicity_working_days": (5, "5 个工作日"),
    "probation_months": (12, "12 个月"),
}


def county_limits(settings: SelectionSettings) -> list[str]:
    """What a county may not set: below the 条例, no 差额 (under two per post), a nominee kept although
    more than half of the members disagree, no talks. (A `--settings` file may try anything.)"""
    found = [
        f"「{LABELS[name].title}」不能低于《党政领导干部选拔任用工作条例》的规定（{words}）"
        for name, (least, words) in STATUTORY.items()
        if getattr(settings, name) < least
    ]
    found += [
        f"「{LABELS[name].title}」至少为 2 名（1 名即为等额）"
        for name in ("recommend_ratio", "inspect_ratio")
        if getattr(settings, name) < 2
    ]
    if settings.consult_drop_share > Fraction(1, 2):
        found.append(
            f"「{LABELS['consult_drop_share'].title}」不能高于半数（超过半数委员不同意的不再作为提名人选）"
        )
    if settings.talks_share == 0:
        found.append(f"「{LABELS['talks_share'].title}」应大于 0")
    return found
