"""The annual evaluation end to end: a real 述职评议 ballot session, bundled scores and a year of
work data give a total that matches a hand computation; the state rules; the record written into
the cadre's file; the pages and their scope."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from ganbu.audit.models import AuditEvent
from ganbu.ballots import services as ballot_services
from ganbu.ballots.models import BallotSession
from ganbu.cadres.models import EvaluationRecord
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import PASSWORD, World
from ganbu.villagework.models import (
    Assignment,
    Evaluation,
    EvaluationEntry,
    EvaluationStatus,
    RequestCategory,
    RequestStatus,
    VillagerRequest,
    Visit,
    WorkLog,
)
from ganbu.villagework.services import evaluation as services
from ganbu.villagework.services.settings import settings_update
from ganbu.villagework.tests.factories import VillageWorld, vw

pytestmark = pytest.mark.django_db

YEAR = 2025
TODAY = date(2026, 1, 15)
EXPECTED = {"村民代表": 10, "乡镇干部": 5, "乡镇领导": 5}
BUNDLED = {"村级创业承诺": "90", "村务财务党务公开": "85", "社会治安综合治理": "80", "村级组织建设": "95"}
# 优秀, 称职, 基本称职, 不称职 per group
VOTES = {"村民代表": (4, 4, 2, 0), "乡镇干部": (3, 2, 0, 0), "乡镇领导": (5, 0, 0, 0)}
OPTIONS = ("优秀", "称职", "基本称职", "不称职")


def work_year(v: VillageWorld) -> None:
    """17 logs in 17 different weeks, each visiting one of four of the five households of 甲村, and
    four requests of which three are resolved."""
    cadre, village = v.cadre_a, v.world.village_a
    monday = date(2025, 1, 6)
    for week in range(17):
        day = monday + timedelta(weeks=week * 3)
        log = WorkLog.objects.create(
            cadre=cadre,
            village=village,
            assignment=v.assignment_a,
            logged_on=day,
            kind="visit",
            content="走访",
        )
        household = v.households_a[week % 4]
        Visit.objects.create(log=log, household=household, village=village, cadre=cadre, visited_on=day)
    for index in range(4):
        resolved = index < 3
        VillagerRequest.objects.create(
            village=village,
            household=v.households_a[index],
            cadre=cadre,
            category=RequestCategory.INFRASTRUCTURE,
            description=f"诉求{index}",
            raised_on=date(2025, 3, 1),
            due_on=date(2025, 3, 20),
            status=RequestStatus.RESOLVED if resolved else RequestStatus.ACCEPTED,
            resolved_on=date(2025, 3, 10) if resolved else None,
        )


def run_ballot(
    session: BallotSession, cadre_name: str, votes: Mapping[str, tuple[int, ...]], *, seal: bool
) -> None:
    """Issue codes, open, cast the given number of 优秀/称职/基本称职/不称职 per group, close (and seal)."""
    issued = {}
    for group in session.groups.all():
        if sum(votes[group.name]):
            issued[group.name] = ballot_services.codes_issue(
                session=session, group=group, count=sum(votes[group.name]), actor=None
            )
    session.refresh_from_db()
    ballot_services.session_open(session=session, actor=None)
    for name, codes in issued.items():
        answers = [o for o, n in zip(OPTIONS, votes[name], strict=True) for _ in range(n)]
        for code, answer in zip(codes, answers, strict=True):
            ballot_services.ballot_cast(code=code, answers={cadre_name: answer})
    session.refresh_from_db()
    ballot_services.session_close(session=session, actor=None)
    if seal:
        session.refresh_from_db()
        ballot_services.session_seal(session=session, actor=None)


@pytest.fixture
def v(world: World) -> VillageWorld:
    village_world = vw(world)
    settings_update(actor=None, weekly_visit_quota=1)
    return village_world


def open_evaluation(v: VillageWorld) -> Evaluation:
    return services.evaluation_create(township=v.world.town_a, year=YEAR, actor=v.world.users["clerk_a"])


# --- create --------------------------------------------------------------------------------------


def test_create_copies_the_rules_and_makes_one_entry_per_cadre_and_village(v: VillageWorld) -> None:
    world = v.world
    other = make_cadre(world.town_a, "郑队员")
    Assignment.objects.create(
        cadre=other, village=world.village_a, started_on=date(2024, 1, 1), role="team_member"
    )
    gone = make_cadre(world.town_a, "冯离任")
    Assignment.objects.create(
        cadre=gone, village=world.village_a, started_on=date(2022, 1, 1), ended_on=date(2024, 12, 31)
    )
    # two stays of the same cadre in the same village → one entry
    Assignment.objects.create(
        cadre=v.cadre_a, village=world.village_a, started_on=date(2023, 1, 1), ended_on=date(2024, 12, 31)
    )
    evaluation = open_evaluation(v)
    assert evaluation.title == "甲镇2025年度驻村干部考核"
    assert evaluation.status == EvaluationStatus.DRAFT
    assert evaluation.weekly_visit_quota == 1
    assert [g["name"] for g in evaluation.rater_groups] == ["村民代表", "乡镇干部", "乡镇领导"]
    assert evaluation.part_weights == {"ballot": 50, "bundled": 30, "work": 20}
    entries = {(e.cadre.name, e.village.name) for e in evaluation.entries.all()}
    assert entries == {("黄驻村", "甲村"), ("郑队员", "甲村")}  # not 冯离任 (left before 2025), not 乙村
    event = AuditEvent.objects.get(action="villagework.evaluation_created")
    assert event.payload["entries"] == 2 and event.unit_path == world.town_a.path

    # later changes to the settings do not change this evaluation
    settings_update(actor=None, part_weights={"ballot": 40, "bundled": 40, "work": 20})
    evaluation.refresh_from_db()
    assert evaluation.part_weights == {"ballot": 50, "bundled": 30, "work": 20}


def test_one_evaluation_per_township_and_year(v: VillageWorld) -> None:
    open_evaluation(v)
    with pytest.raises(ValidationError) as info:
        open_evaluation(v)
    assert "甲镇2025年度的驻村干部考核已经建立" in str(info.value.messages)
    assert Evaluation.objects.count() == 1


def test_create_refuses_a_township_without_stationed_cadres_and_out_of_scope(v: VillageWorld) -> None:
    with pytest.raises(ValidationError, match="没有驻村干部"):
        services.evaluation_create(township=v.world.town_a, year=2019, actor=None)
    with pytest.raises(PermissionDenied):
        services.evaluation_create(township=v.world.town_b, year=YEAR, actor=v.world.users["clerk_a"])
    with pytest.raises(ValidationError, match="请选择乡镇"):
        services.evaluation_create(township=v.world.village_a, year=YEAR, actor=None)
    assert not Evaluation.objects.exists()


# --- the whole flow ------------------------------------------------------------------------------


def test_the_whole_flow_matches_a_hand_computation(v: VillageWorld) -> None:
    clerk = v.world.users["clerk_a"]
    work_year(v)
    evaluation = open_evaluation(v)
    created = services.ballots_create(evaluation=evaluation, expected=EXPECTED, actor=clerk)
    assert len(created) == 1
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.VOTING
    entry = EvaluationEntry.objects.get(evaluation=evaluation)
    session = entry.ballot_session
    assert session is not None and session.unit == v.world.village_a and session.kind == "rating"
    assert session.title == "2025年度驻村干部述职评议 · 黄驻村 · 甲村"
    assert [(g.name, g.expected, g.weight) for g in session.groups.order_by("sort_order", "id")] == [
        ("村民代表", 10, 40),
        ("乡镇干部", 5, 30),
        ("乡镇领导", 5, 30),
    ]
    subject = session.subjects.get()
    assert subject.cadre_id == v.cadre_a.pk and subject.note == "甲村驻村干部"
    # a second call creates nothing new
    assert services.ballots_create(evaluation=evaluation, expected=EXPECTED, actor=clerk) == []

    services.bundled_scores_enter(entry=entry, scores=BUNDLED, actor=clerk)
    bundled_event = AuditEvent.objects.get(action="villagework.evaluation_bundled_scores")
    assert bundled_event.payload["before"] == {} and bundled_event.payload["after"]["村级组织建设"] == "95"

    run_ballot(session, "黄驻村", VOTES, seal=True)
    services.evaluation_compute(evaluation=evaluation, actor=clerk, today=TODAY)
    entry.refresh_from_db()
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.SCORED
    # 评议: 村民代表 (400 + 320 + 120) / 10 = 84, 乡镇干部 (300 + 160) / 5 = 92, 乡镇领导 100
    #       (40 × 84 + 30 × 92 + 30 × 100) / 100 = 91.20
    assert entry.ballot_score == Decimal("91.20")
    # 捆绑: (90 + 85 + 80 + 95) / 4
    assert entry.bundled_score == Decimal("87.50")
    # 实绩: coverage 4/5 = 80.00; quota weeks: 51 full weeks in 2025 (Mon 6 Jan … Mon 22 Dec), 17 met
    #       → 33.33; requests 3/4 = 75 → 0.5 × 80 + 0.3 × 33.33 + 0.2 × 75 = 64.999 → 65.00
    assert entry.work_numbers["numbers"]["weeks"] == 51
    assert entry.work_numbers["numbers"]["weeks_met"] == 17
    assert entry.work_numbers["numbers"]["coverage"] == "80.00"
    assert entry.work_score == Decimal("65.00")
    # 45.60 + 26.25 + 13.00
    assert entry.total_score == Decimal("84.85")
    assert entry.suggested_grade == "2"
    assert entry.work_numbers["explain"] == "评议 91.20 × 50% + 捆绑 87.50 × 30% + 实绩 65.00 × 20% = 84.85"
    assert [g["score"] for g in entry.work_numbers["ballot"]["groups"]] == ["84.00", "92.00", "100.00"]
    assert entry.work_numbers["flags"] == []
    # scored by the assessment engine: the ballot engine's counts per group, its points and texts
    assert entry.work_numbers["points"] == {"ballot": "45.60", "bundled": "26.25", "work": "13.00"}
    assert entry.work_numbers["derivations"] == {
        "ballot": "村民代表 10 票平均 84.00（权重 40）；乡镇干部 5 票平均 92.00（权重 30）；"
        "乡镇领导 5 票平均 100.00（权重 30）；加权平均 91.20 × 5000 ÷ 100 = 4560.00",
        "bundled": "评定 2625.00：捆绑 87.50 × 30%",
        "work": "评定 1300.00：实绩 65.00 × 20%",
        "unfit": "无一票否决事项",
    }
    computed = AuditEvent.objects.get(action="villagework.evaluation_computed")
    assert computed.payload["entries"][str(entry.pk)]["total"] == "84.85"
    assert computed.payload["entries"][str(entry.pk)]["parts"]["ballot"] == "91.20"

    services.evaluation_finalize(evaluation=evaluation, actor=clerk)
    entry.refresh_from_db()
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.FINAL
    assert entry.final_grade == "2" and entry.written_at is not None
    record = EvaluationRecord.objects.get(cadre=v.cadre_a)
    assert (record.year, record.kind, record.score, record.grade) == (2025, "驻村考核", Decimal("84.85"), "2")
    assert record.source == f"villagework.evaluation:{evaluation.pk}"
    assert "评议 91.20 × 50%" in record.note
    finalized = AuditEvent.objects.get(action="villagework.evaluation_finalized")
    assert finalized.payload["entries"][str(entry.pk)]["grade"] == "2"
    assert AuditEvent.objects.filter(action="cadre.evaluation_record").count() == 1


def test_overriding_the_grade_needs_a_reason_and_refinalizing_replaces(v: VillageWorld) -> None:
    clerk = v.world.users["clerk_a"]
    work_year(v)
    evaluation = open_evaluation(v)
    services.ballots_create(evaluation=evaluation, expected=EXPECTED, actor=clerk)
    entry = EvaluationEntry.objects.get(evaluation=evaluation)
    services.bundled_scores_enter(entry=entry, scores=BUNDLED, actor=clerk)
    assert entry.ballot_session is not None
    run_ballot(entry.ballot_session, "黄驻村", VOTES, seal=False)  # closed is enough
    services.evaluation_compute(evaluation=evaluation, actor=clerk, today=TODAY)
    services.evaluation_finalize(evaluation=evaluation, actor=clerk)
    assert EvaluationRecord.objects.get(cadre=v.cadre_a).grade == "2"

    with pytest.raises(ValidationError) as info:
        services.evaluation_finalize(evaluation=evaluation, grades={entry.pk: "1"}, actor=clerk)
    assert "黄驻村（甲村）" in info.value.messages[0] and "调整理由" in info.value.messages[0]
    assert EvaluationRecord.objects.get(cadre=v.cadre_a).grade == "2"

    services.evaluation_finalize(
        evaluation=evaluation, grades={entry.pk: "1"}, reasons={entry.pk: "抗洪救灾表现突出"}, actor=clerk
    )
    record = EvaluationRecord.objects.get(cadre=v.cadre_a)  # still one record: replaced
    assert record.grade == "1" and "调整为优秀，理由：抗洪救灾表现突出" in record.note
    entry.refresh_from_db()
    assert entry.final_grade == "1" and entry.suggested_grade == "2"
    last = AuditEvent.objects.filter(action="villagework.evaluation_finalized").latest("id")
    assert last.payload["entries"][str(entry.pk)]["reason"] == "抗洪救灾表现突出"


def test_compute_is_refused_while_a_session_is_open_or_missing(v: VillageWorld) -> None:
    clerk = v.world.users["clerk_a"]
    evaluation = open_evaluation(v)
    entry = EvaluationEntry.objects.get(evaluation=evaluation)
    services.bundled_scores_enter(entry=entry, scores=BUNDLED, actor=clerk)
    with pytest.raises(ValidationError) as info:
        services.evaluation_compute(evaluation=evaluation, actor=clerk, today=TODAY)
    assert info.value.messages == ["黄驻村（甲村）：尚未创建评议投票"]

    services.ballots_create(evaluation=evaluation, expected=EXPECTED, actor=clerk)
    entry.refresh_from_db()
    assert entry.ballot_session is not None
    session = entry.ballot_session
    group = session.groups.first()
    assert group is not None
    ballot_services.codes_issue(session=session, group=group, count=5, actor=None)
    session.refresh_from_db()
    ballot_services.session_open(session=session, actor=None)
    with pytest.raises(ValidationError) as info:
        services.evaluation_compute(evaluation=evaluation, actor=clerk, today=TODAY)
    assert "黄驻村（甲村）" in info.value.messages[0] and "投票中" in info.value.messages[0]
    entry.refresh_from_db()
    evaluation.refresh_from_db()
    assert entry.total_score is None and evaluation.status == EvaluationStatus.VOTING
    assert not AuditEvent.objects.filter(action="villagework.evaluation_computed").exists()
    # and finalize before compute
    with pytest.raises(ValidationError, match="请先计算得分"):
        services.evaluation_finalize(evaluation=evaluation, actor=clerk)


def test_compute_is_refused_without_bundled_scores(v: VillageWorld) -> None:
    clerk = v.world.users["clerk_a"]
    evaluation = open_evaluation(v)
    services.ballots_create(evaluation=evaluation, expected=EXPECTED, actor=clerk)
    entry = EvaluationEntry.objects.get(evaluation=evaluation)
    assert entry.ballot_session is not None
    run_ballot(entry.ballot_session, "黄驻村", VOTES, seal=True)
    with pytest.raises(ValidationError) as info:
        services.evaluation_compute(evaluation=evaluation, actor=clerk, today=TODAY)
    assert "黄驻村（甲村）：尚未录入捆绑考核得分" in info.value.messages[0]


def test_a_small_group_hidden_by_the_ballot_engine_still_counts_exactly(v: VillageWorld) -> None:
    """乡镇领导 with 4 valid ballots is below the engine's minimum group size (5): the engine does not
    break it out, and it counts through the engine's weighted shares (no score of its own shown)."""
    clerk = v.world.users["clerk_a"]
    evaluation = open_evaluation(v)
    services.ballots_create(evaluation=evaluation, expected=EXPECTED, actor=clerk)
    entry = EvaluationEntry.objects.get(evaluation=evaluation)
    services.bundled_scores_enter(entry=entry, scores=BUNDLED, actor=clerk)
    assert entry.ballot_session is not None
    votes = {"村民代表": (4, 4, 2, 0), "乡镇干部": (3, 2, 0, 0), "乡镇领导": (2, 1, 1, 0)}
    run_ballot(entry.ballot_session, "黄驻村", votes, seal=True)
    services.evaluation_compute(evaluation=evaluation, actor=clerk, today=TODAY)
    entry.refresh_from_db()
    # 乡镇领导 (200 + 80 + 60) / 4 = 85 → (40 × 84 + 30 × 92 + 30 × 85) / 100 = 86.70
    assert entry.ballot_score == Decimal("86.70")
    assert entry.work_numbers["ballot"]["merged"] == ["乡镇领导"]
    assert [g["name"] for g in entry.work_numbers["ballot"]["groups"]] == ["村民代表", "乡镇干部"]
    # the assessment engine reads the ballot engine's weighted shares: 乡镇领导's counts are not shown
    assert entry.work_numbers["derivations"]["ballot"] == (
        "加权占比 优秀 49.00%、称职 35.50%、基本称职 15.50%、不称职 0.00%（各评议人类别按权重合并）；"
        "加权平均 86.70 × 5000 ÷ 100 = 4335.00"
    )
    assert entry.work_numbers["points"]["ballot"] == "43.35"


