"""公开选拔 / 竞争上岗 - scores checked, the combined score with the 笔试 weight (half up to two places),
competition ranking with ties, the ratio going on with a tie at the cut declared, and a case run
through 笔试 and 面试 to 确定考察对象 (民主推荐 not offered)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from ganbu.cadres.models import AnnualAssessment
from ganbu.org import services as org_services
from ganbu.selection import services
from ganbu.selection.models import StepKind
from ganbu.selection.rules import exams
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import World

D = Decimal


def test_scores_and_the_combined_score() -> None:
    assert exams.score("88.5", "笔试成绩") == (D("88.5"), "")
    assert exams.score("100", "x")[0] == D(100) and exams.score("0", "x")[0] == D(0)
    assert exams.score("100.01", "笔试成绩")[1] == "笔试成绩应在 0 到 100 之间，至多两位小数"
    assert exams.score("88.555", "x")[0] is None  # three places
    assert exams.score("八十", "面试成绩")[1] == "面试成绩应为数字，不是「八十」"
    assert exams.score("", "面试成绩")[1] == "请填写面试成绩"
    # 81.25 × 40 % + 90.13 × 60 % = 32.5 + 54.078 = 86.578 → 86.58 (half up)
    assert exams.combined(D("81.25"), D("90.13"), 40) == D("86.58")
    # 80.01 × 50 % + 80.00 × 50 % = 80.005 → 80.01 (half up, not to even)
    assert exams.combined(D("80.01"), D("80.00"), 50) == D("80.01")


def test_ranking_ties_and_the_cut() -> None:
    scores = {"甲": D(90), "乙": D(85), "丙": D(80), "丁": D(80), "戊": D(70)}
    ranked, tie = exams.rank(scores, places=1, ratio=3)
    assert [(r.name, r.rank, r.goes_on) for r in ranked] == [
        ("甲", 1, True),
        ("乙", 2, True),
        ("丁", 3, True),  # tied: 姓氏笔画 order, 丁 (2 strokes) before 丙 (5)
        ("丙", 3, True),
        ("戊", 5, False),
    ]
    assert tie == "第 3 名并列 2 人（丁、丙），均进入下一环节"
    # no tie at the cut: exactly places × ratio go on, nothing declared
    ranked, tie = exams.rank(scores, places=1, ratio=2)
    assert [r.name for r in ranked if r.goes_on] == ["甲", "乙"] and tie == ""
    # a tie above the cut is no tie at the cut
    ranked, tie = exams.rank({"甲": D(90), "乙": D(90), "丙": D(80)}, places=1, ratio=2)
    assert [r.rank for r in ranked] == [1, 1, 3] and [r.goes_on for r in ranked] == [True, True, False]
    assert tie == ""


def test_a_public_selection_through_the_exams(world: World) -> None:
    post = org_services.post_create(unit=world.town_a, team=None, name="副镇长", level="1A42", actor=None)
    case = services.case_open(post=post, seats=1, method="公开选拔", day=date(2026, 5, 4), actor=None)

    def record(kind: str, day: date, **kw: object) -> object:
        return services.step_record(case=case, kind=kind, day=day, actor=None, today=date(2026, 11, 16), **kw)  # type: ignore[arg-type]

    record(StepKind.MOTION, date(2026, 5, 4))
    people = {}
    for name in ("甲一", "乙二", "丙三", "丁四", "戊五"):
        cadre = make_cadre(world.town_b, name, highest_education="21")
        for year in (2023, 2024, 2025):
            AnnualAssessment.objects.create(cadre=cadre, year=year, grade="2")
        people[name] = services.candidate_add(case=case, cadre_id=cadre.pk, actor=None)
    with pytest.raises(ValidationError, match="公开选拔方式不设「民主推荐」环节"):
        record(StepKind.RECOMMEND, date(2026, 5, 10), data={"valid_ballots": "9"})
    with pytest.raises(ValidationError, match="「面试」之前缺少「笔试」"):
        record(StepKind.INTERVIEW, date(2026, 5, 20), data={})
    written = {"甲一": "90", "乙二": "85", "丙三": "80", "丁四": "80", "戊五": "70.5"}
    bad = {f"score-{people[n].pk}": v for n, v in written.items()} | {f"score-{people['戊五'].pk}": "101"}
    with pytest.raises(ValidationError, match="戊五的笔试成绩应在 0 到 100 之间"):
        record(StepKind.WRITTEN, date(2026, 5, 16), data=bad)
    step = record(
        StepKind.WRITTEN, date(2026, 5, 16), data={f"score-{people[n].pk}": v for n, v in written.items()}
    )
    assert step.figures["tie"] == "第 3 名并列 2 人（丁四、丙三），均进入下一环节"  # type: ignore[attr-defined]
    people["戊五"].refresh_from_db()
    assert people["戊五"].status == "dropped" and people["戊五"].drop_reason == "笔试成绩第 5 名，未进入面试"
    # 面试 60 %: 甲一 90×.4+70×.6=78.00, 乙二 85×.4+88×.6=86.80, 丙三 80×.4+95×.6=89.00,
    # 丁四 80×.4+60×.6=68.00 → 丙三, 乙二 go on (1:2)
    interview = {"甲一": "70", "乙二": "88", "丙三": "95", "丁四": "60"}
    step = record(
        StepKind.INTERVIEW, date(2026, 5, 23), data={f"score-{people[n].pk}": v for n, v in interview.items()}
    )
    assert step.figures["combined"] == {"甲一": "78.00", "乙二": "86.80", "丙三": "89.00", "丁四": "68.00"}  # type: ignore[attr-defined]
    on = [p.name for p in case.candidates.filter(status="active")]
    assert sorted(on) == ["丙三", "乙二"]
    record(StepKind.SHORTLIST, date(2026, 5, 25), data={"chosen": [people["乙二"].pk, people["丙三"].pk]})
    case.refresh_from_db()
    assert case.stage == StepKind.SHORTLIST
