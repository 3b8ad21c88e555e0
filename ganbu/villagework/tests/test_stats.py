"""The 驻村 numbers on hand-made data with known answers: coverage, quota weeks, requests, medians,
township totals and ranking, scope of the township table, the timeline."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

import pytest

from ganbu.cadres.models import Cadre
from ganbu.core.dates import full_weeks
from ganbu.core.numbers import percent
from ganbu.org import services as org_services
from ganbu.org.models import Unit, UnitKind
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import World
from ganbu.villagework.models import (
    Assignment,
    Household,
    RequestCategory,
    RequestStatus,
    VillagerRequest,
    Visit,
    WorkLog,
)
from ganbu.villagework.selectors import stats
from ganbu.villagework.selectors.stats import (
    Numbers,
    TownshipRow,
    cadre_numbers,
    cadre_timeline,
    median_days,
    rank_townships,
    township_table,
    village_numbers,
    weekly_points,
)
from ganbu.villagework.tests.factories import VillageWorld, make_household, vw

pytestmark = pytest.mark.django_db

Y2025 = (date(2025, 1, 1), date(2025, 12, 31))
LATE = date(2026, 6, 30)  # a "today" after every date used


def visit_log(
    cadre: Cadre, village: Unit, day: date, households: Iterable[Household] = (), kind: str = "visit"
) -> WorkLog:
    log = WorkLog.objects.create(cadre=cadre, village=village, logged_on=day, kind=kind, content="走访农户")
    for household in households:
        Visit.objects.create(log=log, household=household, village=village, cadre=cadre, visited_on=day)
    return log


def request(
    village: Unit,
    raised: date,
    due: date,
    *,
    cadre: Cadre | None = None,
    status: str = RequestStatus.ACCEPTED,
    resolved: date | None = None,
    log: WorkLog | None = None,
) -> VillagerRequest:
    return VillagerRequest.objects.create(
        village=village,
        cadre=cadre,
        category=RequestCategory.INFRASTRUCTURE,
        description="修路",
        raised_on=raised,
        due_on=due,
        status=status,
        resolved_on=resolved,
        source_log=log,
    )


@pytest.fixture
def v(world: World) -> VillageWorld:
    return vw(world)


# --- arithmetic --------------------------------------------------------------------------------


def test_percent_rounds_half_up_from_the_exact_fraction() -> None:
    assert percent(3, 5) == Decimal("60.00")
    assert percent(2, 3) == Decimal("66.67")
    assert percent(1, 3) == Decimal("33.33")
    assert percent(1, 32) == Decimal("3.13")  # 3.125 → half up (banker's rounding would give 3.12)
    assert percent(5, 5) == Decimal("100.00")
    assert percent(0, 0) == Decimal("0.00")
    assert percent(0, 0, empty=Decimal("100.00")) == Decimal("100.00")
    assert str(percent(1, 4)) == "25.00"


def test_median_of_odd_and_even_counts() -> None:
    assert median_days([10, 2, 5]) == Decimal("5.0")
    assert median_days([2, 5]) == Decimal("3.5")
    assert median_days([1, 2, 8, 30]) == Decimal("5.0")
    assert median_days([]) is None


def test_full_weeks_leave_out_partial_weeks() -> None:
    # 2025-03-01 is a Saturday, 2025-03-31 a Monday
    assert full_weeks(date(2025, 3, 1), date(2025, 3, 31)) == [
        date(2025, 3, 3),
        date(2025, 3, 10),
        date(2025, 3, 17),
        date(2025, 3, 24),
    ]
    assert full_weeks(date(2025, 3, 3), date(2025, 3, 9)) == [date(2025, 3, 3)]
    assert full_weeks(date(2025, 3, 3), date(2025, 3, 8)) == []


# --- coverage ----------------------------------------------------------------------------------


def test_coverage_counts_distinct_households_visited_in_the_period(v: VillageWorld) -> None:
    h = v.households_a  # 5 households in 甲村
    visit_log(v.cadre_a, v.world.village_a, date(2025, 3, 4), [h[0], h[1]])
    visit_log(v.cadre_a, v.world.village_a, date(2025, 5, 6), [h[1], h[2]])  # h[1] twice
    visit_log(v.cadre_a, v.world.village_a, date(2024, 12, 30), [h[3]])  # before the period
    visit_log(v.cadre_a, v.world.village_a, date(2026, 1, 2), [h[4]])  # after the period

    n = village_numbers(village=v.world.village_a, start=Y2025[0], end=Y2025[1], today=LATE, quota=5)

    assert (n.households, n.households_visited, n.visits, n.logs) == (5, 3, 4, 2)
    assert n.coverage == Decimal("60.00")
    assert n.households_unvisited == 2


def test_deactivated_households_are_not_in_the_denominator_nor_the_visited(v: VillageWorld) -> None:
    h = v.households_a
    visit_log(v.cadre_a, v.world.village_a, date(2025, 3, 4), [h[0], h[1], h[4]])
    Household.objects.filter(pk=h[4].pk).update(is_active=False)  # moved out after the visit

    n = village_numbers(village=v.world.village_a, start=Y2025[0], end=Y2025[1], today=LATE, quota=5)

    assert (n.households, n.households_visited, n.visits) == (4, 2, 3)
    assert n.coverage == Decimal("50.00")


def test_a_village_without_households_has_zero_coverage(world: World) -> None:
    n = village_numbers(village=world.village_b, start=Y2025[0], end=Y2025[1], today=LATE, quota=5)
    assert n.households == 0
    assert n.coverage == Decimal("0.00")
    assert n.weeks == 0 and n.quota_rate == Decimal("100.00")
    assert n.median_days_to_resolve is None


def test_cadre_numbers_count_only_that_cadres_visits_and_requests(v: VillageWorld) -> None:
    h = v.households_a
    other = make_cadre(v.world.town_a, "另一人")
    Assignment.objects.create(cadre=other, village=v.world.village_a, started_on=date(2025, 1, 1))
    visit_log(v.cadre_a, v.world.village_a, date(2025, 3, 4), [h[0]])
    visit_log(other, v.world.village_a, date(2025, 3, 5), [h[1], h[2]])
    request(v.world.village_a, date(2025, 3, 4), date(2025, 3, 20), cadre=v.cadre_a)
    request(v.world.village_a, date(2025, 3, 5), date(2025, 3, 20), cadre=other)

    mine = cadre_numbers(
        cadre=v.cadre_a, village=v.world.village_a, start=Y2025[0], end=Y2025[1], today=LATE, quota=5
    )
    village = village_numbers(village=v.world.village_a, start=Y2025[0], end=Y2025[1], today=LATE, quota=5)

    assert (mine.households, mine.households_visited, mine.visits, mine.requests_raised) == (5, 1, 1, 1)
    assert mine.coverage == Decimal("20.00")
    assert (village.households_visited, village.visits, village.requests_raised) == (3, 3, 2)


# --- quota weeks -------------------------------------------------------------------------------

MARCH = (date(2025, 3, 1), date(2025, 3, 31))  # Sat .. Mon: four full weeks, Mar 3 .. Mar 30


def _march_visits(v: VillageWorld, cadre: Cadre | None = None) -> None:
    cadre = cadre or v.cadre_a
    h = v.households_a
    village = v.world.village_a
    visit_log(cadre, village, date(2025, 3, 1), h[:5])  # partial first week: does not count
    visit_log(cadre, village, date(2025, 3, 4), h[:2])  # week of 3/3: exactly the quota (2)
    visit_log(cadre, village, date(2025, 3, 12), h[:1])  # week of 3/10: 1 < 2
    visit_log(cadre, village, date(2025, 3, 18), h[:2])  # week of 3/17: 3
    visit_log(cadre, village, date(2025, 3, 23), h[2:3])
    visit_log(cadre, village, date(2025, 3, 31), h[:5])  # partial last week: does not count
    # week of 3/24: nothing


def test_quota_weeks_count_only_full_weeks_and_a_week_exactly_at_quota_is_met(v: VillageWorld) -> None:
    _march_visits(v)
    n = cadre_numbers(
        cadre=v.cadre_a, village=v.world.village_a, start=MARCH[0], end=MARCH[1], today=LATE, quota=2
    )
    assert (n.weeks, n.weeks_met, n.weekly_quota) == (4, 2, 2)
    assert n.quota_rate == Decimal("50.00")
    assert n.visits == 16


def test_quota_weeks_start_with_an_assignment_that_starts_mid_period(v: VillageWorld) -> None:
    Assignment.objects.filter(pk=v.assignment_a.pk).update(started_on=date(2025, 3, 12))  # a Wednesday
    _march_visits(v)
    n = cadre_numbers(
        cadre=v.cadre_a, village=v.world.village_a, start=MARCH[0], end=MARCH[1], today=LATE, quota=2
    )
    # weeks of 3/17 (met: 3) and 3/24 (0); the week of 3/10 is only partly inside the assignment
    assert (n.weeks, n.weeks_met) == (2, 1)
    assert n.quota_rate == Decimal("50.00")


def test_quota_weeks_end_with_the_assignment_and_with_today(v: VillageWorld) -> None:
    _march_visits(v)
    n = cadre_numbers(
        cadre=v.cadre_a,
        village=v.world.village_a,
        start=MARCH[0],
        end=MARCH[1],
        today=date(2025, 3, 22),
        quota=2,
    )
    assert (n.weeks, n.weeks_met) == (2, 1)  # the week of 3/17 is not over on 3/22
    Assignment.objects.filter(pk=v.assignment_a.pk).update(ended_on=date(2025, 3, 15))  # a Saturday
    n = cadre_numbers(
        cadre=v.cadre_a, village=v.world.village_a, start=MARCH[0], end=MARCH[1], today=LATE, quota=2
    )
    assert (n.weeks, n.weeks_met) == (1, 1)  # only the week of 3/3 is wholly inside the stay


def test_no_quota_week_gives_a_full_rate(v: VillageWorld) -> None:
    n = cadre_numbers(
        cadre=v.cadre_a,
        village=v.world.village_a,
        start=date(2025, 3, 5),
        end=date(2025, 3, 9),
        today=LATE,
        quota=2,
    )
    assert n.weeks == 0
    assert n.quota_rate == Decimal("100.00")


def test_a_village_needs_the_quota_of_every_cadre_stationed_that_week(v: VillageWorld) -> None:
    second = make_cadre(v.world.town_a, "第二人")
    Assignment.objects.create(cadre=second, village=v.world.village_a, started_on=date(2025, 3, 10))
    h = v.households_a
    village = v.world.village_a
    visit_log(v.cadre_a, village, date(2025, 3, 4), h[:2])  # 3/3: only cadre_a stationed → needs 2: met
    visit_log(v.cadre_a, village, date(2025, 3, 11), h[:2])  # 3/10: two stationed → needs 4; 3 done
    visit_log(second, village, date(2025, 3, 12), h[2:3])
    visit_log(v.cadre_a, village, date(2025, 3, 18), h[:2])  # 3/17: 4 done: met
    visit_log(second, village, date(2025, 3, 19), h[2:4])

    n = village_numbers(village=village, start=date(2025, 3, 3), end=date(2025, 3, 23), today=LATE, quota=2)
    assert (n.weeks, n.weeks_met) == (3, 2)
    assert n.quota_rate == Decimal("66.67")

    points = weekly_points(
        villages=[village], start=date(2025, 3, 3), end=date(2025, 3, 23), today=LATE, quota=2
    )
    assert [(p.monday.day, p.visits, p.required, p.met) for p in points] == [
        (3, 2, 2, True),
        (10, 3, 4, False),
        (17, 4, 4, True),
    ]


def test_weekly_points_mark_partial_weeks_as_without_requirement(v: VillageWorld) -> None:
    _march_visits(v)
    points = weekly_points(
        villages=[v.world.village_a], cadre=v.cadre_a, start=MARCH[0], end=MARCH[1], today=LATE, quota=2
    )
    assert points[0].monday == date(2025, 2, 24)
    assert [p.required for p in points] == [None, 2, 2, 2, 2, None]
    assert [p.visits for p in points] == [5, 2, 1, 3, 0, 5]


def test_quota_defaults_to_the_setting(v: VillageWorld) -> None:
    _march_visits(v)
    n = cadre_numbers(cadre=v.cadre_a, village=v.world.village_a, start=MARCH[0], end=MARCH[1], today=LATE)
    assert n.weekly_quota == 5  # VillageWorkSettings default
    assert n.weeks_met == 0


# --- requests ----------------------------------------------------------------------------------


def test_requests_raised_resolved_overdue_with_a_fixed_today(v: VillageWorld) -> None:
    a = v.world.village_a
    request(a, date(2025, 6, 1), date(2025, 6, 15), cadre=v.cadre_a)  # open, due 6/15
    request(a, date(2025, 6, 2), date(2025, 6, 10), cadre=v.cadre_a, status=RequestStatus.ESCALATED)
    request(a, date(2025, 6, 3), date(2025, 6, 5), status=RequestStatus.RESOLVED, resolved=date(2025, 6, 20))
    request(a, date(2024, 6, 3), date(2024, 6, 5))  # raised before the period: not counted
    request(a, date(2025, 6, 3), date(2025, 6, 30), status=RequestStatus.IN_PROGRESS)

    on_due_day = village_numbers(village=a, start=Y2025[0], end=Y2025[1], today=date(2025, 6, 15), quota=5)
    day_after = village_numbers(village=a, start=Y2025[0], end=Y2025[1], today=date(2025, 6, 16), quota=5)

    assert (on_due_day.requests_raised, on_due_day.requests_resolved) == (4, 1)
    assert on_due_day.requests_overdue == 1  # the escalated one (due 6/10); 6/15 is not yet past
    assert day_after.requests_overdue == 2
    assert day_after.median_days_to_resolve == Decimal("17.0")
    assert day_after.resolution_rate == Decimal("25.00")


def test_median_days_to_resolve_over_resolved_requests(v: VillageWorld) -> None:
    a = v.world.village_a
    for raised, resolved in ((date(2025, 1, 1), date(2025, 1, 3)), (date(2025, 2, 1), date(2025, 2, 6))):
        request(a, raised, raised, status=RequestStatus.RESOLVED, resolved=resolved)
    n = village_numbers(village=a, start=Y2025[0], end=Y2025[1], today=LATE, quota=5)
    assert n.median_days_to_resolve == Decimal("3.5")  # 2 and 5 days
    request(a, date(2025, 3, 1), date(2025, 3, 1), status=RequestStatus.RESOLVED, resolved=date(2025, 3, 11))
    n = village_numbers(village=a, start=Y2025[0], end=Y2025[1], today=LATE, quota=5)
    assert n.median_days_to_resolve == Decimal("5.0")  # 2, 5, 10


# --- township table ----------------------------------------------------------------------------


def _village(world: World, code: str, name: str, parent: Unit) -> Unit:
    return org_services.unit_create(code=code, name=name, kind=UnitKind.VILLAGE, parent=parent, actor=None)


def test_township_totals_are_the_sums_of_their_villages(v: VillageWorld) -> None:
    world = v.world
    second = _village(world, "VA2", "甲二村", world.town_a)
    s = [make_household(second, name) for name in ("钱一", "钱二", "钱三")]
    h = v.households_a
    visit_log(v.cadre_a, world.village_a, date(2025, 3, 4), h[:4])  # 4/5
    visit_log(v.cadre_a, second, date(2025, 3, 5), s[:1])  # 1/3
    visit_log(v.cadre_b, world.village_b, date(2025, 3, 6), v.households_b[:3])  # 3/3
    request(second, date(2025, 3, 5), date(2025, 3, 6))
    request(
        world.village_b,
        date(2025, 3, 5),
        date(2025, 3, 30),
        status=RequestStatus.RESOLVED,
        resolved=date(2025, 3, 9),
    )

    table = township_table(world.users["admin"], year=2025, today=LATE, quota=5)

    by_code = {t.township.code: t for t in table.townships}
    ta = by_code["TA"]
    assert [r.village.code for r in ta.villages] == ["VA", "VA2"]
    assert (ta.numbers.households, ta.numbers.households_visited, ta.numbers.visits) == (8, 5, 5)
    assert ta.numbers.coverage == Decimal("62.50")
    assert ta.numbers.requests_overdue == 1
    for field in (
        "households",
        "households_visited",
        "visits",
        "logs",
        "requests_raised",
        "weeks",
        "weeks_met",
    ):
        assert getattr(ta.numbers, field) == sum(getattr(r.numbers, field) for r in ta.villages)
        assert getattr(table.totals, field) == sum(getattr(t.numbers, field) for t in table.townships)
    assert (table.totals.households, table.totals.households_visited) == (11, 8)
    assert table.totals.coverage == Decimal("72.73")
    assert table.totals.median_days_to_resolve == Decimal("4.0")
    # 乙乡 covered 100%: first
    assert [(t.rank, t.township.code) for t in table.ranking] == [(1, "TB"), (2, "TA")]


def _row(code: str, coverage: str, quota: str, resolved: int, raised: int) -> TownshipRow:
    numbers = Numbers(
        households=100,
        households_visited=0,
        coverage=Decimal(coverage),
        visits=0,
        logs=0,
        weeks=0,
        weekly_quota=5,
        weeks_met=0,
        quota_rate=Decimal(quota),
        requests_raised=raised,
        requests_resolved=resolved,
        requests_overdue=0,
        median_days_to_resolve=None,
    )
    return TownshipRow(Unit(code=code, name=code, path=f"/C/{code}/"), numbers, [])


def test_ranking_by_coverage_then_quota_rate_then_resolution_rate_with_ties() -> None:
    rows = [
        _row("T1", "80.00", "50.00", 1, 2),
        _row("T2", "90.00", "10.00", 0, 5),
        _row("T3", "80.00", "60.00", 0, 1),
        _row("T4", "80.00", "50.00", 3, 4),  # same coverage and quota as T1, better resolution
        _row("T5", "80.00", "50.00", 0, 0),  # nothing raised counts as 100% resolved
        _row("T6", "80.00", "50.00", 2, 4),  # ties T1 exactly (50%)
    ]
    ranked = rank_townships(rows)
    assert [(r.rank, r.township.code) for r in ranked] == [
        (1, "T2"),
        (2, "T3"),
        (3, "T5"),
        (4, "T4"),
        (5, "T1"),
        (5, "T6"),
    ]


def test_township_table_is_limited_to_the_users_scope(v: VillageWorld) -> None:
    world = v.world
    visit_log(v.cadre_b, world.village_b, date(2025, 3, 6), v.households_b[:1])

    clerk = township_table(world.users["clerk_a"], year=2025, today=LATE)
    assert [t.township.code for t in clerk.townships] == ["TA"]
    assert [r.village.code for r in clerk.villages] == ["VA"]
    assert clerk.totals.households == 5 and clerk.totals.visits == 0

    cadre = township_table(world.users["village_cadre"], year=2025, today=LATE)
    assert [r.village.code for r in cadre.villages] == ["VA"]

    county = township_table(world.users["county"], year=2025, today=LATE)
    assert [t.township.code for t in county.townships] == ["TA", "TB"]
    assert county.totals.visits == 1


def test_the_table_takes_a_constant_number_of_queries(
    v: VillageWorld, django_assert_max_num_queries: object
) -> None:
    world = v.world
    for i in range(6):
        village = _village(world, f"VX{i}", f"新{i}村", world.town_b)
        household = make_household(village, f"户{i}")
        visit_log(v.cadre_b, village, date(2025, 3, 4), [household])
    user = world.users["admin"]
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        table = township_table(user, year=2025, today=LATE, quota=5)
    assert len(table.villages) == 8


# --- timeline ----------------------------------------------------------------------------------


def test_cadre_timeline_counts_per_week_and_month_and_lists_entries_in_order(v: VillageWorld) -> None:
    h = v.households_a
    a = v.world.village_a
    first = visit_log(v.cadre_a, a, date(2025, 3, 4), h[:2])
    visit_log(v.cadre_a, a, date(2025, 3, 6), [], kind="clinic")
    later = visit_log(v.cadre_a, a, date(2025, 4, 2), h[2:3])
    request(a, date(2025, 3, 4), date(2025, 3, 20), cadre=v.cadre_a, log=first)
    request(a, date(2025, 3, 5), date(2025, 3, 20), cadre=v.cadre_a)  # registered without a log
    visit_log(v.cadre_b, v.world.village_b, date(2025, 3, 4), v.households_b[:1])  # someone else

    timeline = cadre_timeline(v.cadre_a, date(2025, 3, 1), date(2025, 4, 30))

    assert [(m.label, m.logs, m.visits, m.requests) for m in timeline.months] == [
        ("2025年3月", 2, 2, 2),
        ("2025年4月", 1, 1, 0),
    ]
    week = {w.start: (w.logs, w.visits, w.requests) for w in timeline.weeks}
    assert week[date(2025, 3, 3)] == (2, 2, 2)
    assert week[date(2025, 3, 31)] == (1, 1, 0)
    assert week[date(2025, 3, 10)] == (0, 0, 0)
    assert timeline.weeks[0].start == date(2025, 2, 24)
    assert [(e.day.day, e.kind) for e in timeline.entries] == [
        (4, "出诊走访"),
        (5, "群众诉求"),
        (6, "坐诊"),
        (2, "出诊走访"),
    ]
    assert timeline.entries[0].households == ["一组王建国", "一组李秀英"]
    assert len(timeline.entries[0].requests) == 1
    assert timeline.entries[-1].log == later

    only_b = cadre_timeline(
        v.cadre_a, date(2025, 3, 1), date(2025, 4, 30), villages=Unit.objects.filter(code="VB")
    )
    assert only_b.entries == [] and sum(m.visits for m in only_b.months) == 0


def test_a_reversed_period_is_refused(v: VillageWorld) -> None:
    with pytest.raises(ValueError, match="开始日期"):
        stats.village_numbers(village=v.world.village_a, start=date(2025, 2, 1), end=date(2025, 1, 1))
