"""Schemes as versioned data, creating and opening a cycle, the 目标责任书 and who enters figures
(services/schemes.py, services/cycles.py). Computing and sealing: test_cycle_scoring.py."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from ganbu.assessment import errors, events, services
from ganbu.assessment.models import Cycle, CycleStatus, Participant, Scheme, Target, TargetStatus, Track
from ganbu.assessment.tests.conftest import CATEGORY
from ganbu.audit.models import AuditEvent
from ganbu.org.models import Unit
from ganbu.testing.world import World


def codes(exc: ValidationError) -> set[str | None]:
    """The codes of an error's messages (a list of messages keeps a code on each)."""
    return {e.code for e in exc.error_list}


def participant(cycle: Cycle, name: str) -> Participant:
    return cycle.participants.select_related("unit", "track__scheme", "cycle").get(unit__name=name)


def target(cycle: Cycle, name: str, leaf: str = "A1") -> Target:
    return Target.objects.select_related("participant__cycle", "participant__unit").get(
        participant__cycle=cycle, participant__unit__name=name, leaf=leaf
    )


def sign_all(world: World, cycle: Cycle, values: dict[str, str]) -> None:
    for name, value in values.items():
        p = participant(cycle, name)
        services.declare_targets(participant=p, actor=world.users["county"], values={"A1": value})
        services.sign_targets(participant=participant(cycle, name), actor=world.users["county"])


# --- 1. importing a scheme ------------------------------------------------------------------------


def test_import_stores_a_valid_scheme_and_a_same_name_becomes_the_next_version(
    world: World, scheme_data: dict[str, Any]
) -> None:
    first = services.import_scheme(actor=world.users["county"], data=scheme_data, year=2026)
    second = services.import_scheme(actor=world.users["county"], data=scheme_data, year=2027)
    assert (first.version, second.version) == (1, 2)
    assert first.name == second.name == scheme_data["name"]
    assert first.definition == scheme_data
    assert not first.frozen and first.created_by == world.users["county"]
    assert AuditEvent.objects.filter(action=events.SCHEME_IMPORT).count() == 2


def test_import_refuses_weights_that_do_not_add_up_naming_the_indicator(
    world: World, scheme_data: dict[str, Any]
) -> None:
    scheme_data["indicators"][0]["children"][1]["weight"] = 190  # A: 400 + 190 = 590
    scheme_data["indicators"][2]["weight"] = 150  # top level: 600 + 200 + 150 = 950
    with pytest.raises(ValidationError) as caught:
        services.import_scheme(actor=world.users["county"], data=scheme_data, year=2026)
    assert codes(caught.value) == {errors.SCHEME_INVALID}
    text = "；".join(caught.value.messages)
    assert "指标 A（目标责任）" in text and "590" in text
    assert "指标 C（「四看」评定）" not in text  # a leaf's own weight is no problem …
    assert "方案：一级指标权重合计 950" in text  # … the total is: every problem at once
    assert not Scheme.objects.exists()
    assert not AuditEvent.objects.filter(action=events.SCHEME_IMPORT).exists()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\xff\xfe\x00{", "UTF-8"),
        (b'{"name": "x",\n "total": }', "不是有效的 JSON：第 2 行"),
        (b"[1, 2]", "JSON 对象"),
        (b"x" * (512 * 1024 + 1), "过大"),
    ],
)
def test_read_scheme_file_refuses_bad_bytes_in_chinese(content: bytes, words: str) -> None:
    with pytest.raises(ValidationError) as caught:
        services.read_scheme_file(content)
    assert codes(caught.value) == {errors.SCHEME_FILE}
    assert words in caught.value.messages[0]
    assert "方案文件" in caught.value.messages[0]


def test_read_scheme_file_reads_a_bom_and_keeps_decimals_exact() -> None:
    data = services.read_scheme_file('\ufeff{"name": "方案", "cap": 1.1}'.encode())
    assert data == {"name": "方案", "cap": "1.1"}


