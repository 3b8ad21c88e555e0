"""末位 - units last in their category in two consecutive sealed years are listed; one year is not
enough; the county records the measure."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from ganbu.assessment import services
from ganbu.assessment.models import BottomEntry
from ganbu.audit.models import AuditEvent
from ganbu.org import services as org_services
from ganbu.org.models import Unit, UnitKind
from ganbu.testing.world import World

SCHEME: dict[str, Any] = {
    "name": "末位测试方案",
    "total": 100,
    "indicators": [{"code": "C", "name": "评定", "weight": 100, "rule": "manual"}],
    "grades": [],
}


def _year(world: World, year: int, towns: list[Unit], points: dict[str, str]) -> None:
    office = world.users["county"]
    scheme = services.import_scheme(actor=office, data=SCHEME, year=year)
    cycle = services.create_cycle(
        actor=office, year=year, name=f"{year}年度考核", tracks=[services.TrackSpec("乡镇", scheme, towns)]
    )
    services.open_cycle(cycle=cycle, actor=office)
    track = cycle.tracks.get()
    ids = {p.unit.name: p.pk for p in track.participants.select_related("unit")}
    services.enter_figures(
        track=track, leaf_code="C", actor=office, values={ids[n]: (v, "评定") for n, v in points.items()}
    )
    services.compute(cycle=cycle, actor=office)
    services.seal(cycle=cycle, actor=office)


def test_last_two_years_running_is_listed_and_the_measure_recorded(world: World) -> None:
    town_c = org_services.unit_create(
        code="TC", name="丙镇", kind=UnitKind.TOWN, parent=world.county, actor=None
    )
    towns = [world.town_a, world.town_b, town_c]
    _year(world, 2025, towns, {"甲镇": "90", "乙乡": "70", "丙镇": "80"})  # 乙乡 last
    _year(world, 2026, towns, {"甲镇": "60", "乙乡": "65", "丙镇": "85"})  # 甲镇 last: once only
    client = Client()
    client.force_login(world.users["county"])
    url = reverse("assessment:bottom_list")
    client.post(url, {"year": 2026, "action": "refresh"})
    assert not BottomEntry.objects.exists()  # 甲镇 last once, 乙乡 not last in 2026
    assert "2026年度没有连续两年位列末位的单位" in client.get(url, {"year": 2026}).content.decode()
    unknown = client.get(url, {"year": 2025}).content.decode()  # 2024 was never sealed: no judgement
    assert "2024年的综合考核结果尚未封存，还不能判断" in unknown and "没有连续两年" not in unknown
    _year(world, 2027, towns, {"甲镇": "50", "乙乡": "90", "丙镇": "80"})  # 甲镇 last again
    client.post(url, {"year": 2027, "action": "refresh"})
    [entry] = BottomEntry.objects.all()
    assert entry.unit == world.town_a and entry.reason == "2026、2027年度综合考核连续两年位列乡镇末位"
    client.post(url, {"year": 2027, "entry": entry.pk, "measure": "诫勉", "note": "班子约谈"})
    entry.refresh_from_db()
    assert entry.measure == "诫勉" and AuditEvent.objects.filter(action="assessment.bottom.measure").exists()
    clerk = Client()
    clerk.force_login(world.users["clerk_a"])
    assert clerk.get(url).status_code == 403
