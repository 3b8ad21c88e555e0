"""资格审查 - a candidate's conditions computed from the registry and shown beside the requirement
(《党政领导干部选拔任用工作条例》（2019）第八、九条 as ../shared/REFERENCE.md and issue 16 summarise
them). Pure: the facts come in (`Facts`, read from the registry by the services), the case's
requirements come in (`Requirements`, defaults below), and each condition comes out with the
required value, the candidate's value and whether it is met. A failed condition blocks the candidate
at 确定考察对象 unless an exception with its approval is recorded.

- 任职年限 at the level below: 副职 → 正职 at least 2 years as 副职 (`deputy_years`); 下级正职 → 上级
  副职 at least 3 years (`lower_head_years`); for 乡科级副职 the level below is 科员 (a county's choice,
  the same 3 years). A candidate already at the post's level or above meets it.
- 学历 not below the required group (研究生 > 大学 > 大专 > 中专及以下; ZB64 by its first digit).
- Age not above `max_age` on `age_on` (a whole-year age, `core.dates.age_on`).
- 工作年限, 党龄 in whole years at the check date (`add_years`: the anniversary counts).
- 年度考核: 称职 or better in each of the last `grade_years` years before the check year; a year
  with no grade fails (it cannot be shown).
- No sanction in effect on the check date; no open complaint (an entered flag until the
  supervision module exists).
- A party post (党委, 党组, 纪委 … in its title) needs a full member of the CPC (政治面貌 01, not 预备
  党员) of at least one year (《中国共产党章程》: a 预备党员 has no right to be elected; the county
  asks a year).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ganbu.core.dates import add_years, age_on

EDUCATION_RANK = {"研究生": 4, "大学": 3, "大专": 2, "中专及以下": 1}
PASSING_GRADES = ("1", "2")  # ZB18: 优秀, 称职
PARTY_MEMBER = "01"  # GB/T 4762 中共党员 (02 is 中共预备党员)
PARTY_TITLES = ("党委", "党组", "纪委", "党工委", "组织委员", "宣传委员", "统战委员")


def is_party_post(title: str) -> bool:
    return any(word in title for word in PARTY_TITLES)


GRADE_NAMES = {"1": "优秀", "2": "称职", "3": "基本称职", "4": "不称职", "5": "不定等次", "6A": "不进行考核"}
LEVEL_NAMES = {
    "1A31": "县处级正职",
    "1A32": "县处级副职",
    "1A41": "乡科级正职",
    "1A42": "乡科级副职",
    "1A50": "科员",
    "1A60": "办事员",
}
LEVEL_ORDER = ("1A31", "1A32", "1A41", "1A42", "1A50", "1A60")  # higher first


def education_group(code: str) -> str:
    """ZB64 by its first digit: 1 研究生, 2 大学, 3 大专, else 中专及以下 ("" when unknown)."""
    if not code:
        return ""
    return {"1": "研究生", "2": "大学", "3": "大专"}.get(code[0], "中专及以下")


@dataclass(frozen=True)
class Facts:
    birth: date
    work_started: date | None
    party_joined: date | None
    education: str  # ZB64 code of the highest 学历
    level: str  # ZB09 code of the current 职务层次
    level_since: date | None  # since when at that level
    grades: dict[int, str] = field(default_factory=dict)  # year → ZB18 code
    sanctions: tuple[tuple[str, date, date], ...] = ()  # (kind, from, to)
    complaint_open: bool = False
    political_status: str = PARTY_MEMBER


@dataclass(frozen=True)
class Requirements:
    education: str = "大专"  # the lowest group accepted ("" none)
    max_age: int | None = None
    age_on: date | None = None  # the cut-off date of the age (default: the check date)
    work_years: int = 2
    party_years: int = 0  # 0: no requirement
    grade_years: int = 3
    deputy_years: int = 2
    lower_head_years: int = 3
    party_member: bool = False  # a party post: a full member of at least a year

    def as_dict(self) -> dict[str, object]:
        return {
            "education": self.education,
            "max_age": self.max_age,
            "age_on": self.age_on.isoformat() if self.age_on else None,
            "work_years": self.work_years,
            "party_years": self.party_years,
            "grade_years": self.grade_years,
            "deputy_years": self.deputy_years,
            "lower_head_years": self.lower_head_years,
            "party_member": self.party_member,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object] | None) -> Requirements:
        data = data or {}
        base = cls()
        age_on_raw = data.get("age_on")
        max_age = data.get("max_age")
        return cls(
            education=str(data.get("education", base.education) or ""),
            max_age=int(str(max_age)) if max_age not in (None, "") else None,
            age_on=date.fromisoformat(str(age_on_raw)) if age_on_raw else None,
            work_years=int(str(data.get("work_years", base.work_years))),
            party_years=int(str(data.get("party_years", base.party_years))),
            grade_years=int(str(data.get("grade_years", base.grade_years))),
            deputy_years=int(str(data.get("deputy_years", base.deputy_years))),
            lower_head_years=int(str(data.get("lower_head_years", base.lower_head_years))),
            party_member=bool(data.get("party_member", base.party_member)),
        )


@dataclass(frozen=True)
class Condition:
    label: str
    required: str
    actual: str
    met: bool


def _years(since: date | None, on: date) -> int:
    """Whole years from `since` to `on` (the anniversary counts)."""
    if since is None or since > on:
        return 0
    return age_on(since, on)


def _lower(post_level: str, req: Requirements) -> tuple[tuple[str, ...], int] | None:
    """The levels one step below the post and the years needed there; None when the post's level
    is not one the rule knows."""
    if post_level not in LEVEL_ORDER:
        return None
    i = LEVEL_ORDER.index(post_level)
    if post_level.endswith("1"):  # 正职: from the 副职 of the same tier
        return (LEVEL_ORDER[i + 1],), req.deputy_years
    if i + 1 < len(LEVEL_ORDER):  # 副职: from the 正职 of the tier below (乡科级副职: 科员)
        return (LEVEL_ORDER[i + 1],), req.lower_head_years
    return None


def conditions(facts: Facts, req: Requirements, *, post_level: str, as_of: date) -> list[Condition]:
    """Every condition of the requirements, met or not, in the order a 资格审查表 lists them."""
    out: list[Condition] = []
    lower = _lower(post_level, req)
    if lower is not None and facts.level in LEVEL_ORDER:
        levels, years = lower
        rank, post_rank = LEVEL_ORDER.index(facts.level), LEVEL_ORDER.index(post_level)
        held = _years(facts.level_since, as_of)
        names = "、".join(LEVEL_NAMES[x] for x in levels)
        if rank <= post_rank:
            out.append(
                Condition("任职年限", f"任{names}满 {years} 年", f"已任{LEVEL_NAMES[facts.level]}", True)
            )
        else:
            out.append(
                Condition(
                    "任职年限",
                    f"任{names}满 {years} 年",
                    f"任{LEVEL_NAMES[facts.level]} {held} 年" if facts.level_since else "任职时间未录入",
                    facts.level in levels and held >= years,
                )
            )
    if req.education:
        group = education_group(facts.education)
        out.append(
            Condition(
                "学历",
                f"{req.education}以上",
                group or "未录入",
                bool(group) and EDUCATION_RANK[group] >= EDUCATION_RANK[req.education],
            )
        )
    if req.max_age is not None:
        cutoff = req.age_on or as_of
        age = age_on(facts.birth, cutoff)
        out.append(
            Condition(
                "年龄", f"{cutoff:%Y-%m-%d}不超过 {req.max_age} 周岁", f"{age} 周岁", age <= req.max_age
            )
        )
    if req.work_years:
        held = _years(facts.work_started, as_of)
        out.append(
            Condition(
                "工作年限",
                f"满 {req.work_years} 年",
                f"{held} 年" if facts.work_started else "参加工作时间未录入",
                facts.work_started is not None and add_years(facts.work_started, req.work_years) <= as_of,
            )
        )
    if req.party_member:
        full = facts.political_status == PARTY_MEMBER and facts.party_joined is not None
        out.append(
            Condition(
                "政治面貌",
                "中共正式党员满 1 年（党内职务）",
                f"入党 {_years(facts.party_joined, as_of)} 年" if full else "非中共正式党员",
                full and facts.party_joined is not None and add_years(facts.party_joined, 1) <= as_of,
            )
        )
    if req.party_years:
        out.append(
            Condition(
                "党龄",
                f"满 {req.party_years} 年",
                f"{_years(facts.party_joined, as_of)} 年"
                if facts.party_joined
                else "非中共党员或入党时间未录入",
                facts.party_joined is not None and add_years(facts.party_joined, req.party_years) <= as_of,
            )
        )
    if req.grade_years:
        recent = list(range(as_of.year - req.grade_years, as_of.year))
        shown = "，".join(f"{y}年{GRADE_NAMES.get(facts.grades.get(y, ''), '无')}" for y in recent)
        out.append(
            Condition(
                "年度考核",
                f"近 {req.grade_years} 年称职以上",
                shown,
                all(facts.grades.get(y) in PASSING_GRADES for y in recent),
            )
        )
    in_effect = [kind for kind, frm, to in facts.sanctions if frm <= as_of <= to]
    out.append(
        Condition(
            "处分",
            "无处分或处分期已满",
            "、".join(in_effect) + "处分期内" if in_effect else "无",
            not in_effect,
        )
    )
    out.append(
        Condition(
            "信访举报",
            "无未了结的反映",
            "有未了结的反映" if facts.complaint_open else "无",
            not facts.complaint_open,
        )
    )
    return out
