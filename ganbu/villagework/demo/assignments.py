"""The demo's 驻村安排: per village one current 驻村干部 from its own township's staff (never its
党委书记/镇长/人大主席), earlier ones as history, a 工作队员 in about a fifth of the villages and a
驻村第一书记 from a county department in about a quarter (terms never overlap), about a fifth of the
current cadres more than three years in their village (the rotation alert)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from django.db import transaction

from ganbu.cadres.selectors import active_cadres_in_units
from ganbu.core.demo import TODAY
from ganbu.org.models import Unit, UnitKind
from ganbu.org.scoping import units_in_subtree
from ganbu.villagework.demo.common import CHUNK, DemoRun
from ganbu.villagework.demo.texts import FIRST_SECRETARY_DUTIES, STATIONED_DUTIES, TEAM_MEMBER_DUTIES
from ganbu.villagework.models import Assignment, AssignmentRole

# leadership levels that are a unit's heads (党委书记, 镇长/乡长, 人大主席; 局长/部长/主任): never
# stationed; their deputies (1A42) may be
HEAD_LEVEL = "1A41"
CPC_MEMBER = "01"  # 中共党员 (code table political_status): a 驻村第一书记 is a full party member


class AssignmentBuilder:
    def __init__(self, run: DemoRun) -> None:
        self.run = run
        # cadre pools per township (staff, deputies) and of county departments, and who was taken
        self._staff: dict[int, list[int]] = {}
        self._deputies: dict[int, list[int]] = {}
        self._dept_pool: list[int] = []
        self._used: dict[int, list[int]] = {}
        self._used_dept: list[int] = []

    def _days_ago(self, low: int, high: int) -> date:
        """A date between `high` and `low` days before TODAY."""
        return TODAY - timedelta(days=self.run.rng.randint(low, high))

    def build(self, county: Unit, townships: list[Unit], villages: list[Unit]) -> list[Assignment]:
        rng = self.run.rng
        township_ids = [t.pk for t in townships]
        departments = list(
            units_in_subtree(county)
            .filter(parent=county, kind=UnitKind.DEPARTMENT)
            .order_by("code")
            .values_list("pk", flat=True)
        )
        self._staff = {pk: [] for pk in township_ids}
        self._deputies = {pk: [] for pk in township_ids}
        self._dept_pool = []
        self._used = {pk: [] for pk in township_ids}
        self._used_dept = []
        rows = (
            active_cadres_in_units(township_ids + departments)
            .order_by("id")
            .values_list("id", "unit_id", "is_leader", "current_level", "political_status")
        )
        for cadre_id, unit_id, is_leader, level, political in rows:
            if is_leader and level == HEAD_LEVEL:
                continue
            if unit_id in self._staff:
                (self._deputies if is_leader else self._staff)[unit_id].append(cadre_id)
            elif political == CPC_MEMBER:  # a 驻村第一书记 is a full party member
                self._dept_pool.append(cadre_id)
        for pool in [*self._staff.values(), *self._deputies.values(), self._dept_pool]:
            rng.shuffle(pool)
        plans: list[Assignment] = []
        for village in villages:
            plans.extend(self._plan_village(village))
        with transaction.atomic():
            created = Assignment.objects.bulk_create(plans, batch_size=CHUNK)
        self.run.rows += len(created)
        self.run.counts["assignments"] = len(created)
        return created

    def _township_cadre(self, township_id: int, avoid: Sequence[int]) -> int | None:
        """A staff member (sometimes a deputy) of the township not yet stationed anywhere; when the
        township has run out, one already stationed elsewhere (linked to a second village)."""
        rng = self.run.rng
        staff, deputies = self._staff[township_id], self._deputies[township_id]
        if staff and (not deputies or rng.random() < 0.85):
            chosen = staff.pop()
        elif deputies:
            chosen = deputies.pop()
        else:
            candidates = [c for c in self._used[township_id] if c not in avoid]
            if not candidates:
                return None
            chosen = rng.choice(candidates)
        self._used[township_id].append(chosen)
        return chosen

    def _department_cadre(self, avoid: Sequence[int]) -> int | None:
        if self._dept_pool:
            chosen = self._dept_pool.pop()
        else:
            candidates = [c for c in self._used_dept if c not in avoid]
            if not candidates:
                return None
            chosen = self.run.rng.choice(candidates)
        self._used_dept.append(chosen)
        return chosen

    def _plan_village(self, village: Unit) -> list[Assignment]:
        rng = self.run.rng
        township = village.parent
        assert township is not None
        plans: list[Assignment] = []
        in_village: list[int] = []

        def add(cadre_id: int | None, role: str, start: date, end: date | None, duties: str = "") -> None:
            if cadre_id is None:
                return
            in_village.append(cadre_id)
            document = ""
            if role == AssignmentRole.FIRST_SECRETARY:
                document = f"青组通〔{start.year}〕{rng.randint(1, 60)}号"
            elif rng.random() < 0.7:
                document = f"{township.name}委发〔{start.year}〕{rng.randint(1, 90)}号"
            plans.append(
                Assignment(
                    cadre_id=cadre_id,
                    village_id=village.pk,
                    role=role,
                    started_on=start,
                    ended_on=end,
                    duties=duties,
                    document_number=document,
                )
            )

        # the current 驻村干部: ~23% there for more than three years (the rotation alert), ~12%
        # arrived in the last year (after a predecessor), the rest between one and three years
        r = rng.random()
        if r < 0.23:
            start = self._days_ago(3 * 365 + 20, 6 * 365)
            has_predecessor = rng.random() < 0.15
        elif r < 0.35:
            start = self._days_ago(45, 300)
            has_predecessor = True
        else:
            start = self._days_ago(365, 3 * 365 - 20)
            has_predecessor = rng.random() < 0.35
        add(
            self._township_cadre(township.pk, in_village),
            AssignmentRole.STATIONED,
            start,
            None,
            rng.choice(STATIONED_DUTIES),
        )
        if has_predecessor:  # history: the stay ended the day before the current one began
            add(
                self._township_cadre(township.pk, in_village),
                AssignmentRole.STATIONED,
                start - timedelta(days=rng.randint(365, 4 * 365)),
                start - timedelta(days=1),
            )
        # a 工作队员 in ~20% of villages (a few of them have already left)
        if rng.random() < 0.20:
            member_start = start + timedelta(days=rng.randint(0, max(0, (TODAY - start).days - 60)))
            member_end = None
            if rng.random() < 0.15 and (TODAY - member_start).days > 200:
                member_end = member_start + timedelta(days=rng.randint(180, (TODAY - member_start).days - 10))
            add(
                self._township_cadre(township.pk, in_village),
                AssignmentRole.TEAM_MEMBER,
                member_start,
                member_end,
                rng.choice(TEAM_MEMBER_DUTIES),
            )
        # a 驻村第一书记 from a county department in ~25% of villages (some after a predecessor whose
        # term ended the day before), a finished term only in another ~10%: terms never overlap
        r = rng.random()
        if r < 0.25:
            fs_start = self._days_ago(60, 3 * 365 - 30)
            add(
                self._department_cadre(in_village),
                AssignmentRole.FIRST_SECRETARY,
                fs_start,
                None,
                rng.choice(FIRST_SECRETARY_DUTIES),
            )
            if rng.random() < 0.4:
                add(
                    self._department_cadre(in_village),
                    AssignmentRole.FIRST_SECRETARY,
                    fs_start - timedelta(days=rng.randint(600, 1100)),
                    fs_start - timedelta(days=1),
                    rng.choice(FIRST_SECRETARY_DUTIES),
                )
        elif r < 0.35:
            fs_end = self._days_ago(30, 500)
            add(
                self._department_cadre(in_village),
                AssignmentRole.FIRST_SECRETARY,
                fs_end - timedelta(days=rng.randint(600, 1100)),
                fs_end,
                rng.choice(FIRST_SECRETARY_DUTIES),
            )
        return plans
