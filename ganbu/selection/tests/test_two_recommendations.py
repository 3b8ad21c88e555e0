"""「两推」 from the ballot engine: a sealed 年终民主推荐 linked to a case decides, for every candidate,
whether they are among its leaders (the case's 差额推荐 places, ties included); the page says how;
an entry from paper no longer overrides it; only a sealed recommendation of the right years can be
linked."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from ganbu.audit.models import AuditEvent
from ganbu.ballots import services as ballot_services
from ganbu.selection import services
from ganbu.selection.models import Candidate, Case, StepKind
from ganbu.selection.rules import leaders_of
from ganbu.selection.selectors import year_end, year_end_sessions
from ganbu.selection.tests.test_case_flow import _people, _post, _record
from ganbu.testing.world import World


@pytest.mark.parametrize(
    ("votes", "places", "expected"),
    [
        ({"甲": 10, "乙": 9, "丙": 8, "丁": 7}, 3, {"甲": 1, "乙": 2, "丙": 3}),  # the 4th is out
        ({"甲": 10, "乙": 9, "丙": 8, "丁": 8}, 3, {"甲": 1, "乙": 2, "丙": 3, "丁": 3}),  # tie at the 3rd
        ({"甲": 10, "乙": 8, "丙": 8, "丁": 8, "戊": 5}, 3, {"甲": 1, "乙": 2, "丙": 2, "丁": 2}),
        ({"甲": 4, "乙": 0}, 3, {"甲": 1}),  # no vote, no lead
    ],
)
def test_the_leaders_of_a_recommendation(
    votes: dict[str, int], places: int, expected: dict[str, int]
) -> None:
    assert leaders_of(votes, places) == expected


def _year_end(world: World, title: str, votes: dict[str, int], cadres: dict[str, Any]) -> Any:
    """A 年终民主推荐 of the county, counted on paper and sealed."""
    session = ballot_services.session_create(
        unit=world.county,
        title=title,
        kind="recommendation",
        mode="paper",
        subjects=[ballot_services.SubjectSpec(label=n, cadre_id=cadres[n].pk) for n in votes],
        groups=[ballot_services.GroupSpec("全县干部", expected=60)],
        max_choices=min(3, len(votes)),
        actor=None,
    )
    ballot_services.paper_meeting_record(session=session, present=60, votes=votes)
    return session


def _case(world: World) -> tuple[Case, dict[str, Candidate], dict[str, Any]]:
    people = {c.name: c for c in _people(world)}
    case = services.case_open(
        post=_post(world), seats=1, method="民主推荐", day=date(2026, 6, 1), actor=world.users["county"]
    )
    _record(case, StepKind.MOTION, date(2026, 6, 1), decision="启动")
    candidates = {n: services.candidate_add(case=case, cadre_id=c.pk, actor=None) for n, c in people.items()}
    return case, candidates, people


def test_a_linked_year_end_recommendation_decides_the_two_recommendations(world: World) -> None:
    case, candidates, people = _case(world)
    # 1 post × 1:3 → the first 3 places: 甲一 30, 乙二 20, 丙三 20 lead; 丁四 10 does not
    session = _year_end(
        world, "2025年度年终民主推荐", {"甲一": 30, "乙二": 20, "丙三": 20, "丁四": 10}, people
    )
    county = world.users["county"]
    assert session in year_end_sessions(county, case)
    services.year_end_link(case=case, session_id=session.pk, actor=county)
    verdicts = {c.name: c.two_recommendations for c in Candidate.objects.filter(case=case)}
    assert verdicts == {"甲一": True, "乙二": True, "丙三": True, "丁四": False}
    result = year_end(case)
    assert result is not None and result.places == 3
    assert result.verdict(candidates["丁四"]) == (False, "年终民主推荐得 10 票，未进入前 3 名")
    event = AuditEvent.objects.filter(action="selection.ballot").latest("id")
    assert event.payload["两推"]["乙二"] == "年终民主推荐得 20 票，列第 2 名（前 3 名内）"
    # an entry from paper cannot turn 丁四 into agreement any more
    services.candidate_views(
        candidate=candidates["丁四"],
        actor=None,
        two_recommendations=True,
        masses=True,
        party_org=True,
        leader=True,
    )
    candidates["丁四"].refresh_from_db()
    assert candidates["丁四"].two_recommendations is False
    # the page says where the verdict comes from
    client = Client()
    client.force_login(county)
    page = client.get(reverse("selection:case", args=[case.pk])).content.decode()
    assert "「两推」依据：2025年度年终民主推荐" in page and "取前 3 名" in page
    assert "年终民主推荐得 30 票，列第 1 名（前 3 名内）" in page


def test_only_a_sealed_recommendation_outside_the_case_can_be_linked(world: World) -> None:
    case, _, people = _case(world)
    county = world.users["county"]
    own = services.ballot_create(case=case, purpose="推荐", expected=50, actor=None)  # the case's own vote
    draft = ballot_services.session_create(
        unit=world.county,
        title="未封存的推荐",
        kind="recommendation",
        subjects=[ballot_services.SubjectSpec(label="甲一", cadre_id=people["甲一"].pk)],
        groups=[ballot_services.GroupSpec("全县干部", expected=10)],
        actor=None,
    )
    offered = list(year_end_sessions(county, case))
    assert own.session not in offered and draft not in offered
    for wrong in (own.session.pk, draft.pk, "x"):
        with pytest.raises(ValidationError, match="请选择一次已封存的民主推荐"):
            services.year_end_link(case=case, session_id=wrong, actor=county)
    clerk = world.users["clerk_a"]  # a township: not the 组织部
    sealed = _year_end(world, "2026年度年终民主推荐", {"甲一": 5}, people)
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied or ValidationError: refused either way
        services.year_end_link(case=case, session_id=sealed.pk, actor=clerk)
    assert not case.ballots.filter(purpose="年终推荐").exists()


def test_after_the_shortlist_the_two_recommendations_stand_as_recorded(world: World) -> None:
    case, candidates, people = _case(world)
    county = world.users["county"]
    for name in ("甲一", "乙二"):
        services.candidate_views(
            candidate=candidates[name],
            actor=None,
            two_recommendations=True,
            masses=True,
            party_org=True,
            leader=True,
        )
    link = services.ballot_create(case=case, purpose="推荐", expected=50, actor=None)
    ballot_services.paper_meeting_record(session=link.session, present=50, votes={"甲一": 30, "乙二": 20})
    _record(case, StepKind.RECOMMEND, date(2026, 6, 10))
    _record(
        case,
        StepKind.SHORTLIST,
        date(2026, 6, 15),
        data={"chosen": [candidates["甲一"].pk, candidates["乙二"].pk]},
    )
    late = _year_end(world, "2026年度年终民主推荐", {"甲一": 3, "乙二": 1, "丙三": 9, "丁四": 8}, people)
    with pytest.raises(ValidationError, match="已确定考察对象，「两推」以当时的记录为准"):
        services.year_end_link(case=case, session_id=late.pk, actor=county)
    client = Client()
    client.force_login(county)
    page = client.get(reverse("selection:case", args=[case.pk])).content.decode()
    assert 'name="action" value="year_end"' not in page  # not offered any more
