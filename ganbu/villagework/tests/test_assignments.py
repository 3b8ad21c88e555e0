"""Assignments: the overlap and 第一书记 rules, dates, scope, the pages, picking a cadre (also one of
a county department by exact 身份证号), and linking the cadre's login."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from ganbu.audit.models import AuditEvent
from ganbu.cadres.models import Cadre, CadreStatus
from ganbu.org.models import Role, User
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import World, make_user
from ganbu.villagework.models import Assignment, AssignmentRole, LogKind, WorkLog
from ganbu.villagework.services.assignments import (
    assignment_create,
    assignment_end,
    assignment_link_account,
    assignment_update,
)
from ganbu.villagework.tests.factories import vw

pytestmark = pytest.mark.django_db

STATIONED = AssignmentRole.STATIONED
SECRETARY = AssignmentRole.FIRST_SECRETARY


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _create(world: World, cadre: Cadre, started: date, ended: date | None = None, **kw: object) -> Assignment:
    return assignment_create(
        cadre=cadre,
        village=kw.pop("village", world.village_a),  # type: ignore[arg-type]
        role=kw.pop("role", STATIONED),  # type: ignore[arg-type]
        started_on=started,
        ended_on=ended,
        actor=kw.pop("actor", world.users["clerk_a"]),  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


# --- rules ------------------------------------------------------------------------------------


def test_create_is_saved_and_audited(world: World) -> None:
    cadre = make_cadre(world.town_a, "张驻村")
    assignment = _create(
        world, cadre, date(2025, 3, 1), duties=" 发展村集体经济 ", document_number="甲组〔2025〕3号"
    )
    assignment.refresh_from_db()
    assert (assignment.role, assignment.ended_on, assignment.duties) == (STATIONED, None, "发展村集体经济")
    event = AuditEvent.objects.get(action="villagework.assignment.create")
    assert event.payload["cadre_name"] == "张驻村" and event.payload["document_number"] == "甲组〔2025〕3号"
    assert event.unit_path == world.village_a.path


def test_end_before_start_is_refused(world: World) -> None:
    cadre = make_cadre(world.town_a, "张驻村")
    with pytest.raises(ValidationError) as exc:
        _create(world, cadre, date(2025, 3, 1), date(2025, 2, 28))
    assert exc.value.message_dict == {"ended_on": ["驻村结束日期 2025-02-28 不能早于开始日期 2025-03-01"]}
    _create(world, cadre, date(2025, 3, 1), date(2025, 3, 1))  # a one-day stay is fine


def test_same_cadre_cannot_overlap_in_the_same_village(world: World) -> None:
    cadre = make_cadre(world.town_a, "张驻村")
    _create(world, cadre, date(2024, 1, 1), date(2024, 12, 31))
    with pytest.raises(ValidationError) as exc:
        _create(world, cadre, date(2024, 12, 31))
    assert exc.value.message_dict == {
        "started_on": ["张驻村在甲村已有驻村安排（2024-01-01 至 2024-12-31），与此期间重叠"]
    }
    with pytest.raises(ValidationError):  # an open period reaching back over it
        _create(world, cadre, date(2023, 6, 1))
    _create(world, cadre, date(2025, 1, 1))  # back to back is not an overlap
    _create(
        world, cadre, date(2024, 6, 1), village=world.village_b, actor=world.users["county"]
    )  # other village
    with pytest.raises(ValidationError, match="2025-01-01 至 今"):
        _create(world, cadre, date(2030, 1, 1))
    assert Assignment.objects.filter(cadre=cadre).count() == 3


def test_a_village_has_one_first_secretary_at_a_time(world: World) -> None:
    first, second = make_cadre(world.town_a, "第一任"), make_cadre(world.town_a, "第二任")
    _create(world, first, date(2023, 1, 1), date(2024, 12, 31), role=SECRETARY)
    with pytest.raises(ValidationError) as exc:
        _create(world, second, date(2024, 12, 1), role=SECRETARY)
    assert exc.value.message_dict == {
        "role": ["甲村在此期间已有驻村第一书记第一任（2023-01-01 至 2024-12-31），同一时间只能有一名第一书记"]
    }
    _create(world, second, date(2024, 12, 1), role=STATIONED)  # as 驻村干部 alongside: fine
    member = make_cadre(world.town_a, "队员")
    _create(world, member, date(2025, 1, 1), role=SECRETARY)  # after the first one left: fine
    _create(
        world, first, date(2023, 1, 1), role=SECRETARY, village=world.village_b, actor=world.users["county"]
    )


def test_only_cadres_in_service_are_stationed(world: World) -> None:
    cadre = make_cadre(world.town_a, "退休者", status=CadreStatus.RETIRED)
    with pytest.raises(ValidationError) as exc:
        _create(world, cadre, date(2025, 1, 1))
    assert exc.value.message_dict == {"cadre": ["退休者的状态为「退休」，只能安排在职干部驻村"]}


def test_village_must_be_in_scope_and_a_village(world: World) -> None:
    cadre = make_cadre(world.town_a, "张驻村")
    with pytest.raises(PermissionDenied):
        _create(world, cadre, date(2025, 1, 1), actor=world.users["clerk_b"])
    with pytest.raises(PermissionDenied):
        _create(world, cadre, date(2025, 1, 1), actor=world.users["village_cadre"])
    with pytest.raises(ValidationError, match="不是村或社区"):
        _create(world, cadre, date(2025, 1, 1), village=world.town_a)
    assert not Assignment.objects.exists()


def test_update_applies_the_same_rules_and_keeps_logs_inside(world: World) -> None:
    data = vw(world)  # 黄驻村 in 甲村 since 2025-01-01
    other = make_cadre(world.town_a, "书记")
    _create(world, other, date(2025, 1, 1), role=SECRETARY)
    with pytest.raises(ValidationError, match="已有驻村第一书记书记"):
        assignment_update(assignment=data.assignment_a, actor=world.users["clerk_a"], role=SECRETARY)
    WorkLog.objects.create(
        cadre=data.cadre_a,
        village=world.village_a,
        assignment=data.assignment_a,
        logged_on=date(2025, 6, 3),
        kind=LogKind.VISIT,
        content="走访",
    )
    with pytest.raises(ValidationError) as exc:
        assignment_update(
            assignment=data.assignment_a, actor=world.users["clerk_a"], started_on=date(2025, 7, 1)
        )
    assert exc.value.message_dict == {
        "ended_on": ["该驻村安排已有 1 条工作记录在新的驻村期间（2025-07-01 至 今）之外"]
    }
    assignment_update(
        assignment=data.assignment_a,
        actor=world.users["clerk_a"],
        role=AssignmentRole.TEAM_MEMBER,
        duties="产业",
    )
    data.assignment_a.refresh_from_db()
    assert (data.assignment_a.role, data.assignment_a.duties) == (AssignmentRole.TEAM_MEMBER, "产业")
    event = AuditEvent.objects.get(action="villagework.assignment.update")
    assert event.payload["before"] == {"role": "stationed", "duties": ""}


def test_end_closes_an_open_assignment_once(world: World) -> None:
    data = vw(world)
    with pytest.raises(ValidationError, match="不能早于开始日期"):
        assignment_end(
            assignment=data.assignment_a, ended_on=date(2024, 12, 31), actor=world.users["clerk_a"]
        )
    assignment_end(assignment=data.assignment_a, ended_on=date(2026, 6, 30), actor=world.users["clerk_a"])
    data.assignment_a.refresh_from_db()
    assert data.assignment_a.ended_on == date(2026, 6, 30)
    with pytest.raises(ValidationError, match="已于 2026-06-30 结束"):
        assignment_end(assignment=data.assignment_a, ended_on=date(2026, 7, 30), actor=world.users["clerk_a"])
    with pytest.raises(PermissionDenied):
        assignment_end(assignment=data.assignment_b, ended_on=date(2026, 6, 30), actor=world.users["clerk_a"])


# --- pages ------------------------------------------------------------------------------------


def test_list_is_scoped_and_filtered(world: World, django_assert_max_num_queries: object) -> None:
    data = vw(world)
    ended = make_cadre(world.town_a, "离任者")
    Assignment.objects.create(
        cadre=ended, village=world.village_a, started_on=date(2020, 1, 1), ended_on=date(2022, 1, 1)
    )
    members = [make_cadre(world.town_a, f"队员{i}") for i in range(8)]
    for member in members:
        Assignment.objects.create(
            cadre=member,
            village=world.village_a,
            role=AssignmentRole.TEAM_MEMBER,
            started_on=date(2026, 1, 1),
        )
    county = _client(world.users["county"])
    with django_assert_max_num_queries(16):  # type: ignore[operator]  # constant: not one per row
        response = county.get(reverse("villagework:assignment_list"))
    assert {a.cadre.name for a in response.context["page"]} == {
        "黄驻村",
        "吴驻村",
        *(m.name for m in members),
    }
    response = county.get(reverse("villagework:assignment_list"), {"role": "stationed"})
    assert {a.cadre.name for a in response.context["page"]} == {"黄驻村", "吴驻村"}
    response = county.get(reverse("villagework:assignment_list"), {"state": "ended"})
    assert [a.cadre.name for a in response.context["page"]] == ["离任者"]
    response = _client(world.users["clerk_a"]).get(
        reverse("villagework:assignment_list"), {"state": "all", "role": "stationed"}
    )
    assert {a.cadre.name for a in response.context["page"]} == {"黄驻村", "离任者"}
    response = _client(world.users["village_cadre"]).get(
        reverse("villagework:assignment_list"), {"state": "all"}
    )
    assert [a.pk for a in response.context["page"]] == [data.assignment_a.pk]


def test_detail_shows_duties_and_is_scoped(world: World) -> None:
    data = vw(world)
    own = _client(world.users["village_cadre"])
    response = own.get(reverse("villagework:assignment", args=[data.assignment_a.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "当好农村实情的调查员" in body and "坐诊" in body and "会诊" in body
    assert reverse("villagework:assignment_edit", args=[data.assignment_a.pk]) not in body  # read only
    assert own.get(reverse("villagework:assignment", args=[data.assignment_b.pk])).status_code == 404
    assert (
        _client(world.users["clerk_b"])
        .get(reverse("villagework:assignment", args=[data.assignment_a.pk]))
        .status_code
        == 404
    )
    assert (
        own.post(
            reverse("villagework:assignment_end", args=[data.assignment_a.pk]), {"ended_on": "2026-01-01"}
        ).status_code
        == 403
    )
    data.assignment_a.refresh_from_db()
    assert data.assignment_a.ended_on is None


def test_township_picks_a_cadre_in_scope_by_name_and_creates(world: World) -> None:
    cadre = make_cadre(world.town_a, "周新来")
    make_cadre(world.town_b, "周乙乡")  # another township's cadre is not offered
    client = _client(world.users["clerk_a"])
    url = reverse("villagework:assignment_create")
    response = client.get(url, {"q": "周"})
    assert [c.name for c in response.context["candidates"]] == ["周新来"]
    response = client.get(url, {"q": "zxl"})
    assert [c.name for c in response.context["candidates"]] == ["周新来"]
    response = client.post(
        url,
        {
            "cadre": cadre.pk,
            "q": "周",
            "village": world.village_a.pk,
            "role": SECRETARY,
            "started_on": "2026-03-01",
            "document_number": "甲组〔2026〕1号",
        },
    )
    assignment = Assignment.objects.get(cadre=cadre)
    assert response.status_code == 302
    assert response["Location"] == reverse("villagework:assignment", args=[assignment.pk])
    assert (assignment.village, assignment.role, assignment.started_on) == (
        world.village_a,
        SECRETARY,
        date(2026, 3, 1),
    )


def test_a_county_department_cadre_is_picked_only_by_exact_id_number(world: World) -> None:
    teacher = make_cadre(world.dept, "钱老师")
    id_number = teacher.id_number or ""
    client = _client(world.users["clerk_a"])
    url = reverse("villagework:assignment_create")
    assert client.get(url, {"q": "钱老师"}).context["candidates"] == []
    assert client.get(url, {"q": id_number[:10]}).context["candidates"] == []
    assert [c.pk for c in client.get(url, {"q": id_number}).context["candidates"]] == [teacher.pk]
    post = {"cadre": teacher.pk, "village": world.village_a.pk, "role": STATIONED, "started_on": "2026-03-01"}
    assert client.post(url, {**post, "q": "钱"}).status_code == 404  # no exact 身份证号: not pickable
    assert client.get(url, {"cadre": teacher.pk}).status_code == 404
    assert not Assignment.objects.exists()
    response = client.post(url, {**post, "q": id_number})
    assert response.status_code == 302
    assert Assignment.objects.get().cadre == teacher
    # the township cannot station anyone in another township's village
    response = client.post(
        url, {**post, "q": id_number, "village": world.village_b.pk, "started_on": "2027-01-01"}
    )
    assert response.status_code == 200 and Assignment.objects.count() == 1


def test_create_page_shows_rule_errors(world: World) -> None:
    data = vw(world)
    client = _client(world.users["clerk_a"])
    response = client.post(
        reverse("villagework:assignment_create"),
        {
            "cadre": data.cadre_a.pk,
            "q": "黄",
            "village": world.village_a.pk,
            "role": STATIONED,
            "started_on": "2026-01-01",
        },
    )
    assert response.status_code == 200
    assert "黄驻村在甲村已有驻村安排（2025-01-01 至 今），与此期间重叠" in response.content.decode()


def test_edit_and_end_pages(world: World) -> None:
    data = vw(world)
    client = _client(world.users["clerk_a"])
    edit = reverse("villagework:assignment_edit", args=[data.assignment_a.pk])
    response = client.post(edit, {"role": STATIONED, "started_on": "2025-01-01", "ended_on": "2024-01-01"})
    assert "驻村结束日期 2024-01-01 不能早于开始日期 2025-01-01" in response.content.decode()
    response = client.post(edit, {"role": STATIONED, "started_on": "2025-01-01", "duties": "修路"})
    assert response.status_code == 302
    end = reverse("villagework:assignment_end", args=[data.assignment_a.pk])
    assert client.get(end).status_code == 405
    client.post(end, {"ended_on": "2026-05-31"})
    data.assignment_a.refresh_from_db()
    assert (data.assignment_a.duties, data.assignment_a.ended_on) == ("修路", date(2026, 5, 31))


# --- the cadre's login ------------------------------------------------------------------------


def test_link_a_new_account_shows_the_password_once(world: World) -> None:
    data = vw(world)
    cadre = data.cadre_a
    cadre.account = None
    cadre.save(update_fields=["account"])
    client = _client(world.users["clerk_a"])
    url = reverse("villagework:assignment_link_account", args=[data.assignment_a.pk])
    response = client.post(url, {"new_username": "huang_zc"})
    assert response.status_code == 200
    password = response.context["password"]
    assert password and password in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    user = User.objects.get(username="huang_zc")
    assert (user.role, user.scope_unit, user.display_name) == (Role.VILLAGE_CADRE, world.village_a, "黄驻村")
    cadre.refresh_from_db()
    assert cadre.account == user
    assert user.check_password(password)
    event = AuditEvent.objects.get(action="villagework.assignment.account")
    assert event.actor_id == world.users["clerk_a"].pk and event.payload["created"] is True
    # the name is taken now
    response = client.post(url, {"new_username": "HUANG_ZC"})
    assert "用户名「HUANG_ZC」已被使用" in response.content.decode()


def test_link_an_existing_account_and_unlink(world: World) -> None:
    data = vw(world)
    spare = make_user("spare_zc", Role.VILLAGE_CADRE, world.village_a)
    make_user("far_zc", Role.VILLAGE_CADRE, world.village_b)  # outside 甲镇: not offered
    client = _client(world.users["clerk_a"])
    url = reverse("villagework:assignment_link_account", args=[data.assignment_a.pk])
    offered = {u.username for u in client.get(url).context["choices"]}
    assert offered == {"spare_zc", "village_cadre", "attacker_village_cadre"}
    far = User.objects.get(username="far_zc")
    response = client.post(url, {"user": far.pk})
    assert response.status_code == 200  # not a valid choice
    data.cadre_a.refresh_from_db()
    assert data.cadre_a.account == world.users["village_cadre"]
    assert client.post(url, {"user": spare.pk}).status_code == 302
    data.cadre_a.refresh_from_db()
    assert data.cadre_a.account == spare
    client.post(url, {"unlink": "1"})
    data.cadre_a.refresh_from_db()
    assert data.cadre_a.account is None


def test_a_township_links_the_login_of_a_department_cadre_stationed_in_its_village(world: World) -> None:
    teacher = make_cadre(world.dept, "钱老师")
    assignment = Assignment.objects.create(
        cadre=teacher, village=world.village_a, started_on=date(2026, 1, 1)
    )
    user, password = assignment_link_account(
        assignment=assignment, actor=world.users["clerk_a"], new_username="qian"
    )
    teacher.refresh_from_db()
    assert teacher.account == user and password
    assert user is not None and user.scope_unit == world.village_a
    event = AuditEvent.objects.get(action="villagework.assignment.account")
    assert event.actor_id == world.users["clerk_a"].pk
    with pytest.raises(PermissionDenied):
        assignment_link_account(assignment=assignment, actor=world.users["clerk_b"], new_username="qian2")


def test_a_new_login_covers_every_village_of_the_cadre_in_one_township(world: World) -> None:
    from ganbu.org import services as org_services
    from ganbu.org.models import UnitKind

    second = org_services.unit_create(
        code="VA2", name="甲二村", kind=UnitKind.VILLAGE, parent=world.town_a, actor=None
    )
    cadre = make_cadre(world.town_a, "两村干部")
    first = Assignment.objects.create(cadre=cadre, village=world.village_a, started_on=date(2026, 1, 1))
    Assignment.objects.create(cadre=cadre, village=second, started_on=date(2026, 1, 1))
    user, _ = assignment_link_account(assignment=first, actor=world.users["clerk_a"], new_username="liangcun")
    assert user is not None and user.scope_unit == world.town_a
    client = _client(user)
    response = client.get(reverse("villagework:village_list"))
    assert {row.village.name for g in response.context["groups"] for row in g.villages} == {"甲村", "甲二村"}
