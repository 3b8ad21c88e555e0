"""The compliance check of a selection case (选拔任用合规检查). Pure: a parsed `Case`, the working-day
calendar, the settings and the day of the check in; the violations out. `check_output` is the JSON
contract of `manage.py selection check` (README.md, 「合规检查：selection check」); the stored cases'
pages will call the same functions.

Each rule is one function below, in the order of the procedure. The steps of a case:

  动议 → 民主推荐 → 确定考察对象 → （考察预告） → 考察 → 酝酿 / 征求意见 → 票决 → 任前公示 → 任职 → 试用期满

征求意见 (全委会) belongs to the 酝酿 phase: its result goes back into 酝酿 (seed 002), so the two may
come in either order. A step may appear more than once (rounds of 民主推荐, a second 酝酿); where a
rule reads one step, it reads the last of its kind. The methods 公开选拔 and 竞争上岗 replace 民主推荐 by
exams, so neither its presence nor its rules (ratio, second round, validity, 「两推」) apply; 选任
(elected posts) has no probation.

Who went on, who was appointed:
- the appointees are the names of the 任职 steps; a 任职 without a name stands for those who passed
  the last 票决 (when nobody passed, for every nominee of that 票决: someone was appointed and none
  had passed), without a 票决 for the chosen of the last 确定考察对象, else for every candidate;
- a candidate went on (past the nomination) when named in a 征求意见 or a 票决, or appointed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from ganbu.core.calendar import WorkCalendar
from ganbu.core.dates import months_after
from ganbu.core.numbers import format_tenths, percent_tenths
from ganbu.core.rulesettings import share_text
from ganbu.selection.rules.case import (
    THREE_POINTS,
    Appointment,
    Case,
    Consultation,
    Inspection,
    ProbationEnd,
    Publicity,
    Recommendation,
    Shortlist,
    Step,
    Vote,
)
from ganbu.selection.rules.settings import SelectionSettings
from ganbu.selection.rules.violations import Violation

# The phase of each step: a step may not be listed after, nor dated before, a step of a later phase.
PHASE = {
    "动议": 0,
    "民主推荐": 1,
    "确定考察对象": 2,
    "考察预告": 3,
    "考察": 4,
    "酝酿": 5,
    "征求意见": 5,
    "票决": 6,
    "任前公示": 7,
    "任职": 8,
    "试用期满": 9,
}
# The steps each step needs before it (transitively); 征求意见 is required by its own rule.
NEEDS = {
    "民主推荐": ("动议",),
    "确定考察对象": ("民主推荐",),
    "考察预告": ("确定考察对象",),
    "考察": ("确定考察对象",),
    "酝酿": ("考察",),
    "征求意见": ("考察",),
    "票决": ("考察", "酝酿"),
    "任前公示": ("票决",),
    "任职": ("任前公示",),
    "试用期满": ("任职",),
}
_EXAM_NEEDS = {**NEEDS, "确定考察对象": ("动议",)}  # 公开选拔, 竞争上岗: exams instead of 民主推荐


@dataclass(frozen=True)
class _Facts:
    """What several rules need: who was appointed (and by which 任职), who went on."""

    case: Case
    appointed: dict[str, Appointment]
    went_on: set[str]

    @classmethod
    def of(cls, case: Case, settings: SelectionSettings) -> _Facts:
        appointed: dict[str, Appointment] = {}
        for step in case.of(Appointment):
            for name in [step.name] if step.name else _unnamed_appointees(case, settings):
                appointed.setdefault(name, step)
        went_on = set(appointed)
        for consultation in case.of(Consultation):
            went_on.update(consultation.disagree)
        for v in case.of(Vote):
            went_on.update(v.agree)
        return cls(case, appointed, went_on)


def _unnamed_appointees(case: Case, settings: SelectionSettings) -> list[str]:
    """Whom a 任职 without a name appointed: those who passed the last 票决, else (nobody passed)
    all its nominees; without a 票决 the chosen of the last 确定考察对象, else every candidate."""
    vote, shortlist = case.last(Vote), case.last(Shortlist)
    if vote is not None and vote.agree:
        return [n for n in vote.agree if _passed(vote, n, settings)] or list(vote.agree)
    if shortlist is not None and shortlist.chosen:
        return list(shortlist.chosen)
    return [c.name for c in case.candidates]


def _passed(vote: Vote, name: str, settings: SelectionSettings) -> bool:
    """同意 votes more than `vote_pass_share` of the members who should attend (应到)."""
    return vote.agree.get(name, 0) > settings.vote_pass_share * vote.expected


def _at_least(share: Fraction, total: int) -> int:
    """The smallest whole number not below share × total."""
    return math.ceil(share * total)


def _v(code: str, step: Step | None, message: str, candidate: str = "") -> Violation:
    return Violation(
        code=code,
        step=step.kind if step else "",
        candidate=candidate,
        message=message,
        index=step.index if step else -1,
    )


Rule = Callable[[_Facts, SelectionSettings, WorkCalendar, date], list[Violation]]


def step_order(f: _Facts, s: SelectionSettings, calendar: WorkCalendar, as_of: date) -> list[Violation]:
    """STEP_ORDER: a step listed after one of a later phase, dated before a step of an earlier
    phase, or a step missing that a later step needs."""
    found: list[Violation] = []
    steps = f.case.steps
    latest: Step | None = None
    for step in steps:
        if latest is not None and PHASE[step.kind] < PHASE[latest.kind]:
            found.append(_v("STEP_ORDER", step, f"「{step.kind}」排在「{latest.kind}」之后，顺序不对"))
        elif latest is None or PHASE[step.kind] > PHASE[latest.kind]:
            latest = step
    for step in steps:
        earlier = next((t for t in steps if PHASE[t.kind] < PHASE[step.kind] and t.date > step.date), None)
        if earlier is not None:
            found.append(_v("STEP_ORDER", step, f"{step.label}早于{earlier.label}"))
    needs = NEEDS if f.case.uses_recommendation else _EXAM_NEEDS
    present = {step.kind for step in steps}
    reported: set[str] = set()
    for step in steps:
        todo, required = list(needs.get(step.kind, ())), []
        while todo:
            kind = todo.pop(0)
            if kind not in required:
                required.append(kind)
                todo.extend(needs.get(kind, ()))
        for kind in sorted(required, key=PHASE.__getitem__):
            if kind not in present and kind not in reported:
                reported.add(kind)
                found.append(_v("STEP_ORDER", step, f"「{step.kind}」之前缺少「{kind}」步骤"))
    return found


def recommend_ratio(f: _Facts, s: SelectionSettings, calendar: WorkCalendar, as_of: date) -> list[Violation]:
    """RECOMMEND_RATIO: each round's list has fewer than recommend_ratio × posts names."""
    if not f.case.uses_recommendation:
        return []
    need = s.recommend_ratio * f.case.posts
    return [
        _v(
            "RECOMMEND_RATIO",
            r,
            f"民主推荐（第 {r.round} 轮）名单 {len(r.listed)} 人，职位 {f.case.posts} 个，"
            f"达不到每个职位 {s.recommend_ratio} 人的差额推荐比例（应至少 {need} 人）",
        )
        for r in f.case.of(Recommendation)
        if len(r.listed) < need
    ]


