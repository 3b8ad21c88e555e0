"""The create form: the fields of the chosen kind (the others ignored), the meeting templates, rater
groups as rows with row-numbered errors; and the slips' printed address (the administrator's
setting, not the host the clerk browses from)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ganbu.ballots import rules, services, slips
from ganbu.ballots.models import BallotSession
from ganbu.ballots.tests.factories import approval_session
from ganbu.testing.world import World

pytestmark = pytest.mark.django_db

URL = "/ballots/new/"


def login(world: World, who: str = "county") -> Client:
    client = Client()
    client.force_login(world.users[who])
    return client


def _post(world: World, kind: str, **extra: str) -> dict[str, str]:
    return {
        "title": "测试会议",
        "unit": str(world.county.pk),
        "kind": kind,
        "mode": "electronic",
        "subject-0-name": "张三",
        "subject-0-nominee": "on",
        "subject-1-name": "李四",
        "subject-1-nominee": "on",
        "group-0-name": "委员",
        "group-0-expected": "30",
        "group-0-weight": "1",
        **extra,
    }


# every field a kind does not use, filled in: the service must never see them
NOISE = {
    "options": "赞成\n反对",
    "max_choices": "2",
    "min_choices": "1",
    "allow_write_in": "on",
    "denominator": "present",
}


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (
            "rating",
            {
                "kind": "rating",
                "rule": "",
                "options": rules.RATING_OPTIONS,
                "max_choices": 1,
                "allow_write_in": False,
                "denominator": "expected",
            },
        ),
        (
            "recommendation",
            {
                "kind": "recommendation",
                "rule": "",
                "options": [],
                "max_choices": 2,
                "allow_write_in": True,
                "denominator": "expected",
            },
        ),
        (
            "consultation",
            {
                "kind": "approval",
                "rule": "consultation",
                "options": rules.APPROVAL_OPTIONS,
                "max_choices": 1,
                "allow_write_in": False,
                "denominator": "present",
            },
        ),
        (
            "decision",
            {
                "kind": "approval",
                "rule": "decision",
                "options": rules.APPROVAL_OPTIONS,
                "max_choices": 1,
                "allow_write_in": False,
                "denominator": "expected",
            },
        ),
    ],
)
def test_each_kind_takes_its_own_fields_and_ignores_the_others(
    world: World, kind: str, expected: dict[str, Any]
) -> None:
    noise = dict(NOISE)
    if kind == "rating":
        noise["options"] = ""  # 测评 takes options: blank means its defaults
    if kind in ("consultation", "decision"):
        noise["options"] = "同意\n不同意\n缓议"
    response = login(world).post(URL, _post(world, kind, **noise))
    assert response.status_code == 302, response.content.decode()[-3000:]
    session = BallotSession.objects.get()
    got = {name: getattr(session, name) for name in expected}
    assert got == expected


def test_the_page_marks_which_kinds_each_field_belongs_to(world: World) -> None:
    html = login(world).get(URL, {"kind": "recommendation"}).content.decode()
    assert re.search(r'<fieldset[^>]*data-kinds="recommendation"[^>]*id="fields-recommendation"', html)
    assert re.search(r'<fieldset[^>]*data-kinds="consultation"[^>]*id="fields-consultation"', html)
    assert re.search(r'<fieldset[^>]*data-kinds="rating consultation decision"[^>]*id="fields-options"', html)
    assert '<option value="recommendation" selected>民主推荐</option>' in html
    assert "ballots/session_form.js" in html
    options = re.search(r'<textarea[^>]*name="options"[^>]*>([^<]*)</textarea>', html)
    assert options is not None and options.group(1) == ""  # 推荐 has no options
    rating = login(world).get(URL, {"kind": "rating"}).content.decode()
    options = re.search(r'<textarea[^>]*name="options"[^>]*>([^<]*)</textarea>', rating)
    assert options is not None and options.group(1) == "优秀\n称职\n基本称职\n不称职"


@pytest.mark.parametrize("key", list(rules.MEETING_TEMPLATES))
def test_a_meeting_template_prefills_the_form_and_creates_that_meeting(world: World, key: str) -> None:
    template: dict[str, Any] = rules.MEETING_TEMPLATES[key]
    client = login(world)
    page = client.get(URL, {"template": key})
    html = page.content.decode()
    assert f'<option value="{template["kind"]}" selected>' in html
    for n, (name, expected, weight) in enumerate(template["groups"]):
        assert f'name="group-{n}-name" value="{name}"' in html
        assert f'name="group-{n}-expected" value="{expected}"' in html
        assert f'name="group-{n}-weight" value="{weight}"' in html
    # submit the page as prefilled, with one nominee
    form = page.context["form"]
    data = {k: v for k, v in form.initial.items() if not isinstance(v, list)}
    data.update({"unit": str(world.county.pk), "subject-0-name": "张三", "subject-0-nominee": "on"})
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    for n, row in enumerate(form.initial["group_rows"]):
        data.update({f"group-{n}-{c}": row[c] for c in ("name", "expected", "weight")})
    if template["kind"] == "recommendation":
        data["subject-1-name"], data["subject-1-nominee"] = "李四", "on"
    assert client.post(URL, data).status_code == 302
    session = BallotSession.objects.get()
    kind = {"decision": ("approval", "decision"), "consultation": ("approval", "consultation")}.get(
        str(template["kind"]), (str(template["kind"]), "")
    )
    assert (session.kind, session.rule, session.title) == (*kind, template["title"])
    assert [(g.name, g.expected, g.weight) for g in session.groups.all()] == template["groups"]
    if "options" in template:
        assert session.options == template["options"]


def test_group_rows_are_checked_row_by_row_and_nothing_is_created(world: World) -> None:
    data = _post(
        world,
        "rating",
        **{
            "group-1-name": "乡镇干部",
            "group-1-expected": "二十",
            "group-1-weight": "3",
            "group-2-name": "",
            "group-2-expected": "5",
            "group-2-weight": "0",
            "group-3-name": "",  # a blank row (default weight) is ignored
            "group-3-expected": "",
            "group-3-weight": "1",
        },
    )
    html = login(world).post(URL, data).content.decode()
    assert "评议人类别第 2 行：应到人数应为正整数" in html
    assert "评议人类别第 3 行：请填写类别名称，权重应为正整数" in html
    assert "评议人类别第 4 行" not in html
    assert html.count('class="table-danger"') == 2
    assert not BallotSession.objects.exists()
    duplicate = _post(
        world, "rating", **{"group-1-name": "委员", "group-1-expected": "3", "group-1-weight": "1"}
    )
    assert "评议人类别第 2 行「委员」与第 1 行重名" in login(world).post(URL, duplicate).content.decode()
    no_group = {k: v for k, v in _post(world, "rating").items() if not k.startswith("group-")}
    assert "请至少填写一类评议人" in login(world).post(URL, no_group).content.decode()
    assert not BallotSession.objects.exists()


def test_rows_keep_their_order_when_numbered_with_gaps(world: World) -> None:
    # rows removed in the browser leave gaps in the names; the order is the numbers' order
    data = _post(world, "rating")
    data.update({"group-7-name": "乡镇领导", "group-7-expected": "5", "group-7-weight": "3"})
    data.update({"subject-12-name": "王五", "subject-12-nominee": "on"})
    assert login(world).post(URL, data).status_code == 302
    session = BallotSession.objects.get()
    assert [g.name for g in session.groups.all()] == ["委员", "乡镇领导"]
    assert [s.label for s in session.subjects.all()] == ["张三", "李四", "王五"]


def test_more_rows_without_javascript(world: World) -> None:
    html = login(world).post(URL, {**_post(world, "rating"), "add_rows": "1"}).content.decode()
    assert not BallotSession.objects.exists()
    assert 'name="subject-7-name"' in html and 'name="group-5-name"' in html  # 2 + 3 + 3, 1 + 2 + 3
    assert 'name="subject-0-name" value="张三"' in html


# --- slips ------------------------------------------------------------------------------------


def test_slips_print_the_administrators_address_not_the_browsing_host(world: World, monkeypatch: Any) -> None:
    printed: list[str] = []
    real = slips.segno.make

    def spy(content: str, **kw: Any) -> Any:
        printed.append(content)
        return real(content, **kw)

    monkeypatch.setattr(slips.segno, "make", spy)
    real_pdf = slips.codes_pdf

    def pdf_spy(**kw: Any) -> bytes:
        printed.append(f"text:{kw['base_url']}")  # the address printed under the QR code
        return real_pdf(**kw)

    monkeypatch.setattr(slips, "codes_pdf", pdf_spy)
    session = approval_session(world.county, expected=11)
    group = session.groups.get()
    client = login(world)

    def download() -> None:
        response = client.post(
            reverse("ballots:session_codes", args=[session.pk]),
            {"group": group.pk, "count": 2, "format": "pdf"},
            HTTP_HOST="localhost:8000",
        )
        assert response.status_code == 200 and response.content.startswith(b"%PDF")

    services.ballot_settings_update(
        min_group_size=5,
        live_min=20,
        consult_denominator="expected",
        unfit_warning_percent=30,
        second_round_percent=30,
        public_base_url="https://ganbu.example.gov.cn/",
        actor=None,
    )
    download()
    qr = [p for p in printed if not p.startswith("text:")]
    assert len(qr) == 2 and all(p.startswith("https://ganbu.example.gov.cn/v/#") for p in qr)
    assert "text:https://ganbu.example.gov.cn" in printed
    assert not any("localhost" in p for p in printed)

    # the control: without the setting, the browsing host is what gets printed
    printed.clear()
    services.ballot_settings_update(
        min_group_size=5,
        live_min=20,
        consult_denominator="expected",
        unfit_warning_percent=30,
        second_round_percent=30,
        public_base_url="",
        actor=None,
    )
    download()
    assert all(p.startswith(("http://localhost:8000/v/#", "text:http://localhost:8000")) for p in printed)
