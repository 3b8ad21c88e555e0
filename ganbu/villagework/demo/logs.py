"""The demo's year of work (LOG_WINDOW_START to the demo's TODAY): logs on working days inside the
assignment (2–4 a week, by cadre and week), household visits working through the village group
by group until the cadre's share of it (60–100 % a year) is reached, some weeks under the quota,
and villagers' requests raised from about one visit log in six and one 坐诊 in eight (mostly
resolved, some escalated, a few overdue)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import reset_queries, transaction

from ganbu.core.calendar import WorkCalendar
from ganbu.core.dates import WEEK, monday_of, year_period
from ganbu.core.demo import TODAY, weighted
from ganbu.villagework import rules
from ganbu.villagework.demo.common import CHUNK, LOG_WINDOW_START, DemoRun, DemoVillage
from ganbu.villagework.demo.texts import (
    CROPS,
    DISPUTES,
    ISSUES,
    LOG_KINDS,
    LOG_TEMPLATES,
    POLICIES,
    PROJECTS,
    REQUEST_CATEGORIES,
    REQUEST_TEMPLATES,
    SPECIAL_CATEGORIES,
)
from ganbu.villagework.models import (
    Assignment,
    Household,
    LogKind,
    RequestStatus,
    VillagerRequest,
    Visit,
    WorkLog,
)


@dataclass
class Profile:
    """How a cadre works: logs per week (mean) and the share of the village they reach in a year."""

    logs_per_week: float
    coverage: float


@dataclass
class PendingLog:
    log: WorkLog
    household_ids: list[int]
    request: VillagerRequest | None


class LogBuilder:
    def __init__(self, run: DemoRun, *, calendar: WorkCalendar, due_days: int) -> None:
        self.run = run
        self.calendar = calendar  # working days (core.calendar)
        self.due_days = due_days  # 诉求默认办理期限 in force
        self._workdays: dict[date, bool] = {}

    def _workday(self, day: date) -> bool:
        known = self._workdays.get(day)
        if known is None:
            known = self._workdays[day] = self.calendar.is_workday(day)
        return known

    def _profile(self, profiles: dict[int, Profile], cadre_id: int) -> Profile:
        profile = profiles.get(cadre_id)
        if profile is None:
            diligence = self.run.rng.uniform(0.55, 1.25)
            coverage = min(1.0, 0.42 + 0.45 * diligence + self.run.rng.uniform(-0.06, 0.06))
            profile = profiles[cadre_id] = Profile(logs_per_week=3.0 * diligence, coverage=coverage)
        return profile

    def _log_days(self, profile: Profile, first: date, last: date) -> list[tuple[date, str]]:
        """Working days with a log and the kind of each: ~2–4 a week, varying by cadre and week."""
        rng = self.run.rng
        days: list[tuple[date, str]] = []
        monday = monday_of(first)
        while monday <= last:
            week = [
                monday + timedelta(days=i)
                for i in range(7)
                if first <= monday + timedelta(days=i) <= last and self._workday(monday + timedelta(days=i))
            ]
            n = max(0, min(len(week), 5, round(rng.gauss(profile.logs_per_week, 0.9))))
            for day in sorted(rng.sample(week, n)):
                days.append((day, weighted(rng, LOG_KINDS)))
            monday += WEEK
        return days

    def _visit_plan(
        self, profile: Profile, village: DemoVillage, days: list[tuple[date, str]], first: date, last: date
    ) -> list[list[Household]]:
        """The households of each visit log. Per calendar year the cadre works through the village
        group by group, preferring households not yet visited that year, until they have reached
        their share of it; the rest of each day's visits are return visits (脱贫户/监测户 first)."""
        rng = self.run.rng
        plan: list[list[Household]] = [[] for _ in days]
        households = village.households
        if not households:
            return plan
        for year in range(first.year, last.year + 1):
            indices = [i for i, (day, kind) in enumerate(days) if day.year == year and kind == LogKind.VISIT]
            if not indices:
                continue
            year_start, year_end = year_period(year)
            active = (min(last, year_end) - max(first, year_start)).days + 1
            target = min(len(households), round(profile.coverage * len(households) * min(1.0, active / 300)))
            groups = list(village.groups)
            rng.shuffle(groups)
            order: list[Household] = []
            for group in groups:
                members = [h for h in households if h.group_name == group]
                rng.shuffle(members)
                order.extend(members)
            pointer = 0
            visited: list[Household] = []
            special: list[Household] = []
            for position, index in enumerate(indices):
                expected = (target - pointer) / (len(indices) - position)
                fresh = int(expected) + (1 if rng.random() < expected - int(expected) else 0)
                fresh = max(0, min(fresh, 15, len(order) - pointer))
                if fresh == 0 and not visited:
                    fresh = min(1, len(order) - pointer)
                wanted = rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5, 6])
                chosen = order[pointer : pointer + fresh]
                pointer += fresh
                again: list[Household] = []
                for _ in range(max(0, wanted - fresh)):
                    if not visited:
                        break
                    source = special if special and rng.random() < 0.5 else visited
                    pick = rng.choice(source)
                    if pick not in again:
                        again.append(pick)
                for household in chosen:
                    visited.append(household)
                    if household.category in SPECIAL_CATEGORIES:
                        special.append(household)
                plan[index] = chosen + again
        return plan

    def _content(self, kind: str, village: DemoVillage, households: list[Household]) -> str:
        rng = self.run.rng
        template = rng.choice(LOG_TEMPLATES[kind])
        if households:
            names = "、".join(h.head_name for h in households[:3])
            group = households[0].group_name
        else:
            names, group = "", rng.choice(village.groups) if village.groups else ""
        return template.format(
            group=group,
            names=names,
            n=len(households),
            k=rng.randint(2, 12),
            policy=rng.choice(POLICIES),
            issue=rng.choice(ISSUES),
            dispute=rng.choice(DISPUTES),
            project=rng.choice(PROJECTS),
            crop=rng.choice(CROPS),
        )

    def _request(
        self, log: WorkLog, village: DemoVillage, household: Household | None, cadre_id: int
    ) -> VillagerRequest:
        rng = self.run.rng
        category = weighted(rng, REQUEST_CATEGORIES)
        group = household.group_name if household else (rng.choice(village.groups) if village.groups else "")
        template, outcome = rng.choice(REQUEST_TEMPLATES[category])
        description = template.format(
            group=group, crop=rng.choice(CROPS), dispute=rng.choice(DISPUTES), policy=rng.choice(POLICIES)
        )
        raised = log.logged_on
        due = rules.request_due_on(raised, self.due_days)
        age = (TODAY - raised).days
        # (accepted, in progress, escalated, resolved): older requests are mostly closed, a few
        # stay open past their due date (overdue), recent ones are mostly still being handled
        if age > 60:
            weights = [0.3, 0.7, 0.5, 98.5]
        elif age > self.due_days:
            weights = [2.0, 6.0, 3.0, 89.0]
        else:
            weights = [30.0, 40.0, 5.0, 25.0]
        status = rng.choices(
            [
                RequestStatus.ACCEPTED,
                RequestStatus.IN_PROGRESS,
                RequestStatus.ESCALATED,
                RequestStatus.RESOLVED,
            ],
            weights=weights,
        )[0]
        if age < 1 and status != RequestStatus.ACCEPTED:
            status = RequestStatus.ACCEPTED  # raised today: nothing done yet
        escalated_on = resolved_on = None
        resolution = ""
        if status == RequestStatus.ESCALATED:
            escalated_on = raised + timedelta(days=rng.randint(1, min(age, 10)))
        elif status == RequestStatus.RESOLVED:
            took = rng.choices(
                [rng.randint(1, 7), rng.randint(8, 15), rng.randint(16, 30)], weights=[55, 33, 12]
            )[0]
            if rng.random() < 0.08 and age >= 3:  # escalated first, resolved by the township
                escalated_on = raised + timedelta(days=rng.randint(1, min(age - 1, 8)))
                took = max(took, (escalated_on - raised).days + 1)
            resolved_on = min(TODAY, raised + timedelta(days=took))
            resolution = outcome
        return VillagerRequest(
            village_id=village.unit.pk,
            household_id=household.pk if household else None,
            cadre_id=cadre_id,
            category=category,
            description=description,
            raised_on=raised,
            due_on=due,
            status=status,
            resolution=resolution,
            resolved_on=resolved_on,
            escalated_on=escalated_on,
        )

    def build(self, assignments: list[Assignment], by_village: dict[int, DemoVillage]) -> None:
        rng = self.run.rng
        profiles: dict[int, Profile] = {}
        pending: list[PendingLog] = []
        self.run.counts.update(logs=0, visits=0, requests=0)
        for assignment in assignments:
            first = max(assignment.started_on, LOG_WINDOW_START)
            last = min(assignment.ended_on or TODAY, TODAY)
            if last < first:
                continue
            village = by_village[assignment.village_id]
            profile = self._profile(profiles, assignment.cadre_id)
            days = self._log_days(profile, first, last)
            plan = self._visit_plan(profile, village, days, first, last)
            for (day, kind), visited in zip(days, plan, strict=True):
                if kind == LogKind.VISIT and not visited:
                    kind = LogKind.CLINIC  # an empty register: nothing to visit
                log = WorkLog(
                    cadre_id=assignment.cadre_id,
                    village_id=village.unit.pk,
                    assignment_id=assignment.pk,
                    logged_on=day,
                    kind=kind,
                    content=self._content(kind, village, visited),
                )
                request = None
                if visited and rng.random() < 1 / 6:
                    request = self._request(log, village, rng.choice(visited), assignment.cadre_id)
                elif kind == LogKind.CLINIC and rng.random() < 1 / 8:
                    walk_in = rng.choice(village.households) if village.households else None
                    request = self._request(log, village, walk_in, assignment.cadre_id)
                pending.append(PendingLog(log, [h.pk for h in visited], request))
            if len(pending) >= CHUNK:
                self._insert_logs(pending)
                pending = []
        self._insert_logs(pending)

    def _insert_logs(self, pending: list[PendingLog]) -> None:
        if not pending:
            return
        with transaction.atomic():
            logs = WorkLog.objects.bulk_create([p.log for p in pending], batch_size=CHUNK)
            visits: list[Visit] = []
            requests: list[VillagerRequest] = []
            for log, item in zip(logs, pending, strict=True):
                for household_id in item.household_ids:
                    visits.append(
                        Visit(
                            log_id=log.pk,
                            household_id=household_id,
                            village_id=log.village_id,
                            cadre_id=log.cadre_id,
                            visited_on=log.logged_on,
                        )
                    )
                if item.request is not None:
                    item.request.source_log_id = log.pk
                    requests.append(item.request)
            Visit.objects.bulk_create(visits, batch_size=CHUNK)
            VillagerRequest.objects.bulk_create(requests, batch_size=CHUNK)
        reset_queries()
        self.run.counts["logs"] += len(logs)
        self.run.counts["visits"] += len(visits)
        self.run.counts["requests"] += len(requests)
        self.run.rows += len(logs) + len(visits) + len(requests)