def test_unfit_votes_raise_the_warning_and_cap_the_grade(v: VillageWorld) -> None:
    clerk = v.world.users["clerk_a"]
    settings_update(
        actor=None,
        part_weights={"ballot": 10, "bundled": 90, "work": 0},
    )
    evaluation = open_evaluation(v)
    services.ballots_create(evaluation=evaluation, expected=EXPECTED, actor=clerk)
    entry = EvaluationEntry.objects.get(evaluation=evaluation)
    services.bundled_scores_enter(
        entry=entry,
        scores={"村级创业承诺": 100, "村务财务党务公开": 100, "社会治安综合治理": 100, "村级组织建设": 100},
        actor=clerk,
    )
    assert entry.ballot_session is not None
    # 不称职 4/10, 2/5, 2/5 → 40 % ≥ 30 %
    votes = {"村民代表": (6, 0, 0, 4), "乡镇干部": (3, 0, 0, 2), "乡镇领导": (3, 0, 0, 2)}
    run_ballot(entry.ballot_session, "黄驻村", votes, seal=True)
    services.evaluation_compute(evaluation=evaluation, actor=clerk, today=TODAY)
    entry.refresh_from_db()
    # ballot 60 → 6 + 90 = 96 ≥ 90 would be 优秀, capped at 基本称职
    assert entry.ballot_score == Decimal("60.00") and entry.total_score == Decimal("96.00")
    assert entry.suggested_grade == "3"
    assert entry.work_numbers["flags"] == ["不胜任现职预警"] and entry.work_numbers["capped"] is True
    assert entry.work_numbers["ballot"]["unfit_share"] == "40.00"
    # the cap is the assessment engine's veto
    assert entry.work_numbers["derivations"]["unfit"] == "一票否决：不胜任现职预警；等次最高为「基本称职」"