# --- 2. editing, freezing, copying ----------------------------------------------------------------


def test_save_indicator_adds_a_child_and_edits_one_and_problems_follow(world: World, scheme: Scheme) -> None:
    county = world.users["county"]
    fields = {"code": "A3", "name": "招商引资", "weight": 50, "rule": "ratio_to_top", "lead": ""}
    services.save_indicator(scheme=scheme, actor=county, original="", parent="A", fields=fields)
    scheme.refresh_from_db()
    a = scheme.definition["indicators"][0]
    assert [c["code"] for c in a["children"]] == ["A1", "A2", "A3"]
    assert a["children"][2] == {"code": "A3", "name": "招商引资", "weight": 50, "rule": "ratio_to_top"}
    found = services.problems(scheme.definition)
    assert any("指标 A（目标责任）" in m and "650" in m for m in found), found

    # edit A2 down to 150: the weights add up again
    edit = {"code": "A2", "name": "党的建设（修订）", "weight": 150, "rule": "deduct"}
    services.save_indicator(scheme=scheme, actor=county, original="A2", parent="A", fields=edit)
    scheme.refresh_from_db()
    assert scheme.definition["indicators"][0]["children"][1]["name"] == "党的建设（修订）"
    assert services.problems(scheme.definition) == []
    assert AuditEvent.objects.filter(action=events.SCHEME_UPDATE).count() == 2


def test_save_indicator_refuses_a_code_in_use(world: World, scheme: Scheme) -> None:
    before = copy.deepcopy(scheme.definition)
    with pytest.raises(ValidationError, match="A1"):
        services.save_indicator(
            scheme=scheme,
            actor=world.users["county"],
            original="",
            parent="A",
            fields={"code": "A1", "name": "重复", "weight": 1, "rule": "manual"},
        )
    scheme.refresh_from_db()
    assert scheme.definition == before


def test_an_opened_cycle_freezes_its_scheme_and_a_copy_can_be_edited(
    world: World, scheme: Scheme, cycle: Cycle
) -> None:
    county = world.users["county"]
    scheme.refresh_from_db()
    assert scheme.frozen
    before = copy.deepcopy(scheme.definition)
    edit = {"code": "C", "name": "评定", "weight": 200, "rule": "manual"}
    with pytest.raises(ValidationError) as caught:
        services.save_indicator(scheme=scheme, actor=county, original="C", parent="", fields=edit)
    assert codes(caught.value) == {errors.SCHEME_FROZEN}
    with pytest.raises(ValidationError) as caught:
        services.update_definition(scheme=scheme, actor=county, definition={"name": "x"}, change="x")
    assert codes(caught.value) == {errors.SCHEME_FROZEN}
    assert "复制为新版本" in caught.value.messages[0]
    scheme.refresh_from_db()
    assert scheme.definition == before
    assert not AuditEvent.objects.filter(action=events.SCHEME_UPDATE).exists()

    new = services.copy_scheme(scheme=scheme, actor=county, year=2027)
    assert (new.version, new.based_on, new.year, new.frozen) == (2, scheme, 2027, False)
    services.save_indicator(scheme=new, actor=county, original="C", parent="", fields=edit)
    new.refresh_from_db()
    scheme.refresh_from_db()
    assert new.definition["indicators"][2]["name"] == "评定"
    assert scheme.definition == before  # the original is untouched (a deep copy)


# --- 3. creating a cycle --------------------------------------------------------------------------


