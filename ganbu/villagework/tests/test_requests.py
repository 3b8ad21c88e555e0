"""Villagers' requests: every state pair (allowed and refused, and by whom), the overdue rule with
a fixed today, and the request pages (list flags, detail buttons, transitions, scope)."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import product

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ganbu.audit.models import AuditEvent
from ganbu.testing.world import World, make_user
from ganbu.villagework.models import RequestCategory, RequestStatus, VillagerRequest
from ganbu.villagework.selectors.requests import days_overdue, overdue
from ganbu.villagework.selectors.rights import REQUEST_MOVERS, allowed_transitions
from ganbu.villagework.services.requests import request_create, request_transition
from ganbu.villagework.services.settings import settings_update
from ganbu.villagework.tests.factories import VillageWorld, vw

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)
S = RequestStatus

# The state table of the issue, written out by hand: (from, to) → who may do it.
EXPECTED: dict[tuple[str, str], str] = {
    (S.ACCEPTED, S.IN_PROGRESS): "handler",
    (S.ACCEPTED, S.RESOLVED): "handler",
    (S.ACCEPTED, S.ESCALATED): "handler",
    (S.IN_PROGRESS, S.RESOLVED): "handler",
    (S.IN_PROGRESS, S.ESCALATED): "handler",
    (S.ESCALATED, S.RESOLVED): "township",
}
ALL_PAIRS = [(a, b) for a, b in product(S.values, S.values) if a != b]


@pytest.fixture
def v(world: World) -> VillageWorld:
    return vw(world)


def _make(v: VillageWorld, status: str = S.ACCEPTED, **fields: object) -> VillagerRequest:
    values: dict[str, object] = {
        "village": v.world.village_a,
        "household": v.households_a[0],
        "cadre": v.cadre_a,
        "category": RequestCategory.INFRASTRUCTURE,
        "description": "村道破损",
        "raised_on": date(2026, 3, 1),
        "due_on": date(2026, 3, 16),
        "status": status,
    }
    if status == S.RESOLVED:
        values.update(resolved_on=date(2026, 3, 5), resolution="已修复")
    if status == S.ESCALATED:
        values["escalated_on"] = date(2026, 3, 4)
    values.update(fields)
    return VillagerRequest.objects.create(**values)


def test_the_state_table_is_the_one_of_the_issue() -> None:
    moves = {(a, b) for a, targets in VillagerRequest.TRANSITIONS.items() for b in targets}
    assert moves == set(EXPECTED)  # the workflow's table (core.workflow.transition)
    assert REQUEST_MOVERS == EXPECTED  # who may make each move
    assert VillagerRequest.TRANSITIONS[S.RESOLVED] == {}  # 已办结 is final


@pytest.mark.parametrize(("start", "to"), ALL_PAIRS, ids=lambda s: str(s))
def test_every_pair_for_the_township(v: VillageWorld, start: str, to: str) -> None:
    request = _make(v, start)
    clerk = v.world.users["clerk_a"]
    if (start, to) in EXPECTED:
        request_transition(request=request, to=to, actor=clerk, resolution="已协调解决", today=TODAY)
        request.refresh_from_db()
        assert request.status == to
        event = AuditEvent.objects.get(action="villagework.request.transition", object_id=str(request.pk))
        assert event.payload["from"] == start and event.payload["to"] == to
    else:
        with pytest.raises(ValidationError) as exc:
            request_transition(request=request, to=to, actor=clerk, resolution="x", today=TODAY)
        assert "to" in exc.value.message_dict
        request.refresh_from_db()
        assert request.status == start


@pytest.mark.parametrize(("start", "to"), ALL_PAIRS, ids=lambda s: str(s))
def test_every_pair_for_the_village_cadre(v: VillageWorld, start: str, to: str) -> None:
    request = _make(v, start)
    cadre_user = v.world.users["village_cadre"]
    who = EXPECTED.get((start, to))
    if who == "handler":
        request_transition(request=request, to=to, actor=cadre_user, resolution="已办好", today=TODAY)
        request.refresh_from_db()
        assert request.status == to
    elif who == "township":
        with pytest.raises(PermissionDenied):
            request_transition(request=request, to=to, actor=cadre_user, resolution="已办好", today=TODAY)
        request.refresh_from_db()
        assert request.status == start
    else:
        with pytest.raises(ValidationError):
            request_transition(request=request, to=to, actor=cadre_user, resolution="x", today=TODAY)


def test_a_resolved_request_cannot_be_reopened(v: VillageWorld) -> None:
    request = _make(v, S.RESOLVED)
    with pytest.raises(ValidationError) as exc:
        request_transition(request=request, to=S.ACCEPTED, actor=v.world.users["clerk_a"], today=TODAY)
    assert "已办结" in exc.value.message_dict["to"][0]


def test_resolving_needs_the_resolution_and_sets_the_date(v: VillageWorld) -> None:
    request = _make(v, S.IN_PROGRESS)
    with pytest.raises(ValidationError) as exc:
        request_transition(request=request, to=S.RESOLVED, actor=v.world.users["clerk_a"], today=TODAY)
    assert exc.value.message_dict["resolution"] == ["办结须填写办理结果"]
    request_transition(
        request=request, to=S.RESOLVED, actor=v.world.users["clerk_a"], resolution=" 已修好 ", today=TODAY
    )
    request.refresh_from_db()
    assert (request.status, request.resolution, request.resolved_on) == (S.RESOLVED, "已修好", TODAY)


def test_escalating_sets_the_escalation_date(v: VillageWorld) -> None:
    request = _make(v)
    request_transition(
        request=request,
        to=S.ESCALATED,
        actor=v.world.users["village_cadre"],
        on=date(2026, 3, 8),
        today=TODAY,
    )
    request.refresh_from_db()
    assert (request.status, request.escalated_on, request.resolved_on) == (
        S.ESCALATED,
        date(2026, 3, 8),
        None,
    )


def test_a_stale_transition_is_refused(v: VillageWorld) -> None:
    request = _make(v)
    stale = VillagerRequest.objects.get(pk=request.pk)
    request_transition(request=request, to=S.IN_PROGRESS, actor=v.world.users["clerk_a"], today=TODAY)
    with pytest.raises(ValidationError) as exc:
        request_transition(request=stale, to=S.ESCALATED, actor=v.world.users["clerk_a"], today=TODAY)
    assert "已被他人更新" in exc.value.message_dict["to"][0]
    request.refresh_from_db()
    assert request.status == S.IN_PROGRESS
    assert exc.value.error_dict["to"][0].code == "workflow_stale"  # the kernel's code for a stale state
    assert AuditEvent.objects.filter(action="villagework.request.transition").count() == 1


def test_other_township_and_roles_without_rights_cannot_transition(v: VillageWorld) -> None:
    request = _make(v)
    for user in (v.world.users["clerk_b"], v.world.users["supervision"], v.world.users["dept"]):
        assert allowed_transitions(request, user) == []
        with pytest.raises(PermissionDenied):
            request_transition(request=request, to=S.IN_PROGRESS, actor=user, today=TODAY)
    request.refresh_from_db()
    assert request.status == S.ACCEPTED


def test_allowed_transitions_per_user(v: VillageWorld) -> None:
    escalated = _make(v, S.ESCALATED)
    assert allowed_transitions(escalated, v.world.users["clerk_a"]) == [S.RESOLVED]
    assert allowed_transitions(escalated, v.world.users["village_cadre"]) == []
    accepted = _make(v, S.ACCEPTED, description="另一件")
    assert allowed_transitions(accepted, v.world.users["village_cadre"]) == [
        S.IN_PROGRESS,
        S.RESOLVED,
        S.ESCALATED,
    ]


# --- overdue -----------------------------------------------------------------------------------


def test_overdue_with_a_fixed_today(v: VillageWorld) -> None:
    due = date(2026, 3, 9)
    late_open = _make(v, S.ACCEPTED, due_on=due, description="a")
    late_working = _make(v, S.IN_PROGRESS, due_on=due, description="b")
    late_escalated = _make(v, S.ESCALATED, due_on=due, description="c")
    _make(v, S.RESOLVED, due_on=due, description="d")  # resolved: never overdue
    _make(v, S.ACCEPTED, due_on=TODAY, description="e")  # due today: not yet overdue
    queryset = VillagerRequest.objects.all()
    assert set(overdue(queryset, TODAY)) == {late_open, late_working, late_escalated}
    assert days_overdue(late_open, TODAY) == 1
    assert days_overdue(late_open, date(2026, 3, 19)) == 10
    assert overdue(queryset, due).count() == 0


# --- create ------------------------------------------------------------------------------------


def test_create_defaults_due_date_from_settings_and_cadre(v: VillageWorld) -> None:
    settings_update(actor=None, request_due_days=10)
    request = request_create(
        actor=v.world.users["village_cadre"],
        village=v.world.village_a,
        category=RequestCategory.WELFARE,
        description=" 申请低保 ",
        household=v.households_a[1],
        today=TODAY,
    )
    assert (request.raised_on, request.due_on) == (TODAY, date(2026, 3, 20))
    assert request.cadre == v.cadre_a and request.description == "申请低保"
    assert request.status == S.ACCEPTED
    assert AuditEvent.objects.filter(action="villagework.request.create", object_id=str(request.pk)).exists()


def test_create_validates_every_field(v: VillageWorld) -> None:
    with pytest.raises(ValidationError) as exc:
        request_create(
            actor=v.world.users["clerk_a"],
            village=v.world.village_a,
            category="nonsense",
            description="  ",
            household=v.households_b[0],
            raised_on=date(2026, 3, 5),
            due_on=date(2026, 3, 1),
            today=TODAY,
        )
    errors = exc.value.message_dict
    assert errors["category"] == ["请选择诉求类别"]
    assert errors["description"] == ["诉求内容不能为空"]
    assert errors["household"] == ["所选农户不属于该村"]
    assert errors["due_on"] == ["办理期限不能早于提出日期"]
    assert VillagerRequest.objects.count() == 0


def test_create_outside_scope_is_refused(v: VillageWorld) -> None:
    with pytest.raises(PermissionDenied):
        request_create(
            actor=v.world.users["clerk_b"],
            village=v.world.village_a,
            category=RequestCategory.OTHER,
            description="x",
            today=TODAY,
        )
    with pytest.raises(PermissionDenied):
        request_create(
            actor=v.world.users["village_cadre"],
            village=v.world.village_b,
            category=RequestCategory.OTHER,
            description="x",
            today=TODAY,
        )


# --- pages -------------------------------------------------------------------------------------


def _client(world: World, name: str) -> Client:
    client = Client()
    client.force_login(world.users[name])
    return client


def test_list_flags_overdue_and_puts_escalated_first(v: VillageWorld) -> None:
    today = timezone.localdate()
    late = _make(v, S.ACCEPTED, raised_on=date(2020, 1, 1), due_on=date(2020, 1, 5), description="逾期的诉求")
    _make(v, S.ESCALATED, raised_on=today, due_on=today, escalated_on=today, description="上报的诉求")
    _make(v, S.ACCEPTED, village=v.world.village_b, household=v.households_b[0], description="乙村诉求")
    response = _client(v.world, "clerk_a").get(reverse("villagework:request_list"))
    text = response.content.decode()
    assert response.status_code == 200
    assert text.index("上报的诉求") < text.index("逾期的诉求")
    assert f"已逾期 {(today - late.due_on).days} 天" in text
    assert "乙村诉求" not in text
    only_overdue = _client(v.world, "clerk_a").get(reverse("villagework:request_list"), {"overdue": "1"})
    assert "逾期的诉求" in only_overdue.content.decode()
    assert "上报的诉求" not in only_overdue.content.decode()


def test_cadre_creates_a_request_through_the_page(v: VillageWorld) -> None:
    client = _client(v.world, "village_cadre")
    form = client.get(reverse("villagework:request_create"))
    assert form.status_code == 200 and "登记群众诉求 · 甲村" in form.content.decode()
    response = client.post(
        reverse("villagework:request_create"),
        {
            "village": v.world.village_a.pk,
            "household": v.households_a[2].pk,
            "category": RequestCategory.POLICY,
            "description": "咨询医保报销",
            "raised_on": timezone.localdate().isoformat(),
        },
    )
    request = VillagerRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "villagework:request", args=[request.pk]
    )
    assert (request.household, request.cadre, request.created_by) == (
        v.households_a[2],
        v.cadre_a,
        v.world.users["village_cadre"],
    )


def test_create_page_shows_errors_and_refuses_other_villages(v: VillageWorld) -> None:
    client = _client(v.world, "village_cadre")
    response = client.post(
        reverse("villagework:request_create"),
        {"village": v.world.village_a.pk, "category": "", "description": "", "raised_on": "2026-13-01"},
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "请选择诉求类别" in text and "诉求内容不能为空" in text and "日期格式应为" in text
    assert (
        client.get(reverse("villagework:request_create"), {"village": v.world.village_b.pk}).status_code
        == 404
    )
    assert _client(v.world, "supervision").get(reverse("villagework:request_create")).status_code == 403
    assert VillagerRequest.objects.count() == 0


def test_detail_shows_allowed_buttons_and_transition_works(v: VillageWorld) -> None:
    request = _make(v, S.ACCEPTED, raised_on=timezone.localdate(), due_on=timezone.localdate())
    cadre = _client(v.world, "village_cadre")
    page = cadre.get(reverse("villagework:request", args=[request.pk])).content.decode()
    assert "开始办理" in page and "上报乡镇" in page and "办结" in page
    url = reverse("villagework:request_transition", args=[request.pk])
    assert cadre.get(url).status_code == 405
    cadre.post(url, {"to": S.ESCALATED, "resolution": "需乡镇协调资金"})
    request.refresh_from_db()
    assert request.status == S.ESCALATED and request.escalated_on == timezone.localdate()
    page = cadre.get(reverse("villagework:request", args=[request.pk])).content.decode()
    assert "由乡镇办结" in page and 'name="to"' not in page
    refused = cadre.post(url, {"to": S.RESOLVED, "resolution": "x"})
    assert refused.status_code == 403
    clerk = _client(v.world, "clerk_a")
    response = clerk.post(url, {"to": S.RESOLVED, "resolution": ""}, follow=True)
    assert "办结须填写办理结果" in response.content.decode()
    clerk.post(url, {"to": S.RESOLVED, "resolution": "乡镇已拨款修路"})
    request.refresh_from_db()
    assert request.status == S.RESOLVED and request.resolution == "乡镇已拨款修路"
    page = clerk.get(reverse("villagework:request", args=[request.pk])).content.decode()
    assert "不能再变更状态" in page and "需乡镇协调资金" in page  # history from the audit log


def test_request_pages_are_scoped(v: VillageWorld) -> None:
    request = _make(v)
    clerk_b = _client(v.world, "clerk_b")
    assert clerk_b.get(reverse("villagework:request", args=[request.pk])).status_code == 404
    response = clerk_b.post(
        reverse("villagework:request_transition", args=[request.pk]), {"to": S.IN_PROGRESS}
    )
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == S.ACCEPTED
    # a 驻村干部 of another village of the same township sees nothing of 甲村
    other = make_user("other_cadre", "village_cadre", v.world.town_a)
    client = Client()
    client.force_login(other)
    assert client.get(reverse("villagework:request", args=[request.pk])).status_code == 404
    assert "村道破损" not in client.get(reverse("villagework:request_list")).content.decode()


def test_a_cadre_who_left_the_village_no_longer_handles_its_requests(v: VillageWorld) -> None:
    settings_update(actor=None, edit_window_days=3)
    today = timezone.localdate()
    request = _make(v, S.ACCEPTED, raised_on=date(2025, 3, 1), due_on=date(2025, 3, 16))
    cadre_user = v.world.users["village_cadre"]
    # left 3 days ago: still inside the edit window, may finish the window's work
    v.assignment_a.ended_on = today - timedelta(days=3)
    v.assignment_a.save(update_fields=["ended_on"])
    assert allowed_transitions(request, cadre_user) == [S.IN_PROGRESS, S.RESOLVED, S.ESCALATED]
    # left 4 days ago: the village still shows in their history, but its requests are not theirs
    v.assignment_a.ended_on = today - timedelta(days=4)
    v.assignment_a.save(update_fields=["ended_on"])
    assert allowed_transitions(request, cadre_user) == []
    with pytest.raises(PermissionDenied):
        request_transition(request=request, to=S.IN_PROGRESS, actor=cadre_user)
    with pytest.raises(PermissionDenied):
        request_create(actor=cadre_user, village=v.world.village_a, category="other", description="修路")
    assert allowed_transitions(request, v.world.users["clerk_a"]) == [S.IN_PROGRESS, S.RESOLVED, S.ESCALATED]
