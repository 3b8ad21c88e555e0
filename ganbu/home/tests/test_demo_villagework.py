"""The 驻村 part of the demo county (seed_demo) and the demo logins (ensure_demo_accounts).

The county is seeded once for the module (about 65,000 households whatever the cadre count) inside
a transaction that is rolled back at the end; each test runs in a savepoint inside it."""

from __future__ import annotations

import hashlib
import io
import itertools
import os
import statistics
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Q

from ganbu.audit.models import AuditEvent
from ganbu.audit.services import verify_chain
from ganbu.cadres.models import Cadre, CadreStatus
from ganbu.core.calendar import WorkCalendar
from ganbu.core.demo import TODAY, SeedStats
from ganbu.core.pinyin import name_keys
from ganbu.home.demo import seed_demo
from ganbu.org.demo import COUNTY_CODE
from ganbu.org.models import TOWNSHIP_KINDS, VILLAGE_KINDS, Role, Unit, UnitKind, User
from ganbu.villagework.demo import (
    DEMO_DEPARTMENT_CLERK,
    DEMO_TOWNSHIP_CLERK,
    DEMO_VILLAGE_CADRE,
    LOG_WINDOW_START,
    seed_villagework,
)
from ganbu.villagework.models import (
    Assignment,
    AssignmentRole,
    Household,
    HouseholdCategory,
    LogKind,
    RequestStatus,
    VillagerRequest,
    Visit,
    WorkLog,
)
from ganbu.villagework.rules import REQUEST_DUE_DAYS
from ganbu.villagework.selectors.scope import logs_for, villages_for

pytestmark = pytest.mark.django_db