@pytest.mark.parametrize(("unfit", "warned"), [((3, 1, 2), True), ((2, 1, 2), False)])
def test_the_unfit_warning_is_the_ballot_engines(
    v: VillageWorld, unfit: tuple[int, ...], warned: bool
) -> None:
    """不称职 weighted (40 × 3/10 + 30 × 1/5 + 30 × 2/5) / 100 = exactly 30 %: the engine warns at its
    threshold (30 % by default) and the evaluation takes its word; 26 %: no warning. The evaluation
    applies no threshold of its own."""
    clerk = v.world.users["clerk_a"]
    settings_update(actor=None, part_weights={"ballot": 10, "bundled": 90, "work": 0})
    evaluation = open_evaluation(v)
    services.ballots_create(evaluation=evaluation, expected=EXPECTED, actor=clerk)
    entry = EvaluationEntry.objects.get(evaluation=evaluation)
    services.bundled_scores_enter(entry=entry, scores=dict.fromkeys(BUNDLED, 100), actor=clerk)
    assert entry.ballot_session is not None
    votes = {
        name: (expected - n, 0, 0, n) for (name, expected), n in zip(EXPECTED.items(), unfit, strict=True)
    }
    run_ballot(entry.ballot_session, "黄驻村", votes, seal=True)
    services.evaluation_compute(evaluation=evaluation, actor=clerk, today=TODAY)
    entry.refresh_from_db()
    share = "30.00" if warned else "26.00"
    assert entry.work_numbers["ballot"]["unfit_share"] == share
    assert entry.work_numbers["flags"] == (["不胜任现职预警"] if warned else [])
    # ballot 70 (or 74) → total 97 (97.40): 优秀, capped at 基本称职 by the warning
    assert entry.suggested_grade == ("3" if warned else "1")


