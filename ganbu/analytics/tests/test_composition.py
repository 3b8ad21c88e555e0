"""班子结构体检 on a small county with known answers; rule editing through the services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ganbu.analytics import services
from ganbu.analytics.models import AgeCap, CompositionRule
from ganbu.analytics.selectors.composition import CompositionReport, composition_check
from ganbu.analytics.tests.helpers import Appt, Edu, Person, add_person, township_teams
from ganbu.audit.models import AuditEvent
from ganbu.org import services as org_services
from ganbu.org.models import Post, Unit
from ganbu.testing.world import World

pytestmark = pytest.mark.django_db

D = date(2020, 6, 30)


@pytest.fixture
def county(world: World) -> World:
    *_, a = township_teams(world.town_a)
    *_, b = township_teams(world.town_b)
    dept_team = org_services.team_create(
        unit=world.dept, kind="leadership", name="县教育局领导班子", actor=None
    )
    head = org_services.post_create(unit=world.dept, team=dept_team, name="局长", level="1A41", actor=None)
    start = date(2018, 1, 1)
    univ, college = [Edu("21", date(2000, 7, 1))], [Edu("31", date(2000, 7, 1))]

    def person(
        name: str,
        born: date,
        post_key: str,
        posts: dict[str, Post],
        unit: Unit,
        *,
        since: date = start,
        **kw: Any,
    ) -> None:
        post = posts[post_key]
        add_person(
            Person(name, born, appointments=[Appt(unit, since, post.level, post.name, post=post)], **kw)
        )

    person("书记甲", date(1975, 3, 1), "书记", a, world.town_a, educations=college)
    person("副书记甲", date(1985, 3, 1), "副书记", a, world.town_a, gender="2", educations=univ)
    person("委员甲", date(1988, 3, 1), "委员", a, world.town_a, educations=univ, political="13")
    person("镇长甲", date(1970, 3, 1), "镇长", a, world.town_a, educations=college)
    person("副镇长甲", date(1990, 3, 1), "副镇长", a, world.town_a, educations=college)
    person(
        "后来的女镇长",
        date(1992, 3, 1),
        "副镇长",
        a,
        world.town_a,
        gender="2",
        educations=univ,
        since=date(2021, 1, 1),
    )
    person("书记乙", date(1962, 3, 1), "书记", b, world.town_b, gender="2", educations=univ)
    add_person(
        Person(
            "局长",
            date(1985, 3, 1),
            appointments=[Appt(world.dept, start, "1A41", "局长", post=head)],
            educations=univ,
        )
    )
    # 乙乡政府 has nobody
    return world


def check(world: World, unit: Unit | None = None, as_of: date = D) -> CompositionReport:
    return composition_check(unit=unit or world.county, as_of=as_of, today=timezone.localdate())


def failures(report: CompositionReport) -> dict[str, set[str]]:
    return {t.name: {f.rule.name for f in t.failures} for t in report.failing}


def test_every_failing_team_and_rule_is_listed(county: World) -> None:
    report = check(county)
    assert report.teams_checked == 4
    assert report.teams_without_members == ("乙乡政府",)
    assert failures(report) == {
        "甲镇政府": {
            "每个班子至少配备1名女干部",
            "党委、政府班子40岁以下干部至少2名",
            "每个班子至少1名大学以上学历干部",
        },
        "乙乡党委": {"党委、政府班子40岁以下干部至少2名", "党委、政府班子35岁以下干部至少1名"},
        "县教育局领导班子": {"每个班子至少配备1名女干部"},
    }
    gov = next(t for t in report.failing if t.name == "甲镇政府")
    assert gov.members == 2
    women = next(f for f in gov.failures if f.rule.metric == "women")
    assert (women.actual, women.required) == (0, 1)
    assert women.text == "女干部 0 名，要求至少 1 名"
    under_40 = next(f for f in gov.failures if f.rule.metric == "age_at_most")
    assert (under_40.actual, under_40.required) == (1, 2)
    assert [t.name for t in report.passing] == ["甲镇党委"]


def test_the_scope_standing_against_each_target(county: World) -> None:
    report = check(county)
    assert report.leaders_total == 7
    standing = {p.rule.metric: (p.count, p.percent, p.passed, p.shortfall) for p in report.population}
    assert standing == {
        "women": (2, "28.6", True, 0),
        "non_party": (1, "14.3", True, 0),
        "minority": (0, "0.0", False, 1),
        "university": (4, "57.1", False, 1),  # 5 of 7 = 71.4% would meet 70%
        "postgraduate": (0, "0.0", False, 2),  # 15% of 7 = 1.05 → 2
    }
    assert report.population_failing == 3


def test_members_are_those_in_post_on_the_date(county: World) -> None:
    today = check(county, as_of=timezone.localdate())
    assert "每个班子至少配备1名女干部" not in failures(today).get("甲镇政府", set())
    assert today.leaders_total == 8


def test_a_township_sees_its_own_teams(county: World) -> None:
    report = check(county, county.town_a)
    assert report.teams_checked == 2
    assert set(failures(report)) == {"甲镇政府"}
    assert report.leaders_total == 5


def test_an_edited_rule_changes_the_outcome(county: World) -> None:
    rule = CompositionRule.objects.get(metric="university", scope="population")
    services.rule_update(
        rule=rule, data={**_data(rule), "min_percent": Decimal("50")}, actor=county.users["county"]
    )
    assert next(p for p in check(county).population if p.rule.pk == rule.pk).passed
    women = CompositionRule.objects.get(metric="women", scope="team")
    services.rule_update(rule=women, data={**_data(women), "is_active": False}, actor=county.users["county"])
    assert "甲镇政府" in failures(check(county))
    assert "县教育局领导班子" not in failures(check(county))


def _data(rule: CompositionRule) -> dict[str, object]:
    return {f: getattr(rule, f) for f in services.RULE_FIELDS}


def test_rule_changes_are_validated_and_audited(world: World) -> None:
    admin = world.users["county"]
    rule = services.rule_create(
        data={
            "name": "每个党委至少1名党外干部",
            "scope": "team",
            "metric": "non_party",
            "min_count": 1,
            "team_kinds": "party_committee",
        },
        actor=admin,
    )
    event = AuditEvent.objects.filter(action="analytics.rule.create").latest("seq")
    assert event.object_id == str(rule.pk)
    assert event.payload["after"]["team_kinds"] == "party_committee"
    services.rule_update(rule=rule, data={**_data(rule), "min_count": 2}, actor=admin)
    update = AuditEvent.objects.filter(action="analytics.rule.update").latest("seq")
    assert update.payload == {"before": {"min_count": 1}, "after": {"min_count": 2}}
    with pytest.raises(ValidationError) as exc:
        services.rule_create(
            data={"name": "", "scope": "population", "metric": "age_at_most", "min_count": 3}, actor=admin
        )
    assert set(exc.value.message_dict) == {"name", "age", "min_percent", "min_count"}
    with pytest.raises(ValidationError):
        services.rule_create(
            data={"name": "x", "scope": "team", "metric": "women", "min_count": 1, "team_kinds": "nonsense"},
            actor=admin,
        )
    services.rule_delete(rule=rule, actor=admin)
    assert AuditEvent.objects.filter(action="analytics.rule.delete").exists()
    assert not CompositionRule.objects.filter(pk=rule.pk).exists()


def test_only_county_wide_administrators_change_rules(world: World) -> None:
    rule = CompositionRule.objects.first()
    assert rule is not None
    for who in ("clerk_a", "supervision"):
        with pytest.raises(PermissionDenied):
            services.rule_update(rule=rule, data=_data(rule), actor=world.users[who])
    with pytest.raises(PermissionDenied):  # the county role, but scoped to 甲镇
        services.rule_delete(rule=rule, actor=world.attackers["county"])
    with pytest.raises(PermissionDenied):
        services.age_caps_set(caps={("1A41", "1"): 57}, actor=world.attackers["county"])


def test_age_caps_are_set_and_audited(world: World) -> None:
    changes = services.age_caps_set(
        caps={("1A41", "1"): 57, ("1A41", "2"): 50, ("1A31", "1"): 58, ("1A42", "2"): None},
        actor=world.users["county"],
    )
    assert {(c.level, c.gender, c.before, c.after) for c in changes} == {
        ("1A41", "1", 55, 57),
        ("1A31", "1", None, 58),
        ("1A42", "2", 50, None),
    }
    assert dict(AgeCap.objects.values_list("level", "age").filter(gender="1")) == {
        "1A41": 57,
        "1A42": 55,
        "1A31": 58,
    }
    event = AuditEvent.objects.filter(action="analytics.age_caps.update").latest("seq")
    assert len(event.payload["changes"]) == 3
    with pytest.raises(ValidationError):
        services.age_caps_set(caps={("1A41", "1"): 90}, actor=world.users["county"])