def test_create_cycle_refuses_every_problem_at_once_and_creates_nothing(
    world: World, scheme: Scheme, scheme_data: dict[str, Any]
) -> None:
    broken_data = copy.deepcopy(scheme_data)
    broken_data["name"] = "未完成的方案"
    broken = services.import_scheme(actor=None, data=broken_data, year=2026)
    services.save_indicator(
        scheme=broken,
        actor=None,
        original="C",
        parent="",
        fields={"code": "C", "name": "「四看」评定", "weight": 150, "rule": "manual"},
    )
    broken.refresh_from_db()
    no_lead_data = copy.deepcopy(scheme_data)
    no_lead_data["name"] = "牵头单位有误的方案"
    no_lead_data["indicators"][0]["children"][0]["lead"] = "县不存在局"
    no_lead = services.import_scheme(actor=None, data=no_lead_data, year=2026)
    with pytest.raises(ValidationError) as caught:
        services.create_cycle(
            actor=world.users["county"],
            year=2026,
            name="有误的年度",
            tracks=[
                services.TrackSpec("中心镇", broken, [world.town_a]),
                services.TrackSpec("山区乡镇", no_lead, [world.town_b, world.town_a]),
                services.TrackSpec("政府部门", scheme, []),
            ],
        )
    text = "\n".join(caught.value.messages)
    assert "类别「中心镇」选用的方案「未完成的方案（第 1 版）」未通过校验" in text
    assert "牵头单位「县不存在局」在单位中找不到" in text and "A1" in text
    assert "单位「甲镇」同时在类别「中心镇」和「山区乡镇」中" in text
    assert "类别「政府部门」没有参加考核的单位" in text
    assert len(caught.value.messages) == 4
    assert not Cycle.objects.exists() and not Track.objects.exists() and not Participant.objects.exists()
    assert not AuditEvent.objects.filter(action=events.CYCLE_CREATE).exists()


def test_create_cycle_refuses_no_category(world: World) -> None:
    with pytest.raises(ValidationError, match="至少设置一个考核类别"):
        services.create_cycle(actor=None, year=2026, name="空", tracks=[])


def test_create_cycle_creates_tracks_participants_and_an_event(world: World, draft_cycle: Cycle) -> None:
    assert draft_cycle.status == CycleStatus.DRAFT
    track = draft_cycle.tracks.get()
    assert track.category == CATEGORY
    assert sorted(p.unit.name for p in draft_cycle.participants.all()) == sorted(["甲镇", "乙乡", "丙镇"])
    assert all(
        p.track == track and p.target_status == TargetStatus.OPEN for p in draft_cycle.participants.all()
    )
    event = AuditEvent.objects.get(action=events.CYCLE_CREATE)
    assert event.object_id == str(draft_cycle.pk)
    assert event.payload == {"year": 2026, "categories": {CATEGORY: 3}}
    assert not Target.objects.exists()  # the items come when the cycle opens
    scheme = track.scheme
    assert not scheme.frozen


# --- 4. targets (目标责任书) ------------------------------------------------------------------------


def test_open_cycle_creates_one_target_per_completion_leaf_and_participant(
    world: World, scheme_data: dict[str, Any], town_c: Unit
) -> None:
    scheme_data["indicators"][0]["children"][1] = {
        "code": "A2",
        "name": "固定资产投资",
        "weight": 200,
        "rule": "completion",
    }
    scheme = services.import_scheme(actor=None, data=scheme_data, year=2026)
    cycle = services.create_cycle(
        actor=None,
        year=2026,
        name="年度",
        tracks=[services.TrackSpec(CATEGORY, scheme, [world.town_a, world.town_b, town_c])],
    )
    services.open_cycle(cycle=cycle, actor=world.users["county"])
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.OPEN and cycle.opened_at is not None
    rows = sorted(Target.objects.values_list("participant__unit__name", "leaf"))
    assert rows == sorted((u, leaf) for u in ("甲镇", "乙乡", "丙镇") for leaf in ("A1", "A2"))
    assert AuditEvent.objects.filter(action=events.CYCLE_OPEN, object_id=str(cycle.pk)).count() == 1


