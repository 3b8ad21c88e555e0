"""Computing a cycle from its stored figures, sealing it and correcting it after sealing
(services/scoring.py), on the three townships of conftest.py, every figure computed by hand."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from ganbu.assessment import errors, events, services
from ganbu.assessment.models import Computation, Cycle, CycleStatus, Participant, Result, Target
from ganbu.assessment.tests.conftest import CATEGORY
from ganbu.audit.models import AuditEvent
from ganbu.ballots import services as ballot_services
from ganbu.ballots.models import BallotSession
from ganbu.org.models import User
from ganbu.testing.world import World

NAMES = ("甲镇", "乙乡", "丙镇")


def codes(exc: ValidationError) -> set[str | None]:
    return {e.code for e in exc.error_list}


def participant(cycle: Cycle, name: str) -> Participant:
    return cycle.participants.select_related("unit", "track__scheme", "cycle").get(unit__name=name)


def fill(world: World, cycle: Cycle, *, skip_actual: str = "") -> None:
    """Every figure of the county below, entered by whoever enters it."""
    office, dept = world.users["county"], world.users["dept"]
    p = {n: participant(cycle, n) for n in NAMES}
    track = p["甲镇"].track
    for name, declared in (("甲镇", "1000"), ("乙乡", "800"), ("丙镇", "500")):
        services.declare_targets(participant=p[name], actor=world.users["clerk_a"], values={"A1": declared})
    c_target = Target.objects.select_related("participant__cycle", "participant__unit").get(
        participant=p["丙镇"], leaf="A1"
    )
    services.adjust_target(target=c_target, actor=office, value="400", reason="按上年基数核减")
    for name in NAMES:
        services.sign_targets(participant=participant(cycle, name), actor=office)
    actuals = {"甲镇": "850", "乙乡": "800", "丙镇": "500"}
    actuals.pop(skip_actual, None)
    services.enter_actuals(
        track=track, leaf_code="A1", actor=dept, values={p[n].pk: v for n, v in actuals.items()}
    )
    services.add_incident(
        participant=p["甲镇"],
        leaf_code="A2",
        actor=office,
        happened_on=date(2026, 5, 1),
        reason="审计发现",
        points="5",
    )
    services.add_incident(
        participant=p["丙镇"],
        leaf_code="A2",
        actor=office,
        happened_on=date(2026, 6, 1),
        reason="巡察反馈",
        points="3.5",
    )
    for rater, ranks in (("张书记", (1, 2, 3)), ("李县长", (1, 3, 2))):
        services.enter_rankings(
            track=track,
            leaf_code="B",
            actor=office,
            rater=rater,
            ranks={p[n].pk: r for n, r in zip(NAMES, ranks, strict=True)},
        )
    services.enter_figures(
        track=track,
        leaf_code="C",
        actor=office,
        values={
            p["甲镇"].pk: ("180", "四看：班子团结"),
            p["乙乡"].pk: ("175.50", "四看：群众口碑好"),
            p["丙镇"].pk: ("150", "四看：项目推进慢"),
        },
    )
    services.add_incident(
        participant=p["甲镇"],
        leaf_code="D",
        actor=office,
        happened_on=date(2026, 9, 1),
        reason="省级先进",
        level="省级",
    )
    for month in (3, 4):
        services.add_incident(
            participant=p["乙乡"],
            leaf_code="D",
            actor=office,
            happened_on=date(2026, month, 1),
            reason="市级表彰",
            level="市级",
        )
    services.add_incident(
        participant=p["乙乡"],
        leaf_code="E",
        actor=office,
        happened_on=date(2026, 8, 12),
        reason="发生较大安全生产事故",
    )


def by_name(computation: Computation) -> dict[str, dict[str, Any]]:
    return {u["name"]: u for u in computation.output["units"]}


# --- 6. computing ---------------------------------------------------------------------------------


def test_compute_scores_the_county_to_the_cent(world: World, cycle: Cycle) -> None:
    fill(world, cycle)
    [run] = services.compute(cycle=cycle, actor=world.users["county"])
    out = by_name(run)
    # 甲镇  A1 完成 850 / 目标 1000 × 400 = 340.00
    #       A2 200 − 5 = 195.00
    #       B  名次 1、1 → 200、200，平均 200.00
    #       C  180.00;  D 省级 20.00;  no veto
    #       total 340 + 195 + 200 + 180 + 20 = 935.00, bonus 20.00, subtotal A 535.00
    # 乙乡  A1 800 / 800 × 400 = 400.00;  A2 200.00
    #       B  名次 2、3 → 180、160，平均 170.00
    #       C  175.50;  D 市级 10 + 市级 10 = 20.00
    #       total 400 + 200 + 170 + 175.50 + 20 = 965.50, but vetoed (较大安全生产事故)
    # 丙镇  A1 完成 500 / 审定目标 400 = 1.25, capped at 1.1 → 440.00 (the adjusted target is used)
    #       A2 200 − 3.5 = 196.50
    #       B  名次 3、2 → 160、180，平均 170.00
    #       C  150.00;  D none 0.00
    #       total 440 + 196.50 + 170 + 150 = 956.50, subtotal A 636.50
    # Ranks: 丙镇 956.50 → 1, 甲镇 935.00 → 2, 乙乡 (vetoed, though the highest) → 3.
    # Grades: 实绩突出 (≥ 900) has floor(1/3 × 3) = 1 place: 丙镇; 甲镇 (935 ≥ 900) falls to 好;
    #         乙乡's veto allows at most 一般 (965.50 ≥ 700): 一般.
    assert [u["name"] for u in run.output["units"]] == ["丙镇", "甲镇", "乙乡"]
    expected = {
        "甲镇": ("935.00", "20.00", 2, "好", False, "535.00"),
        "乙乡": ("965.50", "20.00", 3, "一般", True, "600.00"),
        "丙镇": ("956.50", "0.00", 1, "实绩突出", False, "636.50"),
    }
    for name, (total, bonus, rank, grade, vetoed, subtotal) in expected.items():
        u = out[name]
        assert (u["total"], u["bonus"], u["rank"], u["grade"], u["vetoed"]) == (
            total,
            bonus,
            rank,
            grade,
            vetoed,
        )
        assert u["subtotals"]["A"] == subtotal
    points = {n: {code: v["points"] for code, v in out[n]["indicators"].items()} for n in NAMES}
    assert points["甲镇"] == {
        "A1": "340.00",
        "A2": "195.00",
        "B": "200.00",
        "C": "180.00",
        "D": "20.00",
        "E": "0.00",
    }
    assert points["乙乡"] == {
        "A1": "400.00",
        "A2": "200.00",
        "B": "170.00",
        "C": "175.50",
        "D": "20.00",
        "E": "0.00",
    }
    assert points["丙镇"] == {
        "A1": "440.00",
        "A2": "196.50",
        "B": "170.00",
        "C": "150.00",
        "D": "0.00",
        "E": "0.00",
    }
    assert "目标 400" in out["丙镇"]["indicators"]["A1"]["derivation"]
    assert out["乙乡"]["veto_reasons"] == ["发生较大安全生产事故（2026-08-12）"]
    assert "四看：群众口碑好" in out["乙乡"]["indicators"]["C"]["derivation"]

    # the stored lines and inputs
    results = {
        r.participant.unit.name: r
        for r in Result.objects.filter(computation=run).select_related("participant__unit")
    }
    assert {n: (str(r.total), r.rank, r.grade, r.vetoed) for n, r in results.items()} == {
        "甲镇": ("935.00", 2, "好", False),
        "乙乡": ("965.50", 3, "一般", True),
        "丙镇": ("956.50", 1, "实绩突出", False),
    }
    inputs = {u["name"]: u for u in run.inputs["units"]}
    assert inputs["丙镇"]["values"]["A1"] == {"actual": "500", "target": "400"}
    assert inputs["甲镇"]["category"] == CATEGORY
    assert run.sealed is False and run.digest
    assert AuditEvent.objects.get(action=events.COMPUTE).payload == {"digests": {CATEGORY: run.digest}}


def test_a_missing_actual_refuses_naming_unit_and_indicator(world: World, cycle: Cycle) -> None:
    fill(world, cycle, skip_actual="乙乡")
    with pytest.raises(ValidationError) as caught:
        services.compute(cycle=cycle, actor=world.users["county"])
    assert codes(caught.value) == {errors.INPUTS_INVALID}
    assert caught.value.messages == [
        f"{CATEGORY}：单位 TB（乙乡），指标 A1（一般公共预算收入）：缺少完成值 actual"
    ]
    assert not Computation.objects.exists() and not Result.objects.exists()
    assert not AuditEvent.objects.filter(action=events.COMPUTE).exists()


def test_compute_is_refused_before_the_cycle_opens(world: World, draft_cycle: Cycle) -> None:
    with pytest.raises(ValidationError) as caught:
        services.compute(cycle=draft_cycle, actor=None)
    assert codes(caught.value) == {errors.CYCLE_STATE}
    assert not Computation.objects.exists()


# --- 民主测评 read from a ballots-engine session ------------------------------------------------------


BALLOT_SCHEME: dict[str, Any] = {
    "name": "民主测评方案（测试）",
    "total": 100,
    "indicators": [
        {"code": "M", "name": "班子测评", "weight": 100, "rule": "ballot", "groups": {"干部群众": 100}}
    ],
    "grades": [],
}


def ballot_cycle(world: World, office: User) -> tuple[Cycle, Participant, BallotSession]:
    """A cycle of 甲镇 alone on one 测评 leaf, and a paper 民主测评 counted and closed (not sealed):
    20 ballots, 优秀 10, 称职 8, 基本称职 2."""
    scheme = services.import_scheme(actor=office, data=BALLOT_SCHEME, year=2026)
    cycle = services.create_cycle(
        actor=office, year=2026, name="测评", tracks=[services.TrackSpec("乡镇", scheme, [world.town_a])]
    )
    services.open_cycle(cycle=cycle, actor=office)
    session = ballot_services.session_create(
        unit=world.county,
        title="乡镇领导班子民主测评",
        kind="rating",
        mode="paper",
        subjects=[{"name": "甲镇领导班子", "nominee": True}],
        groups=[ballot_services.GroupSpec("干部群众", expected=30)],
        actor=None,
    )
    ballot_services.session_open(session=session, actor=None)
    session.refresh_from_db()
    ballot_services.paper_count_enter(
        session=session,
        group=session.groups.get(),
        present=20,
        returned=20,
        invalid=0,
        votes={"甲镇领导班子": {"优秀": 10, "称职": 8, "基本称职": 2}},
        actor=None,
    )
    session.refresh_from_db()
    ballot_services.session_close(session=session, actor=None)
    session.refresh_from_db()
    p = participant(cycle, "甲镇")
    services.link_ballot(participant=p, leaf_code="M", actor=office, session=session, subject="甲镇领导班子")
    return cycle, p, session


def test_a_ballot_leaf_reads_only_a_sealed_session(world: World) -> None:
    office = world.users["county"]
    cycle, _, session = ballot_cycle(world, office)
    assert session.status == "closed"
    with pytest.raises(ValidationError) as caught:
        services.compute(cycle=cycle, actor=office)
    [message] = caught.value.messages
    assert "尚未封存" in message and "乡镇领导班子民主测评" in message and "甲镇" in message
    assert not Computation.objects.exists()

    ballot_services.session_seal(session=session, actor=None)
    [run] = services.compute(cycle=cycle, actor=office)
    # 干部群众 20 票: (100 × 10 + 80 × 8 + 60 × 2) ÷ 20 = 1760 ÷ 20 = 88.00; × 100 ÷ 100 = 88.00
    assert run.output["units"][0]["total"] == "88.00"
    assert run.inputs["units"][0]["values"]["M"] == {
        "干部群众": {"优秀": 10, "称职": 8, "基本称职": 2, "不称职": 0}
    }


def test_a_ballot_subject_missing_from_the_session_is_refused(world: World) -> None:
    office = world.users["county"]
    cycle, p, session = ballot_cycle(world, office)
    ballot_services.session_seal(session=session, actor=None)
    services.link_ballot(participant=p, leaf_code="M", actor=office, session=session, subject="乙乡领导班子")
    with pytest.raises(ValidationError, match="没有对象「乙乡领导班子」"):
        services.compute(cycle=cycle, actor=office)
    assert not Computation.objects.exists()


# --- 7. sealing and correcting --------------------------------------------------------------------


def test_seal_needs_a_current_computation_then_seals_and_a_correction_keeps_the_sealed_run(
    world: World, cycle: Cycle
) -> None:
    office = world.users["county"]
    fill(world, cycle)
    assert services.seal_check(cycle) == [f"{CATEGORY}：尚未计分"]
    with pytest.raises(ValidationError) as caught:
        services.seal(cycle=cycle, actor=office)
    assert codes(caught.value) == {errors.SEAL_REFUSED}

    services.compute(cycle=cycle, actor=office)
    assert services.seal_check(cycle) == []
    a = participant(cycle, "甲镇")
    services.enter_figures(
        track=a.track, leaf_code="C", actor=office, values={a.pk: ("185", "四看：复核后上调")}
    )
    assert services.seal_check(cycle) == [f"{CATEGORY}：计分后考核数据有变化，请重新计分后再封存"]
    with pytest.raises(ValidationError, match="有变化"):
        services.seal(cycle=cycle, actor=office)
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.OPEN and cycle.seal_digest == ""

    [run] = services.compute(cycle=cycle, actor=office)
    assert by_name(run)["甲镇"]["total"] == "940.00"  # 935.00 + 5
    services.seal(cycle=cycle, actor=office)
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.SEALED and cycle.sealed_at is not None
    assert len(cycle.seal_digest) == 64
    run.refresh_from_db()
    assert run.sealed
    assert Computation.objects.filter(sealed=False).count() == 1  # the first run, never sealed
    event = AuditEvent.objects.get(action=events.CYCLE_SEAL)
    assert event.payload["digest"] == cycle.seal_digest
    assert event.payload["categories"] == {CATEGORY: run.digest}

    # after sealing: only the office changes a figure (a leading group no longer can), and a
    # computation is then a correction with a reason; the sealed run stays as it was
    a = participant(cycle, "甲镇")  # fresh, as a request loads it
    with pytest.raises(ValidationError, match="已封存"):
        services.enter_actuals(track=a.track, leaf_code="A1", actor=world.users["dept"], values={a.pk: "1"})
    services.enter_figures(track=a.track, leaf_code="C", actor=office, values={a.pk: ("175", "复核后下调")})
    with pytest.raises(ValidationError) as caught:
        services.compute(cycle=cycle, actor=office, reason="  ")
    assert codes(caught.value) == {errors.CYCLE_STATE} and "更正须写明理由" in caught.value.messages[0]
    assert Computation.objects.filter(track=run.track).count() == 2
    [fix] = services.compute(cycle=cycle, actor=office, reason="复核更正")
    assert fix.sealed and fix.reason == "复核更正" and fix.pk != run.pk
    assert by_name(fix)["甲镇"]["total"] == "930.00"  # 940.00 − (185 − 175)
    assert by_name(run)["甲镇"]["total"] == "940.00"
    assert Computation.objects.filter(track=run.track).count() == 3
    assert Computation.objects.filter(track=run.track, sealed=True).count() == 2
    assert services.current(run.track) == fix
    run.refresh_from_db()
    assert run.sealed  # the sealed run stays
    assert AuditEvent.objects.get(action=events.CORRECT).payload["reason"] == "复核更正"
    with pytest.raises(ValidationError):
        services.seal(cycle=cycle, actor=office)
