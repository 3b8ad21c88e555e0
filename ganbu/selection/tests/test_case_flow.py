"""A 乡镇党委书记 case through the services, step by step, with sealed ballots: the order enforced,
the rules checked before a step is saved (refusals name the numbers), the excusable findings needing
a reason, the votes dropping nominees, the 公示 across National Day, complaints before 任职, and
任职 in the registry."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from ganbu.audit.models import AuditEvent
from ganbu.cadres.models import AnnualAssessment, Appointment, Cadre
from ganbu.core.calendar import WorkCalendar
from ganbu.org import services as org_services
from ganbu.org.models import Post
from ganbu.selection import services
from ganbu.selection.demo import seal_paper
from ganbu.selection.models import Case, Complaint, StepKind
from ganbu.selection.selectors import case_violations, step_summary
from ganbu.selection.services.steps import registry_file_facts
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import World

NAMES = ["甲一", "乙二", "丙三", "丁四"]
TODAY = date(2026, 11, 16)


def _post(world: World) -> Post:
    return org_services.post_create(
        unit=world.town_a, team=None, name="党委书记", level="1A41", quota=1, actor=None
    )


def _people(world: World) -> list[Cadre]:
    out = []
    for name in NAMES:
        cadre = make_cadre(world.town_b, name, highest_education="21", party_joined_on=date(2010, 7, 1))
        Appointment.objects.create(
            cadre=cadre,
            unit=world.town_b,
            title=f"乙乡副乡长{name}",
            level="1A42",
            is_leadership=True,
            started_on=date(2020, 1, 1),
        )
        for year in (2023, 2024, 2025):  # 资格审查: 称职 the last three years
            AnnualAssessment.objects.create(cadre=cadre, year=year, grade="2")
        out.append(cadre)
    return out


def _record(case: Case, kind: str, day: date, **kw: Any) -> Any:
    return services.step_record(case=case, kind=kind, day=day, actor=None, today=TODAY, **kw)


def test_a_township_secretary_case(world: World) -> None:
    post = _post(world)
    people = _people(world)
    case = services.case_open(post=post, seats=1, method="民主推荐", day=date(2026, 6, 1), actor=None)
    assert case.consult_required  # 乡镇党委书记: 全委会征求意见
    with pytest.raises(ValidationError, match="选拔任用须从「动议」开始记录"):
        _record(case, StepKind.RECOMMEND, date(2026, 6, 5), data={"valid_ballots": "50"})
    _record(case, StepKind.MOTION, date(2026, 6, 1), decision="经县委书记专题会议研究启动")
    candidates = {c.name: services.candidate_add(case=case, cadre_id=c.pk, actor=None) for c in people}

    # 会议推荐: 4 listed for 1 post (1:3 met); 甲一 20 of 50 valid = 40 % ≥ 30 %: no second round
    link = services.ballot_create(case=case, purpose="推荐", expected=50, actor=None)
    seal_paper(link, 50, {"甲一": 20, "乙二": 15, "丙三": 10, "丁四": 5})
    rec = _record(case, StepKind.RECOMMEND, date(2026, 6, 10))
    assert rec.figures["valid_ballots"] == 50 and rec.figures["votes"]["甲一"] == 20
    assert rec.seal_sha256 == link.session.tally_sha256 and len(rec.seal_sha256) == 64

    # 确定考察对象: 1:2 needs two; the views are recorded first; one disagreement defers
    for name in ("甲一", "乙二"):
        services.candidate_views(
            candidate=candidates[name],
            actor=None,
            two_recommendations=True,
            masses=True,
            party_org=True,
            leader=name == "甲一",
        )
    chosen = {"chosen": [candidates["甲一"].pk, candidates["乙二"].pk]}
    with pytest.raises(ValidationError) as refused:
        _record(case, StepKind.SHORTLIST, date(2026, 6, 15), data=chosen)
    assert any("乙二" in m and "分管领导" in m for m in refused.value.messages)
    services.candidate_views(
        candidate=candidates["乙二"],
        actor=None,
        two_recommendations=True,
        masses=True,
        party_org=True,
        leader=True,
    )
    only_one = {"chosen": [candidates["甲一"].pk]}
    with pytest.raises(ValidationError, match="如确需继续，请在「说明」中写明理由"):
        _record(case, StepKind.SHORTLIST, date(2026, 6, 15), data=only_one)
    _record(case, StepKind.SHORTLIST, date(2026, 6, 15), data=chosen)
    candidates["丙三"].refresh_from_db()
    assert candidates["丙三"].status == "dropped" and candidates["丙三"].drop_reason == "未确定为考察对象"
    late = make_cadre(world.town_b, "迟到")
    with pytest.raises(ValidationError, match="人选已进入考察或考试环节，不能再增加人选"):
        services.candidate_add(case=case, cadre_id=late.pk, actor=None)

    # skipping 考察预告 needs a reason; 考察 needs talks with half the unit: 40 staff → 20
    inspect = {
        "unit_staff": "40",
        "talks": "19",
        "discipline": "县纪委监委回复无问题",
        "file_review": "三龄二历无误",
    }
    with pytest.raises(ValidationError, match="跳过「考察预告」须写明理由"):
        _record(case, StepKind.INSPECT, date(2026, 7, 1), data=inspect)
    inspect |= registry_file_facts(case)
    _record(case, StepKind.NOTICE, date(2026, 6, 20))
    with pytest.raises(ValidationError, match="个别谈话"):
        _record(case, StepKind.INSPECT, date(2026, 7, 1), data=inspect)
    jia = candidates["甲一"].pk
    with pytest.raises(
        ValidationError, match=re.escape("甲一的出生日期应写成 1985-03 或 1985.03，不是「八五年」")
    ):
        _record(
            case,
            StepKind.INSPECT,
            date(2026, 7, 1),
            data={**inspect, "talks": "20", f"file-birth-{jia}": "八五年"},
        )
    without = {k: v for k, v in inspect.items() if k != f"file-work-{jia}"}
    with pytest.raises(ValidationError, match="请填写甲一档案中的参加工作时间"):
        _record(case, StepKind.INSPECT, date(2026, 7, 1), data={**without, "talks": "20"})
    # the 档案 says April 1985, the registry March: recorded beside each other, not refused
    inspected = _record(
        case,
        StepKind.INSPECT,
        date(2026, 7, 1),
        data={**inspect, "talks": "20", f"file-birth-{jia}": "1985年4月"},
    )
    assert "甲一：出生日期档案为 1985-04，系统为 1985-03" in step_summary(inspected)
    _record(case, StepKind.DELIBERATE, date(2026, 7, 10))

    # 征求意见 from the sealed vote only; 乙二 is dropped (不同意 16 × 2 > 30)
    with pytest.raises(ValidationError, match="须以封存的投票结果为准"):
        _record(case, StepKind.CONSULT, date(2026, 7, 20))
    consult = services.ballot_create(case=case, purpose="征求意见", expected=30, actor=None)
    seal_paper(consult, 30, {"甲一": {"同意": 28, "不同意": 2}, "乙二": {"同意": 14, "不同意": 16}})
    consulted = _record(case, StepKind.CONSULT, date(2026, 7, 20))
    assert step_summary(consulted).startswith("全委会成员应到 30 人，实到 30 人：甲一不同意 2 票")
    candidates["乙二"].refresh_from_db()
    assert candidates["乙二"].status == "dropped"

    vote = services.ballot_create(case=case, purpose="票决", expected=11, actor=None)
    assert [s.label for s in vote.session.subjects.all()] == ["甲一"]
    seal_paper(vote, 11, {"甲一": {"同意": 10, "不同意": 1}})
    _record(case, StepKind.VOTE, date(2026, 9, 25))

    # 任前公示 from Tuesday 29 September: 29, 30 September, 8, 9 and Saturday 10 October (a make-up
    # working day) are the 5 working days
    pub = _record(case, StepKind.PUBLICITY, date(2026, 9, 29))
    assert pub.figures["end"] == "2026-10-10"
    Complaint.objects.create(case=case, received_on=date(2026, 10, 8), summary="反映其亲属经商")
    with pytest.raises(ValidationError, match="应在公示期满后任职"):
        _record(case, StepKind.APPOINT, date(2026, 10, 10), data={"doc_no": "县委〔2026〕88号"})
    with pytest.raises(ValidationError) as unresolved:
        _record(case, StepKind.APPOINT, date(2026, 10, 12), data={"doc_no": "县委〔2026〕88号"})
    assert any("反映" in m for m in unresolved.value.messages)
    Complaint.objects.filter(case=case).update(finding="经核查，反映问题不属实", found_on=date(2026, 10, 9))
    former = make_cadre(world.town_a, "前任")  # still in the post: relieved by the same 文号
    Appointment.objects.create(
        cadre=former,
        unit=world.town_a,
        post=post,
        title="甲镇党委书记",
        level="1A41",
        started_on=date(2021, 3, 1),
    )
    with pytest.raises(ValidationError, match="所选免职人员不是该职位的现任人员"):
        _record(case, StepKind.APPOINT, date(2026, 10, 12), data={"doc_no": "x", "relieve": [people[1].pk]})
    step = _record(
        case,
        StepKind.APPOINT,
        date(2026, 10, 12),
        data={"doc_no": "县委〔2026〕88号", "relieve": [former.pk]},
    )
    ended = Appointment.objects.get(cadre=former, post=post)
    assert ended.ended_on == date(2026, 10, 12) and ended.end_document_number == "县委〔2026〕88号"
    assert "同时免去前任的甲镇党委书记职务" in step_summary(step)

    new = Appointment.objects.get(cadre=people[0], post=post)
    assert new.document_number == "县委〔2026〕88号" and new.started_on == date(2026, 10, 12)
    old = Appointment.objects.get(cadre=people[0], unit=world.town_b)
    assert old.ended_on == date(2026, 10, 12)
    people[0].refresh_from_db()
    assert people[0].current_title.startswith("甲镇党委书记") or "党委书记" in people[0].current_title
    case.refresh_from_db()
    assert case.stage == StepKind.APPOINT and case.status == "open"  # the 试用期 is still to come
    assert AuditEvent.objects.filter(action="selection.step").count() == 10
    violations, _ = case_violations(case, calendar=WorkCalendar(), as_of=TODAY)
    assert [v.code for v in violations if not v.reason] == []

    with pytest.raises(ValidationError, match="不能再记录"):
        _record(case, StepKind.RECOMMEND, date(2026, 10, 20), data={"valid_ballots": "5"})


def test_a_post_without_a_free_seat_needs_an_approved_reason(world: World) -> None:
    post = _post(world)
    holder = make_cadre(world.town_a, "现任")
    Appointment.objects.create(
        cadre=holder,
        unit=world.town_a,
        post=post,
        title="甲镇党委书记",
        level="1A41",
        is_leadership=True,
        started_on=date(2021, 1, 1),
    )
    with pytest.raises(ValidationError) as refused:
        services.case_open(post=post, seats=1, method="民主推荐", day=TODAY, actor=None)
    assert "「甲镇党委书记」职数 1 名，现任 1 名，空缺 0 名，少于拟选配的 1 名" in str(refused.value)
    case = services.case_open(
        post=post, seats=1, method="民主推荐", day=TODAY, actor=None, over_quota_reason="市委组织部批复同意"
    )
    assert case.over_quota_reason == "市委组织部批复同意"
