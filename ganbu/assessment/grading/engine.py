"""The annual assessment of a unit's cadres (年度考核): quotas, eligibility, consequences. Pure, no
database: `grade_unit(inputs) -> output` is the contract of `manage.py assessment simulate-grades`
(README.md, "年度考核等次"), and the cycle's pages call the same function with what they read.

Order of the rules, for each participant's proposed grade (优秀 / 称职 / 基本称职 / 不称职 / 不定等次):

1. **Sanctions** in effect in the year cap the grade (settings.sanction_caps: 警告 → at most 称职;
   记过, 记大过, 降级, 撤职 → 不定等次). A proposal above the cap is refused (`SANCTION_CAP`) and the
   final grade is the cap.
2. **平时考核**: 优秀 needs 好 in more than half of the year's quarters (strictly: 2 of 4 is not
   enough) and no 一般 / 较差; otherwise refused (`QUARTERS_NOT_MET`), final 称职.
3. **民主测评**: 不称职 votes ≥ 30 % of the valid votes flags 不胜任现职 (`UNFIT_SHARE`); then 优秀 or
   称职 is refused without a recorded reason (`unfit_reason`), final 基本称职.
4. **Quota**: the 优秀 proposals still standing are ranked per pool by the 民主测评 优秀 share (highest
   first), then the number of 好 quarters, then the order of the inputs; the first `places` keep 优秀,
   the others are refused (`QUOTA_EXCEEDED`), final 称职.
5. **Consequences** are proposals for staff to confirm, never applied here: 优秀 → 嘉奖
   (`COMMENDATION`); the `merit_years`-th consecutive 优秀 → 记三等功 (`MERIT_THIRD_CLASS`); 基本称职 →
   `NO_PROMOTION`; 不称职 → `DEMOTION`, and after a 不称职 the year before → `DISMISSAL_PROPOSAL`; a
   leader of a unit that missed its annual targets this year and the year before →
   `TARGETS_MISSED_TWICE`.

Quota (quota.py): places = floor(participants × share), the share by the unit's 综合考核 grade, at
most the cap (raised with a recorded approval), per pool when leaders and staff are counted apart;
then the bonus of an outstanding unit from the county's 机动指标, added after the cap.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError

from ganbu.assessment.grading.quota import Quota, compute_quota
from ganbu.assessment.grading.settings import (
    GRADES,
    NOT_ASSESSED,
    QUARTER_GRADES,
    GradingSettings,
    with_overrides,
)
from ganbu.core.dates import months_after

RANK = {g: i for i, g in enumerate(("优秀", "称职", "基本称职", "不称职"))}


@dataclass
class _Person:
    index: int
    id: str
    name: str
    role: str  # leader | staff
    pool: str  # all | leaders | staff
    proposed: str
    quarters: list[str]
    ballot: dict[str, int]
    sanctions: list[tuple[str, date, date]]
    history: dict[int, str]
    targets_missed: dict[int, bool]
    unfit_reason: str
    joined: date | None = None
    absence_days: int = 0
    # the 民主测评's shares with the rater groups' weights applied (上级领导 30 …), as the ballot
    # engine computes them; when given they decide instead of the plain counts
    weighted: dict[str, Fraction] = field(default_factory=dict)
    final: str = ""
    refused: list[dict[str, str]] = field(default_factory=list)
    flags: list[dict[str, str]] = field(default_factory=list)
    proposals: list[dict[str, str]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.name or self.id

    @property
    def excellent_share(self) -> Fraction:
        return self.share("优秀") or Fraction(0)

    def share(self, option: str) -> Fraction | None:
        """The option's share of the valid votes: weighted by rater group when the weights are
        given, else counts over all groups; None without votes."""
        if self.weighted:
            return self.weighted.get(option, Fraction(0))
        valid = sum(self.ballot.values())
        return Fraction(self.ballot.get(option, 0), valid) if valid else None

    @property
    def good_quarters(self) -> int:
        return sum(q == "好" for q in self.quarters)


def _day(raw: Any, where: str) -> date:
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise ValidationError(f"{where}日期应为 YYYY-MM-DD，不是「{raw}」") from None


def _read(index: int, raw: Any, pools: str, problems: list[str]) -> _Person | None:
    where = f"第 {index} 名人员"
    if not isinstance(raw, dict):
        problems.append(f"{where}应为对象")
        return None
    pid, name = str(raw.get("id", "")).strip(), str(raw.get("name", "")).strip()
    if pid:
        where = f"人员 {pid}（{name}）" if name else f"人员 {pid}"
    else:
        problems.append(f"{where}缺少 id")
    role = str(raw.get("role", "staff"))
    if role not in ("leader", "staff"):
        problems.append(f"{where}：role 应为 leader 或 staff，不是「{role}」")
    proposed = str(raw.get("proposed", ""))
    if proposed not in GRADES:
        problems.append(f"{where}：拟定等次应为{'、'.join(GRADES)}之一，不是「{proposed}」")
    quarters = [str(q) for q in raw.get("quarters") or []]
    bad = [q for q in quarters if q not in QUARTER_GRADES]
    if bad or len(quarters) > 4:
        problems.append(f"{where}：平时考核等次应为{'、'.join(QUARTER_GRADES)}，每年至多 4 个季度")
    ballot: dict[str, int] = {}
    for option, n in (raw.get("ballot") or {}).items():
        if type(n) is not int or n < 0:
            problems.append(f"{where}：测评票数「{option}」应为不小于 0 的整数，不是「{n}」")
        else:
            ballot[str(option)] = n
    weighted: dict[str, Fraction] = {}
    for option, value in (raw.get("ballot_weighted") or {}).items():
        try:
            weighted[str(option)] = Fraction(str(value).strip())
        except (ValueError, ZeroDivisionError):
            weighted[str(option)] = Fraction(-1)
        if not 0 <= weighted[str(option)] <= 1:
            problems.append(f"{where}：加权测评比例「{option}」应为 0 到 1 之间的数，不是「{value}」")
    sanctions = []
    for s in raw.get("sanctions") or []:
        try:
            sanctions.append(
                (str(s["kind"]), _day(s["from"], where), _day(s.get("to") or "9999-12-31", where))
            )
        except (KeyError, TypeError):
            problems.append(f"{where}：处分应写明 kind、from（和 to）")
        except ValidationError as exc:
            problems.extend(exc.messages)
    history = {}
    for year, grade in (raw.get("history") or {}).items():
        if not str(year).isdigit() or grade not in GRADES:
            problems.append(f"{where}：历年等次「{year}：{grade}」无法识别")
        else:
            history[int(year)] = str(grade)
    missed = {int(y): bool(v) for y, v in (raw.get("unit_targets_missed") or {}).items() if str(y).isdigit()}
    joined: date | None = None
    if raw.get("joined"):
        try:
            joined = _day(raw["joined"], where)
        except ValidationError as exc:
            problems.extend(exc.messages)
    absence = raw.get("absence_days", 0)
    if type(absence) is not int or not 0 <= absence <= 366:
        problems.append(f"{where}：病、事假天数应为 0 到 366 的整数，不是「{absence}」")
        absence = 0
    person = _Person(
        index,
        pid,
        name,
        role,
        ("leaders" if role == "leader" else "staff") if pools == "leaders_staff" else "all",
        proposed,
        quarters,
        ballot,
        sanctions,
        history,
        missed,
        str(raw.get("unfit_reason") or "").strip(),
    )
    person.joined, person.absence_days, person.weighted = joined, absence, weighted
    return person


def _refuse(p: _Person, code: str, message: str, final: str) -> None:
    p.refused.append({"code": code, "message": message})
    p.final = final


def _eligibility(p: _Person, year: int, s: GradingSettings) -> None:
    p.final = p.proposed
    start, end = date(year, 1, 1), date(year, 12, 31)
    if p.absence_days >= s.absence_days:
        p.flags.append(
            {
                "code": "NOT_ASSESSED",
                "message": f"{p.label}病、事假累计 {p.absence_days} 天，超过考核年度半年，不进行考核",
            }
        )
        p.final = NOT_ASSESSED
        return
    if p.joined is not None and p.joined > months_after(end, -s.newcomer_months) + timedelta(days=1):
        p.flags.append(
            {
                "code": "NEWCOMER",
                "message": f"{p.label}{p.joined:%Y年%m月}参加工作，不满 {s.newcomer_months} 个月，年度考核不确定等次",
            }
        )
        p.final = "不定等次"
        return
    caps = [
        (kind, s.sanction_caps[kind])
        for kind, frm, to in p.sanctions
        if kind in s.sanction_caps and frm <= end and to >= start
    ]
    if caps:
        kind, cap = max(caps, key=lambda c: 99 if c[1] == "不定等次" else RANK[c[1]])
        if cap == "不定等次" and p.final != "不定等次":
            _refuse(
                p,
                "SANCTION_CAP",
                f"{p.label}{year}年内受{kind}处分，处分期间只写评语，不确定等次",
                "不定等次",
            )
            return
        if cap in RANK and p.final in RANK and RANK[p.final] < RANK[cap]:
            _refuse(p, "SANCTION_CAP", f"{p.label}{year}年受{kind}处分，当年不得确定为{p.final}等次", cap)
    if p.final == "优秀" and s.quarters_required:
        quarters = len(p.quarters)
        forbidden = [q for q in p.quarters if q in s.quarters_forbidden]
        if not quarters or Fraction(p.good_quarters, quarters) <= s.quarters_good_more_than or forbidden:
            detail = f"平时考核 {quarters} 个季度中「好」{p.good_quarters} 个" + (
                f"，有「{'、'.join(sorted(set(forbidden)))}」" if forbidden else ""
            )
            _refuse(
                p,
                "QUARTERS_NOT_MET",
                f"{p.label}：{detail}，不能确定为优秀（须「好」超过半数且无一般、较差）",
                "称职",
            )
    unfit_share = p.share("不称职")
    if unfit_share is not None and unfit_share >= s.unfit_share:
        valid = sum(p.ballot.values())
        share = f"加权比例 {_percent(unfit_share)}" if p.weighted else f" {p.ballot.get('不称职', 0)}/{valid}"
        p.flags.append(
            {
                "code": "UNFIT_SHARE",
                "message": f"{p.label}民主测评不称职票{share}，达到 {_percent(s.unfit_share)}，不胜任现职",
            }
        )
        if p.final in ("优秀", "称职") and not p.unfit_reason:
            _refuse(
                p, "UNFIT_SHARE", f"{p.label}民主测评不称职票{share}，确定为{p.final}须写明理由", "基本称职"
            )


def _percent(value: Fraction) -> str:
    number = value * 100
    return (
        f"{number.numerator // number.denominator}%" if number.denominator == 1 else f"{float(number):.1f}%"
    )


def _allocate(people: list[_Person], quota: Quota, s: GradingSettings) -> dict[str, int]:
    order = "按测评优秀票比例和平时考核排序" if s.quarters_required else "按测评优秀票比例排序"
    used: dict[str, int] = {}
    for pool, places in quota.total.items():
        standing = [p for p in people if p.final == "优秀" and p.pool == pool]
        standing.sort(key=lambda p: (-p.excellent_share, -p.good_quarters, p.index))
        for p in standing[places:]:
            _refuse(
                p,
                "QUOTA_EXCEEDED",
                f"{p.label}：{quota.pool_label(pool)}优秀名额 {places} 个已用完（本单位拟优秀 {len(standing)} 人），{order}未进入名额",
                "称职",
            )
        used[pool] = min(places, len(standing))
    return used


def _consequences(p: _Person, year: int, s: GradingSettings) -> None:
    if p.final == "优秀":
        p.proposals.append(
            {
                "code": "COMMENDATION",
                "message": f"{p.label}年度考核优秀，建议嘉奖（奖金 {s.commendation_amount} 元）",
            }
        )
        if all(p.history.get(year - k) == "优秀" for k in range(1, s.merit_years)):
            p.proposals.append(
                {
                    "code": "MERIT_THIRD_CLASS",
                    "message": f"{p.label}连续 {s.merit_years} 年考核优秀，建议记三等功（奖金 {s.merit_amount} 元）",
                }
            )
    elif p.final == "基本称职":
        p.proposals.append(
            {
                "code": "NO_PROMOTION",
                "message": f"{p.label}年度考核基本称职，本年度不得晋升职务职级，不享受年度考核奖金",
            }
        )
    elif p.final == "不称职":
        p.proposals.append(
            {"code": "DEMOTION", "message": f"{p.label}年度考核不称职，建议降低一个职务层次任职"}
        )
        if p.history.get(year - 1) == "不称职":
            p.proposals.append(
                {"code": "DISMISSAL_PROPOSAL", "message": f"{p.label}连续两年考核不称职，建议按规定辞退"}
            )
    if p.role == "leader" and p.targets_missed.get(year) and p.targets_missed.get(year - 1):
        p.proposals.append(
            {
                "code": "TARGETS_MISSED_TWICE",
                "message": f"{p.label}所在单位连续两年未完成年度目标，建议对领导班子成员提醒谈话或诫勉",
            }
        )


def grade_unit(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Apply the quota, the eligibility rules and the consequences to one unit's proposals; every
    problem of the inputs is raised at once (ValidationError), nothing is returned then."""
    if not isinstance(inputs, Mapping):
        raise ValidationError("输入应为 JSON 对象（含 year、unit、participants）")
    problems: list[str] = []
    year = inputs.get("year")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        problems.append(f"year 应为年份，不是「{year}」")
        year = 2000
    unit = inputs.get("unit") or {}
    pools = str(unit.get("pools", "single")) if isinstance(unit, Mapping) else "single"
    if pools not in ("single", "leaders_staff"):
        problems.append(f"unit.pools 应为 single 或 leaders_staff，不是「{pools}」")
    try:
        settings = with_overrides(inputs.get("settings"))
    except ValidationError as exc:
        problems.extend(exc.messages)
        settings = GradingSettings()
    raw_people = inputs.get("participants")
    if not isinstance(raw_people, list) or not raw_people:
        problems.append("participants 应为非空列表")
        raw_people = []
    people = [
        p for i, raw in enumerate(raw_people, start=1) if (p := _read(i, raw, pools, problems)) is not None
    ]
    ids = [p.id for p in people]
    dupes = sorted({i for i in ids if ids.count(i) > 1 and i})
    if dupes:
        problems.append(f"人员 id 重复：{'、'.join(dupes)}")
    if problems:
        raise ValidationError(problems)
    grade = unit.get("grade") if isinstance(unit, Mapping) else None
    quota = compute_quota(
        leaders=sum(p.role == "leader" for p in people) if pools == "leaders_staff" else 0,
        staff=sum(p.role != "leader" for p in people) if pools == "leaders_staff" else len(people),
        unit_grade=str(grade) if grade else None,
        pools=pools,
        approved=bool(unit.get("cap_approved")) if isinstance(unit, Mapping) else False,
        settings=settings,
    )
    for p in people:
        _eligibility(p, year, settings)
    used = _allocate(people, quota, settings)
    for p in people:
        _consequences(p, year, settings)
    return {
        "year": year,
        "quota": {**quota.as_dict(), "used": used},
        "participants": [
            {
                "id": p.id,
                "name": p.name,
                "proposed": p.proposed,
                "final": p.final,
                "refused": p.refused,
                "flags": p.flags,
                "proposals": p.proposals,
            }
            for p in people
        ],
    }
