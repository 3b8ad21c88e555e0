"""Subjects tied to the registry: a typed name must be one active cadre of the user's scope or a
nominee marked 「非在册人员」; picks from the search set the cadre; the search stays in scope."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from ganbu.ballots import errors, services
from ganbu.ballots.models import BallotSession
from ganbu.ballots.tests.factories import close, issue, open_
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import World

pytestmark = pytest.mark.django_db

GROUPS = [services.GroupSpec("常委", expected=11)]


def login(world: World, who: str) -> Client:
    client = Client()
    client.force_login(world.users[who])
    return client


def create(world: World, subjects: list[object], who: str = "clerk_a") -> BallotSession:
    return services.session_create(
        unit=world.town_a,
        title="甲镇党委会票决",
        kind="approval",
        subjects=subjects,  # type: ignore[arg-type]
        groups=GROUPS,
        actor=world.users[who],
    )


@pytest.fixture
def namesakes(world: World) -> tuple[object, object, object]:
    """Two 张永 in 甲镇's subtree, a third in 乙乡 (outside clerk_a's scope)."""
    return (
        make_cadre(world.town_a, "张永", current_title="甲镇副镇长"),
        make_cadre(world.village_a, "张永", current_title="甲村党支部书记"),
        make_cadre(world.town_b, "张永", current_title="乙乡乡长"),
    )


def test_an_ambiguous_name_is_refused_naming_the_row_and_the_namesakes(
    world: World, namesakes: tuple
) -> None:
    with pytest.raises(ValidationError) as caught:
        create(world, [{"name": "王芳", "nominee": True}, "张永"])
    (error,) = caught.value.error_list
    assert error.code == errors.SUBJECT_AMBIGUOUS
    message = caught.value.messages[0]
    assert "第 2 行「张永」" in message and "有 2 人同名" in message
    assert "张永（甲镇，甲镇副镇长）" in message and "张永（甲村，甲村党支部书记）" in message
    assert "乙乡" not in message  # the namesake outside the scope is neither counted nor named
    assert error.params is not None
    assert [c["id"] for c in error.params["candidates"]] == [namesakes[0].pk, namesakes[1].pk]
    assert not BallotSession.objects.exists()


def test_a_name_outside_the_registry_is_refused_unless_marked_a_nominee(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        create(world, ["李不存在"])
    assert caught.value.error_list[0].code == errors.SUBJECT_UNKNOWN
    assert "第 1 行「李不存在」：在册干部中没有此人" in caught.value.messages[0]
    assert "非在册人员" in caught.value.messages[0]
    assert not BallotSession.objects.exists()

    session = create(world, [{"name": "李不存在", "nominee": True, "note": "拟任甲镇副镇长"}])
    subject = session.subjects.get()
    assert (subject.label, subject.cadre_id, subject.note) == ("李不存在", None, "拟任甲镇副镇长")


def test_every_refused_row_is_reported_at_once(world: World, namesakes: tuple) -> None:
    with pytest.raises(ValidationError) as caught:
        create(world, ["李不存在", {"name": "王芳", "nominee": True}, "张永"])
    assert [e.code for e in caught.value.error_list] == [errors.SUBJECT_UNKNOWN, errors.SUBJECT_AMBIGUOUS]
    assert [(e.params or {})["row"] for e in caught.value.error_list] == [1, 3]


def test_a_registry_pick_and_a_unique_name_set_the_cadre(world: World, namesakes: tuple) -> None:
    li = make_cadre(world.town_a, "李强", current_title="甲镇党委委员")
    session = create(world, [{"cadre_id": namesakes[1].pk}, "李强"])
    picked, typed = session.subjects.all()
    assert (picked.label, picked.cadre_id, picked.note) == ("张永", namesakes[1].pk, "甲村党支部书记")
    assert (typed.label, typed.cadre_id, typed.note) == ("李强", li.pk, "甲镇党委委员")


def test_a_cadre_outside_the_scope_cannot_be_picked_or_typed(world: World, namesakes: tuple) -> None:
    outside = namesakes[2]
    with pytest.raises(ValidationError, match="第 1 行：所选干部不存在或不在您的数据范围内"):
        create(world, [{"cadre_id": outside.pk}])
    make_cadre(world.town_b, "赵敏", current_title="乙乡副乡长")
    with pytest.raises(ValidationError, match="「赵敏」：在册干部中没有此人"):
        create(world, ["赵敏"])
    assert not BallotSession.objects.exists()


def test_two_picked_namesakes_are_told_apart_by_their_posts(world: World, namesakes: tuple) -> None:
    session = create(world, [{"cadre_id": namesakes[0].pk}, {"cadre_id": namesakes[1].pk}])
    assert [s.label for s in session.subjects.all()] == ["张永（甲镇副镇长）", "张永（甲村党支部书记）"]


def _form(world: World, **rows: str) -> dict[str, object]:
    return {
        "title": "甲镇党委会票决",
        "unit": world.town_a.pk,
        "kind": "decision",
        "mode": "electronic",
        "group-0-name": "党委委员",
        "group-0-expected": "9",
        "group-0-weight": "1",
        **rows,
    }


def test_the_page_offers_the_namesakes_on_the_row_and_saves_the_choice(
    world: World, namesakes: tuple
) -> None:
    clerk = login(world, "clerk_a")
    url = reverse("ballots:session_create")
    page = clerk.post(url, _form(world, **{"subject-0-name": "张永"}))
    assert page.status_code == 200 and not BallotSession.objects.exists()
    html = page.content.decode()
    assert "测评/表决对象第 1 行「张永」：在册干部中有 2 人同名" in html
    choice = re.search(r'<select[^>]*name="subject-0-cadre".*?</select>', html, re.S)
    assert choice is not None
    assert f'value="{namesakes[0].pk}"' in choice.group(0) and f'value="{namesakes[1].pk}"' in choice.group(0)
    assert f'value="{namesakes[2].pk}"' not in choice.group(0)

    saved = clerk.post(
        url, _form(world, **{"subject-0-name": "张永", "subject-0-cadre": str(namesakes[1].pk)})
    )
    assert saved.status_code == 302
    session = BallotSession.objects.get()
    assert session.subjects.get().cadre_id == namesakes[1].pk
    detail = clerk.get(reverse("ballots:session_detail", args=[session.pk])).content.decode()
    assert reverse("cadres:detail", args=[namesakes[1].pk]) in detail


def test_the_page_refuses_an_unknown_name_and_accepts_it_marked(world: World) -> None:
    clerk = login(world, "clerk_a")
    url = reverse("ballots:session_create")
    refused = clerk.post(url, _form(world, **{"subject-0-name": "李不存在"})).content.decode()
    assert "测评/表决对象第 1 行「李不存在」：在册干部中没有此人" in refused
    assert not BallotSession.objects.exists()
    assert (
        clerk.post(url, _form(world, **{"subject-0-name": "李不存在", "subject-0-nominee": "on"})).status_code
        == 302
    )
    session = BallotSession.objects.get()
    assert session.subjects.get().cadre_id is None
    detail = clerk.get(reverse("ballots:session_detail", args=[session.pk])).content.decode()
    assert "data-nominee>非在册人员" in detail


def test_the_result_links_registry_subjects_to_their_cadre(world: World, namesakes: tuple) -> None:
    session = services.session_create(
        unit=world.town_a,
        title="甲镇党委会票决",
        kind="approval",
        subjects=[{"cadre_id": namesakes[0].pk}, {"name": "李不存在", "nominee": True}],
        groups=[services.GroupSpec("党委委员", expected=3)],
        actor=world.users["clerk_a"],
    )
    codes = issue(session, 3)
    open_(session)
    for code in codes:
        services.ballot_cast(code=code, answers={"张永": "同意", "李不存在": "不同意"})
    close(session)
    html = login(world, "clerk_a").get(reverse("ballots:session_result", args=[session.pk])).content.decode()
    links = re.findall(r'<a href="([^"]+)" data-cadre-link>([^<]+)</a>', html)
    assert links == [(reverse("cadres:detail", args=[namesakes[0].pk]), "张永")]


# --- the search behind the form -----------------------------------------------------------------


def _search(client: Client, q: str) -> list[dict[str, object]]:
    response = client.get(reverse("ballots:cadre_search"), {"q": q})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    return response.json()["results"]


def test_the_search_finds_by_name_pinyin_and_initials_with_unit_and_post(
    world: World, namesakes: tuple
) -> None:
    clerk = login(world, "clerk_a")
    for q in ("张永", "zhangyong", "zy", "ZY", "张"):
        results = _search(clerk, q)
        assert [r["id"] for r in results] == [namesakes[0].pk, namesakes[1].pk], q
    first = _search(clerk, "zy")[0]
    assert first == {
        "id": namesakes[0].pk,
        "name": "张永",
        "unit": "甲镇",
        "title": "甲镇副镇长",
        "note": "甲镇副镇长",
        "label": "张永（甲镇，甲镇副镇长）",
    }
    assert "id_number" not in first


def test_the_search_never_returns_a_cadre_of_another_township(world: World, namesakes: tuple) -> None:
    make_cadre(world.town_b, "钱乙", current_title="乙乡副乡长")
    clerk = login(world, "clerk_a")
    outside = {namesakes[2].pk}
    for q in ("", "张永", "zy", "zhang", "钱乙", "qy", "乙"):
        ids = {r["id"] for r in _search(clerk, q)}
        assert not ids & outside and "乙乡" not in str(_search(clerk, q)), q
    assert _search(clerk, "钱乙") == []
    county = login(world, "county")
    assert {r["id"] for r in _search(county, "zy")} == {c.pk for c in namesakes}


def test_the_search_needs_the_ballot_capability(world: World) -> None:
    url = reverse("ballots:cadre_search")
    assert Client().get(url, {"q": "zy"}).status_code == 302
    assert login(world, "committee").get(url, {"q": "zy"}).status_code == 403
    assert login(world, "clerk_a").post(url, {"q": "zy"}).status_code == 405