def second_round(f: _Facts, s: SelectionSettings, calendar: WorkCalendar, as_of: date) -> list[Violation]:
    """SECOND_ROUND_REQUIRED: in the last round the top vote share of the valid ballots is under
    second_round_below (there is no later round, by definition of the last)."""
    r = f.case.last(Recommendation)
    if not f.case.uses_recommendation or r is None:
        return []
    top = max(r.votes.values(), default=0)
    if Fraction(top, r.valid_ballots) >= s.second_round_below:
        return []
    share = format_tenths(percent_tenths(top, r.valid_ballots))
    return [
        _v(
            "SECOND_ROUND_REQUIRED",
            r,
            f"民主推荐（第 {r.round} 轮）最高得票 {top} 票，占有效票 {r.valid_ballots} 张的 {share}%，"
            f"低于 {share_text(s.second_round_below)}，应进行第二轮推荐",
        )
    ]


def recommend_expired(
    f: _Facts, s: SelectionSettings, calendar: WorkCalendar, as_of: date
) -> list[Violation]:
    """RECOMMEND_EXPIRED: the decision (the last 票决, else the first 任职) more than
    recommend_valid_months after the 民主推荐 it used (the last one not after it)."""
    decision: Step | None = f.case.last(Vote) or next(iter(f.case.of(Appointment)), None)
    if not f.case.uses_recommendation or decision is None:
        return []
    used = [r for r in f.case.of(Recommendation) if r.date <= decision.date]
    if not used:
        return []
    valid_until = months_after(used[-1].date, s.recommend_valid_months)
    if decision.date <= valid_until:
        return []
    return [
        _v(
            "RECOMMEND_EXPIRED",
            decision,
            f"{decision.label}距所用{used[-1].label}已超过 {s.recommend_valid_months} 个月"
            f"（有效至 {valid_until.isoformat()}），推荐结果已失效",
        )
    ]


