"""年度考核设置 - the county changes the grading numbers on a page; the quarter entry, the grading of
a review and `simulate-grades` use what it saved; a bad value is refused whole, named by its label."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from ganbu.assessment.conf import grading_settings
from ganbu.assessment.models import AnnualReview, AssessmentSettings, QuarterGrade
from ganbu.assessment.services.annual import grade_review
from ganbu.assessment.services.settings import settings_update
from ganbu.audit.models import AuditEvent
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import World

URL = "assessment:settings"


def _client(world: World, who: str) -> Client:
    client = Client()
    client.force_login(world.users[who])
    return client


def _form(client: Client) -> dict[str, Any]:
    """What the page posts when nothing is changed: every input with its shown value."""
    page = client.get(reverse(URL))
    form: dict[str, Any] = {}
    for row in page.context["rows"]:
        for i in row.inputs:
            if i.kind == "checkbox":
                if i.checked:
                    form[i.name] = "on"
            elif i.kind == "checks":
                form[i.name] = list(i.selected)
            else:
                form[i.name] = i.value
    return form


def test_only_the_county_office_opens_the_settings(world: World) -> None:
    page = _client(world, "county").get(reverse(URL))
    assert page.status_code == 200
    html = page.content.decode()
    assert "平时考核「好」比例上限" in html and "默认：40%" in html and "默认：称职" not in html
    for who in ("clerk_a", "dept", "supervision", "committee"):
        assert _client(world, who).get(reverse(URL)).status_code == 403, who


def test_an_unchanged_form_stores_nothing(world: World) -> None:
    county = _client(world, "county")
    assert county.post(reverse(URL), _form(county)).status_code == 302
    assert not AssessmentSettings.objects.filter(values__gt={}).exists()
    assert not AuditEvent.objects.filter(action="assessment.settings").exists()


def test_a_change_is_stored_audited_and_used_by_the_quarter_entry(world: World) -> None:
    county = _client(world, "county")
    form = _form(county) | {"quarter_good_share": "20%", "score_good": "85"}
    assert county.post(reverse(URL), form).status_code == 302
    assert AssessmentSettings.objects.get().values == {"score_good": 85, "quarter_good_share": "20%"}
    event = AuditEvent.objects.get(action="assessment.settings")
    assert event.payload == {
        "before": {"平时考核「好」最低分": "90", "平时考核「好」比例上限": "40%"},
        "after": {"平时考核「好」最低分": "85", "平时考核「好」比例上限": "20%"},
    }
    people = [make_cadre(world.town_a, f"干部{i}") for i in range(10)]
    clerk = _client(world, "clerk_a")
    url = f"{reverse('assessment:quarters')}?unit={world.town_a.pk}&year=2026&quarter=1"
    page = clerk.get(url).content.decode()
    assert "参加人数的 20%" in page and "≥85 好" in page
    refused = clerk.post(url, {f"g-{p.pk}": "好" for p in people[:3]})  # 10 × 20 % = 2
    assert "「好」最多 2 人（参加 10 人 × 20%，向下取整），现为 3 人" in refused.content.decode()
    assert clerk.post(url, {f"s-{people[0].pk}": "86"}).status_code == 302  # 86 ≥ 85: 好
    assert QuarterGrade.objects.get(cadre=people[0]).grade == "好"


def test_a_bad_value_is_refused_whole_and_named_by_its_label(world: World) -> None:
    county = _client(world, "county")
    form = _form(county) | {"cap": "二成", "score_good": "85", "score_pass": "95"}
    refused = county.post(reverse(URL), form)
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "「优秀比例上限」应为比例" in html
    assert 'value="二成"' in html  # what was typed comes back
    assert 'class="form-control is-invalid" type="text" inputmode="text" name="cap"' in html  # marked
    assert not AssessmentSettings.objects.exists()
    order = county.post(reverse(URL), _form(county) | {"score_pass": "95"})
    assert (
        "平时考核分数线应为「好」高于「较好」、「较好」高于「一般」，且在 1 到 100 之间"
        in order.content.decode()
    )
    assert grading_settings().score_pass == 60


def test_grading_a_review_uses_the_settings_in_force(world: World) -> None:
    for i in range(20):
        make_cadre(world.town_a, f"干部{i}")
    clerk = _client(world, "clerk_a")
    clerk.post(reverse("assessment:reviews"), {"unit": world.town_a.pk, "year": 2026})
    review = AnnualReview.objects.get()
    assert grade_review(review)["quota"]["total"] == {"all": 3}  # no 综合考核 grade: 20 × 15 % = 3
    settings_update(actor=world.users["county"], values={"default_share": "10%"})
    assert grade_review(review)["quota"]["total"] == {"all": 2}  # 20 × 10 % = 2


def test_simulate_grades_starts_from_the_settings_in_force(world: World, tmp_path: Path) -> None:
    people = [{"id": str(i), "name": f"干部{i}", "role": "staff", "proposed": "称职"} for i in range(20)]
    path = tmp_path / "inputs.json"

    def places(settings: dict[str, Any] | None = None) -> Any:
        inputs = {"year": 2026, "unit": {"name": "甲镇", "grade": "好"}, "participants": people}
        path.write_text(json.dumps(inputs | ({"settings": settings} if settings else {})), encoding="utf-8")
        out = io.StringIO()
        call_command("assessment", "simulate-grades", "--inputs", str(path), stdout=out)
        return json.loads(out.getvalue())["quota"]["total"]

    assert places() == {"all": 3}  # 20 × 15 %
    by_grade = {"实绩突出": "20%", "好": "10%", "一般": "12%", "较差": "8%"}
    settings_update(actor=None, values={"share_by_grade": by_grade})
    assert places() == {"all": 2}  # the county's 10 %
    assert places({"share_by_grade": by_grade | {"好": "15%"}}) == {"all": 3}  # the file's own wins
