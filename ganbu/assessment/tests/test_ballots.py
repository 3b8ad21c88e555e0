"""民主测评 for a cycle: one rating session per team through the ballots engine, groups and weights
from the scheme; refused with bad 应到 numbers; a session that is not sealed is never scored."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from ganbu.assessment import services
from ganbu.assessment.models import Figure
from ganbu.ballots.models import BallotSession
from ganbu.testing.world import World

SCHEME: dict[str, Any] = {
    "name": "班子测评方案",
    "total": 100,
    "indicators": [
        {
            "code": "M",
            "name": "班子民主测评",
            "weight": 100,
            "rule": "ballot",
            "groups": {"干部群众": 60, "县领导": 40},
        }
    ],
    "grades": [],
}


def test_one_session_per_team_with_the_schemes_groups(world: World) -> None:
    office = world.users["county"]
    scheme = services.import_scheme(actor=office, data=SCHEME, year=2026)
    cycle = services.create_cycle(
        actor=office,
        year=2026,
        name="班子测评",
        tracks=[services.TrackSpec("乡镇", scheme, [world.town_a, world.town_b])],
    )
    services.open_cycle(cycle=cycle, actor=office)
    track = cycle.tracks.get()
    client = Client()
    client.force_login(office)
    url = reverse("assessment:leaf_entry", args=[track.pk, "M"])
    bad = client.post(url, {"e-干部群众": "0", "e-县领导": "5"})
    assert "「干部群众」的应到人数应为 1 到 2000 的整数" in bad.content.decode()
    assert not BallotSession.objects.exists()

    made = client.post(url, {"e-干部群众": "30", "e-县领导": "5"}, follow=True)
    assert "已创建 2 个民主测评：2026年度班子民主测评 · 甲镇领导班子、" in made.content.decode()
    sessions = {s.unit.name: s for s in BallotSession.objects.select_related("unit")}
    assert set(sessions) == {"测试县"}  # the county runs them: a team never manages the vote on itself
    session = BallotSession.objects.get(title__endswith="甲镇领导班子")
    assert session.kind == "rating" and session.title == "2026年度班子民主测评 · 甲镇领导班子"
    groups = {g.name: (g.expected, g.weight) for g in session.groups.all()}
    assert groups == {"干部群众": (30, 60), "县领导": (5, 40)}
    assert [s.label for s in session.subjects.all()] == ["甲镇领导班子"]
    assert Figure.objects.filter(leaf="M", ballot_session__isnull=False).count() == 2
    # a second time creates none: every team has its session
    client.post(url, {"e-干部群众": "30", "e-县领导": "5"})
    assert BallotSession.objects.count() == 2
    page = client.get(url).content.decode()
    assert "2026年度班子民主测评 · 乙乡领导班子" in page and "准备中" in page
    clerk = Client()
    clerk.force_login(world.users["clerk_a"])
    assert clerk.get(reverse("ballots:session_detail", args=[session.pk])).status_code == 404
    detail = client.get(reverse("ballots:session_detail", args=[session.pk])).content.decode()
    assert "由「考核」创建" in detail and 'id="edit-link"' not in detail

    with pytest.raises(ValidationError, match="尚未封存"):
        services.compute(cycle=cycle, actor=office)