@pytest.mark.parametrize(
    ("value", "words"), [("", "请填写申报目标值"), ("0", "应大于 0"), ("十", "应为数字")]
)
def test_declare_targets_refuses_a_missing_or_zero_value(
    world: World, cycle: Cycle, value: str, words: str
) -> None:
    p = participant(cycle, "甲镇")
    with pytest.raises(ValidationError) as caught:
        services.declare_targets(participant=p, actor=world.users["clerk_a"], values={"A1": value})
    assert codes(caught.value) == {errors.FIGURE_INVALID}
    assert "A1（一般公共预算收入）" in caught.value.messages[0] and words in caught.value.messages[0]
    p.refresh_from_db()
    assert p.target_status == TargetStatus.OPEN and p.declared_at is None
    assert target(cycle, "甲镇").declared is None


def test_declare_adjust_and_sign_keep_both_values(world: World, cycle: Cycle) -> None:
    county = world.users["county"]
    p = participant(cycle, "丙镇")
    services.declare_targets(participant=p, actor=world.users["clerk_a"], values={"A1": "1,500"})
    p.refresh_from_db()
    assert p.target_status == TargetStatus.DECLARED and p.declared_at is not None
    t = target(cycle, "丙镇")
    assert t.declared == Decimal("1500")

    with pytest.raises(ValidationError, match="须写明理由"):
        services.adjust_target(target=t, actor=county, value="1800", reason="  ")
    t.refresh_from_db()
    assert t.adjusted is None

    services.adjust_target(target=t, actor=county, value="1800", reason="上年完成 1700，目标偏低")
    t.refresh_from_db()
    assert (t.declared, t.adjusted, t.target) == (Decimal("1500"), Decimal("1800"), Decimal("1800"))
    assert t.adjust_reason == "上年完成 1700，目标偏低"
    assert AuditEvent.objects.get(action=events.TARGET_ADJUST).payload["reason"] == "上年完成 1700，目标偏低"

    services.sign_targets(participant=participant(cycle, "丙镇"), actor=county)
    p.refresh_from_db()
    assert p.target_status == TargetStatus.SIGNED and p.signed_by == county
    with pytest.raises(ValidationError):
        services.adjust_target(target=target(cycle, "丙镇"), actor=county, value="1900", reason="再调")


def test_adjusting_to_the_declared_value_needs_no_reason_and_clears_the_adjustment(
    world: World, cycle: Cycle
) -> None:
    services.declare_targets(participant=participant(cycle, "甲镇"), actor=None, values={"A1": "1000"})
    t = target(cycle, "甲镇")
    services.adjust_target(target=t, actor=None, value="1000", reason="")
    t.refresh_from_db()
    assert (t.declared, t.adjusted, t.adjust_reason) == (Decimal("1000"), None, "")


def test_declaring_before_the_cycle_opens_is_refused(world: World, draft_cycle: Cycle) -> None:
    p = participant(draft_cycle, "甲镇")
    with pytest.raises(ValidationError) as caught:
        services.declare_targets(participant=p, actor=None, values={"A1": "1"})
    assert codes(caught.value) == {errors.CYCLE_STATE} and "筹备中" in caught.value.messages[0]


def test_actuals_before_signing_are_refused(world: World, cycle: Cycle) -> None:
    services.declare_targets(participant=participant(cycle, "甲镇"), actor=None, values={"A1": "1000"})
    p = participant(cycle, "甲镇")
    with pytest.raises(ValidationError) as caught:
        services.enter_actuals(track=p.track, leaf_code="A1", actor=world.users["dept"], values={p.pk: "900"})
    assert "甲镇的目标责任书尚未签订" in caught.value.messages
    assert target(cycle, "甲镇").actual is None


# --- 5. who enters the figures --------------------------------------------------------------------


