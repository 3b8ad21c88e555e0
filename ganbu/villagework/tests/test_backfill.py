"""乡镇补录: the township enters a log for a stationed cadre, older than the cadre's own edit window,
with a required reason, audited as a correction; a 驻村干部 and another township cannot."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ganbu.audit.models import AuditEvent
from ganbu.testing.world import World
from ganbu.villagework.models import Visit, WorkLog
from ganbu.villagework.tests.factories import vw

pytestmark = pytest.mark.django_db


def _client(world: World, name: str) -> Client:
    client = Client()
    client.force_login(world.users[name])
    return client


def _post(data_household: int, reason: str, days_ago: int = 30) -> dict[str, object]:
    return {
        "logged_on": (timezone.localdate() - timedelta(days=days_ago)).isoformat(),
        "village": "",
        "kind": "visit",
        "content": "走访了解春耕准备",
        "households": [data_household],
        "client_key": "backfill-1",
        "reason": reason,
    }


def test_township_backfills_an_old_log_with_a_reason(world: World) -> None:
    data = vw(world)
    url = reverse("villagework:log_backfill", args=[data.assignment_a.pk])
    client = _client(world, "clerk_a")
    page = client.get(url)
    assert (
        page.status_code == 200 and "补录原因" in page.content.decode() and "黄驻村" in page.content.decode()
    )
    form = _post(data.households_a[0].pk, "本人未及时记录，经核实补录")
    form["village"] = world.village_a.pk
    response = client.post(url, form)
    log = WorkLog.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("villagework:log", args=[log.pk])
    assert log.cadre == data.cadre_a and log.logged_on == timezone.localdate() - timedelta(days=30)
    assert Visit.objects.filter(log=log, household=data.households_a[0]).exists()
    event = AuditEvent.objects.filter(action="villagework.log.create").latest("id")
    assert event.actor_id == world.users["clerk_a"].pk
    assert "经核实补录" in str(event.payload)


def test_backfill_without_reason_is_refused_and_writes_nothing(world: World) -> None:
    data = vw(world)
    form = _post(data.households_a[0].pk, "")
    form["village"] = world.village_a.pk
    response = _client(world, "clerk_a").post(
        reverse("villagework:log_backfill", args=[data.assignment_a.pk]), form
    )
    assert response.status_code == 200
    assert "须填写原因" in response.content.decode()
    assert not WorkLog.objects.exists()


def test_cadre_and_other_township_cannot_backfill(world: World) -> None:
    data = vw(world)
    url = reverse("villagework:log_backfill", args=[data.assignment_a.pk])
    form = _post(data.households_a[0].pk, "理由")
    form["village"] = world.village_a.pk
    assert _client(world, "village_cadre").post(url, form).status_code == 403
    assert _client(world, "clerk_b").post(url, form).status_code == 404
    assert not WorkLog.objects.exists()
