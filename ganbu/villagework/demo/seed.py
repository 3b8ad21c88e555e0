"""`seed_villagework`: the 驻村 part of the demo county, in the order its parts depend on each other
(households, then assignments, then a year of logs with visits and requests)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from django.db import transaction

from ganbu.audit.services import record_event
from ganbu.org.demo import COUNTY_CODE
from ganbu.org.models import TOWNSHIP_KINDS, VILLAGE_KINDS
from ganbu.org.scoping import units_in_subtree
from ganbu.org.selectors import unit_by_code, work_calendar
from ganbu.villagework import events
from ganbu.villagework.demo.assignments import AssignmentBuilder
from ganbu.villagework.demo.common import DemoRun
from ganbu.villagework.demo.households import HouseholdBuilder
from ganbu.villagework.demo.logs import LogBuilder
from ganbu.villagework.models import VillageWorkSettings


def seed_villagework(
    *, seed: int, progress: Callable[[str], None] | None = None, townships: Sequence[str] | None = None
) -> int:
    """Add the 驻村 data to the seeded demo county (or only to the townships with the given codes);
    returns the number of rows written (0 without the demo county)."""
    county = unit_by_code(COUNTY_CODE)
    if county is None:
        return 0
    units = units_in_subtree(county)
    chosen = list(units.filter(parent=county, kind__in=TOWNSHIP_KINDS).order_by("code"))
    if townships is not None:
        chosen = [t for t in chosen if t.code in townships]
    villages = list(
        units.filter(parent__in=chosen, kind__in=VILLAGE_KINDS)
        .select_related("parent")
        .order_by("parent__code", "code")
    )
    run = DemoRun.start(seed, progress)
    started = time.monotonic()
    by_village = HouseholdBuilder(run).build(villages)
    run.progress(f"已生成农户 {run.counts['households']} 户（{time.monotonic() - started:.0f} 秒）")
    assignments = AssignmentBuilder(run).build(county, chosen, villages)
    run.progress(f"已生成驻村安排 {len(assignments)} 条")
    due_days = VillageWorkSettings.current().request_due_days
    LogBuilder(run, calendar=work_calendar(), due_days=due_days).build(assignments, by_village)
    run.progress(
        f"已生成驻村工作记录 {run.counts['logs']} 条、走访 {run.counts['visits']} 户次、"
        f"群众诉求 {run.counts['requests']} 件（{time.monotonic() - started:.0f} 秒）"
    )
    with transaction.atomic():
        record_event(
            actor=None, action=events.DEMO_SEED, obj=county, unit_path=county.path, payload=dict(run.counts)
        )
    return run.rows
