"""The 记实 page people can read (issue 13, item 3): labels from the apps' catalogues, Chinese field
names with before → after and code names, the person and role who acted, filters, the Excel
export, masking, and the cadre's 修改记录 rendered the same way."""

from __future__ import annotations

import importlib
import io
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.apps import apps
from django.test import Client
from django.urls import reverse

from ganbu.audit import catalogue
from ganbu.audit.models import AuditEvent
from ganbu.audit.services import record_event
from ganbu.cadres import services as cadre_services
from ganbu.home import selectors
from ganbu.home.forms import EventFilterForm
from ganbu.org.models import User
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import World

CJK = re.compile(r"[\u4e00-\u9fff]")
ZONE = ZoneInfo("Asia/Shanghai")


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _named(user: User, name: str) -> User:
    User.objects.filter(pk=user.pk).update(display_name=name)
    user.refresh_from_db()
    return user


def _text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


def test_every_app_with_an_events_module_is_in_the_catalogue_with_chinese_labels() -> None:
    expected = set()
    for config in apps.get_app_configs():
        if not config.name.startswith("ganbu."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.events")
        except ModuleNotFoundError:
            continue
        if hasattr(module, "EVENTS"):
            expected.add(config.label)
    assert {label for label, _ in catalogue.modules()} == expected
    assert {"cadres", "ballots", "villagework", "org", "analytics", "home", "audit"} <= expected
    for c in catalogue.catalogues():
        for action, label in c.events.items():
            assert CJK.search(label), f"{action}: {label!r} has no Chinese label"


def test_labels_and_modules_come_from_the_catalogues() -> None:
    assert catalogue.action_label("cadre.update") == "修改干部基本信息"
    assert catalogue.module_of("cadre.update") == "干部档案"
    assert catalogue.action_label("ballots.session_sealed") == "封存计票结果"
    assert catalogue.module_of("unit.create") == "组织机构"
    assert catalogue.action_label("no.such.action") == "no.such.action"  # shown as is, never hidden


def test_a_change_reads_in_chinese_with_code_names_and_the_person(world: World) -> None:
    county = _named(world.users["county"], "王组织")
    cadre = make_cadre(world.town_a, "李四", gender="1", political_status="13")
    cadre_services.cadre_update(cadre=cadre, data={"ethnicity": "03", "health": "良好"}, actor=county)
    response = _client(world.users["admin"]).get(reverse("home:event_list"), {"action": "cadre.update"})
    assert response.status_code == 200
    text = _text(response)
    assert "修改干部基本信息" in text and "干部档案" in text
    assert "王组织（组织部）" in text
    assert re.search(r"民族：</span>汉族 <span[^>]*>→</span> 回族", text)
    assert re.search(r"健康状况：</span>— <span[^>]*>→</span> 良好", text)
    assert (
        "cadre.update" not in text.split("<tbody>")[1].split("</tbody>")[0]
    )  # no developer words in the table


def test_a_transition_shows_its_states_by_name(world: World) -> None:
    from ganbu.ballots.tests.factories import approval_session, close, issue, open_

    session = approval_session(world.county, expected=3, subjects=["张三"])
    issue(session, 3)
    open_(session)
    close(session)
    event = AuditEvent.objects.filter(action="ballots.session_closed").get()
    view = catalogue.describe(event)
    assert view.label == "结束投票"
    assert any(c.label == "状态" and c.after == "已结束" for c in view.changes), view.changes


def _events_on(world: World) -> None:
    """Three events on three days by three people."""
    for day, who, action, label in (
        (date(2026, 11, 1), "county", "unit.update", "甲镇"),
        (date(2026, 11, 2), "clerk_a", "cadre.update", "张三"),
        (date(2026, 11, 3), "dept", "cadre.export", "干部名册"),
    ):
        with time_machine.travel(datetime(day.year, day.month, day.day, 23, 30, tzinfo=ZONE), tick=False):
            record_event(
                actor=world.users[who],
                action=action,
                object_label=label,
                unit_path=world.county.path,
                payload={},
            )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"module": "cadres"}, ["cadre.export", "cadre.update"]),
        ({"module": "org"}, ["unit.update"]),
        ({"action": "cadre.update"}, ["cadre.update"]),
        ({"person": "甲镇文书"}, ["cadre.update"]),
        ({"person": "clerk"}, ["cadre.update"]),
        ({"object": "名册"}, ["cadre.export"]),
        ({"start": "2026-11-02", "end": "2026-11-02"}, ["cadre.update"]),  # the end day is included
        ({"start": "2026-11-02"}, ["cadre.export", "cadre.update"]),
        ({"end": "2026-11-01"}, ["unit.update"]),
    ],
)
def test_filters(world: World, query: dict[str, str], expected: list[str]) -> None:
    _named(world.users["clerk_a"], "甲镇文书")
    baseline = set(AuditEvent.objects.values_list("pk", flat=True))
    _events_on(world)
    from ganbu.home.forms import EventFilterForm

    form = EventFilterForm(query)
    assert form.is_valid(), form.errors
    found = selectors.events_filtered(user=world.users["county"], filters=form.cleaned_data).exclude(
        pk__in=baseline
    )
    assert sorted(found.values_list("action", flat=True)) == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2026-11-05", "end": "2026-11-01"}, "截止日期：不能早于起始日期"),
        ({"start": "2026-13-01"}, "日期格式应为 2026-01-31"),
        ({"module": "nosuch"}, "没有这个模块"),
        ({"action": "cadre.nosuch"}, "没有这个操作"),
        ({"module": "org", "action": "cadre.update"}, "所选操作不属于「组织机构」模块"),
    ],
)
def test_bad_filters_are_named_not_a_server_error(world: World, query: dict[str, str], message: str) -> None:
    response = _client(world.users["county"]).get(reverse("home:event_list"), query)
    assert response.status_code == 200
    assert message in _text(response)