def inspect_ratio(f: _Facts, s: SelectionSettings, calendar: WorkCalendar, as_of: date) -> list[Violation]:
    """INSPECT_RATIO: the last 确定考察对象 chose fewer than inspect_ratio × posts."""
    c = f.case.last(Shortlist)
    need = s.inspect_ratio * f.case.posts
    if c is None or len(c.chosen) >= need:
        return []
    return [
        _v(
            "INSPECT_RATIO",
            c,
            f"考察对象 {len(c.chosen)} 人，职位 {f.case.posts} 个，"
            f"达不到每个职位 {s.inspect_ratio} 人的差额考察比例（应至少 {need} 人）",
        )
    ]


def leaders_of(votes: Mapping[str, int], places: int) -> dict[str, int]:
    """The leaders of a recommendation and their rank (1 = most votes): those ranked within
    `places`, a tie at the last place included (「两推」: the 考察对象 must be among the leaders of
    the year-end recommendation; the places are the 差额推荐 list of the case, posts × ratio).
    Nobody with no vote leads."""
    ranked = sorted(((n, v) for n, v in votes.items() if v > 0), key=lambda item: -item[1])
    ranks = {name: 1 + sum(1 for _, other in ranked if other > count) for name, count in ranked}
    return {name: rank for name, rank in ranks.items() if rank <= places}


def two_recommendations(
    f: _Facts, s: SelectionSettings, calendar: WorkCalendar, as_of: date
) -> list[Violation]:
    """TWO_RECOMMENDATIONS_DISAGREE: a 考察对象 whose 「两推」 results do not agree (or are not
    recorded) — seed 002: 「"两推"结果一致的作为考察对象」."""
    c = f.case.last(Shortlist)
    if not f.case.uses_recommendation or c is None:
        return []
    found = []
    for name in c.chosen:
        agreed = c.two_agree.get(name)
        if agreed is None:
            found.append(_v("TWO_RECOMMENDATIONS_DISAGREE", c, f"{name}未记录「两推」结果", name))
        elif not agreed:
            found.append(
                _v("TWO_RECOMMENDATIONS_DISAGREE", c, f"{name}「两推」结果不一致，却确定为考察对象", name)
            )
    return found


def three_points(f: _Facts, s: SelectionSettings, calendar: WorkCalendar, as_of: date) -> list[Violation]:
    """THREE_POINTS_DISAGREE: a 考察对象 who went on although the masses, the unit's party organisation
    or the supervising leader did not agree (or was not heard) — seed 000: 否则暂缓提名."""
    c = f.case.last(Shortlist)
    if c is None or not f.case.uses_recommendation:  # 公开选拔, 竞争上岗: the exams decide
        return []
    found = []
    for name in c.chosen:
        if name not in f.went_on:
            continue
        opinions = c.three_points.get(name)
        if opinions is None:
            found.append(_v("THREE_POINTS_DISAGREE", c, f"{name}未记录「三点一线」意见，却继续提名", name))
            continue
        against = [label for key, label in THREE_POINTS.items() if not opinions[key]]
        if against:
            found.append(
                _v(
                    "THREE_POINTS_DISAGREE",
                    c,
                    f"{name}的「三点一线」意见不一致（{'、'.join(against)}不同意），应暂缓提名，却继续提名",
                    name,
                )
            )
    return found


def talks(f: _Facts, s: SelectionSettings, calendar: WorkCalendar, as_of: date) -> list[Violation]:
    """TALKS_BELOW_HALF: the last 考察's individual talks cover less than talks_share of the staff."""
    i = f.case.last(Inspection)
    if i is None or i.talks >= s.talks_share * i.unit_staff:
        return []
    return [
        _v(
            "TALKS_BELOW_HALF",
            i,
            f"考察个别谈话 {i.talks} 人，单位 {i.unit_staff} 人，不足 {share_text(s.talks_share)}"
            f"（应至少 {_at_least(s.talks_share, i.unit_staff)} 人）",
        )
    ]


def consult_missing(f: _Facts, s: SelectionSettings, calendar: WorkCalendar, as_of: date) -> list[Violation]:
    """CONSULT_MISSING: a post of 乡镇党政正职 reached 票决 or 任职 without a 征求意见."""
    post = f.case.post
    if f.case.of(Consultation) or not s.needs_consultation(level=post.level, title=post.title):
        return []
    decision = next((t for t in f.case.steps if t.kind in ("票决", "任职")), None)
    if decision is None:
        return []
    return [
        _v(
            "CONSULT_MISSING",
            decision,
            f"{post.unit}{post.title}属{s.consult_level}党政正职，{decision.kind}前应征求全委会成员意见，未见记录",
        )
    ]


