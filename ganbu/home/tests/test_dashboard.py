"""The home pages by role (issue 13, item 5): the county's figures link to their lists and its
to-do panel (到龄, statutory retirement, 轮岗, overdue requests, ballots, import jobs) links each
item to its page; a township sees its own leaders and its villages' 驻村 numbers; a 驻村干部 lands
on 我的驻村; a 常委 on 我的表决; every figure in the user's scope; the query count does not grow
with the data; no chart on any home page.

The suite's today is 2026-11-16 (ganbu/conftest.py): the to-dos look six months ahead, to
2027-05-16."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ganbu.analytics.tests.helpers import Appt, Person, add_person
from ganbu.ballots.models import BallotSession
from ganbu.ballots.tests.factories import recommendation_session
from ganbu.cadres.models import Cadre
from ganbu.core.models import Job, JobStatus
from ganbu.home.selectors import home_todos, months_after
from ganbu.org.models import TeamKind, Unit, User
from ganbu.org.services import post_create, team_create
from ganbu.testing.world import PASSWORD, World
from ganbu.villagework.models import RequestCategory, VillagerRequest
from ganbu.villagework.tests.factories import VillageWorld, vw

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 16)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """The freshness of the registry's current_* fields is cached per day (the forecast reads them)."""
    cache.clear()
    yield
    cache.clear()


@dataclass
class Home:
    world: World
    village: VillageWorld
    age_cap_a: Cadre  # 甲镇 leader reaching the cap within six months
    age_cap_b: Cadre  # the same in 乙乡
    retiring_a: Cadre  # 甲镇 cadre reaching statutory retirement this month
    retiring_b: Cadre
    request_a: VillagerRequest  # overdue, 甲村
    request_b: VillagerRequest  # overdue, 乙村
    ballot_a: BallotSession  # open, 甲镇
    ballot_b: BallotSession  # closed, not sealed, 乙乡
    job_a: Job  # failed import, 甲镇
    job_b: Job  # running import, 乙乡


def _person(name: str, born: date, unit: Unit, *, leader: bool, level: str = "1A42") -> Cadre:
    title = "副镇长" if leader else "科员"
    return add_person(
        Person(
            name, born, appointments=[Appt(unit, date(2015, 1, 1), level if leader else "", title, leader)]
        )
    )


def _request(village: Unit, due: date) -> VillagerRequest:
    return VillagerRequest.objects.create(
        village=village,
        category=RequestCategory.choices[0][0],
        description="修路",
        raised_on=due - timedelta(days=10),
        due_on=due,
    )


def _job(unit: Unit, status: str, name: str) -> Job:
    return Job.objects.create(kind="cadres.import", scope_path=unit.path, status=status, filename=name)


def _session(unit: Unit, status: str, title: str) -> BallotSession:
    nominees = [{"name": name, "nominee": True} for name in ("甲", "乙", "丙")]  # 非在册人员
    session = recommendation_session(unit, subjects=nominees)
    BallotSession.objects.filter(pk=session.pk).update(status=status, title=title)
    return session


