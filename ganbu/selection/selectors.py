"""Reads of 选拔任用 - the cases a user may see, a case as the compliance check reads it (the JSON of
`selection check`, README.md), the check of stored cases, probations ending soon, and the cases a
cadre was in (一人一档)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from ganbu.ballots import selectors as ballot_selectors
from ganbu.core.calendar import WorkCalendar
from ganbu.org.models import User
from ganbu.org.permissions import has_capability
from ganbu.org.scoping import units_in_scope
from ganbu.selection.conf import selection_settings
from ganbu.selection.models import BallotPurpose, Candidate, Case, CaseBallot, CaseStatus, Step, StepKind
from ganbu.selection.rules import SelectionSettings, Violation, check_case, leaders_of, notices, parse_case

__all__ = [
    "cadre_conditions",
    "candidate_conditions",
    "case_for_user",
    "case_input",
    "case_input_with",
    "case_requirements",
    "case_violations",
    "cases_for",
    "cases_of_cadre",
    "cases_of_year",
    "probations_ending",
    "sees_all_cases",
    "step_summary",
]

# steps kept in the timeline that the compliance check does not read
UNCHECKED = (StepKind.NOTICE, StepKind.WRITTEN, StepKind.INTERVIEW)


def sees_all_cases(user: User) -> bool:
    """An administrator and 干部监督 (`selection.view` without `selection.manage`: read-only) see every
    case in their scope; a 组织部 account (`selection.manage`) sees the cases it created or handles."""
    return user.is_superuser or not has_capability(user, "selection.manage")


def cases_for(user: User) -> QuerySet[Case]:
    if not has_capability(user, "selection.view"):
        return Case.objects.none()
    found = Case.objects.filter(unit__in=units_in_scope(user)).select_related("unit", "post")
    if not sees_all_cases(user):
        found = found.filter(Q(handlers=user) | Q(created_by=user)).distinct()
    return found


def cases_of_year(user: User, year: int) -> QuerySet[Case]:
    """The cases whose 动议 falls in `year` (the county's yearly 选人用人 check)."""
    return cases_for(user).filter(steps__kind=StepKind.MOTION, steps__day__year=year).distinct()


def case_for_user(user: User, pk: int) -> Case:
    return get_object_or_404(cases_for(user), pk=pk)


def _figures(step: Step) -> dict[str, Any]:
    keep = {k: v for k, v in (step.figures or {}).items() if k not in ("excused", "rating", "extra")}
    return {"step": step.kind, "date": step.day.isoformat(), **keep}


def case_input(case: Case) -> dict[str, Any]:
    """The case in the compliance check's input shape, from its stored rows."""
    return case_input_with(case, None)[0]


def case_input_with(case: Case, extra: Step | None) -> tuple[dict[str, Any], int]:
    """The case's input with `extra`, a step not saved yet (to check it before recording it), and
    the position of `extra` among the input's steps (-1 without it)."""
    steps = [s for s in case.steps.all() if s.kind not in UNCHECKED]
    if extra is not None and extra.kind not in UNCHECKED:
        steps.append(extra)
    steps.sort(key=lambda s: (s.day, s.pk or 10**9))
    complaints = [
        {
            "received": c.received_on.isoformat(),
            "finding": c.finding,
            **({"name": c.candidate.name} if c.candidate_id and c.candidate else {}),
        }
        for c in case.complaints.select_related("candidate")
    ]
    rows = []
    for s in steps:
        row = _figures(s)
        if s.kind == StepKind.PUBLICITY:
            row["complaints"] = complaints
        rows.append(row)
    reasons: dict[str, str] = {}
    for s in steps:
        for code in (s.figures or {}).get("excused", []):
            reasons[code] = s.reason
    index = next((i for i, st in enumerate(steps) if st is extra), -1)
    return {
        "post": {"unit": case.unit.name, "title": case.post.name, "level": _level(case)},
        "posts": case.seats,
        "method": case.method,
        "candidates": [
            {"name": c.name, "id_number": _id_number(c)} for c in case.candidates.select_related("cadre")
        ],
        "steps": rows,
        **({"reasons": reasons} if reasons else {}),
    }, index


def _level(case: Case) -> str:
    return "乡镇" if case.unit.kind in ("town", "township") else str(case.unit.get_kind_display())


def _id_number(candidate: Candidate) -> str:
    """The registry's 身份证号, or a stand-in that tells people apart (the check only compares)."""
    if candidate.cadre is not None and candidate.cadre.id_number:
        return str(candidate.cadre.id_number)
    return f"人选{candidate.pk}"


def case_violations(
    case: Case, *, calendar: WorkCalendar, as_of: date, settings: SelectionSettings | None = None
) -> tuple[list[Violation], list[Violation]]:
    """(violations, notices) of a stored case; the excused ones carry their reason."""
    parsed = parse_case(case_input(case))
    settings = settings or selection_settings()
    found = check_case(parsed, calendar=calendar, settings=settings, as_of=as_of)
    return found, notices(parsed, calendar=calendar, settings=settings, as_of=as_of)


def probations_ending(user: User, *, today: date, days: int = 60) -> list[tuple[Case, Candidate, date]]:
    """Appointees whose one-year 试用期 ends within `days` (or has ended) with no 试用期满 recorded."""
    from ganbu.core.dates import add_years

    out = []
    for case in cases_for(user).filter(status=CaseStatus.OPEN).exclude(method="选任"):
        appointed = next((s for s in case.steps.all() if s.kind == StepKind.APPOINT), None)
        if appointed is None or case.steps.filter(kind=StepKind.PROBATION).exists():
            continue
        ends = add_years(appointed.day, 1)
        if (ends - today).days <= days:
            for candidate in case.candidates.filter(status="appointed"):
                out.append((case, candidate, ends))
    return sorted(out, key=lambda r: r[2])


def cases_of_cadre(user: User, cadre_id: int) -> list[tuple[Case, Candidate]]:
    """一人一档 - the cases the cadre was a candidate in, that the user may see."""
    rows = Candidate.objects.filter(cadre_id=cadre_id, case__in=cases_for(user)).select_related(
        "case__unit", "case__post"
    )
    return [(c.case, c) for c in rows.order_by("-case__created_at")]


def _pct(n: int, total: int) -> str:
    from ganbu.core.numbers import format_hundredths, percent_hundredths

    return f"{format_hundredths(percent_hundredths(n, total))}%" if total else "—"


def _by_count(counts: dict[str, int] | None, *, most_first: bool = False) -> list[tuple[str, int]]:
    """A figure's counts by name in a fixed order (PostgreSQL's jsonb keeps no key order): by the
    count, then the name's strokes."""
    from ganbu.core.strokes import name_sort_key

    sign = -1 if most_first else 1
    return sorted((counts or {}).items(), key=lambda kv: (sign * kv[1], name_sort_key(kv[0])))


def _day(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def step_summary(step: Step) -> str:
    """The step's figures in words, as the timeline and the 纪实表 print them."""
    f = step.figures or {}
    kind = step.kind
    if kind == StepKind.RECOMMEND:
        valid = int(f.get("valid_ballots") or 0)
        votes = sorted((f.get("votes") or {}).items(), key=lambda kv: -kv[1])
        listed = "、".join(f"{name} {n} 票（{_pct(n, valid)}）" for name, n in votes)
        return (
            f"第 {f.get('round', 1)} 轮，推荐名单 {len(f.get('listed', []))} 人，有效票 {valid} 张：{listed}"
        )
    if kind in (StepKind.WRITTEN, StepKind.INTERVIEW):
        label = "综合成绩" if kind == StepKind.INTERVIEW else "笔试成绩"
        rows = "、".join(
            f"{name} {score}（第 {place} 名{'' if on else '，未进入下一环节'}）"
            for name, score, place, on in f.get("ranking", [])
        )
        weight = f"笔试占 {f['weight']}%，面试占 {100 - int(f['weight'])}%；" if "weight" in f else ""
        tie = f"；{f['tie']}" if f.get("tie") else ""
        return f"{weight}按职位数的 {f.get('ratio', '')} 倍进入下一环节，{label}：{rows}{tie}"
    if kind == StepKind.SHORTLIST:
        return f"考察对象：{'、'.join(f.get('chosen', [])) or '—'}"
    if kind == StepKind.INSPECT:
        staff, talks = int(f.get("unit_staff") or 0), int(f.get("talks") or 0)
        extra = f.get("extra") or {}
        words = f"单位干部职工 {staff} 人，个别谈话 {talks} 人（{_pct(talks, staff)}）"
        if extra.get("discipline"):
            words += f"；征求纪检监察机关意见：{extra['discipline']}"
        if extra.get("file_review"):
            words += f"；档案审核：{extra['file_review']}"
        for name, facts in (extra.get("files") or {}).items():
            differ = [
                f"{x['label']}档案为 {x['verified']}，系统为 {x['registry'] or '未录入'}"
                for x in facts.values()
                if "same" in x and not x["same"]
            ]
            if differ:
                words += f"；{name}：{'，'.join(differ)}"
        return words
    if kind == StepKind.CONSULT:
        base = int(f.get("base") or 0)
        parts = "、".join(f"{name}不同意 {n} 票" for name, n in _by_count(f.get("disagree")))
        present = (f.get("extra") or {}).get("present")
        return f"全委会成员应到 {base} 人" + (f"，实到 {present} 人" if present else "") + f"：{parts}"
    if kind == StepKind.VOTE:
        parts = "、".join(f"{name}同意 {n} 票" for name, n in _by_count(f.get("agree"), most_first=True))
        return f"应到 {f.get('expected', 0)} 人，实到 {f.get('present', 0)} 人：{parts}"
    if kind == StepKind.PUBLICITY and f.get("start"):
        start, end = date.fromisoformat(f["start"]), date.fromisoformat(f["end"])
        return f"公示期 {_day(start)}至{_day(end)}"
    if kind == StepKind.APPOINT:
        relieved = "、".join((f.get("extra") or {}).get("relieved", {}).values())
        post = f"{step.case.unit.name}{step.case.post.name}" if step.case.post_id else "该"
        return f"任职文号：{f.get('doc_no', '')}" + (f"；同时免去{relieved}的{post}职务" if relieved else "")
    if kind == StepKind.PROBATION:
        return f"试用期满考核：{f.get('result', '')}"
    return ""


def candidate_conditions(case: Case, *, as_of: date) -> dict[int, list[Any]]:
    """资格审查 - candidate id → the conditions (`rules.eligibility.Condition`) computed from the
    registry beside the case's requirements; candidates not in the registry have none to show."""
    people = [c for c in case.candidates.select_related("cadre") if c.cadre is not None]
    found = cadre_conditions(
        [c.cadre for c in people if c.cadre is not None],
        requirements=case_requirements(case),
        post_level=case.post.level,
        as_of=as_of,
        complaint_open={c.cadre_id: c.complaint_open for c in people if c.cadre_id is not None},
    )
    return {c.pk: found[c.cadre_id] for c in people if c.cadre_id is not None}


def case_requirements(case: Case) -> Any:
    """The case's requirements: the stored ones over the defaults; a party post needs a member."""
    from dataclasses import replace

    from ganbu.selection.rules.eligibility import Requirements, is_party_post

    req = Requirements.from_dict(case.requirements)
    if "party_member" not in (case.requirements or {}) and is_party_post(case.post.name):
        req = replace(req, party_member=True)
    return req


def cadre_conditions(
    cadres: list[Any],
    *,
    requirements: Any,
    post_level: str,
    as_of: date,
    complaint_open: dict[int, bool] | None = None,
) -> dict[int, list[Any]]:
    """cadre id → the conditions of `requirements` (rules/eligibility.py) from the registry's facts:
    the 职务层次 and since when, 学历, birth, work and party dates, 政治面貌, the annual grades and the
    sanctions in effect (the durations of 《处分条例》 the annual assessment uses)."""
    from ganbu.assessment.services.annual import SANCTION_MONTHS
    from ganbu.cadres import record_selectors
    from ganbu.core.dates import months_after
    from ganbu.selection.rules.eligibility import Facts, conditions

    ids = [c.pk for c in cadres]
    grades = record_selectors.annual_grades_of(ids)
    sanctions = record_selectors.punishments_of(ids)
    since = record_selectors.level_since(ids, {c.pk: c.current_level for c in cadres})
    out: dict[int, list[Any]] = {}
    for cadre in cadres:
        facts = Facts(
            birth=cadre.birth_date,
            work_started=cadre.work_started_on,
            party_joined=cadre.party_joined_on,
            education=cadre.highest_education,
            level=cadre.current_level,
            level_since=since.get(cadre.pk),
            grades=grades.get(cadre.pk, {}),
            sanctions=tuple(
                (kind, on, months_after(on, SANCTION_MONTHS.get(kind, 24)))
                for kind, on in sanctions.get(cadre.pk, [])
            ),
            complaint_open=(complaint_open or {}).get(cadre.pk, False),
            political_status=cadre.political_status,
        )
        out[cadre.pk] = conditions(facts, requirements, post_level=post_level, as_of=as_of)
    return out


# --- 「两推」: the year-end recommendation --------------------------------------------------------


@dataclass(frozen=True)
class YearEnd:
    """The sealed 年终民主推荐 linked to a case, read for 「两推」 - the leaders within the case's
    差额推荐 places (posts × `recommend_ratio`, ties included) with their rank, and every name's votes."""

    title: str
    sealed_on: date | None
    places: int
    ranks: dict[str, int]
    votes: dict[str, int]

    def verdict(self, candidate: Candidate) -> tuple[bool, str]:
        """Whether the candidate is among the leaders, and the words the page and 纪实表 show."""
        name = self.label_of.get(candidate.cadre_id or 0, candidate.name)
        votes = self.votes.get(name, 0)
        rank = self.ranks.get(name)
        if rank is not None:
            return True, f"年终民主推荐得 {votes} 票，列第 {rank} 名（前 {self.places} 名内）"
        return False, f"年终民主推荐得 {votes} 票，未进入前 {self.places} 名"

    label_of: dict[int, str] = field(default_factory=dict)  # cadre id → the name it was listed under


def motion_year(case: Case) -> int:
    motion = case.steps.filter(kind=StepKind.MOTION).order_by("day").first()
    return motion.day.year if motion else case.created_at.year


def year_end_sessions(user: User, case: Case) -> QuerySet[Any]:
    """Sealed 民主推荐 sessions in the user's scope that may serve as the case's year-end
    recommendation: sealed in the 动议's year or the year before, and not a vote of a case."""
    year = motion_year(case)
    own = CaseBallot.objects.exclude(purpose=BallotPurpose.YEAR_END).values("session_id")
    return (
        ballot_selectors.sessions_in_scope(user)
        .filter(kind="recommendation", status="sealed", sealed_at__year__in=[year - 1, year])
        .exclude(pk__in=own)
        .order_by("-sealed_at")
    )


def year_end(case: Case, settings: SelectionSettings | None = None) -> YearEnd | None:
    link = (
        case.ballots.filter(purpose=BallotPurpose.YEAR_END).select_related("session").order_by("-id").first()
    )
    if link is None:
        return None
    settings = settings or selection_settings()
    result = ballot_selectors.session_result(link.session)
    votes: dict[str, int] = {}
    label_of: dict[int, str] = {}
    for subject in result.subjects:
        votes[subject.label] = votes.get(subject.label, 0) + (subject.votes or 0)
        if subject.cadre_id:
            label_of[subject.cadre_id] = subject.label
    for name, count, _ in result.write_ins:  # 另选他人: counted under the name written
        votes[name] = votes.get(name, 0) + count
    places = case.seats * settings.recommend_ratio
    sealed = link.session.sealed_at
    return YearEnd(
        title=link.session.title,
        sealed_on=sealed.date() if sealed else None,
        places=places,
        ranks=leaders_of(votes, places),
        votes=votes,
        label_of=label_of,
    )
