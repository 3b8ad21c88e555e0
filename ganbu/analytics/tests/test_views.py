"""The analysis pages as users use them: success, wrong method, wrong role, scope, exports, rule
editing (audited) and the database state after it."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ganbu.analytics.models import AgeCap, CompositionRule
from ganbu.analytics.tests.helpers import Appt, Edu, Person, add_person, township_teams
from ganbu.audit.models import AuditEvent
from ganbu.org.models import Unit
from ganbu.testing.world import World

pytestmark = pytest.mark.django_db

UNIT_PAGES = ["analytics:structure", "analytics:compare", "analytics:composition", "analytics:forecast"]
EXPORTS = ["analytics:structure_export", "analytics:compare_export", "analytics:forecast_export"]


def client(world: World, who: str) -> Client:
    c = Client()
    c.force_login(world.users[who] if who in world.users else world.attackers[who])
    return c


@pytest.fixture
def county(world: World) -> World:
    _, _, posts = township_teams(world.town_a)
    add_person(
        Person(
            "甲镇长",
            date(1972, 4, 1),
            appointments=[Appt(world.town_a, date(2018, 1, 1), "1A41", "镇长", post=posts["镇长"])],
            educations=[Edu("21", date(1995, 7, 1))],
        )
    )
    add_person(
        Person(
            "甲副镇长",
            date(1988, 4, 1),
            gender="2",
            appointments=[Appt(world.town_a, date(2018, 1, 1), post=posts["副镇长"])],
        )
    )
    add_person(
        Person(
            "乙乡长", date(1971, 1, 1), appointments=[Appt(world.town_b, date(2016, 1, 1), "1A41", "乡长")]
        )
    )
    return world


def url(name: str, world: World, unit: Unit | None = None) -> str:
    return reverse(name, kwargs={"pk": (unit or world.county).pk})


@pytest.mark.parametrize("name", UNIT_PAGES)
def test_each_page_works_for_the_county(county: World, name: str) -> None:
    response = client(county, "county").get(url(name, county))
    assert response.status_code == 200
    assert "测试县" in response.content.decode()


@pytest.mark.parametrize("name", UNIT_PAGES + EXPORTS)
def test_pages_are_read_only(county: World, name: str) -> None:
    assert client(county, "county").post(url(name, county)).status_code == 405


@pytest.mark.parametrize("name", UNIT_PAGES + EXPORTS)
@pytest.mark.parametrize("who", ["village_cadre", "committee"])
def test_roles_without_analytics_are_refused(county: World, name: str, who: str) -> None:
    assert client(county, who).get(url(name, county, county.village_a)).status_code == 403


@pytest.mark.parametrize("name", UNIT_PAGES + EXPORTS)
def test_a_township_user_cannot_open_another_township(county: World, name: str) -> None:
    c = client(county, "clerk_a")
    assert c.get(url(name, county, county.town_b)).status_code == 404
    assert c.get(url(name, county, county.county)).status_code == 404
    assert c.get(url(name, county, county.town_a)).status_code == 200


def test_a_township_user_sees_only_their_subtree(county: World) -> None:
    response = client(county, "clerk_a").get(url("analytics:structure", county, county.town_a))
    table = response.context["table"]
    assert table.total == 2
    assert "乙乡" not in response.content.decode().split('id="structure-form"')[1]


def test_the_index_sends_each_user_to_their_own_scope(county: World) -> None:
    response = client(county, "clerk_a").get(reverse("analytics:index"))
    assert response["Location"] == url("analytics:structure", county, county.town_a)
    response = client(county, "county").get(
        reverse("analytics:index"), {"unit": str(county.town_b.pk), "view": "forecast", "years": "3"}
    )
    assert response["Location"] == url("analytics:forecast", county, county.town_b) + "?years=3"
    assert (
        client(county, "clerk_a").get(reverse("analytics:index"), {"unit": county.town_b.pk}).status_code
        == 404
    )


def test_the_structure_page_shows_table_sentence_and_chart_data(county: World) -> None:
    response = client(county, "county").get(
        url("analytics:structure", county), {"population": "leaders", "bands": "seed000"}
    )
    html = response.content.decode()
    assert response.context["table"].total == 3
    assert 'id="structure-data"' in html and 'id="chart-pyramid"' in html
    assert "截至" in html and "领导干部3人" in html
    assert "<script>" not in html.replace('<script type="application/json"', "")  # CSP: no inline scripts
    data = json.loads(html.split('id="structure-data" type="application/json">')[1].split("</script>")[0])
    assert [d["key"] for d in data["dimensions"]][:3] == ["gender", "grade", "age"]


def test_the_structure_page_does_a_fixed_number_of_queries(county: World) -> None:
    c = client(county, "county")
    c.get(url("analytics:structure", county))
    with CaptureQueriesContext(connection) as small:
        c.get(url("analytics:structure", county))
    for i in range(5):
        add_person(
            Person(f"又一位{i}", date(1980, 1, 1), appointments=[Appt(county.town_a, date(2019, 1, 1))])
        )
    with CaptureQueriesContext(connection) as larger:
        c.get(url("analytics:structure", county))
    assert len(larger) == len(small) <= 22  # session, user, scope, code tables, the guard, the table


def test_bad_input_is_shown_not_a_500(county: World) -> None:
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client(county, "county").get(
        url("analytics:structure", county), {"as_of": tomorrow, "bands": "custom", "cuts": "40,35"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "统计时点不能晚于今天" in html and "分界年龄" in html
    assert response.context["table"] is None
    export = client(county, "county").get(url("analytics:structure_export", county), {"as_of": tomorrow})
    assert export.status_code == 302


def test_the_registry_filter_population(county: World) -> None:
    response = client(county, "county").get(
        url("analytics:structure", county), {"population": "filter", "f-gender": "2"}
    )
    table = response.context["table"]
    assert table.total == 1
    assert "性别：女" in table.population_label


def test_structure_exports(county: World) -> None:
    c = client(county, "county")
    params = {"as_of": "2020-06-30", "population": "section"}
    xlsx = c.get(url("analytics:structure_export", county), {**params, "format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    sheet = load_workbook(io.BytesIO(xlsx.content))["队伍结构"]
    assert sheet["A5"].value == "人数"
    docx = c.get(url("analytics:structure_export", county), {**params, "format": "docx"})
    assert docx["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    data = json.loads(c.get(url("analytics:structure_export", county), {**params, "format": "json"}).content)
    assert data["total"] == 3 and data["as_of"] == "2020-06-30"
    events = AuditEvent.objects.filter(action="analytics.export")
    assert events.count() == 3
    assert events.latest("seq").payload["params"]["population"] == "section"


def test_compare_page_and_export(county: World) -> None:
    c = client(county, "county")
    params = {"before": "2017-06-30", "after": "2020-06-30"}
    comparison = c.get(url("analytics:compare", county), params).context["comparison"]
    assert (comparison.before.total, comparison.after.total) == (1, 3)
    workbook = load_workbook(io.BytesIO(c.get(url("analytics:compare_export", county), params).content))
    assert workbook.sheetnames == ["两个时点对比", "2017-06-30", "2020-06-30"]
    docx = c.get(url("analytics:compare_export", county), {**params, "format": "docx"})
    assert docx.status_code == 200


def test_composition_page(county: World) -> None:
    response = client(county, "county").get(url("analytics:composition", county), {"as_of": "2020-06-30"})
    report = response.context["report"]
    assert report.teams_checked == 1
    assert {t.name: [f.rule.name for f in t.failures] for t in report.failing} == {
        "甲镇政府": ["党委、政府班子40岁以下干部至少2名"]
    }
    assert report.teams_without_members == ("甲镇党委",)
    assert 'id="composition-data"' in response.content.decode()


def test_forecast_page_and_export(county: World) -> None:
    c = client(county, "county")
    response = c.get(url("analytics:forecast", county), {"years": "10"})
    f = response.context["forecast"]
    assert [p.name for p in f.people] == ["乙乡长", "甲镇长"]
    assert "到" in response.context["forecast"].sentence()
    book = load_workbook(io.BytesIO(c.get(url("analytics:forecast_export", county), {"years": "10"}).content))
    names = [row[1] for row in book["到龄名单"].iter_rows(min_row=2, values_only=True)]
    assert names == ["乙乡长", "甲镇长"]
    assert (
        client(county, "clerk_a")
        .get(url("analytics:forecast", county, county.town_a), {"years": "10"})
        .context["forecast"]
        .leaders_total
        == 2
    )
    assert c.get(url("analytics:forecast", county), {"years": "99"}).context["forecast"] is None


# --- rules ---------------------------------------------------------------------------------------


def test_everyone_with_analytics_can_read_the_rules(county: World) -> None:
    for who in ("county", "clerk_a", "supervision"):
        response = client(county, who).get(reverse("analytics:rules"))
        assert response.status_code == 200
        assert "每个班子至少配备1名女干部" in response.content.decode()
        assert ("新增规则" in response.content.decode()) == (who == "county")


def test_the_administrator_edits_a_rule(county: World) -> None:
    rule = CompositionRule.objects.get(metric="women", scope="population")
    c = client(county, "county")
    assert c.get(reverse("analytics:rule_edit", kwargs={"pk": rule.pk})).status_code == 200
    response = c.post(
        reverse("analytics:rule_edit", kwargs={"pk": rule.pk}),
        {
            "name": rule.name,
            "scope": "population",
            "metric": "women",
            "min_percent": "20",
            "is_active": "on",
            "sort_order": "1",
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert str(rule.min_percent) == "20.00"
    event = AuditEvent.objects.filter(action="analytics.rule.update").latest("seq")
    assert event.actor_label == "county"
    assert event.payload["after"]["min_percent"] == "20"


def test_a_bad_rule_is_refused_with_reasons(county: World) -> None:
    response = client(county, "county").post(
        reverse("analytics:rule_create"),
        {"name": "x", "scope": "team", "metric": "age_at_most", "sort_order": "0"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "年龄指标需填写" in html and "班子规则需填写每班子至少人数" in html
    assert not CompositionRule.objects.filter(name="x").exists()


def test_creating_and_deleting_rules(county: World) -> None:
    c = client(county, "county")
    response = c.post(
        reverse("analytics:rule_create"),
        {
            "name": "党委至少1名党外",
            "scope": "team",
            "metric": "non_party",
            "min_count": "1",
            "team_kinds": ["party_committee"],
            "is_active": "on",
            "sort_order": "9",
        },
    )
    assert response.status_code == 302
    rule = CompositionRule.objects.get(name="党委至少1名党外")
    assert rule.kinds == ["party_committee"]
    assert c.get(reverse("analytics:rule_delete", kwargs={"pk": rule.pk})).status_code == 405
    assert c.post(reverse("analytics:rule_delete", kwargs={"pk": rule.pk})).status_code == 302
    assert not CompositionRule.objects.filter(pk=rule.pk).exists()


@pytest.mark.parametrize("who", ["clerk_a", "supervision", "dept"])
def test_other_roles_cannot_edit_rules(county: World, who: str) -> None:
    rule = CompositionRule.objects.first()
    assert rule is not None
    c = client(county, who)
    for name, kwargs in (
        ("analytics:rule_create", {}),
        ("analytics:age_caps", {}),
        ("analytics:rule_edit", {"pk": rule.pk}),
    ):
        assert c.get(reverse(name, kwargs=kwargs)).status_code == 403
        assert c.post(reverse(name, kwargs=kwargs), {"name": "改"}).status_code == 403
    assert c.post(reverse("analytics:rule_delete", kwargs={"pk": rule.pk})).status_code == 403
    rule.refresh_from_db()
    assert rule.name != "改"


def test_a_county_role_scoped_to_a_township_cannot_edit_county_rules(county: World) -> None:
    c = client(county, "county")  # sanity: the county-wide user can
    assert c.get(reverse("analytics:age_caps")).status_code == 200
    attacker = Client()
    attacker.force_login(county.attackers["county"])
    assert attacker.get(reverse("analytics:age_caps")).status_code == 403
    assert attacker.post(reverse("analytics:age_caps"), {"cap_1A41_1": "60"}).status_code == 403
    assert AgeCap.objects.get(level="1A41", gender="1").age == 55


def test_the_administrator_sets_age_caps(county: World) -> None:
    c = client(county, "county")
    data = {
        "cap_1A41_1": "57",
        "cap_1A41_2": "52",
        "cap_1A42_1": "55",
        "cap_1A42_2": "50",
        "cap_1A31_1": "",
        "cap_1A31_2": "",
        "cap_1A32_1": "58",
        "cap_1A32_2": "",
    }
    assert c.post(reverse("analytics:age_caps"), data).status_code == 302
    assert dict(AgeCap.objects.filter(gender="1").values_list("level", "age")) == {
        "1A41": 57,
        "1A42": 55,
        "1A32": 58,
    }
    assert AuditEvent.objects.filter(action="analytics.age_caps.update").count() == 1
    bad = c.post(reverse("analytics:age_caps"), {**data, "cap_1A41_1": "99"})
    assert bad.status_code == 200
    assert AgeCap.objects.get(level="1A41", gender="1").age == 57


@pytest.mark.parametrize("name", ["analytics:index", "analytics:rules"])
def test_entry_pages_are_read_only(county: World, name: str) -> None:
    assert client(county, "county").post(reverse(name)).status_code == 405
    assert client(county, "village_cadre").get(reverse(name)).status_code == 403


@pytest.mark.parametrize(
    ("export", "page", "params"),
    [
        ("analytics:structure_export", "analytics:structure", {"bands": "custom", "cuts": "40,35"}),
        ("analytics:compare_export", "analytics:compare", {"bands": "custom", "cuts": "40,35"}),
        ("analytics:forecast_export", "analytics:forecast", {"years": "0"}),
    ],
)
def test_an_invalid_export_goes_back_to_its_page(
    county: World, export: str, page: str, params: dict[str, str]
) -> None:
    response = client(county, "county").get(url(export, county), {**params, "format": "xlsx"})
    assert response.status_code == 302
    path, _, query = response["Location"].partition("?")
    assert path == url(page, county)
    assert "format=" not in query and all(f"{name}=" in query for name in params)