def test_choosing_a_module_narrows_the_actions(world: World) -> None:
    client = _client(world.users["county"])
    every = _text(client.get(reverse("home:event_list")))
    assert "修改干部基本信息" in every and "修改单位信息" in every
    html = client.get(reverse("home:event_list"), {"module": "org"}).content.decode()
    # the script (confirm.js) shows only the chosen module's group of 操作, at once
    assert 'data-narrows="action"' in html and '<optgroup label="组织机构">' in html
    form = EventFilterForm({"module": "org", "action": "unit.update"})
    assert form.is_valid(), form.errors


def test_the_export_is_what_the_filters_show_audited_and_formula_safe(world: World) -> None:
    _events_on(world)
    record_event(
        actor=world.users["county"],
        action="unit.update",
        object_label='=HYPERLINK("http://x","y")',
        unit_path=world.county.path,
        payload={"before": {"name": "甲镇"}, "after": {"name": "=1+1"}},
    )
    client = _client(world.users["county"])
    response = client.get(reverse("home:event_export"), {"module": "org"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    org_events = selectors.events_filtered(user=world.users["county"], filters={"module": "org"})
    assert len(rows) == org_events.count()
    assert rows[0][4] == "修改单位信息" and rows[0][5] == '=HYPERLINK("http://x","y")'
    assert "名称：甲镇 → =1+1" in str(rows[0][6])
    assert "模块：组织机构" in str(sheet["A1"].value)
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    event = AuditEvent.objects.filter(action="records.export").get()
    assert event.payload["rows"] == len(rows) and event.payload["filters"] == {"module": "org"}


def test_an_export_over_the_limit_is_refused_with_the_count(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _events_on(world)
    monkeypatch.setattr(selectors, "EXPORT_MAX", 2)
    response = _client(world.users["county"]).get(reverse("home:event_export"), follow=True)
    total = selectors.events_filtered(user=world.users["county"], filters={}).count()
    assert f"筛选结果有 {total} 条，超过一次导出的上限 2 条" in _text(response)
    assert not AuditEvent.objects.filter(action="records.export").exists()


def test_roles_without_the_audit_capability_cannot_read_or_export(world: World) -> None:
    for who in ("clerk_a", "dept", "committee", "village_cadre"):
        client = _client(world.users[who])
        assert client.get(reverse("home:event_list")).status_code == 403
        assert client.get(reverse("home:event_export")).status_code == 403


def test_family_changes_are_masked_for_supervision_and_shown_to_the_county(world: World) -> None:
    county = world.users["county"]
    cadre = make_cadre(world.town_a, "李四")
    cadre_services.record_save(
        cadre=cadre,
        kind="family",
        data={"relation": "12", "name": "秘密妻", "birth_date": date(1986, 1, 1), "political_status": "13"},
        actor=county,
    )
    url = reverse("home:event_list")
    assert "秘密妻" in _text(_client(county).get(url))
    assert "秘密妻" not in _text(_client(world.users["supervision"]).get(url))


def test_the_cadre_history_uses_the_same_rendering(world: World) -> None:
    county = _named(world.users["county"], "王组织")
    cadre = make_cadre(world.town_a, "李四", political_status="13")
    cadre_services.cadre_update(cadre=cadre, data={"health": "良好"}, actor=county)
    text = _text(_client(county).get(reverse("cadres:history", args=[cadre.pk])))
    assert re.search(r"健康状况：</span>— <span[^>]*>→</span> 良好", text)
    assert "王组织（组织部）" in text
