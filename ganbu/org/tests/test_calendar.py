"""The 节假日安排 page: county administrators enter holidays and make-up days for years the built-in
table does not know; every change is audited; nobody scoped below the county may change it."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from ganbu.audit.models import AuditEvent
from ganbu.org import services
from ganbu.org.models import CalendarDay
from ganbu.org.selectors import work_calendar
from ganbu.testing.world import World

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_a_2027_entry_changes_the_working_days_everyone_computes(world: World) -> None:
    assert work_calendar().is_workday(date(2027, 1, 1))
    services.calendar_day_set(
        day=date(2027, 1, 1), is_workday=False, note="元旦", actor=world.users["county"]
    )
    assert not work_calendar().is_workday(date(2027, 1, 1))
    event = AuditEvent.objects.get(action="calendar.set")
    assert event.payload["after"] == {"is_workday": False, "note": "元旦"} and event.payload["before"] is None
    services.calendar_day_set(day=date(2027, 1, 1), is_workday=False, note="元旦节", actor=None)
    assert CalendarDay.objects.count() == 1
    assert AuditEvent.objects.filter(action="calendar.set").last().payload["before"]["note"] == "元旦"  # type: ignore[union-attr]


def test_the_page_lists_adds_and_deletes_for_the_county(world: World) -> None:
    client = _client(world.users["county"])
    page = client.get(reverse("org:calendar") + "?year=2027").content.decode()
    assert "2027年的节假日安排尚未录入" in page
    response = client.post(
        reverse("org:calendar"), {"day": "2027-02-06", "is_workday": "1", "note": "春节调休上班"}
    )
    assert response.status_code == 302
    entry = CalendarDay.objects.get(day=date(2027, 2, 6))
    assert entry.is_workday and entry.note == "春节调休上班"
    page = client.get(reverse("org:calendar") + "?year=2027").content.decode()
    assert "春节调休上班" in page and "按下表录入的日期计算" in page
    client.post(reverse("org:calendar_day_delete", args=[entry.pk]))
    assert not CalendarDay.objects.exists()
    assert AuditEvent.objects.filter(action="calendar.delete").count() == 1


def test_bad_input_is_refused_in_chinese(world: World) -> None:
    client = _client(world.users["county"])
    response = client.post(reverse("org:calendar"), {"day": "2027-13-01", "is_workday": "0", "note": ""})
    assert response.status_code == 200
    assert "输入一个有效的日期" in response.content.decode()
    response = client.post(
        reverse("org:calendar"), {"day": "2027-01-01", "is_workday": "0", "note": "节" * 51}
    )
    assert "50" in response.content.decode()
    assert not CalendarDay.objects.exists()


def test_only_county_wide_accounts_may_change_it(world: World) -> None:
    for user in (world.users["clerk_a"], world.attackers["county"]):
        response = _client(user).post(reverse("org:calendar"), {"day": "2027-01-01", "is_workday": "0"})
        assert response.status_code == 403
    assert not CalendarDay.objects.exists()


def test_the_unit_list_links_to_the_calendar_for_those_who_may_change_it(world: World) -> None:
    link = f'href="{reverse("org:calendar")}"'
    assert link in _client(world.users["county"]).get(reverse("org:unit_list")).content.decode()
    # the county role scoped to 甲镇, and a township clerk without org.manage: no link
    for user in (world.attackers["county"], world.users["clerk_a"]):
        page = _client(user).get(reverse("org:unit_list"))
        assert page.status_code == 200
        assert link not in page.content.decode()