def test_the_lead_department_enters_actuals(world: World, cycle: Cycle) -> None:
    sign_all(world, cycle, {"甲镇": "1000", "乙乡": "800"})
    a, b = participant(cycle, "甲镇"), participant(cycle, "乙乡")
    changed = services.enter_actuals(
        track=a.track, leaf_code="A1", actor=world.users["dept"], values={a.pk: "850", b.pk: ""}
    )
    assert changed == 1
    t = target(cycle, "甲镇")
    assert (t.actual, t.actual_by) == (Decimal("850"), world.users["dept"])
    assert target(cycle, "乙乡").actual is None  # blank leaves it as it was
    event = AuditEvent.objects.get(action=events.ACTUAL_ENTER)
    assert event.payload == {"units": {"甲镇": "850"}}


@pytest.mark.parametrize("user", ["clerk_a", "clerk_b", "village_cadre"])
def test_an_account_that_is_not_the_lead_cannot_enter(world: World, cycle: Cycle, user: str) -> None:
    sign_all(world, cycle, {"甲镇": "1000"})
    a = participant(cycle, "甲镇")
    with pytest.raises(ValidationError) as caught:
        services.enter_actuals(track=a.track, leaf_code="A1", actor=world.users[user], values={a.pk: "2000"})
    assert codes(caught.value) == {errors.NOT_LEAD}
    assert "牵头单位「县教育局」" in caught.value.messages[0]
    assert target(cycle, "甲镇").actual is None


def test_the_lead_cannot_enter_an_indicator_it_does_not_lead(world: World, cycle: Cycle) -> None:
    a = participant(cycle, "甲镇")
    with pytest.raises(ValidationError) as caught:
        services.enter_figures(
            track=a.track, leaf_code="C", actor=world.users["dept"], values={a.pk: ("150", "好")}
        )
    assert codes(caught.value) == {errors.NOT_LEAD} and "考核办" in caught.value.messages[0]


def test_one_bad_actual_among_several_stores_nothing(world: World, cycle: Cycle) -> None:
    sign_all(world, cycle, {"甲镇": "1000", "乙乡": "800", "丙镇": "500"})
    a, b, c = (participant(cycle, n) for n in ("甲镇", "乙乡", "丙镇"))
    with pytest.raises(ValidationError) as caught:
        services.enter_actuals(
            track=a.track,
            leaf_code="A1",
            actor=world.users["dept"],
            values={a.pk: "850", b.pk: "-1", c.pk: "500"},
        )
    assert caught.value.messages == ["乙乡的核定完成值不能小于 0"]
    assert [target(cycle, n).actual for n in ("甲镇", "乙乡", "丙镇")] == [None, None, None]
    assert not AuditEvent.objects.filter(action=events.ACTUAL_ENTER).exists()


def test_one_bad_figure_among_several_stores_nothing(world: World, cycle: Cycle) -> None:
    a, b = participant(cycle, "甲镇"), participant(cycle, "乙乡")
    with pytest.raises(ValidationError) as caught:
        services.enter_figures(
            track=a.track,
            leaf_code="C",
            actor=world.users["county"],
            values={a.pk: ("180", "四看均好"), b.pk: ("201", "超出权重")},
        )
    assert caught.value.messages == ["乙乡的「四看」评定应在 0 到 200 分之间"]
    assert not a.figures.exists() and not b.figures.exists()


def test_rankings_refuse_a_rank_given_twice_by_one_rater(world: World, cycle: Cycle) -> None:
    """The engine refuses one rater giving the same rank twice (README, Validation), so entering
    it is refused at once rather than at computing."""
    a, b, c = (participant(cycle, n) for n in ("甲镇", "乙乡", "丙镇"))
    with pytest.raises(ValidationError) as caught:
        services.enter_rankings(
            track=a.track,
            leaf_code="B",
            actor=world.users["county"],
            rater="张书记",
            ranks={a.pk: 1, b.pk: 1, c.pk: 3},
        )
    assert codes(caught.value) == {errors.FIGURE_INVALID}
    assert "名次 1" in caught.value.messages[0] and "甲镇" in caught.value.messages[0]
    assert not a.rankings.exists()
