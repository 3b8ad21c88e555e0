"""Benchmark: the 驻村 coverage table (villagework.selectors.stats.township_table) at township scale.

    .venv/bin/python bench/village_coverage.py [--townships 11] [--villages 12] [--households 500]
                                               [--database-url URL] [--runs 10]

Seeds a county of `--townships` townships × `--villages` villages × `--households` households
(default 11 × 12 × 500 = 66,000 households) with one stationed cadre per village and a year of work
logs (three a week per village, about seven households each: ≈150,000 Visit rows) and villagers'
requests, all with bulk_create straight into the tables (no services, no audit), into a fresh
database (SQLite under /tmp by default). Then times, for last year:

- township_table for a county user and for one township's user (the overview page's numbers);
- village_numbers and cadre_numbers for one village; weekly_points for one village;
- the overview page rendered for the county user (Django test client, template included);
- the county's work-log list page (驻村工作记录, newest first, 50 per page): the first page, a page in
  the middle, and filtered by kind (target: under 300 ms at the demo's 25,000 logs);
- the village_coverage command's table for the county.

Prints p50/min/p95 per case. An existing database with the same sizes is reused.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from _setup import fmt, setup_django, timed

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "建国秀英伟洋静敏强军磊芳丽勇艳杰娟涛明超华平刚"
KINDS = ["visit", "visit", "visit", "clinic", "policy", "mediation", "project"]


def seed(townships: int, villages: int, households: int, year: int) -> dict[str, int]:
    from django.db import transaction

    from ganbu.cadres.models import Cadre
    from ganbu.cadres.rules import make_id_number
    from ganbu.core.pinyin import name_keys
    from ganbu.org import services as org_services
    from ganbu.org.models import Role, UnitKind
    from ganbu.villagework.models import (
        Assignment,
        Household,
        RequestCategory,
        RequestStatus,
        VillagerRequest,
        Visit,
        WorkLog,
    )

    rng = random.Random(20250101)
    org_services.code_tables_ensure()
    county = org_services.unit_create(
        code="469099", name="基准县", kind=UnitKind.COUNTY, parent=None, actor=None
    )
    village_units = []
    first_township = None
    for t in range(townships):
        township = org_services.unit_create(
            code=f"469099{t + 101:03d}", name=f"第{t + 1}镇", kind=UnitKind.TOWN, parent=county, actor=None
        )
        first_township = first_township or township
        for v in range(villages):
            village_units.append(
                org_services.unit_create(
                    code=f"{township.code}{v + 1:03d}",
                    name=f"第{t + 1}镇{v + 1}村",
                    kind=UnitKind.VILLAGE,
                    parent=township,
                    actor=None,
                )
            )
    for username, role, scope in (
        ("bench_county", Role.COUNTY, county),
        ("bench_town", Role.TOWNSHIP, first_township),
    ):
        org_services.user_create(
            username=username,
            role=role,
            scope_unit=scope,
            password="bench-password-123",  # noqa: S106 - local benchmark account
            actor=None,
        )
    counts = {"households": 0, "logs": 0, "visits": 0, "requests": 0}
    start = date(year, 1, 1)
    mondays = [start + timedelta(days=(7 - start.weekday()) % 7 + 7 * w) for w in range(52)]
    with transaction.atomic():
        cadres = []
        for i, village in enumerate(village_units):
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            pinyin, initials, stroke = name_keys(name)
            born = date(1980 + i % 15, 1 + i % 12, 1 + i % 28)
            cadres.append(
                Cadre(
                    name=name,
                    gender="1",
                    birth_date=born,
                    ethnicity="01",
                    political_status="01",
                    personnel_category="1",
                    id_number=make_id_number("469099", born, i % 900, "1"),
                    unit=village.parent,
                    name_pinyin=pinyin,
                    name_initials=initials,
                    stroke_key=stroke,
                )
            )
        cadres = Cadre.objects.bulk_create(cadres)
        assignments = Assignment.objects.bulk_create(
            [
                Assignment(cadre=c, village=v, started_on=date(year - 1, 3, 1))
                for c, v in zip(cadres, village_units, strict=True)
            ]
        )
        for village, cadre, assignment in zip(village_units, cadres, assignments, strict=True):
            names: set[tuple[str, str]] = set()
            rows: list[Household] = []
            while len(rows) < households:
                head = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
                group = f"{rng.randint(1, 8)}组"
                if (head, group) in names:
                    continue
                names.add((head, group))
                rows.append(
                    Household(
                        village=village,
                        head_name=head,
                        group_name=group,
                        members=rng.randint(1, 7),
                        is_active=rng.random() > 0.02,
                    )
                )
            register = Household.objects.bulk_create(rows)
            logs = []
            for monday in mondays:
                for offset in (0, 2, 4):
                    logs.append(
                        WorkLog(
                            cadre=cadre,
                            village=village,
                            assignment=assignment,
                            logged_on=monday + timedelta(days=offset),
                            kind=rng.choice(KINDS),
                            content="走访农户，宣传政策",
                        )
                    )
            logs = WorkLog.objects.bulk_create(logs)
            visits = []
            for log in logs:
                for household in rng.sample(register, rng.randint(4, 10)):
                    visits.append(
                        Visit(
                            log=log,
                            household=household,
                            village=village,
                            cadre=cadre,
                            visited_on=log.logged_on,
                        )
                    )
            Visit.objects.bulk_create(visits, batch_size=5000)
            requests = []
            for _ in range(30):
                raised = start + timedelta(days=rng.randint(0, 350))
                resolved = rng.random() < 0.7
                requests.append(
                    VillagerRequest(
                        village=village,
                        household=rng.choice(register),
                        cadre=cadre,
                        category=rng.choice(RequestCategory.values),
                        description="修路",
                        raised_on=raised,
                        due_on=raised + timedelta(days=15),
                        status=RequestStatus.RESOLVED
                        if resolved
                        else rng.choice(
                            [RequestStatus.ACCEPTED, RequestStatus.IN_PROGRESS, RequestStatus.ESCALATED]
                        ),
                        resolved_on=raised + timedelta(days=rng.randint(1, 30)) if resolved else None,
                    )
                )
            VillagerRequest.objects.bulk_create(requests)
            counts["households"] += len(register)
            counts["logs"] += len(logs)
            counts["visits"] += len(visits)
            counts["requests"] += len(requests)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--townships", type=int, default=11)
    parser.add_argument("--villages", type=int, default=12)
    parser.add_argument("--households", type=int, default=500)
    parser.add_argument("--database-url")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    size = f"{args.townships}x{args.villages}x{args.households}"
    setup_django(args.database_url, f"/tmp/ganbu_bench_village_coverage_{size}.sqlite3")

    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse
    from django.utils import timezone

    from ganbu.core.dates import year_period
    from ganbu.core.db import refresh_planner_statistics
    from ganbu.org.models import Unit, User
    from ganbu.villagework.models import Assignment, Household, Visit
    from ganbu.villagework.selectors import stats

    year = timezone.localdate().year - 1
    if Unit.objects.exists():
        expected = args.townships * args.villages * args.households
        if Household.objects.count() != expected:
            raise SystemExit("the database holds other data: use a fresh database")
        print(f"reusing the seeded database ({Visit.objects.count()} visits)")
    else:
        started = time.perf_counter()
        counts = seed(args.townships, args.villages, args.households, year)
        print(f"seeded {counts} in {time.perf_counter() - started:.1f} s")
        refresh_planner_statistics()
    county_user = User.objects.get(username="bench_county")
    town_user = User.objects.get(username="bench_town")
    village = Unit.objects.filter(kind="village").order_by("path").first()
    assert village is not None
    assignment = Assignment.objects.filter(village=village).select_related("cadre").first()
    assert assignment is not None
    cadre = assignment.cadre
    start, end = year_period(year)
    today = timezone.localdate()
    load = os.getloadavg()
    print(
        f"database: {connection.vendor}, period {start}..{end}, runs per case: {args.runs}, "
        f"load average {load[0]:.1f}/{load[1]:.1f} on {os.cpu_count()} cores (others share the machine)"
    )

    setup_test_environment()
    client = Client()
    client.force_login(county_user)
    overview_url = reverse("villagework:overview") + f"?year={year}"

    def overview() -> int:
        response = client.get(overview_url)
        assert response.status_code == 200, response.status_code
        return len(response.content)

    log_url = reverse("villagework:log_list")

    def page(url: str) -> int:
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return len(response.content)

    cases: list[tuple[str, Callable[[], Any], Callable[[Any], str]]] = [
        (
            "township_table  county user",
            lambda: stats.township_table(county_user, year=year, today=today),
            lambda t: f"villages={len(t.villages)} visits={t.totals.visits} coverage={t.totals.coverage}%",
        ),
        (
            "township_table  township user",
            lambda: stats.township_table(town_user, year=year, today=today),
            lambda t: f"villages={len(t.villages)} visits={t.totals.visits} coverage={t.totals.coverage}%",
        ),
        (
            "village_numbers one village",
            lambda: stats.village_numbers(village=village, start=start, end=end, today=today),
            lambda n: f"visits={n.visits} coverage={n.coverage}% weeks={n.weeks_met}/{n.weeks}",
        ),
        (
            "cadre_numbers   one cadre",
            lambda: stats.cadre_numbers(cadre=cadre, village=village, start=start, end=end, today=today),
            lambda n: f"visits={n.visits} median={n.median_days_to_resolve}",
        ),
        (
            "weekly_points   one village",
            lambda: stats.weekly_points(villages=[village], start=start, end=end, today=today),
            lambda p: f"weeks={len(p)}",
        ),
        ("overview page   county user (HTML)", overview, lambda n: f"bytes={n}"),
        ("log list page   county, page 1", lambda: page(log_url), lambda n: f"bytes={n}"),
        ("log list page   county, page 200", lambda: page(log_url + "?page=200"), lambda n: f"bytes={n}"),
        ("log list page   county, kind=visit", lambda: page(log_url + "?kind=visit"), lambda n: f"bytes={n}"),
    ]
    for label, fn, describe in cases:
        times, result = timed(fn, args.runs)
        print(f"  {label:38s} {fmt(times)}   {describe(result)}")


if __name__ == "__main__":
    main()
