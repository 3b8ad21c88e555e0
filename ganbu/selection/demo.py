"""The demo's 选拔任用 - four cases of 青山县 run through the services with sealed paper ballots, so
the pages show real timelines — one closed (2025, through 试用期满), one whose 试用期 ends within
60 days (on the index's list), one at 考察 for a new user to carry on (酝酿, 征求意见, 票决, 公示,
任职), and one ended when the 常委会票决 did not pass. A post without a free seat records the approved
reason (the former holder is to move); the candidates meet every condition of the 资格审查.
Deterministic for a given seed."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.db.models import Q

from ganbu.ballots import services as ballot_services
from ganbu.cadres import selectors as cadre_selectors
from ganbu.core.dates import add_years
from ganbu.org.models import Post, UnitKind
from ganbu.org.selectors import county_root, posts_of_unit_kinds, work_calendar
from ganbu.selection import services
from ganbu.selection.models import Case, CaseBallot, StepKind
from ganbu.selection.selectors import cadre_conditions, candidate_conditions, case_requirements
from ganbu.selection.services.steps import registry_file_facts

__all__ = ["seal_paper", "seed_selection"]

TODAY = date(2026, 11, 16)  # no step is dated later (the suite's today; the real one is later)
# (post name, start, last step, outcome)
PLAN = (
    ("镇长", date(2025, 3, 3), StepKind.PROBATION, "closed"),
    ("党委副书记", date(2025, 10, 20), StepKind.APPOINT, "probation"),
    ("党委书记", date(2026, 8, 3), StepKind.INSPECT, "open"),
    ("人大主席", date(2026, 4, 1), StepKind.VOTE, "failed"),
)


def seal_paper(link: CaseBallot, present: int, votes: dict[str, Any]) -> None:
    """A paper count of the case's vote entered, the session closed and sealed, as the system (the
    demo, and tests that need a sealed vote)."""
    ballot_services.paper_meeting_record(session=link.session, present=present, votes=votes)


def _candidates(rng: random.Random, case: Case, taken: set[int], on: date) -> list[Any]:
    """Four 乡科级副职 of other townships, those who meet every condition of the case on `on` first
    (the demo shows a clean 资格审查), not in another demo case."""
    root = county_root()
    assert root is not None
    pool = [
        c
        for c in cadre_selectors.cadres_under_unit(root)
        .filter(current_level="1A42")
        .filter(Q(unit__kind=UnitKind.TOWN) | Q(unit__kind=UnitKind.TOWNSHIP))
        .exclude(unit=case.unit)[:400]
        if c.pk not in taken
    ]
    rng.shuffle(pool)
    review = cadre_conditions(
        pool, requirements=case_requirements(case), post_level=case.post.level, as_of=on
    )
    # the qualified first; a small demo county (--cadres 50) may have too few, and then the others
    # go on only with an exception and its approval (破格), recorded below
    chosen = sorted(pool, key=lambda c: not all(x.met for x in review[c.pk]))[:4]
    taken.update(c.pk for c in chosen)
    return chosen


def _run(rng: random.Random, post: Post, start: date, last: str, outcome: str, taken: set[int]) -> Case:
    calendar = work_calendar()
    quota, held, pending = services.free_seats(post, on=start)
    case = services.case_open(
        post=post,
        seats=1,
        method="民主推荐",
        day=start,
        actor=None,
        scope="全县在职乡科级副职干部",
        conditions="任乡科级副职满 2 年，近两年年度考核称职以上，大专以上学历",
        over_quota_reason=(
            "原任职者拟交流到县直部门任职，经县委常委会研究同意先行启动" if quota - held - pending < 1 else ""
        ),
    )
    services.requirements_set(
        case=case,
        actor=None,
        data={
            "education": "大专",
            "work_years": "2",
            "party_years": "0",
            "grade_years": "2",
            "deputy_years": "2",
            "lower_head_years": "3",
            "party_member": "1" if case_requirements(case).party_member else "",
        },
    )

    def record(kind: str, day: date, **kw: Any) -> None:
        services.step_record(case=case, kind=kind, day=day, actor=None, today=TODAY, **kw)

    record(StepKind.MOTION, start, decision="经县委书记专题会议研究，启动该职位人选选拔工作")
    pool = _candidates(rng, case, taken, start + timedelta(days=15))
    if len(pool) < 4:  # too few 乡科级副职 in a tiny demo county: the case stops at its 动议
        services.case_end(case=case, actor=None, reason="符合条件的人选不足，暂缓")
        return case
    people = [services.candidate_add(case=case, cadre_id=c.pk, actor=None) for c in pool]
    review = candidate_conditions(case, as_of=start + timedelta(days=15))
    names = [p.name for p in people]
    link = services.ballot_create(case=case, purpose="推荐", expected=60, actor=None)
    top = rng.randint(24, 30)
    rest = 58 - top
    seal_paper(link, 60, {names[0]: top, names[1]: rest // 2 + 3, names[2]: rest // 2 - 3, names[3]: 2})
    record(StepKind.RECOMMEND, start + timedelta(days=10), decision="会议推荐和谈话调研推荐")
    for p in people[:2]:
        failed = any(not c.met for c in review.get(p.pk, []))
        services.candidate_views(
            candidate=p,
            actor=None,
            two_recommendations=True,
            masses=True,
            party_org=True,
            leader=True,
            exception=f"经县委常委会研究同意破格（青组〔{start.year}〕12号）" if failed else "",
        )
    record(StepKind.SHORTLIST, start + timedelta(days=15), data={"chosen": [p.pk for p in people[:2]]})
    record(StepKind.NOTICE, start + timedelta(days=17))
    rating = services.ballot_create(case=case, purpose="测评", expected=45, actor=None)
    seal_paper(
        rating,
        45,
        {
            names[0]: {"优秀": 30, "称职": 14, "基本称职": 1, "不称职": 0},
            names[1]: {"优秀": 18, "称职": 25, "基本称职": 2, "不称职": 0},
        },
    )
    record(
        StepKind.INSPECT,
        start + timedelta(days=30),
        data={
            "unit_staff": "45",
            "talks": "26",
            "discipline": "县纪委监委回复：未发现影响使用的问题",
            "file_review": "出生日期、入党时间、参加工作时间、学历、履历经核对无误",
            **registry_file_facts(case),
        },
    )
    if last == StepKind.INSPECT:
        return case
    record(StepKind.DELIBERATE, start + timedelta(days=35), decision="与县委主要领导、分管领导酝酿，意见一致")
    day = start + timedelta(days=40)
    if case.consult_required:
        consult = services.ballot_create(case=case, purpose="征求意见", expected=31, actor=None)
        seal_paper(consult, 31, {names[0]: {"同意": 27, "不同意": 4}, names[1]: {"同意": 13, "不同意": 18}})
        record(StepKind.CONSULT, day)
    vote = services.ballot_create(case=case, purpose="票决", expected=11, actor=None)
    active = [p.name for p in case.candidates.filter(status="active")]
    agree = 5 if outcome == "failed" else 10  # 5 × 2 = 10, not more than 11: not passed
    seal_paper(
        vote,
        11,
        {
            n: {"同意": agree if i == 0 else 4, "不同意": 11 - (agree if i == 0 else 4)}
            for i, n in enumerate(active)
        },
    )
    record(StepKind.VOTE, day + timedelta(days=5), decision="县委常委会讨论决定")
    if outcome == "failed":
        services.case_end(case=case, actor=None, reason="常委会票决未获通过，另行启动")
        return case
    publicity = calendar.add_working_days(day + timedelta(days=5), 1)
    record(StepKind.PUBLICITY, publicity)
    case.refresh_from_db()
    ends = date.fromisoformat(case.steps.get(kind=StepKind.PUBLICITY).figures["end"])
    appointed = calendar.add_working_days(ends, 1)
    record(StepKind.APPOINT, appointed, data={"doc_no": f"青干〔{appointed.year}〕{rng.randint(10, 60)}号"})
    if last == StepKind.PROBATION:
        record(
            StepKind.PROBATION,
            add_years(appointed, 1),
            data={"result": "合格"},
            decision="试用期满考核合格，正式任职",
        )
    return case


def seed_selection(*, seed: int, progress: Callable[[str], None] | None = None) -> int:
    """The four cases; returns the rows written (about)."""
    say = progress or (lambda m: None)
    say("选拔任用：四个案例")
    rng = random.Random(seed * 31 + 7)
    towns = list(posts_of_unit_kinds([UnitKind.TOWN, UnitKind.TOWNSHIP]))
    if not towns:
        return 0
    taken: set[int] = set()
    used_units: set[int] = set()
    rows = 0
    for name, start, last, outcome in PLAN:
        post = next((p for p in towns if p.name == name and p.unit_id not in used_units), None)
        if post is None:
            continue
        used_units.add(post.unit_id)
        case = _run(rng, post, start, last, outcome, taken)
        rows += case.steps.count() + case.candidates.count()
    return rows