@pytest.fixture
def home(world: World) -> Home:
    v = vw(world, started_on=date(2022, 1, 1))  # stays of almost five years: 轮岗 due
    return Home(
        world=world,
        village=v,
        # men, 副镇长 (1A42): cap 55 → 2027-02-10 / 2027-03-01, inside the six months
        age_cap_a=_person("甲到龄", date(1972, 2, 10), world.town_a, leader=True),
        age_cap_b=_person("乙到龄", date(1972, 3, 1), world.town_b, leader=True),
        # men born 1966-06: 60 years 5 months, retiring 2026-11 (this month)
        retiring_a=_person("甲退休", date(1966, 6, 15), world.town_a, leader=False),
        retiring_b=_person("乙退休", date(1966, 6, 20), world.town_b, leader=False),
        request_a=_request(world.village_a, TODAY - timedelta(days=3)),
        request_b=_request(world.village_b, TODAY - timedelta(days=5)),
        ballot_a=_session(world.town_a, "open", "甲镇党委书记民主推荐"),
        ballot_b=_session(world.town_b, "closed", "乙乡党委书记民主推荐"),
        job_a=_job(world.town_a, JobStatus.FAILED, "甲镇名册.xlsx"),
        job_b=_job(world.town_b, JobStatus.RUNNING, "乙乡名册.xlsx"),
    )


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _page(username: str) -> str:
    response = _client(username).get(reverse("home:dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def _todo(html: str, key: str) -> str:
    """The <li> of one to-do item."""
    match = re.search(rf'<li class="list-group-item" data-todo="{key}">(.*?)</li>', html, re.S)
    assert match, f"to-do {key} missing"
    return match.group(1)


def _count(html: str, key: str) -> int:
    match = re.search(r'data-count="(\d+)"', _todo(html, key))
    assert match
    return int(match.group(1))


def _stat(html: str, label: str) -> str:
    match = re.search(rf'data-stat="{label}">([^<]*)<', html)
    assert match, f"figure {label} missing"
    return match.group(1)


TODO_KEYS = ("age_cap", "retiring", "rotation", "overdue", "ballots", "jobs")


# --- the county ----------------------------------------------------------------------------------


def test_the_county_sees_every_to_do_of_the_county_linked_to_its_page(home: Home) -> None:
    w = home.world
    html = _page("county")
    assert 'data-home="county"' in html
    assert {key: _count(html, key) for key in TODO_KEYS} == {
        "age_cap": 2,
        "retiring": 2,
        "rotation": 2,
        "overdue": 2,
        "ballots": 2,
        "jobs": 2,
    }
    age_cap = _todo(html, "age_cap")
    assert reverse("analytics:forecast", args=[w.county.pk]) in age_cap
    assert reverse("cadres:detail", args=[home.age_cap_a.pk]) in age_cap
    assert "2027年2月10日到龄" in age_cap
    retiring = _todo(html, "retiring")
    assert reverse("cadres:detail", args=[home.retiring_a.pk]) in retiring
    assert "2026年11月退休（60岁5个月）" in retiring
    rotation = _todo(html, "rotation")
    assert reverse("villagework:rotation") in rotation
    assert reverse("villagework:assignment", args=[home.village.assignment_a.pk]) in rotation
    overdue = _todo(html, "overdue")
    assert reverse("villagework:request_list") + "?status=open&amp;overdue=on" in overdue
    assert reverse("villagework:request", args=[home.request_a.pk]) in overdue
    ballots = _todo(html, "ballots")
    assert reverse("ballots:session_list") in ballots
    assert reverse("ballots:session_detail", args=[home.ballot_a.pk]) in ballots
    assert "待封存" in ballots  # the closed one in 乙乡
    jobs = _todo(html, "jobs")
    assert reverse("cadres:import") in jobs
    assert reverse("cadres:import_job", args=[home.job_a.pk]) in jobs
    assert reverse("cadres:import_job", args=[home.job_b.pk]) in jobs


def test_the_county_figures_link_to_their_lists(home: Home) -> None:
    w = home.world
    html = _page("county")
    assert _stat(html, "乡镇") == "2"
    assert _stat(html, "县直部门") == "1"
    assert _stat(html, "在职干部") == str(Cadre.objects.filter(status="active").count())
    assert _stat(html, "领导干部") == "2"
    cadres = reverse("cadres:list")
    for query in ("?status=active", "?status=active&leaders_only=on", "?status=active&gender=2"):
        assert f'href="{cadres}{query.replace("&", "&amp;")}"' in html
    assert f'href="{reverse("org:unit_list")}?kind=township"' in html
    # the table of townships and departments, each count a filtered list
    assert f"{cadres}?status=active&amp;unit={w.town_a.pk}" in html
    assert f"{cadres}?status=active&amp;unit={w.dept.pk}&amp;leaders_only=on" in html
    assert 'data-unit="甲村"' not in html  # villages are counted in their township


# figure → the total of the linked unit list that must equal it
UNIT_FIGURES = {
    "乡镇": "units",
    "县直部门": "units",
    "领导班子": "teams",
    "核定职数": "posts",
    "农户": "households",
}


def test_the_unit_figures_open_a_list_whose_total_is_the_figure(home: Home) -> None:
    """乡镇, 县直部门, 领导班子, 核定职数 and 农户 open the unit list filtered to what they count
    (tour 13: they opened the whole tree of units, where no number could be checked)."""
    w = home.world
    party = team_create(unit=w.town_a, kind=TeamKind.PARTY_COMMITTEE, name="甲镇党委", actor=None)
    government = team_create(unit=w.town_a, kind=TeamKind.GOVERNMENT, name="甲镇政府", actor=None)
    bureau = team_create(unit=w.dept, kind=TeamKind.PARTY_GROUP, name="局党组", actor=None)
    for team, quota in ((party, 3), (government, 2), (bureau, 1)):
        post_create(unit=team.unit, team=team, name=f"{team.name}副职", level="1A42", quota=quota, actor=None)
    post_create(unit=w.town_b, team=None, name="武装部长", level="1A42", quota=2, actor=None)  # no team
    for username, expected in (
        ("county", {"乡镇": 2, "县直部门": 1, "领导班子": 3, "核定职数": 8, "农户": 200}),
        ("clerk_a", {"领导班子": 2, "核定职数": 5, "农户": 120}),
    ):
        html = _page(username)
        shown = {label: int(_stat(html, label).replace(",", "")) for label in expected}
        assert shown == expected, username
        figure_links = re.findall(r'href="([^"]*)" data-link="\w+">.*?data-stat="([^"]+)"', html, re.S)
        by_label = {label: url for url, label in figure_links}
        for label, figure in shown.items():
            response = _client(username).get(by_label[label].replace("&amp;", "&"))
            assert response.status_code == 200
            total = re.search(rf'data-total="{UNIT_FIGURES[label]}">(\d+)<', response.content.decode())
            assert total and int(total.group(1)) == figure, (username, label)


def test_no_home_page_draws_a_chart(home: Home) -> None:
    for username in ("county", "clerk_a", "dept", "committee", "supervision"):
        html = _page(username)
        assert 'class="chart' not in html and "echarts" not in html, username


# --- a township ----------------------------------------------------------------------------------


def test_a_township_sees_its_own_cadres_villages_and_to_dos_only(home: Home) -> None:
    w = home.world
    html = _page("clerk_a")
    assert 'data-home="township"' in html
    assert {key: _count(html, key) for key in TODO_KEYS} == {
        "age_cap": 1,
        "retiring": 1,
        "rotation": 1,
        "overdue": 1,
        "ballots": 1,
        "jobs": 1,
    }
    assert reverse("analytics:forecast", args=[w.town_a.pk]) in _todo(html, "age_cap")
    # its own cadres, leaders first, not 乙乡's
    own = re.search(r'id="township-leaders"(.*?)</table>', html, re.S)
    assert own and "乙到龄" not in own.group(1)
    names = re.findall(r'<a href="/cadres/\d+/">([^<]+)</a>', own.group(1))
    assert names[0] == "甲到龄" and set(names) == {"甲到龄", "甲退休", "黄驻村"}
    # its villages' 驻村 numbers: who is stationed, the coverage, the overdue requests
    villages = re.search(r'id="villages"(.*?)</table>', html, re.S)
    assert villages
    assert 'data-village="甲村"' in villages.group(1) and "乙村" not in villages.group(1)
    assert "黄驻村" in villages.group(1)
    assert f"?village={w.village_a.pk}&amp;status=open&amp;overdue=on" in villages.group(1)
    assert 'data-coverage="0.00"' in villages.group(1)
    # nothing of 乙乡 anywhere
    for secret in ("乙到龄", "乙退休", "乙乡党委书记", "乙乡名册", "吴驻村", "乙村"):
        assert secret not in html, secret
    assert _stat(html, "在职干部") == "3"  # 甲到龄, 甲退休, 黄驻村
    assert _stat(html, "村（社区）") == "1"
    assert "县直部门" not in html
    assert 'id="by-unit"' not in html  # no chart (nor table) of villages with half-person ticks


# --- the other roles -----------------------------------------------------------------------------


def test_a_village_cadre_lands_on_my_work(home: Home) -> None:
    response = _client("village_cadre").get(reverse("home:dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("villagework:my_work")


def test_login_takes_a_village_cadre_to_my_work(home: Home) -> None:
    response = Client().post(
        reverse("login"), {"username": "village_cadre", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("villagework:my_work")


def test_a_department_sees_its_figures_and_its_registry_to_dos(home: Home) -> None:
    w = home.world
    add_person(
        Person("局长", date(1971, 12, 1), appointments=[Appt(w.dept, date(2015, 1, 1), "1A42", "局长")])
    )
    html = _page("dept")
    assert 'data-home="department"' in html
    assert _count(html, "age_cap") == 1  # 局长: 55 on 2026-12-01
    assert _count(html, "retiring") == 0
    for key in ("rotation", "overdue", "ballots", "jobs"):  # not a department's work
        assert f'data-todo="{key}"' not in html
    assert _stat(html, "在职干部") == "1"
    assert "甲到龄" not in html and "甲镇" not in html


def test_a_committee_member_sees_my_ballots_and_no_to_dos(home: Home) -> None:
    html = _page("committee")
    assert 'data-home="committee"' in html
    assert f'href="{reverse("ballots:my_ballots")}"' in html
    assert 'id="todos"' not in html
    assert "目前没有需要您参加的表决" in html
    assert _stat(html, "在职干部") == str(Cadre.objects.filter(status="active").count())


def test_supervision_sees_figures_overdue_requests_and_the_record(home: Home) -> None:
    html = _page("supervision")
    assert 'data-home="supervision"' in html
    assert 'id="todos"' not in html
    assert _stat(html, "逾期未办结诉求") == "2"
    assert f'href="{reverse("home:event_list")}"' in html


# --- scope, rules, queries -----------------------------------------------------------------------


def test_attackers_scoped_to_one_township_see_nothing_of_the_other(home: Home) -> None:
    for user in home.world.attackers.values():
        response = _client(user.username).get(reverse("home:dashboard"))
        if response.status_code == 302:
            continue  # the 驻村干部's 我的驻村
        html = response.content.decode()
        for secret in ("乙到龄", "乙退休", "乙乡党委书记", "乙乡名册", "吴驻村"):
            assert secret not in html, f"{user.role}: {secret}"


def test_to_dos_look_six_months_ahead(world: World) -> None:
    assert months_after(TODAY, 6) == date(2027, 5, 16)
    assert months_after(date(2026, 8, 31), 6) == date(2027, 2, 28)
    # 55 on 2027-05-16 (the last day counted) and on 2027-05-17 (one day too late)
    _person("在界", date(1972, 5, 16), world.town_a, leader=True)
    _person("界外", date(1972, 5, 17), world.town_a, leader=True)
    # men born 1966-11 retire at 60 years 6 months, in 2027-05 (the last month counted); born
    # 1966-12, in 2027-06: one month too late
    _person("五月退", date(1966, 11, 30), world.town_a, leader=False)
    _person("六月退", date(1966, 12, 1), world.town_a, leader=False)
    todos = home_todos(user=world.users["county"], today=TODAY)
    assert [p.name for p in todos.age_cap or []] == ["在界"]
    assert [(c.name, r.label, past) for c, r, past in todos.retiring or []] == [
        ("五月退", "2027年5月", False)
    ]


def test_the_age_cap_to_do_links_to_a_list_of_exactly_its_people(home: Home) -> None:
    """「查看全部…人」 and 到龄提醒 open the forecast page with the to-do's window (tour 13): its list
    counts the same people, not everyone of the five-year forecast."""
    w = home.world
    _person("已过界", date(1970, 1, 1), w.town_a, leader=True)  # 55 in 2025: 已到龄
    _person("明年底", date(1972, 10, 1), w.town_a, leader=True)  # 55 on 2027-10-01: after the window
    for username, unit in (("county", w.county), ("clerk_a", w.town_a)):
        todo = _todo(_page(username), "age_cap")
        hrefs = set(re.findall(r'href="([^"]*forecast[^"]*)"', todo))
        assert hrefs == {reverse("analytics:forecast", args=[unit.pk]) + "?months=6"}, hrefs
        response = _client(username).get(hrefs.pop())
        assert response.status_code == 200
        html = response.content.decode()
        shown = re.search(r"<span data-people-count>(\d+)</span>", html)
        assert shown and int(shown.group(1)) == _count(_page(username), "age_cap")
        assert "明年底" not in html and "已过界" in html
        assert "2027年5月16日前到龄" in html


def test_a_cadre_past_statutory_retirement_still_in_post_is_flagged(world: World) -> None:
    _person("超龄", date(1965, 1, 10), world.town_a, leader=False)  # 60 years 1 month: 2025-02
    todos = home_todos(user=world.users["clerk_a"], today=TODAY)
    assert [(c.name, r.label, past) for c, r, past in todos.retiring or []] == [("超龄", "2025年2月", True)]
    html = _page("clerk_a")
    assert "2025年2月已到法定退休年龄" in _todo(html, "retiring")


def _queries(client: Client) -> int:
    cache.clear()  # the registry's freshness check runs as on the first page of the day
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("home:dashboard")).status_code == 200
    return len(captured)


@pytest.mark.parametrize("username", ["county", "clerk_a", "dept", "committee", "supervision"])
def test_home_query_count_is_bounded_and_does_not_grow_with_the_data(
    home: Home, username: str, django_assert_max_num_queries: Any
) -> None:
    client = _client(username)
    before = _queries(client)
    w = home.world
    for i in range(6):
        _person(f"加{i}", date(1972, 1, 1 + i), w.town_a, leader=True)
        _person(f"退{i}", date(1966, 5, 1 + i), w.town_b, leader=False)
        _person(f"部{i}", date(1966, 5, 1 + i), w.dept, leader=False)
        _request(w.village_a, TODAY - timedelta(days=i + 1))
        _job(w.town_b, JobStatus.FAILED, f"{i}.xlsx")
        _session(w.town_a, "open", f"推荐{i}")
    assert _queries(client) == before
    cache.clear()
    with django_assert_max_num_queries(55):
        client.get(reverse("home:dashboard"))


def test_an_old_failed_import_leaves_the_list(home: Home) -> None:
    Job.objects.filter(pk=home.job_a.pk).update(created_at=timezone.now() - timedelta(days=8))
    html = _page("clerk_a")
    assert _count(html, "jobs") == 0
