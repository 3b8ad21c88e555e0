"""Drafts are edited, copied and deleted; deletion is audited and never happens after opening."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from ganbu.audit.catalogue import describe
from ganbu.audit.models import AuditEvent
from ganbu.ballots import errors, services
from ganbu.ballots.models import BallotCode, BallotSession, RaterGroup, Subject
from ganbu.ballots.tests.factories import approval_session, close, issue, nominees, open_, rating_session
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import World

pytestmark = pytest.mark.django_db


def login(world: World, who: str) -> Client:
    client = Client()
    client.force_login(world.users[who])
    return client


def _edit_data(world: World, **extra: str) -> dict[str, str]:
    return {
        "title": "甲村驻村干部述职评议（改）",
        "unit": str(world.town_a.pk),
        "kind": "rating",
        "mode": "electronic",
        "options": "",
        "subject-0-name": "王芳",
        "subject-0-nominee": "on",
        "subject-1-name": "赵敏",
        "subject-1-nominee": "on",
        "group-0-name": "村民代表",
        "group-0-expected": "25",
        "group-0-weight": "4",
        "group-1-name": "乡镇干部",
        "group-1-expected": "20",
        "group-1-weight": "3",
        **extra,
    }


def test_a_draft_is_edited_through_its_page_and_the_change_is_audited(world: World) -> None:
    session = rating_session(world.town_a)
    villagers = session.groups.get(name="村民代表")
    issue(session, 5, "村民代表")  # its codes stay valid: the group keeps its row
    clerk = login(world, "clerk_a")
    url = reverse("ballots:session_edit", args=[session.pk])
    page = clerk.get(url).content.decode()
    assert 'name="subject-1-name" value="李强"' in page and 'name="group-2-name" value="乡镇领导"' in page
    refused = clerk.post(url, _edit_data(world, **{"group-1-name": "村民代表"}))
    assert "评议人类别第 2 行「村民代表」与第 1 行重名" in refused.content.decode()
    response = clerk.post(url, _edit_data(world))
    assert response.status_code == 302 and response["Location"] == reverse(
        "ballots:session_detail", args=[session.pk]
    )

    session.refresh_from_db()
    assert session.title == "甲村驻村干部述职评议（改）"
    assert [s.label for s in session.subjects.all()] == ["王芳", "赵敏"]
    groups = list(session.groups.values_list("pk", "name", "expected", "weight"))
    assert groups[0] == (villagers.pk, "村民代表", 25, 4) and [g[1] for g in groups] == [
        "村民代表",
        "乡镇干部",
    ]
    assert BallotCode.objects.filter(group=villagers).count() == 5
    event = AuditEvent.objects.get(action="ballots.session_updated")
    assert event.payload["before"]["subjects"] == ["王芳（非在册人员）", "李强（非在册人员）"]
    assert event.payload["after"]["subjects"] == ["王芳（非在册人员）", "赵敏（非在册人员）"]
    assert event.payload["after"]["title"] == "甲村驻村干部述职评议（改）"
    assert describe(event).label == "修改准备中的测评/推荐/表决"


def test_an_opened_session_cannot_be_edited(world: World) -> None:
    session = rating_session(world.town_a)
    open_(session)
    session.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        services.session_update(
            session=session,
            unit=world.town_a,
            title="改",
            kind="rating",
            subjects=nominees("王芳"),
            groups=[services.GroupSpec("村民代表", expected=30)],
            actor=None,
        )
    assert caught.value.error_list[0].code == errors.NOT_DRAFT
    assert "不能修改：该投票已是「投票中」状态" in caught.value.messages[0]
    clerk = login(world, "clerk_a")
    url = reverse("ballots:session_edit", args=[session.pk])
    assert 'id="not-editable"' in clerk.get(url).content.decode()
    assert clerk.post(url, _edit_data(world)).status_code == 200
    session.refresh_from_db()
    assert session.title == "驻村干部述职评议" and session.subjects.count() == 2
    assert not AuditEvent.objects.filter(action="ballots.session_updated").exists()


def test_a_group_with_codes_cannot_be_removed_by_an_edit(world: World) -> None:
    session = rating_session(world.town_a)
    issue(session, 3, "乡镇领导")
    with pytest.raises(ValidationError, match="「乡镇领导」已发票码"):
        services.session_update(
            session=session,
            unit=world.town_a,
            title="改",
            kind="rating",
            subjects=nominees("王芳"),
            groups=[services.GroupSpec("村民代表", expected=30)],
            actor=None,
        )
    assert session.groups.count() == 3


def test_a_copy_is_a_new_draft_with_the_same_subjects_and_groups(world: World) -> None:
    cadre = make_cadre(world.town_a, "王芳", current_title="驻甲村第一书记")
    source = rating_session(world.town_a, subjects=[{"cadre_id": cadre.pk}, "李强"])
    codes = issue(source, 30, "村民代表")
    open_(source)
    services.ballot_cast(code=codes[0], answers={"王芳": "称职", "李强": "称职"})
    close(source)
    clerk = login(world, "clerk_a")
    response = clerk.post(reverse("ballots:session_copy", args=[source.pk]))
    copy = BallotSession.objects.exclude(pk=source.pk).get()
    assert response["Location"] == reverse("ballots:session_edit", args=[copy.pk])
    assert (copy.status, copy.title, copy.kind, copy.unit) == (
        "draft",
        "驻村干部述职评议（副本）",
        "rating",
        world.town_a,
    )
    assert list(copy.subjects.values_list("label", "note", "cadre_id")) == list(
        source.subjects.values_list("label", "note", "cadre_id")
    )
    assert list(copy.groups.values_list("name", "expected", "weight", "codes_issued", "present")) == [
        ("村民代表", 30, 4, 0, None),
        ("乡镇干部", 20, 3, 0, None),
        ("乡镇领导", 5, 3, 0, None),
    ]
    assert not BallotCode.objects.filter(session=copy).exists()
    event = AuditEvent.objects.filter(action="ballots.session_created").latest("seq")
    assert event.object_id == str(copy.pk) and event.payload["copied_from"] == source.pk
    # copying a copy does not pile up suffixes; another township's session is not found
    copy2 = services.session_copy(session=copy, actor=world.users["clerk_a"])
    assert copy2.title == "驻村干部述职评议（副本）"
    theirs = rating_session(world.town_b)
    assert clerk.post(reverse("ballots:session_copy", args=[theirs.pk])).status_code == 404


def test_a_draft_is_deleted_and_the_deletion_audited(world: World) -> None:
    session = approval_session(world.town_a, expected=9)
    issue(session, 9)
    clerk = login(world, "clerk_a")
    assert clerk.get(reverse("ballots:session_delete", args=[session.pk])).status_code == 405
    response = clerk.post(reverse("ballots:session_delete", args=[session.pk]), follow=True)
    assert "已删除「县委常委会票决」" in response.content.decode()
    assert not BallotSession.objects.filter(pk=session.pk).exists()
    assert (
        not Subject.objects.exists() and not RaterGroup.objects.exists() and not BallotCode.objects.exists()
    )
    event = AuditEvent.objects.get(action="ballots.session_deleted")
    assert event.object_id == str(session.pk) and event.actor_id == world.users["clerk_a"].pk
    assert event.payload["title"] == "县委常委会票决" and event.payload["codes_issued"] == 9
    assert event.payload["subjects"] == ["张三（非在册人员）", "李四（非在册人员）"]
    assert describe(event).label == "删除准备中的测评/推荐/表决"


@pytest.mark.parametrize("state", ["open", "test", "closed", "sealed"])
def test_a_session_is_never_deleted_after_opening(world: World, state: str) -> None:
    session = approval_session(world.town_a, expected=9)
    if state == "test":
        services.session_test_start(session=session, actor=None)
    else:
        open_(session)
        if state in ("closed", "sealed"):
            close(session)
        if state == "sealed":
            session.refresh_from_db()
            services.session_seal(session=session, actor=None)
    clerk = login(world, "clerk_a")
    response = clerk.post(reverse("ballots:session_delete", args=[session.pk]), follow=True)
    assert "不能删除：该投票已是" in response.content.decode()
    assert BallotSession.objects.filter(pk=session.pk).exists()
    assert not AuditEvent.objects.filter(action="ballots.session_deleted").exists()


def test_another_township_cannot_edit_or_delete(world: World) -> None:
    theirs = rating_session(world.town_b)
    clerk = login(world, "clerk_a")
    assert clerk.post(reverse("ballots:session_delete", args=[theirs.pk])).status_code == 404
    assert clerk.post(reverse("ballots:session_edit", args=[theirs.pk]), _edit_data(world)).status_code == 404
    with pytest.raises(Exception, match="不在您的数据范围内"):
        services.session_delete(session=theirs, actor=world.users["clerk_a"])
    assert BallotSession.objects.filter(pk=theirs.pk, title="驻村干部述职评议").exists()


def test_saving_an_unchanged_draft_keeps_its_registry_subjects_and_writes_no_event(world: World) -> None:
    cadre = make_cadre(world.town_a, "王芳", current_title="驻甲村第一书记")
    session = rating_session(world.town_a, subjects=[{"cadre_id": cadre.pk}, "李强"])
    clerk = login(world, "clerk_a")
    url = reverse("ballots:session_edit", args=[session.pk])
    page = clerk.get(url)
    html = page.content.decode()
    assert f'name="subject-0-cadre" value="{cadre.pk}"' in html
    assert reverse("cadres:detail", args=[cadre.pk]) in html
    assert 'name="subject-1-nominee" aria-label="第 2 行为非在册人员" checked' in html
    form = page.context["form"]
    data = {k: v for k, v in form.initial.items() if not isinstance(v, list) and v is not False}
    data = {k: ("on" if v is True else v) for k, v in data.items()}
    for n, row in enumerate(form.initial["subject_rows"]):
        data.update({f"subject-{n}-{c}": row[c] for c in ("name", "cadre", "note", "nominee")})
    for n, row in enumerate(form.initial["group_rows"]):
        data.update({f"group-{n}-{c}": row[c] for c in ("name", "expected", "weight")})
    assert clerk.post(url, data).status_code == 302
    assert list(session.subjects.values_list("label", "cadre_id")) == [("王芳", cadre.pk), ("李强", None)]
    assert not AuditEvent.objects.filter(action="ballots.session_updated").exists()
