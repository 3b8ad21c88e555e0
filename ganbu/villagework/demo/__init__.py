"""驻村工作 in the demo county (青山县): household registers, cadres stationed in villages, a year of
work logs with household visits, villagers' requests, and the demo logins for the phone pages.

Called by `ganbu.home.demo.seed_demo` after the cadres exist. Like the cadre part of the demo it
bulk-inserts rows directly (no per-row services or queries) with the derived fields computed by
the same rule functions the services use, and it keeps every rule the services enforce:
- a household is unique by 户主 + 村民小组 within its village, 人口 ≥ 1;
- a village has one current 驻村干部, at most one 驻村第一书记 at a time (no overlapping terms),
  stationed cadres and 工作队员 come from the village's own township (not its 党委书记/镇长/人大主席),
  first secretaries from county departments;
- logs fall on working days (`core.calendar.WorkCalendar`) inside the assignment, visit only
  households of the log's village, one Visit per household per log with the village, cadre and
  date copied from the log;
- requests: due date = raised date + the 诉求默认办理期限 in force; 已办结 ⇒ resolved date and
  resolution; 已上报乡镇 ⇒ escalated date; no date after TODAY.

Deterministic for a given seed: its random stream is derived from the seed alone and it only
iterates ordered lists (never sets), so the same seed gives the same rows whatever the primary keys.

The parts: `households`, `assignments`, `logs` (logs, visits, requests), `logins` (the demo
accounts), `texts` (vocabulary and proportions), `seed` (the order), `common` (the run).
"""

from ganbu.villagework.demo.common import LOG_WINDOW_START
from ganbu.villagework.demo.logins import (
    DEMO_DEPARTMENT_CLERK,
    DEMO_TOWNSHIP,
    DEMO_TOWNSHIP_CLERK,
    DEMO_VILLAGE_CADRE,
    DemoLogin,
    demo_accounts_ensure,
)
from ganbu.villagework.demo.seed import seed_villagework

__all__ = [
    "DEMO_DEPARTMENT_CLERK",
    "DEMO_TOWNSHIP",
    "DEMO_TOWNSHIP_CLERK",
    "DEMO_VILLAGE_CADRE",
    "LOG_WINDOW_START",
    "DemoLogin",
    "demo_accounts_ensure",
    "seed_villagework",
]