# Runs before the module's county exists (tests run in file order; keep these first).
def test_demo_accounts_need_the_demo_county(settings: pytest.FixtureRequest, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path  # type: ignore[attr-defined]
    out = io.StringIO()
    call_command("ensure_demo_accounts", stdout=out)
    assert "没有示范县" in out.getvalue()
    assert not User.objects.filter(username__in=[DEMO_VILLAGE_CADRE, DEMO_TOWNSHIP_CLERK]).exists()
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[SeedStats]:
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        stats = seed_demo(cadres=300, seed=3)
        yield stats
        transaction.set_rollback(True)


def _villages() -> list[Unit]:
    return list(Unit.objects.filter(kind__in=VILLAGE_KINDS).order_by("code"))


# ---- households -----------------------------------------------------------------------------------


def test_every_village_has_its_registered_number_of_households(demo: SeedStats) -> None:
    counts = dict(Household.objects.values("village").annotate(n=Count("id")).values_list("village", "n"))
    villages = _villages()
    assert len(villages) >= 88
    for village in villages:
        assert counts.get(village.pk, 0) == village.households, village.name
    assert demo.timings["villagework"] > 0
    assert demo.rows > sum(counts.values())  # the villagework rows are in the row count


def test_households_are_plausible(demo: SeedStats) -> None:
    total = Household.objects.count()
    by_category = dict(
        Household.objects.values("category").annotate(n=Count("id")).values_list("category", "n")
    )
    assert 0.75 < by_category[HouseholdCategory.GENERAL] / total < 0.85
    assert 0.09 < by_category[HouseholdCategory.LIFTED] / total < 0.15
    assert by_category[HouseholdCategory.MONITORED] and by_category[HouseholdCategory.DIBAO]
    assert by_category[HouseholdCategory.WUBAO]
    assert not Household.objects.filter(category=HouseholdCategory.WUBAO, members__gt=1).exists()
    assert Household.objects.filter(members__gte=1, members__lte=8).count() == total
    members = list(Household.objects.values_list("members", flat=True))
    assert statistics.median(members) in (3, 4)
    assert 0.75 < Household.objects.exclude(phone="").count() / total < 0.85
    assert not Household.objects.exclude(phone="").exclude(phone__regex=r"^1[3-9][0-9]{9}$").exists()
    for village in _villages()[:5]:
        groups = set(Household.objects.filter(village=village).values_list("group_name", flat=True))
        assert 4 <= len(groups) <= 12
        assert groups <= {
            "一组",
            "二组",
            "三组",
            "四组",
            "五组",
            "六组",
            "七组",
            "八组",
            "九组",
            "十组",
            "十一组",
            "十二组",
        }
    for household in Household.objects.order_by("id")[:200]:
        pinyin, initials, _ = name_keys(household.head_name)
        assert (household.head_pinyin, household.head_initials) == (pinyin, initials)


# ---- assignments ----------------------------------------------------------------------------------


def test_assignments_come_from_the_villages_township_or_a_county_department(demo: SeedStats) -> None:
    assignments = list(Assignment.objects.select_related("cadre__unit", "village"))
    assert assignments
    for a in assignments:
        cadre = a.cadre
        assert cadre.status == CadreStatus.ACTIVE
        assert not (cadre.is_leader and cadre.current_level == "1A41"), "no 党委书记/镇长/人大主席"
        if a.role == AssignmentRole.FIRST_SECRETARY:
            assert cadre.unit.kind == UnitKind.DEPARTMENT
        else:
            assert cadre.unit_id == a.village.parent_id
        assert a.started_on <= TODAY
        assert a.ended_on is None or a.started_on <= a.ended_on < TODAY
    current = [a for a in assignments if a.ended_on is None]
    stationed: dict[int, int] = defaultdict(int)
    for a in current:
        if a.role == AssignmentRole.STATIONED:
            stationed[a.village_id] += 1
    assert all(stationed[v.pk] == 1 for v in _villages()), "one current 驻村干部 per village"
    # history, first secretaries and team members exist
    assert any(a.ended_on for a in assignments)
    roles = {a.role for a in current}
    assert roles == {AssignmentRole.STATIONED, AssignmentRole.FIRST_SECRETARY, AssignmentRole.TEAM_MEMBER}
    secretaries = [a for a in current if a.role == AssignmentRole.FIRST_SECRETARY]
    assert 0.12 < len(secretaries) / len(_villages()) < 0.4
    assert all(a.duties for a in secretaries)
    # about a fifth of the current stationed cadres have been in their village more than 3 years
    long_stays = [a for a in current if (TODAY - a.started_on).days > 3 * 365]
    assert 0.08 < len(long_stays) / len(current) < 0.3


def test_terms_in_a_village_never_overlap_for_the_same_role_of_first_secretary(demo: SeedStats) -> None:
    terms: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for a in Assignment.objects.filter(role=AssignmentRole.FIRST_SECRETARY):
        terms[a.village_id].append((a.started_on, a.ended_on or date.max))
    assert terms
    for spans in terms.values():
        spans.sort()
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert end < start
    # the same holds for a cadre within one village
    dup = Assignment.objects.values("cadre", "village").annotate(n=Count("id")).filter(n__gt=1)
    for row in dup:
        spans = sorted(
            (a.started_on, a.ended_on or date.max)
            for a in Assignment.objects.filter(cadre=row["cadre"], village=row["village"])
        )
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert end < start


def test_first_secretaries_are_party_members(demo: SeedStats) -> None:
    first = Assignment.objects.filter(role=AssignmentRole.FIRST_SECRETARY).select_related("cadre")
    assert first.exists()
    assert {a.cadre.political_status for a in first} == {"01"}  # 中共党员


# ---- logs and visits ------------------------------------------------------------------------------


def test_logs_fall_on_working_days_inside_the_assignment(demo: SeedStats) -> None:
    logs = WorkLog.objects.all()
    assert logs.count() > 10_000
    assert not logs.filter(assignment__isnull=True).exists()
    assert not logs.exclude(cadre=F("assignment__cadre")).exists()
    assert not logs.exclude(village=F("assignment__village")).exists()
    assert not logs.filter(logged_on__lt=F("assignment__started_on")).exists()
    assert not logs.filter(logged_on__gt=F("assignment__ended_on")).exists()
    assert not logs.filter(Q(logged_on__lt=LOG_WINDOW_START) | Q(logged_on__gt=TODAY)).exists()
    assert not logs.filter(created_by__isnull=False).exists()
    assert not logs.filter(content="").exists()
    days = set(logs.values_list("logged_on", flat=True).distinct())
    calendar = WorkCalendar()  # the holiday package; no administrator's table in the demo
    assert all(calendar.is_workday(day) for day in days)
    assert date(2026, 10, 1) not in days  # 国庆节
    kinds = dict(logs.values("kind").annotate(n=Count("id")).values_list("kind", "n"))
    assert set(kinds) == set(LogKind.values)
    assert 0.42 < kinds[LogKind.VISIT] / sum(kinds.values()) < 0.58


def test_visits_are_households_of_the_logs_village_with_the_logs_cadre_and_date(demo: SeedStats) -> None:
    visits = Visit.objects.all()
    assert visits.count() > 20_000
    assert not visits.exclude(household__village=F("log__village")).exists()
    assert not visits.exclude(village=F("log__village")).exists()
    assert not visits.exclude(cadre=F("log__cadre")).exists()
    assert not visits.exclude(visited_on=F("log__logged_on")).exists()
    assert not WorkLog.objects.exclude(kind=LogKind.VISIT).filter(visits__isnull=False).exists()
    assert not WorkLog.objects.filter(kind=LogKind.VISIT, visits__isnull=True).exists()
    per_log = list(
        WorkLog.objects.filter(kind=LogKind.VISIT).annotate(n=Count("visits")).values_list("n", flat=True)
    )
    assert min(per_log) >= 1 and max(per_log) <= 21


def test_coverage_and_weekly_visits_vary_between_cadres(demo: SeedStats) -> None:
    """Per current 驻村干部 there since before 2026: share of the village's households visited in
    2026, and weeks with fewer visits than the default quota of 5."""
    households = dict(Household.objects.values("village").annotate(n=Count("id")).values_list("village", "n"))
    coverages = []
    weeks_below, weeks_total = 0, 0
    for a in Assignment.objects.filter(
        role=AssignmentRole.STATIONED, ended_on__isnull=True, started_on__lt=date(2026, 1, 1)
    ):
        visits = Visit.objects.filter(cadre=a.cadre_id, village=a.village_id, visited_on__year=2026)
        seen = visits.values("household").distinct().count()
        coverages.append(seen / households[a.village_id])
        weekly: dict[date, int] = defaultdict(int)
        for day in visits.values_list("visited_on", flat=True):
            weekly[day - timedelta(days=day.weekday())] += 1
        monday = date(2026, 1, 5)
        while monday + timedelta(days=6) <= TODAY:
            weeks_total += 1
            weeks_below += weekly[monday] < 5
            monday += timedelta(days=7)
    assert len(coverages) > 50
    assert min(coverages) < 0.7 and max(coverages) > 0.95, "rankings differ"
    assert 0.7 < statistics.median(coverages) < 0.95
    assert 0.1 < weeks_below / weeks_total < 0.9


# ---- requests -------------------------------------------------------------------------------------


def test_requests_follow_the_state_rules(demo: SeedStats) -> None:
    requests = list(VillagerRequest.objects.select_related("household", "source_log"))
    assert len(requests) > 1000
    statuses: dict[str, int] = defaultdict(int)
    overdue = 0
    for r in requests:
        statuses[r.status] += 1
        assert r.due_on == r.raised_on + timedelta(days=REQUEST_DUE_DAYS)
        assert LOG_WINDOW_START <= r.raised_on <= TODAY
        assert r.created_by_id is None and r.cadre_id is not None
        if r.household is not None:
            assert r.household.village_id == r.village_id
        assert r.source_log is not None
        assert (r.source_log.village_id, r.source_log.cadre_id) == (r.village_id, r.cadre_id)
        assert r.source_log.logged_on == r.raised_on
        if r.status == RequestStatus.RESOLVED:
            assert r.resolved_on is not None and r.resolution
            assert r.raised_on < r.resolved_on <= TODAY
        else:
            assert r.resolved_on is None and r.resolution == ""
            overdue += r.due_on < TODAY
        if r.status == RequestStatus.ESCALATED:
            assert r.escalated_on is not None
        if r.escalated_on is not None:
            assert r.raised_on < r.escalated_on <= TODAY
            assert r.resolved_on is None or r.escalated_on < r.resolved_on
    assert set(statuses) == set(RequestStatus.values)
    assert statuses[RequestStatus.RESOLVED] / len(requests) > 0.75
    assert 0 < overdue / len(requests) < 0.06, "a few overdue"
    days = [(r.resolved_on - r.raised_on).days for r in requests if r.resolved_on]
    assert 3 <= statistics.median(days) <= 12
    visit_logs = WorkLog.objects.filter(kind=LogKind.VISIT).count()
    from_visits = sum(1 for r in requests if r.source_log and r.source_log.kind == LogKind.VISIT)
    assert 0.12 < from_visits / visit_logs < 0.22  # ~1 in 6


# ---- determinism ----------------------------------------------------------------------------------


def _digest(township: str) -> str:
    """A digest of the township's 驻村 rows by natural keys (codes, 身份证号, names), not primary keys."""
    here = {"village__parent__code": township}
    rows: list[object] = []
    rows += (
        Household.objects.filter(**here)
        .order_by("village__code", "group_name", "head_name")
        .values_list("village__code", "group_name", "head_name", "members", "phone", "category", "address")
    )
    rows += (
        Assignment.objects.filter(**here)
        .order_by("village__code", "started_on", "cadre__id_number")
        .values_list(
            "village__code", "cadre__id_number", "role", "started_on", "ended_on", "duties", "document_number"
        )
    )
    visited: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for log_id, group, head in Visit.objects.filter(**here).values_list(
        "log", "household__group_name", "household__head_name"
    ):
        visited[log_id].append((group, head))
    logs = WorkLog.objects.filter(**here).values_list(
        "id", "cadre__id_number", "village__code", "logged_on", "kind", "content"
    )
    rows += sorted(((*log[1:], sorted(visited[log[0]])) for log in logs), key=repr)
    requests = VillagerRequest.objects.filter(**here).values_list(
        "village__code",
        "household__head_name",
        "cadre__id_number",
        "source_log__logged_on",
        "category",
        "description",
        "status",
        "resolved_on",
        "escalated_on",
        "resolution",
    )
    rows += sorted(requests, key=repr)
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _wipe(township: str) -> None:
    for model in (VillagerRequest, Visit, WorkLog, Assignment, Household):
        model.objects.filter(village__parent__code=township).delete()


def test_same_seed_gives_the_same_village_work_and_another_seed_does_not(demo: SeedStats) -> None:
    # the same county and cadres, one township reseeded, so the runs stay quick
    township = Unit.objects.filter(parent__code=COUNTY_CODE, kind__in=TOWNSHIP_KINDS).order_by("code")[0]
    _wipe(township.code)
    assert not Household.objects.filter(village__parent=township).exists()
    seed_villagework(seed=3, townships=[township.code])
    first = _digest(township.code)
    assert WorkLog.objects.filter(village__parent=township).exists()
    assert VillagerRequest.objects.filter(village__parent=township).exists()
    _wipe(township.code)
    seed_villagework(seed=3, townships=[township.code])
    assert _digest(township.code) == first
    _wipe(township.code)
    seed_villagework(seed=4, townships=[township.code])
    assert _digest(township.code) != first


# ---- demo logins ----------------------------------------------------------------------------------


def test_demo_accounts_are_created_once_linked_and_stored_privately(
    demo: SeedStats, settings: pytest.FixtureRequest, tmp_path: Path
) -> None:
    settings.VAR_DIR = tmp_path  # type: ignore[attr-defined]
    out = io.StringIO()
    call_command("ensure_demo_accounts", stdout=out)
    township = Unit.objects.get(parent__code=COUNTY_CODE, name="青山镇")

    cadre_user = User.objects.get(username=DEMO_VILLAGE_CADRE)
    assert cadre_user.role == Role.VILLAGE_CADRE and cadre_user.scope_unit == township
    cadre = Cadre.objects.get(account=cadre_user)
    first_village = Unit.objects.filter(parent=township, kind__in=VILLAGE_KINDS).order_by("code").first()
    stay = Assignment.objects.get(cadre=cadre, village=first_village, ended_on__isnull=True)
    assert stay.role == AssignmentRole.STATIONED
    assert villages_for(cadre_user).filter(pk=first_village.pk).exists()  # type: ignore[union-attr]
    assert logs_for(cadre_user).exists()

    clerk = User.objects.get(username=DEMO_TOWNSHIP_CLERK)
    assert clerk.role == Role.TOWNSHIP and clerk.scope_unit == township
    lead = User.objects.get(username=DEMO_DEPARTMENT_CLERK)  # the 综合考核 leading group 县财政局
    assert lead.role == Role.DEPARTMENT and lead.scope_unit is not None
    assert lead.scope_unit.name == "县财政局"

    passwords = {}
    for username in (DEMO_VILLAGE_CADRE, DEMO_TOWNSHIP_CLERK, DEMO_DEPARTMENT_CLERK):
        path = tmp_path / f"{username}_password.txt"
        assert os.stat(path).st_mode & 0o777 == 0o600
        passwords[username] = path.read_text()
        assert f"{username}  密码：{passwords[username]}" in out.getvalue()
        assert User.objects.get(username=username).check_password(passwords[username])
    assert AuditEvent.objects.filter(action="user.create").count() == 3
    assert AuditEvent.objects.filter(action="cadre.account", object_id=str(cadre.pk)).exists()
    assert verify_chain().ok

    again = io.StringIO()
    call_command("ensure_demo_accounts", stdout=again)
    assert User.objects.filter(username__in=passwords).count() == 3
    for username, password in passwords.items():
        assert f"{username}  密码：{password}" in again.getvalue()


def test_demo_accounts_are_never_created_in_production(
    demo: SeedStats, settings: pytest.FixtureRequest, tmp_path: Path
) -> None:
    settings.VAR_DIR = tmp_path  # type: ignore[attr-defined]
    settings.PRODUCTION = True  # type: ignore[attr-defined]
    out = io.StringIO()
    call_command("ensure_demo_accounts", stdout=out)
    assert "生产环境" in out.getvalue()
    assert not User.objects.filter(username__in=[DEMO_VILLAGE_CADRE, DEMO_TOWNSHIP_CLERK]).exists()
    assert list(tmp_path.iterdir()) == []
