"""The demo's 综合考核: the 千分制 schemes of 青山县 for its townships and its county departments,
last year's cycle (2025) complete and sealed, and this year's (2026) under way: targets declared,
reviewed and mostly signed, the 县财政局 (a leading group) part way through its actual values.

Everything goes through the services, as a county office would do it, so the demo obeys the rules
it shows. The 2025 民主测评 of the township teams is one paper session of the ballots engine (one
meeting rating every team), counted and sealed; its counts are read from the sealed result.
Deterministic for a given seed."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from ganbu.assessment import services
from ganbu.assessment.models import Cycle, Participant, Scheme, TargetStatus, Track
from ganbu.ballots import services as ballot_services
from ganbu.org.models import UnitKind, User
from ganbu.org.selectors import county_root, unit_categories, units_of_category, users_with_role

__all__ = ["DEPARTMENT_SCHEME", "TOWNSHIP_SCHEME", "seed_assessment"]

LEADERS = ("县委书记", "县长", "县委副书记", "常务副县长", "县委组织部部长")
RATING = ("优秀", "称职", "基本称职", "不称职")
GRADES = [
    {"name": "实绩突出", "min_score": 900, "max_share": "1/3"},
    {"name": "好", "min_score": 800},
    {"name": "一般", "min_score": 700},
    {"name": "较差", "min_score": 0},
]

TOWNSHIP_SCHEME: dict[str, Any] = {
    "name": "青山县乡镇综合考核方案",
    "total": 1000,
    "indicators": [
        {
            "code": "A",
            "name": "目标责任",
            "weight": 600,
            "children": [
                {
                    "code": "A1",
                    "name": "一般公共预算收入",
                    "weight": 200,
                    "rule": "completion",
                    "cap": "1.1",
                    "lead": "县财政局",
                },
                {
                    "code": "A2",
                    "name": "固定资产投资",
                    "weight": 150,
                    "rule": "completion",
                    "lead": "县发展和改革委员会",
                },
                {
                    "code": "A3",
                    "name": "招商引资到位资金（万元）",
                    "weight": 100,
                    "rule": "ratio_to_top",
                    "lead": "县商务局",
                },
                {
                    "code": "A4",
                    "name": "乡村振兴重点任务评估分",
                    "weight": 100,
                    "rule": "rank_linear",
                    "top": 100,
                    "bottom": 60,
                    "lead": "县农业农村局",
                },
                {"code": "A5", "name": "党的建设", "weight": 50, "rule": "deduct", "lead": "县委组织部"},
            ],
        },
        {
            "code": "B",
            "name": "领导评价",
            "weight": 200,
            "children": [
                {
                    "code": "B1",
                    "name": "县领导排序",
                    "weight": 200,
                    "rule": "rank_step",
                    "step": "0.05",
                    "raters": 5,
                },
            ],
        },
        {
            "code": "C",
            "name": "民主测评",
            "weight": 200,
            "children": [
                {
                    "code": "C1",
                    "name": "班子民主测评",
                    "weight": 200,
                    "rule": "ballot",
                    "groups": {"县直部门负责人": 40, "乡镇干部": 60},
                },
            ],
        },
        {
            "code": "D",
            "name": "争先创优（附加分）",
            "children": [
                {
                    "code": "D1",
                    "name": "表彰奖励",
                    "rule": "bonus",
                    "levels": {"国家级": 30, "省级": 20, "市级": 10},
                    "max": 30,
                },
            ],
        },
        {
            "code": "E",
            "name": "一票否决",
            "children": [
                {"code": "E1", "name": "安全生产", "rule": "veto", "grade": "一般"},
            ],
        },
    ],
    "grades": GRADES,
}

DEPARTMENT_SCHEME: dict[str, Any] = {
    "name": "青山县县直部门综合考核方案",
    "total": 1000,
    "indicators": [
        {
            "code": "A",
            "name": "职能目标",
            "weight": 500,
            "children": [
                {
                    "code": "A1",
                    "name": "年度重点工作完成率（%）",
                    "weight": 400,
                    "rule": "completion",
                    "lead": "县政府办公室",
                },
                {"code": "A2", "name": "党风廉政建设", "weight": 100, "rule": "deduct", "lead": "县纪委监委"},
            ],
        },
        {
            "code": "B",
            "name": "领导评价",
            "weight": 200,
            "children": [
                {
                    "code": "B1",
                    "name": "县领导排序",
                    "weight": 200,
                    "rule": "rank_step",
                    "step": "0.04",
                    "raters": 5,
                },
            ],
        },
        {
            "code": "C",
            "name": "「四看」综合评定",
            "weight": 300,
            "children": [
                {"code": "C1", "name": "看发展、看基础、看民生、看党建", "weight": 300, "rule": "manual"},
            ],
        },
    ],
    "grades": GRADES,
}

TOWNSHIP_CATEGORIES = ("中心镇", "平原乡镇", "山区乡镇", "沿海乡镇")


def _office() -> User | None:
    county = county_root()
    return next(
        (u for u in users_with_role("county") if u.scope_unit_id == (county.pk if county else None)), None
    )


def _tracks(schemes: dict[str, Scheme]) -> list[services.TrackSpec]:
    specs = []
    for category, _ in unit_categories():
        scheme = schemes["township"] if category in TOWNSHIP_CATEGORIES else schemes["department"]
        units = [u for u in units_of_category(category) if u.kind != UnitKind.COUNTY]
        if units:
            specs.append(services.TrackSpec(category, scheme, units))
    return specs


def _targets(rng: random.Random, track: Track, office: Any, *, sign: float, adjust: float) -> None:
    for p in track.participants.select_related("unit"):
        codes = [t.leaf for t in p.targets.all()]
        base = {"A1": rng.randint(30, 90) * 100, "A2": rng.randint(20, 60) * 1000}
        values = {c: str(base.get(c, 100)) for c in codes}
        r = rng.random()
        if r > sign + 0.1:
            continue  # 待申报
        services.declare_targets(participant=p, actor=office, values=values)
        for t in p.targets.all():
            if rng.random() < adjust:
                raised = (t.declared or Decimal(1)) * Decimal("1.08")
                services.adjust_target(
                    target=t,
                    actor=office,
                    value=raised.quantize(Decimal(1)),
                    reason="低于上年实际完成数，按增长 8% 审定",
                )
        if r <= sign:
            services.sign_targets(participant=p, actor=office)


def _figures(rng: random.Random, track: Track, office: Any, *, complete: bool) -> None:
    participants = list(track.participants.select_related("unit"))
    codes = {leaf.code: leaf for leaf in services.leaves(track)}
    for leaf in codes.values():
        if leaf.rule == "completion":
            values = {}
            for p in participants:
                target = p.targets.get(leaf=leaf.code)
                signed = p.target_status == TargetStatus.SIGNED
                if signed and target.target is not None and (complete or rng.random() < 0.6):
                    values[p.pk] = (target.target * Decimal(rng.randint(82, 118)) / 100).quantize(Decimal(1))
            services.enter_actuals(track=track, leaf_code=leaf.code, actor=office, values=values)
        elif not complete:
            continue
        elif leaf.rule in ("ratio_to_top", "rank_linear"):
            services.enter_figures(
                track=track,
                leaf_code=leaf.code,
                actor=office,
                values={
                    p.pk: (
                        str(rng.randint(300, 3000) if leaf.rule == "ratio_to_top" else rng.randint(70, 98)),
                        "",
                    )
                    for p in participants
                },
            )
        elif leaf.rule == "manual":
            services.enter_figures(
                track=track,
                leaf_code=leaf.code,
                actor=office,
                values={
                    p.pk: (
                        str(
                            rng.randint(
                                int(leaf.weight * Decimal("0.78")), int(leaf.weight * Decimal("0.97"))
                            )
                        ),
                        "县委考核组「四看」实地考核评定",
                    )
                    for p in participants
                },
            )
        elif leaf.rule == "rank_step":
            for rater in LEADERS:
                order = list(range(1, len(participants) + 1))
                rng.shuffle(order)
                services.enter_rankings(
                    track=track,
                    leaf_code=leaf.code,
                    actor=office,
                    rater=rater,
                    ranks=dict(zip([p.pk for p in participants], order, strict=True)),
                )
        elif leaf.rule == "deduct":
            for p in rng.sample(participants, k=max(1, len(participants) // 4)):
                services.add_incident(
                    participant=p,
                    leaf_code=leaf.code,
                    actor=office,
                    happened_on=date(2025, rng.randint(3, 11), rng.randint(1, 28)),
                    reason="经济责任审计发现财务管理不规范",
                    points=rng.choice(["2", "3", "5"]),
                )
        elif leaf.rule == "bonus":
            for p in rng.sample(participants, k=max(1, len(participants) // 3)):
                level = rng.choice(list(leaf.levels))
                services.add_incident(
                    participant=p,
                    leaf_code=leaf.code,
                    actor=office,
                    happened_on=date(2025, rng.randint(3, 12), rng.randint(1, 28)),
                    reason=f"获{level}表彰（乡村振兴示范）",
                    level=level,
                )


def _rating_session(rng: random.Random, cycle: Cycle, tracks: list[Track], office: Any) -> None:
    """One paper 民主测评 of every township team (C1), counted, closed and sealed; each team's
    figure reads its subject."""
    county = county_root()
    assert county is not None
    rated = [
        t for t in tracks if any(leaf.code == "C1" and leaf.rule == "ballot" for leaf in services.leaves(t))
    ]
    teams = [p for t in rated for p in t.participants.select_related("unit")]
    if not teams:
        return
    groups = {"县直部门负责人": 45, "乡镇干部": 60}
    session = ballot_services.session_create(
        unit=county,
        title=f"{cycle.year}年度乡镇领导班子民主测评",
        kind="rating",
        mode="paper",
        subjects=[ballot_services.SubjectSpec(label=services.team_label(p.unit.name)) for p in teams],
        groups=[
            ballot_services.GroupSpec(name, expected=n, weight=w)
            for (name, n), w in zip(groups.items(), (40, 60), strict=True)
        ],
        description=f"{cycle.name}：乡镇领导班子民主测评（纸质票）",
        actor=office,
    )
    ballot_services.session_open(session=session, actor=office)
    for group in session.groups.all():
        present = groups[group.name] - rng.randint(0, 3)
        votes = {}
        for p in teams:
            good = rng.randint(int(present * 0.45), int(present * 0.85))
            fair = rng.randint(0, present - good)
            basic = rng.randint(0, present - good - fair)
            votes[services.team_label(p.unit.name)] = {
                "优秀": good,
                "称职": fair,
                "基本称职": basic,
                "不称职": present - good - fair - basic,
            }
        ballot_services.paper_count_enter(
            session=session,
            group=group,
            present=present,
            returned=present,
            invalid=0,
            votes=votes,
            actor=office,
        )
    session.refresh_from_db()
    ballot_services.session_close(session=session, actor=office)
    session.refresh_from_db()
    ballot_services.session_seal(session=session, actor=office)
    for p in teams:
        services.link_ballot(
            participant=p,
            leaf_code="C1",
            actor=office,
            session=session,
            subject=services.team_label(p.unit.name),
        )


def _quarter_grades(rng: random.Random, year: int, quarters: int) -> int:
    """平时考核 of every township's and department's cadres for the year's first quarters: a stable
    standing per cadre with some noise; 好 for about a third (never above the 40 % limit), 一般 for a
    few, 较差 rarely."""
    from ganbu.assessment.services import annual
    from ganbu.cadres import selectors as cadre_selectors

    written = 0
    units = [
        u
        for category, _ in unit_categories()
        for u in units_of_category(category)
        if u.kind != UnitKind.COUNTY
    ]
    for unit in units:
        cadres = list(cadre_selectors.active_cadres_in_units([unit.pk]).order_by("id"))
        if not cadres:
            continue
        standing = {c.pk: rng.random() for c in cadres}
        for quarter in range(1, quarters + 1):
            order = sorted(cadres, key=lambda c: standing[c.pk] + rng.uniform(-0.15, 0.15), reverse=True)
            good = int(len(order) * 0.35)
            values = {}
            for i, c in enumerate(order):
                grade = (
                    "好"
                    if i < good
                    else "较好"
                    if i < len(order) * 0.85
                    else ("较差" if rng.random() < 0.05 else "一般")
                )
                values[c.pk] = (grade, "")
            written += annual.enter_quarter_grades(
                unit=unit, year=year, quarter=quarter, actor=None, values=values
            )
    return written


def _past_years(rng: random.Random, years: range) -> int:
    """Three past years of 年度考核 consistent with the rules: in each unit, the registry's 优秀 kept
    within the unit's places (the rest corrected to 称职 through the registry's services), 平时
    grades that support them (好 in every quarter for an 优秀, within the 40 % limit), and the
    unit's review recorded as final with the rules' result."""
    from ganbu.assessment.grading import grade_unit
    from ganbu.assessment.models import AnnualEntry, AnnualReview, QuarterGrade, ReviewStatus
    from ganbu.assessment.selectors import unit_grade
    from ganbu.cadres import record_selectors
    from ganbu.cadres import selectors as cadre_selectors
    from ganbu.cadres import services as cadre_services

    names = {"1": "优秀", "2": "称职", "3": "基本称职", "4": "不称职"}
    written = 0
    units = [
        u
        for category, _ in unit_categories()
        for u in units_of_category(category)
        if u.kind != UnitKind.COUNTY
    ]
    for unit in units:
        cadres = list(cadre_selectors.active_cadres_in_units([unit.pk]).order_by("id"))
        if not cadres:
            continue
        ids = [c.pk for c in cadres]
        for year in years:
            records = record_selectors.annual_assessment_records(ids, year)
            grade = unit_grade(unit, year)
            share = {"实绩突出": 20, "好": 15, "一般": 12, "较差": 8}.get(grade or "", 15)
            good_limit = len(ids) * 40 // 100
            places = min(len(records) * share // 100 + (1 if grade == "实绩突出" else 0), good_limit)
            excellent = [cid for cid, r in records.items() if r.grade == "1"]
            rng.shuffle(excellent)
            for cid in excellent[places:]:
                record = records[cid]
                cadre_services.record_save(
                    cadre=record.cadre,
                    kind="assessment",
                    actor=None,
                    instance=record,
                    data={"year": year, "grade": "2", "note": "按优秀名额确定为称职"},
                )
                record.grade = "2"
            quarters: list[QuarterGrade] = []
            codes = {cid: (records[cid].grade if cid in records else "") for cid in ids}
            for q in (1, 2, 3, 4):
                good = sum(code == "1" for code in codes.values())  # every 优秀: 好 in each quarter
                for cid in ids:
                    code = codes[cid]
                    if code == "1":
                        g = "好"
                    elif code in ("3", "4"):
                        g = "一般"
                    elif code == "2" and good < good_limit and rng.random() < 0.2:
                        g, good = "好", good + 1
                    else:
                        g = "较好"
                    quarters.append(QuarterGrade(cadre_id=cid, unit=unit, year=year, quarter=q, grade=g))
            QuarterGrade.objects.bulk_create(quarters, ignore_conflicts=True)
            written += len(quarters)
            review = AnnualReview.objects.create(unit=unit, year=year, status=ReviewStatus.FINAL)
            entries = AnnualEntry.objects.bulk_create(
                AnnualEntry(
                    review=review,
                    cadre=c,
                    role="leader" if c.is_leader else "staff",
                    proposed=names.get(records[c.pk].grade, "不定等次") if c.pk in records else "不定等次",
                    final=names.get(records[c.pk].grade, "不定等次") if c.pk in records else "不定等次",
                )
                for c in cadres
            )
            from ganbu.assessment.services.annual import review_inputs

            review.result = grade_unit(review_inputs(review))
            review.save(update_fields=["result"])
            written += len(entries) + 1
    return written


def seed_assessment(*, seed: int, progress: Callable[[str], None] | None = None) -> int:
    """Both cycles; returns the rows written (about)."""
    say = progress or (lambda m: None)
    rng = random.Random(seed * 14 + 1)
    office = _office()
    say("综合考核：方案与 2025 年度考核")
    schemes = {
        "township": services.import_scheme(actor=office, data=TOWNSHIP_SCHEME, year=2025),
        "department": services.import_scheme(actor=office, data=DEPARTMENT_SCHEME, year=2025),
    }
    last = services.create_cycle(
        actor=office, year=2025, name="2025年度乡镇和县直部门综合考核", tracks=_tracks(schemes)
    )
    services.open_cycle(cycle=last, actor=office)
    tracks = list(last.tracks.select_related("scheme", "cycle"))
    for track in tracks:
        _targets(rng, track, office, sign=1.0, adjust=0.15)
        _figures(rng, track, office, complete=True)
    veto = next((p for t in tracks if t.category == "山区乡镇" for p in t.participants.all()), None)
    if veto is not None:
        services.add_incident(
            participant=veto,
            leaf_code="E1",
            actor=office,
            happened_on=date(2025, 8, 12),
            reason="发生较大生产安全事故",
        )
    _rating_session(rng, last, tracks, office)
    services.compute(cycle=last, actor=office)
    services.seal(cycle=last, actor=office)

    say("综合考核：2026 年度考核（进行中）")
    current = {k: services.copy_scheme(scheme=s, actor=office, year=2026) for k, s in schemes.items()}
    this = services.create_cycle(
        actor=office, year=2026, name="2026年度乡镇和县直部门综合考核", tracks=_tracks(current)
    )
    services.open_cycle(cycle=this, actor=office)
    for track in this.tracks.select_related("scheme", "cycle"):
        _targets(rng, track, office, sign=0.8, adjust=0.1)
        _figures(rng, track, office, complete=False)
    say("综合考核：2026 年平时考核（前三季度）")
    quarters = _quarter_grades(rng, 2026, 3)
    say("年度考核：2023—2025 年（与优秀名额和平时考核一致）")
    past = _past_years(rng, range(2023, 2026))
    return Participant.objects.count() * 12 + quarters + past