def test_bundled_scores_are_validated_naming_the_item(v: VillageWorld) -> None:
    evaluation = open_evaluation(v)
    entry = EvaluationEntry.objects.get(evaluation=evaluation)
    with pytest.raises(ValidationError) as info:
        services.bundled_scores_enter(
            entry=entry, scores={**BUNDLED, "村级组织建设": "120"}, actor=v.world.users["clerk_a"]
        )
    assert info.value.messages == ["「村级组织建设」的得分应为0到100之间的数"]
    entry.refresh_from_db()
    assert entry.bundled_scores == {}
    assert not AuditEvent.objects.filter(action="villagework.evaluation_bundled_scores").exists()


def test_another_township_cannot_act_on_the_evaluation(v: VillageWorld) -> None:
    evaluation = open_evaluation(v)
    entry = EvaluationEntry.objects.get(evaluation=evaluation)
    clerk_b = v.world.users["clerk_b"]
    with pytest.raises(PermissionDenied):
        services.ballots_create(evaluation=evaluation, expected=EXPECTED, actor=clerk_b)
    with pytest.raises(PermissionDenied):
        services.bundled_scores_enter(entry=entry, scores=BUNDLED, actor=clerk_b)
    with pytest.raises(PermissionDenied):
        services.evaluation_compute(evaluation=evaluation, actor=clerk_b)
    with pytest.raises(PermissionDenied):
        services.evaluation_finalize(evaluation=evaluation, actor=clerk_b)
    assert not BallotSession.objects.exists()