def consult_dropped(f: _Facts, s: SelectionSettings, calendar: WorkCalendar, as_of: date) -> list[Violation]:
    """CONSULT_DROPPED: more than consult_drop_share of the members disagreed, yet the nominee went on
    to a later 票决 or was appointed (seed 002: 「不再作为提名人选」)."""
    k = f.case.last(Consultation)
    if k is None:
        return []
    later = set(f.appointed)
    for v in f.case.of(Vote):
        if v.index > k.index:
            later.update(v.agree)
    return [
        _v(
            "CONSULT_DROPPED",
            k,
            f"{name}征求意见不同意 {n} 票，超过参加人数 {k.base} 的 {share_text(s.consult_drop_share)}，"
            "应不再作为提名人选，却继续票决或任职",
            name,
        )
        for name, n in k.disagree.items()
        if n > s.consult_drop_share * k.base and name in later
    ]


def vote_quorum(f: _Facts, s: SelectionSettings, calendar: WorkCalendar, as_of: date) -> list[Violation]:
    """VOTE_NO_QUORUM: fewer than vote_quorum of the members who should attend were present."""
    v = f.case.last(Vote)
    if v is None or v.present >= s.vote_quorum * v.expected:
        return []
    return [
        _v(
            "VOTE_NO_QUORUM",
            v,
            f"票决应到 {v.expected} 人，实到 {v.present} 人，不足 {share_text(s.vote_quorum)}"
            f"（应至少 {_at_least(s.vote_quorum, v.expected)} 人），不能进行表决",
        )
    ]


def vote_not_passed(f: _Facts, s: SelectionSettings, calendar: WorkCalendar, as_of: date) -> list[Violation]:
    """VOTE_NOT_PASSED: an appointee whose 同意 votes in the last 票决 are not more than
    vote_pass_share of the members who should attend (应到, not 实到)."""
    v = f.case.last(Vote)
    if v is None:
        return []
    found = []
    for name, step in f.appointed.items():
        if _passed(v, name, s):
            continue
        agree = v.agree.get(name)
        what = f"同意 {agree} 票" if agree is not None else "未列入票决"
        found.append(
            _v(
                "VOTE_NOT_PASSED",
                step,
                f"{name}{what}，未超过应到 {v.expected} 人的 {share_text(s.vote_pass_share)}，票决未通过，却已任职",
                name,
            )
        )
    return found


def publicity_length(f: _Facts, s: SelectionSettings, calendar: WorkCalendar, as_of: date) -> list[Violation]:
    """PUBLICITY_TOO_SHORT: the last 任前公示 has fewer than publicity_working_days working days in
    [start, end] (holidays and make-up workdays by the calendar)."""
    p = f.case.last(Publicity)
    if p is None:
        return []
    days = calendar.working_days_between(p.start, p.end)
    if days >= s.publicity_working_days:
        return []
    return [
        _v(
            "PUBLICITY_TOO_SHORT",
            p,
            f"任前公示（{p.start.isoformat()} 至 {p.end.isoformat()}）仅 {days} 个工作日，"
            f"少于 {s.publicity_working_days} 个",
        )
    ]


def appointed_early(f: _Facts, s: SelectionSettings, calendar: WorkCalendar, as_of: date) -> list[Violation]:
    """APPOINTED_BEFORE_PUBLICITY_END: a 任职 dated on or before the end of the last 任前公示."""
    p = f.case.last(Publicity)
    if p is None:
        return []
    return [
        _v(
            "APPOINTED_BEFORE_PUBLICITY_END",
            a,
            f"{a.label}不晚于任前公示结束日 {p.end.isoformat()}，应在公示期满后任职",
            a.name,
        )
        for a in f.case.of(Appointment)
        if a.date <= p.end
    ]


def complaints(f: _Facts, s: SelectionSettings, calendar: WorkCalendar, as_of: date) -> list[Violation]:
    """COMPLAINT_UNRESOLVED: a complaint received by the first 任职 without a finding."""
    appointments = f.case.of(Appointment)
    if not appointments:
        return []
    first = min(appointments, key=lambda a: a.date)
    return [
        _v(
            "COMPLAINT_UNRESOLVED",
            p,
            f"任前公示期间 {c.received.isoformat()} 收到的反映尚无核查结论，却于 {first.date.isoformat()} 任职",
            c.name,
        )
        for p in f.case.of(Publicity)
        for c in p.complaints
        if not c.finding and c.received <= first.date
    ]