def test_a_cadre_in_two_villages_gets_a_record_per_village(v: VillageWorld) -> None:
    world = v.world
    from ganbu.org import services as org_services
    from ganbu.org.models import UnitKind

    village_c = org_services.unit_create(
        code="VC", name="丙村", kind=UnitKind.VILLAGE, parent=world.town_a, actor=None
    )
    Assignment.objects.create(cadre=v.cadre_a, village=village_c, started_on=date(2025, 1, 1))
    settings_update(actor=None, part_weights={"ballot": 0, "bundled": 100, "work": 0})
    clerk = world.users["clerk_a"]
    evaluation = open_evaluation(v)
    for entry in evaluation.entries.all():
        services.bundled_scores_enter(entry=entry, scores=BUNDLED, actor=clerk)
    # ballot weight 0: no session needed
    services.evaluation_compute(evaluation=evaluation, actor=clerk, today=TODAY)
    services.evaluation_finalize(evaluation=evaluation, actor=clerk)
    kinds = sorted(EvaluationRecord.objects.filter(cadre=v.cadre_a).values_list("kind", flat=True))
    assert kinds == ["驻村考核（丙村）", "驻村考核（甲村）"]
    assert set(EvaluationRecord.objects.values_list("score", flat=True)) == {Decimal("87.50")}


# --- pages ---------------------------------------------------------------------------------------


def login(world: World, who: str) -> Client:
    client = Client()
    client.force_login(world.users[who])
    return client


def test_pages_walk_through_the_evaluation(v: VillageWorld) -> None:
    world = v.world
    work_year(v)
    clerk = login(world, "clerk_a")
    assert clerk.get(reverse("villagework:evaluation_create")).status_code == 200
    response = clerk.post(
        reverse("villagework:evaluation_create"), {"township": world.town_a.pk, "year": YEAR}
    )
    evaluation = Evaluation.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "villagework:evaluation", args=[evaluation.pk]
    )
    again = clerk.post(reverse("villagework:evaluation_create"), {"township": world.town_a.pk, "year": YEAR})
    assert again.status_code == 200 and "已经建立" in again.content.decode()

    listing = clerk.get(reverse("villagework:evaluation_list")).content.decode()
    assert evaluation.title in listing and "当前考核规则" in listing

    detail_url = reverse("villagework:evaluation", args=[evaluation.pk])
    page = clerk.get(detail_url).content.decode()
    assert "黄驻村" in page and "创建评议投票" in page

    bad = clerk.post(reverse("villagework:evaluation_ballots", args=[evaluation.pk]), {"expected_0": "0"})
    assert bad.status_code == 302 and not BallotSession.objects.exists()
    clerk.post(
        reverse("villagework:evaluation_ballots", args=[evaluation.pk]),
        {"expected_0": 10, "expected_1": 5, "expected_2": 5},
    )
    entry = EvaluationEntry.objects.get()
    assert entry.ballot_session is not None
    page = clerk.get(detail_url).content.decode()
    assert reverse("ballots:session_detail", args=[entry.ballot_session_id]) in page

    entry_url = reverse("villagework:entry", args=[entry.pk])
    assert "村级创业承诺" in clerk.get(entry_url).content.decode()
    scores_url = reverse("villagework:entry_scores", args=[entry.pk])
    wrong = clerk.post(scores_url, {"item_0": "90", "item_1": "85", "item_2": "abc", "item_3": ""})
    assert wrong.status_code == 400
    text = wrong.content.decode()
    assert "「社会治安综合治理」的得分应为数字" in text and "请填写「村级组织建设」的得分" in text
    assert (
        clerk.post(scores_url, {"item_0": "90", "item_1": "85", "item_2": "80", "item_3": "95"}).status_code
        == 302
    )
    entry.refresh_from_db()
    assert entry.bundled_scores == BUNDLED

    # compute while the session is still a draft: refused with the cadre's name
    response = clerk.post(reverse("villagework:evaluation_compute", args=[evaluation.pk]), follow=True)
    assert "黄驻村（甲村）：评议投票「准备中」" in response.content.decode()

    assert entry.ballot_session is not None
    run_ballot(entry.ballot_session, "黄驻村", VOTES, seal=True)
    services.evaluation_compute(evaluation=evaluation, actor=world.users["clerk_a"], today=TODAY)
    entry_page = clerk.get(entry_url).content.decode()
    assert "评议 91.20 × 50% + 捆绑 87.50 × 30% + 实绩 65.00 × 20% = 84.85" in entry_page

    finalize_url = reverse("villagework:evaluation_finalize", args=[evaluation.pk])
    assert "确定并写入档案" in clerk.get(finalize_url).content.decode()
    refused = clerk.post(finalize_url, {f"grade_{entry.pk}": "1", f"reason_{entry.pk}": ""})
    assert refused.status_code == 200 and "请填写调整理由" in refused.content.decode()
    assert not EvaluationRecord.objects.exists()
    done = clerk.post(finalize_url, {f"grade_{entry.pk}": "2", f"reason_{entry.pk}": ""})
    assert done.status_code == 302
    assert EvaluationRecord.objects.get(cadre=v.cadre_a).grade == "2"
    assert "已写入档案" in clerk.get(detail_url).content.decode()