def probation_end(appointment: Appointment, settings: SelectionSettings) -> date:
    """The last day of the probation: the same day `probation_months` later (the start day not
    counted, the corresponding day is the last one)."""
    return months_after(appointment.date, settings.probation_months)


def _probation_steps(f: _Facts, name: str) -> list[ProbationEnd]:
    return [p for p in f.case.of(ProbationEnd) if p.name in ("", name)]


def probation(f: _Facts, s: SelectionSettings, calendar: WorkCalendar, as_of: date) -> list[Violation]:
    """PROBATION_NOT_ASSESSED: a 试用期满 without a result, or a probation over before `as_of` with
    no 试用期满 step (not for 选任, nor for a lateral move). PROBATION_EARLY: a 试用期满 dated more
    than `probation_notice_days` before the probation's last day (the assessment is held as the
    year ends, in the window the notice opens)."""
    if not f.case.has_probation:
        return []
    found = []
    for name, appointment in f.appointed.items():
        ends = probation_end(appointment, s)
        done = _probation_steps(f, name)
        if done and done[-1].date < ends - timedelta(days=s.probation_notice_days):
            found.append(
                _v(
                    "PROBATION_EARLY",
                    done[-1],
                    f"{name}的试用期至 {ends.isoformat()} 期满，试用期满考核（{done[-1].date.isoformat()}）"
                    f"早于期满前 {s.probation_notice_days} 天",
                    name,
                )
            )
        if done and not done[-1].result:
            found.append(_v("PROBATION_NOT_ASSESSED", done[-1], f"{name}试用期满，未记录考核结果", name))
        elif not done and ends < as_of:
            found.append(
                _v(
                    "PROBATION_NOT_ASSESSED",
                    appointment,
                    f"{name}的 {s.probation_months} 个月试用期已于 {ends.isoformat()} 期满，"
                    f"至 {as_of.isoformat()} 未见试用期满考核",
                    name,
                )
            )
    return found


RULES: tuple[Rule, ...] = (
    step_order,
    recommend_ratio,
    second_round,
    recommend_expired,
    inspect_ratio,
    two_recommendations,
    three_points,
    talks,
    consult_missing,
    consult_dropped,
    vote_quorum,
    vote_not_passed,
    publicity_length,
    appointed_early,
    complaints,
    probation,
)


def check_case(
    case: Case, *, calendar: WorkCalendar, settings: SelectionSettings, as_of: date
) -> list[Violation]:
    """Every violation of the case, in the order of its steps (then of the rules); those the case
    excuses with a recorded reason (`Case.reasons`, EXCUSABLE codes only) carry it in `reason`."""
    facts = _Facts.of(case, settings)
    found = [v for rule in RULES for v in rule(facts, settings, calendar, as_of)]
    found = [replace(v, reason=case.reasons[v.code]) if v.code in case.reasons else v for v in found]
    return sorted(found, key=lambda v: v.index)  # stable: the rules' order within a step


def notices(
    case: Case, *, calendar: WorkCalendar, settings: SelectionSettings, as_of: date
) -> list[Violation]:
    """Not violations: a probation ending within probation_notice_days of `as_of` with no 试用期满
    yet (PROBATION_DUE), and years whose holidays the calendar does not know (CALENDAR_GUESSED:
    working days counted Monday to Friday). Call after `check_case`, which counts the days."""
    facts = _Facts.of(case, settings)
    found = []
    if case.has_probation:
        for name, appointment in facts.appointed.items():
            ends = probation_end(appointment, settings)
            if (
                not _probation_steps(facts, name)
                and 0 <= (ends - as_of).days <= settings.probation_notice_days
            ):
                found.append(
                    _v(
                        "PROBATION_DUE",
                        appointment,
                        f"{name}的试用期将于 {ends.isoformat()} 期满，请安排试用期满考核",
                        name,
                    )
                )
    if calendar.guessed_years:
        found.append(Violation("CALENDAR_GUESSED", "", "", calendar.warning()))
    return found


def check_output(
    case: Case, *, calendar: WorkCalendar, settings: SelectionSettings, as_of: date
) -> dict[str, Any]:
    """The output of `selection check`: {"violations": [...], "excused": [...], "notices": [...]},
    each entry {"code", "step", "candidate", "message"} (the excused ones with their "reason")."""
    found = check_case(case, calendar=calendar, settings=settings, as_of=as_of)
    return {
        "violations": [v.as_dict() for v in found if not v.reason],
        "excused": [v.as_dict() for v in found if v.reason],
        "notices": [n.as_dict() for n in notices(case, calendar=calendar, settings=settings, as_of=as_of)],
    }