def test_pages_are_for_managers_in_scope(v: VillageWorld) -> None:
    world = v.world
    evaluation = open_evaluation(v)
    entry = EvaluationEntry.objects.get()
    urls = [
        reverse("villagework:evaluation", args=[evaluation.pk]),
        reverse("villagework:evaluation_finalize", args=[evaluation.pk]),
        reverse("villagework:entry", args=[entry.pk]),
    ]
    county = login(world, "county")
    for url in urls:
        assert county.get(url).status_code == 200, url
    clerk_b = login(world, "clerk_b")
    for url in urls:
        assert clerk_b.get(url).status_code == 404, url
    assert clerk_b.post(reverse("villagework:evaluation_compute", args=[evaluation.pk])).status_code == 404
    assert evaluation.title not in clerk_b.get(reverse("villagework:evaluation_list")).content.decode()
    cadre = login(world, "village_cadre")
    assert cadre.get(reverse("villagework:evaluation_list")).status_code == 403
    assert cadre.get(urls[0]).status_code == 403
    clerk = login(world, "clerk_a")
    assert clerk.get(reverse("villagework:evaluation_compute", args=[evaluation.pk])).status_code == 405
    # a 乙乡 clerk cannot open an evaluation for 甲镇: the township is not a choice
    response = clerk_b.post(
        reverse("villagework:evaluation_create"), {"township": world.town_a.pk, "year": YEAR}
    )
    assert response.status_code == 200 and Evaluation.objects.count() == 1


# --- on a phone ----------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_township_scores_and_finalizes_on_a_phone(live_server: Any, world: World) -> None:
    """Screenshots: test-artifacts/villagework-evaluation-*.png."""
    from ganbu.core.browser import browser_available, login, make_driver, save_screenshot

    if not browser_available():
        pytest.skip("headless Chromium not installed")
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    v = vw(world)
    settings_update(actor=None, weekly_visit_quota=1)
    work_year(v)
    clerk = world.users["clerk_a"]
    evaluation = open_evaluation(v)
    services.ballots_create(evaluation=evaluation, expected=EXPECTED, actor=clerk)
    entry = EvaluationEntry.objects.get()
    assert entry.ballot_session is not None
    run_ballot(entry.ballot_session, "黄驻村", VOTES, seal=True)

    driver = make_driver(phone=True)
    try:
        login(driver, live_server.url, "clerk_a", PASSWORD)
        driver.get(live_server.url + reverse("villagework:entry", args=[entry.pk]))
        for index, value in enumerate(BUNDLED.values()):
            field = driver.find_element(By.ID, f"id_item_{index}")
            field.clear()
            field.send_keys(value)
        driver.execute_script("document.getElementById('bundled-form').submit()")
        WebDriverWait(driver, 15).until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, "main"), "已保存"))

        driver.get(live_server.url + reverse("villagework:evaluation", args=[evaluation.pk]))
        driver.execute_script("document.getElementById('compute-form').submit()")
        WebDriverWait(driver, 15).until(
            ec.text_to_be_present_in_element((By.CSS_SELECTOR, "main"), "得分已计算")
        )
        assert "84.85" in driver.find_element(By.ID, "entry-table").text
        save_screenshot(driver, "villagework-evaluation-phone-1-scored")

        driver.get(live_server.url + reverse("villagework:entry", args=[entry.pk]))
        explain = driver.find_element(By.ID, "explain").text
        assert explain == "评议 91.20 × 50% + 捆绑 87.50 × 30% + 实绩 65.00 × 20% = 84.85"
        save_screenshot(driver, "villagework-evaluation-phone-2-entry")

        driver.get(live_server.url + reverse("villagework:evaluation_finalize", args=[evaluation.pk]))
        save_screenshot(driver, "villagework-evaluation-phone-3-finalize")
        driver.execute_script("document.getElementById('finalize-form').submit()")  # no confirm() on submit()
        WebDriverWait(driver, 15).until(
            ec.text_to_be_present_in_element((By.CSS_SELECTOR, "main"), "已写入干部档案")
        )
        save_screenshot(driver, "villagework-evaluation-phone-4-final")
    finally:
        driver.quit()
    record = EvaluationRecord.objects.get(cadre=v.cadre_a)
    assert (record.grade, record.score) == ("2", Decimal("84.85"))


def test_its_ballot_sessions_are_edited_here_not_in_the_ballot_module(v: VillageWorld) -> None:
    from django.core.exceptions import ValidationError

    from ganbu.ballots import services as ballot_services

    clerk = v.world.users["clerk_a"]
    work_year(v)
    evaluation = open_evaluation(v)
    services.ballots_create(evaluation=evaluation, expected=EXPECTED, actor=clerk)
    session = EvaluationEntry.objects.get(evaluation=evaluation).ballot_session
    assert session is not None and session.status == "draft"
    with pytest.raises(ValidationError, match="由「驻村工作」模块创建"):
        ballot_services.session_update(
            session=session,
            unit=session.unit,
            title="改名",
            kind=session.kind,
            subjects=[{"label": "某人", "nominee": True}],
            groups=[ballot_services.GroupSpec("村民代表", expected=3)],
            actor=clerk,
        )
    session.refresh_from_db()
    assert session.title.endswith("甲村")
